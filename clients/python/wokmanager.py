#!/usr/bin/env python3
"""wokmanager client: the seed's query script, and a small library for Python workers.

Standard library only, Python 3.9+. As a script it answers "which workers are running?":

    ./wokmanager.py --id '*'            # every running worker
    ./wokmanager.py --id Importer01     # one worker, if it is running
    ./wokmanager.py --group product --status lost --json
    ./wokmanager.py --problems          # open and acknowledged problems

As a library it reports a worker's lifecycle:

    from wokmanager import Client
    client = Client("http://127.0.0.1:5000", api_key="...")
    with client.worker("Importer01", "product.importer", ttl=30) as worker:
        worker.message("importing 1200 rows")
        ...

Network failures never raise into the worker: events are retried a few times, then dropped with a log line.
"""
import argparse
import http.client
import json
import logging
import os
import ssl
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

__all__ = ["Client", "WorkerReporter", "WokmanagerError", "main"]
__version__ = "0.2.0"

DEFAULT_URL = "http://127.0.0.1:5000"
log = logging.getLogger("wokmanager")


class WokmanagerError(Exception):
    """The server answered with an error, or could not be reached."""

    def __init__(self, message, status=None, field=None, hint=None, retry_after=None):
        super().__init__(message)
        self.status = status
        self.field = field
        self.hint = hint
        self.retry_after = retry_after


class Client:
    """Talks to one wokmanager server. `url`, `api_key` and `ca_file` default to WOKMANAGER_URL,
    WOKMANAGER_API_KEY and WOKMANAGER_CACERT; `ca_file` is a PEM file of the CA certificates an https
    server is verified with (by default, the system's)."""

    def __init__(self, url=None, api_key=None, timeout=5.0, retries=3, backoff=0.5, ca_file=None):
        self.url = (url or os.environ.get("WOKMANAGER_URL") or DEFAULT_URL).rstrip("/")
        self.api_key = api_key if api_key is not None else os.environ.get("WOKMANAGER_API_KEY")
        ca_file = ca_file or os.environ.get("WOKMANAGER_CACERT")
        self._tls = ssl.create_default_context(cafile=ca_file) if ca_file else None
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff

    # Reading

    def workers(self, id=None, group=None, status=None, limit=1000):
        """Every worker matching the filters (following pages), as dicts. `status` is a name or a list."""
        query = {"limit": str(limit)}
        if id:
            query["id"] = id
        if group:
            query["group"] = group
        if status:
            query["status"] = ",".join([status] if isinstance(status, str) else status)
        workers = []
        while True:
            page = self._request("GET", "/workers?" + urllib.parse.urlencode(query))
            workers += page["workers"]
            if not page.get("next_cursor"):
                return workers
            query["cursor"] = page["next_cursor"]

    def worker_detail(self, id):
        """One worker with its recent messages, errors and history."""
        return self._request("GET", "/workers/" + urllib.parse.quote(id, safe=""))

    def problems(self, kind=None, group=None, state=None, since=None, limit=100):
        """Problems as dicts, open ones first, each newest first. `kind` is a name or a list (lost, failed, degraded,
        down, late, missed, overrun); `state` is open, acknowledged, resolved or all (default: open and acknowledged);
        `since` is a time (RFC 3339, Unix seconds or "now")."""
        query = {"limit": str(limit)}
        if kind:
            query["kind"] = ",".join([kind] if isinstance(kind, str) else kind)
        if group:
            query["group"] = group
        if state:
            query["state"] = state
        if since is not None:
            query["since"] = str(since)
        return self._request("GET", "/problems?" + urllib.parse.urlencode(query))["problems"]

    # Writing

    def acknowledge(self, id, note=None):
        """Acknowledges problem `id` (needs an admin key) and returns it; a resolved one raises (status 409)."""
        body = {"note": note} if note is not None else {}
        return self._request("POST", f"/problems/{int(id)}/acknowledge", body)

    def send(self, event, id, group, keep_trying=None, **fields):
        """Sends one event (`started`, `heartbeat`, `message`, `error`, `stopped`) and returns the server's answer.

        Extra fields (`message`, `action`, `exit_code`, `ttl`, `host`, `pid`, `version`, `labels`, `at`) go as they are.
        Raises WokmanagerError when the server refuses the event or cannot be reached after the retries;
        `keep_trying`, when given, is asked before each retry.
        """
        body = {"id": id, "group": group, "event": event, **{k: v for k, v in fields.items() if v is not None}}
        return self._request("POST", "/worker/state", body, retry=True, keep_trying=keep_trying)

    def worker(self, id, group, ttl=30, heartbeat_interval=None, **fields):
        """A context manager that reports a worker's run: `started` on entry, heartbeats while inside, and on
        exit `stopped`, or an `error` (action `aborted`) when the block raises. Never raises network errors."""
        return WorkerReporter(self, id, group, ttl=ttl, heartbeat_interval=heartbeat_interval, **fields)

    # Plumbing

    def _request(self, method, path, body=None, retry=False, keep_trying=None):
        data = json.dumps(body).encode() if body is not None else None
        attempts = self.retries + 1 if retry else 1
        for attempt in range(attempts):
            request = urllib.request.Request(self.url + path, data=data, method=method)
            request.add_header("Accept", "application/json")
            if data is not None:
                request.add_header("Content-Type", "application/json")
            if self.api_key:
                request.add_header("X-API-Key", self.api_key)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout, context=self._tls) as answer:
                    return json.loads(answer.read() or b"{}")
            except urllib.error.HTTPError as error:
                failure = _server_error(error)
                if (error.code < 500 and error.code != 429) or attempt == attempts - 1:
                    raise failure from None
            except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as error:
                reason = getattr(error, "reason", error)
                failure = WokmanagerError(f"cannot reach wokmanager at {self.url}: {reason}")
                if attempt == attempts - 1:
                    raise failure from None
            if keep_trying is not None and not keep_trying():
                raise failure
            # A 429 says how long to wait (a key creating groups past --max-new-groups-per-minute).
            time.sleep(min(failure.retry_after, 60) if failure.retry_after else self.backoff * (2 ** attempt))
        raise AssertionError("unreachable")


def _server_error(error):
    retry_after = error.headers.get("Retry-After") if error.code == 429 else None
    retry_after = max(int(retry_after), 1) if retry_after and retry_after.isdigit() else (1 if error.code == 429 else None)
    try:
        detail = json.loads(error.read())["error"]
        return WokmanagerError(detail.get("message", str(error)), status=error.code, field=detail.get("field"),
                               hint=detail.get("hint"), retry_after=retry_after)
    except (ValueError, KeyError, TypeError, OSError, http.client.HTTPException):
        return WokmanagerError(f"HTTP {error.code} from wokmanager", status=error.code, retry_after=retry_after)


class WorkerReporter:
    """Reports one run of a worker; see Client.worker."""

    def __init__(self, client, id, group, ttl=30, heartbeat_interval=None, **fields):
        self.client = client
        self.id = id
        self.group = group
        self.ttl = ttl
        self.fields = fields
        self.interval = heartbeat_interval or max(1.0, ttl / 3.0 if ttl else 10.0)
        self._stop = threading.Event()
        self._thread = None

    def __enter__(self):
        self._stop.clear()
        self._send("started", ttl=self.ttl, pid=os.getpid(), **self.fields)
        self._thread = threading.Thread(target=self._beat, name=f"wokmanager-heartbeat-{self.id}", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, kind, error, traceback):
        self._stop.set()
        if self._thread:
            self._thread.join()  # a heartbeat in flight gives up its retries once stopping; none follows the stop
        if error is None:
            self._send("stopped", exit_code=0)
        else:
            self._send("error", message=f"{kind.__name__}: {error}"[:4000], action="aborted")
            self._send("stopped", exit_code=1)
        return False  # the worker's exception goes on

    def message(self, text):
        """Reports a status message."""
        self._send("message", message=text)

    def error(self, text, action="logged"):
        """Reports an error the worker handled (`logged`, `retried`, `skipped`); `aborted` marks it failed."""
        self._send("error", message=text, action=action)

    def _beat(self):
        while not self._stop.wait(self.interval):
            self._send("heartbeat", retry=lambda: not self._stop.is_set())

    def _send(self, event, retry=None, **fields):
        # Every event carries the time it happened, so one delivered late cannot undo a later one.
        fields.setdefault("at", time.time())
        try:
            self.client.send(event, self.id, self.group, keep_trying=retry, **fields)
        except Exception as error:  # never let reporting break the worker
            log.warning("wokmanager: %s event of %s not delivered: %s", event, self.id, error)


# The seed's query script

def main(argv=None):
    parser = argparse.ArgumentParser(description="Query which workers are running on a wokmanager server.")
    parser.add_argument("--id", default="*", help="worker id or glob (default '*': every worker)")
    parser.add_argument("--group", help="a group and everything below it (product) or a glob (product.*)")
    parser.add_argument("--status", action="append", choices=["running", "lost", "stopped", "failed"],
                        help="statuses to list (repeatable; default running)")
    parser.add_argument("--url", help=f"server address (WOKMANAGER_URL, default {DEFAULT_URL})")
    parser.add_argument("--api-key", help="API key, needed when reads require one (WOKMANAGER_API_KEY)")
    parser.add_argument("--cacert", help="PEM file of the CA certificates to verify an https server with (WOKMANAGER_CACERT)")
    parser.add_argument("--json", action="store_true", help="print the workers as JSON")
    parser.add_argument("--problems", action="store_true",
                        help="list the open and acknowledged problems instead (of --group, when given)")
    options = parser.parse_args(argv)
    client = Client(options.url, options.api_key, ca_file=options.cacert)
    if options.problems:
        return _print_problems(client, options)

    criteria = {"id": options.id}
    if options.group:
        criteria["group"] = options.group
    if options.status:
        criteria["status"] = options.status
    statuses = options.status or ["running"]
    try:
        workers = client.workers(id=options.id, group=options.group, status=statuses)
    except WokmanagerError as error:
        print(f"wokmanager: {error}", file=sys.stderr)
        return 1
    if options.json:
        print(json.dumps(workers, indent=2, ensure_ascii=False))
        return 0
    print(f"Requiring Workers that match {criteria} condition")
    label = "running" if statuses == ["running"] else "/".join(statuses)
    print(f"{len(workers)} Workers {label} with such a criteria:")
    for worker in workers:
        print(f"Id: {_printable(worker['id'])}, group: {_printable(worker['group'])}")
    return 0


def _print_problems(client, options):
    try:
        problems = client.problems(group=options.group)
    except WokmanagerError as error:
        print(f"wokmanager: {error}", file=sys.stderr)
        return 1
    if options.json:
        print(json.dumps(problems, indent=2, ensure_ascii=False))
        return 0
    print(f"{len(problems)} Problems open or acknowledged:")
    for problem in problems:
        subject = f"worker {problem['worker']}" if "worker" in problem else f"group {problem['group']}"
        line = f"Problem {problem['id']}: {problem['kind']} of {subject} ({problem['state']})"
        if problem.get("detail"):
            line += f": {problem['detail']}"
        print(_printable(line))
    return 0


def _printable(text):
    """Keeps what a worker sent from steering the terminal: control characters are shown escaped."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


if __name__ == "__main__":
    sys.exit(main())
