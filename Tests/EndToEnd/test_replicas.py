"""Two `wokmanager serve` replicas on one PostgreSQL database: shared state, the clean-up moving to the
surviving replica, and a database restart under load with no acknowledged event lost."""
import http.client
import json
import os
import signal
import subprocess
import threading
import time
import urllib.request
import uuid

import pytest

from conftest import KEY, REPO, wait_until

BASE_URL = os.environ.get("WOKMANAGER_TEST_POSTGRES_URL")
if not BASE_URL and not os.environ.get("CI"):
    pytest.skip("PostgreSQL tests need WOKMANAGER_TEST_POSTGRES_URL (make test starts a server when postgresql is installed)",
                allow_module_level=True)


def psql(url, sql):
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql], check=True, capture_output=True, timeout=60)


@pytest.fixture
def database_url():
    assert BASE_URL, "WOKMANAGER_TEST_POSTGRES_URL must be set in CI: .ci/run starts PostgreSQL for these tests"
    name = "wm_" + uuid.uuid4().hex[:12]
    psql(BASE_URL, f"CREATE DATABASE {name}")
    yield BASE_URL.replace("/wokmanager_test?", f"/{name}?")
    psql(BASE_URL, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def replicas(database_url, server_factory):
    args = ["--database-url", database_url, "--sweep-interval", "0.2s", "--log-level", os.environ.get("E2E_LOG_LEVEL", "info")]
    return [server_factory(name, args=args).start() for name in ("replica-a", "replica-b")]


def post(server, event):
    return server.request("POST", "/worker/state", event, key=KEY)


def test_a_worker_reported_to_one_replica_shows_on_the_other(replicas):
    a, b = replicas
    assert post(a, {"id": "Importer01", "group": "product.importer", "event": "started"})[0] == 200
    assert post(b, {"id": "Importer01", "group": "product.importer", "event": "message", "message": "via b"})[0] == 200
    status, body = b.request("GET", "/workers?id=Importer01")
    assert [(w["id"], w["status"], w["message"]) for w in body["workers"]] == [("Importer01", "running", "via b")]
    assert "Importer01" in a.request("GET", "/")[1]
    assert 'wokmanager_workers_running{group="product.importer"} 1' in b.request("GET", "/metrics")[1]


def domains(server):
    """`GET /domains` on `server`: the running count at the root, and how old the counts say they are."""
    with urllib.request.urlopen(server.url("/domains"), timeout=10) as answer:
        return json.loads(answer.read())["counts"]["running"], float(answer.headers["Wokmanager-Counts-Age"])


def test_another_replicas_write_shows_in_the_counts_within_a_second(replicas):
    a, b = replicas
    assert post(a, {"id": "first", "group": "product.counted", "event": "started"})[0] == 200
    assert domains(b)[0] == 1  # b reads its counts now and keeps them in memory
    assert post(a, {"id": "second", "group": "product.counted", "event": "started"})[0] == 200
    written = time.monotonic()
    assert domains(a)[0] == 2  # a counts its own write at once
    while (seen := domains(b))[0] != 2:
        assert seen[1] <= 1.2, seen  # a second, and the time the answer took
        assert time.monotonic() - written < 5, "b still counts 1 running worker 5 s after a's write"
        time.sleep(0.05)


def holder(servers):
    return [s for s in servers if "now runs the periodic clean-up" in s.output()]


def test_the_clean_up_moves_to_the_surviving_replica(replicas):
    wait_until(lambda: len(holder(replicas)) == 1)
    leader = holder(replicas)[0]
    survivor = next(s for s in replicas if s is not leader)
    leader.signal(signal.SIGKILL)
    wait_until(lambda: holder([survivor]), timeout=20)
    # The survivor now records losses: a worker with a one-second TTL goes quiet.
    assert post(survivor, {"id": "short", "group": "g", "event": "started", "ttl": 1})[0] == 200
    wait_until(lambda: [e["event"] for e in survivor.request("GET", "/events?worker=short")[1]["events"]][:1] == ["lost"], timeout=20)


def test_a_database_restart_under_load_loses_no_acknowledged_event(replicas):
    acknowledged, refused, stop = [], [], threading.Event()

    def send(client, server):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        number = 0
        while not stop.is_set():
            message = f"c{client}-{number}"
            body = json.dumps({"id": f"w{client}", "group": "load", "event": "message", "message": message})
            try:
                connection.request("POST", "/worker/state", body, {"X-API-Key": KEY})
                answer = connection.getresponse()
                answer.read()
                (acknowledged if answer.status == 200 else refused).append((client, message, answer.status))
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            number += 1

    # Daemons, stopped however the test ends: an interrupted run must not wait for them forever.
    threads = [threading.Thread(target=send, args=(c, replicas[c % 2]), daemon=True) for c in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1)
        subprocess.run([str(REPO / "scripts" / "postgres.sh"), "restart"], check=True, timeout=120)
        time.sleep(2)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    assert all(status in (503, 507) for _, _, status in refused), refused[:5]
    # Both replicas recovered by themselves.
    for server in replicas:
        wait_until(lambda: post(server, {"id": "after", "group": "load", "event": "heartbeat"})[0] == 200, timeout=30)
    for client in range(4):
        stored = stored_messages(replicas[1 - client % 2], f"w{client}")
        mine = [m for c, m, _ in acknowledged if c == client]
        assert mine, f"client {client} got nothing acknowledged"
        assert [m for m in mine if m not in stored] == []


def stored_messages(server, worker):
    messages, before = set(), ""
    while True:
        status, body = server.request("GET", f"/events?worker={worker}&event=message&limit=1000{before}")
        assert status == 200, body
        messages.update(e["message"] for e in body["events"])
        if len(body["events"]) < 1000:
            return messages
        before = f"&before={body['events'][-1]['sequence']}"
