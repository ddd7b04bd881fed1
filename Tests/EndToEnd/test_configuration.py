"""`wokmanager serve` settings from WOKMANAGER_* variables and flags, and the generated key."""
import os
import stat
import subprocess
import time

from conftest import BINARY, KEY


def test_settings_come_from_environment_variables(server_factory):
    server = server_factory(use_flags=False, env={"WOKMANAGER_DEFAULT_TTL": "1s", "WOKMANAGER_REQUIRE_KEY_FOR_READS": "true"})
    server.start()
    assert server.request("GET", "/workers")[0] == 401
    status, _ = server.request("POST", "/worker/state", {"id": "env", "group": "g", "event": "started"}, key=KEY)
    assert status == 200
    time.sleep(1.2)  # the default TTL of one second, set only through the environment, passes
    status, body = server.request("GET", "/workers?id=env", key=KEY)
    assert body["workers"][0]["status"] == "lost"


def test_bad_settings_fail_fast_with_a_clear_message(tmp_path):
    done = subprocess.run(
        [str(BINARY), "serve", "--database", str(tmp_path / "db.sqlite")],
        env={**os.environ, "WOKMANAGER_DEFAULT_TTL": "forever"}, capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    assert "'forever' (WOKMANAGER_DEFAULT_TTL) is not a duration" in done.stderr


def test_first_start_generates_a_key_once_and_keeps_it_private(server_factory):
    server = server_factory(keys=())
    server.start()
    key_file = server.folder / "wokmanager.api-key"
    key = key_file.read_text().strip()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert server.output().count(key) == 1
    assert server.request("POST", "/worker/state", {"id": "k", "group": "g", "event": "started"}, key=key)[0] == 200
    assert server.request("POST", "/worker/state", {"id": "k", "group": "g", "event": "started"}, key="guess")[0] == 401

    server.stop()
    server.start()
    assert key not in server.output()  # printed once, on the start that made it
    assert server.request("POST", "/worker/state", {"id": "k", "group": "g", "event": "heartbeat"}, key=key)[0] == 200


def test_keys_never_reach_the_log(server_factory):
    server = server_factory(args=["--log-level", "trace"])
    server.start()
    server.request("POST", f"/worker/state?api-key={KEY}", {"id": "a", "group": "g", "event": "started"})
    server.request("POST", "/worker/state?api-key=wrong-secret-key", {"id": "a", "group": "g", "event": "started"})
    server.request("GET", "/workers", headers={"Authorization": f"Bearer {KEY}"})
    server.stop()
    log = server.output()
    assert "/worker/state" in log  # requests are logged at trace level...
    assert KEY not in log and "wrong-secret-key" not in log  # ...without their keys
