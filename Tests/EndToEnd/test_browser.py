"""A real headless Chromium loads the status page from a running server: no console error, the refresh
script runs under the Content-Security-Policy, and the page is saved as status-page.png in a temporary
folder, or in WOKMANAGER_SCREENSHOT_DIR (`make screenshots` names docs/, for the README)."""
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import KEY

FLEET = [
    {"id": "Importer01", "group": "product.importer", "event": "started", "ttl": 300, "host": "box-a", "version": "2.3.1"},
    {"id": "Importer02", "group": "product.importer", "event": "started", "ttl": 300, "host": "box-b", "version": "2.3.1"},
    {"id": "Importer01", "group": "product.importer", "event": "message", "message": "imported 12,400 products"},
    {"id": "Importer02", "group": "product.importer", "event": "error", "message": "row 17: price is not a number",
     "action": "skipped"},
    {"id": "Exporter01", "group": "product.exporter", "event": "started", "ttl": 1, "host": "box-c"},
    {"id": "Promo01", "group": "price.promotion", "event": "started", "ttl": 300, "host": "box-a", "version": "1.0.4"},
    {"id": "Promo02", "group": "price.promotion", "event": "error", "message": "upstream pricing API timed out",
     "action": "aborted"},
    {"id": "Invoicer", "group": "billing.invoices", "event": "started", "host": "box-d"},
    {"id": "Invoicer", "group": "billing.invoices", "event": "stopped", "exit_code": 0},
    {"id": "Mailer01", "group": "notifications.email", "event": "started", "ttl": 300, "host": "box-e", "version": "0.9.0"},
    {"id": "Mailer01", "group": "notifications.email", "event": "message", "message": "sent 340 emails"},
    {"id": "Ledger01", "group": "billing.ledger", "event": "started", "host": "box-d"},
    {"id": "Ledger01", "group": "billing.ledger", "event": "error", "message": "ledger locked by another run", "action": "aborted"},
    {"id": "Ledger01", "group": "billing.ledger", "event": "stopped", "exit_code": 3},
]


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.fail("headless Chromium is missing: install Debian's `chromium` package (scripts/deps.sh test does it as root)")


def run_chromium(tmp_path, *arguments):
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
               f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.fixture
def fleet_server(server_factory):
    server = server_factory().start()
    for event in FLEET:
        status, body = server.request("POST", "/worker/state", event, key=KEY)
        assert status == 200, body
    time.sleep(1.1)  # Exporter01's one-second TTL passes: it shows as lost
    return server


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
