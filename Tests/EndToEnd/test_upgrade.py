"""Upgrades keep data: the databases a released version wrote (Tests/Fixtures/upgrade, made by
scripts/make_upgrade_fixture.py from its tag) are opened by this build, which migrates them and answers every
query as the release did."""
import json
import os
import shutil
import subprocess
import urllib.parse
import uuid

import pytest

from conftest import REPO, Server

FIXTURES = REPO / "Tests/Fixtures/upgrade"
RELEASES = sorted(path.name.removesuffix(".sqlite") for path in FIXTURES.glob("*.sqlite"))
KEY = "upgrade-fixture-key-9d1e4a"
# Nothing in the fixture ages out, however old it is by the time the test runs.
ARGS = ["--default-ttl", "0", "--retention", "3650d", "--history-retention", "3650d"]


def contains(new, old, where):
    """`new` holds everything `old` did: the same values, with fields a newer version added allowed."""
    if isinstance(old, dict):
        assert isinstance(new, dict), where
        for key, value in old.items():
            assert key in new, f"{where}.{key} is gone"
            contains(new[key], value, f"{where}.{key}")
    elif isinstance(old, list):
        assert isinstance(new, list) and len(new) == len(old), f"{where}: {len(old)} items became {len(new) if isinstance(new, list) else new}"
        for index, (new_item, old_item) in enumerate(zip(new, old)):
            contains(new_item, old_item, f"{where}[{index}]")
    else:
        assert new == old, f"{where}: {old!r} became {new!r}"


def answers_again(server, store, release):
    expected = json.loads((FIXTURES / f"{release}.{store}.answers.json").read_text())
    assert expected, "the fixture holds no answers"
    for query, answer in expected.items():
        status, body = server.request("GET", query, key=KEY)
        assert status == 200, (query, body)
        contains(body, answer, query)


def test_there_is_a_fixture_of_the_last_release():
    assert RELEASES, "Tests/Fixtures/upgrade holds no release: run scripts/make_upgrade_fixture.py TAG"
    for release in RELEASES:
        for suffix in (".sqlite.answers.json", ".postgres.sql", ".postgres.answers.json"):
            assert (FIXTURES / (release + suffix)).exists(), release + suffix


@pytest.mark.parametrize("release", RELEASES)
def test_a_sqlite_database_of_the_release_opens_with_everything(tmp_path, release):
    server = Server(tmp_path / "server", keys=(KEY,), args=ARGS)
    server.database.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / f"{release}.sqlite", server.database)
    server.start()
    try:
        answers_again(server, "sqlite", release)
        # The upgraded database takes new writes and keeps them over a restart.
        assert server.request("POST", "/worker/state", {"id": "after-upgrade", "group": "product.importer", "event": "started"}, key=KEY)[0] == 200
        server.stop()
        server.start()
        assert server.request("GET", "/workers?id=after-upgrade", key=KEY)[1]["workers"]
    finally:
        server.stop()


@pytest.mark.parametrize("release", RELEASES)
def test_a_postgres_database_of_the_release_opens_with_everything(tmp_path, release):
    base = os.environ.get("WOKMANAGER_TEST_POSTGRES_URL")
    if not base:
        assert not os.environ.get("CI"), "WOKMANAGER_TEST_POSTGRES_URL must be set in CI"
        pytest.skip("needs WOKMANAGER_TEST_POSTGRES_URL (make test starts PostgreSQL when it is installed)")
    name = "wm_upgrade_" + uuid.uuid4().hex[:8]
    subprocess.run(["psql", "-q", base, "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    url = urllib.parse.urlunsplit(urllib.parse.urlsplit(base)._replace(path="/" + name))
    assert name in url and url != base
    try:
        loaded = subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-f", str(FIXTURES / f"{release}.postgres.sql")],
                                capture_output=True, text=True)
        assert loaded.returncode == 0, loaded.stderr
        server = Server(tmp_path / "server", keys=(KEY,), args=ARGS + ["--database-url", url])
        server.start()
        try:
            answers_again(server, "postgres", release)
        finally:
            server.stop()
    finally:
        subprocess.run(["psql", "-q", base, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True, capture_output=True)
