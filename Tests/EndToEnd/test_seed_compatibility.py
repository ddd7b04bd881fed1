"""The seed README's curl commands, verbatim, against a server on the seed's port."""
import socket
import subprocess

import pytest


# Copied character for character from the seed README: users have scripts built on them.
SEED_STARTED = """curl -H "Content-Type: application/json" -v -X POST -d '{"id" : "Importer1d", "group" : "product.importer", "event" : "started", "at" : "now"}' http://localhost:5000/worker/state?api-key=231cooai1d"""
SEED_STOPPED = """curl -H "Content-Type: application/json" -v -X POST -d '{"id" : "Importer1d", "group" : "product.importer", "event" : "stopped", "at" : "now"}' http://localhost:5000/worker/state?api-key=231cooai1d"""


def port_is_free(port):
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: TIME_WAIT is no conflict
        try:
            probe.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def run_shell(command):
    done = subprocess.run(["bash", "-c", command + " --fail-with-body -sS"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, f"{command}\nexit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_seed_curl_commands_work_as_written(server_factory):
    if not port_is_free(5000):
        pytest.fail("port 5000 is taken (is `make run` still running?); the seed's commands need it")
    server = server_factory(port=5000, keys=("231cooai1d",)).start()

    answer = run_shell(SEED_STARTED)
    assert '"status":"running"' in answer
    status, body = server.request("GET", "/workers?id=Importer1d")
    assert status == 200
    assert [(w["id"], w["group"], w["status"]) for w in body["workers"]] == [("Importer1d", "product.importer", "running")]

    answer = run_shell(SEED_STOPPED)
    assert '"status":"stopped"' in answer
    status, body = server.request("GET", "/workers?status=running")
    assert body["workers"] == []
    status, body = server.request("GET", "/workers/Importer1d")
    assert [entry["status"] for entry in body["history"]] == ["stopped", "running"]
