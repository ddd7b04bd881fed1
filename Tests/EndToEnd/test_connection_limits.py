"""Limits on the connection itself: header count and size, what the HTTP parser refuses, and clients that are too slow."""
import json
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


def exchange(server, raw):
    """Everything the server answers to `raw`, sent on a connection of its own."""
    with connect(server) as connection:
        connection.sendall(raw)
        return read_all(connection)


def answers_in(raw):
    """The answers in what a connection received, each as (status, header fields by lower-case name, body)."""
    answers = []
    while raw:
        head, _, rest = raw.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        answers.append((int(lines[0].split()[1]), headers, rest[:length]))
        raw = rest[length:]
    return answers


def refusal(answer, status, field=None):
    """The message of a refusal by the HTTP parser, checked to be the documented JSON error; the connection closes."""
    code, headers, body = answer
    assert code == status, answer
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert headers["connection"] == "close"
    error = json.loads(body)["error"]
    assert error.get("field") == field, error
    assert set(error) <= {"message", "field"}
    return error["message"]


def request_with_headers(count, value_size=10):
    lines = [b"GET /healthz HTTP/1.1", b"Host: localhost"]
    lines += [b"X-Filler-%d: %s" % (index, b"v" * value_size) for index in range(count - 1)]
    return b"\r\n".join(lines) + b"\r\n\r\n"


def test_a_hundred_headers_pass_and_one_more_is_refused(server):
    """100 header fields is the limit: at it the request is answered; over it the server answers 431 with
    the JSON error naming `headers`, and closes the connection, before any route runs."""
    with connect(server) as connection:
        connection.sendall(request_with_headers(100))
        assert connection.recv(65536).startswith(b"HTTP/1.1 200")
    [answer] = answers_in(exchange(server, request_with_headers(101)))
    assert "at most 100 header fields" in refusal(answer, 431, "headers")


def test_headers_over_16_kib_are_refused(server):
    """All header fields together may take 16 KiB: 15 KiB in one is answered, 17 KiB answers 431."""
    assert answers_in(exchange(server, request_with_headers(2, value_size=15 * 1024)))[0][0] == 200
    [answer] = answers_in(exchange(server, request_with_headers(2, value_size=17 * 1024)))
    assert "16 KiB" in refusal(answer, 431, "headers")


def test_a_url_over_16_kib_is_refused_like_the_headers(server):
    """The URL counts towards the same 16 KiB as the header fields (the parser cannot tell the two apart):
    a 15 KiB query string is answered, a 17 KiB one answers 431 naming `headers`."""
    for size, status in [(15 * 1024, 200), (17 * 1024, 431)]:
        raw = b"GET /healthz?pad=%s HTTP/1.1\r\nHost: localhost\r\n\r\n" % (b"x" * size)
        [answer] = answers_in(exchange(server, raw))
        if status == 200:
            assert answer[0] == 200
        else:
            refusal(answer, 431, "headers")


def test_a_malformed_request_answers_400_with_the_json_error(server):
    """A request line or header block that is not HTTP/1.1 answers 400 with the JSON error saying what
    was wrong, and the connection closes; the server goes on serving."""
    for raw, what in [
        (b"HELLO WORLD\r\n\r\n", "a malformed method"),
        (b"GET /healthz HTTP/9.9\r\nHost: localhost\r\n\r\n", "an HTTP version other than 1.x"),
        (b"GET /health z HTTP/1.1\r\nHost: localhost\r\n\r\n", None),
        (b"GET /health\x01z HTTP/1.1\r\nHost: localhost\r\n\r\n", "a malformed URL"),
        (b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n\r\n", "a malformed header field"),
        (b"POST /events HTTP/1.1\r\nHost: localhost\r\nContent-Length: ten\r\n\r\n", "a wrong Content-Length"),
    ]:
        [answer] = answers_in(exchange(server, raw))
        message = refusal(answer, 400)
        assert message.startswith("the request is not valid HTTP/1.1"), (raw, message)
        assert what is None or what in message, (raw, message)
    assert server.request("GET", "/healthz") == (200, {"status": "ok"})


def test_a_malformed_chunked_body_answers_400_and_stores_nothing(server):
    """A body whose chunk framing breaks while the route reads it answers the same JSON 400 (it was a 500),
    and none of the events before the break is stored."""
    events = b'{"id": "chunked", "group": "g", "event": "started"}\n'
    raw = (b"POST /events HTTP/1.1\r\nHost: localhost\r\nX-API-Key: %s\r\nTransfer-Encoding: chunked\r\n\r\n"
           b"%x\r\n%s\r\nZZ\r\n" % (KEY.encode(), len(events), events))
    [answer] = answers_in(exchange(server, raw))
    assert "chunked" in refusal(answer, 400)
    assert server.request("GET", "/workers?id=chunked")[1]["workers"] == []
    assert "unexpected error" not in server.output()


def test_a_good_request_before_a_malformed_one_is_answered_first(server):
    """On a keep-alive connection the answers keep their order: the good request's, then the refusal."""
    raw = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\nHELLO WORLD\r\n\r\n"
    first, second = answers_in(exchange(server, raw))
    assert (first[0], json.loads(first[2])) == (200, {"status": "ok"})
    refusal(second, 400)


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
