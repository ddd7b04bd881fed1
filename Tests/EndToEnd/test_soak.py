"""The bounded soak: scripts/soak.py for 60 s at 400 events/s against the built server, 10,000 workers in
300 groups joining (`started` with a TTL), heartbeating, sending messages and leaving (`stopped`, some
failed), with churn in every quarter of the run and 1 worker in 100 vanishing.

It proves, over real keep-alive HTTP connections and a real SQLite file:
- every one of the 24,000 events was answered 2xx with the status the client expected and `late: false`,
  no connection failed, and the server's own request counter agrees;
- `GET /workers?status=...` lists exactly the client's running, stopped, failed and lost ids, and
  `/metrics` has the client's count for every group and status (lost: the vanished workers; no worker
  that heartbeats within its TTL is lost, and every worker that stopped shows stopped or failed);
- `wokmanager_events_total` grew by exactly the events sent, per kind (the /metrics scrapes during the
  run are not events);
- RSS after warm-up is flat: the maximum in the last half-window exceeds the one before by at most
  max(4 MiB, 5 %).
The achieved rate is printed, not asserted: a slow machine makes the run longer, never smaller.
`make soak` runs the same script for 30 minutes. The other tests check the script's own checks fail
when they should.
"""
import importlib.util
import json
import subprocess
import sys

import pytest

from conftest import BINARY, REPO

SCRIPT = REPO / "scripts" / "soak.py"


def load_soak():
    spec = importlib.util.spec_from_file_location("soak", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bounded_soak_keeps_exact_counts_and_flat_memory(tmp_path):
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: build it first (swift build)")
    report_path = tmp_path / "soak.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--binary", str(BINARY), "--seconds", "60", "--rate", "400", "--workers", "10000",
         "--groups", "300", "--report", str(report_path)],
        capture_output=True, text=True, timeout=900)
    print(done.stdout)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    report = json.loads(report_path.read_text())
    assert report["ok"] and all(check["ok"] for check in report["checks"].values())

    run, checks = report["run"], report["checks"]
    assert run["requests"] == report["plan"]["requests"] == 24_000
    assert run["answers"] == {"200": 24_000} and run["connection_errors"] == 0 and run["unexpected_answers"] == 0
    assert run["server_answers"] == {"200": 24_000}
    assert run["reads"] and set(run["reads"]) == {"200"}

    expected, listed = checks["counts"]["expected"], checks["counts"]["listed"]
    assert listed == expected and sum(expected.values()) == 10_000
    assert expected["lost"] == 100 and expected["running"] > 0 and expected["stopped"] > 0 and expected["failed"] > 0
    assert checks["counts"]["groups_compared"] == 300

    sent, deltas = checks["events"]["sent"], checks["events"]["deltas"]
    assert deltas == sent and sum(sent.values()) == 24_000
    assert sent["started"] >= 10_000 and sent["heartbeat"] > 0 and sent["stopped"] > 0 and sent["message"] > 0

    # Workers keep joining and leaving during the whole run, not only during the ramp.
    for quarter in report["churn_by_quarter"]:
        assert quarter["join"] + quarter["rejoin"] > 0 and quarter["stop"] > 0, report["churn_by_quarter"]

    memory = checks["memory"]
    assert memory["samples_a"] >= 3 and memory["samples_b"] >= 3
    assert memory["max_b_mib"] <= memory["max_a_mib"] + memory["allowed_mib"]
    assert done.stdout.rstrip().endswith("PASS")


def test_memory_check_fails_on_growth_and_passes_a_flat_series():
    soak = load_soak()
    flat = [(t, 50.0 + (t % 3) * 0.5) for t in range(60)]
    assert soak.rss_verdict(flat, 20, 60, 4.0, 0.05)["ok"]
    leaking = [(t, 50.0 + 0.2 * t) for t in range(60)]     # 4 MiB more in the second half-window
    verdict = soak.rss_verdict(leaking, 20, 60, 2.0, 0.0)
    assert not verdict["ok"] and verdict["growth_mib"] == 4.0 and verdict["slope_mib_per_min"] == 12.0
    assert not soak.rss_verdict(flat[:25], 20, 60, 4.0, 0.05)["ok"]   # too few samples is a failure, not a pass


def test_count_checks_see_every_difference():
    soak = load_soak()
    text = "\n".join([
        "# TYPE wokmanager_workers gauge",
        'wokmanager_workers{group="soak-1.g000",status="running"} 3',
        'wokmanager_workers{group="soak-1.g000",status="stopped"} 1',
        'wokmanager_workers{group="soak-1.g001",status="lost"} 1',
        'wokmanager_workers{group="other",status="running"} 9',
        'wokmanager_events_total{event="started"} 5',
        'wokmanager_http_requests_total{route="/worker/state",method="POST",status="200"} 7',
        'wokmanager_http_requests_total{route="/metrics",method="GET",status="200"} 2',
    ])
    series = soak.parse_metrics(text)
    actual = soak.group_counts(series, "soak-1")
    assert set(actual) == {"soak-1.g000", "soak-1.g001"}
    assert soak.events_totals(series) == {"started": 5}
    assert soak.state_requests(series) == {"200": 7}
    assert soak.compare_group_counts({"soak-1.g000": {"running": 3, "stopped": 1}, "soak-1.g001": {"lost": 1}}, actual) == []
    problems = soak.compare_group_counts({"soak-1.g000": {"running": 3, "stopped": 1}, "soak-1.g001": {"running": 1}}, actual)
    assert problems == ["soak-1.g001 running: server 0, client 1", "soak-1.g001 lost: server 1, client 0"]
