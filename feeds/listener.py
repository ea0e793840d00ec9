"""The listening side of the HTTP server: uvicorn, with every client bounded (issue 13.4, 13.5).

uvicorn's fast parser (httptools, llhttp's) buffers a request head of any size (one 100 MB
header took 16 s and 246 MB), and none of its protocols times out a client that is slow to
send its request (3,000 half-sent requests stayed open 70 s; 1,100 idle ones took every
descriptor, so polls could not open the database). So the server runs uvicorn's httptools
protocol, subclassed (issue 19: its h11 protocol, bounded the same way before, cost three
times as much per request, most of what a feed in memory costs to serve):

- **Request heads are capped** as nginx and Apache cap them (``Limits``): the request line
  and each header line at 8 KiB, 100 header lines, 32 KiB in all. Each piece received while
  a head may be coming is checked with what came of that head before the parser sees it, so
  the parser never holds more than that and one piece; above it the client gets 414 or 431
  and the connection closes, after a short lingering read so the answer is not lost to a reset.
- **Clients must be quick**: a request must be whole within ``request_timeout`` of its first
  byte (or of the connection's opening), whatever it trickles; an idle keep-alive connection
  closes after ``keep_alive`` seconds.
- **Descriptors are kept for the rest of the service**: the soft open-files limit is raised to
  the hard one, at most half of it goes to clients (``connection_cap``), and the listen backlog
  is small enough that one burst of accepts cannot overshoot. A connection beyond the cap
  takes the place of the one that has waited longest without a request in progress, so a
  flood of idle connections cannot keep ``/healthz`` or a reader out.

And a request the app can answer at once is answered in the protocol (issue 19): an app with
an ``answer_now(scope)`` method (``feeds.server.FeedsApp``: a cached feed, 200 or 304) is asked
when a GET or HEAD without a body has its head in, and its answer is written when the request is
whole, with the bytes uvicorn would write (``wire``). No request cycle, task, ASGI messages or
header checks per request: those were most of what a 304 cost. A request queued behind one
still being answered (pipelined), a connection whose writes are backed up, and anything the
method declines go through uvicorn's cycle and the app as before.

This module owns uvicorn and httptools; ``feeds.server`` builds the app it runs.
"""

from __future__ import annotations

import asyncio
import errno
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import unquote

import httptools
import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.httptools_impl import (
    HEADER_RE,
    HEADER_VALUE_RE,
    STATUS_LINE,
    HttpToolsProtocol,
)

from feeds.errors import FeedsError

KIB = 1024
MAX_CONNECTIONS = 1024  # far more readers than one self-hosted service has at once
OPEN_FILES_WANTED = 65536  # the soft limit asked for when the hard one is unlimited
# End of a request head: an empty line (a bare LF counted as a line end too, to be safe).
_END_OF_HEAD = re.compile(rb"\n\r?\n")
# Request headers that announce a body: the app reads it, so the app answers.
_BODY_HEADERS = frozenset((b"content-length", b"transfer-encoding", b"expect"))
ANSWERS_KEPT = 256  # header blocks kept for answers given at once (a few per feed)

RawHeaders = list[tuple[bytes, bytes]]
Answer = tuple[int, RawHeaders, bytes]  # status, headers, body: what answer_now gives
AnswerNow = Callable[[Any], Answer | None]


@dataclass(frozen=True)
class Limits:
    request_line: int = 8 * KIB
    header_line: int = 8 * KIB
    header_count: int = 100
    head: int = 32 * KIB  # request line and header lines together
    request_timeout: float = 10.0  # seconds from a request's first byte to its last
    keep_alive: int = 5  # seconds an idle connection is kept after an answer
    linger: float = 2.0  # seconds of reading (and dropping) after a refusal
    max_connections: int = MAX_CONNECTIONS
    backlog: int = 256  # connections the kernel queues before they are accepted


def head_problem(received: bytes, limits: Limits) -> tuple[int, str] | None:
    """(status, reason) when the start of a request head in ``received`` is over a limit.

    Pure and incremental: called with everything received of the head so far, it refuses as
    soon as a limit is passed, without waiting for the end of an enormous line.
    """
    if len(received) <= min(limits.request_line, limits.header_line) and (
        received.count(b"\n") <= limits.header_count
    ):
        return None  # every request of a reader: too short for any limit (and cheap to see)
    window = received[: limits.head + 1]
    end = _END_OF_HEAD.search(window)
    lines = (window[: end.start()] if end else window).split(b"\n")
    if len(lines[0].rstrip(b"\r")) > limits.request_line:
        return 414, f"request line over {limits.request_line} bytes"
    if len(lines) - 1 > limits.header_count:
        return 431, f"more than {limits.header_count} header lines"
    if any(len(line.rstrip(b"\r")) > limits.header_line for line in lines[1:]):
        return 431, f"a header line over {limits.header_line} bytes"
    if end is None and len(window) > limits.head:
        return 431, f"request head over {limits.head} bytes"
    return None


def raw_answer(status: int, reason: str) -> bytes:
    """A whole HTTP/1.1 answer that closes the connection, for refusals outside any request."""
    body = f"{reason}\n".encode()
    phrase = {408: "Request Timeout", 414: "URI Too Long", 503: "Service Unavailable"}.get(
        status, "Request Header Fields Too Large"
    )
    return (
        f"HTTP/1.1 {status} {phrase}\r\ncontent-type: text/plain; charset=utf-8\r\n"
        f"content-length: {len(body)}\r\nx-content-type-options: nosniff\r\n"
        "connection: close\r\n\r\n"
    ).encode() + body


def header_block(status: int, headers: RawHeaders) -> bytes | None:
    """An answer's header lines as uvicorn writes them (names in lower case), or None where
    uvicorn would write more or refuse: a name or value it rejects, a Connection header, a
    body without Content-Length (chunked). The app then answers, as it would have."""
    lines = []
    length = status in (204, 304)
    for name, value in headers:
        name = name.lower()
        if HEADER_RE.search(name) or HEADER_VALUE_RE.search(value) or name == b"connection":
            return None
        length = length or name == b"content-length"
        lines += [name, b": ", value, b"\r\n"]
    return b"".join(lines) if length else None


def wire(status: int, defaults: RawHeaders, block: bytes, keep_alive: bool, body: bytes) -> bytes:
    """A whole answer as uvicorn's protocol writes it: status line, its default headers (the
    date), the answer's own, ``connection: close`` when the connection will not be kept."""
    parts = [STATUS_LINE[status]]
    for name, value in defaults:
        parts += [name, b": ", value, b"\r\n"]
    parts.append(block)
    if not keep_alive:
        parts.append(b"connection: close\r\n")
    parts += [b"\r\n", body]
    return b"".join(parts)


class BoundedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the head caps, deadlines and connection cap above.

    ``limits`` and ``waiting`` are set on a subclass per server (``protocol_for``). ``waiting``
    holds the connections with no request being answered (just opened, idle between requests,
    or still sending one), oldest first: the ones a new connection may push out.

    The parser's callbacks say where the client is (``_phase``): "idle" (nothing of a request
    yet), "head" (part of a request head), "body" (the head is in, the body not yet), "done"
    (a whole request is in). ``_head`` keeps what has come of the current head, so that each
    new piece is checked with it before the parser, which would buffer any amount, sees it.
    """

    limits: ClassVar[Limits] = Limits()
    waiting: ClassVar[dict[BoundedProtocol, None]] = {}
    # The app's answer_now, and the header lines of its answers by identity (see _block).
    answer_now: ClassVar[AnswerNow | None] = None
    blocks: ClassVar[dict[int, tuple[Answer, bytes | None]]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One timer per connection, moved rather than made anew per request (issue 19): the
        # loop time by which the request in progress must be whole, or (``_idle``) by which
        # an idle connection closes; the timer fires at or before it and looks again.
        self._due: float | None = None
        self._idle = False
        self._timer: asyncio.TimerHandle | None = None
        self._refused = False
        self._phase = "idle"
        self._head = b""
        self._ready: tuple[Answer, bytes, bool, bool] | None = None  # see _answer_now

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections and not self._push_out_one():
            self._refused = True
            self.transport.write(raw_answer(503, "too many connections: try again shortly"))
            self.transport.close()
            return
        self._wait()
        self._arm()  # a new connection must bring its request in time, like any other

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.waiting.pop(self, None)
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # lingering after a refusal: dropped unread
        received = self._head + data if self._phase == "head" else data
        if self._phase != "body":
            problem = head_problem(received, self.limits)
            if problem is not None:
                self._refuse(*problem)
                return
            self._arm()
        super().data_received(data)
        if self._phase == "head":
            # A head still coming: what is in of it, from the end of the last head (a body
            # before it in the same piece counts too: more, never less, than the head).
            ends = list(_END_OF_HEAD.finditer(received))
            self._head = received[ends[-1].end() :] if ends else received
            problem = head_problem(self._head, self.limits)
            if problem is not None and not self.transport.is_closing():
                self._refuse(*problem)

    # -- the parser's callbacks --------------------------------------------------------

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._phase = "head"
        if self._idle:  # it began in the piece whose last request was answered at once
            self._arm()

    def on_headers_complete(self) -> None:
        self._phase, self._head = "body", b""
        if self.cycle is None or self.cycle.response_complete:  # not queued behind another
            self._ready = self._answer_now()
            if self._ready is not None:
                return  # no cycle, no task: written when the request is whole
        super().on_headers_complete()  # makes the cycle, and starts it or queues it

    def on_message_complete(self) -> None:
        ready, self._ready = self._ready, None
        if ready is None:
            super().on_message_complete()
        # A whole request is in: no deadline, and not a connection to push out while its
        # answer is being made.
        self._phase = "done"
        self._disarm()
        self.waiting.pop(self, None)
        if ready is not None:
            self._write_now(*ready)

    # -- answers given at once ---------------------------------------------------------

    def _answer_now(self) -> tuple[Answer, bytes, bool, bool] | None:
        """The app's answer to the request whose head is in, when it gives one at once, with
        its header lines, whether the connection stays open and whether the request is a
        HEAD; None sends the request through uvicorn and the app."""
        if self.answer_now is None or self.flow.write_paused:  # the app's path waits
            return None
        method = self.parser.get_method()
        if method not in (b"GET", b"HEAD"):
            return None
        for name, _ in self.headers:
            if name in _BODY_HEADERS:
                return None  # a body: the app reads it
        try:
            path = httptools.parse_url(self.url).path.decode("ascii")
        except (httptools.HttpParserError, UnicodeDecodeError):
            return None  # uvicorn answers it, as it would have
        if "%" in path:
            path = unquote(path)  # as uvicorn puts it in the scope
        scope = {"type": "http", "method": method.decode(), "path": path, "headers": self.headers}
        answer = self.answer_now(scope)  # type: ignore[call-arg]  # a staticmethod: protocol_for
        block = self._block(answer) if answer is not None else None
        if answer is None or block is None:
            return None
        keep_alive = self.parser.get_http_version() != "1.0" and self.parser.should_keep_alive()
        return answer, block, keep_alive, method == b"HEAD"

    def _block(self, answer: Answer) -> bytes | None:
        # The app keeps its answers (one per feed version and coding), so their header lines
        # are joined once; the answer is held with them, so its id is not reused meanwhile.
        hit = self.blocks.get(id(answer))
        if hit is None or hit[0] is not answer:
            if len(self.blocks) >= ANSWERS_KEPT:
                self.blocks.clear()
            hit = self.blocks[id(answer)] = (answer, header_block(answer[0], answer[1]))
        return hit[1]

    def _write_now(self, answer: Answer, block: bytes, keep_alive: bool, head: bool) -> None:
        if self.transport.is_closing():
            return
        status, _, body = answer
        defaults = self.server_state.default_headers  # the date, renewed each second
        # HEAD: Content-Length still tells the size, as uvicorn's cycle sends it.
        self.transport.write(wire(status, defaults, block, keep_alive, b"" if head else body))
        if not keep_alive:
            self.transport.close()
        self.on_response_complete()  # the keep-alive deadline, or the next request

    def on_response_complete(self) -> None:
        # uvicorn's, but for its keep-alive timer (made and cancelled per request): an idle
        # connection's deadline is ours (``_idle_for``), so timeout_keep_alive_task stays None.
        self.server_state.total_requests += 1
        if self.transport.is_closing():
            return
        self.flow.resume_reading()
        if self.pipeline:  # a pipelined request already received: its turn
            cycle, app = self.pipeline.pop()
            self._start_asgi_task(cycle, app)
        if self._phase == "done":
            if self.cycle is None or self.cycle.response_complete:  # all received answered
                self._phase = "idle"
                self._wait()
                self._idle_for(self.timeout_keep_alive)
        else:  # part of the next request is in: it has begun
            self._wait()
            self._arm()

    # -- helpers -----------------------------------------------------------------------

    def _wait(self) -> None:
        self.waiting.pop(self, None)
        self.waiting[self] = None  # to the end: the most recent to start waiting

    def _push_out_one(self) -> bool:
        for other in self.waiting:
            if other is not self:
                self.waiting.pop(other)
                other._disarm()
                other.transport.close()
                return True
        return False

    def _arm(self) -> None:
        """A request has begun (or may): it must be whole within request_timeout of now,
        unless one is under way already."""
        if self._due is None or self._idle:
            self._idle = False
            self._due_in(self.limits.request_timeout)

    def _idle_for(self, seconds: float) -> None:
        self._idle = True
        self._due_in(seconds)

    def _disarm(self) -> None:
        self._due = None

    def _due_in(self, seconds: float) -> None:
        self._due = due = self.loop.time() + seconds
        if self._timer is None or self._timer.when() > due:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = self.loop.call_at(due, self._look)

    def _look(self) -> None:
        self._timer = None
        if self._due is None:
            return  # nothing due: the next request or idle spell sets the timer again
        if self.loop.time() < self._due:
            self._timer = self.loop.call_at(self._due, self._look)
            return
        self._due = None
        self._timed_out()

    def _timed_out(self) -> None:
        if self.transport.is_closing():
            return
        if self._phase == "head" and (self.cycle is None or self.cycle.response_complete):
            self.transport.write(raw_answer(408, "request not received in time"))
        self.transport.close()

    def _refuse(self, status: int, reason: str) -> None:
        self._refused = True
        self._disarm()
        self.waiting.pop(self, None)
        self.transport.write(raw_answer(status, reason))
        # Closing at once with unread bytes would reset the connection, and the client might
        # never read the answer: stop sending, read and drop for a moment, then close.
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(self.limits.linger, self.transport.close)
        else:
            self.transport.close()


def protocol_for(limits: Limits, answer_now: AnswerNow | None = None) -> type[BoundedProtocol]:
    """A protocol class of its own for one server: its limits, its waiting connections, and
    the app's way of answering at once."""
    now = staticmethod(answer_now) if answer_now is not None else None
    attributes = {"limits": limits, "waiting": {}, "answer_now": now, "blocks": {}}
    return type("FeedsProtocol", (BoundedProtocol,), attributes)


def raise_open_files_limit() -> int:
    """Raise the soft open-files limit to the hard one; the soft limit now in force."""
    try:
        import resource  # POSIX only
    except ImportError:
        return 2 * MAX_CONNECTIONS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = OPEN_FILES_WANTED if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass  # kept as it was: the cap below follows what is in force
    return OPEN_FILES_WANTED if soft == resource.RLIM_INFINITY else soft


def limits_for(open_files: int) -> Limits:
    """Half the descriptors at most for clients (and the accept backlog within that half):
    the other half stays for polls, the database, the log and the threads' work."""
    backlog = max(8, min(512, open_files // 8))
    connections = max(8, min(MAX_CONNECTIONS, open_files // 2 - backlog))
    return Limits(max_connections=connections, backlog=backlog)


def bind(host: str, port: int, limits: Limits) -> socket.socket:
    """The listening socket, or a FeedsError that says what to change."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family, backlog=limits.backlog)
    except OSError as e:
        if isinstance(e, socket.gaierror):
            problem, fix = "unknown host name", "pass --listen HOST:PORT with an address of yours"
        elif e.errno == errno.EADDRINUSE:
            problem, fix = "port in use", "pass --listen HOST:PORT with a free port"
        elif e.errno == errno.EACCES:
            problem, fix = "permission denied", "pass --listen HOST:PORT with a port above 1023"
        elif e.errno == errno.EADDRNOTAVAIL:
            problem = "not an address of this machine"
            fix = "pass --listen HOST:PORT with one of its addresses, or 0.0.0.0"
        else:
            problem, fix = e.strerror or str(e), "pass --listen HOST:PORT"
        raise FeedsError(f"cannot listen on {where}: {problem}", fix=fix) from e


def server(app: ASGIApp, limits: Limits) -> uvicorn.Server:
    """A uvicorn server for ``app`` with ``limits``; run it with ``run(sockets=[bind(…)])``."""
    config = uvicorn.Config(
        app,
        http=protocol_for(limits, getattr(app, "answer_now", None)),
        ws="none",  # no WebSocket upgrade: it would leave the protocol above
        timeout_keep_alive=limits.keep_alive,
        backlog=limits.backlog,
        log_config=None,
        access_log=False,
        server_header=False,
        # Nothing here reads the client's address or scheme (base_url says the public
        # address), so uvicorn's X-Forwarded-* layer would only cost time per request.
        proxy_headers=False,
        lifespan="off",
    )
    return uvicorn.Server(config)


@dataclass(frozen=True)
class Listen:
    host: str
    port: int

    @classmethod
    def parse(cls, text: str) -> Listen:
        host, _, port = text.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"--listen {text!r}: write HOST:PORT, e.g. 127.0.0.1:8080")
        return cls(host.strip("[]"), int(port))
