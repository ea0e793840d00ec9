"""Pure decisions: which items are new, which pass the filters, when a source polls next.

Functions of data in, data out, so the rules are tested without a store or a server.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache


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
