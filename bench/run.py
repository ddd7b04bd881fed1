#!/usr/bin/env python3
"""The wokmanager benchmark: real HTTP over loopback against a release build, with a baseline and a peer.

    python3 bench/run.py                       # the full run (make bench); about 40 minutes after the build
    python3 bench/run.py --smoke --binary .build/debug/wokmanager   # a few seconds per scenario (CI)

Starts `wokmanager serve` on a temporary database, fills it through the API, drives each scenario with
wrk (Lua scripts in bench/wrk), and prints one table, also written to bench/results/latest.json.
Every process it starts is stopped before it returns, whatever happens.
"""
import argparse
import concurrent.futures
import contextlib
import gzip
import json
import math
import os
import platform
import re
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import threading
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from series_history import write_past_week  # noqa: E402
from wokserver import Process, Server, cpu_seconds, free_port, proc_status_mib  # noqa: E402

WRK = ROOT / "bench" / "wrk"
KEY = "bench-key"
GROUPS = 1000
# The bench creates a fleet's groups within seconds from one key, which the default --max-new-groups-per-minute
# (1,000 a minute per key) is there to stop.
SERVER_ARGS = ["--log-level", "warning", "--max-new-groups-per-minute", "1000000"]


# wrk's threads; paced_heartbeat.lua divides its rate and the workers among them.
WRK_THREADS = 2


def wrk(url, seconds, connections, script=None, headers=(), env=None):
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", str(WRK / script)]
    environment = {**os.environ, "WRK_DIR": str(WRK), **(env or {})}
    before = children_cpu_seconds()
    done = subprocess.run(command + [url], capture_output=True, text=True, env=environment, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr}")
    measured = parse_wrk(done.stdout)
    # The load generator shares the cores with the server: what each request cost it, beside what the server spent.
    measured["wrk_cpu_us"] = round((children_cpu_seconds() - before) * 1e6 / max(1, measured["requests"]), 1)
    return measured


def children_cpu_seconds():
    """The CPU time (user and system) of this script's finished children: a wrk run is the one that finishes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def parse_wrk(output):
    def latency(label):
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if not match:
            return None
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"^\s*(\d+) requests in", output, re.M).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(int(g) for g in sockets.groups()) if sockets else 0)
    return {"rps": rps, "requests": requests, "p50_ms": latency("50"), "p99_ms": latency("99"), "errors": errors}


def fill(server, workers, start=0, groups=GROUPS, all_running=False, ttl=3600, kind="started"):
    """Registers workers `start..<workers` in `groups` groups: nine in ten running, the rest stopped or failed
    (or all running); `kind` and `ttl` are the event each running one sends."""
    for first in range(start, workers, 500):
        lines = []
        for n in range(first, min(first + 500, workers)):
            event = {"id": f"w{n:06d}", "group": f"product.team{n % groups:03d}", "event": kind, "ttl": ttl,
                     "host": f"host{n % 50}", "version": "1.0.0"}
            if n % 10 == 7 and not all_running:
                event = {**event, "event": "stopped", "exit_code": n % 3}
            lines.append(json.dumps(event))
        status, answer = server.request("POST", "/events", "\n".join(lines).encode(), {"Content-Type": "application/x-ndjson"},
                                        key=KEY, timeout=120)
        assert status == 200, answer


def fill_history(server, rows, workers, groups=GROUPS, start=0):
    """Adds history entries `start..<rows` (messages of workers `0..<workers` in turn), 500 a request."""
    for first in range(start, rows, 500):
        lines = [json.dumps({"id": f"w{n % workers:06d}", "group": f"product.team{n % workers % groups:03d}",
                             "event": "message", "message": f"processed batch {n}"}) for n in range(first, min(first + 500, rows))]
        status, answer = server.request("POST", "/events", gzip.compress("\n".join(lines).encode()),
                                        {"Content-Type": "application/x-ndjson", "Content-Encoding": "gzip"}, key=KEY, timeout=120)
        assert status == 200, answer


def fill_series(server, workers):
    """A week of samples of every tree node `fill` makes, so the page draws its chart and sparklines from a full store."""
    running = workers * 9 // 10
    nodes = {"": running, "product": running, **{f"product.team{n:03d}": running // GROUPS for n in range(GROUPS)}}
    write_past_week(server.database, nodes)


def fill_numbers(server, workers):
    """Every worker `fill` made reports 5 gauges and 5 counters with a heartbeat (the stopped ones start again)."""
    for first in range(0, workers, 500):
        lines = []
        for n in range(first, min(first + 500, workers)):
            metrics = {**{f"gauge{k}": n % 97 + k for k in range(5)}, **{f"count{k}_total": n * 10 + k for k in range(5)}}
            lines.append(json.dumps({"id": f"w{n:06d}", "group": f"product.team{n % GROUPS:03d}", "event": "heartbeat", "metrics": metrics}))
        status, answer = server.request("POST", "/events", "\n".join(lines).encode(), {"Content-Type": "application/x-ndjson"},
                                        key=KEY, timeout=120)
        assert status == 200, answer


def numbers_side_by_side(folder, binary, workers, seconds, cleanup):
    """Heartbeats with and without 5 numbers each, and /metrics with every worker reporting 5 gauges and 5
    counters, on one server, in alternating rounds."""
    print(f"numbers from workers: {workers} workers, 10 numbers each", file=sys.stderr)
    server = Server(Path(folder) / "numbers", binary=binary, keys=[KEY], args=SERVER_ARGS)
    cleanup.callback(resume_and_stop, server)
    server.start(timeout=60)
    fill(server, workers)
    fill_numbers(server, workers)
    readers = os.cpu_count() or 2
    scenarios = [
        ("heartbeat ingest, plain", "/", 64, workers, "heartbeat.lua", {}),
        ("heartbeat ingest, 5 numbers each", "/", 64, workers, "heartbeat.lua", {"METRICS": "5"}),
        (f"scrape /metrics ({workers // 1000}k workers, 5 gauges and 5 counters each)", "/metrics", readers, workers, None, {}),
    ]
    rounds = {name: [] for name, *_ in scenarios}
    for turn in range(ROUNDS):
        for name, path, connections, population, script, env in scenarios[::1 if turn % 2 == 0 else -1]:
            rounds[name].append(wrk(server.url(path), seconds, connections, script, env={"WORKERS": str(population), "API_KEY": KEY, **env}))
    server.stop()
    measured = []
    for name, path, connections, population, script, env in scenarios:
        median = median_round(rounds[name])
        median.update(name=name, workers=population, connections=connections, per_request=1)
        measured.append(median)
        print(f"  {name}: {median['rps']:.0f} req/s, p50 {median['p50_ms']:.2f} ms (rounds {', '.join(f'{r:.0f}' for r in median['rounds'])})",
              file=sys.stderr)
    return measured


def fill_pushes(url, instances, key):
    """One push of the 20 series push.lua sends for each of `instances` instances, so both sides hold them all."""
    for n in range(instances):
        lines = ["# TYPE import_rows_total counter", *(f'import_rows_total{{table="t{k}"}} {k}' for k in range(10)),
                 "# TYPE import_queue_lag_seconds gauge", *(f'import_queue_lag_seconds{{queue="q{k}"}} 1' for k in range(10))]
        request = urllib.request.Request(f"{url}/metrics/job/product.team{n % GROUPS:03d}/instance/w{n:06d}", method="PUT",
                                         data=("\n".join(lines) + "\n").encode(), headers={"X-API-Key": key})
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status in (200, 202), answer.status


def pushes_side_by_side(folder, binary, instances, seconds, cleanup):
    """Pushgateway's API: a PUT of 20 series per instance to wokmanager and to Pushgateway itself, both holding
    `instances` instances, in alternating rounds, with wokmanager's /healthz as the baseline of the same run."""
    print(f"pushes: {instances} instances of 20 series, wokmanager and Pushgateway", file=sys.stderr)
    server = Server(Path(folder) / "pushes", binary=binary, keys=[KEY], args=[*SERVER_ARGS, "--push-ttl", "1h"])
    cleanup.callback(resume_and_stop, server)
    server.start(timeout=60)
    peer_port = free_port()
    peer = Process(["prometheus-pushgateway", f"--web.listen-address=127.0.0.1:{peer_port}"], Path(folder) / "pushes",
                   f"http://127.0.0.1:{peer_port}/-/ready", name="pushgateway")
    cleanup.callback(peer.stop)
    peer.start(timeout=60)
    peer_url = f"http://127.0.0.1:{peer_port}"
    fill_pushes(server.url(""), instances, KEY)
    fill_pushes(peer_url, instances, KEY)
    scenarios = [
        ("push baseline GET /healthz", server.url("/healthz"), None),
        ("push 20 series PUT /metrics/job/.../instance/...", server.url("/"), "push.lua"),
        ("peer: Pushgateway push 20 series", peer_url + "/", "push.lua"),
    ]
    rounds = {name: [] for name, *_ in scenarios}
    for turn in range(ROUNDS):
        for name, url, script in scenarios[::1 if turn % 2 == 0 else -1]:
            rounds[name].append(wrk(url, seconds, 64, script, env={"WORKERS": str(instances), "API_KEY": KEY}))
    peer.stop()
    server.stop()
    measured = []
    for name, url, script in scenarios:
        median = median_round(rounds[name])
        median.update(name=name, workers=instances, connections=64, per_request=1)
        measured.append(median)
        print(f"  {name}: {median['rps']:.0f} req/s, p50 {median['p50_ms']:.2f} ms", file=sys.stderr)
    return measured


def fill_attention(server, workers, exit_code):
    """Runs workers a000000.. in 100 groups of `attention.*` once, ending with `exit_code`: 1 opens a failed problem each."""
    for first in range(0, workers, 250):
        lines = []
        for n in range(first, min(first + 250, workers)):
            worker = {"id": f"a{n:06d}", "group": f"attention.team{n % 100:02d}"}
            lines += [json.dumps({**worker, "event": "started"}), json.dumps({**worker, "event": "stopped", "exit_code": exit_code})]
        status, answer = server.request("POST", "/events", "\n".join(lines).encode(), {"Content-Type": "application/x-ndjson"},
                                        key=KEY, timeout=120)
        assert status == 200, answer


def expect(server, count):
    """Declares `count` expectations on the product teams: met (each runs workers), but checked by every sweep."""
    for n in range(count):
        body = json.dumps({"min_running": 1, "every": "1d", "max_runtime": "7d", "failures": "3 in 1h"}).encode()
        status, answer = server.request("PUT", f"/expectations/group/product.team{n % GROUPS:03d}", body,
                                        {"Content-Type": "application/json"}, key=KEY)
        assert status == 200, answer


ROUNDS = 3


def median_round(runs):
    """The round of median req/s among `runs` (one scenario's rounds), with the errors of all and each round's req/s."""
    ordered = sorted(runs, key=lambda r: r["rps"])
    return dict(ordered[len(ordered) // 2], errors=sum(r["errors"] for r in runs), rounds=[r["rps"] for r in runs])


def side_by_side(servers, scenarios, seconds):
    """Each scenario `(name, path, connections, population, script)` on each of `servers` ({phase: stopped Server}),
    measured in turns (the idle servers stopped with SIGSTOP), ROUNDS rounds in alternating order, each figure the
    median round, so a machine that slows down or speeds up during the run weighs on all alike."""
    rounds = {(name, phase): [] for name, *_ in scenarios for phase in servers}
    for turn in range(ROUNDS):
        for phase in list(servers)[::1 if turn % 2 == 0 else -1]:
            server = servers[phase]
            server.process.send_signal(signal.SIGCONT)
            for name, path, connections, population, script in scenarios:
                before = cpu_seconds(server.pid)
                measured = wrk(server.url(path), seconds, connections, script, env={"WORKERS": str(population), "API_KEY": KEY})
                measured["server_cpu_us"] = round((cpu_seconds(server.pid) - before) * 1e6 / max(1, measured["requests"]), 1)
                rounds[(name, phase)].append(measured)
            server.process.send_signal(signal.SIGSTOP)
    for server in servers.values():
        resume_and_stop(server)
    measured = []
    for name, path, connections, population, script in scenarios:
        for phase in servers:
            median = median_round(rounds[(name, phase)])
            median.update(name=f"{name}, {phase}", workers=population, connections=connections, per_request=1)
            measured.append(median)
            print(f"  {median['name']}: {median['rps']:.0f} req/s (rounds {', '.join(f'{r:.0f}' for r in median['rounds'])}); "
                  f"CPU a request: server {median['server_cpu_us']} us, wrk {median['wrk_cpu_us']} us", file=sys.stderr)
    return measured


def attention_side_by_side(folder, binary, workers, attention_workers, expectations, seconds, cleanup):
    """Heartbeat ingest and the page on two servers filled alike, one of them with `expectations` expectations and
    `attention_workers` open problems."""
    label = f"{expectations:,} expectations, {attention_workers:,} open problems"
    print(f"two servers of {workers + attention_workers} workers, one with {label}", file=sys.stderr)
    servers = {}
    for phase in ("without problems", label):
        server = Server(Path(folder) / phase.split(",")[0].replace(" ", "-"), binary=binary, keys=[KEY], args=SERVER_ARGS)
        cleanup.callback(resume_and_stop, server)
        server.start(timeout=60)
        fill(server, workers)
        fill_attention(server, attention_workers, exit_code=0)
        if phase == label:
            expect(server, expectations)
            fill_attention(server, attention_workers, exit_code=1)
        server.process.send_signal(signal.SIGSTOP)
        servers[phase] = server
    scenarios = [("heartbeat ingest", "/", 64, workers, "heartbeat.lua"), ("status page /", "/", os.cpu_count() or 2, workers + attention_workers, None)]
    return side_by_side(servers, scenarios, seconds)


def stopped_builds(folder, prefix, builds, prepare, cleanup):
    """A server for each of `builds` ({phase: binary}), each started in its own folder, `prepare(phase, server)`d and
    then stopped with SIGSTOP, for ``side_by_side``."""
    servers = {}
    for phase, path in builds.items():
        server = Server(Path(folder) / f"{prefix}{phase.replace(' ', '-')}", binary=path, keys=[KEY], args=SERVER_ARGS)
        cleanup.callback(resume_and_stop, server)
        server.start(timeout=60)
        prepare(phase, server)
        server.process.send_signal(signal.SIGSTOP)
        servers[phase] = server
    return servers


def in_four_shares(first, end, fill_share):
    """Runs `fill_share(start, end)` over `first..<end` in four equal shares on four connections at once."""
    shares = [(first + share * (end - first) // 4, first + (share + 1) * (end - first) // 4) for share in range(4)]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda share: fill_share(*share), shares))


def fill_running_fleet(server, workers, groups, ttl=3600):
    """Registers `workers` running workers in `groups` groups, on four connections at once."""
    in_four_shares(0, workers, lambda start, end: fill(server, end, start=start, groups=groups, all_running=True, ttl=ttl))


def against_baseline(folder, binary, baseline_binary, workers, seconds, cleanup):
    """The status page (the default order, a filtered view) and heartbeat ingest on this build and on
    `baseline_binary` (an earlier build), filled alike with `workers` workers; this build also holds a week of samples
    of every tree node, which the baseline build has no table for."""
    print(f"this build and {baseline_binary}, {workers} workers each", file=sys.stderr)

    def prepare(phase, server):
        fill(server, workers)
        if phase == "this build":
            fill_series(server, workers)
    servers = stopped_builds(folder, "", {"baseline build": baseline_binary, "this build": binary}, prepare, cleanup)
    readers = os.cpu_count() or 2
    scenarios = [
        ("status page /", "/", readers, workers, None),
        ("filtered page /?group=product.team042&status=running", "/?group=product.team042&status=running", readers, workers, None),
        ("heartbeat ingest", "/", 64, workers, "heartbeat.lua"),
    ]
    return side_by_side(servers, scenarios, seconds)


def ingest_side_by_side(folder, binary, baseline_binary, workers, seconds, cleanup):
    """`/healthz`, heartbeats, batches of 500 and started/stopped on this build and on `baseline_binary`, each
    server holding `workers` running workers, in alternating rounds (``side_by_side``)."""
    print(f"ingest, this build and {baseline_binary}, {workers} workers each", file=sys.stderr)
    servers = stopped_builds(folder, "ingest-", {"baseline build": baseline_binary, "this build": binary},
                             lambda phase, server: fill(server, workers, all_running=True), cleanup)
    scenarios = [
        ("baseline GET /healthz", "/healthz", 64, workers, None),
        ("heartbeat ingest", "/", 64, workers, "heartbeat.lua"),
        ("batch ingest POST /events (500/request)", "/", 8, workers, "batch.lua"),
        ("seed events started/stopped", "/", 64, workers, "seed.lua"),
    ]
    return side_by_side(servers, scenarios, seconds)


def at_the_group_limit(folder, binary, groups, seconds, cleanup):
    """A server holding `groups` groups, its --max-groups, as a tree of 100 top nodes (the shape that shows the most
    nodes on the page), 3 workers each and one failed in every tenth group: the sizes of `/`, `/metrics` and
    `/domains`, plain and gzipped, and their times beside `/healthz`."""
    print(f"a server at its group limit of {groups:,}", file=sys.stderr)
    server = Server(Path(folder) / "group-limit", binary=binary, keys=[KEY], args=[*SERVER_ARGS, "--max-groups", str(groups)])
    cleanup.callback(server.stop)
    server.start(timeout=60)
    names = [f"t{n % 100:02d}.g{n // 100:03d}" for n in range(groups)]
    for first in range(0, groups, 150):
        lines = []
        for index, group in enumerate(names[first:first + 150], start=first):
            for worker in range(3):
                lines.append(json.dumps({"id": f"{group}-{worker}", "group": group, "event": "started", "ttl": 3600}))
            if index % 10 == 0:
                lines.append(json.dumps({"id": f"{group}-0", "group": group, "event": "stopped", "exit_code": 1}))
        status, answer = server.request("POST", "/events", "\n".join(lines).encode(), {"Content-Type": "application/x-ndjson"}, key=KEY, timeout=120)
        assert status == 200 and answer["accepted"] == len(lines), answer
    status, answer = server.request("POST", "/worker/state", {"id": "one-more", "group": "jobs.run000001", "event": "started"}, key=KEY)
    assert status == 422, answer
    sizes = {}
    for label, path in (("page", "/"), ("metrics", "/metrics"), ("domains", "/domains"), ("domains_depth_1", "/domains?depth=1")):
        plain = urllib.request.urlopen(server.url(path), timeout=60).read()
        zipped = urllib.request.urlopen(urllib.request.Request(server.url(path), headers={"Accept-Encoding": "gzip"}), timeout=60).read()
        sizes[label] = {"bytes": len(plain), "gzip_bytes": len(zipped)}
    sizes["metrics"]["series"] = sum(1 for line in urllib.request.urlopen(server.url("/metrics")).read().decode().splitlines() if not line.startswith("#"))
    readers = os.cpu_count() or 2
    measured = []
    for name, path in (("baseline GET /healthz", "/healthz"), ("status page /", "/"), ("scrape /metrics", "/metrics"),
                       ("GET /domains", "/domains"), ("GET /domains?depth=1", "/domains?depth=1")):
        result = wrk(server.url(path), seconds, readers, env={"API_KEY": KEY})
        result.update(name=f"{name} at the group limit ({groups:,} groups)", workers=3 * groups, connections=readers, per_request=1)
        measured.append(result)
        print(f"  {result['name']}: {result['rps']:.0f} req/s, p50 {result['p50_ms']:.2f} ms", file=sys.stderr)
    server.stop()
    return measured, {"groups": groups, **sizes}


def memory_side_by_side(folder, binary, workers, seconds, cleanup):
    """Heartbeats answered from memory (the default `--heartbeat-flush 1s`) against each one written before its
    answer (`--heartbeat-flush 0`), with /healthz and state-changing events, on two servers filled alike."""
    print(f"heartbeats from memory against written each: {workers} workers", file=sys.stderr)
    servers = {}
    for phase, flush in (("from memory", "1s"), ("written each", "0")):
        server = Server(Path(folder) / f"flush-{flush}", binary=binary, keys=[KEY], args=SERVER_ARGS + ["--heartbeat-flush", flush])
        cleanup.callback(resume_and_stop, server)
        server.start(timeout=60)
        fill(server, workers)
        server.process.send_signal(signal.SIGSTOP)
        servers[phase] = server
    scenarios = [("baseline GET /healthz", "/healthz", 64, workers, None), ("heartbeat ingest", "/", 64, workers, "heartbeat.lua"),
                 ("seed events started/stopped", "/", 64, workers, "seed.lua")]
    return side_by_side(servers, scenarios, seconds)


def fleet_label(workers):
    """A fleet's size as scenario names give it: 20k, 1M."""
    return f"{workers // 1000}k" if workers < 1_000_000 else f"{workers // 1_000_000}M"


def a_million_workers(folder, binary, workers, groups, history_rows, seconds, cleanup):
    """Issue 19: `workers` running workers in `groups` groups, populated through `POST /events` by 4 connections,
    then, side by side with `/healthz` on the same server, heartbeats over the whole fleet (answered from memory),
    state-changing events, batches, and the reads (`/metrics`, the page, one group's workers); peak memory, and
    the restart with them all stored and the history grown to `history_rows` entries (messages, 4 connections)."""
    server = Server(Path(folder) / "million", binary=binary, keys=[KEY],
                    args=SERVER_ARGS + ["--max-groups", str(2 * groups), "--history-limit", str(2 * history_rows)])
    cleanup.callback(server.stop)
    server.start(timeout=60)
    started = time.monotonic()
    fill_running_fleet(server, workers, groups)
    fill_seconds = time.monotonic() - started
    label, env, readers = fleet_label(workers), {"GROUPS": str(groups)}, os.cpu_count() or 2
    scenarios = [
        (f"baseline GET /healthz ({label})", "/healthz", 64, None, (), 1, {}),
        (f"heartbeat ingest ({label} workers, from memory)", "/", 64, "heartbeat.lua", (), 1, env),
        (f"seed events started/stopped ({label})", "/", 64, "seed.lua", (), 1, env),
        (f"batch ingest POST /events 500/request ({label})", "/", 8, "batch.lua", (), 500, {"BATCH": "500", **env}),
        (f"scrape /metrics ({label}, {groups:,} groups)", "/metrics", readers, None, (), 1, {}),
        (f"status page / ({label})", "/", readers, None, (), 1, {}),
        (f"query /workers?group=product.team042 ({label})", "/workers?group=product.team042", readers, None, (), 1, {}),
    ]
    results = []
    for name, path, connections, script, headers, per_request, extra in scenarios:
        measured = wrk(server.url(path), seconds, connections, script, headers, {"WORKERS": str(workers), "API_KEY": KEY, **extra})
        measured.update(name=name, workers=workers, connections=connections, per_request=per_request)
        print(f"  {name}: {measured['rps']:.0f} req/s, p50 {measured['p50_ms']:.2f} ms, p99 {measured['p99_ms']:.2f} ms", file=sys.stderr)
        results.append(measured)
    baseline = results[0]["rps"]
    for result in results:
        result["ratio_to_healthz"] = result["rps"] / baseline if baseline else None
    notes = {"workers": workers, "groups": groups, "fill_seconds": fill_seconds, "fill_events_per_s": workers / fill_seconds,
             "peak_rss_mib": server.peak_rss_mib()}
    started = time.monotonic()
    in_four_shares(0, history_rows, lambda start, end: fill_history(server, end, workers, groups, start=start))
    notes["history_fill_events_per_s"] = history_rows / (time.monotonic() - started)
    server.stop()
    with contextlib.closing(sqlite3.connect(f"file:{server.database}?mode=ro", uri=True)) as database:
        notes["history_rows_at_restart"] = database.execute("SELECT COUNT(*) FROM history").fetchone()[0]
    notes["restart_seconds"] = server.start(timeout=120).ready_seconds
    server.stop()
    return results, notes


def steady_fleet(folder, binary, workers, groups, rate, seconds, cleanup):
    """Issue 19's soak: `workers` running workers with a TTL of three heartbeat periods, populated through
    `POST /events`, then heartbeating in turn at `rate` a second in all (each worker once every `workers / rate`
    seconds) for `seconds`. /metrics is read every 10 seconds meanwhile: a worker reported lost there, or stored lost
    at the end, is a false loss (every one kept heartbeating), and the most heartbeats not yet written shows whether
    the flush kept up."""
    period = workers / rate
    server = Server(Path(folder) / "steady", binary=binary, keys=[KEY], args=SERVER_ARGS + ["--max-groups", str(2 * groups)])
    cleanup.callback(server.stop)
    server.start(timeout=60)
    ttl = math.ceil(3 * period)
    fill_running_fleet(server, workers, groups, ttl=ttl)
    label = fleet_label(workers)
    readings, stop, started = [], threading.Event(), time.monotonic()

    def read_metrics():
        while not stop.wait(10):
            lost = unwritten = None
            try:
                lines = urllib.request.urlopen(server.url("/metrics"), timeout=30).read().decode().splitlines()
            except OSError:
                lines = []  # a reading that failed counts as one (below), not as nobody lost
            for line in lines:
                if line.startswith("wokmanager_workers{") and 'status="lost"' in line:
                    lost = (lost or 0) + int(float(line.rsplit(" ", 1)[1]))
                elif line.startswith("wokmanager_heartbeats_unwritten "):
                    unwritten = int(float(line.rsplit(" ", 1)[1]))
            readings.append((round(time.monotonic() - started), lost, unwritten))

    reader = threading.Thread(target=read_metrics)
    reader.start()
    try:
        measured = wrk(server.url("/"), seconds, 64, "paced_heartbeat.lua", (),
                       {"WORKERS": str(workers), "GROUPS": str(groups), "API_KEY": KEY, "RATE": str(rate), "THREADS": str(WRK_THREADS)})
    finally:
        stop.set()
        reader.join()
    measured.update(name=f"steady fleet: {label} workers heartbeating every {period:.0f} s ({rate:,}/s wanted) for {seconds} s",
                    workers=workers, connections=64, per_request=1)
    notes = {"workers": workers, "rate_wanted": rate, "rate_sent": measured["rps"], "ttl": ttl, "seconds": seconds,
             "most_reported_lost": max((lost for _, lost, _ in readings if lost is not None), default=None),
             "failed_readings": sum(1 for _, lost, _ in readings if lost is None),
             "stored_lost_at_end": stored(server, "status = 'lost'"),
             "most_unwritten_heartbeats": max((unwritten for _, _, unwritten in readings if unwritten is not None), default=None),
             "readings": [{"after_s": after, "lost": lost, "unwritten": unwritten} for after, lost, unwritten in readings]}
    print(f"  {measured['name']}: sent {measured['rps']:.0f}/s, p99 {measured['p99_ms']:.2f} ms, {measured['errors']} errors, "
          f"most lost {notes['most_reported_lost']} ({notes['failed_readings']} readings failed), stored lost {notes['stored_lost_at_end']}, "
          f"most unwritten {notes['most_unwritten_heartbeats']}", file=sys.stderr)
    server.stop()
    return [measured], notes


def stored(server, condition):
    """How many stored workers match `condition`, read from the database file beside the running server."""
    with contextlib.closing(sqlite3.connect(f"file:{server.database}?mode=ro", uri=True, timeout=30)) as database:
        return database.execute(f"SELECT COUNT(*) FROM workers WHERE {condition}").fetchone()[0]


def heartbeats_while(server, live, done, label, slice_seconds=5, most_seconds=180):
    """Heartbeats over the `live` workers, in slices of `slice_seconds`, until `done()` holds after one (at most
    `most_seconds`): the slices' requests per second, their worst p50 and p99, and when `done()` was first seen to
    hold (seconds from the start; None when it never did)."""
    started, slices, finished = time.monotonic(), [], None
    while finished is None and time.monotonic() - started < most_seconds:
        slices.append(wrk(server.url("/"), slice_seconds, 64, "heartbeat.lua", env={"WORKERS": str(live), "API_KEY": KEY}))
        if done():
            finished = time.monotonic() - started
    measured = {"rps": sum(s["rps"] for s in slices) / len(slices), "p50_ms": max(s["p50_ms"] for s in slices),
                "p99_ms": max(s["p99_ms"] for s in slices), "errors": sum(s["errors"] for s in slices), "slices": len(slices)}
    measured.update(name=label, workers=live, connections=64, per_request=1, housekeeping_done_after_s=finished)
    print(f"  {label}: worst p99 of {len(slices)} slices {measured['p99_ms']:.2f} ms; done after {finished} s", file=sys.stderr)
    return measured


def housekeeping_under_load(folder, binary, expiring, live, seconds, cleanup):
    """Issue 19: heartbeat latency of `live` workers while the sweep records `expiring` workers lost at once (a network
    cut), and then while retention removes them, against the same heartbeats when nothing else happens. The quiet
    figure is one slice as long as each of the others."""
    ttl, retention = (3, 15) if expiring < 100_000 else (5, 60)
    server = Server(Path(folder) / "housekeeping", binary=binary, keys=[KEY],
                    args=SERVER_ARGS + ["--sweep-interval", "1s", "--retention", f"{retention}s"])
    cleanup.callback(server.stop)
    server.start(timeout=60)
    print(f"housekeeping under load: {expiring:,} workers lost, then removed, beside {live:,} heartbeating", file=sys.stderr)
    fill(server, live, all_running=True)
    in_four_shares(live, live + expiring, lambda start, end: fill(server, end, start=start, all_running=True))
    quiet = wrk(server.url("/"), seconds, 64, "heartbeat.lua", env={"WORKERS": str(live), "API_KEY": KEY})
    quiet.update(name=f"heartbeat ingest, quiet ({live // 1000}k of {(live + expiring) // 1000}k workers)", workers=live, connections=64, per_request=1)
    print(f"  quiet: p99 {quiet['p99_ms']:.2f} ms", file=sys.stderr)
    # The expiring workers' last heartbeat sets a short TTL: they are all lost `ttl` seconds later.
    armed = time.monotonic()
    in_four_shares(live, live + expiring, lambda start, end: fill(server, end, start=start, all_running=True, ttl=ttl, kind="heartbeat"))
    expiry = heartbeats_while(server, live, lambda: stored(server, "status = 'running'") == live,
                              f"heartbeat ingest while {expiring // 1000}k are recorded lost", slice_seconds=seconds)
    time.sleep(max(0, armed + retention - 2 - time.monotonic()))
    removal = heartbeats_while(server, live, lambda: stored(server, "1 = 1") == live,
                               f"heartbeat ingest while retention removes {expiring // 1000}k", slice_seconds=seconds)
    server.stop()
    results = [quiet, expiry, removal]
    for result in results:
        result["p99_to_quiet"] = result["p99_ms"] / quiet["p99_ms"] if quiet["p99_ms"] else None
    return results, {"expiring": expiring, "live": live, "ttl": ttl, "retention_seconds": retention,
                     "lost_recorded_after_s": expiry["housekeeping_done_after_s"], "removed_after_s": removal["housekeeping_done_after_s"]}


def bench_postgres(cleanup):
    """A fresh PostgreSQL cluster with fsync on (scripts/postgres.sh on its own port), stopped when the bench ends; its URL."""
    env = {**os.environ, "WOKMANAGER_PG_DIR": "/tmp/wokmanager-bench-pg", "WOKMANAGER_PG_PORT": str(free_port()), "WOKMANAGER_PG_DURABLE": "1"}
    script = str(ROOT / "scripts" / "postgres.sh")
    subprocess.run([script, "stop"], env=env, check=True)
    cleanup.callback(subprocess.run, [script, "stop"], env=env)
    return subprocess.run([script, "start"], env=env, check=True, capture_output=True, text=True).stdout.strip()


def postgres_replicas(folder, binary, workers, seconds, cleanup):
    """Issue 19: two replicas sharing one PostgreSQL (fsync on): `/healthz`, heartbeats and state changes on one
    replica alone and on both at once (each replica's own figure), beside the same on SQLite in `memory_side_by_side`."""
    print(f"PostgreSQL, two replicas: {workers} workers", file=sys.stderr)
    url = bench_postgres(cleanup)
    replicas = []
    # The second replica starts after the fill, so that it too knows the running workers (it reads them at its start).
    for name in ("a", "b"):
        server = Server(Path(folder) / f"postgres-{name}", binary=binary, keys=[KEY], args=SERVER_ARGS + ["--database-url", url])
        cleanup.callback(server.stop)
        server.start(timeout=60)
        replicas.append(server)
        if name == "a":
            fill(server, workers)
    time.sleep(2)
    env = {"WORKERS": str(workers), "API_KEY": KEY}
    results = []

    def record(measured, name, connections, replica_count):
        measured.update(name=name, workers=workers, connections=connections, per_request=1, replicas=replica_count)
        print(f"  {name}: {measured['rps']:.0f} req/s, p50 {measured['p50_ms']:.2f} ms, p99 {measured['p99_ms']:.2f} ms", file=sys.stderr)
        results.append(measured)

    record(wrk(replicas[0].url("/healthz"), seconds, 64), "PostgreSQL: baseline GET /healthz (one replica)", 64, 1)
    for label, script in (("heartbeat ingest", "heartbeat.lua"), ("seed events started/stopped", "seed.lua")):
        record(wrk(replicas[0].url("/"), seconds, 64, script, env=env), f"PostgreSQL: {label}, one replica", 64, 1)
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            both = list(pool.map(lambda replica: wrk(replica.url("/"), seconds, 64, script, env=env), replicas))
        for replica, measured in zip("ab", both):
            record(measured, f"PostgreSQL: {label}, replica {replica} of two", 64, 2)
    for server in replicas:
        server.stop()
    return results


def streams_memory(folder, binary, streams, cleanup):
    """The server's resident memory with `streams` streams open against none, and how long one event takes to reach
    them all."""
    server = Server(Path(folder) / "streams", binary=binary, keys=[KEY],
                    args=[*SERVER_ARGS, "--max-streams", str(streams), "--max-streams-per-key", str(streams)])
    cleanup.callback(server.stop)
    server.start(timeout=60)
    fill(server, 1000)
    before = proc_status_mib(server.pid, "VmRSS")
    sockets = []
    for _ in range(streams):
        connection = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        connection.sendall(b"GET /stream?kinds=message HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n")
        sockets.append(connection)
    for connection in sockets:
        head = b""
        while b": connected" not in head:
            head += connection.recv(4096)
        assert head.startswith(b"HTTP/1.1 200"), head[:200]
    time.sleep(1)
    with_streams = proc_status_mib(server.pid, "VmRSS")
    started = time.monotonic()
    status, answer = server.request("POST", "/worker/state", {"id": "w000001", "group": "product.team001", "event": "message",
                                                              "message": "to every stream"}, key=KEY)
    assert status == 200, answer
    for connection in sockets:
        seen = b""
        while b"to every stream" not in seen:
            seen += connection.recv(65536)
    fan_out = time.monotonic() - started
    for connection in sockets:
        connection.close()
    server.stop()
    print(f"  {streams} streams: {with_streams - before:.1f} MiB more resident memory; one event to all in {fan_out:.2f} s", file=sys.stderr)
    return {"streams": streams, "rss_before_mib": before, "rss_with_streams_mib": with_streams, "rss_per_stream_kib": (with_streams - before) * 1024 / streams,
            "fan_out_seconds": fan_out}


def resume_and_stop(server):
    if server.process is not None and server.process.poll() is None:
        server.process.send_signal(signal.SIGCONT)
    server.stop()


def folder_mib(path):
    return sum(f.stat().st_size for f in Path(path).glob("*") if f.is_file()) / (1 << 20)


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "unknown")
    memory = next((int(line.split()[1]) // 1024 for line in open("/proc/meminfo") if line.startswith("MemTotal")), 0)
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mib": memory, "kernel": platform.release(), "commit": commit,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(ROOT / ".build" / "release" / "wokmanager"))
    parser.add_argument("--smoke", action="store_true", help="a few seconds per scenario and small populations (CI)")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "latest.json"))
    parser.add_argument("--seconds", type=int, default=5, help="how long wrk drives each scenario (default 5; 2 with --smoke)")
    parser.add_argument("--baseline-binary", help="an earlier build to measure the page and ingest against, side by side")
    parser.add_argument("--only-scale", action="store_true", help="only the scenarios of scale (issue 19): heartbeats from "
                        "memory side by side, and a million workers")
    parser.add_argument("--only-ingest", action="store_true", help="only ingest (heartbeats, batches, state changes) "
                        "against --baseline-binary, side by side")
    parser.add_argument("--only-changes", action="store_true", help="only the scenarios of this round's changes: the baseline "
                        "comparison and the streams")
    options = parser.parse_args()
    for tool in ("wrk", "prometheus-pushgateway"):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} is missing: sudo apt-get install {'wrk' if tool == 'wrk' else 'prometheus-pushgateway'}")

    seconds = 2 if options.smoke else options.seconds
    small, large = (1_000, 5_000) if options.smoke else (10_000, 100_000)
    history_rows = 20_000 if options.smoke else 1_000_000
    results, notes = [], {}

    fleet = (20_000, 200, 40_000) if options.smoke else (1_000_000, 10_000, 10_000_000)
    steady = (20_000, 200, 1_000, 20) if options.smoke else (1_000_000, 10_000, 16_700, 300)
    expiring = 3_000 if options.smoke else 300_000
    with tempfile.TemporaryDirectory(prefix="wokmanager-bench-") as folder, contextlib.ExitStack() as cleanup:
        if options.only_ingest:
            if not options.baseline_binary:
                sys.exit("bench: --only-ingest compares against --baseline-binary")
            measured = ingest_side_by_side(folder, options.binary, options.baseline_binary, small, seconds, cleanup)
            Path(options.output).parent.mkdir(parents=True, exist_ok=True)
            Path(options.output).write_text(json.dumps({"machine": machine(), "scenarios": measured}, indent=2) + "\n")
            return 1 if sum(r["errors"] for r in measured) else 0
        if options.only_scale:
            measured = memory_side_by_side(folder, options.binary, small, seconds, cleanup)
            scale, notes["million"] = a_million_workers(folder, options.binary, *fleet, seconds, cleanup)
            measured += scale
            soak, notes["steady"] = steady_fleet(folder, options.binary, *steady, cleanup)
            measured += soak
            housekeeping, notes["housekeeping"] = housekeeping_under_load(folder, options.binary, expiring, small, seconds, cleanup)
            measured += housekeeping
            measured += postgres_replicas(folder, options.binary, small, seconds, cleanup)
            Path(options.output).parent.mkdir(parents=True, exist_ok=True)
            Path(options.output).write_text(json.dumps({"machine": machine(), "scenarios": measured, **notes}, indent=2) + "\n")
            print(json.dumps({"scenarios": measured, **notes}, indent=2))
            return 1 if sum(r["errors"] for r in measured) else 0
        if options.only_changes:
            results += numbers_side_by_side(folder, options.binary, small, seconds, cleanup)
            results += pushes_side_by_side(folder, options.binary, small // 10, seconds, cleanup)
            if options.baseline_binary:
                results += against_baseline(folder, options.binary, options.baseline_binary, large, seconds, cleanup)
            notes["streams"] = streams_memory(folder, options.binary, 100 if options.smoke else 1000, cleanup)
            measured, notes["group_limit"] = at_the_group_limit(folder, options.binary, 1_000 if options.smoke else 10_000, seconds, cleanup)
            results += measured
            Path(options.output).parent.mkdir(parents=True, exist_ok=True)
            Path(options.output).write_text(json.dumps({"machine": machine(), "scenarios": results, **notes}, indent=2) + "\n")
            print(json.dumps({"scenarios": results, **notes}, indent=2))
            return 1 if sum(r["errors"] for r in results) else 0
        server = Server(folder, binary=options.binary, keys=[KEY], args=SERVER_ARGS)
        cleanup.callback(server.stop)
        server.start(timeout=60)
        base = server.url("")

        def run(name, path, connections, workers, script=None, headers=(), per_request=1, env=None):
            measured = wrk(base + path, seconds, connections, script, headers, {"WORKERS": str(workers), "API_KEY": KEY, **(env or {})})
            measured.update(name=name, workers=workers, connections=connections, per_request=per_request)
            results.append(measured)
            print(f"  {name}: {measured['rps']:.0f} req/s", file=sys.stderr)
            return measured

        print(f"filling {small} workers", file=sys.stderr)
        fill(server, small)
        run("baseline GET /healthz", "/healthz", 64, small)
        run("heartbeat ingest POST /worker/state", "/", 64, small, "heartbeat.lua")
        run("seed events started/stopped", "/", 64, small, "seed.lua")
        run("batch ingest POST /events (500/request)", "/", 8, small, "batch.lua", per_request=500, env={"BATCH": "500"})

        for population in (small, large):
            if population == large:
                print(f"filling {large} workers", file=sys.stderr)
                fill(server, large, start=small)
            label = f"{population // 1000}k"
            # Reads run with as many connections as the machine has cores: a scraper or a person asks one
            # request at a time, so p50 here is the time one request takes, not time spent queueing.
            readers = os.cpu_count() or 2
            run(f"query /workers?group=product.*&status=running ({label})", "/workers?group=product.*&status=running", readers, population)
            run(f"scrape /metrics ({label}, {GROUPS} groups)", "/metrics", readers, population)
            run(f"scrape /metrics gzip ({label})", "/metrics", readers, population, headers=["Accept-Encoding: gzip"])
            run(f"status page / ({label})", "/", readers, population)
            run(f"status page / gzip ({label})", "/", readers, population, headers=["Accept-Encoding: gzip"])
            run(f"filtered page /?group=product.team042 ({label})", "/?group=product.team042&status=running", readers, population)

        results += numbers_side_by_side(folder, options.binary, small, seconds, cleanup)
        results += pushes_side_by_side(folder, options.binary, small // 10, seconds, cleanup)
        attention_workers, expectations = (1_000, 100) if options.smoke else (10_000, 1_000)
        results += attention_side_by_side(folder, options.binary, large, attention_workers, expectations, seconds, cleanup)
        if options.baseline_binary:
            results += against_baseline(folder, options.binary, options.baseline_binary, large, seconds, cleanup)
        notes["streams"] = streams_memory(folder, options.binary, 100 if options.smoke else 1000, cleanup)
        measured, notes["group_limit"] = at_the_group_limit(folder, options.binary, 1_000 if options.smoke else 10_000, seconds, cleanup)
        results += measured
        results += memory_side_by_side(folder, options.binary, small, seconds, cleanup)
        measured, notes["million"] = a_million_workers(folder, options.binary, *fleet, seconds, cleanup)
        results += measured
        measured, notes["steady"] = steady_fleet(folder, options.binary, *steady, cleanup)
        results += measured
        measured, notes["housekeeping"] = housekeeping_under_load(folder, options.binary, expiring, small, seconds, cleanup)
        results += measured
        results += postgres_replicas(folder, options.binary, small, seconds, cleanup)

        notes["peak_rss_mib"] = server.peak_rss_mib()
        print(f"adding {history_rows} history rows", file=sys.stderr)
        fill_history(server, history_rows, large)
        notes["database_mib"] = folder_mib(folder)
        server.stop()
        notes["restart_seconds"] = server.start(timeout=60).ready_seconds
        notes["restart_workers"], notes["restart_history_rows"] = large, history_rows
        server.stop()

        peer_port = free_port()
        peer = Process(["prometheus-pushgateway", f"--web.listen-address=127.0.0.1:{peer_port}"], folder,
                       f"http://127.0.0.1:{peer_port}/-/ready", name="pushgateway")
        cleanup.callback(peer.stop)
        peer.start(timeout=60)
        measured = wrk(f"http://127.0.0.1:{peer_port}/", seconds, 64, "pushgateway.lua", env={"WORKERS": str(small)})
        measured.update(name="peer: Pushgateway PUT per heartbeat", workers=small, connections=64, per_request=1)
        results.append(measured)
        notes["peer_peak_rss_mib"] = peer.peak_rss_mib()
        peer.stop()

    baseline = results[0]["rps"]
    for result in results:
        result["ratio_to_baseline"] = result["rps"] / baseline if baseline else None
        result["events_per_s"] = result["rps"] * result["per_request"]
    report = {"machine": machine(), "smoke": options.smoke, "seconds_per_scenario": seconds, "scenarios": results, **notes}
    Path(options.output).parent.mkdir(parents=True, exist_ok=True)
    Path(options.output).write_text(json.dumps(report, indent=2) + "\n")
    print(table(report))
    errors = sum(r["errors"] for r in results)
    return 1 if errors else 0


def table(report):
    lines = ["| scenario | workers | conns | req/s | events/s | × baseline | p50 ms | p99 ms | errors |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in report["scenarios"]:
        lines.append(f"| {r['name']} | {r['workers']:,} | {r['connections']} | {r['rps']:,.0f} | {r['events_per_s']:,.0f} | "
                     f"{r['ratio_to_baseline']:.2f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['errors']} |")
    lines.append("")
    streams = report["streams"]
    lines.append(f"{streams['streams']:,} open streams: {streams['rss_with_streams_mib'] - streams['rss_before_mib']:.1f} MiB more resident memory "
                 f"({streams['rss_per_stream_kib']:.0f} KiB a stream); one event reached them all in {streams['fan_out_seconds']:.2f} s")
    limit = report["group_limit"]
    lines.append(f"at the group limit ({limit['groups']:,} groups): " + ", ".join(
        f"{name} {limit[key]['bytes'] / 1000:,.0f} KB ({limit[key]['gzip_bytes'] / 1000:,.0f} KB gzipped)"
        for name, key in (("page", "page"), ("/metrics", "metrics"), ("/domains", "domains"), ("/domains?depth=1", "domains_depth_1")))
        + f"; /metrics has {limit['metrics']['series']:,} series")
    lines.append(f"peak RSS {report['peak_rss_mib']:.0f} MiB with {report['restart_workers']:,} workers; "
                 f"database {report['database_mib']:.0f} MiB with {report['restart_history_rows']:,} history rows; "
                 f"restart to serving {report['restart_seconds']:.2f} s; Pushgateway peak RSS {report['peer_peak_rss_mib']:.0f} MiB")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
