"""Starts real `wokmanager serve` processes on loopback for the end-to-end tests."""
import gzip
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("WOKMANAGER_BIN", REPO / ".build" / "debug" / "wokmanager"))
KEY = "e2e-key-5b2f0c"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One `wokmanager serve` process with its own database folder and log file."""

    def __init__(self, folder, port=None, keys=(KEY,), args=(), env=None, use_flags=True):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.database = self.folder / "wokmanager.sqlite"
        self.keys = keys
        self.args = list(args)
        self.env = env
        self.use_flags = use_flags
        self.process = None
        self.starts = 0

    @property
    def log_path(self):
        return self.folder / f"server-{self.starts}.log"

    def start(self, timeout=30):
        if not BINARY.exists():
            pytest.fail(f"{BINARY} is missing: build it first (swift build)")
        command = [str(BINARY), "serve", *self.args]
        environment = {**os.environ, **(self.env or {})}
        if self.use_flags:
            command += ["--port", str(self.port), "--database", str(self.database)]
            for key in self.keys:
                command += ["--api-key", key]
        else:
            environment.update(
                WOKMANAGER_PORT=str(self.port), WOKMANAGER_DATABASE=str(self.database), WOKMANAGER_API_KEYS=",".join(self.keys))
        self.starts += 1
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, env=environment)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"server exited with {self.process.returncode}:\n{self.output()}")
            try:
                with urllib.request.urlopen(self.url("/healthz"), timeout=1) as answer:
                    if answer.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        pytest.fail(f"server did not answer /healthz within {timeout}s:\n{self.output()}")

    def output(self):
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def request(self, method, path, body=None, headers=None, key=None):
        """Sends a request; returns (status, parsed JSON body or text)."""
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        request = urllib.request.Request(self.url(path), data=data, method=method, headers=headers or {})
        if key:
            request.add_header("X-API-Key", key)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, decode(answer.read(), answer.headers.get("Content-Type", ""))
        except urllib.error.HTTPError as error:
            return error.code, decode(error.read(), error.headers.get("Content-Type", ""))

    def signal(self, number):
        self.process.send_signal(number)
        return self.process.wait(timeout=30)

    def stop(self):
        """SIGTERM, and SIGKILL if the server has not exited within 30 s (then the test fails): no test
        leaves a server behind."""
        try:
            if self.process and self.process.poll() is None:
                self.signal(signal.SIGTERM)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"the server did not exit within 30 s of SIGTERM:\n{self.output()[-3000:]}")
        finally:
            if self.process and not self.log.closed:
                self.log.close()


def wait_until(condition, timeout=10.0):
    """Polls `condition` (errors count as not yet) until it holds, or fails the test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (OSError, KeyError):
            pass
        time.sleep(0.05)
    pytest.fail("condition not met in time")


def promtool():
    """The path of `promtool`, or a failure naming the package that has it."""
    path = shutil.which("promtool")
    if not path:
        pytest.fail("promtool is missing: install Debian's `prometheus` package (scripts/deps.sh test does it as root)")
    return path


def scrape(server, accept_encoding=None):
    """The text of `GET /metrics`, decompressed when the server gzipped it."""
    request = urllib.request.Request(server.url("/metrics"))
    if accept_encoding:
        request.add_header("Accept-Encoding", accept_encoding)
    with urllib.request.urlopen(request, timeout=10) as answer:
        body = answer.read()
        if answer.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return body.decode()


def decode(raw, content_type):
    if content_type.startswith("application/json"):
        return json.loads(raw)
    return raw.decode()


@pytest.fixture
def server_factory(tmp_path):
    servers = []

    def make(name="server", **options):
        server = Server(tmp_path / name, **options)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def server(server_factory):
    return server_factory().start()
