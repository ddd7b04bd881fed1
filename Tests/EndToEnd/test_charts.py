"""The pictures of change over time, from a running server: it samples its tree by itself, answers GET /series,
and a real Chromium draws the chart, the sparklines and a worker's runs, in light and dark."""
import json

from charts import report_runs, write_past_week
from conftest import wait_until
from driven_browser import By, browser  # noqa: F401  (browser is a fixture)


def series(server, query=""):
    status, body = server.request("GET", "/series" + query)
    assert status == 200, body
    return body


def test_the_server_samples_its_tree_by_itself(fleet_server):
    # The first sample is taken at the first sweep (every 5 s by default).
    wait_until(lambda: series(fleet_server, "?group=product")["points"], timeout=15)
    point = series(fleet_server, "?group=product")["points"][-1]
    assert (point["running"], point["lost"]) == (2, 1)
    assert series(fleet_server)["points"][-1]["failed"] == 2


def test_a_week_of_samples_reads_at_both_resolutions(fleet_server):
    write_past_week(fleet_server)
    day = series(fleet_server, "?group=product&span=day")
    assert day["resolution"] == 60 and day["step"] == 1800 and len(day["points"]) >= 48
    assert all(point["events"] == 40 * 30 for point in day["points"][1:-1]), "40 events a minute, 30 minutes a point"
    week = series(fleet_server, "?group=product&span=week")
    assert week["resolution"] == 3600 and week["step"] == 3 * 3600 and len(week["points"]) >= 55
    assert max(point["failed"] for point in week["points"]) == 1


def test_chromium_draws_the_chart_and_the_sparklines_in_both_themes(fleet_server, browser):
    write_past_week(fleet_server)
    strokes = {}
    for scheme in ("light", "dark"):
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
        browser.get(fleet_server.url("/?group=product&chart=day"))
        chart = browser.find_element(By.CSS_SELECTOR, "svg.chart")
        assert chart.size["width"] > 300 and chart.size["height"] > 60
        line = browser.find_element(By.CSS_SELECTOR, "svg.chart polyline.running")
        assert len(line.get_attribute("points").split()) >= 40
        strokes[scheme] = browser.execute_script("return getComputedStyle(arguments[0]).stroke", line)
        labelled = browser.execute_script(
            "return arguments[0].getAttribute('aria-labelledby').split(' ').map(function (id) {"
            " return document.getElementById(id).textContent; }).join(' ')", chart)
        assert labelled.startswith("Workers of product over the last day Now ") and "errors." in labelled
        assert len(browser.find_elements(By.CSS_SELECTOR, "nav.tree svg.sparkline polyline")) >= 8
    assert strokes["light"] != strokes["dark"], "the chart takes its colours from the theme"


def test_chromium_draws_a_workers_runs_with_local_times(fleet_server, browser):
    report_runs(fleet_server)
    browser.get(fleet_server.url("/ui/workers/Cron01"))
    bars = browser.find_elements(By.CSS_SELECTOR, "svg.timeline rect")
    assert [bar.get_attribute("class") for bar in bars] == ["stopped", "stopped", "failed", "stopped", "stopped", "failed", "running"]
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.timeline line.tick")) == 6
    assert "7 runs in the last 5h" in browser.find_element(By.ID, "timeline-summary").text
    absolute = browser.find_element(By.CSS_SELECTOR, "table.runs time.absolute")
    local = browser.execute_script(
        "var d = new Date(arguments[0].getAttribute('datetime'));"
        " return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });", absolute)
    assert absolute.text == local, "app.js wrote the time in the browser's time zone"
    assert json.dumps(absolute.text) != json.dumps(absolute.get_attribute("datetime"))
