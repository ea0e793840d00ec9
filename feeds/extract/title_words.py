"""The title rules the lxml path's proofs read too (issue 19): kept apart from ``titles.py``,
a bs4 module, so that ``fast_absence.py`` finds the headline as ``titles.headline`` does
without importing bs4."""

from __future__ import annotations

import re
import unicodedata

from feeds.lazyre import lazy

_NON_WORD = lazy(r"[\W_]+")


def norm(text: str) -> str:
    """Text reduced for comparing names and titles: NFKC, case-folded, punctuation as spaces."""
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


HEADINGS_MAX = 20

# '_', '|', spaced dashes; between Chinese characters a bare '-' too ('静夜思•夜-中国诗歌网');
# a breadcrumb's spaced '>' ('某某网 > 新闻中心 > Headline').
TITLE_SEPARATORS = lazy(
    r"\s*(?:_|\||｜| - | – | — |-{2,}|(?<=[\u4e00-\u9fff”」』》）】])[-—](?=[\u4e00-\u9fff])"
    r"| [>»›] )\s*"
)


# A <title> part that credits the software the site runs on ('powered by Discuz! Archiver'):
# forums and CMSs append it to every page's title, so it is never the headline, and it can be
# the longest part when the headline is short.
_SOFTWARE_CREDIT = lazy(r"^\s*(?:proudly\s+)?powered\s+by\b", re.IGNORECASE)


def title_parts(title: str) -> list[str]:
    """The parts of 'Headline - Forum - Site - powered by X' that may name the page or the
    site: the separators' pieces, without the software's credit."""
    return [p for p in TITLE_SEPARATORS.split(title) if p and not _SOFTWARE_CREDIT.match(p)]


def width(text: str) -> int:
    """How much a text says, for choosing the headline among <title>'s parts: a Chinese,
    Japanese or Korean character counts as two Latin letters (a headline of ten Han characters
    says more than a site's name of sixteen letters, 'Joel on Software - 给计算机系学生的建议'),
    and so does the punctuation set among them ('静夜思•夜' weighs what '中国诗歌网' does)."""
    return sum(2 if _wide(c) else 1 for c in text)


def _wide(char: str) -> bool:
    kind = unicodedata.east_asian_width(char)
    return kind in "WF" or (kind == "A" and unicodedata.category(char).startswith("P"))


def agree(a: str | None, b: str | None, ratio: float = 0.5) -> bool:
    """Two texts say the same thing: equal once normalised, or one holds the other and is at
    least ``ratio`` of its length (so a bare site name does not agree with a headline)."""
    x, y = norm(a or ""), norm(b or "")
    if not x or not y:
        return False
    short, long = sorted((x, y), key=len)
    return short == long or (short in long and len(short) >= ratio * len(long))


# The separators no headline holds, spaced: 'Headline_part (2) @ Blog :: PIXNET ::' splits
# into the headline (whose own '_' TITLE_SEPARATORS splits too) and the blog's names.
_SPACED_SEPARATORS = lazy(r"\s+(?:@|::|\||｜|-|–|—)(?:\s+|$)")


def variants(title: str) -> list[str]:
    """The title, and its parts: it may still carry the site's name ('Headline | Section |
    Site', 'Headline @ Blog :: Platform')."""
    parts = [*TITLE_SEPARATORS.split(title), *_SPACED_SEPARATORS.split(title)]
    return [title, *dict.fromkeys(p for p in parts if p and len(p) >= len(title) // 3)]


def heading_agrees(text: str | None, title: str) -> bool:
    """Whether an <h1>/<h2> of this text is ``headline``'s for this title (fast_absence.py
    finds it so in lxml's tree)."""
    return any(agree(text, t, 0.6) for t in variants(title))
