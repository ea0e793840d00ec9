"""The listening side of the HTTP server: uvicorn, with every client bounded (issue 13.4, 13.5).

uvicorn's fast parser (httptools) buffers a request head of any size (one 100 MB header took
16 s and 246 MB), and none of its protocols times out a client that is slow to send its
request (3,000 half-sent requests stayed open 70 s; 1,100 idle ones took every descriptor, so
polls could not open the database). So the server runs uvicorn's h11 protocol, subclassed:

- **Request heads are capped** as nginx and Apache cap them (``Limits``): the request line
  and each header line at 8 KiB, 100 header lines, 32 KiB in all. Above that the client gets
  414 or 431 and the connection closes, after a short lingering read so that the answer is
  not lost to a reset. h11's own buffer cap stays behind it as a second bound.
- **Clients must be quick**: a request must be whole within ``request_timeout`` of its first
  byte (or of the connection's opening), whatever it trickles; an idle keep-alive connection
  closes after ``keep_alive`` seconds.
- **Descriptors are kept for the rest of the service**: the soft open-files limit is raised to
  the hard one, at most half of it goes to clients (``connection_cap``), and the listen backlog
  is small enough that one burst of accepts cannot overshoot. A connection beyond the cap
  takes the place of the one that has waited longest without a request in progress, so a
  flood of idle connections cannot keep ``/healthz`` or a reader out.

This module owns uvicorn and h11; ``feeds.server`` builds the app it runs.
"""

from __future__ import annotations

import asyncio
import errno
import re
import socket
from dataclasses import dataclass
from typing import Any, ClassVar

import h11
import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol

from feeds.errors import FeedsError

KIB = 1024
MAX_CONNECTIONS = 1024  # far more readers than one self-hosted service has at once
OPEN_FILES_WANTED = 65536  # the soft limit asked for when the hard one is unlimited
# End of a request head: an empty line; h11 takes a bare LF as a line end too.
_END_OF_HEAD = re.compile(rb"\n\r?\n")


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


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with the head caps, deadlines and connection cap above.

    ``limits`` and ``waiting`` are set on a subclass per server (``protocol_for``). ``waiting``
    holds the connections with no request being answered (just opened, idle between requests,
    or still sending one), oldest first: the ones a new connection may push out.
    """

    limits: ClassVar[Limits] = Limits()
    waiting: ClassVar[dict[BoundedH11Protocol, None]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._refused = False

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
        self.waiting.pop(self, None)
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # lingering after a refusal: dropped unread
        if self.conn.their_state is h11.IDLE:
            problem = head_problem(self.conn.trailing_data[0] + data, self.limits)
            if problem is not None:
                self._refuse(*problem)
                return
            self._arm()
        super().data_received(data)
        self._follow_state()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # may start on a pipelined request already received
        if not self.transport.is_closing():
            self._follow_state()
            if self.conn.their_state is h11.IDLE:
                self._wait()
                if self.conn.trailing_data[0]:
                    self._arm()  # part of the next request is in: it has begun

    # -- helpers -----------------------------------------------------------------------

    def _follow_state(self) -> None:
        # A whole request is in (DONE) or the connection is ending: no deadline, and not a
        # connection to push out while its answer is being made.
        if self.conn.their_state not in (h11.IDLE, h11.SEND_BODY):
            self._disarm()
            self.waiting.pop(self, None)

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
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.limits.request_timeout, self._timed_out)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _timed_out(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.conn.their_state is h11.IDLE and self.conn.trailing_data[0]:
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


def protocol_for(limits: Limits) -> type[BoundedH11Protocol]:
    """A protocol class of its own for one server: its limits and its waiting connections."""
    attributes = {"limits": limits, "waiting": {}}
    return type("FeedsH11Protocol", (BoundedH11Protocol,), attributes)


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
        http=protocol_for(limits),
        ws="none",  # no WebSocket upgrade: it would leave the protocol above
        h11_max_incomplete_event_size=2 * limits.head,
        timeout_keep_alive=limits.keep_alive,
        backlog=limits.backlog,
        log_config=None,
        access_log=False,
        server_header=False,
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
