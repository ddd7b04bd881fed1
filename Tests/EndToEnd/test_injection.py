"""What a worker (or anyone who can reach the server) sends is data on every channel it comes out of: one
end-to-end test per channel, each with values built to break out of it.

- HTML: the status page, a worker's page and the not-found page, in text and in attributes (links built
  from ids and groups, form values, data-path), as served and as a real browser builds the DOM.
- Prometheus: label values in /metrics (`promtool check metrics`, and every value reads back the same).
- Log lines: paths, ids and messages with line breaks and escape sequences forge no line of the server's log.
- CLI output: escape sequences, line breaks, C1 controls and bidirectional overrides are shown escaped by
  `wokmanager workers`, `show`, `errors` and `tree`, in tables and in --json and --jsonl.
- Static files: no path, however encoded, reads a file outside Public/.
"""
import http.client
import json
import os
import re
import subprocess
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser

import pytest

from conftest import BINARY, KEY, REPO, promtool, scrape
from driven_browser import browser, refresh_now  # noqa: F401  (browser is a fixture)


def post(server, events):
    status, answer = server.request("POST", "/events", events, key=KEY)
    assert status == 200 and answer["accepted"] == len(events), answer


# --- HTML -------------------------------------------------------------------------------------------------

HTML_ID = "\"><script>alert(1)</script><a href='javascript:alert(2)'>x"
HTML_GROUP = "x\"><img src=x onerror=alert(3)>.y'onmouseover='alert(4)"
HTML_MESSAGE = "</td></tr></table><script>alert(5)</script>{{{triple}}} & done"
HTML_SEARCH = "\" autofocus onfocus=\"alert(6)"
MISSING_ID = "<svg onload=alert(7)>"

# Every tag the templates write; anything else in a page was injected.
TEMPLATE_TAGS = {"a", "body", "button", "code", "dd", "details", "div", "dl", "dt", "em", "fieldset", "footer", "form", "h1", "h2",
                 "head", "header", "html", "img", "input", "label", "li", "link", "main", "meta", "nav", "ol", "option",
                 "legend", "p", "script", "section", "select", "span", "summary", "table", "tbody", "td", "th", "thead", "time",
                 "title", "tr", "ul",
                 "svg", "line", "polyline", "rect", "text"}


class Page(HTMLParser):
    """The elements (tag and attributes, entities decoded) and the text of an HTML document."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.chunks = []
        self.feed(html)
        self.close()
        self.text = "".join(self.chunks)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.chunks.append(data)

    def all(self, tag, **attributes):
        return [attrs for name, attrs in self.elements
                if name == tag and all(attrs.get(key) == value for key, value in attributes.items())]


def assert_nothing_injected(page):
    """Only the templates' own tags, no event-handler attribute, one script (app.js), and every URL local."""
    for tag, attrs in page.elements:
        assert tag in TEMPLATE_TAGS, (tag, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on") and name not in {"autofocus", "srcdoc", "formaction"}, (tag, attrs)
            if name in {"href", "src", "action"}:
                assert value == "#main" or value.startswith("/") and not value.startswith("//"), (tag, attrs)
    assert [attrs["src"] for attrs in page.all("script")] == ["/static/app.js"]
    assert [attrs["src"] for attrs in page.all("img")] in ([], ["/static/favicon.svg"])


def chromium_dom(browser, server, path):
    """The DOM of `path` after Chromium ran the page's script, including one refresh of the content."""
    browser.get(server.url(path))
    assert refresh_now(browser), "app.js did not refresh the page"
    return browser.page_source


def test_html_pages_show_hostile_values_as_text(server, browser):
    """Ids, groups, messages, labels and filters made of markup come out of the status page, the worker
    page and the not-found page as text: no injected element or attribute, in the HTML as served and in
    the DOM Chromium builds (after app.js has refreshed the content once); links built from them lead
    back to exactly them."""
    post(server, [
        {"id": HTML_ID, "group": HTML_GROUP, "event": "started", "host": "<b onclick=alert(8)>host</b>",
         "version": "' onmouseover='alert(9)", "labels": {"k": "\"><iframe src=//evil.example>"}},
        {"id": HTML_ID, "group": HTML_GROUP, "event": "message", "message": HTML_MESSAGE},
        {"id": HTML_ID, "group": HTML_GROUP, "event": "error", "message": HTML_MESSAGE, "action": "<em>aborted</em>"},
    ])
    quoted_id = urllib.parse.quote(HTML_ID, safe="")
    pages = {
        "/": server.request("GET", "/"),
        "filtered": server.request("GET", "/?" + urllib.parse.urlencode({"group": HTML_GROUP, "q": HTML_SEARCH}, quote_via=urllib.parse.quote)),
        "worker": server.request("GET", f"/ui/workers/{quoted_id}"),
        "missing": server.request("GET", "/ui/workers/" + urllib.parse.quote(MISSING_ID, safe="")),
    }
    assert [status for status, _ in pages.values()] == [200, 200, 200, 404]
    parsed = {name: Page(html) for name, (_, html) in pages.items()}
    for page in parsed.values():
        assert_nothing_injected(page)

    status_page = parsed["/"]
    assert HTML_ID in status_page.text and HTML_MESSAGE in status_page.text
    worker_links = [attrs["href"] for attrs in status_page.all("a") if attrs.get("href", "").startswith("/ui/workers/")]
    assert {urllib.parse.unquote(link.removeprefix("/ui/workers/")) for link in worker_links} == {HTML_ID}
    group_links = {urllib.parse.parse_qs(urllib.parse.urlsplit(attrs["href"]).query).get("group", [None])[0]
                   for attrs in status_page.all("a") if attrs.get("href", "").startswith("/?group=")}
    assert group_links == {"x\"><img src=x onerror=alert(3)>", HTML_GROUP}
    assert {attrs["data-path"] for attrs in status_page.all("details")} - {"(tree)"} == group_links

    filtered = parsed["filtered"]
    assert filtered.all("input", name="q")[0]["value"] == HTML_SEARCH
    assert filtered.all("input", name="group")[0]["value"] == HTML_GROUP

    worker = parsed["worker"]
    for shown in (HTML_ID, HTML_MESSAGE, "<b onclick=alert(8)>host</b>", "' onmouseover='alert(9)",
                  "\"><iframe src=//evil.example>", "<em>aborted</em>"):
        assert shown in worker.text, shown
    assert MISSING_ID in parsed["missing"].text

    dom = Page(chromium_dom(browser, server, "/"))
    assert dom.all("span", **{"class": "live", "data-live": ""}), "app.js did not run and refresh the page"
    assert_nothing_injected(dom)
    assert HTML_ID in dom.text and HTML_MESSAGE in dom.text


# --- Prometheus -------------------------------------------------------------------------------------------

METRIC_GROUPS = ['quote"d.group', "back\\slash.x", "brace}{.y", "{{mustache}}.z", "ünïcode.é", "sp ace.tab",
                 'eq=ual,"comma".w', "# HELP fake gauge.v", "trailing\\.u"]
METRIC_ID = 'id"with\\quote},x="y'
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \S+)?$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?')


def samples(text):
    """(metric, {label: value}) of every sample line, label values unescaped as Prometheus reads them."""
    found = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        labels = {}
        if match.group(2):
            pairs = LABEL.findall(match.group(2))
            assert "".join(f'{k}="{v}",' for k, v in pairs).rstrip(",") == match.group(2).rstrip(","), line
            labels = {key: re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), value) for key, value in pairs}
        found.append((match.group(1), labels))
    return found


def test_metrics_label_values_survive_hostile_groups_and_ids(server_factory):
    """Groups and ids with quotes, backslashes, braces, commas, `=` and a fake `# HELP`, for workers in every
    status: `promtool check metrics` accepts the exposition (plain and gzip) without a warning, and every
    label value reads back as exactly the group or id that was sent."""
    server = server_factory(args=["--per-worker-metrics"]).start()
    events = [{"id": METRIC_ID, "group": METRIC_GROUPS[0], "event": "started"}]
    for index, group in enumerate(METRIC_GROUPS):
        events += [
            {"id": f"run-{index}", "group": group, "event": "started"},
            {"id": f"lost-{index}", "group": group, "event": "started", "ttl": 1},
            {"id": f"stop-{index}", "group": group, "event": "stopped"},
            {"id": f"fail-{index}", "group": group, "event": "stopped", "exit_code": 1},
            {"id": f"err-{index}", "group": group, "event": "error", "message": "bad \"row\"\n} x=\"1\"", "action": "logged"},
        ]
    post(server, events)
    time.sleep(1.1)  # the lost-* workers pass their one-second TTL
    for encoding in (None, "gzip"):
        text = scrape(server, encoding)
        checked = subprocess.run([promtool(), "check", "metrics"], input=text, capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert checked.stdout.strip() == "" and checked.stderr.strip() == "", checked.stdout + checked.stderr
    read = samples(text)
    assert {labels["group"] for metric, labels in read if metric == "wokmanager_workers_running"} == set(METRIC_GROUPS)
    statuses = {(labels["group"], labels["status"]) for metric, labels in read if metric == "wokmanager_workers"}
    assert statuses == {(group, status) for group in METRIC_GROUPS for status in ("running", "lost", "stopped", "failed")}
    last_seen = {(labels["id"], labels["group"]) for metric, labels in read if metric == "wokmanager_worker_last_seen_timestamp_seconds"}
    assert (METRIC_ID, METRIC_GROUPS[0]) in last_seen and len(last_seen) == 5 * len(METRIC_GROUPS) + 1


# --- Log lines --------------------------------------------------------------------------------------------

LOG_LINE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4} (trace|debug|info|notice|warning|error|critical) \S")
FORGED = "2026-01-01T00:00:00+0000 critical wokmanager: forged"


def test_log_lines_cannot_be_forged(server_factory):
    """Paths (percent-encoded line breaks and escape sequences), ids, groups, messages and labels with
    line breaks, carriage returns and escape sequences, in accepted and refused requests, with and without
    a valid key: with the request log on (debug), every line of the server's log is a well-formed log
    line, none is the forged one, and the log holds no raw escape or carriage return."""
    server = server_factory(args=["--log-level", "debug"]).start()
    forged_path = urllib.parse.quote("\n" + FORGED, safe="")
    paths = [f"/workers/{forged_path}", f"/ui/workers/{forged_path}", "/workers/%1B%5B2J%1B%5D0%3Bpwned%07",
             f"/static/{forged_path}", f"/nowhere/%0D%0A{forged_path}", f"/workers?id=%0A{forged_path}",
             f"/errors?worker=x%0A{forged_path}&group=%0D%0A{forged_path}"]
    for path in paths:
        status, _ = server.request("GET", path)
        assert 400 <= status < 500, (path, status)
    assert server.request("DELETE", f"/workers/{forged_path}", key="wrong-key")[0] == 401
    assert server.request("DELETE", f"/workers/{forged_path}", key=KEY)[0] == 404
    hostile = "\n" + FORGED + "\r\n\x1b[2J\x1b]0;pwned\x07\u2028\u0085"
    for event in ({"id": "x" + hostile, "group": "g", "event": "started"},
                  {"id": "w", "group": "g" + hostile, "event": "started"},
                  {"id": "w", "group": "g", "event": "started", "labels": {"k" + hostile: "v"}}):
        assert server.request("POST", "/worker/state", event, key=KEY)[0] == 400
    post(server, [{"id": "w", "group": "g", "event": "error", "message": hostile, "action": hostile, "host": hostile,
                   "version": hostile, "labels": {"k": hostile}}])
    ndjson = (json.dumps({"id": "w2", "group": "g", "event": "message", "message": hostile}) + "\n" + hostile).encode()
    assert server.request("POST", "/events", ndjson, key=KEY)[0] == 200
    assert server.request("POST", "/worker/state", hostile.encode(), key=KEY)[0] == 400
    server.stop()
    log = server.log_path.read_bytes()
    assert b"\x1b" not in log and b"\r" not in log and "\u2028".encode() not in log and "\u0085".encode() not in log
    lines = log.decode().splitlines()
    assert [line for line in lines if not LOG_LINE.match(line)] == []
    assert not any(line.startswith(FORGED) for line in lines)
    assert any(f"path=/workers/{forged_path}" in line for line in lines), "the request log did not record the hostile path"


# --- CLI output -------------------------------------------------------------------------------------------

TERMINAL_ID = "evil\u202etxt.exe"  # a right-to-left override: shows as "evilexe.txt"
TERMINAL_GROUP = "cli.\u202eevil"
TERMINAL_TEXT = "m\x1b]0;pwned\x07\x1b[2J\r\nforged line \x9b31m csi \x7f del \x85 nel \u2028 ls \u200b zw"
# C0 controls except the line feed, DEL, C1 controls, and the format and separator characters a terminal may act on.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]")


def cli(server, *arguments):
    environment = {**os.environ, "WOKMANAGER_URL": server.url(""), "WOKMANAGER_API_KEY": KEY, "NO_COLOR": "1"}
    done = subprocess.run([str(BINARY), *arguments], capture_output=True, text=True, env=environment, timeout=60)
    assert done.returncode == 0, (arguments, done.stderr)
    return done.stdout


def test_cli_output_escapes_terminal_controls(server):
    """Escape sequences (OSC title, clear screen), BEL, CR/LF, C1 CSI, DEL, NEL, U+2028, zero-width and
    right-to-left override characters in ids, groups, messages, actions, hosts and labels reach no
    terminal raw: tables show them as a shell writes them (\\n, \\x1b, \\u202e); --json and --jsonl write
    them as \\u escapes and still parse back to exactly what the worker sent."""
    post(server, [
        {"id": TERMINAL_ID, "group": TERMINAL_GROUP, "event": "started", "host": "h\x1b[1m", "labels": {"k": "v\x1b[7m"}},
        {"id": TERMINAL_ID, "group": TERMINAL_GROUP, "event": "message", "message": TERMINAL_TEXT},
        {"id": TERMINAL_ID, "group": TERMINAL_GROUP, "event": "error", "message": TERMINAL_TEXT, "action": "a\x1b[5m"},
    ])
    tables = {
        "workers": cli(server, "workers"),
        "show": cli(server, "show", TERMINAL_ID),
        "errors": cli(server, "errors"),
        "tree": cli(server, "tree"),
    }
    for name, output in tables.items():
        assert not UNSAFE.search(output), (name, output)
    assert "evil\\u202etxt.exe" in tables["workers"] and "m\\x1b]0;pwned\\x07\\x1b[2J\\r\\nforged line" in tables["workers"]
    for shown in ("h\\x1b[1m", "k=v\\x1b[7m", "\\x9b31m csi \\x7f del \\x85 nel \\u2028 ls \\u200b zw"):
        assert shown in tables["show"], shown
    assert "a\\x1b[5m" in tables["errors"] and "\\u202eevil" in tables["tree"]
    assert len(tables["workers"].splitlines()) == 2  # the header and one row: no line break got through

    workers = cli(server, "workers", "--json")
    detail = cli(server, "show", TERMINAL_ID, "--json")
    errors = cli(server, "errors", "--json")
    tree = cli(server, "tree", "--json")
    lines = cli(server, "workers", "--jsonl") + cli(server, "errors", "--jsonl")
    for output in (workers, detail, errors, tree, lines):
        assert not UNSAFE.search(output), output
    assert [(entry.get("id", entry.get("worker_id")), entry["message"]) for entry in map(json.loads, lines.splitlines())] == [
        (TERMINAL_ID, TERMINAL_TEXT)] * 2
    assert [(w["id"], w["group"], w["message"], w["host"], w["labels"]) for w in json.loads(workers)] == [
        (TERMINAL_ID, TERMINAL_GROUP, TERMINAL_TEXT, "h\x1b[1m", {"k": "v\x1b[7m"})]
    assert json.loads(detail)["errors"][0]["action"] == "a\x1b[5m"
    assert [(e["worker_id"], e["message"]) for e in json.loads(errors)] == [(TERMINAL_ID, TERMINAL_TEXT)]
    assert json.loads(tree)["children"][0]["children"][0]["name"] == "\u202eevil"


# --- Static files -----------------------------------------------------------------------------------------

TRAVERSALS = [
    "/static/../Package.swift", "/static/%2e%2e/Package.swift", "/static/%2E%2E%2FPackage.swift", "/static/..%2fPackage.swift",
    "/static/.%2e/Package.swift", "/static/%2e./Package.swift", "/static/%252e%252e/Package.swift",
    "/static/%252e%252e%252fPackage.swift", "/static/..%252fPackage.swift", "/static/%2e%2e%5cPackage.swift",
    "/static/..\\Package.swift", "/static/x/../../Package.swift", "/static/%2e%2e/%2e%2e/main/Package.swift",
    "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/static/%2Fetc%2Fpasswd", "/static//etc/passwd",
    "/static/%2F" + "%2F".join(REPO.parts[1:]) + "%2FPackage.swift", "/static/..%00/Package.swift", "/static/style.css%00.js",
    "/static/%C0%AE%C0%AE/Package.swift", "/static/%c0%af%c0%afetc%c0%afpasswd", "/static/%2e%2e", "/static/..",
    "/static/%ZZ/Package.swift", "/%2e%2e/Package.swift", "/../Package.swift", "/STATIC/../Package.swift",
    "/static%2f..%2fPackage.swift", "/Public/../Package.swift",
]


def raw_get(server, path):
    """GET with the path exactly as written: no client-side normalisation of `..` or re-encoding."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def test_static_files_cannot_leave_public(server):
    """`..` in every spelling (plain, percent-encoded in either case, mixed, double-encoded, backslash,
    overlong UTF-8, NUL-terminated, broken percent-encoding) and absolute paths, under /static/ or beside
    it, answer 404 with a JSON error and never the bytes of Package.swift or /etc/passwd, while the real
    files are served."""
    assert raw_get(server, "/static/style.css")[0] == 200
    assert raw_get(server, "/static/app.js")[0] == 200
    package = (REPO / "Package.swift").read_bytes()
    for path in TRAVERSALS:
        status, body = raw_get(server, path)
        assert status == 404, (path, status, body[:200])
        assert json.loads(body)["error"]["message"], path
        assert b"swift-tools-version" not in body and b"root:" not in body and package not in body, path
