"""Tests for feeds.extract.dates: parse_date formats, rejects, and resolve_published policy."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feeds.extract.dates import parse_date, resolve_published
from feeds.models import ParsedDate

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
NOW = datetime(2024, 12, 8, 15, 30, tzinfo=SH)
PLUS8 = timezone(timedelta(hours=8))
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def sh(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=SH)


def parse(text: str, now: datetime = NOW) -> ParsedDate | None:
    return parse_date(text, now=now, tz=SH)


@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("2024-12-06", sh(2024, 12, 6), False),
        ("2024/12/06", sh(2024, 12, 6), False),
        ("2024.12.06", sh(2024, 12, 6), False),
        ("2024-12-6", sh(2024, 12, 6), False),
        ("2024-12-06 10:23", sh(2024, 12, 6, 10, 23), True),
        ("2024-12-06  10:23", sh(2024, 12, 6, 10, 23), True),
        ("2024-12-06 10:23:45", sh(2024, 12, 6, 10, 23, 45), True),
        ("2024/12/06 10:23", sh(2024, 12, 6, 10, 23), True),
        ("2024年12月06日", sh(2024, 12, 6), False),
        ("2024年12月6日", sh(2024, 12, 6), False),
        ("2024年12月6日 10:23", sh(2024, 12, 6, 10, 23), True),
        ("2024年12月06日10:23", sh(2024, 12, 6, 10, 23), True),
        ("2024年12月06日 10:23:45", sh(2024, 12, 6, 10, 23, 45), True),
        ("2024-12-06T10:23", sh(2024, 12, 6, 10, 23), True),
        ("2024-12-06T10:23:00", sh(2024, 12, 6, 10, 23), True),
        ("December 6, 2024", sh(2024, 12, 6), False),
        ("Dec. 6, 2024", sh(2024, 12, 6), False),
        ("Dec 6 2024", sh(2024, 12, 6), False),
        ("6 Dec 2024", sh(2024, 12, 6), False),
        ("6 December 2024", sh(2024, 12, 6), False),
        ("06-Dec-2024", sh(2024, 12, 6), False),
        ("6 Dec 2024 10:23", sh(2024, 12, 6, 10, 23), True),
        ("December 6th, 2024", sh(2024, 12, 6), False),
        ("Dec 6, 2024 at 9:27 pm", sh(2024, 12, 6, 21, 27), True),
        ("Dec 6, 2024 12:05 AM", sh(2024, 12, 6, 0, 5), True),
        ("January 19, 2020 / 12:25 PM", sh(2020, 1, 19, 12, 25), True),
        ("6 December 2024 | 10:23", sh(2024, 12, 6, 10, 23), True),
        ("２０２４－１２－０６", sh(2024, 12, 6), False),
        # the Chinese clock, and dates in Chinese numerals as official documents write them
        ("2024年12月6日10时30分", sh(2024, 12, 6, 10, 30), True),
        ("12月6日 9点05分", sh(2024, 12, 6, 9, 5), True),
        ("二〇二四年十二月六日", sh(2024, 12, 6), False),
        ("二○二三年一月三十一日", sh(2023, 1, 31), False),
        ("发布日期：二〇二四年十月二十日", sh(2024, 10, 20), False),
        ("一九九九年九月九日", sh(1999, 9, 9), False),
    ],
)
def test_absolute_naive_formats_use_source_zone(
    text: str, expected: datetime, has_time: bool
) -> None:
    result = parse(text)
    assert result == ParsedDate(expected, has_time)
    assert result.value.tzinfo is SH


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("Fri, 06 Dec 2024 10:23:00 +0800", datetime(2024, 12, 6, 2, 23, tzinfo=UTC)),
        ("Fri, 06 Dec 2024 10:23:00 GMT", datetime(2024, 12, 6, 10, 23, tzinfo=UTC)),
        ("06 Dec 2024 10:23 -0500", datetime(2024, 12, 6, 15, 23, tzinfo=UTC)),
        ("Fri, 6 Dec 2024 10:23:00 EST", datetime(2024, 12, 6, 15, 23, tzinfo=UTC)),
        ("2024-12-06T10:23:00+08:00", datetime(2024, 12, 6, 2, 23, tzinfo=UTC)),
        ("2024-12-06T10:23:00Z", datetime(2024, 12, 6, 10, 23, tzinfo=UTC)),
        ("2024-12-06T10:23:00.5Z", datetime(2024, 12, 6, 10, 23, 0, 500000, tzinfo=UTC)),
        (
            "2024-12-06T10:23:00.123456789+00:00",
            datetime(2024, 12, 6, 10, 23, 0, 123456, tzinfo=UTC),
        ),
        ("2024-12-06T10:23:00-0330", datetime(2024, 12, 6, 13, 53, tzinfo=UTC)),
        ("2024-12-06 10:23 GMT+8", datetime(2024, 12, 6, 2, 23, tzinfo=UTC)),
        # zones by name, and in brackets
        ("Friday, 6 Dec 2024 4:55 PM MYT", datetime(2024, 12, 6, 8, 55, tzinfo=UTC)),
        ("Thứ hai, 25/11/2024, 19:25 (GMT+7)", datetime(2024, 11, 25, 12, 25, tzinfo=UTC)),
        ("06.12.2024, 10:30 Uhr MEZ", datetime(2024, 12, 6, 9, 30, tzinfo=UTC)),
        ("6 December 2024 10:30 BST", datetime(2024, 12, 6, 9, 30, tzinfo=UTC)),
        ("2024-12-06 10:23 JST", datetime(2024, 12, 6, 1, 23, tzinfo=UTC)),
    ],
)
def test_offsets_keep_their_instant(text: str, instant: datetime) -> None:
    result = parse(text)
    assert result is not None
    assert result.has_time
    assert result.value == instant
    assert result.value.utcoffset() is not None


@pytest.mark.parametrize(
    "text",
    [
        "日期：2024-12-06  来源：新华网  作者：qeexh  浏览：12",
        "日期:2024-12-06 作者:qeexh",
        "日期：2024-12-06\u00a0来源：新华网",
        "发布时间\u3000：\u30002024-12-06\u3000浏览：2024",
        "浏览：2024 次  更新：2024年12月06日",
        "[2024-12-06]",
        "(2024.12.06)",
        "作者:qeexh 日期:2024/12/06 点击:300",
        "Posted on December 6, 2024 by admin",
        "鄂ICP备2020018471号 日期：2024-12-06",
        "电话：0755-88888888 时间：2024-12-06",
        "v1.2.3 released 2024-12-06",
        "2024-13-06 then 2024-12-06",
        "2024-02-30 then 2024-12-06",
        "1900年12月06日 then 2024年12月06日",
    ],
)
def test_labels_and_noise_are_skipped(text: str) -> None:
    assert parse(text) == ParsedDate(sh(2024, 12, 6), False)


def test_datetime_with_label_is_one_match() -> None:
    result = parse("时间：2024-12-06 10:23 来源：本站 浏览：12")
    assert result == ParsedDate(sh(2024, 12, 6, 10, 23), True)


def test_first_match_in_text_order_wins() -> None:
    assert parse("12-05 更新于 2024-12-06") == ParsedDate(sh(2024, 12, 5), False)
    assert parse("2024-12-06 ... 12-05") == ParsedDate(sh(2024, 12, 6), False)


@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("刚刚", NOW, True),
        ("just now", NOW, True),
        ("30秒前", sh(2024, 12, 8, 15, 29, 30), True),
        ("5分钟前", sh(2024, 12, 8, 15, 25), True),
        ("5 分钟前", sh(2024, 12, 8, 15, 25), True),
        ("3小时前", sh(2024, 12, 8, 12, 30), True),
        ("3个小时前", sh(2024, 12, 8, 12, 30), True),
        ("半小时前", sh(2024, 12, 8, 15, 0), True),
        ("2天前", sh(2024, 12, 6), False),
        ("1周前", sh(2024, 12, 1), False),
        ("今天 09:27", sh(2024, 12, 8, 9, 27), True),
        ("昨天 09:27", sh(2024, 12, 7, 9, 27), True),
        ("前天 09:27", sh(2024, 12, 6, 9, 27), True),
        ("昨天09:27", sh(2024, 12, 7, 9, 27), True),
        ("昨天", sh(2024, 12, 7), False),
        ("前天", sh(2024, 12, 6), False),
        ("5 minutes ago", sh(2024, 12, 8, 15, 25), True),
        ("a minute ago", sh(2024, 12, 8, 15, 29), True),
        ("an hour ago", sh(2024, 12, 8, 14, 30), True),
        ("2 hours ago", sh(2024, 12, 8, 13, 30), True),
        ("3 days ago", sh(2024, 12, 5), False),
        ("yesterday", sh(2024, 12, 7), False),
        ("Yesterday 09:27", sh(2024, 12, 7, 9, 27), True),
        ("yesterday at 9:27 pm", sh(2024, 12, 7, 21, 27), True),
        ("today 09:27", sh(2024, 12, 8, 9, 27), True),
        ("发布于 3小时前 · 浏览 12", sh(2024, 12, 8, 12, 30), True),
    ],
)
def test_relative_formats(text: str, expected: datetime, has_time: bool) -> None:
    assert parse(text) == ParsedDate(expected, has_time)


def test_relative_uses_source_zone_not_now_zone() -> None:
    now_utc = datetime(2024, 12, 7, 20, 0, tzinfo=UTC)  # already 12-08 04:00 in Shanghai
    assert parse("昨天 09:27", now=now_utc) == ParsedDate(sh(2024, 12, 7, 9, 27), True)
    assert parse("2天前", now=now_utc) == ParsedDate(sh(2024, 12, 6), False)


def test_relative_hours_across_dst_count_real_time() -> None:
    now = datetime(2024, 3, 10, 12, 0, tzinfo=NY)  # DST began at 02:00 that morning
    result = parse_date("12 hours ago", now=now, tz=NY)
    # Wall-clock arithmetic would say 00:00; twelve real hours back is 23:00 the day before.
    assert result == ParsedDate(datetime(2024, 3, 9, 23, 0, tzinfo=NY), True)
    assert result.value.astimezone(UTC) == now.astimezone(UTC) - timedelta(hours=12)


@pytest.mark.parametrize(
    ("text", "now", "expected", "has_time"),
    [
        ("12-06 10:23", NOW, sh(2024, 12, 6, 10, 23), True),
        ("12月06日 10:23", NOW, sh(2024, 12, 6, 10, 23), True),
        ("12月6日", NOW, sh(2024, 12, 6), False),
        ("12-06", NOW, sh(2024, 12, 6), False),
        ("发布时间：12-06 10:23", NOW, sh(2024, 12, 6, 10, 23), True),  # a label's colon
        ("12-09", NOW, sh(2024, 12, 9), False),  # tomorrow: within a day of now
        ("12-10", NOW, sh(2023, 12, 10), False),
        ("12-30 10:00", sh(2025, 1, 2, 9, 0), sh(2024, 12, 30, 10, 0), True),
        ("12月30日", sh(2025, 1, 2, 9, 0), sh(2024, 12, 30), False),
        ("01-01", sh(2025, 1, 2, 9, 0), sh(2025, 1, 1), False),
        ("01-01", sh(2024, 12, 31, 23, 0), sh(2025, 1, 1), False),
        ("02-29", sh(2025, 6, 1), sh(2024, 2, 29), False),
        # a list's date cell, English, without a year (issue 15)
        ("Dec 6", NOW, sh(2024, 12, 6), False),
        ("6 Dec", NOW, sh(2024, 12, 6), False),
        ("December 6th", NOW, sh(2024, 12, 6), False),
        ("[Nov 30]", NOW, sh(2024, 11, 30), False),
        ("Fri, Dec 6 10:20", NOW, sh(2024, 12, 6, 10, 20), True),
        # a two-digit year first, as Chinese lists print it
        ("24-12-06", NOW, sh(2024, 12, 6), False),
        ("[24-12-06]", NOW, sh(2024, 12, 6), False),
        ("23-01-31 08:15", NOW, sh(2023, 1, 31, 8, 15), True),
    ],
)
def test_year_inference(text: str, now: datetime, expected: datetime, has_time: bool) -> None:
    assert parse(text, now=now) == ParsedDate(expected, has_time)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\x00\x01\x02\x7f",
        "no dates here",
        "浏览：2024",
        "浏览：2024 次",
        "1.2.3",
        "version 10.2.3",
        "鄂ICP备2020018471号",
        "电话：0755-88888888",
        "手机 138-1234-5678",
        "400-820-8820",
        "比分 3-1",
        "9999-99-99",
        "2024-13-06",
        "on May 5 the council met",  # a year-less month name only as a whole date cell
        "Posted in Dec 6 places",
        "12-06-24",  # month or year first: two-digit years only where they can't be a month
        "24-13-06",
        "Dec 2024",
        "2024-02-30",
        "2023-02-29",
        "2024-00-10",
        "1989-12-06",
        "2026-12-06",  # more than a year after now
        "1900年12月06日",
        "二〇二四年二月三十日",
        "三〇二四年一月一日",
        "二〇二四年十二月",
        "13-45",
        "10:12-06",  # a clock and a range, not 6 December
        "192.168.1.1",
        "Feb 30, 2024",
        "12345678901234567890",
        "99999999 days ago",
    ],
)
def test_rejects(text: str) -> None:
    assert parse(text) is None


def test_impossible_time_keeps_the_day() -> None:
    assert parse("2024-12-06 25:61") == ParsedDate(sh(2024, 12, 6), False)


@pytest.mark.parametrize(
    "text",
    [
        "9" * 100_000,
        "2024-13-45 " * 20_000,
        " " * 100_000 + "x",
        "12-" * 50_000,
        "\x00" * 1000 + "2024-12-06",
        "年月日" * 10_000,
        "999999 days ago",
        "999999天前",
        "2024-12-06T10:23:00+99:99",
        "2024-12-06T10:23:00.000000000000000000001Z",
        "\ud800 2024-12-06",
    ],
)
def test_odd_input_never_raises_and_stays_aware(text: str) -> None:
    result = parse(text)
    assert result is None or result.value.tzinfo is not None


def test_all_results_are_aware() -> None:
    samples = ["2024-12-06", "12-06", "刚刚", "3 days ago", "Fri, 06 Dec 2024 10:23:00 GMT"]
    for tz in (SH, UTC, timezone(timedelta(hours=-3))):
        for text in samples:
            result = parse_date(text, now=NOW, tz=tz)
            assert result is not None
            assert result.value.utcoffset() is not None, (text, tz)


# --- resolve_published -------------------------------------------------------------------

FIRST_SEEN = datetime(2024, 12, 8, 3, 15, 7, tzinfo=UTC)  # 11:15:07 in Shanghai


def day(y: int, m: int, d: int) -> ParsedDate:
    return ParsedDate(sh(y, m, d), False)


def timed(y: int, m: int, d: int, hh: int, mm: int) -> ParsedDate:
    return ParsedDate(sh(y, m, d, hh, mm), True)


@pytest.mark.parametrize(
    ("candidates", "expected", "precision"),
    [
        ([], FIRST_SEEN, "none"),
        ([None, None, None], FIRST_SEEN, "none"),
        ([timed(2024, 12, 6, 10, 23)], sh(2024, 12, 6, 10, 23), "time"),
        ([None, timed(2024, 12, 6, 10, 23)], sh(2024, 12, 6, 10, 23), "time"),
        (
            [timed(2024, 12, 6, 10, 23), timed(2024, 12, 5, 8, 0)],
            sh(2024, 12, 6, 10, 23),
            "time",
        ),
        (
            [day(2024, 12, 6), None, timed(2024, 12, 6, 10, 23)],
            sh(2024, 12, 6, 10, 23),
            "time",
        ),
        (
            [day(2024, 12, 6), day(2024, 12, 6), timed(2024, 12, 6, 23, 59)],
            sh(2024, 12, 6, 23, 59),
            "time",
        ),
        ([day(2024, 12, 6)], sh(2024, 12, 6, 11, 15, 7), "day"),
        ([day(2024, 12, 6), timed(2024, 12, 5, 10, 0)], sh(2024, 12, 6, 11, 15, 7), "day"),
        # 2024-12-06 02:00 UTC is 10:00 in Shanghai: the same local day, so it counts.
        (
            [day(2024, 12, 6), ParsedDate(datetime(2024, 12, 6, 2, 0, tzinfo=UTC), True)],
            datetime(2024, 12, 6, 2, 0, tzinfo=UTC),
            "time",
        ),
        # 2024-12-06 20:00 UTC is already the 7th in Shanghai: not the same day.
        (
            [day(2024, 12, 6), ParsedDate(datetime(2024, 12, 6, 20, 0, tzinfo=UTC), True)],
            sh(2024, 12, 6, 11, 15, 7),
            "day",
        ),
    ],
)
def test_resolve_published(
    candidates: list[ParsedDate | None], expected: datetime, precision: str
) -> None:
    published, got_precision = resolve_published(candidates, first_seen=FIRST_SEEN, tz=SH)
    assert (published, got_precision) == (expected, precision)
    assert published.tzinfo is not None
    assert resolve_published(candidates, first_seen=FIRST_SEEN, tz=SH) == (published, precision)


def test_resolve_day_only_is_never_a_false_utc_midnight() -> None:
    published, precision = resolve_published([day(2024, 12, 6)], first_seen=FIRST_SEEN, tz=SH)
    assert precision == "day"
    assert published.astimezone(SH).date().isoformat() == "2024-12-06"
    assert published.astimezone(UTC).time() != datetime.min.time()


def test_resolve_with_parsed_values() -> None:
    listing = parse("2024-12-06")
    article = parse("发布时间：2024-12-06 10:23")
    assert resolve_published([listing, article], first_seen=FIRST_SEEN, tz=SH) == (
        sh(2024, 12, 6, 10, 23),
        "time",
    )


# --- corpus (information only) ------------------------------------------------------------

_CONTENT = re.compile(r'content\s*=\s*"([^"]{1,300})"', re.IGNORECASE)


def test_corpus_meta_dates() -> None:
    manifest = CORPUS / "dates" / "manifest.jsonl"
    if not manifest.is_file():
        pytest.skip(f"no corpus at {CORPUS}")
    now = datetime(2030, 1, 1, tzinfo=UTC)
    pages = found = 0
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        path = manifest.parent / record["file"]
        if not path.is_file():
            continue
        html = path.read_bytes().decode("utf-8", errors="replace")
        pages += 1
        result = parse_date(html[:20_000], now=now, tz=UTC)
        assert result is None or result.value.tzinfo is not None
        days = set()
        for content in _CONTENT.findall(html):
            parsed = parse_date(content, now=now, tz=UTC)
            if parsed is not None:
                days.add(parsed.value.date().isoformat())
        found += record["date"] in days
    print(f"corpus dates: expected day among meta content dates on {found}/{pages} pages")


# --- other languages and numeric forms (issue 6) ------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("19. Juli 2014", sh(2014, 7, 19), False),
        ("Samstag, 19. Juli 2014", sh(2014, 7, 19), False),
        ("Di, 21. April 2020 - 16:40", sh(2020, 4, 21, 16, 40), True),
        ("26. Mai 2008 um 21:07", sh(2008, 5, 26, 21, 7), True),
        ("jeudi 13 juin 2019", sh(2019, 6, 13), False),
        ("le 1er mai 2020", sh(2020, 5, 1), False),
        ("30 juil. 2019", sh(2019, 7, 30), False),
        ("7 de mayo de 2020", sh(2020, 5, 7), False),
        ("3 maggio 2020", sh(2020, 5, 3), False),
        ("27.06.2018 09:54", sh(2018, 6, 27, 9, 54), True),
        ("Handball Schweiz • 02.02.2022", sh(2022, 2, 2), False),
        ("23.09.22", sh(2022, 9, 23), False),
        ("27/06/2019", sh(2019, 6, 27), False),
        ("06/27/2019", sh(2019, 6, 27), False),
        ("2分鐘前", sh(2024, 12, 8, 15, 28), True),
        ("3個小時前", sh(2024, 12, 8, 12, 30), True),
        ("昨日 09:27", sh(2024, 12, 7, 9, 27), True),
        ("今日 09:27", sh(2024, 12, 8, 9, 27), True),
    ],
)
def test_more_languages_and_numeric_forms(text: str, expected: datetime, has_time: bool) -> None:
    assert parse(text) == ParsedDate(expected, has_time)


@pytest.mark.parametrize(
    "text",
    ["05/06/2019", "v10.11.12", "1.2.3", "今日头条", "今日推荐", "Okt 2018", "ID 1733640000"],
)
def test_ambiguous_or_not_dates(text: str) -> None:
    assert parse(text) is None


def test_epoch_only_as_a_whole_value() -> None:
    instant = datetime(2024, 12, 8, 7, 0, tzinfo=UTC)
    assert parse(str(int(instant.timestamp()))) == ParsedDate(instant, True)
    assert parse(str(int(instant.timestamp() * 1000))) == ParsedDate(instant, True)


def test_a_year_less_date_takes_the_year_nearest_the_pages_own_dates() -> None:
    near = sh(2005, 8, 20)
    assert parse_date("08-22 19:13", now=NOW, tz=SH, near=near) == ParsedDate(
        sh(2005, 8, 22, 19, 13), True
    )
    assert parse_date("12月30日", now=NOW, tz=SH, near=sh(2006, 1, 2)).value == sh(2005, 12, 30)
    # Never after now, whatever the page's dates say.
    assert parse_date("12-20", now=NOW, tz=SH, near=sh(2024, 12, 19)).value == sh(2023, 12, 20)
    assert parse_date("02-29", now=NOW, tz=SH, near=sh(2022, 3, 1)).value == sh(2020, 2, 29)


def test_an_ambiguous_numeric_date_is_read_in_the_pages_order() -> None:
    assert parse_date("04/05/2025", now=NOW, tz=SH, order="dmy").value == sh(2025, 5, 4)
    assert parse_date("04/05/2025", now=NOW, tz=SH, order="mdy").value == sh(2025, 4, 5)
    assert parse_date("23/04/2025", now=NOW, tz=SH, order="mdy").value == sh(2025, 4, 23)
    # A 12-hour clock is the American habit: month first.
    assert parse("7/5/2005 9:23:57 PM") == ParsedDate(sh(2005, 7, 5, 21, 23, 57), True)
