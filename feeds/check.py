"""``feeds check``: a poll's own stages run against a store that keeps nothing, reported
entry by entry instead of published (one code path, so check shows what a poll stores)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from feeds.articles import item_verdict, listing_only_item
from feeds.collect import collect_listing
from feeds.errors import FeedsError
from feeds.fetch import Fetcher
from feeds.models import Built, Failed, Listed, Page, Source, StoredItem
from feeds.pipeline import store_articles
from feeds.store import open_store


@dataclass(frozen=True)
class CheckedItem:
    """One row of ``feeds check``: what the feed would carry for this listing entry."""

    key: str
    link: str
    title: str | None
    date: str | None
    author: str | None
    status: str  # "listing only", "article", "filtered: ...", "error: ..."
    summary: str | None = None
    content: str | None = None  # "<characters> chars, sha256 <16 hex digits>" of its HTML


@dataclass(frozen=True)
class CheckReport:
    source_id: str
    pages: list[str]
    items: list[CheckedItem]
    listing_matches: dict[str, int]
    article_matches: dict[str, int]
    articles_fetched: int
    problems: list[str]


def check_source(
    source: Source, fetcher: Fetcher, *, limit: int, now: datetime | None = None
) -> CheckReport:
    """The stages of a poll on an empty in-memory store: the first ``limit`` new entries
    read as a poll reads them (article page, rel=canonical, aliases, filters). ``now``: the
    time the dates are read at (`feeds test` replays a snapshot at the time it was taken)."""
    now = now or datetime.now(UTC)
    counts: dict[str, int] = {}

    def count_matches(page: Page) -> None:
        # Imported here: `feeds run` imports this module for its snapshot checks, and a
        # service whose pages all take the lxml paths need never load bs4 (issue 19).
        from feeds.extract.article import article_matches

        for label, count in article_matches(page.text, source.article).items():
            counts[label] = counts.get(label, 0) + count

    with open_store(":memory:") as store:
        store.ensure_source(source.id, now)
        listing = collect_listing(source, fetcher, pages=source.max_pages, store=store)
        tally = store_articles(
            source, listing, store, fetcher, now=now, cap=limit, on_page=count_matches
        )
    outcomes = {o.listed.key: o for o in (tally.outcomes if tally else [])}
    rows, seen = [], set()
    for listed in listing.entries:
        if listed.key not in seen:
            seen.add(listed.key)
            rows.append(_row(source, listed, outcomes.get(listed.key), now=now, limit=limit))
    return CheckReport(
        source_id=source.id,
        pages=listing.pages,
        items=rows,
        listing_matches=listing.matches,
        article_matches=counts,
        articles_fetched=tally.fetches if tally else 0,
        problems=listing.problems,
    )


def _row(
    source: Source, listed: Listed, outcome: Built | Failed | None, *, now: datetime, limit: int
) -> CheckedItem:
    if isinstance(outcome, Failed):
        return CheckedItem(
            listed.key, listed.entry.url, None, None, None, f"error: {outcome.error}"
        )
    status = "article" if outcome is not None and outcome.fetched else "listing only"
    if outcome is None:
        status = f"listing only (beyond --limit {limit})"
        try:
            item = listing_only_item(source, listed, now=now)
        except FeedsError as e:
            return CheckedItem(listed.key, listed.entry.url, None, None, None, f"error: {e}")
    else:
        item = outcome.item
    if item.status == "filtered":
        verdict = item_verdict(source, item.title, item.summary, item.content_html)
        seen = "" if status == "article" else " (on the listing text; the article was not fetched)"
        status = f"filtered: {verdict.reason}{seen}"
    return CheckedItem(
        *(listed.key, item.url, item.title, _shown(item), item.author, status),
        summary=item.summary,
        content=content_digest(item.content_html),
    )


def content_digest(content_html: str | None) -> str | None:
    """A short stand-in for an item's content in a report or a snapshot: its size and hash."""
    if not content_html:
        return None
    digest = hashlib.sha256(content_html.encode("utf-8")).hexdigest()[:16]
    return f"{len(content_html)} chars, sha256 {digest}"


def _shown(item: StoredItem) -> str:
    if item.date_precision != "time":
        return item.published.date().isoformat() + f" ({item.date_precision})"
    return item.published.isoformat(" ", "minutes")
