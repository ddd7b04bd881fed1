"""The benchmark's smoke run: every scenario runs for a few seconds against the debug build, so the
scripts cannot rot. The numbers are not checked here; BENCHMARKS.md has the real run."""
import json
import subprocess
import sys

from conftest import BINARY, REPO


def test_benchmark_smoke_run(tmp_path):
    output = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "--smoke", "--binary", str(BINARY), "--output", str(output)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads(output.read_text())
    names = [s["name"] for s in report["scenarios"]]
    assert names[0] == "baseline GET /healthz" and names[-1].startswith("peer: Pushgateway")
    assert len(names) == 56  # 17, heartbeat ingest and the page without and with attention, heartbeats with and without numbers and /metrics with them,
    # a push of 20 series to wokmanager and to Pushgateway beside /healthz, /healthz, the page, /metrics and /domains twice at the group limit,
    # /healthz, heartbeats and state changes with heartbeats from memory and written each, and the 7 of the large fleet
    # (20,000 workers in the smoke run), the steady fleet's paced heartbeats, heartbeats quiet, during a mass loss and during its removal by retention, and on
    # PostgreSQL /healthz, heartbeats and state changes on one replica and on each of two
    assert report["group_limit"]["groups"] == 1000 and report["group_limit"]["page"]["bytes"] > 0
    assert report["million"]["workers"] == 20_000 and report["million"]["restart_seconds"] > 0
    assert report["million"]["history_rows_at_restart"] >= 40_000
    assert sum(name.startswith("PostgreSQL: ") for name in names) == 7
    steady = report["steady"]
    assert steady["workers"] == 20_000 and len(steady["readings"]) >= 1 and steady["rate_sent"] > 0, steady
    assert steady["failed_readings"] == 0 and steady["most_reported_lost"] == 0 and steady["stored_lost_at_end"] == 0, steady
    assert steady["most_unwritten_heartbeats"] is not None, steady
    housekeeping = report["housekeeping"]
    assert housekeeping["lost_recorded_after_s"] is not None and housekeeping["removed_after_s"] is not None, housekeeping
    assert all(s["rps"] > 0 and s["errors"] == 0 for s in report["scenarios"])
    assert report["restart_seconds"] > 0 and report["peak_rss_mib"] > 0
    assert "| baseline GET /healthz |" in done.stdout
