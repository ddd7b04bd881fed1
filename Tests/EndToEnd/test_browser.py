"""A real headless Chromium loads the status page from a running server: no console error, the refresh
script runs under the Content-Security-Policy, and the page is saved as status-page.png in a temporary
folder, or in WOKMANAGER_SCREENSHOT_DIR (`make screenshots` names docs/, for the README)."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.fail("headless Chromium is missing: install Debian's `chromium` package (scripts/deps.sh test does it as root)")


def run_chromium(tmp_path, *arguments):
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
               f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def console_messages(stderr):
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def test_page_loads_without_console_errors_and_refreshes_itself(fleet_server, tmp_path):
    # Virtual time lets the 10-second refresh run once without waiting for it.
    done = run_chromium(tmp_path, "--virtual-time-budget=12000", "--dump-dom", fleet_server.url("/"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert console_messages(done.stderr) == []
    dom = done.stdout
    assert '<span class="live" data-live="">live</span>' in dom  # app.js ran (CSP allows it) and refreshed
    assert "Importer01" in dom and "upstream pricing API timed out" in dom


def test_a_failed_workers_reason_is_on_the_main_page(fleet_server, tmp_path):
    done = run_chromium(tmp_path, "--dump-dom", fleet_server.url("/"))
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    problems = dom[dom.index('<section class="problems"'):dom.index("</section>", dom.index('<section class="problems"'))]
    assert "Ledger01" in problems and "ledger locked by another run; action: aborted" in problems
    workers = dom[dom.index('<section class="workers"'):]
    row = workers[workers.index('href="/ui/workers/Ledger01"'):]
    row = row[:row.index("</tr>")]
    assert '<span class="status failed">failed</span> <span class="reason">exit 3: ledger locked by another run</span>' in row


def test_worker_page_loads_without_console_errors(fleet_server, tmp_path):
    done = run_chromium(tmp_path, "--dump-dom", fleet_server.url("/ui/workers/Promo02"))
    assert console_messages(done.stderr) == []
    assert "upstream pricing API timed out" in done.stdout


def test_screenshot_for_the_readme(fleet_server, tmp_path):
    target = Path(os.environ.get("WOKMANAGER_SCREENSHOT_DIR") or tmp_path) / "status-page.png"
    done = run_chromium(tmp_path, "--window-size=1280,860", f"--screenshot={target}", fleet_server.url("/"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert console_messages(done.stderr) == []
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
