"""A real headless Chromium loads the status page from a running server: no console error, the refresh
script runs under the Content-Security-Policy and refreshes the page; and the README's pictures (desktop, phone, dark, a worker's runs) are
saved in a temporary folder, or in WOKMANAGER_SCREENSHOT_DIR (`make screenshots` names docs/)."""
import base64
import os
import subprocess
from pathlib import Path

import pytest

from charts import report_runs, write_past_week
from driven_browser import By, browser, chromium, refresh_now  # noqa: F401  (browser is a fixture)


def run_chromium(tmp_path, *arguments):
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
               f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def console_messages(stderr):
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def test_page_loads_without_console_errors_and_refreshes_itself(fleet_server, browser):
    browser.get(fleet_server.url("/"))
    browser.find_element(By.CSS_SELECTOR, "button.live-toggle")  # app.js ran: the Content-Security-Policy allows it
    assert refresh_now(browser), "app.js swapped in a freshly rendered page"
    assert browser.find_element(By.CSS_SELECTOR, "[data-live]").text == "live"
    assert "Importer01" in browser.page_source and "upstream pricing API timed out" in browser.page_source
    assert [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")] == []


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


# The README's pictures: (file, page, width, colour scheme).
SCREENSHOTS = [
    ("status-page.png", "/", 1280, "light"),
    ("status-page-phone.png", "/", 390, "light"),
    ("status-page-dark.png", "/?group=billing", 1280, "dark"),
    ("worker-page.png", "/ui/workers/Cron01", 1280, "light"),
]


def test_screenshots_for_the_readme(fleet_server, browser, tmp_path):
    folder = Path(os.environ.get("WOKMANAGER_SCREENSHOT_DIR") or tmp_path)
    write_past_week(fleet_server)
    report_runs(fleet_server)
    for name, path, width, scheme in SCREENSHOTS:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
        metrics = {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600}
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        browser.get(fleet_server.url(path))
        height = min(browser.execute_script("return document.documentElement.scrollHeight"), 2400)
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": height})
        shot = browser.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
        data = base64.b64decode(shot["data"])
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000, name
        (folder / name).write_bytes(data)
