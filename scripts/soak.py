#!/usr/bin/env python3
"""The soak: a steady, paced stream of worker lifecycles against one wokmanager server, then exact checks.

    python3 scripts/soak.py                                   # 60 s, 10,000 workers, the debug build
    python3 scripts/soak.py --seconds 1800 --binary .build/release/wokmanager     # what `make soak` runs
    python3 scripts/soak.py --url http://127.0.0.1:5000 --api-key KEY --pid 1234  # a server you started

It starts `wokmanager serve` on a temporary database (unless given --url), then sends a fixed plan of
`--seconds` x `--rate` events through `POST /worker/state` from `--threads` persistent keep-alive
connections, paced to the rate (a thread that falls behind sends back to back until it is on schedule
again, so a slow server makes the run longer, never one of fewer events). The plan, from a seeded RNG:

- `--workers` workers in `--groups` groups under a run-unique root group `soak-<hex>-<pid>`. Each thread owns a
  disjoint set of workers, so one worker's events are sent in order, each after the previous answer.
- Ramp: 90 % of a thread's slots are first joins (`started` with `--ttl`) until all its workers joined;
  the other slots, and every slot after the ramp, are churn on the workers that joined:
  8 % `stopped` (one in ten with exit_code 1, i.e. failed), 8 % `started` again by the worker stopped
  longest if it rested 30 s or more, 2 % `message`, the rest `heartbeat`; stops, messages and heartbeats
  go to the running worker silent the longest (round robin), so every running worker hears from its
  thread about every (running workers / rate) seconds, well within its TTL.
- One worker in 100 joins with `--lost-ttl` and then goes silent: it must be reported `lost` at the end.
- Every `--scrape-interval` seconds another connection scrapes `/metrics` and lists lost workers, as a
  monitoring system would; those reads are not events and must not be counted as events.

The server's RSS (VmRSS of /proc/<pid>/status) is sampled every second. At the end it checks, and exits 1
unless all of these hold:

1. answers: every request was answered 2xx (no other status, no connection error), and every event's
   answer carried the status the client's model expects (running, stopped, failed) with `late: false`;
   the server's own `wokmanager_http_requests_total` for `POST /worker/state` grew by exactly the number
   of events sent, all with a 2xx status.
2. counts: for every status (running, stopped, failed, lost), the ids `GET /workers?group=<root>&status=`
   lists (paged with `cursor`) are exactly the client's set, and `wokmanager_workers{group,status}` of
   `/metrics` equals the client's count in every group.
3. events: the deltas of `wokmanager_events_total{event}` equal the events answered 2xx, per kind (read 2 s
   after the last answer: heartbeats answered from memory are counted once written, every second by default).
4. memory: after warm-up (the later of the end of the join ramp and `--warmup-fraction` of the run), the
   rest of the run is cut in two halves A and B; the maximum RSS in B may exceed the maximum in A by at
   most max(`--rss-tolerance-mib`, `--rss-tolerance-fraction` x max(A)). Each half needs 3 samples or more.

The achieved rate is reported, not asserted: the checks are on what the server answered. With --url the
events check assumes nobody else writes to that server during the run; without --pid, RSS is not checked.
Every process it starts is stopped before it returns. Standard library only (Python 3.9+).
"""
import argparse
import json
import math
import os
import random
import re
import signal
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, deque
from pathlib import Path

from wokserver import BINARY, ConnectionFailure, KeepAliveClient, Server, cpu_seconds, proc_status_mib

STATUSES = ("running", "lost", "stopped", "failed")
KINDS = ("started", "heartbeat", "message", "error", "stopped")
JOIN_SHARE = 0.9        # share of a thread's slots that are first joins, until all its workers joined
P_LEAVE, P_REJOIN, P_MESSAGE = 0.08, 0.08, 0.02
FAIL_EVERY = 10         # one stop in ten has exit_code 1
VANISH_EVERY = 100      # one worker in a hundred joins with the short TTL and goes silent
MIN_RING = 20           # a thread stops workers only while it has at least this many running
MIN_REST = 30.0         # seconds a stopped worker rests before it may start again


# ---------------------------------------------------------------------------------------------------
# Parsing and pure checks (tested on their own in Tests/EndToEnd/test_soak.py)

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """Prometheus text -> {name: [(labels dict, value float)]}."""
    series = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        if not match:
            continue
        name, labels, value = match.groups()
        pairs = {k: v.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\") for k, v in LABEL.findall(labels or "")}
        series.setdefault(name, []).append((pairs, float(value)))
    return series


def events_totals(series):
    return {labels["event"]: int(value) for labels, value in series.get("wokmanager_events_total", [])}


def state_requests(series):
    """`wokmanager_http_requests_total` for POST /worker/state, by status code."""
    return {labels["status"]: int(value) for labels, value in series.get("wokmanager_http_requests_total", [])
            if labels.get("route") == "/worker/state" and labels.get("method") == "POST"}


def group_counts(series, root):
    """{group: {status: count}} of `wokmanager_workers` for the groups below `root`."""
    counts = {}
    for labels, value in series.get("wokmanager_workers", []):
        group = labels.get("group", "")
        if group == root or group.startswith(root + "."):
            counts.setdefault(group, {})[labels["status"]] = int(value)
    return counts


def compare_group_counts(expected, actual):
    """Both {group: {status: count}}; returns a list of differences (empty when equal for every status)."""
    problems = []
    for group in sorted(set(expected) | set(actual)):
        for status in STATUSES:
            want = expected.get(group, {}).get(status, 0)
            have = actual.get(group, {}).get(status, 0)
            if want != have:
                problems.append(f"{group} {status}: server {have}, client {want}")
    return problems


def rss_verdict(samples, warmup_end, end, tolerance_mib, tolerance_fraction):
    """`samples` are (seconds since start, RSS MiB). After `warmup_end` the run is cut into halves A and B;
    flat means max(B) <= max(A) + max(tolerance_mib, tolerance_fraction * max(A))."""
    middle = warmup_end + (end - warmup_end) / 2
    first = [rss for t, rss in samples if warmup_end <= t < middle]
    second = [rss for t, rss in samples if middle <= t <= end]
    verdict = {"warmup_end_s": round(warmup_end, 1), "middle_s": round(middle, 1), "end_s": round(end, 1),
               "samples_a": len(first), "samples_b": len(second)}
    if len(first) < 3 or len(second) < 3:
        verdict.update(ok=False, reason="fewer than 3 RSS samples in a half after warm-up")
        return verdict
    allowed = max(tolerance_mib, tolerance_fraction * max(first))
    growth = max(second) - max(first)
    post = [(t, rss) for t, rss in samples if t >= warmup_end]
    verdict.update(
        ok=growth <= allowed, max_a_mib=round(max(first), 2), max_b_mib=round(max(second), 2),
        min_a_mib=round(min(first), 2), min_b_mib=round(min(second), 2),
        growth_mib=round(growth, 2), allowed_mib=round(allowed, 2), slope_mib_per_min=round(slope(post) * 60, 3))
    if not verdict["ok"]:
        verdict["reason"] = f"RSS grew {growth:.2f} MiB from half A to half B (allowed {allowed:.2f})"
    return verdict


def slope(points):
    """Least-squares slope of (x, y) points, 0 for fewer than two."""
    if len(points) < 2:
        return 0.0
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0


# ---------------------------------------------------------------------------------------------------
# The soak

class Soak:
    def __init__(self, options, host, port, key, pid):
        self.o = options
        self.host, self.port, self.key, self.pid = host, port, key, pid
        self.root = f"soak-{random.Random(options.seed).getrandbits(24):06x}-{os.getpid()}"
        self.ids = [f"{self.root}-w{n:05d}" for n in range(options.workers)]
        self.groups = [f"{self.root}.g{n % options.groups:03d}" for n in range(options.workers)]
        # The client's model: one entry per worker, written only by the thread that owns the worker.
        self.status = [None] * options.workers          # None = never joined
        self.last_answer = [0.0] * options.workers      # monotonic time of the last 2xx answer
        self.max_gap = [0.0] * options.threads          # longest silence of a running worker, per thread
        self.sent = [Counter() for _ in range(options.threads)]      # kinds answered 2xx
        self.answers = [Counter() for _ in range(options.threads)]   # HTTP statuses
        self.failures = [[] for _ in range(options.threads)]         # first few problems
        self.mismatched = [0] * options.threads                     # 2xx answers with a status or late we did not expect
        self.connection_errors = [0] * options.threads
        self.max_lag = [0.0] * options.threads
        self.ramp_done = [None] * options.threads
        self.opened = [0] * options.threads
        self.churn_seen = [Counter() for _ in range(options.threads)]   # (quarter of the plan, action) answered 2xx
        self.reads = Counter()
        self.read_failures = []
        self.rss = []
        self.stop = threading.Event()
        total = round(options.seconds * options.rate)
        self.slots = [total // options.threads + (1 if t < total % options.threads else 0) for t in range(options.threads)]

    # -- the writers ----------------------------------------------------------------------------------

    def drive(self, t):
        o = self.o
        rng = random.Random(f"{o.seed}-{t}")
        mine = list(range(t, o.workers, o.threads))
        rng.shuffle(mine)
        never, ring, resting = deque(mine), deque(), deque()
        joined = 0
        client = KeepAliveClient(self.host, self.port, self.key)
        interval = o.threads / o.rate
        for slot in range(self.slots[t]):
            if self.stop.is_set():
                break
            due = self.t0 + (slot + t / o.threads) * interval
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            else:
                self.max_lag[t] = max(self.max_lag[t], now - due)
            now = time.monotonic()
            if never and joined < min(len(mine), math.ceil((slot + 1) * JOIN_SHARE)):
                action, worker = "join", never.popleft()
                joined += 1
            else:
                action, worker = self.churn(rng, ring, resting, never, now)
                if action == "join":
                    joined += 1
            if action is None:
                continue
            if self.send(t, client, rng, action, worker, ring, resting):
                self.churn_seen[t][(4 * slot // self.slots[t], action)] += 1
            if not never and self.ramp_done[t] is None:
                self.ramp_done[t] = time.monotonic() - self.t0
        self.opened[t] = client.opened
        client.close()

    def churn(self, rng, ring, resting, never, now):
        u = rng.random()
        if u < P_LEAVE:
            if len(ring) >= MIN_RING:
                return "stop", ring.popleft()
        elif u < P_LEAVE + P_REJOIN:
            if resting and now - resting[0][1] >= MIN_REST:
                return "rejoin", resting.popleft()[0]
        elif u < P_LEAVE + P_REJOIN + P_MESSAGE:
            if ring:
                return "message", ring.popleft()
        # A slot whose action is not possible now is a heartbeat, so the rate stays steady.
        if ring:
            return "heartbeat", ring.popleft()
        if never:
            return "join", never.popleft()
        if resting:
            return "rejoin", resting.popleft()[0]
        return None, None

    def send(self, t, client, rng, action, n, ring, resting):
        o = self.o
        event = {"id": self.ids[n], "group": self.groups[n], "at": "now"}
        vanishing = n % VANISH_EVERY == VANISH_EVERY - 1
        if action in ("join", "rejoin"):
            event.update(event="started", ttl=o.lost_ttl if vanishing else o.ttl, host=f"soak-host{n % 37}")
            expect = "running"
        elif action == "stop":
            failed = rng.randrange(FAIL_EVERY) == 0
            event.update(event="stopped", exit_code=1 if failed else 0)
            expect = "failed" if failed else "stopped"
        elif action == "message":
            event.update(event="message", message=f"processed batch {rng.randrange(10**6)}")
            expect = "running"
        else:
            event.update(event="heartbeat")
            expect = "running"
        started = time.monotonic()
        if self.status[n] == "running" and not vanishing:
            self.max_gap[t] = max(self.max_gap[t], started - self.last_answer[n])
        try:
            code, body = client.request("POST", "/worker/state", json.dumps(event).encode())
        except ConnectionFailure as error:
            self.connection_errors[t] += 1
            self.note(t, f"{event['event']} {self.ids[n]}: {error}")
            self.status[n] = "unknown"
            return False
        self.answers[t][code] += 1
        if not 200 <= code < 300:
            self.note(t, f"{event['event']} {self.ids[n]}: HTTP {code} {body[:200]!r}")
            # The server stored nothing: the worker keeps its state and its place.
            if action in ("stop", "heartbeat", "message"):
                ring.append(n)
            elif action == "rejoin":
                resting.append((n, time.monotonic()))
            return False
        self.sent[t][event["event"]] += 1
        self.last_answer[n] = time.monotonic()
        self.status[n] = "lost" if vanishing else expect
        try:
            answer = json.loads(body)
            good = answer.get("status") == expect and answer.get("late") is False and answer.get("id") == self.ids[n]
        except ValueError:
            answer, good = body[:200], False
        if not good:
            self.mismatched[t] += 1
            self.note(t, f"{event['event']} {self.ids[n]}: expected status {expect}, late false; answer {answer}")
        if not vanishing:
            if expect == "running":
                ring.append(n)
            else:
                resting.append((n, self.last_answer[n]))
        return True

    def note(self, t, text):
        if len(self.failures[t]) < 5:
            self.failures[t].append(text)

    # -- the observers --------------------------------------------------------------------------------

    def sample_rss(self):
        while not self.stop.wait(max(0.0, 1.0 - (time.monotonic() - self.t0) % 1.0)):
            try:
                self.rss.append((time.monotonic() - self.t0, proc_status_mib(self.pid, "VmRSS")))
            except OSError as error:
                self.read_failures.append(f"RSS: {error}")
                return

    def scrape(self):
        client = KeepAliveClient(self.host, self.port, self.key)
        lost_query = "/workers?" + urllib.parse.urlencode({"group": self.root, "status": "lost", "limit": 100})
        while not self.stop.wait(self.o.scrape_interval):
            for path in ("/metrics", lost_query):
                try:
                    code, _ = client.request("GET", path)
                    self.reads[code] += 1
                    if not 200 <= code < 300 and len(self.read_failures) < 5:
                        self.read_failures.append(f"GET {path}: HTTP {code}")
                except ConnectionFailure as error:
                    self.reads["connection error"] += 1
                    if len(self.read_failures) < 5:
                        self.read_failures.append(f"GET {path}: {error}")
        client.close()

    # -- the run and the checks -----------------------------------------------------------------------

    def metrics(self, client):
        code, body = client.request("GET", "/metrics")
        if code != 200:
            raise RuntimeError(f"GET /metrics answered {code}")
        return parse_metrics(body.decode())

    def listed(self, client, status):
        ids, cursor, pages = set(), None, 0
        while True:
            query = {"group": self.root, "status": status, "limit": 1000}
            if cursor:
                query["cursor"] = cursor
            code, body = client.request("GET", "/workers?" + urllib.parse.urlencode(query))
            if code != 200:
                raise RuntimeError(f"GET /workers?status={status} answered {code}: {body[:200]!r}")
            page = json.loads(body)
            ids.update(worker["id"] for worker in page["workers"])
            pages += 1
            cursor = page.get("next_cursor")
            if not cursor:
                return ids, pages

    def run(self):
        o = self.o
        reader = KeepAliveClient(self.host, self.port, self.key)
        before = self.metrics(reader)
        self.rss_idle = proc_status_mib(self.pid, "VmRSS") if self.pid else None
        server_cpu, client_cpu = cpu_seconds(self.pid) if self.pid else None, time.process_time()
        self.t0 = time.monotonic() + 0.2
        threads = [threading.Thread(target=self.drive, args=(t,), daemon=True) for t in range(o.threads)]
        observers = [threading.Thread(target=self.scrape, daemon=True)]
        if self.pid:
            observers.append(threading.Thread(target=self.sample_rss, daemon=True))
        for thread in threads + observers:
            thread.start()
        try:
            for thread in threads:
                thread.join()
        finally:
            self.elapsed = time.monotonic() - self.t0
            self.stop.set()
            for thread in threads + observers:
                thread.join(timeout=60)
        self.cpu = {"client_s": round(time.process_time() - client_cpu, 1)}
        if self.pid:
            self.cpu["server_s"] = round(cpu_seconds(self.pid) - server_cpu, 1)

        # Vanished workers must have been silent longer than their TTL before they are judged lost.
        vanished = [n for n in range(o.workers) if self.status[n] == "lost"]
        if vanished:
            wait = max(self.last_answer[n] for n in vanished) + o.lost_ttl + 1.5 - time.monotonic()
            if wait > 0:
                time.sleep(wait)

        # Heartbeats answered from memory are counted once written: the flush runs every second by default.
        time.sleep(max(0.0, max(self.last_answer, default=0.0) + 2.0 - time.monotonic()))
        after = self.metrics(reader)
        expected_sets = {status: {self.ids[n] for n in range(o.workers) if self.status[n] == status} for status in STATUSES}
        listed, pages = {}, 0
        for status in STATUSES:
            listed[status], used = self.listed(reader, status)
            pages += used
        reader.close()
        return self.report(before, after, expected_sets, listed, pages)

    def report(self, before, after, expected_sets, listed, pages):
        o = self.o
        sent = sum(self.sent, Counter())
        answers = sum(self.answers, Counter())
        total_sent = sum(answers.values()) + sum(self.connection_errors)
        non2xx = sum(count for code, count in answers.items() if not 200 <= code < 300)
        checks = {}

        # 1. answers
        requests_before, requests_after = state_requests(before), state_requests(after)
        server_answers = {code: requests_after.get(code, 0) - requests_before.get(code, 0)
                          for code in set(requests_after) | set(requests_before)}
        server_answers = {code: count for code, count in server_answers.items() if count}
        server_2xx = sum(count for code, count in server_answers.items() if code.startswith("2"))
        answer_problems = []
        if non2xx or sum(self.connection_errors):
            answer_problems.append(f"{non2xx} non-2xx answers, {sum(self.connection_errors)} connection errors")
        if sum(self.mismatched):
            answer_problems.append(f"{sum(self.mismatched)} answers with an unexpected status or late")
        if server_2xx != sum(sent.values()) or len(server_answers) != (1 if server_2xx else 0):
            answer_problems.append(f"server counted POST /worker/state answers {server_answers}, client got {sum(sent.values())} 2xx")
        reads_bad = sum(count for code, count in self.reads.items() if code == "connection error" or not 200 <= code < 300)
        if reads_bad:
            answer_problems.append(f"{reads_bad} failed reads during the run")
        checks["answers"] = {"ok": not answer_problems, "problems": answer_problems}

        # 2. counts
        count_problems = []
        for status in STATUSES:
            missing, extra = expected_sets[status] - listed[status], listed[status] - expected_sets[status]
            if missing or extra:
                count_problems.append(f"GET /workers?status={status}: {len(listed[status])} listed, client has "
                                      f"{len(expected_sets[status])}; missing e.g. {sorted(missing)[:3]}, extra e.g. {sorted(extra)[:3]}")
        expected_groups = {}
        for n in range(o.workers):
            if self.status[n] in STATUSES:
                expected_groups.setdefault(self.groups[n], Counter())[self.status[n]] += 1
        group_problems = compare_group_counts(expected_groups, group_counts(after, self.root))
        if group_problems:
            count_problems.append(f"/metrics wokmanager_workers differs in {len(group_problems)} series, e.g. {group_problems[:3]}")
        unknown = sum(1 for s in self.status if s == "unknown")
        never = sum(1 for s in self.status if s is None)
        if unknown:
            count_problems.append(f"{unknown} workers in an unknown state after connection errors")
        if never:
            count_problems.append(f"{never} workers never joined (their joins failed, or the plan is too short for the ramp)")
        checks["counts"] = {"ok": not count_problems, "problems": count_problems,
                            "expected": {status: len(expected_sets[status]) for status in STATUSES},
                            "listed": {status: len(listed[status]) for status in STATUSES},
                            "groups_compared": len(set(expected_groups) | set(group_counts(after, self.root))),
                            "pages_read": pages}

        # 3. events
        events_before, events_after = events_totals(before), events_totals(after)
        deltas = {kind: events_after.get(kind, 0) - events_before.get(kind, 0) for kind in KINDS}
        event_problems = [f"{kind}: server +{deltas[kind]}, client sent {sent.get(kind, 0)}"
                          for kind in KINDS if deltas[kind] != sent.get(kind, 0)]
        checks["events"] = {"ok": not event_problems, "problems": event_problems, "deltas": deltas,
                            "sent": {kind: sent.get(kind, 0) for kind in KINDS}}

        # 4. memory
        ramp_end = max((r for r in self.ramp_done if r is not None), default=self.elapsed)
        warmup_end = max(ramp_end, o.warmup_fraction * self.elapsed)
        if self.pid:
            memory = rss_verdict(self.rss, warmup_end, self.elapsed, o.rss_tolerance_mib, o.rss_tolerance_fraction)
            memory.update(idle_mib=round(self.rss_idle, 2), series=series_summary(self.rss))
            if self.read_failures and any(f.startswith("RSS") for f in self.read_failures):
                memory.update(ok=False, reason="; ".join(f for f in self.read_failures if f.startswith("RSS")))
        else:
            memory = {"ok": True, "skipped": "no server pid (give --pid with --url)"}
        checks["memory"] = memory

        return {
            "ok": all(check["ok"] for check in checks.values()),
            "plan": {"seconds": o.seconds, "rate": o.rate, "threads": o.threads, "workers": o.workers, "groups": o.groups,
                     "ttl": o.ttl, "lost_ttl": o.lost_ttl, "requests": sum(self.slots), "seed": o.seed, "root_group": self.root},
            "run": {"elapsed_s": round(self.elapsed, 2), "requests": total_sent, "achieved_rate": round(total_sent / self.elapsed, 1),
                    "max_lag_s": round(max(self.max_lag), 3), "cpu": self.cpu, "ramp_end_s": round(ramp_end, 2),
                    "max_running_silence_s": round(max(self.max_gap), 2), "connections_opened": sum(self.opened),
                    "answers": {str(code): count for code, count in answers.items()},
                    "connection_errors": sum(self.connection_errors), "unexpected_answers": sum(self.mismatched),
                    "reads": {str(code): count for code, count in self.reads.items()}, "server_answers": server_answers},
            "churn_by_quarter": churn_by_quarter(sum(self.churn_seen, Counter())),
            "checks": checks,
            "failures": [f for per in self.failures for f in per][:10] + self.read_failures[:5],
        }


def churn_by_quarter(seen):
    """Events answered 2xx per quarter of the plan: first joins, joins again, stops, heartbeats and messages."""
    return [{action: seen.get((quarter, action), 0) for action in ("join", "rejoin", "stop", "heartbeat", "message")}
            for quarter in range(4)]


def series_summary(samples, points=13):
    """About `points` evenly spread (t, MiB) samples, for the report."""
    if not samples:
        return []
    step = max(1, (len(samples) - 1) // (points - 1))
    picked = samples[::step]
    if picked[-1] != samples[-1]:
        picked.append(samples[-1])
    return [[round(t, 1), round(rss, 1)] for t, rss in picked]


def print_report(report):
    p, r, c = report["plan"], report["run"], report["checks"]
    print(f"soak: {p['requests']:,} events planned = {p['seconds']:g} s x {p['rate']:g}/s on {p['threads']} keep-alive connections; "
          f"{p['workers']:,} workers in {p['groups']} groups under {p['root_group']} (ttl {p['ttl']} s; 1 in {VANISH_EVERY} vanish with ttl {p['lost_ttl']} s)")
    print(f"run: {r['requests']:,} requests in {r['elapsed_s']:.1f} s = {r['achieved_rate']:.1f}/s, max lag behind schedule {r['max_lag_s']:.2f} s, "
          f"all joined at {r['ramp_end_s']:.1f} s, longest silence of a running worker {r['max_running_silence_s']:.1f} s, "
          f"{r['connections_opened']} connections opened")
    cpu = r["cpu"]
    print(f"cpu: client {cpu['client_s']:.1f} s ({100 * cpu['client_s'] / r['elapsed_s']:.0f} % of a core)"
          + (f", server {cpu['server_s']:.1f} s ({100 * cpu['server_s'] / r['elapsed_s']:.0f} % of a core)" if "server_s" in cpu else "")
          + f"; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print("churn per quarter of the plan (join/rejoin/stop/heartbeat/message): " + "; ".join(
        "/".join(str(q[a]) for a in ("join", "rejoin", "stop", "heartbeat", "message")) for q in report["churn_by_quarter"]))
    status = lambda ok: "ok  " if ok else "FAIL"
    a = c["answers"]
    print(f"{status(a['ok'])} answers: {r['answers']} to events, {r['connection_errors']} connection errors, "
          f"{r['unexpected_answers']} unexpected status/late; server counted {r['server_answers']}; reads during the run {r['reads']}")
    k = c["counts"]
    print(f"{status(k['ok'])} counts: client {k['expected']}, GET /workers listed {k['listed']} ({k['pages_read']} pages); "
          f"/metrics per group compared in {k['groups_compared']} groups")
    e = c["events"]
    print(f"{status(e['ok'])} events: wokmanager_events_total deltas {e['deltas']}, client sent {e['sent']}")
    m = c["memory"]
    if "skipped" in m:
        print(f"skip memory: {m['skipped']}")
    elif "max_a_mib" in m:
        print(f"{status(m['ok'])} memory: RSS idle {m['idle_mib']:.1f} MiB; warm-up until {m['warmup_end_s']} s; "
              f"A [{m['warmup_end_s']}, {m['middle_s']}) {m['min_a_mib']:.1f}..{m['max_a_mib']:.1f} MiB; "
              f"B [{m['middle_s']}, {m['end_s']}] {m['min_b_mib']:.1f}..{m['max_b_mib']:.1f} MiB; "
              f"max B - max A = {m['growth_mib']:+.2f} MiB (allowed {m['allowed_mib']:.2f}); slope after warm-up {m['slope_mib_per_min']:+.3f} MiB/min")
        print("      series (s, MiB): " + " ".join(f"{t:g}:{v:g}" for t, v in m["series"]))
    else:
        print(f"FAIL memory: {m.get('reason')}")
    for check in c.values():
        for problem in check.get("problems", []):
            print(f"  - {problem}")
    for failure in report["failures"]:
        print(f"  ! {failure}")
    if report["run"].get("server_log_lines"):
        print(f"server log ({report['run']['server_log_lines']} lines at warning or above), last lines:")
        for line in report["server_log_tail"]:
            print(f"  {line}")
    print("PASS" if report["ok"] else "FAIL")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(BINARY),
                        help="the wokmanager executable to start (default $WOKMANAGER_BIN or .build/debug/wokmanager)")
    parser.add_argument("--url", help="use this running server instead of starting one")
    parser.add_argument("--api-key", help="the key for --url")
    parser.add_argument("--pid", type=int, help="the pid of the --url server, to sample its RSS")
    parser.add_argument("--seconds", type=float, default=60, help="planned duration: the plan is seconds x rate events (default 60)")
    parser.add_argument("--rate", type=float, default=400, help="events per second, all connections together (default 400)")
    parser.add_argument("--threads", type=int, default=16, help="writer threads, one keep-alive connection each (default 16)")
    parser.add_argument("--workers", type=int, default=10_000)
    parser.add_argument("--groups", type=int, default=300)
    parser.add_argument("--ttl", type=int, default=300, help="TTL of the workers that heartbeat (default 300 s)")
    parser.add_argument("--lost-ttl", type=int, default=10, help="TTL of the workers that vanish (default 10 s)")
    parser.add_argument("--scrape-interval", type=float, default=5, help="seconds between /metrics scrapes during the run")
    parser.add_argument("--warmup-fraction", type=float, default=0.2,
                        help="warm-up is at least this share of the run, and lasts until every worker joined (default 0.2)")
    parser.add_argument("--rss-tolerance-mib", type=float, default=4.0)
    parser.add_argument("--rss-tolerance-fraction", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--report", help="also write the report as JSON to this file")
    o = parser.parse_args(argv)

    ramp = math.ceil(o.workers / o.threads / JOIN_SHARE) * o.threads / o.rate
    if ramp > 0.6 * o.seconds:
        parser.error(f"{o.workers} workers need {ramp:.0f} s to join at {o.rate:g}/s: give at least {ramp / 0.6:.0f} s")
    if o.url and not o.api_key:
        parser.error("--url needs --api-key")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    with tempfile.TemporaryDirectory(prefix="wokmanager-soak-") as folder:
        server = None
        try:
            if o.url:
                parts = urllib.parse.urlsplit(o.url)
                host, port, key, pid = parts.hostname, parts.port or 80, o.api_key, o.pid
            else:
                key = f"soak-{os.urandom(8).hex()}"
                server = Server(folder, binary=o.binary, keys=[key], args=["--log-level", "warning"])
                server.start(timeout=60)
                host, port, pid = "127.0.0.1", server.port, server.pid
            soak = Soak(o, host, port, key, pid)
            report = soak.run()
            if server is not None:
                if server.process.poll() is not None:
                    report["ok"] = False
                    report["failures"].append(f"the server exited during the run with {server.process.returncode}")
                exit_code = server.stop()
                report["run"]["server_exit"] = "killed after 30 s" if server.killed else exit_code
                if server.killed or exit_code != 0:
                    report["ok"] = False
                    report["failures"].append(f"the server did not exit cleanly on SIGTERM: {report['run']['server_exit']}")
                log = server.log_path.read_text(errors="replace").strip()
                report["run"]["server_log_lines"] = len(log.splitlines()) if log else 0
                if log:
                    report["server_log_tail"] = log.splitlines()[-10:]
        finally:
            if server is not None:
                server.stop()
    print_report(report)
    if o.report:
        Path(o.report).write_text(json.dumps(report, indent=2) + "\n")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
