"""An event that got a 2xx survives `kill -9`; SIGTERM lets in-flight requests finish and exits 0."""
import http.client
import json
import signal
import threading
import time

from conftest import KEY

CLIENTS = 6


def send_until_stopped(server, client, prefix, acknowledged, stop):
    """Sends numbered messages for worker `w{client}` on one connection; records each acknowledged one."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    number = 0
    while not stop.is_set():
        body = json.dumps({"id": f"w{client}", "group": "crash.test", "event": "message", "message": f"{prefix}-{number}"})
        try:
            connection.request("POST", "/worker/state", body, {"X-API-Key": KEY, "Content-Type": "application/json"})
            answer = connection.getresponse()
            answer.read()
            if 200 <= answer.status < 300:
                acknowledged[client].append(f"{prefix}-{number}")
            number += 1
        except (OSError, http.client.HTTPException):
            return  # the server is gone; what was acknowledged before is what must survive


def stored_messages(server, client):
    """Every stored message of worker `w{client}`, oldest first, following the `before` cursor."""
    messages, before = [], ""
    while True:
        status, body = server.request("GET", f"/events?worker=w{client}&event=message&limit=1000{before}")
        assert status == 200
        messages += [entry["message"] for entry in body["events"]]
        if len(body["events"]) < 1000:
            return list(reversed(messages))
        before = f"&before={body['events'][-1]['sequence']}"


def run_load(server, prefix, seconds, interrupt):
    acknowledged = {client: [] for client in range(CLIENTS)}
    stop = threading.Event()
    threads = [threading.Thread(target=send_until_stopped, args=(server, c, prefix, acknowledged, stop)) for c in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    result = interrupt()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    return acknowledged, result


def test_acknowledged_events_survive_kill_9(server_factory):
    server = server_factory().start()
    for round_number in range(3):
        acknowledged, _ = run_load(server, f"r{round_number}", 0.7, lambda: server.signal(signal.SIGKILL))
        assert sum(len(messages) for messages in acknowledged.values()) > 0, "no event was acknowledged before the kill"
        server.start()
        for client, messages in acknowledged.items():
            stored = stored_messages(server, client)
            missing = [m for m in messages if m not in stored]
            assert not missing, f"round {round_number}: worker w{client} lost acknowledged events {missing[:5]}"
            # Acknowledged events are stored in the order they were sent.
            positions = [stored.index(m) for m in messages]
            assert positions == sorted(positions)


def test_sigterm_finishes_in_flight_requests_and_exits_zero(server_factory):
    server = server_factory().start()
    acknowledged, exit_code = run_load(server, "term", 0.7, lambda: server.signal(signal.SIGTERM))
    assert exit_code == 0, server.output()
    assert "store closed" in server.output()
    server.start()
    for client, messages in acknowledged.items():
        stored = stored_messages(server, client)
        assert [m for m in messages if m not in stored] == []
