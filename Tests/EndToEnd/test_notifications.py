"""Notifications over real loopback: a `wokmanager serve` process opens problems and its dispatcher POSTs them
to a real HTTP receiver (receiver.py), to a real Alertmanager, and from two replicas on one PostgreSQL
database; plus the expectations file as the server reloads it.

The server runs with a 0.2 s sweep, a 1 s group window and retries capped at 2 s (`--notify-retry-max`,
which also caps the first retry), so a change reaches the receiver within about 2 s."""
import os
import signal
import subprocess
import time
import urllib.parse
import uuid
from datetime import datetime

import pytest

from conftest import KEY, free_port, scrape, wait_until
from receiver import Receiver, verify_signature
import wokserver

SECRET = "whsec-e2e-7c1d"
PUBLIC_URL = "http://wok.example.test"
ALERTMANAGER = "/usr/bin/prometheus-alertmanager"
FAIL_SECONDS = 60
"""How long the receiver of the retry test answers 500."""


def serve_args(window="1s", *more, log_level="warning"):
    return ["--sweep-interval", "0.2s", "--notify-window", window, "--notify-retry-max", "2s", "--public-url", PUBLIC_URL,
            "--log-level", os.environ.get("E2E_LOG_LEVEL", log_level), *more]


@pytest.fixture
def receiver():
    with Receiver() as receiver:
        yield receiver


def post(server, event):
    status, body = server.request("POST", "/worker/state", event, key=KEY)
    assert status == 200, body


def put(server, path, body):
    status, answer = server.request("PUT", path, body, key=KEY)
    assert status == 200, (path, answer)
    return answer


def set_webhook(server, url, name="hook", **fields):
    answer = put(server, f"/webhooks/{name}", {"url": url, **fields})
    assert answer["signed"] is ("secret" in fields)


def problems(server, **query):
    status, body = server.request("GET", "/problems?" + urllib.parse.urlencode({"state": "all", "limit": 1000, **query}), key=KEY)
    assert status == 200, body
    return body["problems"]


def deliveries(server, name="hook"):
    status, body = server.request("GET", f"/webhooks/{name}/deliveries?limit=1000", key=KEY)
    assert status == 200, body
    return body["deliveries"]


def instant(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def delivered_ids(receiver):
    return [n["id"] for n in receiver.delivered_notifications()]


# 1. Each kind: one signed "opened" and one "resolved" notification, with the problem's stable ids.

def lost_setup(server):
    post(server, {"id": "lost-1", "group": "e2e.lost", "event": "started", "ttl": 1})


def lost_resolve(server):
    post(server, {"id": "lost-1", "group": "e2e.lost", "event": "heartbeat"})
    # Stopped at once, so that its one-second TTL does not make it lost again.
    post(server, {"id": "lost-1", "group": "e2e.lost", "event": "stopped", "exit_code": 0})


def failed_setup(server):
    post(server, {"id": "fail-1", "group": "e2e.failed", "event": "started"})
    post(server, {"id": "fail-1", "group": "e2e.failed", "event": "stopped", "exit_code": 3})


def failed_resolve(server):
    post(server, {"id": "fail-1", "group": "e2e.failed", "event": "started"})


def degraded_setup(server):
    # The worker runs before the expectation exists, so the group is never `down`.
    post(server, {"id": "deg-1", "group": "e2e.degraded", "event": "started"})
    put(server, "/expectations/group/e2e.degraded", {"min_running": 2})


def degraded_resolve(server):
    post(server, {"id": "deg-2", "group": "e2e.degraded", "event": "started"})


def down_setup(server):
    put(server, "/expectations/group/e2e.down", {"min_running": 1})


def down_resolve(server):
    post(server, {"id": "down-1", "group": "e2e.down", "event": "started"})


def late_setup(server):
    put(server, "/expectations/group/e2e.late", {"every": "2s", "grace": "1s"})


def late_resolve(server):
    # The run meets the schedule; the expectation goes at once, so no later start is awaited.
    post(server, {"id": "late-1", "group": "e2e.late", "event": "started"})
    assert server.request("DELETE", "/expectations/group/e2e.late", key=KEY)[0] == 200


def missed_setup(server):
    put(server, "/expectations/group/e2e.missed", {"every": "2s", "grace": "1s"})


def missed_resolve(server):
    post(server, {"id": "missed-1", "group": "e2e.missed", "event": "started"})
    assert server.request("DELETE", "/expectations/group/e2e.missed", key=KEY)[0] == 200


def overrun_setup(server):
    put(server, "/expectations/group/e2e.overrun", {"max_runtime": "1s"})
    post(server, {"id": "over-1", "group": "e2e.overrun", "event": "started"})


def overrun_resolve(server):
    post(server, {"id": "over-1", "group": "e2e.overrun", "event": "stopped", "exit_code": 0})


# kind: (setup, resolve, the kinds that open, the subject (worker id or None), group, detail of the kind's problem,
#        resolve as soon as the problem is open rather than once its notification arrived)
KINDS = {
    "lost": (lost_setup, lost_resolve, ["lost"], "lost-1", "e2e.lost", None, False),
    "failed": (failed_setup, failed_resolve, ["failed"], "fail-1", "e2e.failed", "exit code 3", False),
    "degraded": (degraded_setup, degraded_resolve, ["degraded"], None, "e2e.degraded", "1 running, at least 2 expected", False),
    "down": (down_setup, down_resolve, ["down"], None, "e2e.down", "none running, at least 1 expected", False),
    # `late` opens 3 s after the expectation and `missed` 1 s later: resolved at once, late stays alone.
    "late": (late_setup, late_resolve, ["late"], None, "e2e.late", None, True),
    "missed": (missed_setup, missed_resolve, ["late", "missed"], None, "e2e.missed", None, False),
    "overrun": (overrun_setup, overrun_resolve, ["overrun"], "over-1", "e2e.overrun", None, False),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_sends_one_signed_opened_and_one_resolved_notification(kind, server_factory, receiver):
    """The problem opens, the receiver gets its `<id>.opened` notification signed with the webhook's secret;
    the cause goes, it gets `<id>.resolved`; nothing else arrives, and each message verifies in Python."""
    setup, resolve, kinds, worker, group, detail, resolve_when_open = KINDS[kind]
    server = server_factory(args=serve_args()).start()
    set_webhook(server, receiver.url, secret=SECRET)
    setup(server)
    if resolve_when_open:
        wait_until(lambda: [p["kind"] for p in problems(server, state="open")] == kinds, timeout=15)
    else:
        wait_until(lambda: sorted(n["kind"] for n in receiver.delivered_notifications()) == kinds, timeout=15)
        assert {n["change"] for n in receiver.delivered_notifications()} == {"opened"}
    opened = problems(server)
    assert sorted(p["kind"] for p in opened) == kinds and all(p["state"] == "open" for p in opened), opened
    resolve(server)
    expected = sorted(f"{p['id']}.{change}" for p in opened for change in ("opened", "resolved"))
    wait_until(lambda: sorted(delivered_ids(receiver)) == expected, timeout=15)
    time.sleep(2.5)  # a window and a tick more: nothing else may follow

    assert sorted(delivered_ids(receiver)) == expected
    assert [r.status for r in receiver.requests] == [200] * len(receiver.requests), "an attempt failed"
    final = {p["id"]: p for p in problems(server)}
    assert set(final) == {p["id"] for p in opened} and all(p["state"] == "resolved" for p in final.values()), final
    for request in receiver.requests:
        assert (request.method, request.path) == ("POST", "/hook")
        assert request.headers["content-type"] == "application/json"
        assert verify_signature(request.headers["x-wokmanager-signature"], request.body, SECRET), request.headers
        assert not verify_signature(request.headers["x-wokmanager-signature"], request.body, "another-secret")
        body = request.json()
        assert request.headers["x-wokmanager-delivery"] == body["id"]
        ids = [n["id"] for n in body["notifications"]]
        # A message's id is its notification's when it is alone, a digest of the ids otherwise.
        assert body["id"] == ids[0] if len(ids) == 1 else body["id"].startswith("batch.") and len(body["id"]) == len("batch.") + 32
        assert abs((instant(body["sent_at"]) - datetime.fromtimestamp(request.at).astimezone()).total_seconds()) < 5
        for entry in body["notifications"]:
            problem = final[entry["problem_id"]]
            change = entry["change"]
            assert entry["id"] == f"{problem['id']}.{change}"
            link = f"{PUBLIC_URL}/workers/{worker}" if worker else f"{PUBLIC_URL}/?group={group}"
            assert entry == {
                "id": entry["id"], "change": change, "kind": problem["kind"], "group": group, **({"worker": worker} if worker else {}),
                "problem_id": problem["id"], "opened_at": entry["opened_at"],
                "resolved_at": entry["resolved_at"] if change == "resolved" else None,
                "acknowledged_by": None, "note": None, "detail": problem["detail"], "link": link,
            }
            assert instant(entry["opened_at"]) == instant(problem["opened_at"])
            if change == "resolved":
                assert instant(entry["resolved_at"]) == instant(problem["resolved_at"])
    kind_problem = next(p for p in final.values() if p["kind"] == kind)
    if detail:
        assert kind_problem["detail"] == detail
    assert ("worker" in kind_problem) == (worker is not None)


# 2. A change committed before SIGKILL is sent after the restart.

def test_a_notification_queued_before_kill_9_is_sent_after_the_restart(server_factory, receiver):
    """With a 3 s window, a failure is reported (200) and the server is SIGKILLed at once: nothing was sent;
    restarted on the same database, it sends the failure's `opened` notification, once."""
    server = server_factory(args=serve_args("3s")).start()
    set_webhook(server, receiver.url, secret=SECRET)
    post(server, {"id": "crash-1", "group": "e2e.crash", "event": "started"})
    reported = time.monotonic()
    post(server, {"id": "crash-1", "group": "e2e.crash", "event": "stopped", "exit_code": 9})
    server.signal(signal.SIGKILL)
    assert time.monotonic() - reported < 3, "the kill came after the window"
    assert receiver.requests == []

    server.start()
    [problem] = problems(server)
    assert (problem["kind"], problem["worker"], problem["state"]) == ("failed", "crash-1", "open")
    wait_until(lambda: delivered_ids(receiver) == [f"{problem['id']}.opened"], timeout=15)
    time.sleep(2)
    assert len(receiver.requests) == 1
    assert verify_signature(receiver.requests[0].headers["x-wokmanager-signature"], receiver.requests[0].body, SECRET)
    [entry] = receiver.requests[0].notifications()
    assert (entry["kind"], entry["worker"], entry["detail"]) == ("failed", "crash-1", "exit code 9")


# 3. A receiver that answers 500 for a minute still gets everything, each notification delivered once.

def test_a_receiver_failing_for_a_minute_gets_every_notification_once(server_factory, receiver):
    """The receiver answers 500 for 60 s while three changes happen (two failures, one resolved). Retries every
    2 s (`--notify-retry-max 2s`) until it answers 200: then each stable id arrives in exactly one 2xx
    message; duplicates are only among the 500s. The delivery log shows each 500 as `HTTP 500`."""
    receiver.fail_for(FAIL_SECONDS)
    server = server_factory(args=serve_args()).start()
    set_webhook(server, receiver.url)
    for worker in ("retry-1", "retry-2"):
        post(server, {"id": worker, "group": "e2e.retry", "event": "started"})
        post(server, {"id": worker, "group": "e2e.retry", "event": "stopped", "exit_code": 1})
        time.sleep(3)
    post(server, {"id": "retry-1", "group": "e2e.retry", "event": "started"})
    wait_until(lambda: len(problems(server)) == 2 and len(problems(server, state="open")) == 1)
    by_worker = {p["worker"]: p["id"] for p in problems(server)}
    expected = sorted([f"{by_worker['retry-1']}.opened", f"{by_worker['retry-1']}.resolved", f"{by_worker['retry-2']}.opened"])
    wait_until(lambda: sorted(delivered_ids(receiver)) == expected, timeout=FAIL_SECONDS + 20)
    time.sleep(2.5)

    requests = receiver.requests
    failed = [r for r in requests if r.status == 500]
    assert sorted(delivered_ids(receiver)) == expected, "a notification was delivered twice"
    assert all(r.status in (200, 500) for r in requests)
    assert {n["id"] for r in failed for n in r.notifications()} == set(expected), "not every notification was tried while failing"
    # Each notification was tried about every 2 s for the minute: the backoff is capped by --notify-retry-max.
    for stable_id in expected:
        times = [r.at for r in failed if stable_id in {n["id"] for n in r.notifications()}]
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert len(times) >= (FAIL_SECONDS - 10) / 4, (stable_id, len(times))
        assert all(1.5 < gap < 5 for gap in gaps), (stable_id, gaps)

    log = deliveries(server)
    assert [entry["at"] for entry in log] == sorted((entry["at"] for entry in log), reverse=True), "the log is not newest first"
    failures = [entry for entry in log if not entry["delivered"]]
    successes = [entry for entry in log if entry["delivered"]]
    assert len(failures) == len(failed) and len(successes) == len(requests) - len(failed)
    assert all((entry["status_code"], entry["error"]) == (500, "HTTP 500") for entry in failures)
    assert all((entry["status_code"], entry["error"]) == (200, None) for entry in successes)
    outbox_ids = [i for entry in successes for i in entry["notifications"]]
    assert len(outbox_ids) == len(set(outbox_ids)) == len(expected)


# 4. Flapping: 100 transitions in well under a minute make a handful of messages.

def test_a_flapping_worker_is_grouped_into_a_handful_of_messages(server_factory, receiver):
    """A worker with a 0.3 s TTL goes lost and comes back 50 times (100 transitions); with the default 10 s
    window the receiver gets at most 8 messages, holding the 100 notifications of the 50 `lost` problems."""
    server = server_factory(args=["--sweep-interval", "0.1s", "--public-url", PUBLIC_URL, "--log-level", "warning"]).start()
    set_webhook(server, receiver.url, secret=SECRET)
    started = time.monotonic()
    post(server, {"id": "flap", "group": "e2e.flap", "event": "started", "ttl": 0.3})
    for _ in range(50):
        # The loss as the sweep records it (the worker's status reads `lost` as soon as its TTL passes, before that).
        wait_until(lambda: len(problems(server, kind="lost", state="open")) == 1, timeout=10)
        post(server, {"id": "flap", "group": "e2e.flap", "event": "heartbeat"})
    flapped = time.monotonic() - started
    assert flapped < 60, f"100 transitions took {flapped:.0f} s"
    post(server, {"id": "flap", "group": "e2e.flap", "event": "stopped", "exit_code": 0})

    lost = problems(server, kind="lost")
    status, history = server.request("GET", "/events?worker=flap&event=lost&limit=1000")
    assert status == 200 and len(history["events"]) == 50, history
    assert len(lost) == 50 and all(p["state"] == "resolved" for p in lost), [p["state"] for p in lost]
    expected = sorted(f"{p['id']}.{change}" for p in lost for change in ("opened", "resolved"))
    wait_until(lambda: sorted(delivered_ids(receiver)) == expected, timeout=30)
    time.sleep(2)
    messages = receiver.requests
    assert sorted(delivered_ids(receiver)) == expected
    assert 1 <= len(messages) <= 8, f"{len(messages)} messages after {flapped:.0f} s of flapping"
    assert all(r.status == 200 and verify_signature(r.headers["x-wokmanager-signature"], r.body, SECRET) for r in messages)
    # Within each message the changes are in the order they happened.
    order = [n["id"] for n in receiver.delivered_notifications()]
    assert order == sorted(order, key=lambda i: (int(i.split(".")[0]), i.endswith(".resolved")))


# 5. A real Alertmanager.

@pytest.fixture
def alertmanager(tmp_path):
    if not os.path.exists(ALERTMANAGER):
        (pytest.fail if os.environ.get("CI") else pytest.skip)(
            f"{ALERTMANAGER} is missing: install Debian's prometheus-alertmanager (scripts/deps.sh test does it as root)")
    folder = tmp_path / "alertmanager"
    folder.mkdir()
    config = folder / "alertmanager.yml"
    config.write_text("route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n")
    port = free_port()
    process = wokserver.Process(
        [ALERTMANAGER, f"--config.file={config}", f"--storage.path={folder / 'data'}", f"--web.listen-address=127.0.0.1:{port}",
         "--cluster.listen-address=", "--log.level=warn"],
        folder, f"http://127.0.0.1:{port}/-/ready", name="alertmanager")
    try:
        process.start()
    except wokserver.ServerError as error:
        pytest.fail(str(error))
    process.url = f"http://127.0.0.1:{port}"
    yield process
    process.stop()


def alerts(alertmanager):
    status, body = wokserver.request(alertmanager.url + "/api/v2/alerts")
    assert status == 200, body
    return [a for a in body if a["labels"].get("alertname") == "WokmanagerProblem"]


def test_alertmanager_shows_the_failed_worker_firing_then_resolved(server_factory, alertmanager):
    """A webhook of format alertmanager at a real Alertmanager: a failed worker's alert fires there with the
    labels kind, group, worker and problem_id; once the worker runs cleanly the alert is resolved."""
    server = server_factory(args=serve_args()).start()
    set_webhook(server, alertmanager.url, name="am", format="alertmanager")
    post(server, {"id": "am-1", "group": "e2e.alerts", "event": "started"})
    post(server, {"id": "am-1", "group": "e2e.alerts", "event": "stopped", "exit_code": 2})
    [problem] = problems(server)
    # The opened notification through the outbox (the dispatcher's re-send of open problems may come first).
    wait_until(lambda: len(deliveries(server, "am")) == 1, timeout=15)
    wait_until(lambda: len(alerts(alertmanager)) == 1, timeout=5)
    [alert] = alerts(alertmanager)
    assert alert["labels"] == {"alertname": "WokmanagerProblem", "kind": "failed", "group": "e2e.alerts", "worker": "am-1",
                               "problem_id": str(problem["id"])}
    assert alert["annotations"] == {"summary": "failed worker am-1 (e2e.alerts)", "detail": "exit code 2"}
    assert alert["status"]["state"] == "active", alert
    assert instant(alert["startsAt"]) == instant(problem["opened_at"])
    assert alert["generatorURL"] == f"{PUBLIC_URL}/workers/am-1"
    assert instant(alert["endsAt"]) > datetime.now().astimezone(), "an open problem's alert must end in the future"

    post(server, {"id": "am-1", "group": "e2e.alerts", "event": "started"})
    post(server, {"id": "am-1", "group": "e2e.alerts", "event": "stopped", "exit_code": 0})
    [problem] = problems(server)
    assert problem["state"] == "resolved"
    # Alertmanager's API leaves out resolved alerts (endsAt in the past).
    wait_until(lambda: alerts(alertmanager) == [], timeout=15)
    assert [(d["status_code"], d["delivered"]) for d in reversed(deliveries(server, "am"))] == [(200, True)] * 2


# 6. Two replicas on PostgreSQL share one outbox: every notification is delivered once.

@pytest.fixture
def database_url():
    base = os.environ.get("WOKMANAGER_TEST_POSTGRES_URL")
    if not base:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(
            "the replica notification test needs WOKMANAGER_TEST_POSTGRES_URL (scripts/postgres.sh start prints one)")
    name = "wm_" + uuid.uuid4().hex[:12]
    psql(base, f"CREATE DATABASE {name}")
    yield base.replace("/wokmanager_test?", f"/{name}?")
    psql(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def psql(url, sql):
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql], check=True, capture_output=True, timeout=60)


def test_two_replicas_deliver_every_notification_exactly_once(database_url, server_factory, receiver):
    """Replicas a and b on one database, events to both: ten workers fail (five through each) and come back
    through the other replica. The receiver gets each of the 20 stable ids once, from the lease holder."""
    replicas = [server_factory(name, args=serve_args("1s", "--database-url", database_url, log_level="info")).start() for name in ("replica-a", "replica-b")]
    set_webhook(replicas[0], receiver.url, secret=SECRET)
    assert [w["name"] for w in replicas[1].request("GET", "/webhooks", key=KEY)[1]["webhooks"]] == ["hook"]
    workers = [f"rep-{n}" for n in range(10)]
    for n, worker in enumerate(workers):
        post(replicas[n % 2], {"id": worker, "group": "e2e.replicas", "event": "started"})
        post(replicas[n % 2], {"id": worker, "group": "e2e.replicas", "event": "stopped", "exit_code": 1})
    time.sleep(1.5)
    for n, worker in enumerate(workers):
        post(replicas[1 - n % 2], {"id": worker, "group": "e2e.replicas", "event": "started"})
    found = problems(replicas[1])
    assert len(found) == 10 and all(p["state"] == "resolved" for p in found)
    expected = sorted(f"{p['id']}.{change}" for p in found for change in ("opened", "resolved"))
    wait_until(lambda: sorted(delivered_ids(receiver)) == expected, timeout=20)
    time.sleep(3)
    assert sorted(delivered_ids(receiver)) == expected
    assert all(r.status == 200 and verify_signature(r.headers["x-wokmanager-signature"], r.body, SECRET) for r in receiver.requests)
    senders = [s for s in replicas if "now runs the periodic clean-up" in s.output()]
    assert len(senders) == 1, [s.output()[-2000:] for s in replicas]
    assert deliveries(replicas[0]) == deliveries(replicas[1])


# 7. The expectations file.

def expectations(server):
    status, body = server.request("GET", "/expectations", key=KEY)
    assert status == 200, body
    return body["expectations"]


def reload_gauge(server):
    lines = [line for line in scrape(server).splitlines() if line.startswith("wokmanager_expectations_file_reload_successful")]
    assert len(lines) == 1, lines
    return float(lines[0].split()[-1])


def test_the_expectations_file_is_loaded_reloaded_and_a_broken_one_keeps_the_previous(server_factory, tmp_path):
    """`--expectations-file`: its entries show with `source: file`; an edit shows within 3 s; a file that does not
    parse keeps the previous ones and `/metrics` says 0; an API write to a subject the file manages answers 409,
    and one to another subject works."""
    path = tmp_path / "expectations.yml"
    path.write_text("expectations:\n  - group: e2e.file\n    min_running: 0\n    max_running: 5\n"
                    "  - worker: nightly-export\n    schedule: \"0 2 * * *\"\n    time_zone: Europe/Paris\n    grace: 30m\n")
    server = server_factory(args=serve_args("1s", "--expectations-file", str(path))).start()
    wait_until(lambda: len(expectations(server)) == 2)
    first = sorted(expectations(server), key=lambda e: e.get("group", ""))
    assert [{k: v for k, v in e.items() if k != "since"} for e in first] == [
        {"worker": "nightly-export", "schedule": "0 2 * * *", "time_zone": "Europe/Paris", "grace": "30m", "source": "file"},
        {"group": "e2e.file", "min_running": 0, "max_running": 5, "grace": "5m", "source": "file"},
    ]
    assert reload_gauge(server) == 1

    status, body = server.request("PUT", "/expectations/group/e2e.file", {"min_running": 1}, key=KEY)
    assert status == 409, body
    assert "file" in body["error"]["message"], body
    assert put(server, "/expectations/group/e2e.api", {"min_running": 0})["source"] == "api"

    edited = time.monotonic()
    path.write_text("expectations:\n  - group: e2e.file\n    max_running: 7\n")
    wait_until(lambda: [e.get("max_running") for e in expectations(server) if e["source"] == "file"] == [7], timeout=3)
    assert time.monotonic() - edited < 3
    assert sorted((e.get("group") or e.get("worker"), e["source"]) for e in expectations(server)) == [("e2e.api", "api"), ("e2e.file", "file")]
    assert reload_gauge(server) == 1

    before = expectations(server)
    path.write_text("expectations:\n  - group: e2e.file\n    max_running: [not a number\n")
    wait_until(lambda: reload_gauge(server) == 0, timeout=3)
    assert expectations(server) == before
    assert "expectations file not loaded" in server.output()
    status, body = server.request("PUT", "/expectations/group/e2e.file", {"min_running": 1}, key=KEY)
    assert status == 409, body

    path.write_text("expectations:\n  - group: e2e.other\n    min_running: 0\n")
    wait_until(lambda: reload_gauge(server) == 1, timeout=3)
    assert sorted((e.get("group"), e["source"]) for e in expectations(server)) == [("e2e.api", "api"), ("e2e.other", "file")]
    assert put(server, "/expectations/group/e2e.file", {"min_running": 1})["source"] == "api"


def webhooks(server):
    status, body = server.request("GET", "/webhooks", key=KEY)
    assert status == 200, body
    return {webhook["name"]: webhook for webhook in body["webhooks"]}


def test_the_webhooks_file_declares_webhooks_the_api_cannot_change(server_factory, tmp_path, receiver):
    """`--webhooks-file`: its webhooks are listed with `source: file`, signed with the secret of `secret_file`, and
    notified like any other; the API answers 409 to changing one; an edit shows within 3 s; a broken file keeps the
    previous webhooks and `/metrics` says 0; a webhook left out of the file is removed."""
    secret = tmp_path / "oncall.secret"
    secret.write_text(SECRET + "\n")
    path = tmp_path / "webhooks.yaml"
    path.write_text(f"webhooks:\n  - name: oncall\n    url: {receiver.url}\n    group: e2e.declared\n    secret_file: {secret}\n")
    server = server_factory(args=serve_args("1s", "--webhooks-file", str(path))).start()
    wait_until(lambda: "oncall" in webhooks(server))
    oncall = webhooks(server)["oncall"]
    assert (oncall["source"], oncall["signed"], oncall["group"]) == ("file", True, "e2e.declared")
    assert KEY not in server.output() and SECRET not in server.output()

    post(server, {"id": "declared-1", "group": "e2e.declared", "event": "started"})
    post(server, {"id": "declared-1", "group": "e2e.declared", "event": "stopped", "exit_code": 4})
    wait_until(lambda: receiver.delivered(), timeout=15)
    message = receiver.delivered()[0]
    assert verify_signature(message.headers["x-wokmanager-signature"], message.body, SECRET)
    assert [entry["worker"] for entry in message.notifications()] == ["declared-1"]

    for method in ("PUT", "DELETE"):
        status, body = server.request(method, "/webhooks/oncall", {"url": "http://elsewhere.test/"} if method == "PUT" else None, key=KEY)
        assert status == 409 and body["error"]["field"] == "name" and "webhooks file" in body["error"]["message"], (method, body)
    assert put(server, "/webhooks/by-api", {"url": "http://127.0.0.1:9/api"})["source"] == "api"

    path.write_text(f"webhooks:\n  - name: oncall\n    url: {receiver.url}\n    kinds: [lost]\n")
    wait_until(lambda: webhooks(server)["oncall"]["kinds"] == ["lost"], timeout=3)
    assert webhooks(server)["oncall"]["signed"] is False
    assert webhooks(server)["oncall"]["created_at"] == oncall["created_at"]

    path.write_text("webhooks:\n  - name: oncall\n    url: ftp://nowhere\n")
    wait_until(lambda: "wokmanager_webhooks_file_reload_successful 0" in scrape(server), timeout=3)
    assert "webhooks[0].url" in server.output() and "webhooks file not loaded" in server.output()
    assert webhooks(server)["oncall"]["kinds"] == ["lost"]

    path.write_text("webhooks: []\n")
    wait_until(lambda: sorted(webhooks(server)) == ["by-api"], timeout=3)
    assert "wokmanager_webhooks_file_reload_successful 1" in scrape(server)
