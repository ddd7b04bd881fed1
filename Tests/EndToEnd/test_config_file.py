"""The config file: `serve --config`, its precedence under flags and variables, `config check` naming lines,
and SIGHUP reloading it."""
import signal
import subprocess

from conftest import BINARY, KEY, REPO, scrape, wait_until


def check(path):
    return subprocess.run([str(BINARY), "config", "check", str(path)], capture_output=True, text=True, timeout=30)


def test_the_shipped_example_checks(tmp_path):
    example = (REPO / "deploy/systemd/wokmanager.yaml").read_text()
    # Its paths are the installed ones; the keys file it names is only read (a missing one holds no keys).
    path = tmp_path / "wokmanager.yaml"
    path.write_text(example.replace("/var/lib/wokmanager", str(tmp_path)))
    done = check(path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{path}: ok, 7 settings"


def test_check_names_the_line_of_each_kind_of_mistake(tmp_path):
    cases = {
        "port: 5000\nretention: 7d\nhistroy-retention: 30d\n": ":3: 'histroy-retention' is not a setting (did you mean 'history-retention'?)",
        "port: 5000\n\nsweep-interval: soon\n": ":3: sweep-interval: 'soon' is not a duration",
        "host: 0.0.0.0\napi-keys: [s3cret]\n": ":2: 'api-keys': keys are not written in the config file",
        "port: 1\nport: 2\n": ":1: is not YAML: 'port' set twice",
        "history-retention: 1d\nhistory_retention: 2d\n": ":2: 'history_retention' is set twice (first on line 1)",
        "port: [1, 2]\n": ":1: 'port' takes one value, not a list",
        "log-level: loud\n": ":1: log-level: 'loud' is not one of trace",
        "host: a\n  bad: indentation\n": ":2:",
        "- a list\n": ":1: must be a mapping of settings",
        "tls-cert: /nowhere.pem\n": ":1: tls-cert: needs --tls-key",
        "public-url: ftp://x\n": ":1: public-url: must be an http or https URL",
    }
    for number, (text, expected) in enumerate(cases.items()):
        path = tmp_path / f"bad-{number}.yaml"
        path.write_text(text)
        done = check(path)
        assert done.returncode == 1, (text, done.stdout)
        assert str(path) in done.stderr and expected in done.stderr, (text, done.stderr)


def test_check_reads_the_files_the_config_names(tmp_path):
    expectations = tmp_path / "expectations.yaml"
    expectations.write_text("expectations:\n  - group: product.importer\n    min_running: many\n")
    path = tmp_path / "wokmanager.yaml"
    path.write_text(f"port: 5000\nexpectations-file: {expectations}\n")
    done = check(path)
    assert done.returncode == 1
    assert f"{path}:2: expectations-file: expectations[0].min_running" in done.stderr
    keys = tmp_path / "keys"
    keys.write_text("not a keys line\n")
    path.write_text(f"keys-file: {keys}\n")
    done = check(path)
    assert done.returncode == 1 and f"{path}:1: keys-file:" in done.stderr


def test_serve_takes_the_file_under_variables_and_flags(server_factory, tmp_path):
    config = tmp_path / "wokmanager.yaml"
    config.write_text("default-ttl: 1s\nrequire-key-for-reads: true\nretention: 2d\n")
    server = server_factory(args=["--config", config], env={"WOKMANAGER_REQUIRE_KEY_FOR_READS": "false"})
    server.start()
    # The variable beats the file: reads are open.
    assert server.request("GET", "/workers")[0] == 200
    # The file's default TTL applies: a worker without one is lost after a second.
    assert server.request("POST", "/worker/state", {"id": "cfg", "group": "g", "event": "started"}, key=KEY)[0] == 200
    wait_until(lambda: server.request("GET", "/workers?id=cfg&status=lost")[1]["workers"], timeout=5)
    server.stop()

    server.args += ["--default-ttl", "0"]  # the flag beats the file
    server.start()
    server.request("POST", "/worker/state", {"id": "cfg2", "group": "g", "event": "started"}, key=KEY)
    assert server.request("GET", "/workers?id=cfg2")[1]["workers"][0]["status"] == "running"


def test_a_bad_file_stops_the_server_naming_its_line(tmp_path):
    config = tmp_path / "wokmanager.yaml"
    config.write_text("port: 5000\nhistory-limit: lots\n")
    done = subprocess.run([str(BINARY), "serve", "--config", str(config), "--database", str(tmp_path / "db.sqlite")],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    assert f"{config}:2: history-limit: 'lots' is not a whole number" in done.stderr


def test_sighup_applies_the_log_level_and_names_what_needs_a_restart(server_factory, tmp_path):
    config = tmp_path / "wokmanager.yaml"
    config.write_text("log-level: info\nretention: 7d\n")
    server = server_factory(args=["--config", config])
    server.start()
    server.request("GET", "/workers/before-reload")
    config.write_text("log-level: debug\nretention: 14d\n")
    server.process.send_signal(signal.SIGHUP)
    wait_until(lambda: "configuration reloaded" in server.output())
    line = next(line for line in server.output().splitlines() if "configuration reloaded" in line)
    assert "applied=[\"log-level\"]" in line and "needs_restart=[\"retention\"]" in line, line
    # Debug now: each request is logged (the one before the reload was not).
    server.request("GET", "/workers/after-reload")
    wait_until(lambda: "after-reload" in server.output())
    assert "before-reload" not in server.output()

    # A file that no longer reads changes nothing, and says so on /metrics.
    config.write_text("log-level: [\n")
    server.process.send_signal(signal.SIGHUP)
    wait_until(lambda: "configuration not reloaded" in server.output())
    assert "wokmanager_config_last_reload_successful 0" in scrape(server)
    server.request("GET", "/workers/still-debug")
    wait_until(lambda: "still-debug" in server.output())

    # Put back as it started: a reload then has nothing waiting for a restart.
    config.write_text("log-level: info\nretention: 7d\n")
    server.process.send_signal(signal.SIGHUP)
    wait_until(lambda: server.output().count("configuration reloaded") == 2)
    last = [line for line in server.output().splitlines() if "configuration reloaded" in line][-1]
    assert "needs_restart=[]" in last, last
    assert "wokmanager_config_last_reload_successful 1" in scrape(server)
    server.stop()
    assert KEY not in server.output()  # a debug log names services and settings, never a key
