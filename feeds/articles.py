"""Stage 3 of a poll: new listing entries made into items, their article pages fetched a
few at a time and read with the source's rules (pure merging in ``make_item``)."""

from __future__ import annotations

import hashlib
import itertools
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from urllib.parse import urlsplit

from feeds.browsing import article_wait
from feeds.decide import Verdict, judge, needs_article
from feeds.errors import ExtractError, FeedsError, UnexpectedError
from feeds.fetch import Fetcher
from feeds.identity import article_key, canonical_url
from feeds.models import Article, Built, Failed, Listed, ListingEntry, Page, Source, StoredItem

# The sanitiser (feeds.clean, 14 regular expressions and nh3) is imported by the functions
# that use it: the pipeline imports this stage, and an idle poll reads no article (issue 19).
log = logging.getLogger("feeds.articles")

OnPage = Callable[[Page], None]


def build_outcomes(
    source: Source,
    entries: Iterable[Listed],
    fetcher: Fetcher,
    *,
    now: datetime,
    should_stop: Callable[[], bool],
    on_page: OnPage | None = None,
) -> Iterator[Built | Failed]:
    """Each entry made into an item, in order; article pages are fetched a few at a time.

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
            if source.render == "browser" and source.render_articles:
                wait = article_wait(source)
                return fetcher.render(url, wait=wait, scope=source.scope, encoding=source.encoding)
            return fetcher.get(url, scope=source.scope, encoding=source.encoding)
        except Exception as e:  # recorded by the caller, like any other article error
            return e

    workers = max(1, fetcher.limits.concurrency)
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
            yield _finish(source, listed, future.result(), now=now, on_page=on_page)


def _finish(
    source: Source,
    listed: Listed,
    page: Page | Exception | None,
    *,
    now: datetime,
    on_page: OnPage | None,
) -> Built | Failed:
    try:
        if isinstance(page, Exception):
            raise page
        if page is not None and on_page is not None:
            on_page(page)
        return build_item(source, listed, page, now=now)
    except Exception as e:  # one bad article must not stop the others
        error = str(as_feeds_error(e, "reading the article page", listed.entry.url))
        return Failed(listed, error, _fallback(source, listed, now=now))


def _fallback(source: Source, listed: Listed, *, now: datetime) -> StoredItem | None:
    try:
        return listing_only_item(source, listed, now=now)
    except FeedsError:
        return None


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


def build_item(source: Source, listed: Listed, page: Page | None, *, now: datetime) -> Built:
    """A new item from its listing entry and, when fetched, its article page, with the
    other keys it is known by (aliases)."""
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
    return Built(listed, item, frozenset(aliases), int(page is not None))


def extract_page(source: Source, page: Page, *, now: datetime) -> Article:
    """An article page read with the source's rules; relative dates count from its fetch."""
    # Extraction is imported with the first article page: an idle poll reads none (issue 19).
    from feeds.extract.entry import extract_article

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
    from feeds.clean import MAX_AUTHOR, MAX_SUMMARY, MAX_TITLE, bound_html, bound_text, plain_text
    from feeds.extract.dates import parse_date, resolve_published

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
        or _own_summary(a.summary, listed.site_description)
    )
    # Bounded (issue 13): a page's 2 MB headline must not become every reader's problem.
    title = bound_text(title, MAX_TITLE) or title
    summary = bound_text(summary, MAX_SUMMARY)
    content, _ = bound_html(a.content_html, source.max_content_kb * 1024, more=url)
    verdict = item_verdict(source, title, summary, content)
    return StoredItem(
        source_id=source.id,
        key=key,
        id=url,
        url=url,
        title=title,
        author=bound_text(plain_text(a.author), MAX_AUTHOR),
        summary=summary,
        content_html=content,
        published=published,
        updated=published,
        first_seen=now,
        date_precision=precision,
        status="published" if verdict.keep else "filtered",
        content_hash=content_digest(title, summary, content),
    )


def _own_summary(found: str | None, site: str | None) -> str | None:
    """The article page's description, unless the listing page has it too: the site's own
    ('松花江网，是经国家互联网信息办公室批准的…' on every page), no summary of the article."""
    from feeds.extract.head_meta import same_text

    return None if found and site and same_text(found, site) else found


def content_digest(title: str, summary: str | None, content_html: str | None) -> str:
    """The substance of an item: its words, not its markup or spacing, so that a template
    change or reflowed whitespace is not an edit."""
    from feeds.clean import html_text

    words = [" ".join(part.split()) for part in (title, summary or "", html_text(content_html))]
    return hashlib.sha256("\x1f".join(words).encode("utf-8")).hexdigest()


def item_verdict(
    source: Source, title: str | None, summary: str | None, content_html: str | None
) -> Verdict:
    from feeds.clean import html_text

    content_text = html_text(content_html, without_links=True)
    return judge(source.include, source.exclude, [title, summary, content_text])


def listing_only_item(source: Source, listed: Listed, *, now: datetime) -> StoredItem:
    """What the listing shows of an entry, as an item (no article page read)."""
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


def as_feeds_error(error: BaseException, doing: str, url: str) -> FeedsError:
    """Our own errors as they are; anything else (a parser bug, a RecursionError on absurd
    markup) wrapped once here, at the stage boundary, so it is recorded like the others,
    chained, and its traceback logged once."""
    if isinstance(error, FeedsError):
        return error
    log.warning("unexpected error reading %s", url, exc_info=error)
    wrapped = UnexpectedError(
        f"unexpected {type(error).__name__} while {doing}: {error}",
        url=url,
        fix="save the page with curl and run `feeds extract` on it; report it if it repeats",
    )
    wrapped.__cause__ = error
    return wrapped


def _same_site(a: str, b: str) -> bool:
    """Same host, or one a subdomain of the other (m.example.com and example.com)."""
    host_a, host_b = (urlsplit(u).hostname or "" for u in (a, b))
    return host_a == host_b or host_a.endswith("." + host_b) or host_b.endswith("." + host_a)
