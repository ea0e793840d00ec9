"""Stage 1 of a poll: the listing pages, fetched and read into entries with their keys.

Selectors, or detection for zero-config sources; detection also stands in (healing) when
configured selectors suddenly match nothing or far fewer items than usual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from feeds.browsing import listing_wait
from feeds.errors import ExtractError, FeedsError
from feeds.fetch import Fetcher
from feeds.identity import article_key
from feeds.models import Listed, ListingPage, Page, Source, Store


@dataclass
class Listing:
    entries: list[Listed] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    matches: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # page one of each listing URL -> its validators (None: none came)
    validators: dict[str, tuple[str | None, str | None] | None] = field(default_factory=dict)
    unchanged: int = 0  # listing URLs answered 304
    first_page: int | None = None  # entries on page one (single-URL sources), for far_fewer
    degraded: str | None = None  # set when detection stood in for broken selectors


def collect_listing(source: Source, fetcher: Fetcher, *, pages: int, store: Store) -> Listing:
    """Every listing URL of the source, following ``listing.next`` up to ``pages`` pages."""
    listing = Listing()
    for start_url in source.urls:
        url: str | None = start_url
        for number in range(pages):
            if url is None or url in listing.pages:
                break
            page = _fetch_page(source, fetcher, store, url, number, listing, pages)
            if page is None:
                break
            listing.pages.append(url)
            if page.moved_to is not None and number == 0:
                # Followed for this poll but never rewritten behind the operator's back (F10).
                listing.problems.append(
                    f"fetch: {url} moved permanently to {page.moved_to}; update the config"
                )
            if page.not_modified:
                listing.unchanged += 1
                break  # the site says page one is as before, so the next pages are too
            if number == 0:
                listing.validators[url] = (page.etag, page.last_modified)
            extracted = _read_page(source, page, store, number, listing)
            url = extracted.next_url
    return listing


def _fetch_page(
    source: Source,
    fetcher: Fetcher,
    store: Store,
    url: str,
    number: int,
    listing: Listing,
    pages: int,
) -> Page | None:
    # Validators are the source's own: another source on this URL must not make it see a 304.
    etag, last_modified = store.validators(source.id, url) if number == 0 else (None, None)
    try:
        if source.render == "browser":  # the list is built by the page's scripts
            return fetcher.render(
                url,
                wait=listing_wait(source, pages),
                scope=source.scope,
                encoding=source.encoding,
                etag=etag,
                last_modified=last_modified,
            )
        return fetcher.get(
            url,
            scope=source.scope,
            encoding=source.encoding,
            etag=etag,
            last_modified=last_modified,
        )
    except FeedsError as e:
        if number == 0:
            raise  # the listing itself is unreachable: the source fails
        listing.problems.append(f"listing page {number + 1} failed: {e}")
        return None


def _read_page(
    source: Source, page: Page, store: Store, number: int, listing: Listing
) -> ListingPage:
    """One fetched listing page into entries, healed or judged on page one."""
    single = len(source.urls) == 1
    extracted = read_listing(source, page.text, page.url)
    if number == 0 and single:
        listing.first_page = len(extracted.entries)
    shrunk = (
        far_fewer(source, len(extracted.entries), store.last_listed(source.id))
        if number == 0 and single
        else None
    )
    if number == 0 and (not extracted.entries or shrunk):
        healed = heal_listing(
            source, page.text, page.url, store, at_least=len(extracted.entries) + 1
        )
        if healed is not None:
            extracted, listing.degraded = healed
        elif shrunk:
            listing.degraded = shrunk
    for label, count in extracted.matches.items():
        listing.matches[label] = listing.matches.get(label, 0) + count
    listing.problems.extend(extracted.problems)
    fetched_at = page.fetched_at or datetime.now(UTC)
    from feeds.extract.head_meta import head_description

    site = head_description(page.text)  # no article's summary (articles.make_item)
    listing.entries.extend(
        Listed(article_key(e.url, source.identity), e, fetched_at, site) for e in extracted.entries
    )
    if number == 0 and listing.degraded is None:
        listing.degraded = missing_fields(source, extracted)
    if number == 0 and not extracted.entries and source.listing is not None:
        why = "".join(f"; {p}" for p in extracted.problems if "nests" in p)
        raise ExtractError(
            f"listing.item {source.listing.item!r} matched no article links{why}",
            url=page.url,
            fix=f"the page layout may have changed; run `feeds check {source.id}`",
        )
    return extracted


def read_listing(source: Source, text: str, url: str) -> ListingPage:
    """The source's listing selectors, or, without them, the detected article list."""
    # Extraction is imported when a page is read: a 304 reads none, and detection (a fifth
    # of a first poll's CPU in imports alone) only where no selectors are given (issue 19).
    if source.listing is not None:
        from feeds.extract.entry import extract_listing

        return extract_listing(text, url, source.listing)
    from feeds.extract.detect import detect_listing

    detection = detect_listing(text, url)
    if detection.chosen is None:
        raise ExtractError(
            f"no article list found: {detection.problem}",
            url=url,
            fix=f"run `feeds discover {url}` and add [source.listing] selectors",
        )
    chosen = detection.chosen
    return ListingPage(
        entries=chosen.entries,
        next_url=detection.next_url,  # the page's own pager, on its own site
        matches={f"item {chosen.selectors.item} (detected)": len(chosen.entries)},
    )


def missing_fields(source: Source, page: ListingPage) -> str | None:
    """Health instead of silence: when most entries lose the title or date that a configured
    selector used to give, the site changed under the selector; say which one to check."""
    rules = source.listing
    entries = page.entries
    if rules is None or len(entries) < 3:
        return None
    for name, selector, values in (
        ("title", rules.title, [e.title for e in entries]),
        ("date", rules.date, [e.date_text for e in entries]),
    ):
        missing = sum(1 for value in values if not value)
        if selector and missing * 2 > len(entries):
            return (
                f"listing.{name} {selector!r} found no {name} on {missing} of {len(entries)} "
                f"items; check it with `feeds check {source.id}`"
            )
    return None


def far_fewer(source: Source, found: int, usual: int | None) -> str | None:
    """Configured selectors that suddenly find a third or less of the usual items (some
    matched, most did not): the site changed under them (issue 6). Pure."""
    if source.listing is None or usual is None or usual < 4 or found == 0 or found * 3 > usual:
        return None
    return (
        f"listing.item {source.listing.item!r} found {found} items where there are usually "
        f"{usual}; check it with `feeds check {source.id}`"
    )


def heal_listing(
    source: Source, text: str, url: str, store: Store, *, at_least: int = 1
) -> tuple[ListingPage, str] | None:
    """When the configured selectors match nothing (or far fewer than usual), the detected
    article list stands in for this poll, but only if it has at least ``at_least`` entries
    and holds articles already stored: proof that it is the same list (issue 6;
    RSSHub#23297). Ids come from canonical URLs, so no item changes identity."""
    from feeds.extract.detect import detect_listing

    detection = detect_listing(text, url)
    chosen = detection.chosen
    if chosen is None or len(chosen.entries) < at_least:
        return None
    keys = [article_key(e.url, source.identity) for e in chosen.entries]
    if not store.known_keys(source.id, keys):
        return None
    message = (
        f"selectors no longer match; detected `{chosen.selectors.item}` used instead; "
        "update the config"
    )
    page = ListingPage(
        entries=chosen.entries,
        next_url=None,
        matches={f"item {chosen.selectors.item} (detected, healing)": len(chosen.entries)},
    )
    return page, message
