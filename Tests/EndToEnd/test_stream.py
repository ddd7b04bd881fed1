"""GET /stream over real HTTP on loopback, `wokmanager watch` and the live page: a change arrives within 2 s,
filtered by group and kind; a reconnect with Last-Event-ID gets what it missed; one stream too many answers
429; a shutdown ends every stream cleanly; the page shows a pushed change within 2 s with the focus kept."""
import http.client
import json
import os
import signal
import subprocess
import time

from conftest import BINARY, KEY
from driven_browser import By, browser  # noqa: F401  (browser is a fixture)


class Stream:
    """One open stream, read a line at a time."""

    def __init__(self, server, path="/stream", headers=None, timeout=5):
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
        self.connection.request("GET", path, headers={"Accept": "text/event-stream", **(headers or {})})
        self.response = self.connection.getresponse()

    def events(self, count, within=2.0):
        """The next `count` events as (name, id, data), each arriving within `within` seconds of the call."""
        deadline = time.monotonic() + within
        found, event = [], {}
        while len(found) < count:
            assert time.monotonic() < deadline, f"only {found} within {within} s"
            line = self.response.readline().decode()
            assert line, "the stream ended"
            line = line.rstrip("\n")
            if not line:
                if "data" in event:
                    found.append((event.get("event", "message"), event.get("id"), json.loads(event["data"])))
                event = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(": ")
                event[name] = value
        return found

    def close(self):
        self.connection.close()


def post(server, event):
    status, body = server.request("POST", "/worker/state", event, key=KEY)
    assert status == 200, body


def test_a_change_arrives_within_two_seconds_filtered_and_a_reconnect_gets_what_it_missed(server):
    stream = Stream(server, "/stream?group=product&kinds=state,error")
    assert stream.response.status == 200 and stream.response.getheader("Content-Type").startswith("text/event-stream")
    time.sleep(0.3)
    started = time.monotonic()
    post(server, {"id": "Other01", "group": "elsewhere", "event": "started"})
    post(server, {"id": "Importer01", "group": "product.importer", "event": "started"})
    post(server, {"id": "Importer01", "group": "product.importer", "event": "message", "message": "not asked for"})
    post(server, {"id": "Importer01", "group": "product.importer", "event": "error", "message": "row 17", "action": "skipped"})
    [(name1, id1, first), (name2, id2, second)] = stream.events(2)
    assert time.monotonic() - started < 2.0
    assert (name1, first["worker_id"], first["status"]) == ("state", "Importer01", "running")
    assert (name2, second["message"]) == ("error", "row 17")
    stream.close()

    post(server, {"id": "Importer01", "group": "product.importer", "event": "stopped", "exit_code": 2})
    resumed = Stream(server, "/stream?group=product&kinds=state,problem", headers={"Last-Event-ID": id2})
    events = resumed.events(2)
    assert [(name, data.get("status") or data.get("kind")) for name, _, data in events] == [("state", "failed"), ("problem", "failed")]
    resumed.close()


def test_one_stream_too_many_answers_429_and_naming_the_stream(server_factory):
    server = server_factory(args=("--max-streams-per-key", "2")).start()
    open_streams = [Stream(server), Stream(server)]
    status, body = server.request("GET", "/stream")
    assert status == 429 and body["error"]["field"] == "stream", body
    open_streams[0].close()
    # The server learns of a closed stream when writing to it fails: at the second event or keep-alive after the close
    # (the first is taken by the kernel, whose answer is the reset).
    for event in ("started", "stopped"):
        post(server, {"id": "Nudge", "group": "nudge", "event": event})
        time.sleep(0.6)
    again = Stream(server)
    assert again.response.status == 200
    for stream in open_streams[1:] + [again]:
        stream.close()


def test_a_shutdown_ends_every_stream_cleanly(server):
    streams = [Stream(server, timeout=15) for _ in range(3)]
    time.sleep(0.3)
    started = time.monotonic()
    assert server.signal(signal.SIGTERM, timeout=15) == 0
    assert time.monotonic() - started < 10
    for stream in streams:
        rest = stream.response.read()  # the whole chunked body: it ended with its last chunk, not a reset
        assert b"connected" in rest


def test_watch_prints_a_line_per_change(server):
    environment = {**os.environ, "WOKMANAGER_URL": server.url(""), "WOKMANAGER_API_KEY": KEY, "NO_COLOR": "1"}
    watch = subprocess.Popen([str(BINARY), "watch", "--group", "billing"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=environment)
    try:
        time.sleep(1.0)
        post(server, {"id": "Ledger01", "group": "billing.ledger", "event": "started"})
        post(server, {"id": "Mailer01", "group": "notifications", "event": "started"})
        post(server, {"id": "Ledger01", "group": "billing.ledger", "event": "error", "message": "locked\x1b[2J", "action": "retried"})
        post(server, {"id": "Ledger01", "group": "billing.ledger", "event": "stopped", "exit_code": 4})
        lines = [watch.stdout.readline() for _ in range(3)]
    finally:
        watch.terminate()
        watch.wait(timeout=10)
    assert "  billing.ledger  Ledger01  running  after started" in lines[0]
    assert "  billing.ledger  Ledger01  error  locked\\x1b[2J (retried)" in lines[1], "a worker's text is escaped"
    assert "  billing.ledger  Ledger01  failed  after stopped (exit 4)" in lines[2]
    assert not any("Mailer01" in line for line in lines)


def test_the_page_shows_a_pushed_change_within_two_seconds_and_keeps_focus(fleet_server, browser):
    browser.get(fleet_server.url("/?group=product"))
    browser.find_element(By.CSS_SELECTOR, "button.live-toggle")  # app.js ran
    time.sleep(0.5)  # its stream is open
    browser.execute_script("document.querySelector('nav.tree details[data-path=\"product.importer\"] > summary > a').focus()")
    started = time.monotonic()
    post(fleet_server, {"id": "Fresh01", "group": "product.importer", "event": "started"})
    while not browser.execute_script("return document.querySelector('a[href=\"/ui/workers/Fresh01\"]') !== null"):
        assert time.monotonic() - started < 2.0, "not on the page within 2 s"
        time.sleep(0.05)
    assert browser.execute_script("return document.activeElement.closest('details').dataset.path") == "product.importer"

    browser.find_element(By.CSS_SELECTOR, "button.live-toggle").click()  # pause
    post(fleet_server, {"id": "Fresh02", "group": "product.importer", "event": "started"})
    time.sleep(1.5)
    assert not browser.execute_script("return document.querySelector('a[href=\"/ui/workers/Fresh02\"]') !== null"), "paused"
    browser.find_element(By.CSS_SELECTOR, "button.live-toggle").click()  # resume
    browser.find_element(By.CSS_SELECTOR, 'a[href="/ui/workers/Fresh02"]')
