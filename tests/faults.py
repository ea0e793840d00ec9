"""A raw HTTP server on 127.0.0.1 that misbehaves on purpose: Toxiproxy's faults in one file.

Each path gets a behaviour that writes to the socket as it likes: trickle a byte at a time,
never answer, cut the body short, reset the connection, stream forever, send compression
bombs. ``connections`` counts every TCP connection accepted, so a test can show that a
refused URL was never connected to.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from types import TracebackType

Behaviour = Callable[[socket.socket, threading.Event], None]


def head(status: str = "200 OK", **headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status}"]
    headers.setdefault("Content_Type", "text/html; charset=utf-8")
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def respond(data: bytes) -> Behaviour:
    """Send these bytes (status line, headers and body) and close."""

    def run(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(data)

    return run


def trickle(every: float) -> Behaviour:
    """A 200 that promises 100 KB and sends one byte every ``every`` seconds, forever."""

    def run(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(head(Content_Length="100000"))
        while not stop.wait(every):
            conn.sendall(b"a")

    return run


def slow_status(every: float) -> Behaviour:
    """A status line that never ends: its reason phrase comes a byte every ``every`` seconds."""

    def run(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(b"HTTP/1.1 200 ")
        while not stop.wait(every):
            conn.sendall(b"O")

    return run


def slow_headers(every: float) -> Behaviour:
    """A status line, then a header that never ends, a byte every ``every`` seconds (httpcore
    takes up to 100 KiB of headers: hours at this pace)."""

    def run(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Tarpit: ")
        while not stop.wait(every):
            conn.sendall(b"a")

    return run


def silent() -> Behaviour:
    """Accept the connection and never send a byte (Toxiproxy timeout=0)."""

    def run(conn: socket.socket, stop: threading.Event) -> None:
        stop.wait(120)

    return run


def cut(promised: int = 5000, sent: bytes = b"<html><body><h1>half") -> Behaviour:
    """Content-Length larger than the body, then close (limit_data)."""

    def run(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(head(Content_Length=str(promised)) + sent)

    return run


def reset(sent: bytes = b"<html><body><h1>half") -> Behaviour:
    """Part of a body, then a TCP reset instead of a close (reset_peer)."""

    def run(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(head(Content_Length="5000") + sent)
        time.sleep(0.05)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    return run


def endless(chunk: int = 64 * 1024) -> Behaviour:
    """A chunked body that never ends (the 200 MB page, or worse)."""

    def run(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(head(Transfer_Encoding="chunked"))
        piece = f"{chunk:x}\r\n".encode() + b"<p>" + b"x" * (chunk - 3) + b"\r\n"
        while not stop.is_set():
            conn.sendall(piece)

    return run


def zeros_gzip(megabytes: int) -> bytes:
    """``megabytes`` MB of zeros, gzipped (about 1000:1)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1024 * 1024)
    parts = [compressor.compress(block) for _ in range(megabytes)]
    return b"".join(parts) + compressor.flush()


def bomb(body: bytes, encoding: str) -> Behaviour:
    """A compressed body declared with ``Content-Encoding: encoding``."""
    data = head(Content_Encoding=encoding, Content_Length=str(len(body))) + body
    return respond(data)


class FaultServer:
    def __init__(self) -> None:
        self.connections = 0
        self.paths: list[str] = []
        self._routes: dict[str, Behaviour] = {}
        self._keep_alive: set[str] = set()
        self._stop = threading.Event()
        self._socket = socket.socket()
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self._socket.settimeout(0.1)  # so that the accept loop sees the stop event
        self.port = self._socket.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def on(self, path: str, behaviour: Behaviour, *, keep_alive: bool = False) -> str:
        """Serve ``path``; with ``keep_alive`` the connection then waits for the next request
        (the behaviour must send a complete response with its length)."""
        self._routes["/" + path.lstrip("/")] = behaviour
        if keep_alive:
            self._keep_alive.add("/" + path.lstrip("/"))
        return self.url(path)

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(10)
                while self._answer(conn):
                    pass
            except OSError:
                return  # the client gave up: that is what most faults are for

    def _answer(self, conn: socket.socket) -> bool:
        """Read one request and answer it; True when the connection stays open for another."""
        request = b""
        while b"\r\n\r\n" not in request and len(request) < 65536:
            data = conn.recv(4096)
            if not data:
                return False
            request += data
        path = request.split(b" ", 2)[1].decode("latin-1")
        self.paths.append(path)
        path = path.split("?")[0]
        behaviour = self._routes.get(path)
        if behaviour is None:
            conn.sendall(head("404 Not Found", Content_Length="0"))
            return False
        behaviour(conn, self._stop)
        return path in self._keep_alive


def full_backlog() -> Iterator[tuple[str, socket.socket]]:
    """A listener whose accept queue is full and never drained: new SYNs are dropped, as on
    a blackholed address, so a connect hangs until the connect timeout (loopback only)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    time.sleep(0.2)
    try:
        yield f"http://127.0.0.1:{port}/", listener
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
