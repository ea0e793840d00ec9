"""What a request that got no usable answer means: a 304's page, and the ``FetchError`` of a
request that failed below HTTP, naming what failed and in which phase."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from feeds.errors import AddressBlocked, FetchError, NoAnswer
from feeds.fetch.network import AddressRefused, Attempt, Expired, NoConnection, connect_reason
from feeds.models import Page


def not_modified(url: str, response: httpx.Response, sent: dict[str, str]) -> Page:
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


def failure(error: Exception, url: str, attempt: Attempt) -> FetchError:
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
    if isinstance(error, Expired):
        return NoAnswer(
            f"answer not received within {attempt.seconds:g} s, the overall deadline of a "
            f"request (stalled in the {attempt.phase})",
            url=url,
            fix="the site answers too slowly; if it is only slow, raise settings.timeout, "
            "as a request may take twice it",
        )
    if isinstance(error, NoConnection):
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
        reason = connect_reason(error, attempt.waited)
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
