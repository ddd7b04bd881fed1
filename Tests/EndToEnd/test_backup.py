"""`wokmanager backup` while the server writes, `wokmanager restore` into a fresh server, and the lock that
keeps a restore (or a second server) off a database a server runs on."""
import os
import subprocess
import threading

from conftest import BINARY, KEY, free_port, wait_until

BATCH = 20


def wokmanager(*arguments, env=None):
    return subprocess.run([str(BINARY), *map(str, arguments)], capture_output=True, text=True, timeout=120,
                          env=None if env is None else {**os.environ, **env})


class Load(threading.Thread):
    """Posts batches of new workers (group load.bN) until stopped; `acknowledged` lists the batches answered 200."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server, self.acknowledged, self.stopping = server, [], threading.Event()

    def run(self):
        number = 0
        while not self.stopping.is_set():
            events = [{"id": f"load-{number}-{index}", "group": f"load.b{number}", "event": "started"} for index in range(BATCH)]
            status, body = self.server.request("POST", "/events", events, key=KEY)
            if status == 200 and body["accepted"] == BATCH:
                self.acknowledged.append(number)
            number += 1

    def stop(self):
        self.stopping.set()
        self.join(30)


def workers_of(server, batch):
    status, body = server.request("GET", f"/workers?group=load.b{batch}&limit=1000")
    assert status == 200
    return {worker["id"] for worker in body["workers"]}


def test_a_backup_under_load_restores_every_event_acknowledged_before_it(server_factory, tmp_path):
    live = server_factory("live").start()
    load = Load(live)
    load.start()
    wait_until(lambda: len(load.acknowledged) >= 20, timeout=30)
    before = list(load.acknowledged)
    backup = tmp_path / "backup.sqlite"
    done = wokmanager("backup", "--database", live.database, backup)
    load.stop()
    assert done.returncode == 0, done.stderr
    assert f"backed up {live.database} to {backup}:" in done.stdout
    assert oct(backup.stat().st_mode & 0o777) == "0o600"  # it holds webhook secrets

    restored = server_factory("restored")
    done = wokmanager("restore", "--database", restored.database, backup)
    assert done.returncode == 0, done.stderr
    restored.start()
    for batch in before:
        assert workers_of(restored, batch) == {f"load-{batch}-{index}" for index in range(BATCH)}, batch
    # The copy is one snapshot: each batch (one transaction) is in it whole, or not at all.
    for batch in load.acknowledged[len(before):]:
        assert len(workers_of(restored, batch)) in (0, BATCH)


def test_restore_is_refused_while_a_server_runs_on_the_database(server_factory, tmp_path):
    server = server_factory("running").start()
    server.request("POST", "/worker/state", {"id": "keep-me", "group": "g", "event": "started"}, key=KEY)
    backup = tmp_path / "empty-backup.sqlite"
    other = server_factory("other").start()
    assert wokmanager("backup", "--database", other.database, backup).returncode == 0
    other.stop()

    done = wokmanager("restore", "--database", server.database, backup)
    assert done.returncode != 0
    assert f"{server.database} is in use by a running wokmanager server (pid {server.pid}): stop it first" in done.stderr
    assert server.request("GET", "/workers?id=keep-me")[1]["workers"]  # untouched

    # A second server on the same file is refused the same way.
    second = subprocess.run([str(BINARY), "serve", "--database", str(server.database), "--port", str(free_port()), "--api-key", KEY],
                            capture_output=True, text=True, timeout=30)
    assert second.returncode != 0 and "is in use by a running wokmanager server" in second.stderr

    # Stopped, the restore goes ahead and keeps the database it replaced.
    server.stop()
    done = wokmanager("restore", "--database", server.database, backup)
    assert done.returncode == 0, done.stderr
    assert (server.folder / "wokmanager.sqlite.before-restore").exists()
    server.start()
    assert server.request("GET", "/workers?id=keep-me")[1]["workers"] == []
    server.stop()
    # The replaced database is never overwritten by a second restore.
    done = wokmanager("restore", "--database", server.database, backup)
    assert done.returncode != 0 and "holds the database an earlier restore replaced" in done.stderr


def test_backup_and_restore_refuse_what_they_cannot_do(tmp_path, server_factory):
    server = server_factory().start()
    target = tmp_path / "taken.sqlite"
    target.write_text("something")
    done = wokmanager("backup", "--database", server.database, target)
    assert done.returncode != 0 and f"{target} exists" in done.stderr
    done = wokmanager("restore", "--database", tmp_path / "fresh" / "db.sqlite", target)
    assert done.returncode != 0 and f"{target} is damaged: not a SQLite database" in done.stderr, done.stderr
    done = wokmanager("backup", "x.sqlite", env={"WOKMANAGER_DATABASE_URL": "postgres://db/wokmanager"})
    assert done.returncode != 0 and "pg_dump" in done.stderr
    config = tmp_path / "wokmanager.yaml"
    config.write_text(f"database: {server.database}\n")
    done = wokmanager("backup", "--config", config, tmp_path / "from-config.sqlite")
    assert done.returncode == 0 and f"backed up {server.database}" in done.stdout, done.stderr
