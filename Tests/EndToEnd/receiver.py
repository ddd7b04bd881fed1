"""A real HTTP receiver for the notification tests: records every request it gets (method, path, headers, raw
body, the status it answered) and answers 200, or 500 while told to fail. Standard library only.

    with Receiver() as receiver:
        server.request("PUT", "/webhooks/hook", {"url": receiver.url}, key=KEY)
        receiver.fail_for(30)              # 500 for the next 30 s
        receiver.wait_for(lambda requests: any(r.delivered for r in requests))
"""
import hashlib
import hmac
import http.server
import json
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Received:
    """One request as the receiver got it; `status` is what it answered."""
    method: str
    path: str
    headers: dict  # lower-cased names
    body: bytes
    status: int
    at: float = field(default_factory=time.time)

    @property
    def delivered(self):
        return 200 <= self.status < 300

    def json(self):
        return json.loads(self.body)

    def notifications(self):
        """The entries of a wokmanager JSON message."""
        return self.json()["notifications"]


def verify_signature(header, body, secret, now=None, tolerance=300):
    """True when `header` (X-Wokmanager-Signature, `t=..,v1=..`) is HMAC-SHA256 under `secret` of `t.body`,
    with `t` within `tolerance` seconds of now: docs/notifications.md's scheme, written again here."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    timestamp = int(parts["t"])
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


class Receiver:
    """An HTTP/1.1 server on 127.0.0.1 in a daemon thread; `url` is its base. Keep-alive, as webhook senders
    pool connections."""

    def __init__(self):
        self.lock = threading.Lock()
        self._requests = []
        self._failing_until = 0.0
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status = 500 if time.monotonic() < receiver._failing_until else 200
                answer = b'{"ok":false}' if status == 500 else b'{"ok":true}'
                # Recorded before the answer goes out: once the sender has the status, the test sees the request.
                with receiver.lock:
                    receiver._requests.append(Received(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body, status))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_PUT = do_POST

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def fail_for(self, seconds):
        """Answers 500 to every request for the next `seconds`."""
        self._failing_until = time.monotonic() + seconds

    @property
    def failing(self):
        return time.monotonic() < self._failing_until

    @property
    def requests(self):
        """A copy of every request so far, in arrival order."""
        with self.lock:
            return list(self._requests)

    def delivered(self):
        """The requests answered 2xx."""
        return [r for r in self.requests if r.delivered]

    def delivered_notifications(self):
        """Every notification entry of the messages answered 2xx, in arrival order."""
        return [n for r in self.delivered() for n in r.notifications()]

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
