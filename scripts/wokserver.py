"""Starting `wokmanager serve` (or another HTTP server) and talking to it: the one copy that the end-to-end
tests (Tests/EndToEnd/conftest.py, crash_harness.py), the benchmark (bench/run.py) and the soak
(scripts/soak.py) share. Standard library only (Python 3.9+).

    from wokserver import Server
    server = Server(folder, keys=["a-key"], args=["--log-level", "warning"]).start()
    status, body = server.request("POST", "/worker/state", {"id": "a", "group": "g", "event": "started"}, key="a-key")
    server.stop()

Scripts outside this folder put it on their path first: `sys.path.insert(0, str(ROOT / "scripts"))`.
"""
import gzip
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = Path(os.environ.get("WOKMANAGER_BIN", ROOT / ".build" / "debug" / "wokmanager"))
"""The executable to start: $WOKMANAGER_BIN, else the debug build."""


class ServerError(RuntimeError):
    """A process did not start, or exited before it was ready; the message ends with its log."""


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Answers a redirect as it is, instead of following it."""

    def redirect_request(self, *arguments):
        return None


_NOT_FOLLOWING = urllib.request.build_opener(_KeepRedirects)


def request(url, method="GET", body=None, headers=None, key=None, timeout=10, follow_redirects=True):
    """One request over a new connection; returns (status, body) for every status, the body decompressed
    when gzipped, parsed when JSON, else text. `body` is sent as it is when bytes, else as JSON. A redirect
    is followed unless `follow_redirects` is false."""
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    outgoing = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if key:
        outgoing.add_header("X-API-Key", key)
    opener = urllib.request.urlopen if follow_redirects else _NOT_FOLLOWING.open
    try:
        with opener(outgoing, timeout=timeout) as answer:
            return answer.status, decode(answer.read(), answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, decode(error.read(), error.headers)


def decode(raw, headers):
    if headers.get("Content-Encoding") == "gzip":
        raw = gzip.decompress(raw)
    if headers.get("Content-Type", "").startswith("application/json"):
        return json.loads(raw)
    return raw.decode()


def cpu_seconds(pid):
    """User plus system CPU time of a process, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_status_mib(pid, field):
    """A memory figure of /proc/<pid>/status in MiB: VmRSS (now) or VmHWM (the peak)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise OSError(f"no {field} for pid {pid}")


class Process:
    """A child process that serves HTTP: its output goes to `<folder>/<name>-<start>.log`, it is ready when
    `ready_url` answers 200, and `stop` always ends it. It runs in `cwd` (default: this process's)."""

    def __init__(self, command, folder, ready_url, name="server", env=None, cwd=None):
        self.command, self.ready_url, self.name, self.env, self.cwd = command, ready_url, name, env, cwd
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = self.log = None
        self.starts = 0
        self.killed = False
        self.ready_seconds = None

    @property
    def log_path(self):
        return self.folder / f"{self.name}-{self.starts}.log"

    @property
    def pid(self):
        return self.process.pid

    def invocation(self):
        """The command line and the environment variables added to this process's own for the next start."""
        return self.command, self.env

    def start(self, timeout=30):
        """Starts the process and waits until it is ready (`ready_seconds` says how long that took); a
        process that exits first, or is not ready in time, raises ServerError and is stopped."""
        command, env = self.invocation()
        command = [str(part) for part in command]
        self.starts += 1
        self.killed = False
        self.log = open(self.log_path, "wb")
        started = time.monotonic()
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.cwd,
                                        env=None if env is None else {**os.environ, **env})
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise ServerError(f"{command[0]} exited with {self.process.returncode}:\n{self.output()}")
            try:
                with urllib.request.urlopen(self.ready_url, timeout=1) as answer:
                    if answer.status == 200:
                        self.ready_seconds = time.monotonic() - started
                        return self
            except OSError:
                time.sleep(0.01)
        self.stop()
        raise ServerError(f"{command[0]} did not answer {self.ready_url} within {timeout} s:\n{self.output()}")

    def output(self):
        """The log of the latest start."""
        if self.log and not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def signal(self, number, timeout=30):
        """Sends a signal and waits for the exit code (subprocess.TimeoutExpired after `timeout` s)."""
        self.process.send_signal(number)
        return self.process.wait(timeout=timeout)

    def stop(self, timeout=30):
        """SIGTERM, then SIGKILL if the process has not exited within `timeout` s (`killed` then says so);
        returns the exit code, or None if it never started. Calling it again does no harm."""
        if self.process is None:
            return None
        try:
            if self.process.poll() is None:
                self.signal(signal.SIGTERM, timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            self.killed = True
        finally:
            if not self.log.closed:
                self.log.close()
        return self.process.returncode

    def peak_rss_mib(self):
        return proc_status_mib(self.pid, "VmHWM")


class Server(Process):
    """One `wokmanager serve` process on 127.0.0.1 with its own database folder (the keys file lands there
    too) and a log file per start. `keys` are given as --api-key flags, or as WOKMANAGER_* variables with
    `use_flags=False`; `args` are more flags of `serve`, `env` more environment variables."""

    def __init__(self, folder, binary=BINARY, port=None, keys=(), args=(), env=None, use_flags=True, cwd=None):
        self.binary = Path(binary)
        self.port = port or free_port()
        self.database = Path(folder) / "wokmanager.sqlite"
        self.keys, self.args, self.use_flags = keys, list(args), use_flags
        super().__init__(None, folder, self.url("/healthz"), env=env, cwd=cwd)

    def invocation(self):
        """Built at each start from the attributes, so a test may move `database` before starting."""
        command, environment = [self.binary, "serve", *self.args], dict(self.env or {})
        if self.use_flags:
            command += ["--port", self.port, "--database", self.database]
            for key in self.keys:
                command += ["--api-key", key]
        else:
            environment.update(WOKMANAGER_PORT=str(self.port), WOKMANAGER_DATABASE=str(self.database),
                               WOKMANAGER_API_KEYS=",".join(self.keys))
        return command, environment

    def start(self, timeout=30):
        if not self.binary.exists():
            raise ServerError(f"{self.binary} is missing: build it first (swift build)")
        return super().start(timeout)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def request(self, method, path, body=None, headers=None, key=None, timeout=10, follow_redirects=True):
        """See `request`: (status, parsed body)."""
        return request(self.url(path), method, body, headers, key, timeout, follow_redirects)


class ConnectionFailure(Exception):
    """A request of a KeepAliveClient got no answer; `__cause__` is the error underneath."""


class KeepAliveClient:
    """One persistent HTTP/1.1 keep-alive connection over a plain socket (http.client's header parsing costs
    more CPU than the server's answer on a small machine). A failure closes it; the next request reconnects.
    Like any pooling client it does not reuse a connection idle for IDLE_REUSE seconds or more, as the
    server closes idle connections (--idle-timeout, 60 s by default). Answers are (status, raw bytes)."""

    IDLE_REUSE = 30.0

    def __init__(self, host, port, key, timeout=30):
        self.host, self.port, self.key, self.timeout = host, port, key, timeout
        self.sock = self.reader = None
        self.opened = 0
        self.last_used = 0.0

    def request(self, method, path, body=None):
        if self.sock is not None and time.monotonic() - self.last_used >= self.IDLE_REUSE:
            self.close()
        if self.sock is None:
            try:
                self.sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
            except OSError as error:
                raise ConnectionFailure(f"connect: {error}") from error
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.reader = self.sock.makefile("rb")
            self.opened += 1
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nX-API-Key: {self.key}\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        try:
            self.sock.sendall(head.encode() + b"\r\n" + (body or b""))
            status_line = self.reader.readline(65537)
            if not status_line:
                raise ConnectionError("the server closed the connection")
            version, code = status_line.split(None, 2)[:2]
            if not version.startswith(b"HTTP/1."):
                raise ValueError(f"not an HTTP answer: {status_line[:80]!r}")
            length, chunked, close = None, False, version == b"HTTP/1.0"
            while True:
                line = self.reader.readline(65537)
                if not line:
                    raise ConnectionError("the server closed the connection in the headers")
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.partition(b":")
                name, value = name.strip().lower(), value.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"transfer-encoding":
                    chunked = b"chunked" in value
                elif name == b"connection":
                    close = value == b"close"
            if chunked:
                data = b""
                while size := int(self.reader.readline(65537).split(b";")[0], 16):
                    data += self.exactly(size)
                    self.reader.readline(65537)
                while self.reader.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass
            elif length is not None:
                data = self.exactly(length)
            else:
                data, close = self.reader.read(), True
            self.last_used = time.monotonic()
            if close:
                self.close()
            return int(code), data
        except (OSError, ValueError) as error:
            self.close()
            raise ConnectionFailure(f"{type(error).__name__}: {error}") from error

    def exactly(self, size):
        data = self.reader.read(size)
        if len(data) != size:
            raise ConnectionError(f"the server closed the connection after {len(data)} of {size} bytes")
        return data

    def close(self):
        if self.sock is not None:
            self.reader.close()
            self.sock.close()
            self.sock = self.reader = None
