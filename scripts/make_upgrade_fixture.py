#!/usr/bin/env python3
"""Makes the upgrade fixtures of a released version: its databases, and what it answered from them.

    scripts/make_upgrade_fixture.py v0.1.0 [--binary PATH] [--postgres-url URL]

Builds the tag in a worktree under /tmp (unless --binary names its build), starts it on an empty SQLite file
and, with --postgres-url (a database to create others next to, as scripts/postgres.sh prints), on an empty
PostgreSQL database; reports the same workers, errors, messages, numbers, problems, an acknowledgement, an
expectation, a silence and a webhook to each; saves what the old server answers to the queries of
Tests/EndToEnd/test_upgrade.py; stops it (SIGTERM: the SQLite file is checkpointed) and writes into
Tests/Fixtures/upgrade/:

    TAG.sqlite                  the SQLite file
    TAG.postgres.sql            pg_dump of the PostgreSQL database (plain SQL, no owners)
    TAG.sqlite.answers.json     the old server's answers, by query
    TAG.postgres.answers.json

The test opens each with the build under test and finds every answer again."""
import argparse
import json
import shutil
import subprocess
import sys
import time
import urllib.parse
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
import wokserver  # noqa: E402

OUT = REPO / "Tests/Fixtures/upgrade"
KEY = "upgrade-fixture-key-9d1e4a"

# The queries whose answers must survive an upgrade (the test asks the same ones).
QUERIES = [
    "/workers?id=*&status=running,lost,stopped,failed&limit=1000",
    "/workers/Importer01", "/workers/Importer02", "/workers/Exporter01", "/workers/Ledger01", "/workers/nightly-export",
    "/domains",
    "/errors?limit=1000",
    "/events?limit=1000",
    "/problems?state=all&limit=1000",
    "/expectations",
    "/silences?all=true",
]


def events(now):
    """A small fleet over the last hours: runs that end well, fail, go quiet; errors, messages and numbers."""
    def at(minutes_ago):
        return (now - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return [
        {"id": "Importer01", "group": "product.importer", "event": "started", "at": at(180), "host": "box-a", "version": "2.3.1",
         "pid": 4711, "labels": {"region": "eu-west-1", "team": "catalog"}},
        {"id": "Importer01", "group": "product.importer", "event": "heartbeat", "at": at(170), "metrics": {"queue_depth": 12, "rows_imported_total": 1200}},
        {"id": "Importer01", "group": "product.importer", "event": "message", "at": at(165), "message": "imported 12,400 products"},
        {"id": "Importer01", "group": "product.importer", "event": "heartbeat", "at": at(160), "metrics": {"queue_depth": 7, "rows_imported_total": 2400}},
        {"id": "Importer02", "group": "product.importer", "event": "started", "at": at(150), "host": "box-b", "version": "2.3.1"},
        {"id": "Importer02", "group": "product.importer", "event": "error", "at": at(140), "message": "row 17: price is not a number",
         "action": "row skipped"},
        {"id": "Importer02", "group": "product.importer", "event": "error", "at": at(139), "message": "row 18: <b>bad</b> & \"quoted\"",
         "action": "row skipped"},
        {"id": "Exporter01", "group": "product.exporter", "event": "started", "at": at(130), "ttl": 1},
        {"id": "Ledger01", "group": "billing.ledger", "event": "started", "at": at(120)},
        {"id": "Ledger01", "group": "billing.ledger", "event": "error", "at": at(115), "message": "connection reset by peer", "action": "aborted"},
        {"id": "Ledger01", "group": "billing.ledger", "event": "stopped", "at": at(114), "exit_code": 3},
        {"id": "nightly-export", "group": "jobs.nightly", "event": "started", "at": at(100)},
        {"id": "nightly-export", "group": "jobs.nightly", "event": "stopped", "at": at(90), "exit_code": 0},
        {"id": "Ünïcode-✓", "group": "intl.wörkers", "event": "started", "at": at(80), "message": "日本語のメッセージ"},
    ]


def fill(server, now):
    def call(method, path, body=None):
        status, answer = server.request(method, path, body, key=KEY)
        if status >= 300:
            raise SystemExit(f"{method} {path} answered {status}: {answer}")
        return answer
    for event in events(now):
        call("POST", "/worker/state", event)
    call("PUT", "/expectations/group/product.importer", {"min_running": 3})
    call("POST", "/silences", {"group": "intl", "until": "3650d", "note": "not ours"})
    call("PUT", "/webhooks/oncall", {"url": "http://127.0.0.1:9/hook", "group": "billing"})
    # Exporter01 goes quiet: wait for the sweep to record it lost, so that it reads lost whenever it is read again.
    deadline = time.monotonic() + 30
    while not any(entry["event"] == "lost" for entry in call("GET", "/workers/Exporter01")["history"]):
        if time.monotonic() > deadline:
            raise SystemExit("Exporter01 was not recorded lost within 30 s")
        time.sleep(0.2)
    problems = call("GET", "/problems?state=all&limit=1000")["problems"]
    failed = next(problem for problem in problems if problem["kind"] == "failed")
    call("POST", f"/problems/{failed['id']}/acknowledge", {"note": "known: the bank's API is down"})


def snapshot(store, tag, binary, database_url=None):
    folder = Path("/tmp") / f"wokmanager-fixture-{store}-{uuid.uuid4().hex[:8]}"
    args = ["--default-ttl", "0", "--retention", "3650d", "--history-retention", "3650d"]
    if database_url:
        args += ["--database-url", database_url]
    server_process = wokserver.Server(folder, binary=binary, keys=(KEY,), args=args)
    server_process.start()
    try:
        fill(server_process, datetime.now(timezone.utc))
        answers = {}
        for query in QUERIES:
            status, answer = server_process.request("GET", query, key=KEY)
            if status != 200:
                raise SystemExit(f"{tag} answered {status} to {query}: {answer}")
            answers[query] = answer
    finally:
        server_process.stop()
    (OUT / f"{tag}.{store}.answers.json").write_text(json.dumps(answers, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    return server_process


def build(tag):
    worktree = Path("/tmp") / f"wokmanager-{tag}"
    if not worktree.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(worktree), tag], cwd=REPO, check=True)
    subprocess.run(["swift", "build", "--product", "wokmanager"], cwd=worktree, check=True)
    return worktree / ".build/debug/wokmanager"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tag", help="the released tag, such as v0.1.0")
    parser.add_argument("--binary", help="that tag's wokmanager, already built")
    parser.add_argument("--postgres-url", help="a PostgreSQL database URL; a new database is made beside it")
    options = parser.parse_args()
    binary = Path(options.binary) if options.binary else build(options.tag)
    OUT.mkdir(parents=True, exist_ok=True)

    sqlite = snapshot("sqlite", options.tag, binary)
    shutil.copy(sqlite.database, OUT / f"{options.tag}.sqlite")
    if options.postgres_url:
        name = "wm_fixture_" + uuid.uuid4().hex[:8]
        base = options.postgres_url
        subprocess.run(["psql", "-q", base, "-c", f"CREATE DATABASE {name}"], check=True)
        url = urllib.parse.urlunsplit(urllib.parse.urlsplit(base)._replace(path="/" + name))
        try:
            snapshot("postgres", options.tag, binary, database_url=url)
            dump = subprocess.run(["pg_dump", "--no-owner", "--no-privileges", url], check=True, capture_output=True, text=True).stdout
            (OUT / f"{options.tag}.postgres.sql").write_text(dump)
        finally:
            subprocess.run(["psql", "-q", base, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True)
    print(f"wrote {sorted(path.name for path in OUT.glob(options.tag + '.*'))}")


if __name__ == "__main__":
    main()
