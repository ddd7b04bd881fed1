"""The capacity limits against a hostile client: one key sending many groups and many ids, fast. The refusals,
their counters and gauges, and the sizes of `/metrics`, `/` and `/domains` stay bounded by the limits."""
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import BINARY, KEY, REPO, promtool, scrape

sys.path.insert(0, str(REPO / "clients" / "python"))
import wokmanager  # noqa: E402

GROUPS, WORKERS = 300, 2000


def batch(events):
    return "\n".join(json.dumps({"event": "started", "at": "now", **event}) for event in events).encode()


def post_batch(server, events, key=KEY):
    return server.request("POST", "/events", batch(events), headers={"Content-Type": "application/x-ndjson"}, key=key)


def post_state(server, event, key=KEY):
    """(status, headers, parsed body) of `POST /worker/state`."""
    outgoing = urllib.request.Request(
        server.url("/worker/state"), data=json.dumps({"event": "started", "at": "now", **event}).encode(), method="POST",
        headers={"X-API-Key": key})
    try:
        with urllib.request.urlopen(outgoing, timeout=10) as answer:
            return answer.status, answer.headers, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def value(text, series):
    match = re.search("^" + re.escape(series) + r" (\S+)$", text, re.MULTILINE)
    assert match, f"{series} not in /metrics"
    return float(match.group(1))


def test_a_hostile_client_is_refused_counted_and_every_answer_stays_bounded(server_factory):
    server = server_factory(args=("--max-groups", str(GROUPS), "--max-workers", str(WORKERS),
                                  "--max-new-groups-per-minute", "100000")).start()
    # The mistake users make: a run id inside the group. 8,000 would-be groups in 16 batches, 4 at a time.
    runs = [[{"id": f"w{n:06d}", "group": f"jobs.run{n:06d}"} for n in range(start, start + 500)] for start in range(0, 8000, 500)]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda events: post_batch(server, events), runs))
    assert all(status == (200 if body["accepted"] else 422) for status, body in answers), answers[0]
    assert sum(body["accepted"] for _, body in answers) == GROUPS
    rejected = [entry for _, body in answers for entry in body["rejected"]]
    assert len(rejected) == 8000 - GROUPS
    assert {entry["field"] for entry in rejected} == {"group"}
    assert "--max-groups" in rejected[0]["message"]
    assert "looks like an id or a number: put what varies in the worker id, not the group" in rejected[0]["hint"]

    # At the limit: a new group is refused alone (422, naming the field), an existing group takes a new worker.
    status, _, body = post_state(server, {"id": "late", "group": "jobs.run999999"})
    assert status == 422 and body["error"]["field"] == "group" and "'run999999' looks like an id" in body["error"]["hint"]
    kept = server.request("GET", "/domains?under=jobs&depth=1")[1]["children"][0]["path"]
    status, _, body = post_state(server, {"id": "newcomer", "group": kept})
    assert status == 200, body

    # Many ids in one kept group: taken up to the worker limit, the rest refused by id; stored workers still report.
    ids = [{"id": f"flood{n:05d}", "group": kept} for n in range(WORKERS)]
    answers = [post_batch(server, ids[start:start + 500]) for start in range(0, WORKERS, 500)]
    assert [status for status, _ in answers] == [200, 200, 200, 200], "each batch took some"
    taken = sum(body["accepted"] for _, body in answers)
    assert taken == WORKERS - GROUPS - 1
    refused = [entry for _, body in answers for entry in body["rejected"]]
    assert {entry["field"] for entry in refused} == {"id"} and "--max-workers" in refused[0]["message"]
    status, _, body = post_state(server, {"id": "flood99999", "group": kept})
    assert status == 422 and body["error"]["field"] == "id"
    assert post_state(server, {"id": "newcomer", "group": kept, "event": "heartbeat"})[0] == 200
    status, body = server.request("DELETE", "/metrics/job/jobs.run999998/instance/newcomer", key=KEY)
    assert status == 422 and body["error"]["field"] == "group", "a DELETE moving a worker into a new group is held to the limit"

    text = scrape(server)
    assert value(text, 'wokmanager_events_refused_total{reason="group_limit"}') == 8000 - GROUPS + 2
    assert value(text, 'wokmanager_events_refused_total{reason="worker_limit"}') == len(refused) + 1
    assert value(text, "wokmanager_stored_groups") == GROUPS
    assert value(text, "wokmanager_stored_groups_limit") == GROUPS
    assert value(text, "wokmanager_stored_workers") == WORKERS
    checked = subprocess.run([promtool(), "check", "metrics"], input=text, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # Bounded by construction: six series per group (running, four statuses, errors), whatever was sent.
    per_group = [line for line in text.splitlines() if not line.startswith("#") and 'group="' in line]
    assert len(per_group) == 6 * GROUPS

    # The page shows a bounded tree and says how full the server is; /domains answers one level when asked.
    status, page = server.request("GET", "/")
    assert status == 200 and len(page.encode()) < 100_000
    whole = server.request("GET", "/domains")[1]
    assert len(whole["children"][0]["children"]) == GROUPS and len(json.dumps(whole)) < 400 * GROUPS, "the whole tree, bounded by the limit"
    assert len(text.encode()) < 300 * 6 * GROUPS + 50_000, "/metrics grows with the groups kept, not with the groups sent"
    assert page.count('<li class="node">') <= 51
    assert f"{GROUPS - 50} more in jobs" in page
    assert f"{GROUPS} of at most {GROUPS} groups are kept (100 %)" in page
    focused = server.request("GET", f"/?group=jobs")[1]
    assert focused.count('<li class="node">') == GROUPS + 1, "the node looked at shows up to 500 children"
    top = server.request("GET", "/domains?depth=1")[1]
    assert [child["hidden_children"] for child in top["children"]] == [GROUPS]
    assert len(json.dumps(top)) < 1000
    assert server.request("GET", "/domains?under=nowhere")[0] == 404
    assert server.request("GET", "/domains?depth=deep")[1]["error"]["field"] == "depth"


def test_new_groups_are_rate_limited_per_key_with_retry_after(server_factory):
    server = server_factory(args=("--max-new-groups-per-minute", "5", "--write-key", "second-key")).start()
    for n in range(5):
        assert post_state(server, {"id": f"a{n}", "group": f"team.g{n}"})[0] == 200
    status, headers, body = post_state(server, {"id": "a5", "group": "team.g5"})
    assert status == 429, body
    assert body["error"]["field"] == "group" and "--max-new-groups-per-minute" in body["error"]["message"]
    assert 1 <= int(headers["Retry-After"]) <= 12
    assert "hint" not in body["error"]
    assert post_state(server, {"id": "a6", "group": "team.g1"})[0] == 200, "existing groups are not limited"
    assert post_state(server, {"id": "b0", "group": "team.g5"}, key="second-key")[0] == 200, "another key has its own allowance"
    status, body = post_batch(server, [{"id": "a7", "group": "team.g7"}, {"id": "a8", "group": "team.g8"}])
    assert status == 429 and body["accepted"] == 0 and len(body["rejected"]) == 2
    assert value(scrape(server), 'wokmanager_events_refused_total{reason="new_group_rate"}') == 3


def test_the_page_says_how_many_top_level_groups_it_leaves_out(server_factory):
    server = server_factory().start()
    assert post_batch(server, [{"id": f"w{n}", "group": f"team{n:02d}x"} for n in range(80)])[1]["accepted"] == 80
    page = server.request("GET", "/")[1]
    assert page.count('<li class="node">') == 50
    assert '<a href="/domains?depth=1">30 more at the top (the whole list, in JSON)</a>' in page


def test_metrics_depth_folds_deeper_groups_into_their_ancestor(server_factory):
    server = server_factory(args=("--metrics-depth", "1")).start()
    events = [{"id": "c1", "group": "shop.import.csv"}, {"id": "c2", "group": "shop.import.xml"}, {"id": "e1", "group": "shop.export"},
              {"id": "b1", "group": "billing"}]
    assert post_batch(server, events)[1]["accepted"] == 4
    text = scrape(server)
    assert value(text, 'wokmanager_workers_running{group="shop"}') == 3
    assert value(text, 'wokmanager_workers_running{group="billing"}') == 1
    assert 'group="shop.' not in text
    checked = subprocess.run([promtool(), "check", "metrics"], input=text, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_page_warns_from_80_percent_of_a_limit(server_factory):
    server = server_factory(args=("--max-groups", "10")).start()
    assert post_batch(server, [{"id": f"w{n}", "group": f"team{chr(97 + n)}"} for n in range(7)])[1]["accepted"] == 7
    assert "capacity-warning" not in server.request("GET", "/")[1]
    assert post_state(server, {"id": "w8", "group": "teamh"})[0] == 200
    assert "8 of at most 10 groups are kept (80 %)" in server.request("GET", "/")[1]


def test_the_clients_wait_out_a_429_and_report_a_422_with_its_hint(server_factory):
    # 12 new groups a minute is one each 5 s: the bucket is empty after the batch, and each 429 asks to wait up to 5 s.
    server = server_factory(args=("--max-new-groups-per-minute", "12", "--max-groups", "14")).start()
    assert post_batch(server, [{"id": f"w{n}", "group": f"team.g{n}"} for n in range(12)])[1]["accepted"] == 12
    client = wokmanager.Client(server.url(""), api_key=KEY, retries=3)
    assert client.send("started", "py-late", "team.late")["status"] == "running"
    assert value(scrape(server), 'wokmanager_events_refused_total{reason="new_group_rate"}') == 1, "a 429 was waited out"

    environment = {**os.environ, "WOKMANAGER_URL": server.url(""), "WOKMANAGER_API_KEY": KEY}
    done = subprocess.run([str(BINARY), "run", "--id", "cli-late", "--group", "team.cli", "--flush-timeout", "30", "--", "true"], capture_output=True, text=True,
                          env=environment, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "the server answered 429" in done.stderr and re.search(r"retrying in [1-5] s", done.stderr), done.stderr
    assert server.request("GET", "/workers/cli-late")[1]["worker"]["status"] == "stopped"

    # 14 groups now: the next new one is past --max-groups, which no wait cures.
    with pytest.raises(wokmanager.WokmanagerError) as refused:
        client.send("started", "py-flood", "jobs.run000777")
    assert refused.value.status == 422 and refused.value.field == "group"
    assert "'run000777' looks like an id" in refused.value.hint
    emitted = subprocess.run([str(BINARY), "emit", "started", "--id", "cli-flood", "--group", "jobs.run000778"], capture_output=True,
                             text=True, env=environment, timeout=60)
    assert emitted.returncode == 1
    assert "the server answered 422: group: 'jobs.run000778' would be a new group" in emitted.stderr
    assert "(the segment 'run000778' looks like an id or a number" in emitted.stderr
