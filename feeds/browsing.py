"""What the headless browser is asked (issue 17), as plain data: how the process's Chromium
runs (``BrowserOptions``) and what a rendered page is waited for (``Wait``). Pure: the
browser itself is ``fetch/browser.py``."""

from __future__ import annotations

from dataclasses import dataclass

from feeds.models import Settings, Source


@dataclass(frozen=True)
class BrowserOptions:
    """How the process's one headless Chromium runs: where it is (None: found on the PATH),
    how many pages render at once, the deadline of one page, and when it is restarted
    (after ``recycle`` pages, or when its processes hold more than ``memory_mb``)."""

    path: str = "chromium"  # a path, or a command looked up on the PATH
    pages: int = 2
    timeout: float = 30.0
    recycle: int = 100
    memory_mb: int = 1024


@dataclass(frozen=True)
class Wait:
    """What a rendered page is waited for: ``selector`` (None: the network going quiet),
    then up to ``more`` rounds of "load more" (``load_more``'s button, a button that says
    so, or scrolling to the end) when the page has no pager (``pager`` matches nothing)."""

    selector: str | None = None
    load_more: str | None = None
    more: int = 0
    pager: str | None = None  # the configured next-page link


def browser_options(settings: Settings) -> BrowserOptions:
    return BrowserOptions(
        path=settings.browser,
        pages=settings.browser_pages,
        timeout=settings.browser_timeout,
        recycle=settings.browser_recycle,
        memory_mb=settings.browser_memory,
    )


def listing_wait(source: Source, pages: int) -> Wait:
    """What a rendered listing page is waited for: ``wait_for``, else the items; then up to
    ``pages - 1`` rounds of load more where the page has no pager."""
    rules = source.listing
    return Wait(
        selector=source.wait_for or (rules.item if rules is not None else None),
        load_more=source.load_more,
        more=pages - 1,
        pager=rules.next if rules is not None else None,
    )


def article_wait(source: Source) -> Wait:
    return Wait(selector=source.article.content)
