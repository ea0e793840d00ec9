"""A fetcher that answers from saved pages and never touches the network (`feeds test`).

The pages are those a `feeds check --save` fetched (``Fetcher.on_page`` recorded them), by
the URL that was asked for; each is decoded again, from its bytes and its Content-Type, by the
rules of a live fetch and with the source's current ``encoding``, so a config edit is tested
as the next poll would meet it. The source's scope is checked as on a live fetch; a URL the
saved check did not fetch is an error that says so; one it could not fetch fails again
with the same error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import httpx

from feeds.browsing import Wait
from feeds.encoding import charset_from_content_type, decode_html
from feeds.errors import FetchError
from feeds.fetch.client import Fetcher
from feeds.fetch.politeness import HostLimits
from feeds.guard import Scope
from feeds.models import Page


def _offline(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("a replay never goes to the network", request=request)


class ReplayFetcher(Fetcher):
    """``pages``: the URL asked for -> the page as fetched then (``content`` holds its
    bytes), or the error the fetch met (raised again, the same)."""

    def __init__(self, pages: Mapping[str, Page | FetchError], *, fix: str) -> None:
        super().__init__(
            user_agent="feeds (replay)",
            timeout=10.0,
            transport=httpx.MockTransport(_offline),
            limits=HostLimits(4, 0.0),
        )
        self._pages = dict(pages)
        self._fix = fix  # what to do about a page that was not saved

    def get(
        self,
        url: str,
        *,
        scope: Scope | None = None,
        encoding: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Page:
        scope = scope or Scope.of([url])
        problem = scope.problem(url)
        if problem is not None:
            raise FetchError(
                f"refused: {problem}",
                url=url,
                fix="links are only followed on the source's own hosts; see allow_hosts",
            )
        saved = self._pages.get(url.strip())
        if saved is None:
            raise FetchError("not in the snapshot", url=url, fix=self._fix)
        if isinstance(saved, FetchError):
            raise FetchError(saved.message, url=saved.url, fix=saved.fix, status=saved.status)
        text, used = decode_html(
            saved.content,
            http_charset=charset_from_content_type(saved.content_type),
            override=encoding,
        )
        return replace(saved, text=text, encoding=used)

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
        """The page as it was rendered then: a snapshot keeps the rendered DOM."""
        return self.get(url, scope=scope, encoding=encoding)
