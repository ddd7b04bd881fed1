"""The Pushgateway API with the official Python client (`prometheus-client`) and curl as in Pushgateway's README;
a real Prometheus scrapes the result, and the series leave its view once the worker is lost."""
import json
import signal
import subprocess
import threading
import time
import urllib.parse
import urllib.request

import pytest
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import basic_auth_handler, delete_from_gateway, push_to_gateway, pushadd_to_gateway

import wokserver
from conftest import KEY, free_port, promtool, scrape, wait_until


def auth(ttl=None):
    """A client handler that signs in with the key as Basic password (any user), adding a Wokmanager-TTL header."""
    def handler(url, method, timeout, headers, data):
        if ttl is not None:
            headers = [*headers, ("Wokmanager-TTL", ttl)]
        return basic_auth_handler(url, method, timeout, headers, data, "pusher", KEY)
    return handler


def pushed_lines(text, name):
    return sorted(line for line in text.splitlines() if line.startswith(name + "{"))


def batch_registry(rows):
    registry = CollectorRegistry()
    Counter("backup_rows", "Rows backed up.", ["table"], registry=registry).labels("orders").inc(rows)
    Gauge("backup_last_success_unixtime", "When the backup last succeeded.", registry=registry).set(1.7e9)
    Histogram("backup_seconds", "How long a backup took.", buckets=(1, 10), registry=registry).observe(4)
    return registry


def test_push_pushadd_and_delete_with_the_official_client(server):
    """push (PUT) replaces the grouping key's families, pushadd (POST) replaces those of its names only, delete
    ends the worker's run and its series; every series carries group and worker, and promtool takes the whole."""
    gateway = f"127.0.0.1:{server.port}"
    push_to_gateway(gateway, job="nightly.backup", grouping_key={"instance": "db1"}, registry=batch_registry(5), handler=auth())
    text = scrape(server)
    assert pushed_lines(text, "backup_rows_total") == [
        'backup_rows_total{group="nightly.backup",worker="db1",job="nightly.backup",instance="db1",table="orders"} 5']
    assert 'backup_seconds_bucket{group="nightly.backup",worker="db1",job="nightly.backup",instance="db1",le="+Inf"} 1' in text
    assert "# TYPE backup_seconds histogram" in text
    checked = subprocess.run([promtool(), "check", "metrics"], input=text, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    status, worker = server.request("GET", "/workers/db1")
    assert status == 200 and worker["worker"]["group"] == "nightly.backup" and worker["worker"]["status"] == "running"

    only_rows = CollectorRegistry()
    Counter("backup_rows", "Rows backed up.", ["table"], registry=only_rows).labels("orders").inc(7)
    pushadd_to_gateway(gateway, job="nightly.backup", grouping_key={"instance": "db1"}, registry=only_rows, handler=auth())
    text = scrape(server)
    assert pushed_lines(text, "backup_rows_total")[0].endswith(" 7")
    assert pushed_lines(text, "backup_last_success_unixtime"), "POST keeps the families it does not push"

    push_to_gateway(gateway, job="nightly.backup", grouping_key={"instance": "db1"}, registry=only_rows, handler=auth())
    assert not pushed_lines(scrape(server), "backup_last_success_unixtime"), "PUT replaces the whole grouping key"

    delete_from_gateway(gateway, job="nightly.backup", grouping_key={"instance": "db1"}, handler=auth())
    assert not pushed_lines(scrape(server), "backup_rows_total")
    assert server.request("GET", "/workers/db1")[1]["worker"]["status"] == "stopped"
    # Deleting what was never pushed is a no-op (202), as in Pushgateway.
    delete_from_gateway(gateway, job="nightly.backup", grouping_key={"instance": "never"}, handler=auth())
    assert server.request("GET", "/workers/never")[0] == 404


def test_curl_as_in_pushgateways_readme(server):
    """The README's examples: a push without instance (the job is the worker), one with, base64 label values.
    (Its counter `some_metric` after the untyped one is refused by Pushgateway too: a name keeps its type.)"""
    def curl(path, text):
        done = subprocess.run(["curl", "-sS", "-u", f"any:{KEY}", "--data-binary", "@-", server.url(path)],
                              input=text, capture_output=True, text=True, check=True)
        return done.stdout
    assert '"status":"running"' in curl("/metrics/job/some_job", "some_metric 3.14\n")
    assert '"series":2' in curl("/metrics/job/some_job/instance/some_instance",
                                "some_metric{label=\"val1\"} 42\n# TYPE another_metric gauge\n# HELP another_metric Just an example.\nanother_metric 2398.283\n")
    curl("/metrics/job/directory_cleaner/path@base64/L3Zhci90bXA", "cleaned_files 12\n")
    text = scrape(server)
    assert 'some_metric{group="some_job",worker="some_job",job="some_job",instance=""} 3.14' in text
    assert 'some_metric{group="some_job",worker="some_instance",job="some_job",instance="some_instance",label="val1"} 42' in text
    assert 'cleaned_files{group="directory_cleaner",worker="directory_cleaner",job="directory_cleaner",path="/var/tmp",instance=""} 12' in text
    assert text.count("# TYPE some_metric ") == 1, "a family's lines stay together over workers"
    assert "# HELP another_metric Just an example.\n# TYPE another_metric gauge\n" in text


@pytest.mark.parametrize("body,problem", [
    (b"ok 1\nbroken{ 2\n", "line 2: expected a label name"),
    (b"a 1 1700000000000\n", "line 1: samples may not carry a timestamp"),
    (b"x{group=\"a\"} 1\n", "line 1: the label name 'group' is kept"),
    (b"wokmanager_workers 1\n", "line 1: the metric name 'wokmanager_workers' starts with 'wokmanager_'"),
    (b"# TYPE h histogram\nh_bucket 1\n", "line 2: 'h_bucket' of the histogram 'h' needs the label 'le'"),
    (b"".join(b"many{n=\"%d\"} 1\n" % n for n in range(1001)), "line 1001: more than 1000 series"),
])
def test_bad_pushes_are_refused_naming_the_line(server, body, problem):
    status, answer = server.request("PUT", "/metrics/job/bad", body, key=KEY)
    assert status == 400 and answer["error"]["field"] == "body" and problem in answer["error"]["message"], answer
    assert server.request("GET", "/workers/bad")[0] == 404, "a refused push is no sign of life"


def test_a_type_change_reserved_grouping_labels_protobuf_and_scopes_are_refused(server_factory):
    server = server_factory()
    keys_file = server.folder / "scoped.keys"
    added = subprocess.run([str(wokserver.BINARY), "keys", "add", "team-b", "--role", "write", "--group", "billing",
                            "--keys-file", str(keys_file)], capture_output=True, text=True, check=True)
    billing_key = added.stdout.strip()
    server.args = [*server.args, "--keys-file", str(keys_file)]
    server.start()
    assert server.request("PUT", "/metrics/job/a", b"# TYPE jobs_total counter\njobs_total 1\n", key=KEY)[0] == 200
    status, answer = server.request("PUT", "/metrics/job/b", b"# TYPE jobs_total gauge\njobs_total 1\n", key=KEY)
    assert status == 400 and "pushed as a gauge, but running workers push it as a counter" in answer["error"]["message"]
    status, answer = server.request("PUT", "/metrics/job/a/worker/x", b"y 1\n", key=KEY)
    assert status == 400 and answer["error"]["field"] == "worker"
    status, answer = server.request("PUT", "/metrics/job/a/instance", b"y 1\n", key=KEY)
    assert status == 400 and answer["error"]["field"] == "path"
    status, answer = server.request("PUT", "/metrics/job/a", b"\x0a\x03", key=KEY,
                                    headers={"Content-Type": "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"})
    assert status == 415 and answer["error"]["field"] == "Content-Type"
    status, answer = server.request("PUT", "/metrics/job/a", b"y 1\n", key=KEY, headers={"Wokmanager-TTL": "soon"})
    assert status == 400 and answer["error"]["field"] == "Wokmanager-TTL"
    assert server.request("PUT", "/metrics/job/billing.invoices", b"y 1\n", key=billing_key)[0] == 200
    status, answer = server.request("PUT", "/metrics/job/product", b"y 1\n", key=billing_key)
    assert status == 403 and answer["error"]["field"] == "job"
    assert server.request("PUT", "/metrics/job/a", b"y 1\n")[0] == 401


def test_an_acknowledged_push_survives_kill_9(server):
    assert server.request("PUT", "/metrics/job/etl/instance/w1", b"etl_rows_total 12\n", key=KEY)[0] == 200
    server.signal(signal.SIGKILL)
    server.start()
    assert pushed_lines(scrape(server), "etl_rows_total") == [
        'etl_rows_total{group="etl",worker="w1",job="etl",instance="w1"} 12']


def prometheus_query(url, query):
    with urllib.request.urlopen(f"{url}/api/v1/query?query={urllib.parse.quote(query)}", timeout=5) as answer:
        return json.load(answer)["data"]["result"]


def test_prometheus_scrapes_pushed_series_and_forgets_them_when_the_worker_is_lost(server_factory, tmp_path):
    """Pushed every half second with a 2 s TTL: Prometheus (honor_labels, as for Pushgateway) sees the series with
    the pusher's labels; once the pushes stop the worker is lost and the series leave Prometheus' view."""
    server = server_factory(args=["--sweep-interval", "1s"]).start()
    gateway = f"127.0.0.1:{server.port}"
    pushing = threading.Event()
    pushing.set()

    def pusher():
        while pushing.is_set():
            push_to_gateway(gateway, job="etl", grouping_key={"instance": "w7"}, registry=batch_registry(3), handler=auth(ttl="2s"))
            time.sleep(0.5)
    thread = threading.Thread(target=pusher)
    thread.start()
    port = free_port()
    config = tmp_path / "prometheus.yml"
    config.write_text(f"global: {{scrape_interval: 1s}}\nscrape_configs:\n  - job_name: wokmanager\n    honor_labels: true\n"
                      f"    static_configs: [{{targets: ['127.0.0.1:{server.port}']}}]\n")
    prometheus = wokserver.Process(
        ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'tsdb'}", f"--web.listen-address=127.0.0.1:{port}"],
        tmp_path / "prometheus", f"http://127.0.0.1:{port}/-/ready", name="prometheus")
    try:
        prometheus.start()
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: prometheus_query(url, 'backup_rows_total{job="etl",worker="w7"}'), timeout=30)
        series = prometheus_query(url, "backup_rows_total")[0]["metric"]
        assert series["group"] == "etl" and series["instance"] == "w7" and series["table"] == "orders"
        pushing.clear()
        thread.join()
        wait_until(lambda: server.request("GET", "/workers/w7")[1]["worker"]["status"] == "lost", timeout=10)
        wait_until(lambda: not prometheus_query(url, "backup_rows_total"), timeout=20)
    finally:
        pushing.clear()
        thread.join()
        prometheus.stop()
