"""`wokmanager problems`, `ack`, `expect` and `silence`, the built executable, against a live server whose sweep
runs every second: an expectation opens a `down` problem, which is acknowledged, silenced and resolved."""
import json
import os
import subprocess

import pytest

from conftest import BINARY, KEY, wait_until


def cli(server, *arguments, key=KEY):
    environment = {**os.environ, "WOKMANAGER_URL": server.url(""), "NO_COLOR": "1"}
    environment.pop("WOKMANAGER_API_KEY", None)
    if key:
        environment["WOKMANAGER_API_KEY"] = key
    return subprocess.run([str(BINARY), *arguments], capture_output=True, text=True, env=environment, timeout=60)


def ok(server, *arguments):
    done = cli(server, *arguments)
    assert done.returncode == 0, done.stderr
    return done.stdout


def problems(server, *arguments):
    return json.loads(ok(server, "problems", "--json", *arguments))


def rows(table):
    """The rows of a table below its header, by their first column."""
    return {line.split()[0]: line for line in table.splitlines()[1:]}


@pytest.fixture
def server(server_factory):
    return server_factory(args=["--sweep-interval", "1s"]).start()


def test_an_expectation_opens_a_problem_that_is_acknowledged_silenced_and_resolved(server):
    assert ok(server, "expect", "set", "--group", "ops.backup", "--min-running", "1") == "group ops.backup: min_running 1, grace 5m\n"
    [expectation] = json.loads(ok(server, "expect", "list", "--json"))
    assert {k: expectation[k] for k in ("group", "min_running", "grace", "source")} == {
        "group": "ops.backup", "min_running": 1, "grace": "5m", "source": "api"}
    listed = ok(server, "expect", "list").splitlines()
    assert listed[0].split() == ["SUBJECT", "SETTINGS", "SOURCE", "SINCE"]
    assert listed[1].startswith("group ops.backup  min_running 1, grace 5m  api")

    wait_until(lambda: [p["kind"] for p in problems(server, "--group", "ops")] == ["down"], timeout=15)
    [down] = problems(server)
    assert (down["group"], down["state"], "worker" in down) == ("ops.backup", "open", False)
    table = ok(server, "problems")
    assert table.splitlines()[0].split() == ["ID", "KIND", "SUBJECT", "GROUP", "SINCE", "STATE", "DETAIL"]
    row = rows(table)[str(down["id"])]
    assert row.split()[1:4] == ["down", "ops.backup", "ops.backup"] and "  open  " in row, row
    assert "\x1b[" not in table

    assert ok(server, "ack", str(down["id"]), "--note", "on it") == f"acknowledged problem {down['id']}: down of group ops.backup\n"
    [acknowledged] = problems(server, "--state", "acknowledged")
    assert (acknowledged["state"], acknowledged["acknowledgement"]["note"]) == ("acknowledged", "on it")
    assert problems(server, "--state", "open") == []
    row = rows(ok(server, "problems"))[str(down["id"])]
    assert f"acknowledged by {acknowledged['acknowledgement']['by']}" in row and row.endswith("note: on it"), row

    added = ok(server, "silence", "add", "--group", "ops", "--for", "2h", "--note", "moving racks")
    [silence] = json.loads(ok(server, "silence", "list", "--json"))
    assert added.startswith(f"silence {silence['id']}: group ops until 20")
    assert (silence["group"], silence["note"]) == ("ops", "moving racks")
    assert rows(ok(server, "silence", "list"))[str(silence["id"])].split()[1:5] == ["group", "ops", "in", "2h"]
    assert problems(server)[0]["silenced_by"] == silence["id"]
    assert f"silenced (#{silence['id']})" in ok(server, "problems")
    assert ok(server, "silence", "end", str(silence["id"])) == f"ended silence {silence['id']}\n"
    assert ok(server, "silence", "list") == "No silences.\n"
    assert "ended" in rows(ok(server, "silence", "list", "--all"))[str(silence["id"])]
    assert problems(server)[0]["silenced_by"] is None

    assert ok(server, "expect", "remove", "--group", "ops.backup") == "removed the expectation of group ops.backup\n"
    assert ok(server, "expect", "list") == "No expectations.\n"
    wait_until(lambda: problems(server) == [], timeout=15)
    [resolved] = problems(server, "--state", "resolved", "--kind", "down")
    assert resolved["id"] == down["id"] and resolved["resolved_at"]
    assert "resolved" in rows(ok(server, "problems", "--state", "all"))[str(down["id"])]


def test_a_failed_run_is_a_problem_until_the_worker_runs_again_and_then_cannot_be_acknowledged(server):
    ok(server, "emit", "stopped", "--id", "job-3", "--group", "cron.nightly", "--exit-code", "3")
    [failed] = problems(server, "--kind", "failed", "--kind", "lost")
    assert (failed["kind"], failed["worker"], failed["group"]) == ("failed", "job-3", "cron.nightly")
    assert rows(ok(server, "problems", "--group", "cron"))[str(failed["id"])].split()[1:4] == ["failed", "job-3", "cron.nightly"]
    assert problems(server, "--group", "other") == []
    ok(server, "emit", "started", "--id", "job-3", "--group", "cron.nightly")
    assert problems(server) == []
    refused = cli(server, "ack", str(failed["id"]))
    assert refused.returncode == 1
    assert refused.stderr == f"wokmanager: the server answered 409: id: problem {failed['id']} is already resolved\n"


@pytest.mark.parametrize("arguments, message", [
    (["expect", "set", "--group", "ops", "--schedule", "0 2 * * *", "--time-zone", "Mars/Olympus"], "400: time_zone: "),
    (["expect", "set", "--group", "ops", "--failures", "three"], "400: failures: must read like '3 in 1h'"),
    (["expect", "set", "--group", "ops", "--max-runtime", "soon"], "400: max_runtime: must be a duration"),
    (["expect", "set", "--group", "ops", "--min-running", "3", "--max-running", "2"], "400: max_running: must be at least min_running"),
    (["expect", "set", "--group", "ops"], "400: body: expects nothing"),
    (["expect", "remove", "--worker", "nobody"], "404: name: no expectation of worker 'nobody'"),
    (["ack", "999"], "404: id: no problem with id 999"),
    (["silence", "add", "--group", "ops", "--until", "2001-01-01T00:00:00Z"], "400: until: must be in the future"),
    (["silence", "add", "--group", "ops", "--for", "a while"], "400: until: is neither a duration"),
    (["silence", "end", "42"], "404: id: no active silence with id 42"),
])
def test_refusals_are_one_line_naming_the_field(server, arguments, message):
    done = cli(server, *arguments)
    assert done.returncode == 1, done.stdout
    assert done.stderr.startswith("wokmanager: ") and message in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert done.stdout == ""


def test_a_bad_cron_expression_is_refused_naming_schedule(server):
    done = cli(server, "expect", "set", "--group", "ops", "--schedule", "61 * * * *")
    assert done.returncode == 1, done.stdout
    assert done.stderr.startswith("wokmanager: the server answered 400: schedule: "), done.stderr


def test_wrong_arguments_are_refused_before_anything_is_sent(server):
    for arguments, message in [
        (["expect", "set", "--group", "a", "--worker", "b", "--min-running", "1"], "give exactly one of --group and --worker"),
        (["expect", "set", "--group", "a..b", "--min-running", "1"], "--group"),
        (["silence", "add", "--group", "ops", "--for", "2h", "--until", "2030-01-01T00:00:00Z"], "give exactly one of --for and --until"),
        (["problems", "--kind", "sleepy"], "sleepy"),
        (["ack", "0"], "positive"),
    ]:
        done = cli(server, *arguments)
        assert done.returncode == 64, (arguments, done.stderr)
        assert message in done.stderr, (arguments, done.stderr)
    assert ok(server, "expect", "list") == "No expectations.\n"


def test_changes_need_a_key(server):
    done = cli(server, "expect", "set", "--group", "ops", "--min-running", "1", key=None)
    assert done.returncode == 1
    assert done.stderr.startswith("wokmanager: the server answered 401: ")
    assert ok(server, "problems") == "No problems.\n"
