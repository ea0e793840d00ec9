"""The guarded network layer under httpx: every connection and socket operation of the fetcher.

The host is resolved once and every address checked (``guard``), then the checked address is
connected to, so the address judged is the address used (no DNS rebinding between check and
connect); each request's overall deadline and trust ride in a context variable
(``ATTEMPT``), because httpcore does not say which request a pooled connection carries.
``AddressRefused``, ``Expired`` and ``NoConnection`` are signals raised inside httpcore and
turned into ``FetchError``s by the client, never seen outside this package.
"""

from __future__ import annotations

import errno
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any, TypeVar

import httpcore
import httpx

from feeds.guard import Origin, address_problem, host_origin

Resolver = Callable[[str, int], list[str]]
_T = TypeVar("_T")


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4-mapped IPv6 included, as the OS gives it)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class AddressRefused(Exception):
    """A connection would reach a refused address (turned into errors.AddressBlocked)."""


class Attempt:
    """One request on the wire: its overall deadline, the origins its source trusts, and the
    phase it is in (name lookup, connect, TLS handshake, request, status line, headers, body:
    the words of the messages). httpcore calls the network layer without saying which request
    a (pooled, reused) connection carries, so the attempt rides in a context variable set
    around each request: the deadline and the trust belong to the request, never to the
    connection."""

    def __init__(self, seconds: float, trusted: frozenset[Origin], timeout: float) -> None:
        self.seconds = seconds
        self.trusted = trusted
        self.ends = time.monotonic() + seconds
        self.phase = "request"
        self.waited = timeout  # the last timeout given to a socket operation, for messages

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.ends

    def timeout(self, timeout: float | None, phase: str) -> float:
        """The timeout of the next socket operation: httpx's, but never past the deadline."""
        self.phase = phase
        left = self.ends - time.monotonic()
        if left <= 0:
            raise Expired(self)
        self.waited = left if timeout is None else min(timeout, left)
        return self.waited


ATTEMPT: ContextVar[Attempt | None] = ContextVar("feeds_fetch_attempt", default=None)


class Expired(Exception):
    """The request's overall deadline passed (raised inside httpcore, translated by Fetcher)."""

    def __init__(self, attempt: Attempt) -> None:
        super().__init__(attempt.phase)
        self.attempt = attempt


class NoConnection(Exception):
    """No connection to the host: ``reason`` says why in a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def connect_reason(error: BaseException, seconds: float | None) -> str:
    """Why a name lookup or a connect failed, in the words an operator searches for."""
    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, OSError):
        cause = cause.__cause__  # httpx's error wraps httpcore's, which wraps the OSError
    if isinstance(cause, socket.gaierror):
        if cause.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
            return "no such host name"
        return f"name lookup failed: {cause.strerror}"
    if isinstance(cause, TimeoutError) or isinstance(
        error, httpcore.TimeoutException | httpx.TimeoutException
    ):
        return f"timed out after {seconds or 0:g} s"
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    if isinstance(cause, OSError) and cause.errno == errno.ENETUNREACH:
        return "network unreachable"
    if isinstance(cause, OSError) and cause.errno == errno.EHOSTUNREACH:
        return "host unreachable"
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror.lower()
    return str(error)


class _GuardedStream(httpcore.NetworkStream):
    """A connection that gives every read and write the current request's time left, and
    refuses to carry a request whose source does not trust the internal address it is
    connected to: a pooled connection outlives the request, and the source, that opened it."""

    def __init__(self, inner: httpcore.NetworkStream, origin: Origin, problem: str | None) -> None:
        self._inner = inner
        self._origin = origin
        self._problem = problem  # why the address would be refused to an untrusting source

    def _attempt(self) -> Attempt | None:
        attempt = ATTEMPT.get()
        if self._problem is not None and (attempt is None or self._origin not in attempt.trusted):
            raise AddressRefused(self._problem)
        return attempt

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        attempt = self._attempt()
        if attempt is None:
            return self._inner.read(max_bytes, timeout)
        phase = attempt.phase if attempt.phase in ("headers", "body") else "status line"
        data = _timed(attempt, phase, timeout, lambda t: self._inner.read(max_bytes, t))
        if phase == "status line" and b"\n" in data:
            attempt.phase = "headers"
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        attempt = self._attempt()
        if attempt is None:
            return self._inner.write(buffer, timeout)
        return _timed(attempt, "request", timeout, lambda t: self._inner.write(buffer, t))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        attempt = self._attempt()

        def handshake(seconds: float | None) -> httpcore.NetworkStream:
            return self._inner.start_tls(ssl_context, server_hostname, seconds)

        tls = (
            handshake(timeout)
            if attempt is None
            else _timed(attempt, "TLS handshake", timeout, handshake)
        )
        return _GuardedStream(tls, self._origin, self._problem)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _timed(attempt: Attempt, phase: str, timeout: float | None, op: Callable[[float], _T]) -> _T:
    """``op`` with the time left; a timeout is the deadline's when the deadline ran out."""
    seconds = attempt.timeout(timeout, phase)
    try:
        return op(seconds)
    except httpcore.TimeoutException as e:
        if attempt.expired:
            raise Expired(attempt) from e
        raise


class GuardedBackend(httpcore.NetworkBackend):
    """Resolves the host once, checks every address, then connects to a checked address, so
    the address judged is the address used (no DNS rebinding between check and connect).
    An internal address is connected to only for a request whose source trusts the host and
    port (the operator configured them); the connection remembers why, for its next requests."""

    def __init__(self, resolver: Resolver, allow_private: bool) -> None:
        self._resolver = resolver
        self._allow_private = allow_private
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        attempt = ATTEMPT.get()
        at = host_origin(host, port)
        addresses = self._resolve(host, port, attempt)
        problems = [] if self._allow_private else [p for p in map(address_problem, addresses) if p]
        problem = f"{host} resolves to {problems[0]}" if problems else None
        if problem is not None and (attempt is None or at not in attempt.trusted):
            raise AddressRefused(problem)
        error: Exception = NoConnection("the name has no address")
        for address in addresses:  # the next address when one is down, as browsers do
            seconds = timeout if attempt is None else attempt.timeout(timeout, "connect")
            try:
                stream = self._inner.connect_tcp(
                    address, port, seconds, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                error = NoConnection(connect_reason(e, seconds))
                continue
            return _GuardedStream(stream, at, problem)
        if attempt is not None and attempt.expired:
            raise Expired(attempt)
        raise error

    def _resolve(self, host: str, port: int, attempt: Attempt | None) -> list[str]:
        """Every address of ``host``; the lookup runs in a thread so that a resolver that
        never answers (getaddrinfo has no timeout) is left behind at the deadline."""
        if attempt is None:
            return self._lookup(host, port)
        seconds = attempt.timeout(None, "name lookup")  # httpx's connect timeout excludes it
        outcome: list[list[str] | Exception] = []
        done = threading.Event()

        def run() -> None:
            try:
                outcome.append(self._lookup(host, port))
            except Exception as e:  # handed to the requesting thread
                outcome.append(e)
            finally:
                done.set()

        threading.Thread(target=run, name=f"resolve {host}", daemon=True).start()
        if not done.wait(seconds):
            raise Expired(attempt)
        if isinstance(outcome[0], Exception):
            raise outcome[0]
        return outcome[0]

    def _lookup(self, host: str, port: int) -> list[str]:
        try:
            return self._resolver(host, port)
        except OSError as e:  # fail closed: an unresolvable host is not fetched
            raise NoConnection(connect_reason(e, None)) from e

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise AddressRefused("unix sockets are never connected to")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class TLSOnFirstUse(ssl.SSLContext):
    """Stands in for httpx's TLS context until the first handshake, which builds it: its
    roots (certifi's) cost ~15 ms of CPU to load, which a run that opens no https connection
    (an idle poll of http:// sites, issue 19) need not pay. httpcore only sets ALPN on it and
    hands it to the handshake (``wrap_socket``, ``wrap_bio``); both go to the real context.
    Anything else using this stand-in itself finds no roots, so it fails closed."""

    _lock = threading.Lock()

    def __new__(cls) -> TLSOnFirstUse:
        return super().__new__(cls, ssl.PROTOCOL_TLS_CLIENT)

    def __init__(self) -> None:
        self._alpn: list[str] | None = None
        self._real: ssl.SSLContext | None = None

    def real(self) -> ssl.SSLContext:
        with self._lock:
            if self._real is None:
                self._real = httpx.create_ssl_context(trust_env=False)
                if self._alpn is not None:
                    self._real.set_alpn_protocols(self._alpn)
            return self._real

    def set_alpn_protocols(self, alpn_protocols: Iterable[str]) -> None:
        with self._lock:
            self._alpn = list(alpn_protocols)
            if self._real is not None:
                self._real.set_alpn_protocols(self._alpn)

    def wrap_socket(self, *args: Any, **kwargs: Any) -> ssl.SSLSocket:
        return self.real().wrap_socket(*args, **kwargs)

    def wrap_bio(self, *args: Any, **kwargs: Any) -> ssl.SSLObject:
        return self.real().wrap_bio(*args, **kwargs)


class GuardedTransport(httpx.HTTPTransport):
    def __init__(self, backend: GuardedBackend) -> None:
        # trust_env off: a proxy would make the connected address the proxy's, not the site's.
        # One TLS context for both pools, built at the first https connection.
        context = TLSOnFirstUse()
        super().__init__(verify=context, trust_env=False)
        # httpx has no parameter for httpcore's network backend, so the pool is rebuilt with it.
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=backend,
        )
