"""The Python client and the seed's query script (clients/python/wokmanager.py) against a live server."""
import json
import logging
import os
import shutil
import subprocess
import sys
import time

import pytest

from conftest import KEY, REPO, free_port, wait_until

CLIENT_DIR = REPO / "clients" / "python"
SCRIPT = CLIENT_DIR / "wokmanager.py"
sys.path.insert(0, str(CLIENT_DIR))
import wokmanager  # noqa: E402


def run_script(server, *arguments, url=None):
    environment = {**os.environ, "WOKMANAGER_URL": url or server.url("")}
    return subprocess.run([sys.executable, str(SCRIPT), *arguments], capture_output=True, text=True, env=environment, timeout=30)


@pytest.fixture
def seeded(server):
    for event in (
        {"id": "Importer01", "group": "product.importer", "event": "started"},
        {"id": "Promo01", "group": "price.promotion", "event": "started"},
        {"id": "Promo02", "group": "price.promotion", "event": "stopped"},
    ):
        assert server.request("POST", "/worker/state", event, key=KEY)[0] == 200
    return server


def test_seed_query_for_one_worker_prints_the_seed_output(seeded):
    done = run_script(seeded, "--id", "Importer01")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "Requiring Workers that match {'id': 'Importer01'} condition\n"
        "1 Workers running with such a criteria:\n"
        "Id: Importer01, group: product.importer\n"
    )


def test_seed_query_for_every_worker_lists_the_running_ones(seeded):
    done = run_script(seeded, "--id", "*")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "Requiring Workers that match {'id': '*'} condition\n"
        "2 Workers running with such a criteria:\n"
        "Id: Importer01, group: product.importer\n"
        "Id: Promo01, group: price.promotion\n"
    )


def test_script_filters_and_json(seeded):
    done = run_script(seeded, "--group", "price", "--status", "stopped", "--json")
    assert done.returncode == 0, done.stderr
    assert [(w["id"], w["status"]) for w in json.loads(done.stdout)] == [("Promo02", "stopped")]


def test_script_says_clearly_when_the_server_is_down(seeded):
    done = run_script(seeded, "--id", "*", url=f"http://127.0.0.1:{free_port()}")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("wokmanager: cannot reach wokmanager at http://127.0.0.1:")


def test_context_manager_reports_started_heartbeats_and_stopped(server):
    client = wokmanager.Client(server.url(""), api_key=KEY)
    with client.worker("Py01", "python.jobs", ttl=30, heartbeat_interval=0.1, version="3.1") as worker:
        worker.message("halfway")
        running = client.workers(id="Py01")
        assert [w["status"] for w in running] == ["running"]
        wait_until(lambda: client.worker_detail("Py01")["worker"]["heartbeats"] >= 2)
    detail = client.worker_detail("Py01")
    assert detail["worker"]["status"] == "stopped"
    assert detail["worker"]["version"] == "3.1"
    assert detail["worker"]["pid"] == os.getpid()
    assert [m["message"] for m in detail["messages"]] == ["halfway"]
    assert [h["status"] for h in detail["history"]] == ["stopped", "running"]


def test_context_manager_reports_a_failure_and_lets_the_exception_through(server):
    client = wokmanager.Client(server.url(""), api_key=KEY)
    with pytest.raises(ValueError):
        with client.worker("Py02", "python.jobs", ttl=30):
            raise ValueError("bad input file")
    detail = client.worker_detail("Py02")
    assert detail["worker"]["status"] == "failed"
    assert detail["errors"][0]["message"] == "ValueError: bad input file"
    assert detail["errors"][0]["action"] == "aborted"


def test_a_message_or_error_after_the_run_is_kept_with_it_across_a_restart(server):
    """The README's example: a `message` sent after the `with` block (or an `error` after a failed run) is
    stored with the run that ended and starts no new one, so once the TTL has passed, after a restart of the
    server too, the worker is still stopped (or failed), never lost."""
    client = wokmanager.Client(server.url(""), api_key=KEY)
    with client.worker("Py05", "python.jobs", ttl=1, heartbeat_interval=0.2):
        pass
    assert client.send("message", "Py05", "python.jobs", message="done")["status"] == "stopped"
    with pytest.raises(ValueError):
        with client.worker("Py06", "python.jobs", ttl=1, heartbeat_interval=0.2):
            raise ValueError("bad input file")
    assert client.send("error", "Py06", "python.jobs", message="cleanup failed", action="logged")["status"] == "failed"
    server.stop()
    server.start()
    time.sleep(1.5)  # past the one-second TTL, counted from the restart
    stopped, failed = client.worker_detail("Py05"), client.worker_detail("Py06")
    assert (stopped["worker"]["status"], stopped["worker"]["exit_code"], stopped["worker"]["message"]) == ("stopped", 0, "done")
    assert [h["status"] for h in stopped["history"]] == ["stopped", "running"]
    assert (failed["worker"]["status"], failed["worker"]["exit_code"], failed["worker"]["error_count"]) == ("failed", 1, 2)
    assert [e["message"] for e in failed["errors"]] == ["cleanup failed", "ValueError: bad input file"]
    assert [h["status"] for h in failed["history"]] == ["failed", "running"]
    assert [w["id"] for w in client.workers(id="Py0*", status="lost")] == []


def test_a_server_that_is_down_never_breaks_the_worker(caplog):
    client = wokmanager.Client(f"http://127.0.0.1:{free_port()}", api_key=KEY, retries=1, backoff=0.01, timeout=1)
    ran = []
    with caplog.at_level(logging.WARNING, logger="wokmanager"):
        with client.worker("Py03", "python.jobs", ttl=3, heartbeat_interval=0.05) as worker:
            worker.message("still working")
            ran.append(True)
    assert ran == [True]
    assert any("started event of Py03 not delivered" in line for line in caplog.messages)
    assert any("stopped event of Py03 not delivered" in line for line in caplog.messages)


def test_refused_events_raise_with_the_field(server):
    client = wokmanager.Client(server.url(""), api_key=KEY)
    with pytest.raises(wokmanager.WokmanagerError) as refused:
        client.send("exploded", "Py04", "python.jobs")
    assert refused.value.status == 400 and refused.value.field == "event"
    with pytest.raises(wokmanager.WokmanagerError) as unauthorized:
        wokmanager.Client(server.url(""), api_key="wrong").send("started", "Py04", "python.jobs")
    assert unauthorized.value.status == 401


def test_problems_are_listed_and_acknowledged(server):
    client = wokmanager.Client(server.url(""), api_key=KEY)
    client.send("stopped", "Py07", "python.jobs", exit_code=3)
    [problem] = client.problems(kind="failed", group="python")
    assert (problem["kind"], problem["worker"], problem["state"]) == ("failed", "Py07", "open")
    assert client.problems(kind=["lost", "down"]) == [] and client.problems(group="other") == []
    acknowledged = client.acknowledge(problem["id"], note="on it")
    assert (acknowledged["state"], acknowledged["acknowledgement"]["note"]) == ("acknowledged", "on it")
    assert client.problems(state="open") == []
    assert [p["id"] for p in client.problems(state="acknowledged", since="2000-01-01T00:00:00Z")] == [problem["id"]]
    client.send("started", "Py07", "python.jobs")
    assert client.problems() == []
    assert [p["resolution"] for p in client.problems(state="resolved")] == ["a new run started"]
    with pytest.raises(wokmanager.WokmanagerError) as resolved:
        client.acknowledge(problem["id"])
    assert (resolved.value.status, resolved.value.field) == (409, "id")
    with pytest.raises(wokmanager.WokmanagerError) as unknown:
        client.acknowledge(999)
    assert unknown.value.status == 404
    with pytest.raises(wokmanager.WokmanagerError) as refused:
        client.problems(state="closed")
    assert (refused.value.status, refused.value.field) == (400, "state")


def test_script_lists_problems(seeded):
    assert seeded.request("POST", "/worker/state", {"id": "Job3", "group": "cron", "event": "stopped", "exit_code": 3}, key=KEY)[0] == 200
    done = run_script(seeded, "--problems")
    assert done.returncode == 0, done.stderr
    [problem] = json.loads(run_script(seeded, "--problems", "--json").stdout)
    assert done.stdout == (
        "1 Problems open or acknowledged:\n"
        f"Problem {problem['id']}: failed of worker Job3 ({problem['state']}): {problem['detail']}\n"
    )
    assert run_script(seeded, "--problems", "--group", "product").stdout == "0 Problems open or acknowledged:\n"


def test_installable_with_pip(tmp_path):
    source, target = tmp_path / "source", tmp_path / "site"
    shutil.copytree(CLIENT_DIR, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(source)],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    check = subprocess.run([sys.executable, "-c", "import wokmanager; print(wokmanager.__version__)"],
                           cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(target)}, capture_output=True, text=True)
    assert check.stdout.strip() == wokmanager.__version__
