"""A UTC timestamp's day where the story came out: on the publisher's day from the URL, or in
the offset the page's other stamps agree on. Pure: the texts are ``page_dates.stamp_texts``'s."""

from __future__ import annotations

from datetime import timedelta, timezone, tzinfo

from feeds.lazyre import lazy
from feeds.models import ParsedDate


def is_utc(found: ParsedDate) -> bool:
    return found.has_time and found.value.utcoffset() == timedelta(0)


def publisher_day(found: ParsedDate, url_day: ParsedDate | None) -> ParsedDate:
    """A UTC timestamp re-expressed on the day the publisher's URL names.

    '2023-11-09T03:28Z' on '/2023/11/08/…' is the evening of the 8th where it was published:
    a UTC stamp says nothing about the publisher's day, the URL does. The instant is kept; it
    only gets the offset nearest UTC that puts it on the URL's day, within -9..+9 h: further
    off, the URL names the day the story was created, not published."""
    value = found.value
    if url_day is None or not is_utc(found):
        return found
    day = url_day.value.date()
    if value.date() == day:
        return found
    for hours in sorted(range(-9, 10), key=abs):
        shifted = value.astimezone(timezone(timedelta(hours=hours)))
        if shifted.date() == day:
            return ParsedDate(shifted, True)
    return found


# A timestamp with seconds and a numeric offset: '2020-05-01T23:00:00-04:00',
# 'Fri, 01 May 2020 23:00:00 -0400'. Seconds required: '12:00-13:00' is a range of hours.
_OFFSET_STAMP = lazy(r"\d\d:\d\d:\d\d(?:\.\d+)?\s?([+-])(\d\d):?(\d\d)(?!\d)")


def page_offset(texts: list[str]) -> timezone | None:
    """The page's own UTC offset: the one non-zero offset its zoned timestamps carry (in its
    scripts' data, its metadata), when at least two carry it and no other non-zero one
    occurs. None when the page says nothing or disagrees with itself."""
    seen: dict[timedelta, int] = {}
    for text in texts:
        for sign, hours, minutes in _OFFSET_STAMP.findall(text):
            if int(hours) > 14 or minutes not in ("00", "30", "45"):
                continue
            offset = timedelta(hours=int(hours), minutes=int(minutes))
            if offset:
                offset = -offset if sign == "-" else offset
                seen[offset] = seen.get(offset, 0) + 1
    if len(seen) != 1:
        return None
    ((offset, count),) = seen.items()
    return timezone(offset) if count >= 2 else None


def local_day(found: ParsedDate, offset: tzinfo | None) -> ParsedDate:
    """A UTC timestamp re-expressed in the page's own offset: '2020-05-02T02:54Z' on a page
    whose other stamps say -04:00 was published on the evening of the 1st there (or in the
    source's zone, when the page says nothing)."""
    if offset is None or not is_utc(found):
        return found
    return ParsedDate(found.value.astimezone(offset), True)
