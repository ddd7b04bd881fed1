"""A week of the past in a server's SQLite file, for the chart tests, the README's pictures and the benchmark:
samples as the server would have written them had it run for a week."""
import math
import sqlite3
import time


def write_past_week(database, running_by_node):
    """Samples of every node in `running_by_node` ({node: running count}) for every minute of the last 48 hours and
    every hour of the last week, up to the minute before now: running counts that swing through the day, a lost
    worker every few hours, a failure at night, and errors that come in bursts."""
    now = int(time.time()) // 60 * 60
    rows = []
    for node, running in running_by_node.items():
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
    with sqlite3.connect(database) as connection:
        connection.executemany("INSERT OR IGNORE INTO series (node, step, at, running, lost, failed, stopped, events, errors) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
