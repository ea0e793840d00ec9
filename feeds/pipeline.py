"""One poll of one source, its stages top to bottom; each failure is recorded and returned.

listing pages -> entries -> identity and newness -> article pages -> filters
-> store (one transaction) -> render from the store -> publish (atomic, skip unchanged)
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from feeds import __version__
from feeds.clean import html_text, plain_text
from feeds.config import Settings, Source
from feeds.decide import Verdict, judge, needs_article, unseen
from feeds.errors import ExtractError, FeedsError, FetchError
from feeds.extract.article import article_matches, extract_article
from feeds.extract.dates import parse_date, resolve_published
from feeds.extract.detect import detect_listing
from feeds.extract.listing import extract_listing
from feeds.fetch import Fetcher, HostLimits
from feeds.identity import article_key, canonical_url
from feeds.models import Article, FeedMeta, ListingEntry, ListingPage, Page, StoredItem
from feeds.render import FORMATS, publish, render
from feeds.robots import RobotsAnswer, RobotsCache
from feeds.store import Store

# After this many failed attempts an article is published with what its listing shows,
# so one broken page neither blocks its item forever nor costs a request on every poll.
MAX_ARTICLE_ATTEMPTS = 3
# Known items whose listing title changed are read again to see whether the article was
# edited; a few per poll, so a listing that rewrites every title costs little (B14).
MAX_EDIT_CHECKS = 5
# A listing that answers 410 Gone is asked again only after this long (or a config change).
GONE_PAUSE = 7 * 86400


@dataclass(frozen=True)
class Listed:
    """A listing entry with its identity and the time its page was fetched."""

    key: str
    entry: ListingEntry
    fetched_at: datetime


@dataclass
class Listing:
    entries: list[Listed] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    matches: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    unchanged: int = 0  # listing URLs answered 304
    first_page: int | None = None  # entries on page one (single-URL sources), for far_fewer
    degraded: str | None = None  # set when detection stood in for broken selectors


@dataclass(frozen=True)
class PollResult:
    source_id: str
    ok: bool
    new: int = 0
    filtered: int = 0
    listed: int = 0
    article_fetches: int = 0
    problems: tuple[str, ...] = ()
    error: str | None = None
    written: tuple[Path, ...] = ()
    edited: int = 0  # known items whose title or content changed, updated in place
    gone: bool = False  # the listing answered 410: polling pauses (GONE_PAUSE)
    abandoned: bool = False  # stopped by should_stop: nothing was stored
    degraded: str | None = None  # worked, but around a problem the operator must fix


def update_source(
    source: Source,
    settings: Settings,
    store: Store,
    fetcher: Fetcher,
    *,
    now: datetime | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> PollResult:
    """Poll one source and publish its feeds. Never raises for problems of the site.

    ``should_stop`` is asked before each article page: when it says yes the poll is
    abandoned before anything is stored, so a stopping service leaves no half poll behind.
    """
    now = now or datetime.now(UTC)
    store.ensure_source(source.id, now)

    # 1. Listing pages: entries with their canonical keys. A first poll backfills deeper.
    pages = source.max_pages if store.has_items(source.id) else source.backfill_pages
    try:
        listing = collect_listing(source, fetcher, pages=pages, store=store)
    except Exception as e:  # one source's failure, whatever it is, stays its own
        error = str(_as_feeds_error(e, "listing", source.urls[0]))
        store.record_failure(source.id, now, error)
        repair_feeds(source, settings, store)
        if isinstance(e, FetchError) and e.status == 410:
            # Gone for good: not a bad hour of the site. Stop asking, and say so (F9).
            message = (
                f"the listing answered 410 Gone: the site removed it; polling paused for "
                f"{GONE_PAUSE // 86400} days; update or remove the source's URL"
            )
            store.set_degraded(source.id, message)
            return PollResult(source.id, ok=False, error=error, degraded=message, gone=True)
        return PollResult(source.id, ok=False, error=error)

    # 2. Newness: only keys never seen before, as items or aliases, go further.
    known = store.known_keys(source.id, (listed.key for listed in listing.entries))
    by_key: dict[str, Listed] = {}
    for listed in listing.entries:
        by_key.setdefault(listed.key, listed)
    new_keys = unseen((listed.key for listed in listing.entries), known)
    signatures = {
        listed.key: listing_signature(listed.entry)
        for listed in listing.entries
        if listed.key in known and listed.entry.title
    }
    stored_signatures = store.listing_sigs(source.id, signatures)
    changed = [
        by_key[key]
        for key, signature in signatures.items()
        if stored_signatures.get(key) not in (None, signature)
    ][:MAX_EDIT_CHECKS]

    # 3. Article pages of new items, a few at once (the host limits of the fetcher keep it
    # polite); results are taken oldest first so insertion order follows publication.
    problems = list(listing.problems)
    built: list[tuple[StoredItem, set[str]]] = []
    built_listed: list[Listed] = []
    fetches = 0
    order = [by_key[key] for key in reversed(new_keys)]
    outcomes = build_items(source, order, fetcher, now=now, should_stop=should_stop)
    rereads = build_items(source, changed, fetcher, now=now, should_stop=should_stop)
    if should_stop():
        return PollResult(
            source.id, ok=False, error="poll abandoned: the service is stopping", abandoned=True
        )
    for listed, outcome in zip(order, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            error = str(_as_feeds_error(outcome, "article", listed.entry.url))
            fetches += 1
            attempts = store.record_item_error(source.id, listed.key, listed.entry.url, error, now)
            problems.append(error)
            if attempts < MAX_ARTICLE_ATTEMPTS:
                continue
            built.append((listing_only_item(source, listed, now=now), set()))
            built_listed.append(listed)
            continue
        item, aliases, fetched = outcome
        fetches += fetched
        built.append((item, aliases))
        built_listed.append(listed)

    # 4. Store the poll in one transaction: items, aliases, validators and the status.
    added = filtered = 0
    with store.transaction():
        for item, aliases in built:
            if store.known_keys(source.id, [item.key]):
                for alias in aliases | {item.key}:
                    store.add_alias(source.id, alias, item.key)
                continue  # reached under another URL earlier in this poll: one item
            twin = store.twin(item)
            if twin is not None:
                # The same words under a new URL (a redesign changed the path scheme): an
                # alias of the stored item, not a second copy in every reader (F11).
                for alias in aliases | {item.key}:
                    store.add_alias(source.id, alias, twin)
                continue
            store.add_item(item)
            for alias in aliases:
                store.add_alias(source.id, alias, item.key)
            added += item.status == "published"
            filtered += item.status == "filtered"
        for listed, item in zip(built_listed, (item for item, _ in built), strict=True):
            if listed.entry.title:
                store.set_listing_sig(source.id, item.key, listing_signature(listed.entry))
        edited = 0
        for listed, outcome in zip(changed, rereads, strict=True):
            if not isinstance(outcome, BaseException):
                edited += apply_edit(store, source.id, listed.key, outcome[0], now)
            store.set_listing_sig(source.id, listed.key, signatures[listed.key])
        for key, signature in signatures.items():
            if key in stored_signatures and stored_signatures[key] is None:
                # an item stored before signatures were kept (an alias key has no row: skipped)
                store.set_listing_sig(source.id, key, signature)
        for url, (etag, last_modified) in listing.validators.items():
            store.save_validators(url, etag, last_modified)
        summary = f"{len(problems)} problem(s); latest: {problems[-1]}" if problems else None
        store.record_success(source.id, now, added, summary)
        store.set_degraded(source.id, listing.degraded)
        if listing.first_page and listing.degraded is None:
            store.set_last_listed(source.id, listing.first_page)

    # 5. Render from the store, the truth, and publish; unchanged files are not rewritten.
    try:
        written = publish_source(source, settings, store)
    except FeedsError as e:
        store.record_failure(source.id, now, str(e))
        return PollResult(source.id, ok=False, new=added, error=str(e))
    return PollResult(
        source.id,
        ok=True,
        new=added,
        filtered=filtered,
        listed=len(by_key),
        article_fetches=fetches
        + sum(outcome[2] for outcome in rereads if not isinstance(outcome, BaseException)),
        edited=edited,
        problems=tuple(problems),
        written=tuple(written),
        degraded=listing.degraded,
    )


def listing_signature(entry: ListingEntry) -> str:
    """What the listing shows of a known item, whitespace aside: when it changes, the
    article may have been edited."""
    return hashlib.sha256(" ".join((entry.title or "").split()).encode("utf-8")).hexdigest()[:16]


def content_digest(title: str, summary: str | None, content_html: str | None) -> str:
    """The substance of an item: its words, not its markup or spacing, so that a template
    change or reflowed whitespace is not an edit."""
    words = [" ".join(part.split()) for part in (title, summary or "", html_text(content_html))]
    return hashlib.sha256("\x1f".join(words).encode("utf-8")).hexdigest()


def apply_edit(store: Store, source_id: str, key: str, fresh: StoredItem, now: datetime) -> int:
    """Update a stored item from a fresh read when its substance changed (B14): same key,
    id, link, published date and first-seen time; ``updated`` moves to now. 1 if edited."""
    stored = store.item(source_id, key)
    if stored is None or stored.content_hash == fresh.content_hash:
        return 0
    store.update_item(
        replace(
            stored,
            title=fresh.title,
            author=fresh.author,
            summary=fresh.summary,
            content_html=fresh.content_html,
            content_hash=fresh.content_hash,
            updated=max(now, stored.published),
        )
    )
    return 1


def collect_listing(
    source: Source, fetcher: Fetcher, *, pages: int, store: Store | None
) -> Listing:
    """Every listing URL of the source, following ``listing.next`` up to ``pages`` pages."""
    listing = Listing()
    for start_url in source.urls:
        url: str | None = start_url
        for number in range(pages):
            if url is None or url in listing.pages:
                break
            etag, last_modified = store.validators(url) if store and number == 0 else (None, None)
            try:
                page = fetcher.get(
                    url,
                    scope=source.scope,
                    encoding=source.encoding,
                    etag=etag,
                    last_modified=last_modified,
                )
            except FeedsError:
                if number == 0:
                    raise  # the listing itself is unreachable: the source fails
                listing.problems.append(f"fetch: listing page {number + 1} failed for {url}")
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
            extracted = read_listing(source, page.text, page.url)
            if number == 0 and len(source.urls) == 1:
                listing.first_page = len(extracted.entries)
            shrunk = (
                far_fewer(source, len(extracted.entries), store.last_listed(source.id))
                if number == 0 and store is not None and len(source.urls) == 1
                else None
            )
            if number == 0 and store is not None and (not extracted.entries or shrunk):
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
            listing.entries.extend(
                Listed(article_key(e.url, source.identity), e, fetched_at)
                for e in extracted.entries
            )
            if number == 0 and listing.degraded is None:
                listing.degraded = missing_fields(source, extracted)
            if number == 0 and not extracted.entries and source.listing is not None:
                raise ExtractError(
                    f"listing.item {source.listing.item!r} matched no article links",
                    url=url,
                    fix=f"the page layout may have changed; run `feeds check {source.id}`",
                )
            url = extracted.next_url
    return listing


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


def read_listing(source: Source, text: str, url: str) -> ListingPage:
    """The source's listing selectors, or, without them, the detected article list."""
    if source.listing is not None:
        return extract_listing(text, url, source.listing)
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


BuildOutcome = tuple[StoredItem, set[str], int] | Exception


def build_items(
    source: Source,
    entries: list[Listed],
    fetcher: Fetcher,
    *,
    now: datetime,
    should_stop: Callable[[], bool],
) -> list[BuildOutcome]:
    """``build_item`` for each entry, in order; article pages are fetched a few at a time.

    Only the fetching runs on threads (it waits on the network); parsing stays on this
    thread, where threads would only fight over the GIL (bench scenario 3 measured twice
    the CPU per article with four parsing threads). At most two pages per worker wait
    ahead, so memory stays flat however long the backfill. Errors are returned, not
    raised: one bad article must not stop the others, and the caller records them.
    """

    def fetch(listed: Listed) -> Page | Exception | None:
        url = article_url(source, listed)
        if url is None:
            return None
        if should_stop():
            return ExtractError("skipped: the service is stopping", url=url)
        try:
            return fetcher.get(url, scope=source.scope, encoding=source.encoding)
        except Exception as e:  # recorded by the caller, like any other article error
            return e

    def finish(listed: Listed, page: Page | Exception | None) -> BuildOutcome:
        if isinstance(page, Exception):
            return page
        try:
            return build_item(source, listed, page, now=now)
        except Exception as e:  # one bad article must not stop the others
            return e

    workers = max(1, min(fetcher.limits.concurrency, len(entries)))
    outcomes: list[BuildOutcome] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"poll-{source.id}") as pool:
        queue: deque[tuple[Listed, Future[Page | Exception | None]]] = deque()
        upcoming = iter(entries)
        for listed in itertools.islice(upcoming, 2 * workers):
            queue.append((listed, pool.submit(fetch, listed)))
        while queue:
            listed, future = queue.popleft()
            following = next(upcoming, None)
            if following is not None:
                queue.append((following, pool.submit(fetch, following)))
            outcomes.append(finish(listed, future.result()))
    return outcomes


def article_url(source: Source, listed: Listed) -> str | None:
    """The article page to fetch for a new entry, or None when the listing is enough.

    The canonical URL, not the listed one: a mobile variant has another layout than the one
    the article selectors were written for, and tracking parameters are noise.
    """
    entry = listed.entry
    if not source.full_text or not needs_article(
        source.include, source.exclude, [entry.title, entry.summary]
    ):
        return None
    url = canonical_url(entry.url, source.identity)
    if source.scope.problem(url) is not None:
        return None  # a link off the source's hosts is kept as a link, never fetched (S5)
    return url


def build_item(
    source: Source, listed: Listed, page: Page | None, *, now: datetime
) -> tuple[StoredItem, set[str], int]:
    """A new item from its listing entry and, when fetched, its article page.

    Returns the item, the other keys it is known by (aliases) and the number of fetches.
    """
    entry = listed.entry
    url = canonical_url(entry.url, source.identity)
    key = listed.key
    aliases: set[str] = set()
    article: Article | None = None
    if page is not None:
        article = extract_page(source, page, now=now)
        # rel=canonical is honoured on the article's own site only: a page must not be able
        # to claim another site's identity (or another source's item).
        for candidate in (article.url, article.canonical_url):
            if candidate and _same_site(candidate, entry.url):
                url = canonical_url(candidate, source.identity)
        new_key = article_key(url, source.identity)
        if new_key != key:
            aliases.add(key)
            key = new_key
    item = make_item(source, listed, article, key=key, url=url, now=now)
    return item, aliases, int(page is not None)


def read_article(
    source: Source, url: str, fetcher: Fetcher, *, now: datetime
) -> tuple[Article, Page]:
    """Fetch one article page and extract it with the source's rules."""
    page = fetcher.get(url, scope=source.scope, encoding=source.encoding)
    return extract_page(source, page, now=now), page


def extract_page(source: Source, page: Page, *, now: datetime) -> Article:
    """An article page read with the source's rules; relative dates count from its fetch."""
    return extract_article(
        page.text,
        page.url,
        source.article,
        now=page.fetched_at or now,
        tz=source.zone,
        encoding=page.encoding,
    )


def make_item(
    source: Source,
    listed: Listed,
    article: Article | None,
    *,
    key: str,
    url: str,
    now: datetime,
) -> StoredItem:
    """Merge listing and article fields along the fallback chains (pure)."""
    entry = listed.entry
    a = article or Article(url=url)
    tz = source.zone
    title = (a.title if a.origins.get("title") == "selector" else None) or entry.title or a.title
    if not title:
        raise ExtractError(
            "no title on the listing or the article page",
            url=entry.url,
            fix="set listing.title or article.title",
        )
    listing_date = (
        parse_date(entry.date_text, now=listed.fetched_at, tz=tz) if entry.date_text else None
    )
    published, precision = resolve_published(
        [listing_date, a.date, a.metadata_date], first_seen=now, tz=tz
    )
    summary = (
        (a.summary if a.origins.get("summary") == "selector" else None)
        or entry.summary
        or a.summary
    )
    verdict = item_verdict(source, title, summary, a.content_html)
    digest = content_digest(title, summary, a.content_html)
    return StoredItem(
        source_id=source.id,
        key=key,
        id=url,
        url=url,
        title=title,
        author=plain_text(a.author),
        summary=summary,
        content_html=a.content_html,
        published=published,
        updated=published,
        first_seen=now,
        date_precision=precision,
        status="published" if verdict.keep else "filtered",
        content_hash=digest,
    )


def item_verdict(
    source: Source, title: str | None, summary: str | None, content_html: str | None
) -> Verdict:
    content_text = html_text(content_html, without_links=True)
    return judge(source.include, source.exclude, [title, summary, content_text])


def listing_only_item(source: Source, listed: Listed, *, now: datetime) -> StoredItem:
    url = canonical_url(listed.entry.url, source.identity)
    entry = listed.entry
    if not entry.title:
        entry = ListingEntry(
            url=entry.url,
            title=url,
            date_text=entry.date_text,
            summary=entry.summary,
            position=entry.position,
        )
    return make_item(
        source, Listed(listed.key, entry, listed.fetched_at), None, key=listed.key, url=url, now=now
    )


@dataclass(frozen=True)
class CheckedItem:
    """One row of ``feeds check``: what the feed would carry for this listing entry."""

    key: str
    link: str
    title: str | None
    date: str | None
    author: str | None
    status: str  # "listing only", "article", "filtered: ...", "error: ..."


@dataclass(frozen=True)
class CheckReport:
    source_id: str
    pages: list[str]
    items: list[CheckedItem]
    listing_matches: dict[str, int]
    article_matches: dict[str, int]
    articles_fetched: int
    problems: list[str]


def check_source(source: Source, fetcher: Fetcher, *, limit: int) -> CheckReport:
    """The stages of a poll without the store: what would be extracted, nothing written."""
    listing = collect_listing(source, fetcher, pages=source.max_pages, store=None)
    now = datetime.now(UTC)
    items: list[CheckedItem] = []
    article_counts: dict[str, int] = {}
    fetched = 0
    for listed in listing.entries:
        article: Article | None = None
        status = "listing only"
        url = canonical_url(listed.entry.url, source.identity)
        if source.full_text and fetched < limit:
            fetched += 1
            try:
                article, page = read_article(source, url, fetcher, now=now)
                for label, count in article_matches(page.text, source.article).items():
                    article_counts[label] = article_counts.get(label, 0) + count
                status = "article"
            except FeedsError as e:
                status = f"error: {e}"
        try:
            item = make_item(source, listed, article, key=listed.key, url=url, now=now)
        except FeedsError as e:
            items.append(CheckedItem(listed.key, url, None, None, None, f"error: {e}"))
            continue
        if item.status == "filtered":
            verdict = item_verdict(source, item.title, item.summary, item.content_html)
            seen = "" if article else " (on the listing text; the article was not fetched)"
            status = f"filtered: {verdict.reason}{seen}"
        shown = item.published.isoformat(" ", "minutes")
        if item.date_precision != "time":
            shown = item.published.date().isoformat() + f" ({item.date_precision})"
        items.append(CheckedItem(listed.key, item.url, item.title, shown, item.author, status))
    return CheckReport(
        source_id=source.id,
        pages=listing.pages,
        items=items,
        listing_matches=listing.matches,
        article_matches=article_counts,
        articles_fetched=fetched,
        problems=listing.problems,
    )


def repair_feeds(source: Source, settings: Settings, store: Store) -> None:
    """While the site is down the feeds still follow the store: a crash between a commit and
    the feed write (F4) is repaired without waiting for the site. Unchanged bytes are not
    rewritten; a source with nothing stored yet gets no (empty) feed."""
    if not store.has_items(source.id):
        return
    # The failure already recorded is the one the operator needs to see.
    with contextlib.suppress(FeedsError):
        publish_source(source, settings, store)


def database(settings: Settings) -> Path:
    return settings.data_dir / "feeds.db"


def shared_politeness(
    settings: Settings, *, persist: bool = True
) -> tuple[HostLimits, RobotsCache]:
    """The host limits and robots.txt answers every fetcher of the process shares, loaded
    from the store and saved back as they change, so a restart (or the next `feeds update`
    from cron) keeps to a Retry-After and does not fetch robots.txt again. The saves come
    from fetch threads, so each opens its own short connection. ``persist=False`` (for
    `feeds check`, which writes nothing) reads what is stored and keeps the rest in memory."""
    path = database(settings)
    holds: dict[str, datetime] = {}
    answers: dict[str, RobotsAnswer] = {}
    if persist or path.exists():
        with Store(path) as store:
            holds = store.host_holds(datetime.now(UTC))
            answers = store.robots_answers()

    def save_hold(host: str, until: datetime) -> None:
        with Store(path) as store:
            store.save_host_hold(host, until)

    def save_robots(url: str, answer: RobotsAnswer) -> None:
        with Store(path) as store:
            store.save_robots(url, answer)

    limits = HostLimits(
        settings.host_concurrency,
        settings.host_interval,
        holds=holds,
        on_hold=save_hold if persist else None,
    )
    return limits, RobotsCache(answers, on_answer=save_robots if persist else None)


def open_fetcher(
    settings: Settings,
    politeness: tuple[HostLimits, RobotsCache] | None = None,
    on_fetch: Callable[[str, int, float, int], None] | None = None,
) -> Fetcher:
    """The fetcher of a run, with the settings' identity, timeouts and address policy."""
    limits, robots = politeness or shared_politeness(settings)
    return Fetcher(
        user_agent=settings.user_agent,
        timeout=settings.timeout,
        limits=limits,
        robots=robots,
        allow_private_networks=settings.allow_private_networks,
        on_fetch=on_fetch,
    )


def publish_source(source: Source, settings: Settings, store: Store) -> list[Path]:
    items = store.feed_items(source.id, source.keep)
    # Not source_status(): its item counts scan the whole history, and rendering must not
    # grow with it (bench scenario 4b).
    created = store.source_created(source.id) or datetime.now(UTC)
    meta = FeedMeta(
        id=source.id,
        title=source.title,
        home_url=source.urls[0],
        description=f"{source.title}: articles from {source.urls[0]}",
        self_urls={fmt: f"{settings.base_url}feeds/{source.id}.{fmt}" for fmt in FORMATS},
        updated=max((item.updated for item in items), default=created),
        language=source.language,
        generator=f"feeds {__version__}",
    )
    return publish(settings.output_dir, source.id, render(meta, items))


def _as_feeds_error(error: Exception, what: str, url: str) -> FeedsError:
    """Our own errors as they are; anything else (a parser bug, a RecursionError on absurd
    markup) wrapped once here, at the stage boundary, so it is recorded like the others."""
    if isinstance(error, FeedsError):
        return error
    return ExtractError(
        f"unexpected {type(error).__name__} while reading the {what} page: {error}",
        url=url,
        fix="save the page with curl and run `feeds extract` on it; report it if it repeats",
    )


def _same_site(a: str, b: str) -> bool:
    """Same host, or one a subdomain of the other (m.example.com and example.com)."""
    host_a, host_b = (urlsplit(u).hostname or "" for u in (a, b))
    return host_a == host_b or host_a.endswith("." + host_b) or host_b.endswith("." + host_a)
