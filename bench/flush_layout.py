#!/usr/bin/env python3
"""What one heartbeat flush costs the SQLite writer at a million workers, by table layout.

Fills a database with WORKERS running workers in 10,000 groups through `POST /events` (the release build, as
`make bench` does), stops the server, and then, on copies of that file, times flushes of 16,384 random workers
(one second of a million workers heartbeating every 60 s), TRANSACTION rows a transaction, as `synchronous = FULL`
commits them:

- `workers`: the statement the server runs today (`HeartbeatSQL`), updating `last_seen`, `last_received_at` and
  `heartbeats` in the wide `workers` row and in the indexes on those columns;
- `narrow`: the same values upserted into a table of their own (`id`, `last_seen`, `last_received_at`,
  `heartbeats`), with no index beside its key: the layout the flush would need to keep up at a million workers.

    python3 bench/flush_layout.py --binary .build-release/release/wokmanager [--workers 1000000] [--transaction 512]
"""

import argparse
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402

FLUSHED = 16_384
ROUNDS = 5

UPDATE_WORKERS = """WITH touched AS (SELECT w.id AS id, v.column2 AS last_seen, v.column3 AS last_received_at, v.column4 AS beats
    FROM (VALUES {tuples}) AS v CROSS JOIN workers AS w WHERE w.id = v.column1
    AND w.status = 'running' AND ABS(w.run_started_at - v.column5) < 0.001)
    UPDATE workers SET last_seen = MAX(workers.last_seen, touched.last_seen),
    last_received_at = MAX(workers.last_received_at, touched.last_received_at),
    heartbeats = workers.heartbeats + touched.beats FROM touched WHERE workers.id = touched.id RETURNING workers.id"""
TUPLE = "(CAST(? AS TEXT), CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION), CAST(? AS BIGINT), CAST(? AS DOUBLE PRECISION))"

CREATE_NARROW = """CREATE TABLE seen (id TEXT PRIMARY KEY NOT NULL, last_seen REAL NOT NULL, last_received_at REAL NOT NULL,
    heartbeats INTEGER NOT NULL) WITHOUT ROWID;
    INSERT INTO seen SELECT id, last_seen, last_received_at, heartbeats FROM workers;"""
UPSERT_NARROW = """INSERT INTO seen (id, last_seen, last_received_at, heartbeats) VALUES {tuples}
    ON CONFLICT (id) DO UPDATE SET last_seen = MAX(seen.last_seen, excluded.last_seen),
    last_received_at = MAX(seen.last_received_at, excluded.last_received_at), heartbeats = seen.heartbeats + excluded.heartbeats"""


def filled_database(folder, binary, workers):
    server = run.Server(folder / "fill", binary=binary, keys=[run.KEY], args=run.SERVER_ARGS + ["--max-groups", "20000"])
    server.start(timeout=60)
    try:
        run.fill_running_fleet(server, workers, groups=10_000)
    finally:
        server.stop()
    return folder / "fill" / "wokmanager.sqlite"


def flush_rates(source, layout, per_transaction):
    """Rows a second of each of ROUNDS flushes of FLUSHED random workers, on a fresh copy of `source`."""
    path = source.with_name(f"{layout}.sqlite")
    shutil.copy(source, path)
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "cache_size = -32768"):
        connection.execute(f"PRAGMA {pragma}")
    if layout == "narrow":
        connection.executescript(CREATE_NARROW)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    runs = dict(connection.execute("SELECT id, run_started_at FROM workers"))
    ids, now, rates = list(runs), max(runs.values()) + 10, []
    random.seed(1)
    for _ in range(ROUNDS):
        flushed, now = random.sample(ids, FLUSHED), now + 1
        start = time.perf_counter()
        for first in range(0, FLUSHED, per_transaction):
            chunk = flushed[first:first + per_transaction]
            connection.execute("BEGIN IMMEDIATE")
            if layout == "narrow":
                values = [value for id in chunk for value in (id, now, now, 1)]
                connection.execute(UPSERT_NARROW.format(tuples=", ".join(["(?, ?, ?, ?)"] * len(chunk))), values)
            else:
                values = [value for id in chunk for value in (id, now, now, 1, runs[id])]
                written = connection.execute(UPDATE_WORKERS.format(tuples=", ".join([TUPLE] * len(chunk))), values).fetchall()
                assert len(written) == len(chunk), "every worker flushed is running in its run"
            connection.execute("COMMIT")
        rates.append(FLUSHED / (time.perf_counter() - start))
    connection.close()
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    return rates


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(run.ROOT / ".build" / "release" / "wokmanager"))
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--transaction", type=int, default=512, help="rows a transaction (the server's flush writes 512)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = filled_database(Path(folder), arguments.binary, arguments.workers)
        print(f"{arguments.workers} workers, {os.path.getsize(source) / 2**20:.0f} MiB; flushes of {FLUSHED}, "
              f"{arguments.transaction} rows a transaction")
        for layout in ("workers", "narrow"):
            rates = sorted(flush_rates(source, layout, arguments.transaction))
            print(f"  {layout}: median {rates[len(rates) // 2]:,.0f} rows/s (rounds {', '.join(f'{r:,.0f}' for r in rates)})")


if __name__ == "__main__":
    main()
