"""Dates on a listing page, as listing detection reads them: whether an item of a block carries
a date, and which headings stand over a list as its time (``2025``, ``2024年3月``) rather than as
a box's name.

Only whether a date is there matters here, never which: the clock never changes a result.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from itertools import islice

from bs4 import Tag
from bs4.element import NavigableString, PreformattedString

from feeds.extract.dates import parse_date
from feeds.extract.detect_page import HEADINGS, units
from feeds.extract.html import inside, text_of
from feeds.lazyre import lazy

__all__ = [
    "DATE_TEXT_MAX",
    "date_element",
    "has_date",
    "is_date",
    "is_period",
    "leading_date",
    "section_dated",
]

DATE_TEXT_MAX = 40  # longer texts are sentences that happen to hold a date
_AMBIGUOUS = lazy(r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b")  # 06/12/2024: day or month first
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"  # English names
# A year, or a year and a month, ending a heading: 2025, 2025年, 2025-03, 2025年3月, March 2025,
# "Posted in 2025", "张贴在 2025" (a few words may lead it; none may follow).
_PERIOD = lazy(
    rf"^(?P<lead>\D*?)\s*(?:(?:19|20)\d\d\s*年?(?:\s*[-/.]?\s*\d{{1,2}}\s*月?)?"
    rf"|{_MONTHS}\s+(?:19|20)\d\d|(?:19|20)\d\d\s+{_MONTHS})$",
    re.I,
)
_PERIOD_LEAD = 3.0  # headline units of the words before it: "Posted in", not a sentence
_INVISIBLE = lazy(r"[\u200b\u200c\u200d\u2060\ufeff#]")  # an anchor's zero-width link, "#"
# Between a date and the title after it in one link text: "3月3日 - 标题", "2024-05-01 标题".
_LEAD_SEPARATORS = (lazy(r"\s+[-–—|·]\s+"), lazy(r"\s*[：:]\s*"), lazy(r"\s+"))
_LEAD_MAX = 20  # a longer head is a sentence, not a date
_LEAD_TITLE = 2.0  # headline units the rest must have: "2024年3月 (5)" is a month's archive
_NOT_A_DATE = lazy(r"^[\d.\s]+$")  # "3.2", "1.4.0": a version, however a parser reads it
_SECTION = 4  # siblings after a heading read as its post's lines (its date, its intro)


def is_date(text: str) -> bool:
    # An ambiguous "06/12/2024" is a date in either order (the page, not the list, says which).
    now = datetime.now(UTC)
    if parse_date(text, now=now, tz=UTC) is not None:
        return True
    return (
        _AMBIGUOUS.search(text) is not None
        and parse_date(text, now=now, tz=UTC, order="dmy") is not None
    )


def is_period(text: str) -> bool:
    """Is a heading's text a year, or a month of a year? Then it stands over a list as the
    time its items are from (an archive or a blog index, one section a year, "Posted in
    2023"): the list goes on under it, as it does under a day's date. A box's name ("点击排行",
    "2023 热门") is no period."""
    match = _PERIOD.match(_INVISIBLE.sub("", text).strip())
    return match is not None and units(match.group("lead")) <= _PERIOD_LEAD


def date_element(member: Tag, link: Tag) -> Tag | None:
    """The element around the item's first short text that reads as a date: outside the
    headline (a year in a title is not a date), or in an element of its own inside it (a
    link that wraps a whole row: ``<a><p>title</p><span>2024-12-06</span></a>``)."""
    for string in member.find_all(string=True):
        text = _short_text(string)
        if text and not _in_title(string, link) and is_date(text):
            return string.parent
    return None


def _short_text(string: NavigableString) -> str | None:
    """A short visible string's text (not a comment's, CDATA's, a script's or a style's)."""
    text = string.strip()
    if (
        not isinstance(string, PreformattedString)
        and 0 < len(text) <= DATE_TEXT_MAX
        and isinstance(string.parent, Tag)
        and string.parent.name not in ("script", "style")
    ):
        return text
    return None


def _in_title(node: NavigableString, link: Tag) -> bool:
    """Is the text part of the headline's own words: right in the link, or all of its text?"""
    if not inside(node, link):
        return False
    return node.parent is link or (text_of(node.parent) or "") == (text_of(link) or "")


def has_date(member: Tag, link: Tag) -> bool:
    """A date in the item's own text, e.g. 'Title (2024-12-06)' with no element around it."""
    rest = (text_of(member) or "").replace(text_of(link) or "", " ")
    return len(rest) <= 3 * DATE_TEXT_MAX and is_date(rest)


def leading_date(title: str) -> bool:
    """Does a link's text open with a date, set off from the title after it ("3月3日 - 标题",
    "September 6, 2025 - Title", "2024-05-01 关于…的通知")? An archive writes each post's
    day into its link. A year alone ("2024 年度预算") or a version ("3.2 发布") opens no date."""
    for separator in _LEAD_SEPARATORS:
        parts = separator.split(title.strip(), maxsplit=1)
        if len(parts) < 2:
            continue
        head, rest = parts
        if (
            len(head) <= _LEAD_MAX
            and not _NOT_A_DATE.match(head)
            and units(rest) >= _LEAD_TITLE
            and is_date(head)
        ):
            return True
    return False


def section_dated(body: Tag, stops: set[int]) -> bool:
    """A date on the lines after a heading, up to the next heading of its list: a page that
    sets its posts flat, one heading and a date line each (``<h2><a>…</a></h2><p>时间：
    2024-06-18</p>``), keeps each post's date beside its heading, not inside an element around
    it. ``stops``: the ids of the list's headings."""
    for sibling in islice(body.find_next_siblings(True), _SECTION):
        if id(sibling) in stops or sibling.name in HEADINGS:
            return False
        if any(id(h) in stops for h in sibling.find_all(list(HEADINGS))):
            return False
        if _dated_line(sibling):
            return True
    return False


def _dated_line(line: Tag) -> bool:
    """A line that is a date ("时间：2024-06-18"), or holds one in a short text of its own."""
    text = text_of(line) or ""
    if len(text) <= DATE_TEXT_MAX and is_date(text):
        return True
    return any(
        (short := _short_text(string)) is not None and is_date(short)
        for string in line.find_all(string=True)
    )
