"""Limits on the connection itself: header count and size, and clients that are too slow."""
import socket
import time

from conftest import KEY

EVENT = b'{"id": "slow", "group": "g", "event": "started"}'


def connect(server):
    connection = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    return connection


def read_all(connection):
    """Everything the server sends until it closes the connection (or 10 s pass)."""
    chunks = []
    while True:
        try:
            chunk = connection.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def request_with_headers(count, value_size=10):
    lines = [b"GET /healthz HTTP/1.1", b"Host: localhost"]
    lines += [b"X-Filler-%d: %s" % (index, b"v" * value_size) for index in range(count - 1)]
    return b"\r\n".join(lines) + b"\r\n\r\n"


def test_a_hundred_headers_pass_and_one_more_is_refused(server):
    """100 header fields is the limit: at it the request is answered; over it the server answers 400
    and closes the connection, before any route runs."""
    with connect(server) as connection:
        connection.sendall(request_with_headers(100))
        assert connection.recv(65536).startswith(b"HTTP/1.1 200")
    with connect(server) as connection:
        connection.sendall(request_with_headers(101))
        answer = read_all(connection)
        assert answer.startswith(b"HTTP/1.1 400")
        assert b"connection: close" in answer.lower()


def test_headers_over_16_kib_are_refused(server):
    """All header fields together may take 16 KiB; one of 17 KiB answers 400."""
    with connect(server) as connection:
        connection.sendall(request_with_headers(2, value_size=17 * 1024))
        assert read_all(connection).startswith(b"HTTP/1.1 400")


def test_a_client_that_never_finishes_its_head_is_disconnected_after_the_idle_timeout(server_factory):
    """A slowloris client (half a request head, then nothing) loses its connection after
    --idle-timeout, and the server keeps serving everyone else meanwhile."""
    server = server_factory(args=["--idle-timeout", "1s"]).start()
    with connect(server) as connection:
        connection.sendall(b"POST /worker/state HTTP/1.1\r\nHost: localhost\r\n")
        started = time.monotonic()
        assert server.request("GET", "/healthz")[0] == 200
        assert read_all(connection) == b""
        assert 0.5 < time.monotonic() - started < 5


def test_a_body_dribbled_byte_by_byte_is_dropped_after_the_read_timeout(server_factory):
    """Each byte arrives within the idle timeout, but the whole request takes longer than
    --read-timeout: the connection is closed and the half-sent event is not stored."""
    server = server_factory(args=["--idle-timeout", "5s", "--read-timeout", "2s"]).start()
    head = (b"POST /worker/state HTTP/1.1\r\nHost: localhost\r\nX-API-Key: %s\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (KEY.encode(), len(EVENT)))
    started = time.monotonic()
    closed = False
    with connect(server) as connection:
        connection.sendall(head)
        for byte in EVENT:
            try:
                connection.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            time.sleep(0.25)
        if not closed:
            closed = read_all(connection) == b""
    assert closed
    assert time.monotonic() - started < 2 + len(EVENT) * 0.25
    assert server.request("GET", "/workers?id=slow")[1]["workers"] == []


def test_a_keep_alive_connection_serves_many_requests_within_the_timeouts(server_factory):
    """The timeouts only bite on silence: a busy keep-alive connection outlives both."""
    server = server_factory(args=["--idle-timeout", "1s", "--read-timeout", "1s"]).start()
    with connect(server) as connection:
        deadline = time.monotonic() + 2.5
        answered = 0
        while time.monotonic() < deadline:
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            assert connection.recv(65536).startswith(b"HTTP/1.1 200")
            answered += 1
            time.sleep(0.1)
        assert answered >= 10
