"""The only egress: every request of the project goes through ``Fetcher.get`` (httpx only here).

One shared client per run, an honest User-Agent, timeouts, a cap on decoded bytes, conditional
GET that echoes the site's validators byte for byte, and errors that say what to try.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

import httpx

from feeds.config import default
from feeds.encoding import charset_from_content_type, decode_html
from feeds.errors import FetchError
from feeds.models import Page

MAX_BYTES = 10 * 1024 * 1024  # decoded; real article pages are 50-500 KB
MAX_REDIRECTS = 5

_STATUS_FIXES = {
    401: "the page needs a login; feeds only reads public pages",
    403: "the site refuses our requests; check settings.user_agent or the site's robots rules",
    404: "the page is gone; check the URL in the config",
    410: "the page is gone for good; remove or update the URL",
    429: "the site asks us to slow down; raise the source's `every`",
}


class HostLimits:
    """Per-host politeness shared by every fetcher of the process, so that all the sources
    on one host together keep to ``concurrency`` requests in flight and start requests at
    least ``interval`` seconds apart (miniflux's POLLING_LIMIT_PER_HOST)."""

    def __init__(self, concurrency: int, interval: float = 0.0) -> None:
        self.concurrency = concurrency
        self.interval = interval
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            slots = self._slots.setdefault(host, threading.BoundedSemaphore(self.concurrency))
        with slots:
            if self.interval:
                with self._lock:
                    now = time.monotonic()
                    start = max(now, self._next_start.get(host, 0.0))
                    self._next_start[host] = start + self.interval
                time.sleep(max(0.0, start - now))
            yield


class Fetcher:
    """A shared HTTP client. Use as a context manager so connections are closed."""

    def __init__(
        self,
        *,
        user_agent: str,
        timeout: float,
        max_bytes: int = MAX_BYTES,
        transport: httpx.BaseTransport | None = None,
        on_fetch: Callable[[str, int, float, int], None] | None = None,
        limits: HostLimits | None = None,
    ) -> None:
        """``on_fetch(url, status, seconds, size)`` is called after every answered request."""
        self.max_bytes = max_bytes
        # httpx's read timeout restarts with every byte, so a server trickling a byte every
        # few seconds would hold a poll forever: the whole body has this long (httpx#1450).
        self.deadline = 2 * timeout
        self._on_fetch = on_fetch
        self.limits = limits or HostLimits(
            default("settings.host_concurrency"), default("settings.host_interval")
        )
        self._client = httpx.Client(
            headers={
                "User-Agent": user_agent,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
                "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
            },
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            transport=transport,
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
        encoding: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Page:
        """Fetch and decode one page; a 304 to a conditional request gives ``not_modified``."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        with self.limits.slot(url):
            return self._get(url, headers, encoding, etag, last_modified)

    def _get(
        self,
        url: str,
        headers: dict[str, str],
        encoding: str | None,
        etag: str | None,
        last_modified: str | None,
    ) -> Page:
        started = time.monotonic()
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                body = b""
                try:
                    if response.status_code == 304:
                        return Page(
                            url=str(response.url),
                            text="",
                            encoding="",
                            status=304,
                            etag=response.headers.get("ETag") or etag,
                            last_modified=response.headers.get("Last-Modified") or last_modified,
                            fetched_at=datetime.now(UTC),
                            not_modified=True,
                        )
                    _check_status(response, url)
                    body = self._read_capped(response, url, started)
                finally:
                    if self._on_fetch is not None:
                        elapsed = time.monotonic() - started
                        self._on_fetch(url, response.status_code, elapsed, len(body))
        except httpx.TooManyRedirects as e:
            raise FetchError(
                f"more than {MAX_REDIRECTS} redirects", url=url, fix="open the URL in a browser"
            ) from e
        except httpx.TimeoutException as e:
            raise FetchError(
                "timed out", url=url, fix="the site is slow or down; raise settings.timeout"
            ) from e
        except httpx.HTTPError as e:
            raise FetchError(
                f"{type(e).__name__}: {e}", url=url, fix="check the URL and the network"
            ) from e
        text, used = decode_html(
            body,
            http_charset=charset_from_content_type(response.headers.get("Content-Type")),
            override=encoding,
        )
        return Page(
            url=str(response.url),
            text=text,
            encoding=used,
            status=response.status_code,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            fetched_at=datetime.now(UTC),
            content=body,
        )

    def _read_capped(self, response: httpx.Response, url: str, started: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            if time.monotonic() - started > self.deadline:
                raise FetchError(
                    f"page not received within {self.deadline:.0f} s",
                    url=url,
                    fix="the site sends too slowly; raise settings.timeout if it is just slow",
                )
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(
                    f"page larger than {self.max_bytes // (1024 * 1024)} MB",
                    url=url,
                    fix="this is not an HTML page of a normal size; check the URL",
                )
            chunks.append(chunk)
        return b"".join(chunks)


def _check_status(response: httpx.Response, url: str) -> None:
    status = response.status_code
    if status < 400:
        content_type = response.headers.get("Content-Type", "text/html")
        if not any(t in content_type for t in ("html", "xml", "text/plain")):
            raise FetchError(
                f"not an HTML page ({content_type})", url=url, fix="point the URL at a web page"
            )
        return
    reason = response.reason_phrase or "error"
    fix = _STATUS_FIXES.get(status)
    if fix is None:
        fix = "the site has a problem; it will be retried" if status >= 500 else "check the URL"
    raise FetchError(f"{status} {reason}", url=url, fix=fix, status=status)


def read_file(path: Path, *, url: str, encoding: str | None = None) -> Page:
    """A saved page from disk, decoded by the same rules as a fetched one."""
    body = path.read_bytes()
    text, used = decode_html(body, override=encoding)
    return Page(url=url, text=text, encoding=used, fetched_at=datetime.now(UTC), content=body)
