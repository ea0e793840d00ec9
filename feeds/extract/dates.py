"""Date parsing for listing lines and article metadata: pure functions, no I/O.

``parse_date`` finds the first date expression in a line of text (Chinese or Western, absolute
or relative); ``resolve_published`` picks an item's publication time from several candidates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

from feeds.lazyre import lazy
from feeds.models import ParsedDate

# Full-width forms and exotic spaces are common on Chinese portals; folding them 1:1 keeps the
# patterns simple. Control characters become spaces so they can never glue two numbers together.
_FOLD = {c: " " for c in range(32)} | {127: " "}
_FOLD |= {ord(c): " " for c in "\u00a0\u2002\u2003\u2009\u200b\u3000\ufeff"}
_FOLD |= {ord(a): b for a, b in zip("：／－．，", ":/-.,", strict=True)}
_FOLD |= {0xFF10 + i: str(i) for i in range(10)}

# Month names of the languages the corpus and our users' portals are written in: English,
# German, French, Spanish, Italian, Portuguese, Dutch. Abbreviations only where they cannot be
# a common word ("mar" is also Spanish for sea, but needs a day and a year beside it to count).
_MONTH_NAMES = (
    "january jan januar jänner janvier janv enero gennaio janeiro januari",
    "february feb februar février fevrier févr fevr febrero febbraio fevereiro februari",
    "march mar märz maerz mär mrz mars marzo março marco maart",
    "april apr avril avr abril aprile",
    "may mai mayo maggio maio mei",
    "june jun juni juin junio giugno junho",
    "july jul juli juillet juil julio luglio julho",
    "august aug août aout agosto augustus",
    "september sep sept septembre septiembre setiembre settembre setembro",
    "october oct oktober okt octobre octubre ottobre outubro",
    "november nov novembre noviembre novembro",
    "december dec dezember dez décembre decembre déc diciembre dicembre dezembro",
)
# Scandinavian, Polish and Czech (the genitive a date uses: '5 stycznia 2025'), Finnish ('5.
# tammikuuta 2025'), Turkish and Indonesian; Russian, Ukrainian and Greek in the genitive too
# ('13 мая 2024', '13 травня 2024', '13 Μαΐου 2024'): needed with a day and a year beside them.
_MORE_NAMES = (
    "stycznia ledna ocak tammikuuta января січня ιανουαρίου",
    "lutego února şubat helmikuuta февраля лютого φεβρουαρίου",
    "maret marca března mart maaliskuuta марта березня μαρτίου",
    "kwietnia dubna nisan huhtikuuta апреля квітня απριλίου",
    "maj maja května mayıs toukokuuta мая травня μαΐου",
    "czerwca června haziran kesäkuuta июня червня ιουνίου",
    "lipca července temmuz heinäkuuta июля липня ιουλίου",
    "augusti agustus sierpnia srpna ağustos elokuuta августа серпня αυγούστου",
    "września září eylül syyskuuta сентября вересня σεπτεμβρίου",
    "października října ekim lokakuuta октября жовтня οκτωβρίου",
    "listopada listopadu kasım marraskuuta ноября листопада νοεμβρίου",
    "desember grudnia prosince aralık joulukuuta декабря грудня δεκεμβρίου",
)
_MONTHS = {
    name: month
    for table in (_MONTH_NAMES, _MORE_NAMES)
    for month, names in enumerate(table, 1)
    for name in names.split()
}
_MONTH = (
    "(?P<mon>"
    + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
    + r")(?![^\W\d_])\.?"
)
_TIME = r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<F>\d{1,9}))?)?(?!\d)"
_AMPM = r"(?:\s{0,3}(?P<ap>[ap])\.?m\b\.?)?"
_NAMED_ZONES = {"Z": 0, "UT": 0, "UTC": 0, "GMT": 0, "EST": -5, "EDT": -4, "CDT": -5}
_NAMED_ZONES |= {"MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10}
# Europe (MEZ/MESZ in German; BST is British summer time on the sites that print it)
_NAMED_ZONES |= {"WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2, "MEZ": 1, "MESZ": 2}
_NAMED_ZONES |= {"EET": 2, "EEST": 3, "MSK": 3}
# Asia and Oceania
_NAMED_ZONES |= {"WIB": 7, "ICT": 7, "HKT": 8, "SGT": 8, "MYT": 8, "PHT": 8, "JST": 9, "KST": 9}
_NAMED_ZONES |= {"AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13}
# CST is left out on purpose: China Standard Time on the sites we read, US Central elsewhere;
# so is IST (India, Israel or Ireland).
_ZONE_NAMES = "|".join(sorted(_NAMED_ZONES, key=len, reverse=True))
_ZONE = (
    r"(?P<tz>(?:GMT|UTC|UT)\s?[+-]\d{1,2}(?::?\d{2})?(?!\d)|[+-]\d{2}:?\d{2}(?!\d)"
    rf"|(?:{_ZONE_NAMES})(?![a-z]))"
)
# '19:25 (GMT+7)': the zone may stand in brackets.
_ZONE_OPT = rf"(?:\s?\(?{_ZONE}\)?)?"
# "at", "um", "à", "alle", a dash, a slash or a bar sit between the day and the clock.
_EN_TIME = (
    rf"(?:,?\s{{1,3}}(?:(?:at|um|à|alle|-|/|\|)\s{{1,3}})?{_TIME}(?:\s{{1,3}}uhr)?{_AMPM}"
    rf"{_ZONE_OPT})?"
)


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# '2024-05-13', '2024/5/13', '2024.05.13', and Korean '2024. 5. 13.' (a space after each dot).
_ISO = _compile(
    r"(?<!\d)(?P<y>\d{4})(?P<sep>[-/]|\.\s?)(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"
    rf"(?:\.?(?:T|\s{{1,3}}|-(?=\d{{1,2}}:)){_TIME}{_ZONE_OPT})?"
)
# '10:30', or the Chinese clock '10时30分' / '10点30分'.
_CN_TIME = rf"(?:{_TIME}|(?P<cH>\d{{1,2}})\s?[时時点點]\s?(?P<cM>\d{{1,2}})\s?分)"
_CN = _compile(
    r"(?<!\d)(?P<y>\d{4})\s{0,2}[年년]\s{0,2}(?P<m>\d{1,2})\s{0,2}[月월]\s{0,2}(?P<d>\d{1,2})"
    rf"(?:\s{{0,2}}[日号일]|(?!\d))(?:\s{{0,3}}{_CN_TIME})?"
)
# In Chinese numerals, as official documents date themselves: '二〇二四年十二月六日' (the
# year digit by digit, with 〇 or ○ for zero; month and day counted with 十).
_CN_DIGITS = {c: 0 for c in "〇○零"} | {c: i for i, c in enumerate("一二三四五六七八九", 1)}
CN_NUMERALS = "".join(_CN_DIGITS)  # also read by signed_dates.py
_CN_WRITTEN = _compile(
    rf"(?P<y>[{CN_NUMERALS}]{{4}})\s{{0,2}}年\s{{0,2}}(?P<m>十[一二]?|[一二三四五六七八九])"
    r"\s{0,2}月\s{0,2}(?P<d>[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])\s{0,2}[日号]"
)
# Taiwan's official calendar counts years from 1912, the Republic's first: '民國113年5月13日',
# or '113年5月13日' (three figures: no page prints a year of the Gregorian 2nd century).
_ROC = _compile(
    r"(?:(?:中華|中华)?民[國国]\s{0,2}(?P<r2>\d{2,3})|(?<!\d)(?P<r3>1[0-4]\d))\s{0,2}年\s{0,2}"
    rf"(?P<m>\d{{1,2}})\s{{0,2}}月\s{{0,2}}(?P<d>\d{{1,2}})\s{{0,2}}[日号](?:\s{{0,3}}{_CN_TIME})?"
)
_ROC_FIRST_YEAR = 1911
# Year-less forms must not start inside a longer number or date, or a rejected
# ``2024-13-45`` would be re-read as ``13-45``, and ``1900年12月6日`` as ``12月6日``.
_CN_MD = _compile(
    r"(?<![\d年])(?P<m>\d{1,2})\s{0,2}月\s{0,2}(?P<d>\d{1,2})\s{0,2}[日号]"
    rf"(?:\s{{0,3}}{_CN_TIME})?"
)
# Two digits each: single-digit ``3-1`` is far more often a score or a range than a date.
# A label's colon may open it ('时间:12-06 10:30'); a clock's may not ('10:12-06').
_MD = _compile(
    rf"(?<![\d\-/.])(?<!\d:)(?P<m>\d{{2}})-(?P<d>\d{{2}})(?![\d\-/.:])(?:\s{{1,3}}{_TIME})?"
)
# "6 Dec 2024", "19. Juli 2014", "1er mai 2020", "7 de mayo de 2020", "26 Mai, 2008".
_DMY = _compile(
    rf"(?<![\d:.])(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|º)?\.?(?:\s{{1,3}}(?:de\s{{1,3}})?|-)"
    rf"{_MONTH}(?:\s{{1,3}}(?:de\s{{1,3}})?|-|,\s?)(?P<y>\d{{4}})(?!\d){_EN_TIME}"
)
# "27 Mar 20 à 9:21": a two-digit year beside a named month only with the clock after it.
_DMY_SHORT = _compile(
    rf"(?<![\d:.])(?P<d>\d{{1,2}})\.?\s{{1,3}}{_MONTH}\s{{1,3}}(?P<y2>\d{{2}})(?![\d:.])"
    rf",?\s{{1,3}}(?:(?:at|um|à|-)\s{{1,3}})?{_TIME}"
)
_MDY = _compile(
    rf"(?<![^\W\d_]){_MONTH}\s{{1,3}}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s{{1,3}}(?P<y>\d{{4}})"
    rf"(?!\d){_EN_TIME}"
)
# A list's date cell without a year: "Dec 6", "6 December", "Mon, Dec 6 10:20". Only as the
# whole of a short text: in a sentence "May 5" is too often a date of something else.
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}\.?,?\s{1,3})?"
_OPEN, _CLOSE = r"^[\s\[(（【|·•-]{0,3}" + _WEEKDAY, r"[\s\])）】|·•]{0,3}$"
_MD_NAMED = _compile(
    rf"{_OPEN}(?:{_MONTH}\s{{1,3}}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\.?\s{{1,3}}{_MONTH.replace('mon>', 'mon2>')})"
    rf"(?!\d){_EN_TIME}{_CLOSE}"
)
# "24-12-06": a two-digit year first, as Chinese lists print it; only when it can't be a
# month ("12-06-24" may be American, month first), so the year is 2013 or later.
_YMD_SHORT = _compile(
    r"(?<![\d\-/.:])(?P<y2>1[3-9]|[2-9]\d)-(?P<m2>\d{2})-(?P<d2>\d{2})(?![\d\-/.:])"
    rf"(?:\s{{1,3}}{_TIME})?"
)
# Day first with dots is the European numeric form: "27.06.2018", "23.09.22 09:54".
# A two-digit year needs two-digit day and month, so "1.2.3" stays a version number.
_DMY_DOTS = _compile(
    r"(?<![\w.])(?:(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>\d{4})"
    r"|(?P<d2>\d{2})\.(?P<m2>\d{2})\.(?P<y2>\d{2}))(?!\d|\.\d)"
    rf"{_EN_TIME}"
)
# "06/27/2019" or "27/06/2019": read only when one of the two can't be a month.
_SLASHED = _compile(
    r"(?<![\d/.-])(?P<a>\d{1,2})(?P<sep>[/-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})(?![\d/-])"
    rf"{_EN_TIME}"
)
# A Unix timestamp in seconds or milliseconds, when it is the whole value (data attributes,
# JSON): inside running text a long number is far more often an id.
_EPOCH = lazy(r"^\s{0,8}(?P<n>\d{10}|\d{13})\s{0,8}$")
_JUST_NOW = _compile(r"刚刚|(?<![a-z])just\s{1,3}now(?![a-z])")
# Simplified and traditional forms: 分钟/分鐘, 小时/小時, 钟头/鐘頭, 周/週.
_AGO_CN = _compile(
    r"(?<!\d)(?P<n>\d{1,6}|半)\s{0,3}"
    r"(?P<unit>秒[钟鐘]?|分[钟鐘]|分|[个個]?小[时時]|[个個]?[钟鐘][头頭]|天|日|[周週]|星期|[礼禮]拜)"
    r"\s{0,3}前"
)
_AGO_EN = _compile(
    r"(?<![a-z\d])(?P<n>\d{1,6}|an?|one)\s{1,3}"
    r"(?P<unit>sec(?:ond)?|min(?:ute)?|hour|hr|day|week)s?\s{1,3}ago(?![a-z])"
)
_DAY_WORD = _compile(
    # 今日 only with a clock: alone it is mostly a name (今日头条, 今日推荐), not a date.
    r"(?P<w>大前天|前天|昨天|今天|前日|昨日|今日(?=\s{0,3}\d{1,2}:\d\d)"
    r"|(?<![a-z])(?:today|yesterday)(?![a-z]))"
    rf"(?:\s{{0,3}}(?:at\s{{1,3}})?{_TIME}{_AMPM})?"
)
_DAY_WORDS = {"大前天": 3, "前天": 2, "昨天": 1, "今天": 0, "today": 0, "yesterday": 1}
_DAY_WORDS |= {"前日": 2, "昨日": 1, "今日": 0}
_UNIT_SECONDS = {"秒": 1, "分": 60, "小": 3600, "钟": 3600, "鐘": 3600, "天": 86400, "日": 86400}
_UNIT_SECONDS |= {"周": 604800, "週": 604800, "星": 604800, "礼": 604800, "禮": 604800}
_UNIT_SECONDS |= {"s": 1, "m": 60, "h": 3600, "d": 86400}
_UNIT_SECONDS |= {"w": 604800}


def _clock(g: dict[str, str | None]) -> tuple[int, int, int, int] | None:
    """(hour, minute, second, microsecond), or None when absent or impossible."""
    hour_text, minute_text = g.get("H") or g.get("cH"), g.get("M") or g.get("cM")
    if hour_text is None or minute_text is None:
        return None
    hour, minute, second = int(hour_text), int(minute_text), int(g.get("S") or 0)
    micro = int((g.get("F") or "0")[:6].ljust(6, "0"))
    ap = (g.get("ap") or "").lower()
    if ap:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ap == "p" else 0)
    if hour > 23 or minute > 59 or second > 60:
        return None
    return hour, minute, min(second, 59), micro  # a leap second is not worth a ValueError


def _zone(text: str | None) -> tzinfo | None:
    if not text:
        return None
    s = text.upper().replace(" ", "")
    if s in _NAMED_ZONES:
        return timezone(timedelta(hours=_NAMED_ZONES[s]))
    s = s.lstrip("GMTUC")
    sign, digits = (-1 if s[0] == "-" else 1), s[1:].replace(":", "")
    hours, minutes = (int(digits), 0) if len(digits) <= 2 else (int(digits[:-2]), int(digits[-2:]))
    if hours > 23 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


@dataclass(frozen=True)
class _Reading:
    """How one text is read: in zone ``tz``, relative dates counted back from ``now``, year-less
    dates placed in the year nearest ``near``, and ambiguous 04/05/2025 in ``order`` ('dmy' or
    'mdy'), if known."""

    now: datetime
    tz: tzinfo
    near: datetime
    order: str | None


def _absolute(m: re.Match[str], r: _Reading) -> ParsedDate | None:
    g = m.groupdict()
    if g.get("mon") or g.get("mon2"):
        month = _MONTHS[(g.get("mon") or g.get("mon2") or "").lower().rstrip(".")]
    else:
        month = int(g.get("m") or g.get("m2") or 0)
    day = int(g.get("d") or g.get("d2") or 0)
    year_text = g.get("y")
    if g.get("y2"):
        year_text = str(2000 + int(g["y2"] or 0))  # "23.09.22": this century
    return _make(year_text, month, day, g, r)


def _cn_number(text: str) -> int:
    """'二〇二四' digit by digit; '十二', '二十六', '三十' counted with 十."""
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return 10 * (_cn_number(tens) if tens else 1) + (_cn_number(ones) if ones else 0)


def _roc(m: re.Match[str], r: _Reading) -> ParsedDate | None:
    year = _ROC_FIRST_YEAR + int(m["r2"] or m["r3"])
    return _make(str(year), int(m["m"]), int(m["d"]), m.groupdict(), r)


def _written(m: re.Match[str], r: _Reading) -> ParsedDate | None:
    return _make(str(_cn_number(m["y"])), _cn_number(m["m"]), _cn_number(m["d"]), {}, r)


def _slashed(m: re.Match[str], r: _Reading) -> ParsedDate | None:
    """'27/06/2019' or '06/27/2019': when one number can't be a month; else in the page's
    order if known, else month first beside a 12-hour clock (the American habit). Never a
    guess between the American and the European order."""
    a, b = int(m["a"]), int(m["b"])
    # A 12-hour clock is the American habit; '20:26 PM' is a 24-hour clock with a stray PM.
    american = bool(m["ap"]) and int(m["H"] or 0) <= 12
    order = r.order or ("mdy" if american else None)
    if a > 12 >= b or (order == "dmy" and max(a, b) <= 12):
        return _make(m["y"], b, a, m.groupdict(), r)
    if b > 12 >= a or (order == "mdy" and max(a, b) <= 12):
        return _make(m["y"], a, b, m.groupdict(), r)
    return None


def _epoch(m: re.Match[str], r: _Reading) -> ParsedDate | None:
    digits = m["n"]
    seconds = int(digits) / 1000 if len(digits) == 13 else int(digits)
    value = datetime.fromtimestamp(seconds, UTC)
    if not 1990 <= value.year <= r.now.year + 1:
        return None
    return ParsedDate(value.astimezone(r.tz), True)


def _make(
    year_text: str | None,
    month: int,
    day: int,
    g: dict[str, str | None],
    r: _Reading,
) -> ParsedDate | None:
    clock = _clock(g)
    zone = (_zone(g.get("tz")) or r.tz) if clock else r.tz
    h, mi, s, us = clock or (0, 0, 0, 0)
    if year_text:
        year = int(year_text)
        if not 1990 <= year <= r.now.year + 1:
            return None
        return ParsedDate(datetime(year, month, day, h, mi, s, us, tzinfo=zone), clock is not None)
    # No year: the year that puts it nearest ``near`` (the fetch time, or the page's newest
    # dated text), never more than a day ahead of now (clock skew, time zones).
    limit = r.now + timedelta(days=1)
    best: datetime | None = None
    # Leap days may need years further back.
    for year in range(min(r.near.year + 1, limit.year), r.near.year - 9, -1):
        try:
            value = datetime(year, month, day, h, mi, s, us, tzinfo=zone)
        except ValueError:
            continue  # 02-29 outside a leap year
        if value <= limit and (best is None or abs(value - r.near) < abs(best - r.near)):
            best = value
        if best is not None and year < r.near.year - 1:
            break
    return ParsedDate(best, clock is not None) if best is not None else None


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def _just_now(m: re.Match[str], r: _Reading) -> ParsedDate:
    return ParsedDate(r.now, True)


def _ago(m: re.Match[str], r: _Reading) -> ParsedDate | None:
    now, tz = r.now, r.tz
    n_text, unit = m["n"].lower(), m["unit"].lower()
    if n_text == "半":
        if unit[-1] not in "时時头頭":
            return None
        n_text, unit = "30", "m"
    n = int(n_text) if n_text.isdigit() else 1
    seconds = _UNIT_SECONDS[unit[1] if unit[0] in "个個" else unit[0]] * n
    if seconds >= 86400:
        # A day count says nothing about the clock: keep only the calendar day.
        return ParsedDate(_midnight(now.date() - timedelta(days=seconds // 86400), tz), False)
    # Subtract in UTC: wall-clock arithmetic in a DST zone would be off by the shift.
    return ParsedDate((now.astimezone(UTC) - timedelta(seconds=seconds)).astimezone(tz), True)


def _day_word(m: re.Match[str], r: _Reading) -> ParsedDate | None:
    now, tz = r.now, r.tz
    day = now.date() - timedelta(days=_DAY_WORDS[m["w"].lower()])
    clock = _clock(m.groupdict())
    if clock is None:
        return ParsedDate(_midnight(day, tz), False)
    return ParsedDate(datetime(day.year, day.month, day.day, *clock, tzinfo=tz), True)


MAX_DATE_TEXT = 2000

_Builder = Callable[[re.Match[str], _Reading], ParsedDate | None]
_PATTERNS: tuple[tuple[re.Pattern[str], _Builder], ...] = (
    (_ISO, _absolute),
    (_CN, _absolute),
    (_ROC, _roc),
    (_CN_MD, _absolute),
    (_CN_WRITTEN, _written),
    (_MD, _absolute),
    (_YMD_SHORT, _absolute),
    (_MD_NAMED, _absolute),
    (_DMY, _absolute),
    (_DMY_SHORT, _absolute),
    (_MDY, _absolute),
    (_DMY_DOTS, _absolute),
    (_SLASHED, _slashed),
    (_EPOCH, _epoch),
    (_JUST_NOW, _just_now),
    (_AGO_CN, _ago),
    (_AGO_EN, _ago),
    (_DAY_WORD, _day_word),
)


def parse_date(
    text: str,
    *,
    now: datetime,
    tz: tzinfo,
    near: datetime | None = None,
    order: str | None = None,
) -> ParsedDate | None:
    """The first date expression in ``text``, or None. Never raises on odd input.

    Values without an offset are read in ``tz``; relative ones are counted back from ``now``;
    year-less ones ('08-22 19:13') get the year that puts them nearest ``near`` (the page's
    own newest date; ``now`` by default), never after ``now``; an ambiguous
    '04/05/2025' is read in ``order`` ('dmy' or 'mdy'), when the page says which.
    Among matches starting at the same place the longest wins, so a date with its time is one
    match. Impossible or implausible dates are skipped in favour of the next match.
    """
    if not text:
        return None
    # A date sits near the start of what we are given (an info line, a meta value, a cell):
    # bounding the input before any pattern runs keeps hostile 32 KB strings cheap (B15).
    folded = text[:MAX_DATE_TEXT].translate(_FOLD)
    local_now = now.astimezone(tz)
    reading = _Reading(local_now, tz, (near or local_now).astimezone(tz), order)
    best: tuple[int, int, ParsedDate] | None = None
    for pattern, build in _PATTERNS:
        pos = 0
        while (m := pattern.search(folded, pos)) is not None:
            if best is not None and m.start() > best[0]:
                break
            try:
                parsed = build(m, reading)
            except (ValueError, OverflowError, KeyError, IndexError):
                parsed = None
            if parsed is not None:
                if best is None or (m.start(), -m.end()) < (best[0], -best[1]):
                    best = (m.start(), m.end(), parsed)
                break
            pos = m.start() + 1
    return best[2] if best else None


_RELATIVE = (_JUST_NOW, _AGO_CN, _AGO_EN, _DAY_WORD)
_ANY_YEAR = lazy(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def relative_text(text: str) -> bool:
    """Whether the text dates itself relative to when it was read ('3 weeks ago', '昨天
    10:30') and names no year: a cached page's '3 weeks ago' is older than it says."""
    folded = text[:MAX_DATE_TEXT].translate(_FOLD)
    return not _ANY_YEAR.search(folded) and any(p.search(folded) for p in _RELATIVE)


def resolve_published(
    candidates: Sequence[ParsedDate | None], *, first_seen: datetime, tz: tzinfo
) -> tuple[datetime, str]:
    """Pick (published, precision) from candidates in priority order.

    precision is "time" (a real clock time), "day" (the day is known, the clock is the time we
    first saw the item, so feed readers never show a false midnight) or "none" (first seen).

    Nothing is published after we first saw it: a candidate more than ``FUTURE_SKEW`` ahead of
    ``first_seen`` is an event date, a typo or a wrong zone, and is passed over; one within the
    skew (a clock or zone a few hours off) is clamped to ``first_seen``.
    """
    seen = first_seen.astimezone(tz)  # shown in the source's offset, like every other date
    present = [c for c in candidates if c is not None and not _in_future(c, first_seen, tz)]
    if not present:
        return seen, "none"
    head = present[0]
    if head.has_time:
        return min(head.value, seen), "time"
    day = head.value.date()  # day-only values are midnight in their own zone: its date is the day
    for later in present[1:]:
        if later.has_time and later.value.astimezone(tz).date() == day:
            return min(later.value, seen), "time"
    return min(datetime.combine(day, seen.time(), tzinfo=tz), seen), "day"


FUTURE_SKEW = timedelta(days=1)


def _in_future(candidate: ParsedDate, first_seen: datetime, tz: tzinfo) -> bool:
    if candidate.has_time:
        return candidate.value > first_seen + FUTURE_SKEW
    return candidate.value.date() > (first_seen + FUTURE_SKEW).astimezone(tz).date()
