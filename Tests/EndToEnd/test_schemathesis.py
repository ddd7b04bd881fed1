"""Schemathesis generates requests from docs/openapi.yaml, valid and invalid, and sends them to a live
server: no answer may be a 5xx, and every answer must have a documented status, content type, headers and
body. Then hostile bodies a schema-driven fuzzer does not make, each of which must answer 400 naming the
field (before the fixes, an id or group of combining marks answered 500 on PostgreSQL, and `pid: 1.5` or
`exit_code: 1e30` was blamed on the body)."""
import json
import os
import random
import subprocess
import sys
import time
import uuid

import pytest

from conftest import KEY, REPO

SPEC = REPO / "docs" / "openapi.yaml"
SEED = 20261129
EXAMPLES = 60  # per operation and phase: about 28 operations, 3,000 test cases, 1 to 2 minutes against the debug build
BUDGET_SECONDS = 300
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "ignored_auth",                   # a write without the key must be refused
    "use_after_free",                 # a deleted worker stays gone
    "ensure_resource_availability",   # a reported worker can be read back
    "unsupported_method",             # a method a path does not take answers 405 with Allow
]

WARNINGS = ["missing_test_data", "base_url_mismatch", "validation_mismatch", "missing_deserializer", "unused_openapi_auth",
            "unsupported_regex", "method_not_allowed", "constants_extraction", "unmatched_filter", "unresolvable_reference",
            "rate_limited", "dictionary_mismatch", "timeout_units"]

# Workers in every status, with every optional field, so the answers checked against the schemas are full.
SEED_EVENTS = [
    {"id": "Importer1d", "group": "product.importer", "event": "started", "ttl": 600, "host": "box1", "pid": 7,
     "version": "2.3.1", "labels": {"team": "data"}, "metrics": {"rows_processed_total": 1200, "queue_lag_seconds": 3.5}},
    {"id": "Importer1d", "group": "product.importer", "event": "message", "message": "importing"},
    {"id": "Importer1d", "group": "product.importer", "event": "error", "message": "row 17", "action": "skipped"},
    {"id": "Promo01", "group": "price.promotion", "event": "stopped", "exit_code": 2},
    {"id": "Mailer", "group": "notifications", "event": "stopped", "exit_code": 0},
]


def test_schemathesis_finds_nothing(server):
    """Every operation of docs/openapi.yaml, fuzzed from a fixed seed with a bounded number of examples,
    answers as documented; the server neither crashes nor answers 5xx, and keeps answering afterwards."""
    for event in SEED_EVENTS:
        status, answer = server.request("POST", "/worker/state", event, key=KEY)
        assert status == 200, answer
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", str(SPEC),
        "--url", server.url(""),
        "--header", f"X-API-Key: {KEY}",
        "--generation-with-security-parameters", "false",  # the key above, never a generated wrong one beside it
        "--seed", str(SEED),
        "--max-examples", str(EXAMPLES),
        "--checks", ",".join(CHECKS),
        "--workers", "1",  # schemathesis' own threads trip a CPython 3.11 ast race; one is also kind to a shared machine
        "--generation-database", "none",
        "--request-timeout", "10",
        # The warnings shown by default but missing_auth: POST /sign-in and /sign-out answer only 403 to a fuzzer, as
        # their forms' CSRF token comes with the page (a cookie, a session) that no generated request has.
        "--warnings", ",".join(WARNINGS),
        "--no-color",
    ]
    started = time.monotonic()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=BUDGET_SECONDS, cwd=server.folder,
                              env={**os.environ, "NO_COLOR": "1"})
    except subprocess.TimeoutExpired as expired:
        pytest.fail(f"schemathesis took more than {BUDGET_SECONDS} s:\n{(expired.stdout or b'').decode(errors='replace')[-20000:]}")
    elapsed = time.monotonic() - started
    output = done.stdout + done.stderr
    print(output)  # shown by pytest when the test fails
    print(f"schemathesis ran for {elapsed:.1f} s")
    assert done.returncode == 0, f"schemathesis found problems (exit {done.returncode}):\n{output[-20000:]}"
    assert "No issues found" in output, output[-20000:]
    generated = int(output.split(" generated")[0].rsplit(None, 1)[-1])
    assert generated >= 13 * 10, f"only {generated} test cases ran:\n{output[-5000:]}"
    assert server.process.poll() is None, server.output()[-3000:]
    assert server.request("GET", "/healthz") == (200, {"status": "ok"})
    assert "unexpected error" not in server.output() and "store failure" not in server.output()


def combining_marks(count):
    """One grapheme cluster of `count` + 1 code points: a letter under a pile of combining accents."""
    generator = random.Random(7)
    return "a" + "".join(chr(generator.randint(0x300, 0x36F)) for _ in range(count))


# (body as sent, the status and field the answer must have). Every one is a client mistake: a 4xx naming the field.
HOSTILE_BODIES = [
    # A length counted in grapheme clusters let one "character" of 20,000 code points through: on PostgreSQL
    # the index refused the 40 KB key and the answer was a 500.
    (json.dumps({"id": combining_marks(20_000), "group": "g", "event": "started"}, ensure_ascii=False), 400, "id"),
    (json.dumps({"id": "ok", "group": "g." + combining_marks(15_000), "event": "started"}, ensure_ascii=False), 400, "group"),
    (json.dumps({"id": "ok", "group": "g", "event": "started", "host": combining_marks(300)}, ensure_ascii=False), 400, "host"),
    (json.dumps({"id": "ok", "group": "g", "event": "started", "labels": {"k": combining_marks(300)}}, ensure_ascii=False),
     400, "labels.k"),
    # Numbers no Int holds were reported as "body: is not a JSON object".
    ('{"id": "ok", "group": "g", "event": "started", "pid": 1.5}', 400, "pid"),
    ('{"id": "ok", "group": "g", "event": "stopped", "exit_code": 1e30}', 400, "exit_code"),
    ('{"id": "ok", "group": "g", "event": "stopped", "exit_code": 9223372036854775808}', 400, "exit_code"),
    ('{"id": "ok", "group": "g", "event": "started", "at": 1e308}', 400, "at"),
    ('{"id": "ok", "group": "g", "event": "started", "at": "9999-12-31T23:59:59Z"}', 400, "at"),
    ('{"id": "ok", "group": "g", "event": "started", "labels": ' + "[" * 30_000 + "]" * 30_000 + "}", 400, "body"),
    ('{"id": "\\ud800", "group": "g", "event": "started"}', 400, "body"),
    (b'{"id": "\xff", "group": "g", "event": "started"}', 400, "body"),
]


def test_hostile_bodies_are_a_4xx_naming_the_field(server_factory, database_url):
    """Inputs a schema-driven fuzzer does not make (a grapheme cluster of thousands of code points, numbers
    no 64-bit integer holds, 30,000 nested brackets, broken UTF-8) answer 400 with the field that was
    wrong, on SQLite and on PostgreSQL; a message of such clusters is cut at 4096 code points."""
    server = server_factory(args=["--database-url", database_url] if database_url else []).start()
    for body, status, field in HOSTILE_BODIES:
        code, answer = server.request("POST", "/worker/state", body if isinstance(body, bytes) else body.encode(), key=KEY)
        assert (code, answer.get("error", {}).get("field")) == (status, field), (body[:80], answer)
    message = combining_marks(20_000)
    body = json.dumps({"id": "w", "group": "g", "event": "message", "message": message}, ensure_ascii=False).encode()
    code, answer = server.request("POST", "/worker/state", body, key=KEY)
    assert code == 200, answer
    shown = server.request("GET", "/workers/w")[1]["worker"]["message"]
    assert len(shown) == 4096 and shown.endswith("… [truncated]") and message.startswith(shown[: -len("… [truncated]")])
    assert "unexpected error" not in server.output() and "store failure" not in server.output()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request):
    """`None` for SQLite; a fresh PostgreSQL database when WOKMANAGER_TEST_POSTGRES_URL names a server."""
    if request.param == "sqlite":
        yield None
        return
    base = os.environ.get("WOKMANAGER_TEST_POSTGRES_URL")
    if not base:
        if os.environ.get("CI"):
            pytest.fail("WOKMANAGER_TEST_POSTGRES_URL must be set in CI")
        pytest.skip("PostgreSQL tests need WOKMANAGER_TEST_POSTGRES_URL (make test starts a server when postgresql is installed)")
    name = "wm_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", base, "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True, timeout=60)
    yield base.replace("/wokmanager_test?", f"/{name}?")
    subprocess.run(["psql", "-q", base, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True, timeout=60)
