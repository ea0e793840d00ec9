"""The only egress: every request of the project goes through ``Fetcher.get`` (httpx and
httpcore are used only here).

On every hop of every request: the scheme allowlist and the source's scope (``guard``), the
host's Retry-After hold, robots.txt, and the per-host concurrency and spacing; on every
connection, the address actually connected to (``_GuardedBackend``), checked again against
the trust of each request a pooled connection carries. Then an overall deadline per request,
from the name lookup to the last byte, enforced in every socket operation besides httpx's
timeouts; a cap on decoded bytes enforced while inflating, redirects followed by hand (at
most ``max_redirects``), and conditional GET that echoes the site's validators byte for
byte. Errors say what to try, and a site that cannot be reached is named as such.
"""

from __future__ import annotations

import email.utils
import errno
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from feeds.encoding import charset_from_content_type, decode_html
from feeds.errors import FetchError
from feeds.guard import Origin, Scope, address_problem, host_origin
from feeds.models import HOST_CONCURRENCY, HOST_INTERVAL, Page
from feeds.robots import MAX_BYTES as ROBOTS_MAX_BYTES
from feeds.robots import RobotsAnswer, RobotsCache, agent_token

MAX_BYTES = 10 * 1024 * 1024  # decoded; real article pages are 50-500 KB
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = timedelta(hours=24)  # "Retry-After: 99999999" is a bug, not a plan
MAX_CRAWL_DELAY = 60.0
_REDIRECTS = (301, 302, 303, 307, 308)
_PERMANENT = (301, 308)

_STATUS_FIXES = {
    401: "the page needs a login; feeds only reads public pages",
    403: "the site refuses our requests; check settings.user_agent or the site's robots rules",
    404: "the page is gone; check the URL",
    410: "the page is gone for good; remove or update the URL",
    429: "the site asks us to slow down; raise the source's `every`",
}

Resolver = Callable[[str, int], list[str]]
_T = TypeVar("_T")


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4-mapped IPv6 included, as the OS gives it)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class TooManyRedirects(FetchError):
    """More hops than ``max_redirects``: a loop or a chain no browser would follow either."""


class AddressRefused(Exception):
    """Raised inside httpcore when a connection would reach a refused address."""


class AddressBlocked(FetchError):
    """The request would have reached a loopback, private or otherwise internal address."""


class NoAnswer(FetchError):
    """The site could not be reached (name, connection, TLS) or did not answer in time. It is
    the site's problem whichever request met it first, robots.txt included (RFC 9309 would
    disallow everything anyway), so it is reported as such, never as a robots.txt rule."""


class _Attempt:
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
            raise _Expired(self)
        self.waited = left if timeout is None else min(timeout, left)
        return self.waited


_ATTEMPT: ContextVar[_Attempt | None] = ContextVar("feeds_fetch_attempt", default=None)


class _Expired(Exception):
    """The request's overall deadline passed (raised inside httpcore, translated by Fetcher)."""

    def __init__(self, attempt: _Attempt) -> None:
        super().__init__(attempt.phase)
        self.attempt = attempt


class _NoConnection(Exception):
    """No connection to the host: ``reason`` says why in a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _connect_reason(error: BaseException, seconds: float | None) -> str:
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

    def _attempt(self) -> _Attempt | None:
        attempt = _ATTEMPT.get()
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


def _timed(attempt: _Attempt, phase: str, timeout: float | None, op: Callable[[float], _T]) -> _T:
    """``op`` with the time left; a timeout is the deadline's when the deadline ran out."""
    seconds = attempt.timeout(timeout, phase)
    try:
        return op(seconds)
    except httpcore.TimeoutException as e:
        if attempt.expired:
            raise _Expired(attempt) from e
        raise


class _GuardedBackend(httpcore.NetworkBackend):
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
        attempt = _ATTEMPT.get()
        at = host_origin(host, port)
        addresses = self._resolve(host, port, attempt)
        problems = [] if self._allow_private else [p for p in map(address_problem, addresses) if p]
        problem = f"{host} resolves to {problems[0]}" if problems else None
        if problem is not None and (attempt is None or at not in attempt.trusted):
            raise AddressRefused(problem)
        error: Exception = _NoConnection("the name has no address")
        for address in addresses:  # the next address when one is down, as browsers do
            seconds = timeout if attempt is None else attempt.timeout(timeout, "connect")
            try:
                stream = self._inner.connect_tcp(
                    address, port, seconds, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                error = _NoConnection(_connect_reason(e, seconds))
                continue
            return _GuardedStream(stream, at, problem)
        if attempt is not None and attempt.expired:
            raise _Expired(attempt)
        raise error

    def _resolve(self, host: str, port: int, attempt: _Attempt | None) -> list[str]:
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
            raise _Expired(attempt)
        if isinstance(outcome[0], Exception):
            raise outcome[0]
        return outcome[0]

    def _lookup(self, host: str, port: int) -> list[str]:
        try:
            return self._resolver(host, port)
        except OSError as e:  # fail closed: an unresolvable host is not fetched
            raise _NoConnection(_connect_reason(e, None)) from e

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise AddressRefused("unix sockets are never connected to")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, backend: _GuardedBackend) -> None:
        # trust_env off: a proxy would make the connected address the proxy's, not the site's.
        # The TLS context (certifi's roots, ~15 ms to load) is built once and used by both pools.
        context = httpx.create_ssl_context(trust_env=False)
        super().__init__(verify=context, trust_env=False)
        # httpx has no parameter for httpcore's network backend, so the pool is rebuilt with it.
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=backend,
        )


class HostLimits:
    """Per-host politeness shared by every fetcher of the process: all the sources on one
    host together keep to ``concurrency`` requests in flight and start requests at least
    ``interval`` seconds apart (miniflux's POLLING_LIMIT_PER_HOST), or the host's robots.txt
    Crawl-delay when longer; and no request goes to a host before its Retry-After time.

    ``on_hold(host, until)`` persists a new Retry-After hold so a restart keeps to it.
    """

    def __init__(
        self,
        concurrency: int,
        interval: float = 0.0,
        *,
        holds: dict[str, datetime] | None = None,
        on_hold: Callable[[str, datetime], None] | None = None,
    ) -> None:
        self.concurrency = concurrency
        self.interval = interval
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}
        self._intervals: dict[str, float] = {}
        self._holds: dict[str, datetime] = dict(holds or {})
        self._on_hold = on_hold

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        host = _host(url)
        with self._lock:
            slots = self._slots.setdefault(host, threading.BoundedSemaphore(self.concurrency))
        with slots:
            interval = max(self.interval, self._intervals.get(host, 0.0))
            if interval:
                with self._lock:
                    now = time.monotonic()
                    start = max(now, self._next_start.get(host, 0.0))
                    self._next_start[host] = start + interval
                time.sleep(max(0.0, start - now))
            yield

    def crawl_delay(self, url: str, seconds: float) -> None:
        with self._lock:
            self._intervals[_host(url)] = min(seconds, MAX_CRAWL_DELAY)

    def hold(self, url: str, until: datetime) -> None:
        host = _host(url)
        with self._lock:
            if until <= self._holds.get(host, until - timedelta(seconds=1)):
                return
            self._holds[host] = until
        if self._on_hold is not None:
            self._on_hold(host, until)

    def held_until(self, url: str, now: datetime) -> datetime | None:
        with self._lock:
            until = self._holds.get(_host(url))
        return until if until is not None and until > now else None


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().rstrip(".")


def retry_after(value: str | None, now: datetime) -> datetime | None:
    """The time a ``Retry-After`` header (seconds or HTTP-date) names, capped at 24 hours."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        delay = timedelta(seconds=min(int(value), int(MAX_RETRY_AFTER.total_seconds())))
        return now + delay
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max(when, now), now + MAX_RETRY_AFTER)


class _Inflater:
    """Decodes one Content-Encoding layer (gzip or deflate) without ever producing more than
    the cap: zlib's ``max_length`` stops a 10 GB bomb after the first cap+1 bytes. A gzip body
    may hold several members one after the other (RFC 1952 2.2; gzip(1) reads them all, NUL
    padding between them included): each is inflated in turn, under the same cap."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._zlib = zlib.decompressobj(31 if coding == "gzip" else 15)
        self._started = False

    def feed(self, data: bytes, limit: int) -> bytes:
        if not self._started and self._coding == "deflate" and data[:1] and data[0] & 0x0F != 8:
            self._zlib = zlib.decompressobj(-15)  # raw deflate, as some servers send it
        self._started = True
        out: list[bytes] = []
        produced = 0
        while data and produced <= limit:
            if self._zlib.eof:
                if self._coding != "gzip":
                    break  # bytes after the end of a deflate stream: ignored, as browsers do
                data = data.lstrip(b"\0")
                if not data:
                    break
                self._zlib = zlib.decompressobj(31)  # the next member; not gzip: zlib.error
            piece = self._zlib.decompress(data, limit + 1 - produced)
            out.append(piece)
            produced += len(piece)
            data = self._zlib.unused_data if self._zlib.eof else self._zlib.unconsumed_tail
        return b"".join(out)


def _inflaters(header: str | None) -> list[_Inflater]:
    codings = [c.strip().lower() for c in (header or "").split(",")]
    codings = ["gzip" if c == "x-gzip" else c for c in codings if c and c != "identity"]
    if len(codings) > 2:  # urllib3 CVE-2025-66418: unbounded decoder chains
        raise ValueError(f"{len(codings)} content encodings stacked")
    unknown = [c for c in codings if c not in ("gzip", "deflate")]
    if unknown:  # br and zstd are not advertised, so a site sending them is broken
        raise ValueError(f"unsupported content encoding {unknown[0]}")
    return [_Inflater(c) for c in reversed(codings)]


class Fetcher:
    """A shared HTTP client. Use as a context manager so connections are closed.

    ``transport`` replaces the network (httpx.MockTransport in unit tests); the address check
    lives in the network layer, so it applies only without one.
    """

    def __init__(
        self,
        *,
        user_agent: str,
        timeout: float,
        max_bytes: int = MAX_BYTES,
        transport: httpx.BaseTransport | None = None,
        on_fetch: Callable[[str, int, float, int], None] | None = None,
        limits: HostLimits | None = None,
        robots: RobotsCache | None = None,
        allow_private_networks: bool = False,
        resolver: Resolver = system_resolver,
        max_redirects: int = MAX_REDIRECTS,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """``on_fetch(url, status, seconds, size)`` is called after every answered request."""
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        # httpx's read timeout restarts with every byte, so a server trickling a byte every
        # few seconds would hold a poll forever (httpx#1450), in the headers as in the body:
        # each request, name lookup to last byte, has this long (see _Attempt).
        self.timeout = timeout
        self.deadline = 2 * timeout
        self._on_fetch = on_fetch
        self._agent = agent_token(user_agent)
        self._clock = clock
        self.limits = limits or HostLimits(HOST_CONCURRENCY, HOST_INTERVAL)
        self.robots = robots or RobotsCache()
        if transport is None:
            transport = _GuardedTransport(_GuardedBackend(resolver, allow_private_networks))
        self._client = httpx.Client(
            headers={
                "User-Agent": user_agent,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
                "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
                # Only codings we inflate ourselves under the cap (see _Inflater).
                "Accept-Encoding": "gzip, deflate",
            },
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False,
            transport=transport,
            trust_env=False,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(
        self,
        url: str,
        *,
        scope: Scope | None = None,
        encoding: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Page:
        """Fetch and decode one page; a 304 to a conditional request gives ``not_modified``.

        ``scope`` is the source's: a URL outside it is refused before any I/O, and only its
        configured origins may be internal addresses (trusted as written, for this request
        only: the fetcher is shared by every source). Without one, ``url`` itself is the
        operator's (``feeds extract URL``) and sets the scope.
        """
        scope = scope or Scope.of([url])
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._follow(url, scope, headers, encoding, self.max_bytes, robots=True)

    def _follow(
        self,
        url: str,
        scope: Scope,
        headers: dict[str, str],
        encoding: str | None,
        limit: int,
        *,
        robots: bool,
        truncate: bool = False,
        trusted: frozenset[Origin] | None = None,
    ) -> Page:
        """``trusted``: the origins that may be internal addresses, the scope's own unless
        given (robots.txt is read with the trust of the source that asks for it)."""
        trusted = scope.origins if trusted is None else trusted
        current = url.strip()
        moved: str | None = None
        for hop in range(self.max_redirects + 1):
            self._admit(current, scope, trusted, robots=robots)
            with self.limits.slot(current):
                result = self._request(current, headers, encoding, limit, truncate, trusted)
            if isinstance(result, Page):
                if moved is not None:
                    result = replace(result, moved_to=moved)
                return result
            status, location = result
            target = urljoin(current, location.strip())
            if hop == 0 and status in _PERMANENT:
                moved = target  # reported to the operator, never rewritten silently (F10)
            current = target
        raise TooManyRedirects(
            f"more than {self.max_redirects} redirects",
            url=url,
            fix="the site redirects in a loop or too far; open the URL in a browser",
        )

    def _admit(self, url: str, scope: Scope, trusted: frozenset[Origin], *, robots: bool) -> None:
        """Everything decided before a request leaves: scope, Retry-After hold, robots.txt."""
        problem = scope.problem(url)
        if problem is not None:
            raise FetchError(
                f"refused: {problem}",
                url=url,
                fix="links are only followed on the source's own hosts; see allow_hosts",
            )
        until = self.limits.held_until(url, self._clock())
        if until is not None:
            raise FetchError(
                f"the site asked us to wait until {until.isoformat(timespec='seconds')}",
                url=url,
                fix="nothing to do: requests to this host resume after that time",
            )
        if robots and scope.robots:
            try:
                refusal, delay = self.robots.verdict(
                    url, self._agent, lambda robots_url: self._robots_txt(robots_url, trusted)
                )
            except NoAnswer as e:  # the site's problem, met first by robots.txt: this page's
                raise NoAnswer(e.message, url=url, fix=e.fix) from e
            if delay:
                self.limits.crawl_delay(url, delay)
            if refusal is not None:
                raise FetchError(
                    refusal,
                    url=url,
                    fix="feeds keeps to robots.txt; set `robots = false` only for a site you run",
                )

    def _robots_txt(self, url: str, trusted: frozenset[Origin]) -> RobotsAnswer:
        now = self._clock()
        try:
            page = self._follow(
                url,
                Scope.of([url], robots=False),
                {},
                "utf-8",
                ROBOTS_MAX_BYTES,
                robots=False,
                truncate=True,
                trusted=trusted,
            )
        except (AddressBlocked, NoAnswer):
            raise  # the page itself would fail for the same reason: say that one
        except TooManyRedirects:
            return RobotsAnswer(404, "", now)  # unavailable, which allows (RFC 9309 2.3.1.2)
        except FetchError as e:
            return RobotsAnswer(e.status or 0, "", now, error=e.message)
        return RobotsAnswer(page.status, page.text, now)

    def _request(
        self,
        url: str,
        headers: dict[str, str],
        encoding: str | None,
        limit: int,
        truncate: bool,
        trusted: frozenset[Origin],
    ) -> Page | tuple[int, str]:
        """One request: a Page, or (status, Location) of a redirect to follow."""
        started = time.monotonic()
        attempt = _Attempt(self.deadline, trusted, self.timeout)
        token = _ATTEMPT.set(attempt)
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                attempt.phase = "body"
                body = b""
                try:
                    location = response.headers.get("Location")
                    if response.status_code in _REDIRECTS and location:
                        return response.status_code, location
                    if response.status_code == 304:
                        return _not_modified(url, response, headers)
                    self._check_status(response, url)
                    body = self._read_capped(response, url, attempt, limit, truncate)
                finally:
                    if self._on_fetch is not None:
                        elapsed = time.monotonic() - started
                        self._on_fetch(url, response.status_code, elapsed, len(body))
        except (AddressRefused, _Expired, _NoConnection, httpx.HTTPError, httpx.InvalidURL) as e:
            raise _failure(e, url, attempt) from e
        finally:
            _ATTEMPT.reset(token)
        text, used = decode_html(
            body,
            http_charset=charset_from_content_type(response.headers.get("Content-Type")),
            override=encoding,
        )
        return Page(
            url=url,
            text=text,
            encoding=used,
            status=response.status_code,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            fetched_at=datetime.now(UTC),
            content=body,
        )

    def _check_status(self, response: httpx.Response, url: str) -> None:
        status = response.status_code
        if status < 400:
            content_type = response.headers.get("Content-Type", "text/html")
            if not any(t in content_type for t in ("html", "xml", "text/plain")):
                raise FetchError(
                    f"not an HTML page ({content_type})",
                    url=url,
                    fix="point the URL at a web page",
                )
            return
        reason = response.reason_phrase or "error"
        fix = _STATUS_FIXES.get(status)
        if status in (429, 503):
            until = retry_after(response.headers.get("Retry-After"), self._clock())
            if until is not None:
                self.limits.hold(url, until)
                fix = f"the site asks us to wait until {until.isoformat(timespec='seconds')}"
        if fix is None:
            fix = "the site has a problem; it will be retried" if status >= 500 else "check the URL"
        raise FetchError(f"{status} {reason}", url=url, fix=fix, status=status)

    def _read_capped(
        self, response: httpx.Response, url: str, attempt: _Attempt, limit: int, truncate: bool
    ) -> bytes:
        try:
            inflaters = _inflaters(response.headers.get("Content-Encoding"))
        except ValueError as e:
            raise FetchError(str(e), url=url, fix="the site sends a broken response") from e
        stream: Iterable[bytes] = response.iter_raw()
        if response.is_stream_consumed:  # an in-memory response (MockTransport), decoded
            stream, inflaters = [response.content], []
        chunks: list[bytes] = []
        size = 0
        try:
            for raw in stream:
                if attempt.expired:  # the network layer stops a real socket at the deadline
                    raise _Expired(attempt)
                chunk = raw
                for inflater in inflaters:
                    chunk = inflater.feed(chunk, limit - size)
                size += len(chunk)
                if size > limit:
                    if truncate:
                        chunks.append(chunk[: len(chunk) - (size - limit)])
                        break
                    raise FetchError(
                        f"page larger than {limit // (1024 * 1024)} MB",
                        url=url,
                        fix="this is not an HTML page of a normal size; check the URL",
                    )
                chunks.append(chunk)
        except zlib.error as e:
            raise FetchError(
                f"broken compressed body: {e}", url=url, fix="the site sends a broken response"
            ) from e
        return b"".join(chunks)


def _not_modified(url: str, response: httpx.Response, sent: dict[str, str]) -> Page:
    """The Page of a 304: the validators the site sends, or else the ones we sent."""
    return Page(
        url=url,
        text="",
        encoding="",
        status=304,
        etag=response.headers.get("ETag") or sent.get("If-None-Match"),
        last_modified=response.headers.get("Last-Modified") or sent.get("If-Modified-Since"),
        fetched_at=datetime.now(UTC),
        not_modified=True,
    )


_WAITING = {
    "status line": "waiting for the status line",
    "headers": "reading the headers",
    "body": "reading the body",
}


def _failure(error: Exception, url: str, attempt: _Attempt) -> FetchError:
    """The FetchError of a request that failed below HTTP: what failed, in which phase."""
    netloc = urlsplit(url).netloc.rpartition("@")[2]
    down = "the site is down or unreachable; check the URL and the network"
    if isinstance(error, AddressRefused):
        return AddressBlocked(
            f"refused: {error}",
            url=url,
            fix="pages may not reach private networks; if the site is yours, set "
            "settings.allow_private_networks = true",
        )
    if isinstance(error, _Expired):
        return NoAnswer(
            f"answer not received within {attempt.seconds:g} s, the overall deadline of a "
            f"request (stalled in the {attempt.phase})",
            url=url,
            fix="the site answers too slowly; if it is only slow, raise settings.timeout, "
            "as a request may take twice it",
        )
    if isinstance(error, _NoConnection):
        return NoAnswer(f"cannot connect to {netloc} ({error.reason})", url=url, fix=down)
    if isinstance(error, httpx.ConnectTimeout | httpx.ConnectError):
        if attempt.phase == "TLS handshake":
            what = (
                f"timed out after {attempt.waited:g} s"
                if isinstance(error, httpx.ConnectTimeout)
                else f"failed ({error})"
            )
            fix = "check whether the URL should be http or https, and the site's certificate"
            return NoAnswer(f"TLS handshake with {netloc} {what}", url=url, fix=fix)
        reason = _connect_reason(error, attempt.waited)
        return NoAnswer(f"cannot connect to {netloc} ({reason})", url=url, fix=down)
    if isinstance(error, httpx.TimeoutException):
        if isinstance(error, httpx.WriteTimeout):
            waiting = "sending the request"
        elif isinstance(error, httpx.PoolTimeout):
            waiting = "waiting for a free connection"
        else:  # a read; a mock transport raises it before any phase is known
            waiting = _WAITING.get(attempt.phase, _WAITING["status line"])
        return NoAnswer(
            f"timed out after {attempt.waited:g} s {waiting}",
            url=url,
            fix="the site is slow or down; raise settings.timeout",
        )
    fix = "check the URL and the network"
    return FetchError(f"{type(error).__name__}: {error}", url=url, fix=fix)


def read_file(path: Path, *, url: str, encoding: str | None = None) -> Page:
    """A saved page from disk, decoded by the same rules as a fetched one."""
    body = path.read_bytes()
    text, used = decode_html(body, override=encoding)
    return Page(url=url, text=text, encoding=used, fetched_at=datetime.now(UTC), content=body)
