"""Starts real `wokmanager serve` processes on loopback for the end-to-end tests, through scripts/wokserver.py."""
import shutil
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import wokserver  # noqa: E402
from wokserver import BINARY, free_port  # noqa: E402,F401  (the tests import them from here)

KEY = "e2e-key-5b2f0c"


class Server(wokserver.Server):
    """wokserver.Server with the tests' key, whose failures fail the test: a server that does not start,
    or does not exit within 30 s of SIGTERM (then it is killed: no test leaves a server behind)."""

    def __init__(self, folder, port=None, keys=(KEY,), args=(), env=None, use_flags=True, binary=BINARY, cwd=None):
        super().__init__(folder, binary, port, keys, args, env, use_flags, cwd)

    def start(self, timeout=30):
        try:
            return super().start(timeout)
        except wokserver.ServerError as error:
            problem = str(error)
        pytest.fail(problem)

    def stop(self):
        running = self.process is not None and self.process.poll() is None
        super().stop()
        if running and self.killed:
            pytest.fail(f"the server did not exit within 30 s of SIGTERM:\n{self.output()[-3000:]}")


def wait_until(condition, timeout=10.0):
    """Polls `condition` (errors count as not yet) until it holds, or fails the test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (OSError, KeyError):
            pass
        time.sleep(0.05)
    pytest.fail("condition not met in time")


def promtool():
    """The path of `promtool`, or a failure naming the package that has it."""
    path = shutil.which("promtool")
    if not path:
        pytest.fail("promtool is missing: install Debian's `prometheus` package (scripts/deps.sh test does it as root)")
    return path


def scrape(server, accept_encoding=None):
    """The text of `GET /metrics`, decompressed when the server gzipped it."""
    status, text = server.request("GET", "/metrics", headers={"Accept-Encoding": accept_encoding} if accept_encoding else None)
    assert status == 200, text
    return text


@pytest.fixture
def server_factory(tmp_path):
    servers = []

    def make(name="server", **options):
        server = Server(tmp_path / name, **options)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def server(server_factory):
    return server_factory().start()


# A small fleet for the page tests: running, lost (Exporter01), failed (Ledger01, exit 3) and stopped workers, with errors.
FLEET = [
    {"id": "Importer01", "group": "product.importer", "event": "started", "ttl": 300, "host": "box-a", "version": "2.3.1"},
    {"id": "Importer02", "group": "product.importer", "event": "started", "ttl": 300, "host": "box-b", "version": "2.3.1"},
    {"id": "Importer01", "group": "product.importer", "event": "message", "message": "imported 12,400 products"},
    {"id": "Importer02", "group": "product.importer", "event": "error", "message": "row 17: price is not a number",
     "action": "skipped"},
    {"id": "Exporter01", "group": "product.exporter", "event": "started", "ttl": 1, "host": "box-c"},
    {"id": "Promo01", "group": "price.promotion", "event": "started", "ttl": 300, "host": "box-a", "version": "1.0.4"},
    {"id": "Promo02", "group": "price.promotion", "event": "error", "message": "upstream pricing API timed out",
     "action": "aborted"},
    {"id": "Invoicer", "group": "billing.invoices", "event": "started", "host": "box-d"},
    {"id": "Invoicer", "group": "billing.invoices", "event": "stopped", "exit_code": 0},
    {"id": "Mailer01", "group": "notifications.email", "event": "started", "ttl": 300, "host": "box-e", "version": "0.9.0"},
    {"id": "Mailer01", "group": "notifications.email", "event": "message", "message": "sent 340 emails"},
    {"id": "Ledger01", "group": "billing.ledger", "event": "started", "host": "box-d"},
    {"id": "Ledger01", "group": "billing.ledger", "event": "error", "message": "ledger locked by another run", "action": "aborted"},
    {"id": "Ledger01", "group": "billing.ledger", "event": "stopped", "exit_code": 3},
]


def filled_with_fleet(server):
    """`server`, started, with FLEET reported."""
    server.start()
    for event in FLEET:
        status, body = server.request("POST", "/worker/state", event, key=KEY)
        assert status == 200, body
    time.sleep(1.1)  # Exporter01's one-second TTL passes: it shows as lost
    return server


@pytest.fixture
def fleet_server(server_factory):
    return filled_with_fleet(server_factory())


@pytest.fixture
def locked_fleet_server(server_factory):
    """The fleet on a server whose reads need a key (or a signed-in browser)."""
    return filled_with_fleet(server_factory(args=("--require-key-for-reads",)))
