"""What a page says about how to read its own dates: the newest full date it shows (a
year-less '08-22 19:13' belongs near it, so a 2005 page never gets the fetch year) and the
order of day and month in its numeric dates ('04/05/2025' is 4 May on a German page).

``Read`` is ``dates.parse_date`` with these hints, computed on first use: only pages whose
date comes from their text pay for the pass over it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from feeds.extract.dates import parse_date, relative_text
from feeds.extract.html import attr
from feeds.extract.markup import INVISIBLE
from feeds.lazyre import lazy
from feeds.models import ParsedDate

# A text that may hold a full date (2005-08-20, 2005年8月20日, 20.08.2005, Aug 20, 2005). A
# copyright line's year is no such date: footers keep the year a site was built in.
_YEAR = lazy(r"(?<!\d)(?:199\d|20\d\d)(?!\d)")
_COPYRIGHT = lazy(r"©|&copy;|copyright|\(c\)|版权所有", re.IGNORECASE)
# '23/04/2025': day first; '04/23/2025': month first.
_SLASHED = lazy(r"(?<![\d/])(\d{1,2})[/-](\d{1,2})[/-](?:19|20)\d\d(?![\d/])")
_TEXT_MAX = 200
_STRINGS_MAX = 400  # dated strings read at most: the hints need a few, not all
# Languages whose numeric dates put the month first (American English and Filipino).
# Country-code domains that say nothing of the order: month first (us, ph, fm), mixed (ca),
# or sold as generic names.
_NO_COUNTRY = frozenset(
    {"us", "ph", "fm", "ca", "io", "co", "tv", "me", "ai", "ly", "gg", "cc", "ws", "to", "sh"}
    | {"ac", "la", "am"}
)
_MONTH_FIRST = lazy(r"^(?:en[-_]us|fil|en[-_]ph)\b", re.IGNORECASE)


class Read:
    """``parse_date`` for one page's texts, with its hints (see the module's docstring)."""

    def __init__(
        self,
        soup: BeautifulSoup,
        url_day: ParsedDate | None,
        *,
        now: datetime,
        tz: tzinfo,
        host: str = "",
    ) -> None:
        self.now, self.tz = now, tz
        self._soup, self._url_day, self._host = soup, url_day, host
        self._hints: tuple[datetime | None, str | None] | None = None

    def __call__(self, text: str) -> ParsedDate | None:
        if self._hints is None:
            self._hints = page_hints(
                self._soup, self._url_day, now=self.now, tz=self.tz, host=self._host
            )
        near, order = self._hints
        return parse_date(text, now=self.now, tz=self.tz, near=near, order=order)


def page_hints(
    soup: BeautifulSoup,
    url_day: ParsedDate | None,
    *,
    now: datetime,
    tz: tzinfo,
    host: str = "",
) -> tuple[datetime | None, str | None]:
    """(the page's newest full date, its day/month order 'dmy'/'mdy' or None)."""
    ceiling = now + timedelta(days=1)
    newest: datetime | None = url_day.value if url_day is not None else None
    votes = {"dmy": 0, "mdy": 0}
    body = soup.body or soup
    dated = body.find_all(string=_YEAR, limit=_STRINGS_MAX)
    for string in dated:
        if type(string) is not NavigableString or len(string) > _TEXT_MAX:
            continue
        if string.parent is None or string.parent.name in INVISIBLE:
            continue
        text = str(string)
        for a, b in _SLASHED.findall(text):
            if int(a) > 12 >= int(b):
                votes["dmy"] += 1
            elif int(b) > 12 >= int(a):
                votes["mdy"] += 1
        found = _full_date(text, now=now, tz=tz)
        if found is not None and found <= ceiling and (newest is None or found > newest):
            newest = found
    order = _order(votes, soup, host)
    return newest, order


def host_order(host: str) -> str | None:
    """Day first on a site of a country that writes it so ('08/11/2023' on a .ie site is 8
    November), when neither the page's dates nor its language say: every country-code
    domain but those of month-first countries (US, Philippines, Canada's mix) and those
    sold to anyone (.io, .co, .tv…). None on .com, .org and the like."""
    label = host.lower().rstrip(".").rpartition(".")[2]
    if len(label) != 2 or not label.isalpha() or label in _NO_COUNTRY:
        return None
    return "dmy"


def _full_date(text: str, *, now: datetime, tz: tzinfo) -> datetime | None:
    """The date a text shows with its year, if any."""
    if _COPYRIGHT.search(text):
        return None
    parsed = parse_date(text, now=now, tz=tz)
    if parsed is None or str(parsed.value.year) not in text:
        return None  # the first date in the text has no year of its own
    return parsed.value


def _order(votes: dict[str, int], soup: BeautifulSoup, host: str) -> str | None:
    """Day first or month first: as the page's unambiguous dates say, else as its language
    does (month first in American English only), else as its site's country, else unknown."""
    if votes["dmy"] != votes["mdy"]:
        return "dmy" if votes["dmy"] > votes["mdy"] else "mdy"
    html = soup.find("html")
    lang = attr(html, "lang") if isinstance(html, Tag) else None
    for meta in soup.find_all("meta", limit=60):
        key = (attr(meta, "property") or attr(meta, "http-equiv") or "").lower()
        if key in ("og:locale", "content-language"):
            lang = lang or attr(meta, "content")
    if lang and lang.lower().startswith(("zh", "ja", "ko")):
        return None  # Y/M/D languages: no order to assume
    if not lang or lang.lower() == "en":
        return host_order(host)  # English of no country: the site's may say
    return "mdy" if _MONTH_FIRST.match(lang) else "dmy"


# Where a relative date keeps the day it counts from, shown on hover: '<abbr class="timeago"
# title="2024年04月22日">1 月前</abbr>', '<a data-tooltip="2024-05-13 18:25:18">创建于 <span
# title="2024-05-13 18:25:18">1周前</span></a>'.
_HOVER_ATTRIBUTES = ("title", "data-tooltip", "data-original-title", "datetime", "data-time")
_ANY_YEAR = lazy(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_HOVER_HOLDERS = 12
# A relative date of any unit, months and years too ('11个月前', '2 years ago'), which
# parse_date leaves unread: with a hover date beside it, that date is the page's.
_AGO_ANY = lazy(
    r"\d\s*[个個]?(?:秒|分[钟鐘]?|小[时時]|天|日|[周週]|星期|月|年)\s*前|\bago\b|刚刚|昨天|前天",
    re.IGNORECASE,
)


def ago(text: str) -> bool:
    return relative_text(text) or (not _ANY_YEAR.search(text) and _AGO_ANY.search(text) is not None)


def hover_date(node: NavigableString | Tag, read: Read) -> ParsedDate | None:
    """The full date a relative one ('3 天前', '2 weeks ago') carries in its element's or
    the element around it's hover text, if any: the day the page was written, not counted
    back from when it was read."""
    if not isinstance(node, NavigableString) or node.parent is None or not ago(node):
        return None
    return hover_in(node.parent, read) or (
        hover_in(node.parent.parent, read) if node.parent.parent is not None else None
    )


def hover_in(element: Tag, read: Read) -> ParsedDate | None:
    """The first full date in a hover attribute of ``element`` or of an element inside it."""
    for holder in (element, *element.find_all(True, limit=_HOVER_HOLDERS)):
        for name in _HOVER_ATTRIBUTES:
            value = attr(holder, name) or ""
            if _ANY_YEAR.search(value) and not relative_text(value) and (found := read(value)):
                return found
    return None
