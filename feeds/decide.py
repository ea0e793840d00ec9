"""Pure decisions: which items are new, which pass the filters, when a source polls next.

Functions of data in, data out, so the rules are tested without a store or a server.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from feeds.lazyre import lazy
from feeds.models import (
    Built,
    Facts,
    Failed,
    ItemFailure,
    Listed,
    NewItem,
    Notice,
    PollPlan,
    SourceStatus,
    StoredItem,
)


@dataclass(frozen=True)
class Verdict:
    keep: bool
    reason: str  # "include matched 'AI'", "exclude matched '招聘'", "no include term matched"


@lru_cache(maxsize=256)
def _matcher(term: str) -> re.Pattern[str]:
    """A term's pattern. ASCII words match whole words only, so 'AI' finds 'AI芯片' and
    'the AI boom' but not 'said' or 'training'; CJK terms match anywhere."""
    if term.startswith("re:"):
        return re.compile(term[3:], re.IGNORECASE)
    pattern = re.escape(term)
    if term[:1].isascii() and term[:1].isalnum():
        pattern = r"(?<![A-Za-z0-9])" + pattern
    if term[-1:].isascii() and term[-1:].isalnum():
        pattern += r"(?![A-Za-z0-9])"
    return re.compile(pattern, re.IGNORECASE)


def first_match(terms: Iterable[str], texts: Sequence[str | None]) -> str | None:
    """The first term found in any of the texts (case-insensitive; 're:' for a regex)."""
    haystacks = [t for t in texts if t]
    for term in terms:
        pattern = _matcher(term)
        if any(pattern.search(text) for text in haystacks):
            return term
    return None


def judge(include: Sequence[str], exclude: Sequence[str], texts: Sequence[str | None]) -> Verdict:
    """Exclude wins over include; with no include terms everything not excluded is kept."""
    hit = first_match(exclude, texts)
    if hit is not None:
        return Verdict(False, f"exclude matched {hit!r}")
    if not include:
        return Verdict(True, "no include filter")
    hit = first_match(include, texts)
    if hit is not None:
        return Verdict(True, f"include matched {hit!r}")
    return Verdict(False, "no include term matched")


def needs_article(
    include: Sequence[str], exclude: Sequence[str], listing_texts: Sequence[str | None]
) -> bool:
    """Whether fetching the article page could change the verdict on this item.

    An exclude term already visible on the listing settles it without a request.
    """
    return first_match(exclude, listing_texts) is None


def unseen(keys: Iterable[str], known: set[str]) -> list[str]:
    """Keys not yet known, in their first-seen order, each once."""
    out: list[str] = []
    seen: set[str] = set()
    for key in keys:
        if key not in known and key not in seen:
            seen.add(key)
            out.append(key)
    return out


# However many failures, a source is retried at least this often (it is never given up).
MAX_BACKOFF = 6 * 3600
# Backoff delays are shortened by up to this fraction at random, so sources that failed
# together (one host down) do not all retry in the same second when it comes back.
BACKOFF_JITTER = 0.25


def backoff_delay(every: int, failures: int, jitter: float = 0.0) -> int:
    """Seconds until the next poll after ``failures`` consecutive failures (0: just ``every``).

    Doubles with each failure, capped at six hours (or ``every`` when that is longer), then
    shortened by ``jitter`` (a random number in [0, 1)) times ``BACKOFF_JITTER``; never
    shorter than ``every``, so a failing source is not polled more often than a working one.
    """
    if failures <= 0:
        return every
    capped = min(every * 2.0 ** min(failures, 20), max(every, MAX_BACKOFF))
    return max(every, round(capped * (1 - BACKOFF_JITTER * min(max(jitter, 0.0), 1.0))))


def poll_phase(source_id: str, every: int) -> float:
    """Where in each ``every``-second period a source polls: seconds in [0, every).

    Derived from the id (a stable hash, not Python's per-process ``hash``), so sources with
    the same interval are spread over it rather than all polling at :00, and a source keeps
    its place across restarts (Prometheus spreads scrape targets the same way).
    """
    digest = hashlib.sha256(source_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % (every * 1000) / 1000


def next_slot(earliest: datetime, every: int, phase: float) -> datetime:
    """The first time at or after ``earliest`` that is ``phase`` seconds into a period of
    ``every`` seconds (periods counted from the Unix epoch).

    A millisecond of slack: a slot plus ``every`` is the next slot, never the one after it
    because float arithmetic landed a hair past it.
    """
    stamp = earliest.timestamp()
    slots = math.ceil((stamp - phase - 0.001) / every)
    return datetime.fromtimestamp(slots * every + phase, tz=earliest.tzinfo or UTC)


def first_runs(
    due: dict[str, datetime | None], now: datetime, *, spread: float = 2.0, window: float = 60.0
) -> dict[str, datetime]:
    """When each source polls first after a start: its persisted time when that is still
    ahead, else soon, staggered by ``spread`` seconds so overdue sources don't fire at once,
    and all within ``window`` seconds however many they are (200 sources: 0.3 s apart)."""
    out: dict[str, datetime] = {}
    late = [sid for sid, when in due.items() if when is None or when <= now]
    for sid, when in due.items():
        if when is not None and when > now:
            out[sid] = when
    step = min(spread, window / len(late)) if late else spread
    for index, sid in enumerate(late):
        out[sid] = now + timedelta(seconds=index * step)
    return out


# --- what a poll reads and what it stores (reader's Decider: data in, intents out) ---------


@dataclass(frozen=True)
class Work:
    """What a poll reads after its listing: new entries (newest first) and known items whose
    listing title changed (possible edits)."""

    new: tuple[Listed, ...]
    reread: tuple[Listed, ...]
    deferred: int  # new entries left for the next polls (the per-poll cap)
    signatures: dict[str, str]  # listing signature of every key with a title
    backfill: tuple[str, ...]  # known items stored before signatures were kept
    skipped_edits: int = 0  # changed titles beyond the per-poll edit checks

    @property
    def complete(self) -> bool:
        """Whether this poll reads everything the listing asks for."""
        return not self.deferred and not self.skipped_edits


def listing_signature(title: str | None) -> str:
    """What the listing shows of a known item, whitespace aside: when it changes, the
    article may have been edited."""
    return hashlib.sha256(" ".join((title or "").split()).encode("utf-8")).hexdigest()[:16]


def key_signatures(entries: Sequence[Listed]) -> dict[str, str]:
    """The listing signature of each key: of its title, or of all its titles when one link
    is listed under several (B13), in any order, so that a reordered listing is no edit."""
    titles: dict[str, set[str]] = {}
    for listed in entries:
        if listed.entry.title:
            titles.setdefault(listed.key, set()).add(" ".join(listed.entry.title.split()))
    return {key: listing_signature("\x1f".join(sorted(found))) for key, found in titles.items()}


def select_work(
    entries: Sequence[Listed],
    known: set[str],
    stored_signatures: Mapping[str, str | None],
    *,
    cap: int,
    max_edits: int,
) -> Work:
    """New entries (each key once, at most ``cap``: a 20,000-item listing must not become
    one poll of 20,000 requests, issue 13) and known ones whose title changed (B14)."""
    first: dict[str, Listed] = {}
    for listed in entries:
        first.setdefault(listed.key, listed)
    new = [first[key] for key in unseen((listed.key for listed in entries), known)]
    signatures = key_signatures(entries)
    changed = [
        first[key]
        for key, signature in signatures.items()
        if key in known and stored_signatures.get(key) not in (None, signature)
    ]
    backfill = tuple(
        key
        for key in signatures
        if key in known and key in stored_signatures and stored_signatures[key] is None
    )
    return Work(
        new=tuple(new[:cap]),
        reread=tuple(changed[:max_edits]),
        deferred=max(0, len(new) - cap),
        signatures=signatures,
        backfill=backfill,
        skipped_edits=max(0, len(changed) - max_edits),
    )


def _day_words(item: StoredItem) -> tuple[str, str]:
    return item.content_hash, item.published.isoformat()[:10]


def plan_batch(
    source_id: str,
    now: datetime,
    outcomes: Sequence[Built | Failed],
    facts: Facts,
    *,
    signatures: Mapping[str, str],
    max_attempts: int,
) -> PollPlan:
    """What to store of a batch of new entries: each becomes a new item, an alias of an item
    it turned out to be (its canonical key is known, or its words are a stored item's: F11),
    or a counted failure; after ``max_attempts`` failures its listing text is published."""
    new_items: list[NewItem] = []
    aliases: list[tuple[str, str]] = []
    stored_signatures: list[tuple[str, str]] = []
    failures: list[ItemFailure] = []
    taken: set[str] = set(facts.known)
    words: dict[tuple[str, str], str] = {}
    for outcome in outcomes:
        if isinstance(outcome, Failed):
            key = outcome.listed.key
            failures.append(ItemFailure(key, outcome.listed.entry.url, outcome.error))
            if outcome.fallback is None or facts.attempts.get(key, 0) + 1 < max_attempts:
                continue
            outcome = Built(outcome.listed, outcome.fallback)
        item, others = outcome.item, outcome.aliases | {outcome.item.key}
        twin = facts.twins.get(item.key) or words.get(_day_words(item))
        if item.key in taken:  # reached under another URL earlier: one item
            aliases += [(alias, item.key) for alias in sorted(others)]
        elif twin is not None:
            aliases += [(alias, twin) for alias in sorted(others)]
        else:
            new_items.append(NewItem(item, frozenset(outcome.aliases)))
            taken |= others
            words[_day_words(item)] = item.key
        if outcome.listed.key in signatures:
            stored_signatures.append((item.key, signatures[outcome.listed.key]))
    return PollPlan(
        source_id,
        now,
        new_items=tuple(new_items),
        aliases=tuple(aliases),
        signatures=tuple(stored_signatures),
        failures=tuple(failures),
    )


def plan_edits(
    source_id: str, now: datetime, work: Work, rereads: Sequence[Built | Failed], facts: Facts
) -> PollPlan:
    """Known items read again: a change of their words updates them in place (same key,
    id, link, published date and first-seen time; ``updated`` moves to now), and every
    known title's signature is kept for the next poll's comparison."""
    edits: list[StoredItem] = []
    for outcome in rereads:
        if isinstance(outcome, Failed):
            continue
        stored, fresh = facts.stored.get(outcome.listed.key), outcome.item
        if stored is None or stored.content_hash == fresh.content_hash:
            continue
        edits.append(
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
    keys = [listed.key for listed in work.reread] + list(work.backfill)
    signatures = tuple((key, work.signatures[key]) for key in keys)
    return PollPlan(source_id, now, edits=tuple(edits), signatures=signatures)


# --- a source's notice, its status item in the feed (issue 18) ---------------------------

_NUMBERS = lazy(r"\d+")


def next_notice(
    previous: Notice | None, status: SourceStatus | None, now: datetime
) -> Notice | None:
    """What a source's status item says after a poll: None when the source is healthy. While
    its state and its reason stay the same, the notice stays the same (numbers in the reason
    aside: a Retry-After time or a count is the same reason), so a reader sees no update on
    every poll; a new reason updates it in place, a new state starts it again."""
    if status is None:
        return previous
    if status.consecutive_failures:
        state, reason = "failing", status.last_error or "the poll failed"
    elif status.degraded:
        state, reason = "degraded", status.degraded
    else:
        return None
    if previous is None or previous.state != state:
        return Notice(state, reason, since=now, changed=now)
    if _NUMBERS.sub("#", previous.reason) == _NUMBERS.sub("#", reason):
        return previous
    return Notice(state, reason, since=previous.since, changed=now)
