"""`wokmanager serve` settings from WOKMANAGER_* variables and flags, and the generated key."""
import hashlib
import os
import stat
import subprocess
import time

from conftest import BINARY, KEY, wait_until


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
    assert "WOKMANAGER_DEFAULT_TTL: 'forever' is not a duration" in done.stderr


def test_first_start_generates_an_admin_key_once_and_stores_only_its_digest(server_factory):
    server = server_factory(keys=())
    server.start()
    printed = [line for line in server.output().splitlines() if "shown only this once" in line]
    assert len(printed) == 1
    key = printed[0].split()[-1]
    keys_file = server.folder / "wokmanager.keys"
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    assert key not in keys_file.read_text()
    assert f"sha256:{hashlib.sha256(key.encode()).hexdigest()}" in keys_file.read_text()
    assert server.request("POST", "/worker/state", {"id": "k", "group": "g", "event": "started"}, key=key)[0] == 200
    assert server.request("POST", "/worker/state", {"id": "k", "group": "g", "event": "started"}, key="guess")[0] == 401

    server.stop()
    server.start()
    assert "shown only this once" not in server.output()  # generated and printed on the first start only
    assert server.request("DELETE", "/workers/k", key=key)[0] == 200  # an admin key


def test_a_key_generated_by_an_earlier_version_is_moved_into_the_keys_file(server_factory):
    server = server_factory(keys=())
    legacy = server.folder / "wokmanager.api-key"
    legacy.write_text("an-old-generated-secret\n")
    server.start()
    assert not legacy.exists()
    assert "an-old-generated-secret" not in (server.folder / "wokmanager.keys").read_text()
    assert "shown only this once" not in server.output()  # no new key: the old one still works
    event = {"id": "k", "group": "g", "event": "started"}
    assert server.request("POST", "/worker/state", event, key="an-old-generated-secret")[0] == 200
    assert server.request("DELETE", "/workers/k", key="an-old-generated-secret")[0] == 200


def test_keys_added_and_removed_with_the_cli_apply_to_a_running_server(server_factory):
    server = server_factory()
    server.start()

    def keys(*arguments):
        done = subprocess.run([str(BINARY), "keys", *arguments, "--database", str(server.database)],
                              capture_output=True, text=True, timeout=30, check=True)
        return done.stdout.strip()

    importer = keys("add", "importers", "--role", "write", "--group", "product.*")
    viewer = keys("add", "grafana", "--role", "read")
    assert importer not in (server.folder / "wokmanager.keys").read_text()
    listing = keys("list")
    assert "importers  write  product.*" in listing and "grafana    read   *" in listing
    event = {"id": "i1", "group": "product.importer", "event": "started"}
    wait_until(lambda: server.request("POST", "/worker/state", event, key=importer)[0] == 200)
    status, body = server.request("POST", "/worker/state", {**event, "group": "billing"}, key=importer)
    assert (status, body["error"]["field"]) == (403, "group")
    assert server.request("POST", "/worker/state", event, key=viewer)[0] == 403

    keys("remove", "importers")
    wait_until(lambda: server.request("POST", "/worker/state", event, key=importer)[0] == 401)
    assert server.request("POST", "/worker/state", event, key=KEY)[0] == 200  # the --api-key admin key still works


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
