"""Pure decisions of a poll: which items are new, which pass the filters.

Functions of data in, data out, so the rules are tested without a store or a server.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
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


def backoff_delay(every: int, failures: int) -> int:
    """Seconds until the next poll after ``failures`` consecutive failures (0: just ``every``).

    Doubles with each failure, capped at six hours (or ``every`` when that is longer).
    """
    if failures <= 0:
        return every
    return int(min(every * 2 ** min(failures, 20), max(every, MAX_BACKOFF)))


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
