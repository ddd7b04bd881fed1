"""What survives what: SIGKILL at random moments, a full disk, and SIGTERM under load.

The kill test is a bounded run of `crash_harness.py` (`make crash-test` runs it with 20 kills)."""
import os
import random
import signal
import subprocess
import time

import pytest

from conftest import KEY, Server, wait_until
from crash_harness import (Writers, check_stored, crash_test, integrity_check, stored_messages,
                           stored_messages_in_file, unexpected_answers)

CRASH_KILLS = 5


def test_acknowledged_events_survive_kill_9_at_random_moments(tmp_path):
    """Six connections (four single-event, two 25-event batches) write while the server is killed with
    SIGKILL 5 times at moments drawn from a seeded RNG and restarted: after each kill the file passes
    `PRAGMA integrity_check`; at the end every event answered 2xx is stored exactly once, per worker in the
    order it was sent, no answer was anything but 2xx, and the server exits 0 on SIGTERM.
    WOKMANAGER_CRASH_SEED=<seed> replays the kill moments of a failed run."""
    seed = int(os.environ.get("WOKMANAGER_CRASH_SEED") or random.SystemRandom().randrange(2**32))
    report = crash_test(tmp_path, CRASH_KILLS, seed)
    assert report.acknowledged > 0
    assert report.problems == [], (
        f"seed {seed} (replay: WOKMANAGER_CRASH_SEED={seed}, or crash_harness.py --kills {CRASH_KILLS} --seed {seed})")


def test_sigterm_under_load_finishes_in_flight_requests_and_exits_zero(server_factory):
    """SIGTERM while six connections write continuously (and after reads): the requests the server was
    handling are answered 2xx (at least one sent before the signal is answered after it); every answer
    is a 2xx (never a 5xx), and a request fails only after the signal and only by a refused or closed
    connection. The server logs "store closed" and exits 0; the WAL has been checkpointed into the file
    and removed; the file passes `integrity_check` and holds every acknowledged event exactly once, per
    worker in the order sent."""
    server = server_factory().start()
    with Writers(server.port) as writers:
        wait_until(lambda: all(writer.acknowledged_events >= 50 for writer in writers.all), timeout=30)
        # Reads open the read-only connections, which must not keep the WAL from being checkpointed.
        assert server.request("GET", "/workers?group=crash.test")[0] == 200
        signalled = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        exit_code = server.process.wait(timeout=30)
    attempts = writers.attempts()
    assert exit_code == 0, server.output()[-3000:]
    assert "store closed" in server.output()

    assert unexpected_answers(attempts) == []
    failures = [attempt for attempt in attempts if attempt.error]
    assert [a.texts[0] for a in failures if a.finished < signalled] == [], "a request failed before SIGTERM"
    assert [repr(a.error) for a in failures if not isinstance(a.error, ConnectionError)] == []
    in_flight = [a for a in attempts if a.acknowledged and a.sent < signalled < a.finished]
    assert in_flight, "no request sent before SIGTERM was answered after it"

    assert not os.path.exists(f"{server.database}-wal"), "the WAL was not checkpointed on close"
    assert integrity_check(server.database) == ["ok"]
    for writer in writers.all:
        assert check_stored(writer, stored_messages_in_file(server.database, writer.worker)) == []


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MiB tmpfs mounted in a temporary folder, unmounted afterwards whatever happened."""
    in_ci = bool(os.environ.get("CI"))
    if os.geteuid() != 0 and not in_ci:
        pytest.skip("the full-disk test mounts a tmpfs, which needs root (CI runs it as root)")
    disk = tmp_path / "small-disk"
    disk.mkdir()
    try:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(disk)],
                                 capture_output=True, text=True, timeout=30)
        problem = mounted.stderr.strip() if mounted.returncode != 0 else None
    except OSError as error:
        problem = str(error)
    if problem:
        (pytest.fail if in_ci else pytest.skip)(f"cannot mount a tmpfs for the full-disk test: {problem}")
    yield disk
    if subprocess.run(["umount", str(disk)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "--lazy", str(disk)], check=True)
        pytest.fail(f"{disk} was busy at unmount; detached it lazily")


@pytest.fixture
def disk_server(small_disk, tmp_path):
    """A server whose database is on the small disk (its log is not); stopped before the disk is unmounted."""
    server = Server(tmp_path / "server")
    server.database = small_disk / "wokmanager.sqlite"
    yield server
    server.stop()


def fill(path):
    """Writes zeros to `path` until the file system has no byte left."""
    with open(path, "wb", buffering=0) as filler:
        for chunk in (1 << 20, 4096, 1):
            try:
                while True:
                    filler.write(bytes(chunk))
            except OSError as error:
                if error.errno != 28:  # ENOSPC
                    raise


def test_a_full_disk_answers_507_keeps_reads_and_recovers_when_space_returns(disk_server, small_disk):
    """With the database on a 4 MiB tmpfs filled up by another file: writes answer 507 with a JSON
    message saying the disk is full (and the log says so), whether batched or single; reads (`/workers`,
    `/`, `/metrics`, `/events`) still answer 200. Once the filler is deleted the very next write succeeds,
    without a restart. In the end the store holds exactly the acknowledged events, in order, and none that
    were refused; the server exits 0 on SIGTERM and the file passes `integrity_check`."""
    server = disk_server.start()
    acknowledged, refused = [], []

    def post(tag, count=20):
        texts = [f"{tag}-{i}" for i in range(count)]
        events = [{"id": "disk", "group": "disk.full", "event": "message", "message": text + " " + "x" * 2000}
                  for text in texts]
        status, body = server.request("POST", "/events", events, key=KEY)
        (acknowledged if status == 200 else refused).extend(texts)
        return status, body

    assert post("before")[0] == 200
    fill(small_disk / "filler")
    for attempt in range(500):
        status, body = post(f"filling{attempt}")
        if status != 200:
            break
    else:
        pytest.fail("500 batches were accepted on a full disk")
    assert (status, body) == (507, {"error": {"message": "the server's disk is full; nothing was stored, retry later"}})
    assert post("still-full")[0] == 507, "the write connection is unusable after the disk filled"
    status, body = server.request("POST", "/worker/state", {"id": "disk", "group": "disk.full", "event": "started"}, key=KEY)
    assert status == 507 and "disk is full" in body["error"]["message"]
    assert "disk is full" in server.output()

    for path in ("/workers?id=disk", "/", "/metrics"):
        assert server.request("GET", path)[0] == 200, path
    assert [m.split(" ")[0] for m in stored_messages(server, "disk")] == acknowledged

    os.remove(small_disk / "filler")
    assert post("after")[0] == 200, "writes did not resume when space returned"
    assert post("after-again")[0] == 200
    stored = [message.split(" ")[0] for message in stored_messages(server, "disk")]
    assert stored == acknowledged
    assert refused and not set(refused) & set(stored)

    assert server.signal(signal.SIGTERM) == 0
    assert integrity_check(server.database) == ["ok"]
