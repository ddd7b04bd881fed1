#!/usr/bin/env python3
"""The crash test: writers on several connections, the server killed with SIGKILL at random moments.

    python3 Tests/EndToEnd/crash_harness.py                    # 20 kills, a fresh seed (what `make crash-test` runs)
    python3 Tests/EndToEnd/crash_harness.py --kills 5 --seed 42
    WOKMANAGER_BIN=/path/to/wokmanager python3 Tests/EndToEnd/crash_harness.py

Four connections send one event per `POST /worker/state` and two send 25 per `POST /events`, each for a
worker of its own, numbered messages one request after the other, and reconnect whenever the server is
gone; a seventh keeps 40 workers heartbeating (TTL 4 s, all 40 in one batch every 0.4 s), the heartbeats
the server answers from memory and writes every second. After the server has acknowledged an event since its last start, a delay drawn from a seeded RNG
(printed, so a run can be replayed) passes and the server gets SIGKILL; the store then has to pass
SQLite's `PRAGMA integrity_check` (opened read-only, so the server's own recovery still runs) and the
server is restarted. At the end every event answered 2xx must be stored exactly once, per worker in the
order it was sent, every answer must have been a 2xx, no heartbeating worker may ever have been recorded
lost (nor counted lost in `/metrics` at the end), the store must pass the integrity check again and the
server must exit 0 on SIGTERM. Lost workers are swept every second. The seed fixes the delays; thread timing still varies between runs.

`test_durability.py` runs the same with 5 kills in `make test`; `Writers` and the checks are shared.
"""
import argparse
import bisect
import json
import random
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import KEY, Server
from wokserver import ConnectionFailure, KeepAliveClient

BATCH = 25
"""Events per `POST /events` request of a batch writer."""


@dataclass
class Attempt:
    """One request: the messages it carried, when it was sent and answered, and what came back."""
    texts: list
    sent: float
    finished: float = 0.0
    status: int | None = None
    error: BaseException | None = None
    problem: str | None = None

    @property
    def acknowledged(self):
        return self.status is not None and 200 <= self.status < 300 and self.problem is None


@dataclass
class Writer:
    """One keep-alive connection sending numbered messages for its own worker until told to stop.

    After a failure it reconnects (every 10 ms while the server is down) and goes on with new numbers, so
    a message is never sent twice: any text stored twice was stored twice by the server."""
    port: int
    worker: str
    batch: int = 1
    attempts: list = field(default_factory=list)
    acknowledged_events: int = 0

    def run(self, stop):
        client, number = KeepAliveClient("127.0.0.1", self.port, KEY, timeout=10), 0
        while not stop.is_set():
            texts = [f"{self.worker}-{number + i}" for i in range(self.batch)]
            number += self.batch
            attempt = Attempt(texts, time.monotonic())
            self.attempts.append(attempt)
            try:
                attempt.status, attempt.problem = self.send(client, texts)
                attempt.finished = time.monotonic()
                if attempt.acknowledged:
                    self.acknowledged_events += len(texts)
            except ConnectionFailure as failure:
                attempt.finished, attempt.error = time.monotonic(), failure.__cause__
                stop.wait(0.01)
        client.close()

    def send(self, client, texts):
        """Posts `texts`; returns the status and what was wrong with a 2xx answer, if anything."""
        events = [{"id": self.worker, "group": "crash.test", "event": "message", "message": text} for text in texts]
        path, body = ("/worker/state", events[0]) if self.batch == 1 else ("/events", events)
        status, raw = client.request("POST", path, json.dumps(body).encode())
        if not 200 <= status < 300:
            return status, None
        if self.batch > 1 and decode(raw) != {"accepted": len(texts), "rejected": []}:
            return status, f"answer {raw[:200]!r} to a batch of {len(texts)} valid events"
        return status, None

    def acknowledged(self):
        """The messages answered 2xx, in the order they were sent."""
        return [text for attempt in self.attempts if attempt.acknowledged for text in attempt.texts]


@dataclass
class Heartbeaters:
    """`count` workers of the group BEAT started once, then all heartbeating in one batch every `interval`
    seconds, on one keep-alive connection that reconnects whenever the server is gone."""
    port: int
    count: int = 40
    interval: float = 0.4
    unexpected: list = field(default_factory=list)

    @property
    def ids(self):
        return [f"beat{i}" for i in range(self.count)]

    def run(self, stop):
        client, kind = KeepAliveClient("127.0.0.1", self.port, KEY, timeout=10), "started"
        while not stop.is_set():
            body = [{"id": id, "group": BEAT, "event": kind, "ttl": BEAT_TTL, "at": time.time()} for id in self.ids]
            try:
                status, raw = client.request("POST", "/events", json.dumps(body).encode())
                if status != 202 and status != 200 or decode(raw) != {"accepted": self.count, "rejected": []}:
                    self.unexpected.append(f"heartbeats: {status} {raw[:200]!r}")
                kind = "heartbeat"
                stop.wait(self.interval)
            except ConnectionFailure:
                stop.wait(0.01)
        client.close()


BEAT = "crash.beat"
"""The group of the heartbeating workers."""
BEAT_TTL = 4


class Writers:
    """`singles` writers of one event per request and `batches` writers of BATCH, on their own threads, and
    the Heartbeaters."""

    def __init__(self, port, prefix="w", singles=4, batches=2):
        self.all = [Writer(port, f"{prefix}{i}") for i in range(singles)]
        self.all += [Writer(port, f"{prefix}{singles + i}", batch=BATCH) for i in range(batches)]
        self.heartbeaters = Heartbeaters(port)
        self.stop_event = threading.Event()
        self.threads = [threading.Thread(target=writer.run, args=(self.stop_event,), daemon=True)
                        for writer in [*self.all, self.heartbeaters]]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_):
        self.stop()

    def stop(self):
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=30)
        assert not any(thread.is_alive() for thread in self.threads), "a writer is still blocked after 30 s"

    def attempts(self):
        return [attempt for writer in self.all for attempt in list(writer.attempts)]

    def acknowledged_count(self):
        return sum(writer.acknowledged_events for writer in self.all)

    def wait_for_acknowledgements(self, more_than, timeout=30.0):
        """Polls until more than `more_than` events in all were acknowledged."""
        deadline = time.monotonic() + timeout
        while self.acknowledged_count() <= more_than:
            if time.monotonic() > deadline:
                raise AssertionError(f"no event acknowledged within {timeout} s (after {more_than})")
            time.sleep(0.005)


def decode(raw):
    try:
        return json.loads(raw)
    except ValueError:
        return None


def unexpected_answers(attempts):
    """Every HTTP answer that was not a plain 2xx: none is expected while valid events are sent."""
    return [f"{attempt.texts[0]}: {attempt.status} {attempt.problem or ''}".strip()
            for attempt in attempts if attempt.status is not None and not attempt.acknowledged]


def heartbeaters_lost(server, heartbeaters):
    """What says a heartbeating worker was lost: `lost` entries in their history, lost counts in `/metrics`,
    or fewer of them running there."""
    problems = []
    status, body = server.request("GET", f"/events?group={BEAT}&event=lost&limit=1000")
    assert status == 200, body
    if body["events"]:
        problems.append(f"heartbeating workers recorded lost: {[(e['worker_id'], e['at']) for e in body['events'][:5]]}")
    status, metrics = server.request("GET", "/metrics")
    assert status == 200, metrics
    counts = {status: 0.0 for status in ("running", "lost")}
    for line in metrics.splitlines():
        for status in counts:
            if line.startswith(f'wokmanager_workers{{group="{BEAT}",status="{status}"}}'):
                counts[status] = float(line.split()[-1])
    if counts != {"running": heartbeaters.count, "lost": 0}:
        problems.append(f"/metrics counts the heartbeating workers as {counts}")
    return problems


def stored_messages(server, worker):
    """Every stored message of `worker`, oldest first, following the `before` cursor of `GET /events`."""
    messages, before = [], ""
    while True:
        status, body = server.request("GET", f"/events?worker={worker}&event=message&limit=1000{before}")
        assert status == 200, body
        messages += [entry["message"] for entry in body["events"]]
        if len(body["events"]) < 1000:
            return list(reversed(messages))
        before = f"&before={body['events'][-1]['sequence']}"


def stored_messages_in_file(database, worker):
    """The same, read from the SQLite file itself (read-only), for a server that is not running."""
    connection = sqlite3.connect(f"{Path(database).as_uri()}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT message FROM history WHERE worker_id = ? AND event = 'message' ORDER BY seq", (worker,))
        return [message for (message,) in rows]
    finally:
        connection.close()


def check_stored(writer, stored, describe=lambda text: ""):
    """What is wrong with `stored` (the worker's messages, oldest first) given what `writer` sent: an
    acknowledged message missing, any message stored twice, acknowledged messages out of sending order,
    or a message that was never sent. An empty list means none of these."""
    problems, positions = [], {}
    for index, text in enumerate(stored):
        if text in positions:
            problems.append(f"{writer.worker}: {text!r} is stored twice")
        positions[text] = index
    sent = {text for attempt in writer.attempts for text in attempt.texts}
    strangers = [text for text in stored if text not in sent]
    if strangers:
        problems.append(f"{writer.worker}: stored messages that were never sent: {strangers[:5]}")
    acknowledged = writer.acknowledged()
    missing = [text for text in acknowledged if text not in positions]
    if missing:
        problems.append(f"{writer.worker}: {len(missing)} acknowledged events lost, first "
                        + ", ".join(f"{text!r}{describe(text)}" for text in missing[:5]))
    order = [positions[text] for text in acknowledged if text in positions]
    wrong = [acknowledged[i + 1] for i in range(len(order) - 1) if order[i] >= order[i + 1]]
    if wrong:
        problems.append(f"{writer.worker}: acknowledged events stored out of order, first {wrong[:5]}")
    return problems


def integrity_check(database):
    """`PRAGMA integrity_check` on a read-only connection: ['ok'] when the store is sound. Read-only, so a
    WAL left by a killed server is read but not checkpointed away: the server recovers it itself."""
    try:
        connection = sqlite3.connect(f"{Path(database).as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        return [f"cannot open the database: {error}"]
    try:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.Error as error:
        return [f"integrity_check could not run: {error}"]
    finally:
        connection.close()


@dataclass
class CrashReport:
    seed: int
    kills: int
    acknowledged: int = 0
    seconds: float = 0.0
    problems: list = field(default_factory=list)


def crash_test(folder, kills, seed, max_delay=1.0, log=print):
    """Runs the crash test in `folder` and returns its report; `report.problems` is empty when it passed."""
    rng = random.Random(seed)
    report = CrashReport(seed, kills)
    started = time.monotonic()
    log(f"crash test: {kills} kills, seed {seed} (replay with --seed {seed}), in {folder}")
    server = Server(Path(folder) / "server", args=["--sweep-interval", "1s"]).start()
    kill_times = []
    try:
        with Writers(server.port) as writers:
            for kill in range(1, kills + 1):
                writers.wait_for_acknowledgements(more_than=writers.acknowledged_count())
                delay = rng.uniform(0, max_delay)
                time.sleep(delay)  # the random moment: a sleep is the point here
                kill_times.append(time.monotonic())
                server.signal(signal.SIGKILL)
                log(f"kill {kill}/{kills} at +{delay:.3f} s after the first acknowledgement since the start; "
                    f"{writers.acknowledged_count()} events acknowledged so far")
                integrity = integrity_check(server.database)
                if integrity != ["ok"]:
                    report.problems.append(f"after kill {kill}: integrity_check says {integrity[:10]}")
                    return report
                server.start()
            writers.wait_for_acknowledgements(more_than=writers.acknowledged_count())
            time.sleep(BEAT_TTL + 2)  # a TTL and two sweeps after the last restart, still heartbeating
            report.problems += heartbeaters_lost(server, writers.heartbeaters)
            writers.stop()

        def describe(text):
            answered = next(a for w in writers.all for a in w.attempts if text in a.texts).finished
            kill = bisect.bisect(kill_times, answered) + 1
            return f" (acknowledged before kill {kill})" if kill <= kills else " (acknowledged after the last restart)"

        report.acknowledged = writers.acknowledged_count()
        report.problems += [f"unexpected answer {answer}" for answer in unexpected_answers(writers.attempts())]
        report.problems += writers.heartbeaters.unexpected
        for writer in writers.all:
            report.problems += check_stored(writer, stored_messages(server, writer.worker), describe)
        exit_code = server.signal(signal.SIGTERM)
        if exit_code != 0:
            report.problems.append(f"the server exited {exit_code} on SIGTERM:\n{server.output()[-2000:]}")
        integrity = integrity_check(server.database)
        if integrity != ["ok"]:
            report.problems.append(f"after the final SIGTERM: integrity_check says {integrity[:10]}")
        return report
    finally:
        server.stop()
        report.seconds = time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20, help="how many times the server is killed (default 20)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the kill moments (default: a fresh one, printed)")
    parser.add_argument("--max-delay", type=float, default=1.0, help="longest wait before a kill, in seconds (default 1)")
    options = parser.parse_args()
    seed = options.seed if options.seed is not None else random.SystemRandom().randrange(2**32)
    folder = Path(tempfile.mkdtemp(prefix="wokmanager-crash-"))
    try:
        report = crash_test(folder, options.kills, seed, options.max_delay)
    except (AssertionError, pytest.fail.Exception) as error:
        report = CrashReport(seed, options.kills, problems=[str(error)])
    if report.problems:
        print(f"FAILED (seed {seed}); logs and database kept in {folder}:", *report.problems, sep="\n  ")
        return 1
    shutil.rmtree(folder)
    print(f"passed: {report.kills} kills, {report.acknowledged} acknowledged events all stored in order, "
          f"integrity_check ok, {report.seconds:.1f} s (seed {seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
