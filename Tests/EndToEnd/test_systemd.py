"""deploy/systemd/wokmanager.service checked by systemd-analyze, and the server's readiness notification."""
import os
import re
import shutil
import socket
import subprocess
import urllib.request

import pytest

from conftest import BINARY, REPO, Server

UNIT = REPO / "deploy/systemd/wokmanager.service"


def systemd_analyze():
    path = shutil.which("systemd-analyze")
    if not path:
        pytest.fail("systemd-analyze is missing: install Debian's `systemd` package (scripts/deps.sh test does it as root)")
    return path


def installed_unit(tmp_path):
    """The unit as installed: its ExecStart naming a binary that exists (the one under test)."""
    unit = tmp_path / "wokmanager.service"
    unit.write_text(UNIT.read_text().replace("/usr/local/bin/wokmanager", str(BINARY)))
    return unit


def test_the_unit_verifies_without_a_warning(tmp_path):
    done = subprocess.run([systemd_analyze(), "verify", str(installed_unit(tmp_path))], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr.strip() == "" and done.stdout.strip() == "", done.stdout + done.stderr


def test_the_unit_is_hardened(tmp_path):
    done = subprocess.run([systemd_analyze(), "security", "--offline=yes", str(installed_unit(tmp_path))],
                          capture_output=True, text=True, timeout=60)
    level = re.search(r"Overall exposure level for wokmanager.service: ([0-9.]+)", done.stdout)
    assert level, done.stdout + done.stderr
    # systemd's scale: 0 is locked down, 10 is a service with no sandboxing; below 2 it calls the unit "OK".
    assert float(level.group(1)) < 2.0, done.stdout
    text = UNIT.read_text()
    for setting in ["Type=notify", "DynamicUser=yes", "StateDirectory=wokmanager", "ProtectSystem=strict", "NoNewPrivileges=yes",
                    "Restart=on-failure", "ExecReload=/bin/kill -HUP $MAINPID"]:
        assert f"\n{setting}\n" in text, setting


@pytest.mark.parametrize("abstract", [False, True], ids=["path", "abstract"])
def test_the_server_tells_systemd_it_is_ready_once_it_listens(tmp_path, abstract):
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    address = f"\0wokmanager-notify-{tmp_path.name}" if abstract else str(tmp_path / "notify.sock")
    listener.bind(address)
    listener.settimeout(30)
    server = Server(tmp_path / "server", env={"NOTIFY_SOCKET": "@" + address[1:] if abstract else address})
    command, environment = server.invocation()
    with open(tmp_path / "server.log", "wb") as log:
        process = subprocess.Popen([str(part) for part in command], env={**os.environ, **environment}, stdout=log, stderr=subprocess.STDOUT)
        try:
            assert listener.recv(4096) == b"READY=1"
            # Ready means listening: the first request after the message is answered, with no retry.
            with urllib.request.urlopen(server.url("/healthz"), timeout=5) as answer:
                assert answer.status == 200
        finally:
            process.terminate()
            assert process.wait(30) == 0
            listener.close()
