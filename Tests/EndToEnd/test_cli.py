"""The wokmanager CLI, the built executable, against a live server: emit, workers --json, and run."""
import json
import os
import subprocess

from conftest import BINARY, KEY, free_port, wait_until


def cli(server, *arguments, url=None, timeout=60):
    environment = {**os.environ, "WOKMANAGER_URL": url or server.url(""), "WOKMANAGER_API_KEY": KEY, "NO_COLOR": "1"}
    return subprocess.run([str(BINARY), *arguments], capture_output=True, text=True, env=environment, timeout=timeout)


def worker(server, worker_id):
    status, detail = server.request("GET", f"/workers/{worker_id}")
    assert status == 200, detail
    return detail


def test_emit_then_workers_json(server):
    done = cli(server, "emit", "started", "--id", "Importer01", "--group", "product.importer", "--ttl", "60")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Importer01: running\n"
    cli(server, "emit", "error", "--id", "Importer01", "--group", "product.importer", "--message", "row 17", "--action", "skipped")
    listed = cli(server, "workers", "--json", "--status", "running")
    assert listed.returncode == 0, listed.stderr
    workers = json.loads(listed.stdout)
    assert [(w["id"], w["group"], w["status"], w["error_count"]) for w in workers] == [("Importer01", "product.importer", "running", 1)]
    table = cli(server, "workers")
    assert table.stdout.splitlines()[0].split() == ["ID", "GROUP", "STATUS", "LAST", "SEEN", "HOST", "MESSAGE"]
    assert "\x1b[" not in table.stdout  # NO_COLOR, and not a terminal


def test_server_errors_are_one_clear_line(server):
    refused = cli(server, "show", "nobody")
    assert refused.returncode == 1
    assert refused.stderr == "wokmanager: the server answered 404: id: no worker with id 'nobody'\n"
    down = cli(server, "workers", url=f"http://127.0.0.1:{free_port()}")
    assert down.returncode == 1
    assert down.stderr.startswith("wokmanager: cannot reach http://127.0.0.1:") and down.stderr.count("\n") == 1


def test_run_a_command_that_succeeds(server):
    done = cli(server, "run", "--id", "job-ok", "--group", "cron.nightly", "--ttl", "0.6", "--",
               "sh", "-c", "echo to-stdout; sleep 0.5; echo to-stderr >&2")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "to-stdout\n"
    assert "to-stderr" in done.stderr
    detail = worker(server, "job-ok")
    assert detail["worker"]["status"] == "stopped"
    assert detail["worker"]["exit_code"] == 0
    assert detail["worker"]["heartbeats"] >= 1
    assert detail["errors"] == []


def test_run_a_command_that_exits_3(server):
    done = cli(server, "run", "--id", "job-3", "--group", "cron.nightly", "--", "sh", "-c", "echo 'disk quota exceeded' >&2; exit 3")
    assert done.returncode == 3
    detail = worker(server, "job-3")
    assert detail["worker"]["status"] == "failed"
    assert detail["worker"]["exit_code"] == 3
    assert "disk quota exceeded" in detail["errors"][0]["message"]
    assert "exited with status 3" in detail["errors"][0]["message"]


def test_run_a_command_killed_by_a_signal(server):
    done = cli(server, "run", "--id", "job-kill", "--group", "cron.nightly", "--", "sh", "-c", "kill -TERM $$")
    assert done.returncode == 143
    detail = worker(server, "job-kill")
    assert detail["worker"]["status"] == "failed"
    assert detail["worker"]["exit_code"] == 143
    assert "killed by signal 15" in detail["errors"][0]["message"]


def test_run_forwards_signals_to_the_program(server):
    process = subprocess.Popen(
        [str(BINARY), "run", "--id", "job-term", "--group", "cron.nightly", "--", "sleep", "30"],
        env={**os.environ, "WOKMANAGER_URL": server.url(""), "WOKMANAGER_API_KEY": KEY}, stderr=subprocess.PIPE, text=True)
    wait_until(lambda: server.request("GET", "/workers/job-term")[0] == 200)
    process.terminate()
    assert process.wait(timeout=30) == 143
    assert worker(server, "job-term")["worker"]["exit_code"] == 143


def test_run_keeps_working_when_the_server_is_down(tmp_path):
    port = free_port()
    done = subprocess.run(
        [str(BINARY), "run", "--id", "job-offline", "--group", "cron", "--flush-timeout", "1", "--", "sh", "-c", "echo worked; exit 2"],
        env={**os.environ, "WOKMANAGER_URL": f"http://127.0.0.1:{port}", "WOKMANAGER_API_KEY": KEY}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout == "worked\n"
    assert "events are retried" in done.stderr
    assert "could not be delivered" in done.stderr


def test_failed_workers_say_why_in_the_table(server):
    """MESSAGE of a failed worker: the exit code and the error that aborted the run, its line break shown as
    a shell writes it; other workers keep their latest message."""
    cli(server, "run", "--id", "job-fail", "--group", "cron.nightly", "--", "sh", "-c", "echo 'disk quota exceeded' >&2; exit 3")
    cli(server, "emit", "started", "--id", "job-ok", "--group", "cron.nightly")
    cli(server, "emit", "message", "--id", "job-ok", "--group", "cron.nightly", "--message", "importing")
    rows = {line.split()[0]: line for line in cli(server, "workers").stdout.splitlines()[1:]}
    assert rows["job-fail"].endswith("exit 3: sh exited with status 3:\\ndisk quota exceeded"), rows
    assert rows["job-ok"].endswith("importing"), rows
    shown = cli(server, "show", "job-fail").stdout
    assert "error  failed aborted sh exited with status 3:\\ndisk quota exceeded" in shown
    assert "\\u{A}" not in shown


def test_json_is_what_jq_users_expect(server):
    """--json: `[]` when nothing matches, `"key": value` with two-space indentation; --jsonl: one compact
    object per line, nothing when nothing matches."""
    empty = cli(server, "workers", "--json")
    assert (empty.returncode, empty.stdout) == (0, "[]\n")
    assert cli(server, "workers", "--jsonl").stdout == ""
    for worker_id in ("a1", "a2"):
        cli(server, "emit", "error", "--id", worker_id, "--group", "g", "--message", "bad row", "--action", "skipped")
    pretty = cli(server, "workers", "--json").stdout
    assert pretty.startswith('[\n  {\n    "error_count": 1,\n') and '"labels": {},' in pretty and " : " not in pretty
    assert [w["id"] for w in json.loads(pretty)] == ["a1", "a2"]
    lines = cli(server, "workers", "--jsonl").stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a1", "a2"]
    assert all(line.startswith('{"error_count":1,') for line in lines)
    errors = cli(server, "errors", "--jsonl").stdout.splitlines()
    assert sorted(json.loads(line)["worker_id"] for line in errors) == ["a1", "a2"]
    both = cli(server, "workers", "--json", "--jsonl")
    assert both.returncode != 0 and "--json" in both.stderr


def keys(folder, *arguments):
    environment = {name: value for name, value in os.environ.items() if not name.startswith("WOKMANAGER_")}
    return subprocess.run([str(BINARY), "keys", *arguments], cwd=folder, capture_output=True, text=True, env=environment, timeout=30)


def test_keys_list_names_the_file_it_read(tmp_path):
    """From a folder with no keys file, `keys list` says where it looked and fails; next to the file it names it."""
    missing = keys(tmp_path, "list")
    expected = tmp_path / "data" / "wokmanager.keys"
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr.startswith(f"wokmanager: no keys file at {expected}.") and "--keys-file" in missing.stderr
    assert keys(tmp_path, "add", "grafana", "--role", "read").returncode == 0
    listed = keys(tmp_path, "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [f"Keys in {expected}:", "NAME     ROLE  GROUPS", "grafana  read  *"]
    assert keys(tmp_path, "remove", "grafana").returncode == 0
    assert keys(tmp_path, "list").stdout == f"No keys in {expected}.\n"
