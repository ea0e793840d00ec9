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

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Protocol
from urllib.parse import urljoin

import httpx

from feeds.browsing import BrowserOptions, Wait
from feeds.encoding import charset_from_content_type, decode_html
from feeds.errors import AddressBlocked, FetchError, NoAnswer, TooManyRedirects
from feeds.fetch.failures import failure, not_modified
from feeds.fetch.inflate import read_capped
from feeds.fetch.network import (
    ATTEMPT,
    AddressRefused,
    Attempt,
    Expired,
    GuardedBackend,
    GuardedTransport,
    NoConnection,
    Resolver,
    system_resolver,
)
from feeds.fetch.politeness import HostLimits, retry_after
from feeds.guard import Origin, Scope, origin, scheme_problem
from feeds.models import HOST_CONCURRENCY, HOST_INTERVAL, Page, RobotsAnswer
from feeds.robots import MAX_BYTES as ROBOTS_MAX_BYTES
from feeds.robots import RobotsCache, agent_token

MAX_BYTES = 10 * 1024 * 1024  # decoded; real article pages are 50-500 KB
MAX_REDIRECTS = 5
_REDIRECTS = (301, 302, 303, 307, 308)
_PERMANENT = (301, 308)

_STATUS_FIXES = {
    401: "the page needs a login; feeds only reads public pages",
    403: "the site refuses our requests; check settings.user_agent or the site's robots rules",
    404: "the page is gone; check the URL",
    410: "the page is gone for good; remove or update the URL",
    429: "the site asks us to slow down; raise the source's `every`",
}


# Not handed on to the page: the body is already inflated and whole, and no state is kept.
_NOT_PASSED = {"content-encoding", "content-length", "transfer-encoding", "set-cookie"}


class Renderer(Protocol):
    """The process's headless browser (``browser.Browser``), as the fetcher calls it."""

    def render(self, document: Page, scope: Scope, wait: Wait, fetcher: Fetcher) -> Page: ...


@dataclass(frozen=True)
class Resource:
    """What a rendered page's own request gets: any status and type, at most the byte cap."""

    url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Reply:
    """The answer to ``Fetcher.send``: any status, and at most its cap of the body."""

    status: int
    body: bytes


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
        browser: BrowserOptions | None = None,
    ) -> None:
        """``on_fetch(url, status, seconds, size)`` is called after every answered request."""
        self.max_bytes = max_bytes
        self.browser = browser or BrowserOptions()  # for sources with render = "browser"
        self.max_redirects = max_redirects
        # httpx's read timeout restarts with every byte, so a server trickling a byte every
        # few seconds would hold a poll forever (httpx#1450), in the headers as in the body:
        # each request, name lookup to last byte, has this long (see Attempt).
        self.timeout = timeout
        self.deadline = 2 * timeout
        self._on_fetch = on_fetch
        self.user_agent = user_agent
        self._agent = agent_token(user_agent)
        self._clock = clock
        self.limits = limits or HostLimits(HOST_CONCURRENCY, HOST_INTERVAL)
        self.robots = robots or RobotsCache()
        # Told of what every ``get`` gives, a page or the error it raises, with the URL
        # asked for (`feeds check --save` keeps them).
        self.on_page: Callable[[str, Page | FetchError], None] | None = None
        # Told of every answer a rendered page's own request got (`feeds discover` names the
        # JSON APIs a page reads).
        self.on_resource: Callable[[Resource], None] | None = None
        if transport is None:
            transport = GuardedTransport(GuardedBackend(resolver, allow_private_networks))
        self._client = httpx.Client(
            headers={
                "User-Agent": user_agent,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
                "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
                # Only codings we inflate ourselves under the cap (see Inflater).
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
        return self._page(url, scope, encoding, etag, last_modified, None)

    def render(
        self,
        url: str,
        *,
        wait: Wait,
        scope: Scope | None = None,
        encoding: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Page:
        """``get``, then the page run in the process's headless Chromium (``browser.py``)
        until ``wait`` is met: the Page holds the rendered DOM. The document itself comes
        from ``get`` (a 304 is not rendered); every request the page makes comes back
        through ``resource``, under the same rules."""
        return self._page(url, scope, encoding, etag, last_modified, wait)

    def _page(
        self,
        url: str,
        scope: Scope | None,
        encoding: str | None,
        etag: str | None,
        last_modified: str | None,
        wait: Wait | None,
    ) -> Page:
        scope = scope or Scope.of([url])
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            page = self._follow(url, scope, headers, encoding, self.max_bytes, robots=True)
            if wait is not None and not page.not_modified:
                page = self._browser(url).render(page, scope, wait, self)
        except FetchError as e:
            if self.on_page is not None:
                self.on_page(url, e)
            raise
        if self.on_page is not None:
            self.on_page(url, page)
        return page

    def _browser(self, url: str) -> Renderer:
        try:  # loaded only for sources that render: the static path never imports Playwright
            from feeds.fetch.browser import shared_browser
        except ImportError as e:
            raise FetchError(
                f'render = "browser" needs Playwright, which is not installed ({e.name})',
                url=url,
                fix="pip install 'feeds[browser]' (it drives the system's Chromium: "
                'settings.browser); or set render = "static"',
            ) from e
        browser: Renderer = shared_browser(self.browser)
        return browser

    def resource(
        self,
        url: str,
        *,
        scope: Scope,
        method: str = "GET",
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> Resource:
        """A request a rendered page makes (a script, a stylesheet, its JSON API) under every
        rule of ``get``: scope, Retry-After and robots.txt on each hop, redirects followed
        here hop by hop (Chromium is never handed one to follow), internal addresses refused
        at connect time, the byte cap. Any status and type is handed back as it came."""
        current = url.strip()
        for _ in range(self.max_redirects + 1):
            self._admit(current, scope, scope.origins, robots=True)
            with self.limits.slot(current):
                result = self._exchange(current, method, body, dict(headers or {}), scope)
            if isinstance(result, Resource):
                if self.on_resource is not None:
                    self.on_resource(result)
                return result
            status, location = result
            current = urljoin(current, location.strip())
            if status == 303 or (status in (301, 302) and method == "POST"):
                method, body = "GET", b""  # as browsers do (RFC 9110 15.4)
        raise TooManyRedirects(
            f"more than {self.max_redirects} redirects", url=url, fix="the site redirects in a loop"
        )

    def _exchange(
        self, url: str, method: str, body: bytes, headers: dict[str, str], scope: Scope
    ) -> Resource | tuple[int, str]:
        started = time.monotonic()
        attempt = Attempt(self.deadline, scope.origins, self.timeout)
        token = ATTEMPT.set(attempt)
        try:
            with self._client.stream(method, url, content=body or None, headers=headers) as r:
                attempt.phase = "body"
                location = r.headers.get("Location")
                if r.status_code in _REDIRECTS and location:
                    return r.status_code, location
                data = read_capped(r, url, attempt, self.max_bytes, truncate=False)
                if self._on_fetch is not None:
                    self._on_fetch(url, r.status_code, time.monotonic() - started, len(data))
        except (AddressRefused, Expired, NoConnection, httpx.HTTPError, httpx.InvalidURL) as e:
            raise failure(e, url, attempt) from e
        finally:
            ATTEMPT.reset(token)
        kept = {k: v for k, v in r.headers.items() if k.lower() not in _NOT_PASSED}
        return Resource(url, r.status_code, kept, data)

    def send(
        self,
        url: str,
        *,
        method: str = "POST",
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
        trusted: bool = False,
        max_bytes: int = 64 * 1024,
    ) -> Reply:
        """One request to a URL that is not a page to read: a WebSub subscriber's callback
        (a stranger's URL) or an external hub (``trusted``: the operator configured it).

        The egress rules of every fetch hold (scheme allowlist; internal addresses refused
        at connect time unless trusted or settings.allow_private_networks; the overall
        deadline), but no redirect is followed and robots.txt is not asked (nothing is
        crawled); the answer's body is read up to ``max_bytes`` and the rest ignored.
        """
        problem = scheme_problem(url)
        found = origin(url)
        if problem is not None or found is None:
            raise FetchError(f"refused: {problem}", url=url, fix="give an http(s) URL")
        attempt = Attempt(
            self.deadline, frozenset({found}) if trusted else frozenset(), self.timeout
        )
        token = ATTEMPT.set(attempt)
        try:
            with (
                self.limits.slot(url),
                self._client.stream(method, url, content=body, headers=dict(headers or {})) as r,
            ):
                attempt.phase = "body"
                data = read_capped(r, url, attempt, max_bytes, truncate=True)
        except (AddressRefused, Expired, NoConnection, httpx.HTTPError, httpx.InvalidURL) as e:
            raise failure(e, url, attempt) from e
        finally:
            ATTEMPT.reset(token)
        return Reply(r.status_code, data)

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
        attempt = Attempt(self.deadline, trusted, self.timeout)
        token = ATTEMPT.set(attempt)
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                attempt.phase = "body"
                body = b""
                try:
                    location = response.headers.get("Location")
                    if response.status_code in _REDIRECTS and location:
                        return response.status_code, location
                    if response.status_code == 304:
                        return not_modified(url, response, headers)
                    self._check_status(response, url)
                    body = read_capped(response, url, attempt, limit, truncate)
                finally:
                    if self._on_fetch is not None:
                        elapsed = time.monotonic() - started
                        self._on_fetch(url, response.status_code, elapsed, len(body))
        except (AddressRefused, Expired, NoConnection, httpx.HTTPError, httpx.InvalidURL) as e:
            raise failure(e, url, attempt) from e
        finally:
            ATTEMPT.reset(token)
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
            fetched_at=self._clock(),
            content=body,
            content_type=response.headers.get("Content-Type"),
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


def read_file(path: Path, *, url: str, encoding: str | None = None) -> Page:
    """A saved page from disk, decoded by the same rules as a fetched one."""
    body = path.read_bytes()
    text, used = decode_html(body, override=encoding)
    return Page(url=url, text=text, encoding=used, fetched_at=datetime.now(UTC), content=body)
