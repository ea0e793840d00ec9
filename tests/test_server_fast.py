"""The feed route's fast path (issue 19): ``FeedFront`` answers a cached feed before Starlette,
and the listener runs uvicorn's httptools protocol with the issue-13 bounds.

The fast path must be invisible: the same status, headers (name, value and order) and bytes
as the app's own route, which a second app with the front switched off gives, both over real
HTTP on 127.0.0.1 with raw sockets so that nothing is normalised on the way.
"""

from __future__ import annotations

import gzip
import os
import socket
import time
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path
from typing import Any

import brotli
import feedparser
import pytest
from test_server import (
    BROWSER_ACCEPT,
    ITEMS,
    FakeState,
    item,
    publish_alpha,
    serve,
    view,
)

from feeds import listener
from feeds.formats import FORMATS
from feeds.server import FeedsApp, create_app

LINK = '<https://feeds.example.net/hub>; rel="hub", <https://feeds.example.net/feeds/x>; rel="self"'


class FakeHub:
    """What the server asks of the WebSub hub: a Link header per feed."""

    def links(self, source_id: str, fmt: str) -> str | None:
        return LINK.replace("/x>", f"/{source_id}.{fmt}>")

    def answer(self, body: bytes, content_type: str) -> tuple[int, str]:
        return 202, "accepted"


@pytest.fixture
def state(tmp_path: Path) -> FakeState:
    output = tmp_path / "public"
    publish_alpha(output, ITEMS)
    return FakeState(output, [view("alpha"), view("beta")])


@pytest.fixture
def ports(state: FakeState) -> Iterator[tuple[FeedsApp, int, int]]:
    """The app with its fast path, and one without (every request through Starlette)."""
    fast = create_app(state, FakeHub())
    slow = create_app(state, FakeHub())
    slow.front = None
    with serve(fast) as fast_port, serve(slow) as slow_port:
        yield fast, fast_port, slow_port


def exchange(port: int, request: bytes) -> bytes:
    """Everything the server sends for ``request`` (which asks it to close)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def without_date(answer: bytes) -> bytes:
    head, sep, body = answer.partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"date:")]
    return b"\r\n".join(lines) + sep + body


def request(method: str, fmt: str, **headers: str) -> bytes:
    lines = [f"{method} /feeds/alpha.{fmt} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join([*lines, "Connection: close", "", ""])).encode()


def scope(path: str, method: str = "GET", **headers: str) -> dict[str, Any]:
    raw = [
        (name.replace("_", "-").lower().encode(), value.encode()) for name, value in headers.items()
    ]
    return {"type": "http", "method": method, "path": path, "headers": raw}


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_fast_path_sends_what_the_app_sends_byte_for_byte(
    ports: tuple[FeedsApp, int, int], state: FakeState, fmt: str
) -> None:
    fast, fast_port, slow_port = ports
    exchange(fast_port, request("GET", fmt))  # the first request reads the file, in the app
    assert fast.front is not None and fast.front.answer(scope(f"/feeds/alpha.{fmt}")) is not None
    data = (state.output / f"alpha.{fmt}").read_bytes()
    identity = exchange(slow_port, request("GET", fmt, Accept_Encoding="identity"))
    etag = next(
        line.split(b": ", 1)[1].decode()
        for line in identity.split(b"\r\n")
        if line.startswith(b"etag: ")
    )
    last_modified = formatdate_of(state.output / f"alpha.{fmt}")
    cases = [
        request("GET", fmt),
        request("GET", fmt, Accept_Encoding="identity"),
        request("GET", fmt, Accept_Encoding="gzip"),
        request("GET", fmt, Accept_Encoding="gzip, deflate, br"),
        request("HEAD", fmt, Accept_Encoding="gzip"),
        request("HEAD", fmt),
        request("GET", fmt, If_None_Match=etag),
        request("GET", fmt, If_None_Match=f'"other", W/{etag}'),
        request("HEAD", fmt, If_None_Match=etag),
        request("GET", fmt, If_Modified_Since=last_modified),
        request("GET", fmt, If_None_Match='"stale"', If_Modified_Since=last_modified),
        request("GET", fmt, Accept_Encoding="br", If_None_Match=etag[:-1] + '-br"'),
        request("GET", fmt, Accept="application/xml;q=0.9, */*;q=0.1", Accept_Encoding="gzip"),
    ]
    for case in cases:
        ours, theirs = exchange(fast_port, case), exchange(slow_port, case)
        assert without_date(ours) == without_date(theirs), case
    # And what they both send is the feed: whole, gzipped, brotli, 304 with no body.
    assert identity.partition(b"\r\n\r\n")[2] == data
    packed = exchange(fast_port, request("GET", fmt, Accept_Encoding="gzip"))
    assert gzip.decompress(packed.partition(b"\r\n\r\n")[2]) == data
    packed = exchange(fast_port, request("GET", fmt, Accept_Encoding="br"))
    assert brotli.decompress(packed.partition(b"\r\n\r\n")[2]) == data
    unchanged = exchange(fast_port, request("GET", fmt, If_None_Match=etag))
    assert unchanged.startswith(b"HTTP/1.1 304 ") and unchanged.endswith(b"\r\n\r\n")
    assert f"link: {FakeHub().links('alpha', fmt)}".encode() in unchanged


def formatdate_of(path: Path) -> str:
    return formatdate(int(path.stat().st_mtime), usegmt=True)


def test_what_the_front_leaves_to_the_app(ports: tuple[FeedsApp, int, int]) -> None:
    fast, fast_port, _ = ports
    front = fast.front
    assert front is not None
    assert front.answer(scope("/feeds/alpha.rss")) is None  # not read yet: the app reads it
    exchange(fast_port, request("GET", "rss"))
    assert front.answer(scope("/feeds/alpha.rss")) is not None
    assert front.answer(scope("/feeds/alpha.rss", "HEAD")) is not None
    for left in (
        scope("/feeds/alpha.rss", "POST"),  # 405, from the router
        scope("/feeds/alpha.rss", Accept=BROWSER_ACCEPT),  # the browser page
        scope("/feeds/beta.rss"),  # configured, never written: the app's 404
        scope("/feeds/gamma.rss"),  # unknown
        scope("/feeds/alpha.xml"),
        scope("/feeds/alpha.rss/"),
        scope("/feeds/../alpha.rss"),
        scope("/status.json"),
    ):
        assert front.answer(left) is None, left


def test_a_feed_replaced_by_another_writer_is_served_new_at_once(
    ports: tuple[FeedsApp, int, int], state: FakeState
) -> None:
    fast, fast_port, _ = ports
    path = state.output / "alpha.rss"
    first = exchange(fast_port, request("GET", "rss"))
    exchange(fast_port, request("GET", "rss"))  # now from memory
    # Another instance's mirror (feeds.shared) renames a new file in, with the same size and
    # mtime as the old one: only the inode tells them apart.
    old = path.read_bytes()
    new = old.replace(b"Summary 2.", b"Summary 9.")
    assert len(new) == len(old)
    stamp = path.stat()
    (state.output / ".mirror.tmp").write_bytes(new)
    os.utime(state.output / ".mirror.tmp", ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    os.replace(state.output / ".mirror.tmp", path)
    answer = exchange(fast_port, request("GET", "rss"))
    assert answer.partition(b"\r\n\r\n")[2] == new != first.partition(b"\r\n\r\n")[2]
    # A poll publishes three items: the next request has them.
    publish_alpha(state.output, [item(3, ITEMS[0].published.replace(day=7)), *ITEMS])
    parsed = feedparser.parse(exchange(fast_port, request("GET", "rss")).partition(b"\r\n\r\n")[2])
    assert len(parsed.entries) == 3
    # Deleted: 404, as for a feed never written.
    path.unlink()
    gone = exchange(fast_port, request("GET", "rss"))
    assert gone.startswith(b"HTTP/1.1 404 ") and b"not generated yet" in gone
    assert fast.front is not None and fast.front.answer(scope("/feeds/alpha.rss")) is None


def test_a_config_change_is_seen_by_the_front(
    ports: tuple[FeedsApp, int, int], state: FakeState
) -> None:
    _, fast_port, _ = ports
    exchange(fast_port, request("GET", "rss"))
    before = exchange(fast_port, request("GET", "rss"))
    assert b"cache-control: public, max-age=900\r\n" in before
    state.source_views = [view("alpha", every=7200)]
    after = exchange(fast_port, request("GET", "rss"))
    assert b"cache-control: public, max-age=3600\r\n" in after
    state.source_views = [view("beta")]  # alpha removed from the config
    removed = exchange(fast_port, request("GET", "rss"))
    assert removed.startswith(b"HTTP/1.1 404 ") and removed.endswith(b"Not Found")


def test_an_error_in_the_state_is_still_the_apps_static_500(
    ports: tuple[FeedsApp, int, int], state: FakeState
) -> None:
    _, fast_port, _ = ports
    exchange(fast_port, request("GET", "rss"))
    state.error = RuntimeError("database is locked")
    answer = exchange(fast_port, request("GET", "rss"))
    assert answer.startswith(b"HTTP/1.1 500 ") and answer.endswith(b"internal server error\n")


# --- the protocol ---------------------------------------------------------------------------


def read_answers(sock: socket.socket, count: int) -> list[bytes]:
    """``count`` answers (heads with Content-Length bodies) from a kept-alive connection."""
    buffer, answers = b"", []
    while len(answers) < count:
        head_end = buffer.find(b"\r\n\r\n")
        if head_end >= 0:
            head = buffer[:head_end]
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            if b"HEAD" not in head and len(buffer) >= head_end + 4 + length:
                answers.append(buffer[: head_end + 4 + length])
                buffer = buffer[head_end + 4 + length :]
                continue
        chunk = sock.recv(65536)
        assert chunk, f"closed after {len(answers)} answers"
        buffer += chunk
    return answers


def test_pipelined_and_split_requests_are_each_answered(
    ports: tuple[FeedsApp, int, int], state: FakeState
) -> None:
    _, fast_port, _ = ports
    one = b"GET /feeds/alpha.rss HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\n\r\n"
    data = (state.output / "alpha.rss").read_bytes()
    with socket.create_connection(("127.0.0.1", fast_port), timeout=10) as sock:
        sock.sendall(one * 3)  # three in one piece
        answers = read_answers(sock, 3)
        sock.sendall(one[:20])  # one in three pieces, with pauses
        time.sleep(0.1)
        sock.sendall(one[20:40])
        time.sleep(0.1)
        sock.sendall(one[40:] + one[:10])  # and the start of the next
        answers += read_answers(sock, 1)
        sock.sendall(one[10:])
        answers += read_answers(sock, 1)
    assert len(answers) == 5
    for answer in answers:
        assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(data)


def test_a_head_over_the_limit_in_pieces_is_431_and_short_heads_pass() -> None:
    limits = listener.Limits()
    ok = b"GET /feeds/alpha.rss HTTP/1.1\r\nHost: x\r\n"
    assert listener.head_problem(ok, limits) is None
    assert listener.head_problem(ok + b"X-A: b\r\n" * 98 + b"\r\n", limits) is None
    # Short in bytes, but more lines than allowed: the quick look must not wave it through.
    many = ok + b"X-A: b\r\n" * 100 + b"\r\n"
    assert len(many) < limits.header_line
    assert listener.head_problem(many, limits) == (431, "more than 100 header lines")
    assert listener.head_problem(b"GET /" + b"a" * 9000, limits) is not None


def test_a_head_trickled_past_32_kib_is_refused(ports: tuple[FeedsApp, int, int]) -> None:
    _, fast_port, _ = ports
    with socket.create_connection(("127.0.0.1", fast_port), timeout=10) as sock:
        sock.sendall(b"GET /feeds/alpha.rss HTTP/1.1\r\nHost: x\r\n")
        answer = b""
        try:
            for _ in range(100):  # 100 lines of 4 KiB: each fine, together over 32 KiB
                sock.sendall(b"X-Pad: " + b"p" * 4000 + b"\r\n")
        except OSError:
            pass  # the server stopped reading: its answer is waiting
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except OSError:
            pass
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:80]


def test_the_browser_page_is_unchanged_by_the_front(ports: tuple[FeedsApp, int, int]) -> None:
    _, fast_port, slow_port = ports
    page = request("GET", "atom", Accept=BROWSER_ACCEPT, Accept_Encoding="gzip")
    for _ in range(2):
        ours, theirs = exchange(fast_port, page), exchange(slow_port, page)
        assert without_date(ours) == without_date(theirs)
    assert gzip.decompress(ours.partition(b"\r\n\r\n")[2]).startswith(b"<!doctype html>")


def test_an_upgrade_asked_for_is_ignored_and_the_connection_keeps_serving(
    ports: tuple[FeedsApp, int, int], state: FakeState
) -> None:
    # curl --http2 on http:// asks for h2c on its first request; llhttp pauses on any Upgrade.
    _, fast_port, _ = ports
    data = (state.output / "alpha.rss").read_bytes()
    upgrade = (
        b"GET /feeds/alpha.rss HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
        b"Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n"
    )
    plain = b"GET /feeds/alpha.rss HTTP/1.1\r\nHost: x\r\n\r\n"
    with socket.create_connection(("127.0.0.1", fast_port), timeout=10) as sock:
        sock.sendall(upgrade)
        answers = read_answers(sock, 1)
        sock.sendall(plain)
        answers += read_answers(sock, 1)
    assert all(a.startswith(b"HTTP/1.1 200 ") and a.endswith(data) for a in answers)


# --- answers written by the protocol (issue 19) ---------------------------------------------


class CountingFront:
    """The app's front, counting the answers it is asked for."""

    def __init__(self, front: Any) -> None:
        self.front, self.calls = front, 0

    def answer(self, scope: dict[str, Any]) -> Any:
        self.calls += 1
        return self.front.answer(scope)


def test_the_protocol_writes_the_fronts_answer_without_the_app(state: FakeState) -> None:
    app = create_app(state, FakeHub())
    counting = CountingFront(app.front)
    app.front = counting  # type: ignore[assignment]
    asked: list[str] = []
    answer_now = app.answer_now

    def counted(scope: dict[str, Any]) -> Any:
        asked.append(scope["method"])
        return answer_now(scope)

    app.answer_now = counted  # type: ignore[method-assign]  # what the listener reads
    data = (state.output / "alpha.rss").read_bytes()
    one = b"GET /feeds/alpha.rss HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\n\r\n"
    with serve(app) as port:
        exchange(port, request("GET", "rss"))  # read from the file by the app
        asked.clear()
        counting.calls = 0
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(one * 2)
            answers = read_answers(sock, 2)
            sock.sendall(one.replace(b"GET", b"HEAD"))
            head = sock.recv(65536)
        # Asked once each, by the protocol; the app never ran (it would ask the front again).
        assert asked == ["GET", "GET", "HEAD"] and counting.calls == 3
        assert all(a.startswith(b"HTTP/1.1 200 ") and a.endswith(data) for a in answers)
        assert head.startswith(b"HTTP/1.1 200 ") and head.endswith(b"\r\n\r\n")
        assert f"content-length: {len(data)}\r\n".encode() in head
        # HTTP/1.0: answered at once too, then closed, as uvicorn closes it.
        old = exchange(port, b"GET /feeds/alpha.rss HTTP/1.0\r\nAccept-Encoding: identity\r\n\r\n")
        assert b"\r\nconnection: close\r\n" in old and old.endswith(data)
        assert asked[-1] == "GET" and counting.calls == 4
        # A request with a body is the app's to read: not asked, answered by the app.
        body = b"GET /feeds/alpha.rss HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
        posted = exchange(port, body + b"Connection: close\r\n\r\nhello")
        assert posted.startswith(b"HTTP/1.1 200 ") and len(asked) == 4 and counting.calls == 5


def test_header_blocks_are_written_as_uvicorn_writes_them() -> None:
    headers = [(b"ETag", b'"a"'), (b"content-length", b"3")]
    assert listener.header_block(200, headers) == b'etag: "a"\r\ncontent-length: 3\r\n'
    assert listener.header_block(304, headers[:1]) == b'etag: "a"\r\n'
    # What uvicorn would refuse, chunk or close is left to it: the app answers.
    assert listener.header_block(200, headers[:1]) is None  # no length: chunked
    assert listener.header_block(200, [*headers, (b"link", b"<x>\r\nset-cookie: a")]) is None
    assert listener.header_block(200, [*headers, (b"bad name", b"x")]) is None
    assert listener.header_block(200, [*headers, (b"Connection", b"close")]) is None
    date = [(b"date", b"Mon, 07 Dec 2026 10:00:00 GMT")]
    kept = listener.wire(304, date, b'etag: "a"\r\n', True, b"")
    assert kept == (
        b'HTTP/1.1 304 Not Modified\r\ndate: Mon, 07 Dec 2026 10:00:00 GMT\r\netag: "a"\r\n\r\n'
    )
    closed = listener.wire(200, [], b"content-length: 3\r\n", False, b"abc")
    assert closed == b"HTTP/1.1 200 OK\r\ncontent-length: 3\r\nconnection: close\r\n\r\nabc"


def test_the_front_remembers_answers_only_for_a_readers_short_head(
    ports: tuple[FeedsApp, int, int],
) -> None:
    fast, fast_port, _ = ports
    exchange(fast_port, request("GET", "rss"))
    front = fast.front
    assert front is not None
    padded = scope("/feeds/alpha.rss", X_Pad="p" * 4000)  # heads of up to 32 KiB are let in
    assert front.answer(padded) == front.answer(scope("/feeds/alpha.rss")) is not None
    # Answered both, but only the short one is kept: a flood of long heads holds no memory.
    assert [key[0] for key in front._given] == ["/feeds/alpha.rss"]
    assert all(len(key) == 1 for key in front._given)


def test_a_request_begun_with_an_answered_one_has_the_request_deadline(state: FakeState) -> None:
    # The first request is answered at once, inside the piece that also holds the start of
    # the next: that one is a request under way (10 s here 1 s), not an idle connection (0.3 s).
    app = create_app(state, FakeHub())
    one = b"GET /feeds/alpha.rss HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\n\r\n"
    limits = listener.Limits(request_timeout=1.0, keep_alive=0.3, backlog=64)
    with serve(app, limits) as port:
        exchange(port, request("GET", "rss"))  # read from the file by the app
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(one + one[:20])
            first = read_answers(sock, 1)
            time.sleep(0.6)  # past the idle deadline, within the request's
            sock.sendall(one[20:])
            second = read_answers(sock, 1)
    assert first[0].startswith(b"HTTP/1.1 200 ") and second[0].startswith(b"HTTP/1.1 200 ")
