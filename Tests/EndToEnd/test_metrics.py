"""/metrics counts workers per group and status; the shipped alerting rules pass `promtool test rules`;
counters survive a kill -9. (Hostile label values and `promtool check metrics`: test_injection.py.)"""
import signal
import subprocess
import time

import pytest

from conftest import KEY, REPO, promtool, scrape

GROUPS = ["product.importer", "price.promotion", "billing"]


def value(text, series):
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    return None


@pytest.fixture
def busy_server(server_factory):
    server = server_factory(args=["--per-worker-metrics"]).start()
    events = []
    for index, group in enumerate(GROUPS):
        events += [
            {"id": f"run-{index}", "group": group, "event": "started",
             "metrics": {"rows_processed_total": 100 * (index + 1), "queue_lag_seconds": 2.5}},
            {"id": f"lost-{index}", "group": group, "event": "started", "ttl": 1, "metrics": {"queue_lag_seconds": 9}},
            {"id": f"stop-{index}", "group": group, "event": "stopped"},
            {"id": f"fail-{index}", "group": group, "event": "stopped", "exit_code": 1},
            {"id": f"err-{index}", "group": group, "event": "error", "message": "bad row", "action": "logged"},
        ]
    status, answer = server.request("POST", "/events", events, key=KEY)
    assert status == 200 and answer["accepted"] == len(events), answer
    time.sleep(1.1)  # the lost-* workers pass their one-second TTL
    return server


def test_workers_are_counted_per_group_and_status(busy_server):
    """Each group has one worker in every status (two running: a logged error is a sign of life), compressed
    or not, and each worker's last-seen time is a series with --per-worker-metrics."""
    for encoding in (None, "gzip"):
        text = scrape(busy_server, encoding)
        for status, count in (("running", 2), ("lost", 1), ("stopped", 1), ("failed", 1)):
            assert value(text, f'wokmanager_workers{{group="product.importer",status="{status}"}}') == count
        assert value(text, 'wokmanager_workers_running{group="billing"}') == 2
        assert value(text, 'wokmanager_worker_errors_total{group="price.promotion"}') == 1
        assert value(text, 'wokmanager_worker_last_seen_timestamp_seconds{id="run-0",group="product.importer"}') > 1.7e9


def test_numbers_from_workers_pass_promtool_and_leave_with_a_lost_worker(busy_server):
    """The gauges count the running worker only (its lost sibling reported 9), the counters are counters,
    per worker too with --per-worker-metrics, and promtool accepts the whole exposition."""
    text = scrape(busy_server)
    assert value(text, 'wokmanager_group_reported{group="billing",name="queue_lag_seconds",aggregate="sum"}') == 2.5
    assert value(text, 'wokmanager_group_reporting_workers{group="billing",name="queue_lag_seconds"}') == 1
    assert value(text, 'wokmanager_group_reported_total{group="billing",name="rows_processed_total"}') == 300
    assert value(text, 'wokmanager_worker_reported_total{id="run-1",group="price.promotion",name="rows_processed_total"}') == 200
    assert 'id="lost-0"' not in "\n".join(line for line in text.splitlines() if line.startswith("wokmanager_worker_reported"))
    checked = subprocess.run([promtool(), "check", "metrics"], input=text, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_counters_survive_kill_9(busy_server):
    before = scrape(busy_server)
    busy_server.signal(signal.SIGKILL)
    busy_server.start()
    after = scrape(busy_server)
    for series in ('wokmanager_events_total{event="started"}', 'wokmanager_events_total{event="error"}',
                   'wokmanager_worker_errors_total{group="billing"}',
                   'wokmanager_group_reported_total{group="product.importer",name="rows_processed_total"}'):
        assert value(after, series) == value(before, series) != None


def test_alerting_rules_pass_their_tests():
    folder = REPO / "deploy" / "prometheus"
    checked = subprocess.run([promtool(), "check", "rules", "alerts.yml"], cwd=folder, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = subprocess.run([promtool(), "test", "rules", "alerts.test.yml"], cwd=folder, capture_output=True, text=True)
    assert tested.returncode == 0, tested.stdout + tested.stderr
