"""Date parsing for listing lines and article metadata: pure functions, no I/O.

``parse_date`` finds the first date expression in a line of text (Chinese or Western, absolute
or relative); ``resolve_published`` picks an item's publication time from several candidates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

from feeds.models import ParsedDate

# Full-width forms and exotic spaces are common on Chinese portals; folding them 1:1 keeps the
# patterns simple. Control characters become spaces so they can never glue two numbers together.
_FOLD = {c: " " for c in range(32)} | {127: " "}
_FOLD |= {ord(c): " " for c in "\u00a0\u2002\u2003\u2009\u200b\u3000\ufeff"}
_FOLD |= {ord(a): b for a, b in zip("：／－．，", ":/-.,", strict=True)}
_FOLD |= {0xFF10 + i: str(i) for i in range(10)}

_MONTH_ABBR = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {name: i + 1 for i, name in enumerate(_MONTH_ABBR)}
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?"
)
_TIME = r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<F>\d{1,9}))?)?(?!\d)"
_AMPM = r"(?:\s{0,3}(?P<ap>[ap])\.?m\b\.?)?"
_NAMED_ZONES = {"Z": 0, "UT": 0, "UTC": 0, "GMT": 0, "EST": -5, "EDT": -4}
_NAMED_ZONES |= {"MST": -7, "MDT": -6, "PST": -8, "PDT": -7}
# CST is left out on purpose: China Standard Time on the sites we read, US Central elsewhere.
_ZONE = (
    r"(?P<tz>(?:GMT|UTC|UT)\s?[+-]\d{1,2}(?::?\d{2})?(?!\d)|[+-]\d{2}:?\d{2}(?!\d)"
    r"|(?:Z|UTC|UT|GMT|EST|EDT|MST|MDT|PST|PDT)(?![a-z]))"
)
_ZONE_OPT = rf"(?:\s?{_ZONE})?"
_EN_TIME = rf"(?:,?\s{{1,3}}(?:at\s{{1,3}})?{_TIME}{_AMPM}{_ZONE_OPT})?"


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_ISO = _compile(
    r"(?<!\d)(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"
    rf"(?:(?:T|\s{{1,3}}){_TIME}{_ZONE_OPT})?"
)
_CN = _compile(
    r"(?<!\d)(?P<y>\d{4})\s{0,2}年\s{0,2}(?P<m>\d{1,2})\s{0,2}月\s{0,2}(?P<d>\d{1,2})"
    rf"(?:\s{{0,2}}[日号]|(?!\d))(?:\s{{0,3}}{_TIME})?"
)
# Year-less forms must not start inside a longer number or date, or a rejected
# ``2024-13-45`` would be re-read as ``13-45``, and ``1900年12月6日`` as ``12月6日``.
_CN_MD = _compile(
    r"(?<![\d年])(?P<m>\d{1,2})\s{0,2}月\s{0,2}(?P<d>\d{1,2})\s{0,2}[日号]"
    rf"(?:\s{{0,3}}{_TIME})?"
)
# Two digits each: single-digit ``3-1`` is far more often a score or a range than a date.
_MD = _compile(rf"(?<![\d\-/.:])(?P<m>\d{{2}})-(?P<d>\d{{2}})(?![\d\-/.:])(?:\s{{1,3}}{_TIME})?")
_DMY = _compile(
    rf"(?<![\d:])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s{{1,3}}|-){_MONTH}(?:\s{{1,3}}|-|,\s?)"
    rf"(?P<y>\d{{4}})(?!\d){_EN_TIME}"
)
_MDY = _compile(
    rf"(?<![a-z]){_MONTH}\s{{1,3}}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s{{1,3}}(?P<y>\d{{4}})(?!\d)"
    rf"{_EN_TIME}"
)
_JUST_NOW = _compile(r"刚刚|(?<![a-z])just\s{1,3}now(?![a-z])")
_AGO_CN = _compile(
    r"(?<!\d)(?P<n>\d{1,6}|半)\s{0,3}"
    r"(?P<unit>秒钟?|分钟|分|个?小时|个?钟头|天|日|周|星期)\s{0,3}前"
)
_AGO_EN = _compile(
    r"(?<![a-z\d])(?P<n>\d{1,6}|an?|one)\s{1,3}"
    r"(?P<unit>sec(?:ond)?|min(?:ute)?|hour|hr|day|week)s?\s{1,3}ago(?![a-z])"
)
_DAY_WORD = _compile(
    r"(?P<w>大前天|前天|昨天|今天|(?<![a-z])(?:today|yesterday)(?![a-z]))"
    rf"(?:\s{{0,3}}(?:at\s{{1,3}})?{_TIME}{_AMPM})?"
)
_DAY_WORDS = {"大前天": 3, "前天": 2, "昨天": 1, "今天": 0, "today": 0, "yesterday": 1}
_UNIT_SECONDS = {"秒": 1, "分": 60, "小": 3600, "钟": 3600, "天": 86400, "日": 86400}
_UNIT_SECONDS |= {"周": 604800, "星": 604800, "s": 1, "m": 60, "h": 3600, "d": 86400}
_UNIT_SECONDS |= {"w": 604800}


def _clock(g: dict[str, str | None]) -> tuple[int, int, int, int] | None:
    """(hour, minute, second, microsecond), or None when absent or impossible."""
    if g.get("H") is None or g.get("M") is None:
        return None
    hour, minute, second = int(g["H"] or 0), int(g["M"] or 0), int(g.get("S") or 0)
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


def _absolute(m: re.Match[str], now: datetime, tz: tzinfo) -> ParsedDate | None:
    g = m.groupdict()
    month = int(g["m"]) if g.get("m") else _MONTHS[(g["mon"] or "")[:3].lower()]
    day = int(g["d"] or 0)
    clock = _clock(g)
    zone = (_zone(g.get("tz")) or tz) if clock else tz
    h, mi, s, us = clock or (0, 0, 0, 0)
    if g.get("y"):
        year = int(g["y"] or 0)
        if not 1990 <= year <= now.year + 1:
            return None
        return ParsedDate(datetime(year, month, day, h, mi, s, us, tzinfo=zone), clock is not None)
    # No year: the most recent such date not more than a day ahead (clock skew, time zones).
    limit = now + timedelta(days=1)
    for year in range(now.year + 1, now.year - 9, -1):
        try:
            value = datetime(year, month, day, h, mi, s, us, tzinfo=zone)
        except ValueError:
            continue  # 02-29 outside a leap year
        if value <= limit:
            return ParsedDate(value, clock is not None)
    return None


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def _just_now(m: re.Match[str], now: datetime, tz: tzinfo) -> ParsedDate:
    return ParsedDate(now, True)


def _ago(m: re.Match[str], now: datetime, tz: tzinfo) -> ParsedDate | None:
    n_text, unit = m["n"].lower(), m["unit"].lower()
    if n_text == "半":
        if unit[-1] not in "时头":
            return None
        n_text, unit = "30", "m"
    n = int(n_text) if n_text.isdigit() else 1
    seconds = _UNIT_SECONDS[unit[1] if unit[0] == "个" else unit[0]] * n
    if seconds >= 86400:
        # A day count says nothing about the clock: keep only the calendar day.
        return ParsedDate(_midnight(now.date() - timedelta(days=seconds // 86400), tz), False)
    # Subtract in UTC: wall-clock arithmetic in a DST zone would be off by the shift.
    return ParsedDate((now.astimezone(UTC) - timedelta(seconds=seconds)).astimezone(tz), True)


def _day_word(m: re.Match[str], now: datetime, tz: tzinfo) -> ParsedDate | None:
    day = now.date() - timedelta(days=_DAY_WORDS[m["w"].lower()])
    clock = _clock(m.groupdict())
    if clock is None:
        return ParsedDate(_midnight(day, tz), False)
    return ParsedDate(datetime(day.year, day.month, day.day, *clock, tzinfo=tz), True)


_Builder = Callable[[re.Match[str], datetime, tzinfo], ParsedDate | None]
_PATTERNS: tuple[tuple[re.Pattern[str], _Builder], ...] = (
    (_ISO, _absolute),
    (_CN, _absolute),
    (_CN_MD, _absolute),
    (_MD, _absolute),
    (_DMY, _absolute),
    (_MDY, _absolute),
    (_JUST_NOW, _just_now),
    (_AGO_CN, _ago),
    (_AGO_EN, _ago),
    (_DAY_WORD, _day_word),
)


def parse_date(text: str, *, now: datetime, tz: tzinfo) -> ParsedDate | None:
    """The first date expression in ``text``, or None. Never raises on odd input.

    Values without an offset are read in ``tz``; relative ones are counted back from ``now``.
    Among matches starting at the same place the longest wins, so a date with its time is one
    match. Impossible or implausible dates are skipped in favour of the next match.
    """
    if not text:
        return None
    folded = text.translate(_FOLD)
    local_now = now.astimezone(tz)
    best: tuple[int, int, ParsedDate] | None = None
    for pattern, build in _PATTERNS:
        pos = 0
        while (m := pattern.search(folded, pos)) is not None:
            if best is not None and m.start() > best[0]:
                break
            try:
                parsed = build(m, local_now, tz)
            except (ValueError, OverflowError, KeyError, IndexError):
                parsed = None
            if parsed is not None:
                if best is None or (m.start(), -m.end()) < (best[0], -best[1]):
                    best = (m.start(), m.end(), parsed)
                break
            pos = m.start() + 1
    return best[2] if best else None


def resolve_published(
    candidates: Sequence[ParsedDate | None], *, first_seen: datetime, tz: tzinfo
) -> tuple[datetime, str]:
    """Pick (published, precision) from candidates in priority order.

    precision is "time" (a real clock time), "day" (the day is known, the clock is the time we
    first saw the item, so feed readers never show a false midnight) or "none" (first seen).
    """
    present = [c for c in candidates if c is not None]
    if not present:
        return first_seen, "none"
    head = present[0]
    if head.has_time:
        return head.value, "time"
    day = head.value.date()  # day-only values are midnight in their own zone: its date is the day
    for later in present[1:]:
        if later.has_time and later.value.astimezone(tz).date() == day:
            return later.value, "time"
    clock = first_seen.astimezone(tz).time()
    return datetime.combine(day, clock, tzinfo=tz), "day"
