"""A week of the past for the chart tests and the README's pictures: samples as the server would have written them
had it run for a week, and a worker's runs reported with their past times."""
import time

import series_history
from conftest import KEY

NODES = {"": 7, "billing": 1, "billing.ledger": 1, "billing.invoices": 0, "billing.cron": 1, "notifications": 1,
         "notifications.email": 1, "price": 1, "price.promotion": 1, "product": 3, "product.importer": 2, "product.exporter": 1}


def write_past_week(server):
    """A week of samples of NODES in the server's SQLite file (see series_history)."""
    series_history.write_past_week(server.database, NODES)


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
