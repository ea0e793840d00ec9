"""Whether a page put out again is dated by the update it shows, not by its record's creation.

A CMS keeps the day a record was created as its published date. A story rewritten and put
out again may show only 'Last updated on 20 Feb, 2020' by its headline, while its
article:published_time says 2018: its modified stamp agrees with the line, and the creation
day is shown nowhere. Readers, and the people who label pages, take the day the page shows.
A page that shows both ('Published 11.2. · Updated 12.2.') keeps the first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo
from typing import Any

from bs4 import BeautifulSoup
from bs4.element import NavigableString

from feeds.extract.date_context import Read
from feeds.extract.dates import parse_date
from feeds.extract.markup import INVISIBLE
from feeds.extract.page import elsewhere
from feeds.extract.page_dates import modified_texts, updated_only
from feeds.lazyre import lazy
from feeds.models import ParsedDate

_TEXT_MAX = 200  # a dateline, not a paragraph that mentions a day
_STRINGS_MAX = 400
# Where a second date may start in a line that holds two.
_PARTS = lazy(r"[,;|·•]")


def modified_date(
    metas: dict[str, str], ld: list[dict[str, Any]], *, now: datetime, tz: tzinfo
) -> ParsedDate | None:
    """The page's last change as its metadata gives it (article:modified_time, dateModified)."""
    texts = modified_texts(metas, ld)
    return next((p for text in texts if text and (p := parse_date(text, now=now, tz=tz))), None)


def updated_day(
    soup: BeautifulSoup,
    published: ParsedDate,
    metas: dict[str, str],
    ld: list[dict[str, Any]],
    read: Read,
) -> ParsedDate | None:
    """The update the page shows, when it is the article's date (see the module); else None."""
    modified = modified_date(metas, ld, now=read.now, tz=read.tz)
    if modified is None or modified.value.date() == published.value.date():
        return None
    shown = _shown(soup, modified.value.date(), read, updated_only)
    if shown is None or _shown(soup, published.value.date(), read, _any) is not None:
        return None
    return shown


def _any(text: str) -> bool:
    return True


def _shown(
    soup: BeautifulSoup, day: date, read: Read, wanted: Callable[[str], bool]
) -> ParsedDate | None:
    """A short visible text of the article (not a sidebar's, a footer's or a comment's) that
    ``wanted`` accepts and that reads as ``day``: its first date, or one after a comma or a
    bar ('Last updated 04 Jun 2020, originally created 17 Jun 2019')."""
    body = soup.body or soup
    year = str(day.year)
    dated = lambda text: text is not None and len(text) <= _TEXT_MAX and year in text  # noqa: E731
    for string in body.find_all(string=dated, limit=_STRINGS_MAX):
        if type(string) is not NavigableString or string.parent is None:
            continue
        if string.parent.name in INVISIBLE or not wanted(str(string)) or elsewhere(string):
            continue
        for part in (str(string), *_PARTS.split(str(string))[1:]):
            found = read(part)
            if found is not None and found.value.date() == day:
                return found
    return None
