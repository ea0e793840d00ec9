"""One poll of one source, top to bottom; each stage ends in record-and-return.

listing pages -> entries and their keys -> what to read (decide.select_work) -> article
pages, in batches -> what to store (decide.plan_batch) -> store.apply, one transaction a
batch -> the poll's end (status, validators) -> render from the store -> publish
"""

from __future__ import annotations

import contextlib
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from feeds.articles import OnPage, as_feeds_error, build_outcomes
from feeds.collect import Listing, collect_listing
from feeds.decide import Work, next_notice, plan_batch, plan_edits, select_work
from feeds.errors import FeedsError, FetchError
from feeds.fetch import Fetcher
from feeds.models import Built, Facts, Failed, PollEnd, PollPlan, Settings, Source, Store
from feeds.publish import publish_source, repair_feeds

log = logging.getLogger("feeds.pipeline")

# After this many failed attempts an article is published with what its listing shows,
# so one broken page neither blocks its item forever nor costs a request on every poll.
MAX_ARTICLE_ATTEMPTS = 3
# Known items whose listing title changed are read again to see whether the article was
# edited; a few per poll, so a listing that rewrites every title costs little (B14).
MAX_EDIT_CHECKS = 5
# A listing that answers 410 Gone is asked again only after this long (or a config change).
GONE_PAUSE = 7 * 86400
# New items are committed this many at a time, so a poll cut short by a restart keeps what
# it has read (issue 13: 30 restarts of a long first poll once stored nothing).
BATCH = 10


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
    abandoned: bool = False  # stopped by should_stop: the batch under way was not stored
    degraded: str | None = None  # worked, but around a problem the operator must fix
    deferred: int = 0  # new entries left for the next polls (source.max_articles)


@dataclass
class Tally:
    """What the batches of one poll stored, for its end and its result."""

    added: int = 0
    filtered: int = 0
    fetches: int = 0
    edited: int = 0
    pending: int = 0  # failed articles to retry: the listing must be read again
    deferred: int = 0  # new entries beyond the per-poll cap, for the next polls
    problems: list[str] = field(default_factory=list)
    outcomes: list[Built | Failed] = field(default_factory=list)

    def count(self, plan: PollPlan, batch: list[Built | Failed]) -> None:
        resolved = {new.item.key for new in plan.new_items} | {a for a, _ in plan.aliases}
        self.added += plan.added
        self.filtered += plan.filtered
        self.fetches += sum(outcome.fetched for outcome in batch)
        self.pending += sum(failure.key not in resolved for failure in plan.failures)
        self.problems += [failure.error for failure in plan.failures]
        self.outcomes += batch


def never() -> bool:
    return False


def update_source(
    source: Source,
    settings: Settings,
    store: Store,
    fetcher: Fetcher,
    *,
    now: datetime | None = None,
    should_stop: Callable[[], bool] = never,
    by: str | None = None,
) -> PollResult:
    """Poll one source and publish its feeds. Never raises for problems of the site or of
    the store: each is recorded on the source and returned.

    ``should_stop`` is asked before each article page and batch: when it says yes the poll
    is abandoned, and the batch under way is not stored. ``by`` (the process's ``host:pid``)
    is recorded with the poll's outcome: which instance of a cluster polled it.
    """
    now = now or datetime.now(UTC)
    # 1. Listing pages: entries with their canonical keys. A first poll backfills deeper.
    try:
        store.ensure_source(source.id, now)
        # So does a poll after one that left entries for later (the cap): a backfill deeper
        # than one poll's max_articles is read on until it is done.
        deep = not store.has_items(source.id) or store.backlog(source.id) > 0
        pages = source.backfill_pages if deep else source.max_pages
        listing = collect_listing(source, fetcher, pages=pages, store=store)
    except Exception as e:  # one source's failure, whatever it is, stays its own
        error = as_feeds_error(e, "reading the listing page", source.urls[0])
        return listing_failed(source, settings, store, now, error, by=by)

    # 2-4. What to read, the article pages, and what to store: a transaction per batch.
    try:
        tally = store_articles(
            source, listing, store, fetcher, now=now, should_stop=should_stop, by=by
        )
    except Exception as e:  # the store failed (locked, full, gone), or a bug: recorded
        error = as_feeds_error(e, "storing the poll", source.urls[0])
        return failed(source, store, now, error, by=by)
    if tally is None:
        return PollResult(
            source.id, ok=False, error="poll abandoned: the service is stopping", abandoned=True
        )

    # 5. Render from the store, the truth, and publish; unchanged files are not rewritten.
    try:
        note_health(source, store, now)
        written = publish_source(source, settings, store)
    except Exception as e:  # the previous files stay served
        error = as_feeds_error(e, "publishing the feeds", source.urls[0])
        return replace(failed(source, store, now, error, by=by), new=tally.added)
    return PollResult(
        source.id,
        ok=True,
        new=tally.added,
        filtered=tally.filtered,
        listed=len({listed.key for listed in listing.entries}),
        article_fetches=tally.fetches,
        edited=tally.edited,
        problems=tuple(tally.problems),
        written=tuple(written),
        degraded=listing.degraded,
        deferred=tally.deferred,
    )


def store_articles(
    source: Source,
    listing: Listing,
    store: Store,
    fetcher: Fetcher,
    *,
    now: datetime,
    should_stop: Callable[[], bool] = never,
    cap: int | None = None,
    on_page: OnPage | None = None,
    by: str | None = None,
) -> Tally | None:
    """Read and store the new entries of a listing, a batch at a time, then end the poll
    (status, validators) in the transaction of its edits. None when abandoned."""
    keys = [listed.key for listed in listing.entries]
    known = store.known_keys(source.id, keys)
    work = select_work(
        listing.entries,
        known,
        store.listing_sigs(source.id, known),
        cap=source.max_articles if cap is None else cap,
        max_edits=MAX_EDIT_CHECKS,
    )
    tally = Tally(problems=list(listing.problems), deferred=work.deferred)
    # Oldest first, so that insertion order follows publication.
    outcomes = build_outcomes(
        source, reversed(work.new), fetcher, now=now, should_stop=should_stop, on_page=on_page
    )
    for batch in _batches(outcomes, BATCH):
        if should_stop():
            return None
        plan = plan_batch(
            source.id,
            now,
            batch,
            facts(store, source.id, batch),
            signatures=work.signatures,
            max_attempts=MAX_ARTICLE_ATTEMPTS,
        )
        store.apply(plan)
        tally.count(plan, batch)
    rereads = list(build_outcomes(source, work.reread, fetcher, now=now, should_stop=should_stop))
    if should_stop():
        return None
    stored = store.items(source.id, [listed.key for listed in work.reread])
    edits = plan_edits(source.id, now, work, rereads, Facts(stored=stored))
    tally.edited = len(edits.edits)
    tally.fetches += sum(outcome.fetched for outcome in rereads)
    store.apply(replace(edits, end=replace(poll_end(listing, work, tally), polled_by=by)))
    return tally


def facts(store: Store, source_id: str, batch: list[Built | Failed]) -> Facts:
    """What the store knows of a batch's items, for ``plan_batch``."""
    built = [outcome.item for outcome in batch if isinstance(outcome, Built)]
    fallbacks = [o.fallback for o in batch if isinstance(o, Failed) and o.fallback is not None]
    failed_keys = [outcome.listed.key for outcome in batch if isinstance(outcome, Failed)]
    return Facts(
        known=frozenset(store.known_keys(source_id, [i.key for i in built + fallbacks])),
        twins=store.twins(source_id, built + fallbacks),
        attempts=store.item_attempts(source_id, failed_keys),
    )


def poll_end(listing: Listing, work: Work, tally: Tally) -> PollEnd:
    """The status of a poll that worked. Its listing validators are kept only when it read
    everything the listing asked for: a 304 next time must not hide entries left for later
    (the cap, articles to retry), nor another source's entries (they are per source)."""
    complete = work.complete and not tally.pending
    problems = tally.problems
    summary = f"{len(problems)} problem(s); latest: {problems[-1]}" if problems else None
    healthy = listing.first_page and listing.degraded is None
    return PollEnd(
        ok=True,
        error=summary,
        added=tally.added,
        degraded=listing.degraded,
        last_listed=listing.first_page if healthy else None,
        backlog=work.deferred,
        validators={
            url: (validators if complete else None)
            for url, validators in listing.validators.items()
        },
    )


def listing_failed(
    source: Source,
    settings: Settings,
    store: Store,
    now: datetime,
    error: FeedsError,
    *,
    by: str | None = None,
) -> PollResult:
    """The listing could not be read: recorded, and the feeds still follow the store."""
    gone = isinstance(error, FetchError) and error.status == 410
    degraded = None
    if gone:
        # Gone for good: not a bad hour of the site. Stop asking, and say so (F9).
        degraded = (
            f"the listing answered 410 Gone: the site removed it; polling paused for "
            f"{GONE_PAUSE // 86400} days; update or remove the source's URL"
        )
    result = failed(source, store, now, error, degraded=degraded, by=by)
    with contextlib.suppress(FeedsError):  # the failure recorded is the one to show
        note_health(source, store, now)
    written = repair_feeds(source, settings, store)
    return replace(result, degraded=degraded, gone=gone, written=tuple(written))


def note_health(source: Source, store: Store, now: datetime) -> None:
    """The source's notice (its status item, ``on_error = "item"``) in step with its
    status, written only when it changes (``decide.next_notice``)."""
    previous = store.notice(source.id)
    notice = next_notice(previous, store.source_status(source.id), now)
    if notice != previous:
        store.save_notice(source.id, notice)


def failed(
    source: Source,
    store: Store,
    now: datetime,
    error: FeedsError,
    *,
    degraded: str | None = None,
    by: str | None = None,
) -> PollResult:
    """Record a failed poll; if even that fails (the store is the problem), say both."""
    message = str(error)
    try:
        store.ensure_source(source.id, now)
        end = PollEnd(ok=False, error=message, degraded=degraded, polled_by=by)
        store.apply(PollPlan(source.id, now, end=end))
    except FeedsError as e:
        log.error("failure not recorded: %s", e, extra={"source": source.id})
        message = f"{message}; and it could not be recorded: {e}"
    return PollResult(source.id, ok=False, error=message)


def _batches(items: Iterable[Built | Failed], size: int) -> Iterator[list[Built | Failed]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
