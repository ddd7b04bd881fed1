"""The README's commands, run as a new user runs them, so that they cannot drift from what works.

`make run` is `./.build/debug/wokmanager serve $(ARGS)` in a checkout with no `data/` yet: here the built
binary in a fresh folder, with no WOKMANAGER_* variable. Its start-up output gives the `export` line and the
`keys add` command, which are run as printed; then every curl command of the README's `sh` blocks must
answer 2xx. The seed's literal curl lines must answer 2xx against the server started as the README says
for them."""
import os
import re
import shlex
import signal
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from conftest import BINARY, REPO, wait_until
from test_seed_compatibility import SEED_STARTED, SEED_STOPPED, port_is_free

README = (REPO / "README.md").read_text()
PORT = 5000  # the README's examples name http://localhost:5000

# Every curl reports its HTTP status on standard error; the command's own options are left as written.
CURL_STATUS = "set -o pipefail\ncurl() { command curl --silent --show-error --write-out '%{stderr}readme-status %{http_code}\\n' \"$@\"; }\n"


def fresh_environment():
    """The environment of a new shell: none of the WOKMANAGER_* variables this test run may have."""
    return {name: value for name, value in os.environ.items() if not name.startswith("WOKMANAGER_")}


def shell_blocks():
    return re.findall(r"^```sh\n(.*?)^```", README, flags=re.M | re.S)


def commands(block):
    """The commands of a shell block: comment lines dropped, a line ending in `|` or `\\` joined to the next."""
    found, current = [], ""
    for line in block.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        current += line + "\n"
        if not line.rstrip().endswith(("|", "\\")):
            found.append(current)
            current = ""
    return found + ([current] if current else [])


def is_curl(command):
    return re.search(r"^\s*curl\s", command, flags=re.M) is not None


class ReadmeServer:
    """`wokmanager serve ARGS` as `make run ARGS=...` starts it: in `folder`, on the default port and data path."""

    def __init__(self, folder, args=()):
        if not BINARY.exists():
            pytest.fail(f"{BINARY} is missing: build it first (swift build)")
        deadline = time.monotonic() + 60
        while not port_is_free(PORT):
            if time.monotonic() > deadline:
                pytest.fail(f"port {PORT} is taken (is `make run` still running?); the README's examples need it")
            time.sleep(0.5)
        self.folder = folder
        self.folder.mkdir(parents=True)
        self.log_path = folder / "server.log"
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [str(BINARY), "serve", *args], cwd=folder, env=fresh_environment(), stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"the server did not start:\n{self.log_path.read_text(errors='replace')}")
            time.sleep(0.05)

    def answers(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1) as answer:
                return answer.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def output(self):
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def shell(self, command, preamble=""):
        """Runs `command` with bash in the server's folder, after `preamble`, as a new shell would."""
        return subprocess.run(["bash", "-c", CURL_STATUS + preamble + "\n" + command], cwd=self.folder,
                              env=fresh_environment(), capture_output=True, text=True, timeout=30)

    def curl(self, command, preamble=""):
        """Runs a curl command as `shell` does; each request in it must answer 2xx. Returns what it printed."""
        done = self.shell(command, preamble)
        statuses = re.findall(r"readme-status (\d+)", done.stderr)
        assert done.returncode == 0 and statuses and all(status.startswith("2") for status in statuses), (
            f"README command failed (exit {done.returncode}, HTTP {statuses}):\n{command}\n{done.stdout}\n{done.stderr[-3000:]}")
        return done.stdout

    def stop(self):
        """SIGTERM, then SIGKILL after 30 s: no test leaves a server on the README's port."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not self.log.closed:
            self.log.close()


@pytest.fixture
def start(tmp_path):
    servers = []

    def make(name, args=()):
        servers.append(ReadmeServer(tmp_path / name, args))
        return servers[-1]

    yield make
    for server in servers:
        server.stop()


def test_the_readme_examples_work_with_the_key_make_run_prints(start):
    examples = [command for block in shell_blocks() for command in commands(block) if is_curl(command)]
    curl_lines = [line for block in shell_blocks() for line in block.splitlines() if re.match(r"\s*curl\s", line)]
    assert len(examples) == len(curl_lines) >= 10, "the README's curl commands were not all found"

    server = start("checkout")  # `make run`: no key configured anywhere, so one is generated
    printed = server.output().splitlines()
    exports = [line for line in printed if line.startswith("export WOKMANAGER_API_KEY=")]
    assert len(exports) == 1, f"no single export line in the start-up output:\n{server.output()}"
    assert 'make run ARGS="--api-key 231cooai1d"' in server.output()

    hint = next(index for index, line in enumerate(printed) if line.startswith("Make more keys"))
    keys_add = printed[hint + 1]
    added = server.shell(keys_add)  # the hint runs as printed, from where `make run` was typed
    secret = added.stdout.strip()
    assert added.returncode == 0 and re.fullmatch(r"[0-9a-f]{64}", secret), f"{keys_add}\n{added.stdout}{added.stderr}"
    event = """curl -X POST -H "X-API-Key: %s" -d '{"id":"k","group":"g","event":"started"}' http://localhost:5000/worker/state"""
    wait_until(lambda: server.shell(event % secret + " --fail").returncode == 0)  # the keys file is re-read within 2 s

    for command in examples:
        server.curl(command, preamble=exports[0])


def test_the_seed_curl_lines_work_unchanged_with_the_start_the_readme_gives(start):
    seed_lines = [line.strip() for line in README.splitlines() if line.startswith("    curl ")]
    assert seed_lines == [SEED_STARTED, SEED_STOPPED], "the README must keep the seed's curl lines as they were"
    before = README[:README.index(SEED_STARTED)]
    args = re.findall(r'make run ARGS="([^"]*)"', before)[-1]  # the start the README gives just above them
    assert args == "--api-key 231cooai1d"

    server = start("seed", shlex.split(args))
    assert "shown only this once" not in server.output()  # a key is configured: none is generated
    assert '"status":"running"' in server.curl(SEED_STARTED)
    assert '"status":"stopped"' in server.curl(SEED_STOPPED)
