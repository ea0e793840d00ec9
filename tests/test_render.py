"""Tests for feeds.render: validity of each format, exact fields, determinism, atomic writes.

Golden files live in tests/golden/render/; regenerate them with FEEDS_UPDATE_GOLDEN=1 and
review the diff before committing.
"""

from __future__ import annotations

import json
import os
import stat
from calendar import timegm
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import feedparser
import pytest
from lxml import etree

from feeds import output as output_mod
from feeds.errors import RenderError
from feeds.formats import FORMATS
from feeds.models import FeedMeta, StoredItem
from feeds.output import publish, write_atomic
from feeds.render import render

GOLDEN_DIR = Path(__file__).parent / "golden" / "render"
CST = timezone(timedelta(hours=8))
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"

META = FeedMeta(
    id="example-news",
    title="示例新闻 Example News",
    home_url="https://news.example.org/list/",
    description="Latest announcements from news.example.org",
    self_urls={fmt: f"https://feeds.example.net/example-news.{fmt}" for fmt in FORMATS},
    updated=datetime(2024, 12, 6, 18, 0, tzinfo=CST),
    language="zh-CN",
    # WebSub (issue 18): our hub, then an external one.
    hubs=("https://feeds.example.net/hub", "https://pubsubhubbub.example.com/"),
)

# Newest first, as the store hands them over.
CHINESE = StoredItem(
    source_id="example-news",
    key="news.example.org/a/1001",
    id="https://news.example.org/a/1001.html",
    url="https://news.example.org/a/1001.html",
    title="关于2024年冬季学期安排的通知",
    author="教务处",
    summary="冬季学期将于12月9日开始。",
    content_html="<p>冬季学期将于12月9日开始。</p><p>请各位同学按时报到。</p>",
    # A day-only date: midnight in the source's zone, which is the previous day in UTC.
    published=datetime(2024, 12, 6, 0, 0, tzinfo=CST),
    updated=datetime(2024, 12, 6, 0, 0, tzinfo=CST),
    first_seen=datetime(2024, 12, 6, 1, 2, 3, tzinfo=UTC),
    date_precision="day",
)
NO_AUTHOR = StoredItem(
    source_id="example-news",
    key="news.example.org/a/1000",
    id="https://news.example.org/a/1000.html",
    url="https://news.example.org/a/1000.html",
    title="Library opening hours",
    author=None,
    summary="The library closes at 22:00 during the exam weeks.",
    content_html=None,
    published=datetime(2024, 12, 5, 14, 30, tzinfo=UTC),
    updated=datetime(2024, 12, 5, 14, 30, tzinfo=UTC),
    first_seen=datetime(2024, 12, 5, 15, 0, tzinfo=UTC),
    date_precision="time",
)
EDITED = StoredItem(
    source_id="example-news",
    key="news.example.org/a/999",
    # id differs from url: the guid is not a permalink.
    id="tag:feeds.example.net,2024:example-news/999",
    url="https://news.example.org/a/999.html?from=list",
    # Only an opening tag: with a closing one too ("</b>") RSS readers, feedparser and the
    # W3C validator all take an RSS title for HTML, whatever the escaping.
    title="Q&A: the <b> tag & ]]> in\x0b titles",
    author="Li Lei",
    summary=None,
    content_html="<p>First paragraph.</p><p>Second &amp; last paragraph.</p>",
    published=datetime(2024, 12, 4, 10, 0, tzinfo=CST),
    updated=datetime(2024, 12, 6, 9, 15, 30, tzinfo=CST),
    first_seen=datetime(2024, 12, 4, 2, 5, tzinfo=UTC),
    date_precision="time",
)
ITEMS = (CHINESE, NO_AUTHOR, EDITED)
EDITED_TITLE = "Q&A: the <b> tag & ]]> in titles"  # the control character is gone


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    return render(META, ITEMS)


def _xml(data: bytes) -> etree._Element:
    # Strict: no recover, so any well-formedness error fails the test.
    return etree.fromstring(data, etree.XMLParser(recover=False, resolve_entities=False))


def _parsed(data: bytes) -> Any:
    result = feedparser.parse(data)
    assert result.bozo == 0, result.get("bozo_exception")
    return result


def _utc_tuple(value: datetime) -> tuple[int, ...]:
    return tuple(value.astimezone(UTC).timetuple()[:6])


def test_formats_are_all_rendered(rendered: dict[str, bytes]) -> None:
    assert FORMATS == ("rss", "atom", "json")
    assert set(rendered) == set(FORMATS)
    for data in rendered.values():
        assert isinstance(data, bytes)
        assert b"\x0b" not in data


def test_rss_channel(rendered: dict[str, bytes]) -> None:
    channel = _xml(rendered["rss"]).find("channel")
    assert channel is not None
    assert channel.findtext("title") == META.title
    assert channel.findtext("link") == META.home_url
    assert channel.findtext("description") == META.description
    assert channel.findtext("language") == "zh-CN"
    assert channel.findtext("generator") == "feeds"
    assert channel.findtext("lastBuildDate") == "Fri, 06 Dec 2024 18:00:00 +0800"
    self_link = channel.find(f"{ATOM}link")
    assert self_link is not None
    assert self_link.attrib == {
        "href": META.self_urls["rss"],
        "rel": "self",
        "type": "application/rss+xml",
    }


def test_rss_items(rendered: dict[str, bytes]) -> None:
    items = _xml(rendered["rss"]).findall("channel/item")
    assert [i.findtext("title") for i in items] == [CHINESE.title, NO_AUTHOR.title, EDITED_TITLE]
    assert [i.findtext("link") for i in items] == [CHINESE.url, NO_AUTHOR.url, EDITED.url]
    guids = [i.find("guid") for i in items]
    assert [g.text for g in guids if g is not None] == [CHINESE.id, NO_AUTHOR.id, EDITED.id]
    assert [g.get("isPermaLink") for g in guids if g is not None] == ["true", "true", "false"]
    assert [i.findtext("pubDate") for i in items] == [
        "Fri, 06 Dec 2024 00:00:00 +0800",
        "Thu, 05 Dec 2024 14:30:00 +0000",
        "Wed, 04 Dec 2024 10:00:00 +0800",
    ]
    # Names go to dc:creator; RSS <author> would need an email address.
    assert [i.findtext(f"{DC}creator") for i in items] == ["教务处", None, "Li Lei"]
    assert all(i.find("author") is None for i in items)
    assert [i.findtext(f"{CONTENT}encoded") for i in items] == [
        CHINESE.content_html,
        None,
        EDITED.content_html,
    ]
    descriptions = [i.findtext("description") for i in items]
    assert descriptions[:2] == [CHINESE.summary, NO_AUTHOR.summary]
    # No stored summary: a plain-text excerpt of the content, HTML-escaped for RSS.
    assert descriptions[2] == "First paragraph. Second &amp; last paragraph."


def test_atom_feed(rendered: dict[str, bytes]) -> None:
    feed = _xml(rendered["atom"])
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == META.self_urls["atom"]
    assert feed.findtext(f"{ATOM}title") == META.title
    assert feed.findtext(f"{ATOM}subtitle") == META.description
    assert feed.findtext(f"{ATOM}updated") == "2024-12-06T18:00:00+08:00"
    assert feed.findtext(f"{ATOM}generator") == "feeds"
    links = {link.get("rel"): link.attrib for link in feed.findall(f"{ATOM}link")}
    assert links["self"]["href"] == META.self_urls["atom"]
    assert links["self"]["type"] == "application/atom+xml"
    assert links["alternate"]["href"] == META.home_url


def test_atom_entries(rendered: dict[str, bytes]) -> None:
    entries = _xml(rendered["atom"]).findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [CHINESE.id, NO_AUTHOR.id, EDITED.id]
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        CHINESE.title,
        NO_AUTHOR.title,
        EDITED_TITLE,
    ]
    assert [e.findtext(f"{ATOM}published") for e in entries] == [
        "2024-12-06T00:00:00+08:00",
        "2024-12-05T14:30:00+00:00",
        "2024-12-04T10:00:00+08:00",
    ]
    assert [e.findtext(f"{ATOM}updated") for e in entries] == [
        "2024-12-06T00:00:00+08:00",
        "2024-12-05T14:30:00+00:00",
        "2024-12-06T09:15:30+08:00",
    ]
    for entry, item in zip(entries, ITEMS, strict=True):
        links = entry.findall(f"{ATOM}link")
        assert [(link.get("rel"), link.get("href")) for link in links] == [("alternate", item.url)]
        summary = entry.find(f"{ATOM}summary")
        assert summary is not None and summary.get("type") == "text"
        content = entry.find(f"{ATOM}content")
        if item.content_html is None:
            assert content is None
        else:
            assert content is not None and content.get("type") == "html"
            assert content.text == item.content_html
    # An entry without an author has none of its own: the feed's author (the site) covers it.
    names = [e.findtext(f"{ATOM}author/{ATOM}name") for e in entries]
    assert names == ["教务处", None, "Li Lei"]


def test_atom_author_is_on_the_feed_not_on_entries_without_one(rendered: dict[str, bytes]) -> None:
    # Issue 12.10: newsboat showed the feed's title as the writer of every such article.
    root = etree.fromstring(rendered["atom"], etree.XMLParser(recover=False))
    assert [a.findtext(f"{ATOM}name") for a in root.findall(f"{ATOM}author")] == [META.title]
    atom = _parsed(rendered["atom"])
    assert atom.bozo == 0 and atom.feed.author == META.title
    assert [e.get("author") for e in atom.entries] == ["教务处", None, "Li Lei"]
    rss = _parsed(rendered["rss"])
    assert [e.get("author") for e in rss.entries] == ["教务处", None, "Li Lei"]
    assert "author" not in rss.feed  # RSS needs no feed author; an email it would want


def test_json_feed(rendered: dict[str, bytes]) -> None:
    doc = json.loads(rendered["json"].decode("utf-8"))
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert doc["title"] == META.title
    assert doc["home_page_url"] == META.home_url
    assert doc["feed_url"] == META.self_urls["json"]
    assert doc["description"] == META.description
    assert doc["language"] == "zh-CN"
    first, second, third = doc["items"]
    assert first == {
        "id": CHINESE.id,
        "url": CHINESE.url,
        "title": CHINESE.title,
        "content_html": CHINESE.content_html,
        "summary": CHINESE.summary,
        "date_published": "2024-12-06T00:00:00+08:00",
        "authors": [{"name": "教务处"}],
    }
    # No content: content_text carries the summary; no author: no authors key.
    assert second == {
        "id": NO_AUTHOR.id,
        "url": NO_AUTHOR.url,
        "title": NO_AUTHOR.title,
        "content_text": NO_AUTHOR.summary,
        "summary": NO_AUTHOR.summary,
        "date_published": "2024-12-05T14:30:00+00:00",
    }
    # Edited: date_modified appears only here.
    assert third == {
        "id": EDITED.id,
        "url": EDITED.url,
        "title": EDITED_TITLE,
        "content_html": EDITED.content_html,
        "summary": "First paragraph. Second & last paragraph.",
        "date_published": "2024-12-04T10:00:00+08:00",
        "date_modified": "2024-12-06T09:15:30+08:00",
        "authors": [{"name": "Li Lei"}],
    }
    # Human-readable UTF-8, not \u escapes.
    assert "教务处".encode() in rendered["json"]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_feedparser_reads_items(rendered: dict[str, bytes], fmt: str) -> None:
    result = _parsed(rendered[fmt])
    assert result.version == {"rss": "rss20", "atom": "atom10"}[fmt]
    assert result.feed.title == META.title
    assert result.feed.link == META.home_url
    assert [e.title for e in result.entries] == [CHINESE.title, NO_AUTHOR.title, EDITED_TITLE]
    assert [e.link for e in result.entries] == [i.url for i in ITEMS]
    assert [e.id for e in result.entries] == [i.id for i in ITEMS]
    assert [tuple(e.published_parsed[:6]) for e in result.entries] == [
        _utc_tuple(i.published) for i in ITEMS
    ]
    if fmt == "atom":
        assert [tuple(e.updated_parsed[:6]) for e in result.entries] == [
            _utc_tuple(i.updated) for i in ITEMS
        ]
    # The raw date keeps the source's offset, so the local day is right.
    raw = {"rss": "Fri, 06 Dec 2024 00:00:00 +0800", "atom": "2024-12-06T00:00:00+08:00"}
    assert result.entries[0].published == raw[fmt]
    assert result.entries[0].author == "教务处"


def test_day_only_date_is_not_moved_to_utc_midnight(rendered: dict[str, bytes]) -> None:
    for data in rendered.values():
        assert b"2024-12-06T00:00:00Z" not in data
        assert b"2024-12-05T16:00:00" not in data
        assert b"06 Dec 2024 00:00:00 GMT" not in data


def test_title_markup_is_escaped(rendered: dict[str, bytes]) -> None:
    for fmt in ("rss", "atom"):
        assert b"]]>" not in rendered[fmt]
        assert b"<b>" not in rendered[fmt]
    # RSS Best Practices: plain-text markup characters as hexadecimal references.
    assert b"Q&#x26;A: the &#x3C;b&#x3E; tag &#x26; ]]&#x3E; in titles" in rendered["rss"]
    assert b"Q&amp;A: the &lt;b&gt; tag &amp; ]]&gt; in titles" in rendered["atom"]


def test_render_is_deterministic(rendered: dict[str, bytes]) -> None:
    assert render(META, ITEMS) == rendered
    assert render(META, list(ITEMS)) == rendered


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden(rendered: dict[str, bytes], fmt: str) -> None:
    golden = GOLDEN_DIR / f"feed.{fmt}"
    if os.environ.get("FEEDS_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(rendered[fmt])
    assert golden.exists(), f"{golden} missing: run with FEEDS_UPDATE_GOLDEN=1"
    assert rendered[fmt] == golden.read_bytes(), f"{golden} differs (FEEDS_UPDATE_GOLDEN=1)"


def test_empty_feed_is_valid() -> None:
    out = render(META, [])
    assert _xml(out["rss"]).findall("channel/item") == []
    assert _xml(out["atom"]).findall(f"{ATOM}entry") == []
    for fmt in ("rss", "atom"):
        result = _parsed(out[fmt])
        assert result.entries == []
        assert result.feed.title == META.title
    doc = json.loads(out["json"])
    assert doc["items"] == []
    assert doc["feed_url"] == META.self_urls["json"]


def test_forbidden_characters_are_stripped_everywhere() -> None:
    meta = FeedMeta(
        id="x",
        title="Bad\x00 title\ufffe",
        home_url="https://example.org/",
        description="",  # RSS still gets a non-empty description
        self_urls=META.self_urls,
        updated=META.updated,
    )
    item = StoredItem(
        source_id="x",
        key="k",
        id="https://example.org/1",
        url="https://example.org/1",
        title="T\x1fitle\uffff",
        author="A\ud800uthor",
        summary="S\x08ummary",
        content_html="<p>C\x01ontent\x7f</p>",
        published=datetime(2024, 1, 2, 3, 4, 5, 678, tzinfo=UTC),
        updated=datetime(2024, 1, 2, 3, 4, 5, 999, tzinfo=UTC),
        first_seen=datetime(2024, 1, 2, tzinfo=UTC),
        date_precision="time",
    )
    out = render(meta, [item])
    assert _xml(out["rss"]).findtext("channel/description") == "Bad title"
    for fmt in ("rss", "atom"):
        entry = _parsed(out[fmt]).entries[0]
        assert entry.title == "Title"
        assert entry.author == "Author"
    doc = json.loads(out["json"])
    assert doc["title"] == "Bad title"
    assert "description" not in doc and "language" not in doc
    assert doc["items"][0]["content_html"] == "<p>Content</p>"
    assert doc["items"][0]["summary"] == "Summary"
    # Sub-second differences are not an edit: every format prints whole seconds.
    assert doc["items"][0]["date_published"] == "2024-01-02T03:04:05+00:00"
    assert "date_modified" not in doc["items"][0]


def test_filtered_and_duplicate_items_are_left_out() -> None:
    filtered = replace(EDITED, id="urn:x:filtered", status="filtered")
    out = render(META, [CHINESE, filtered, CHINESE, NO_AUTHOR])
    ids = [item["id"] for item in json.loads(out["json"])["items"]]
    assert ids == [CHINESE.id, NO_AUTHOR.id]


def test_naive_datetime_is_a_render_error() -> None:
    naive = replace(NO_AUTHOR, published=datetime(2024, 1, 1))
    with pytest.raises(RenderError, match="no time zone"):
        render(META, [naive])


def test_missing_self_url_is_a_render_error() -> None:
    meta = replace(META, self_urls={"rss": "https://e.org/x.rss"})
    with pytest.raises(RenderError, match="atom"):
        render(meta, ITEMS)


def test_write_atomic_skips_identical_bytes(tmp_path: Path) -> None:
    target = tmp_path / "feed.rss"
    assert write_atomic(target, b"one") is True
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    assert write_atomic(target, b"one") is False
    assert target.stat().st_mtime_ns == 1_000_000_000
    assert write_atomic(target, b"two") is True
    assert target.read_bytes() == b"two"
    assert target.stat().st_mtime_ns != 1_000_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.rss"]


def test_write_atomic_makes_readable_files_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "new" / "dir" / "feed.json"
    assert write_atomic(target, b"{}") is True
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    target.chmod(0o640)
    assert write_atomic(target, b"[]") is True
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_write_atomic_cleans_up_on_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "feed.atom"
    target.write_bytes(b"old")

    def broken_replace(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output_mod.os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.atom"]


def test_publish_writes_only_changed_files(tmp_path: Path, rendered: dict[str, bytes]) -> None:
    out_dir = tmp_path / "public"  # created on demand
    paths = publish(out_dir, "example-news", rendered)
    assert paths == [out_dir / f"example-news.{fmt}" for fmt in FORMATS]
    for fmt in FORMATS:
        assert (out_dir / f"example-news.{fmt}").read_bytes() == rendered[fmt]
    assert publish(out_dir, "example-news", rendered) == []
    changed = {**rendered, "json": rendered["json"] + b" "}
    assert publish(out_dir, "example-news", changed) == [out_dir / "example-news.json"]


def test_publish_reports_os_errors_as_render_error(
    tmp_path: Path, rendered: dict[str, bytes]
) -> None:
    not_a_dir = tmp_path / "public"
    not_a_dir.write_text("a file where the output directory should be")
    with pytest.raises(RenderError) as info:
        publish(not_a_dir, "example-news", rendered)
    message = str(info.value)
    assert message.startswith("render: ")
    assert str(not_a_dir / "example-news.rss") in message
    assert info.value.fix and "writable" in info.value.fix


@pytest.mark.parametrize("feed_id", ["", "../x", "a/b", ".hidden"])
def test_publish_rejects_unsafe_feed_ids(
    tmp_path: Path, rendered: dict[str, bytes], feed_id: str
) -> None:
    with pytest.raises(RenderError):
        publish(tmp_path, feed_id, rendered)
    assert list(tmp_path.iterdir()) == []


def test_published_parsed_uses_utc(rendered: dict[str, bytes]) -> None:
    # Sanity check for the helper above: 00:00 +08:00 is 16:00 the previous day in UTC.
    entry = _parsed(rendered["atom"]).entries[0]
    assert timegm(entry.published_parsed) == int(CHINESE.published.timestamp())
