"""A week of the past for the chart tests and the README's pictures: samples as the server would have written them
had it run for a week, and a worker's runs reported with their past times."""
import math
import sqlite3
import time

from conftest import KEY

NODES = {"": 7, "billing": 1, "billing.ledger": 1, "billing.invoices": 0, "billing.cron": 1, "notifications": 1,
         "notifications.email": 1, "price": 1, "price.promotion": 1, "product": 3, "product.importer": 2, "product.exporter": 1}


def write_past_week(server):
    """Samples every minute of the last 48 hours and every hour of the last week, up to the minute before now,
    into the server's SQLite file: running counts that swing through the day, a lost worker every few hours,
    a failure at night, and errors that come in bursts."""
    now = int(time.time()) // 60 * 60
    rows = []
    for node, running in NODES.items():
        for step, count in ((60, 48 * 60), (3600, 7 * 24)):
            events = errors = 0
            for k in range(count, 0, -1):
                at = (now - k * step) // step * step
                swing = 1 + 0.4 * math.sin(at / 7200) if running else 0
                events += 40 * step // 60
                errors += (3 if (at // 1800) % 7 == 0 else 0) * step // 60
                lost = 1 if running and (at // 3600) % 5 == 0 else 0
                failed = 1 if running and (at // 3600) % 24 == 3 else 0
                rows.append((node, step, at, round(running * swing), lost, failed, 1, events, errors))
    with sqlite3.connect(server.database) as connection:
        connection.executemany("INSERT OR IGNORE INTO series (node, step, at, running, lost, failed, stopped, events, errors) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def report_runs(server, worker="Cron01", group="billing.cron"):
    """Six runs of `worker` over the last five hours, every third one failing, each with an error; then a run now."""
    start = time.time() - 5 * 3600
    for run in range(6):
        began = start + run * 2400
        for event in ({"event": "started", "at": began},
                      {"event": "error", "message": "retrying the upstream", "action": "retried", "at": began + 300},
                      {"event": "stopped", "exit_code": 2 if run % 3 == 2 else 0, "at": began + 600 + run * 120}):
            status, body = server.request("POST", "/worker/state", {"id": worker, "group": group, **event}, key=KEY)
            assert status == 200, body
    status, body = server.request("POST", "/worker/state", {"id": worker, "group": group, "event": "started"}, key=KEY)
    assert status == 200, body
