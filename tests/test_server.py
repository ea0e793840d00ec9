"""Tests for feeds.server: feed files with validators, the index page, OPML, status, health.

The app runs over a fake ``ServiceState`` whose output folder holds real files written by
``feeds.render``; one test serves it with uvicorn on 127.0.0.1 and reads it with feedparser.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gzip
import hashlib
import json
import logging
import re
import threading
import time
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import brotli
import feedparser
import httpx
import lxml.html
import pytest
from lxml import etree
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Starlette 1.x would rather run its test client on httpx2; httpx is what the venv has.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from feeds import listener
from feeds.feedfiles import FileCache
from feeds.formats import FORMATS
from feeds.metrics import instance_metrics
from feeds.models import FeedMeta, StoredItem
from feeds.negotiate import etag_matches, max_age, pick_coding, prefers_html
from feeds.output import publish
from feeds.pages import feed_page, since_words, until_words
from feeds.render import render
from feeds.server import PAGE_CSP, create_app
from feeds.status import InstanceView, RefusedConfig, SourceView

BASE_URL = "https://feeds.example.net/"
CST = timezone(timedelta(hours=8))
CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
EVIL_TITLE = 'Beta <script>alert("title")</script> & co'
EVIL_ERROR = "fetch: 403 Forbidden <script>alert('error')</script> for https://beta.example.org/"
# What Chromium sends when it opens a link, and what two readers send.
BROWSER_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
READER_ACCEPTS = (
    # feedparser
    "application/atom+xml,application/rdf+xml,application/rss+xml,application/x-netcdf,"
    "application/xml;q=0.9,text/xml;q=0.2,*/*;q=0.1",
    # SimplePie (FreshRSS): accepts HTML too, for autodiscovery, but ranks feeds higher
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, text/html;q=0.7, unknown/unknown;q=0.1, "
    "application/unknown;q=0.1, */*;q=0.1",
    "*/*",
    "",
)
NOT_FOUND = b"Not Found"
SECRET = b"TOP SECRET, never served"


def view(source_id: str, **changes: Any) -> SourceView:
    # Times relative to the moment the view is made, not to the import of this module: the
    # page says "12 min ago", and a long test run must not turn that into 13.
    now = datetime.now(UTC)
    base = SourceView(
        id=source_id,
        title=source_id.title(),
        home_url=f"https://{source_id}.example.org/news/",
        every=1800,
        feed_urls={fmt: f"{BASE_URL}feeds/{source_id}.{fmt}" for fmt in FORMATS},
        state="ok",
        last_attempt=now - timedelta(minutes=12),
        last_success=now - timedelta(minutes=12, seconds=30),
        last_error=None,
        consecutive_failures=0,
        next_poll=now + timedelta(minutes=15, seconds=30),
        items_published=2,
        items_seen=5,
        last_new=1,
    )
    return dataclasses.replace(base, **changes)


def item(number: int, published: datetime) -> StoredItem:
    url = f"https://alpha.example.org/news/{number}.html"
    return StoredItem(
        source_id="alpha",
        key=url.split("//", 1)[1],
        id=url,
        url=url,
        title=f"第{number}条 news & notes",
        author="编辑部",
        summary=f"Summary {number}.",
        content_html=f"<p>Body {number}.</p>",
        published=published,
        updated=published,
        first_seen=published.astimezone(UTC),
        date_precision="time",
    )


ITEMS = [
    item(2, datetime(2024, 12, 6, 9, 30, tzinfo=CST)),
    item(1, datetime(2024, 12, 5, 18, 0, tzinfo=CST)),
]


def publish_alpha(output_dir: Path, items: list[StoredItem]) -> None:
    meta = FeedMeta(
        id="alpha",
        title="Alpha 新闻",
        home_url="https://alpha.example.org/news/",
        description="",
        self_urls=view("alpha").feed_urls,
        updated=items[0].updated,
        language="zh-CN",
    )
    publish(output_dir, "alpha", render(meta, items))


class FakeState:
    """A ``ServiceState`` over fixed views and a real output folder."""

    def __init__(self, output: Path, views: list[SourceView]) -> None:
        self.output = output
        self.source_views = views
        self.is_healthy = True
        self.error: Exception | None = None  # raised by views() when set
        self.refused: RefusedConfig | None = None
        self.cluster: list[InstanceView] = []  # one process unless a test says otherwise

    def views(self) -> list[SourceView]:
        if self.error is not None:
            raise self.error
        return list(self.source_views)

    def intervals(self) -> dict[str, int]:
        if self.error is not None:
            raise self.error
        return {v.id: v.every for v in self.source_views}

    def output_dir(self) -> Path:
        return self.output

    def base_url(self) -> str:
        return BASE_URL

    def metrics_text(self) -> str:
        return '# TYPE feeds_polls_total counter\nfeeds_polls_total{source="alpha"} 3\n'

    def healthy(self) -> bool:
        return self.is_healthy

    def refused_config(self) -> RefusedConfig | None:
        return self.refused

    def instances(self) -> list[InstanceView]:
        return list(self.cluster)  # tests/test_cluster.py has the instances of real processes


@pytest.fixture
def state(tmp_path: Path) -> FakeState:
    output = tmp_path / "public"
    publish_alpha(output, ITEMS)
    # Next to the output folder, where a traversal would look.
    (tmp_path / "secret.rss").write_bytes(SECRET)
    beta = view(
        "beta",
        title=EVIL_TITLE,
        state="failing",
        last_success=None,
        last_error=EVIL_ERROR,
        consecutive_failures=3,
        next_poll=None,
        items_published=0,
        every=60,
    )
    return FakeState(output, [view("alpha"), beta])


@pytest.fixture
def app(state: FakeState) -> Starlette:
    return create_app(state)


@pytest.fixture
def client(app: Starlette) -> Iterator[TestClient]:
    # identity unless a test asks for more: the compressed forms have tags of their own
    plain = {"Accept-Encoding": "identity"}
    with TestClient(app, raise_server_exceptions=False, headers=plain) as test_client:
        yield test_client


def feed_bytes(state: FakeState, fmt: str) -> bytes:
    return (state.output / f"alpha.{fmt}").read_bytes()


def raw_get(app: Starlette, raw_path: bytes) -> tuple[int, bytes]:
    """GET a path exactly as given: HTTP clients would remove its dot segments first."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(raw_path.decode("ascii")),  # as uvicorn decodes it
        "raw_path": raw_path,
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], body


# --- feeds ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_feed_is_served_with_type_and_validators(
    client: TestClient, state: FakeState, fmt: str
) -> None:
    response = client.get(f"/feeds/alpha.{fmt}")
    data = feed_bytes(state, fmt)
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == CONTENT_TYPES[fmt]
    assert response.headers["etag"] == f'"{hashlib.sha256(data).hexdigest()[:32]}"'
    mtime = (state.output / f"alpha.{fmt}").stat().st_mtime
    assert response.headers["last-modified"] == formatdate(int(mtime), usegmt=True)
    assert response.headers["cache-control"] == "public, max-age=900"  # every = 30 min
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_browser_gets_a_page_of_the_items_and_readers_the_feed(
    client: TestClient, state: FakeState, fmt: str
) -> None:
    # Issue 12.6: no XSLT (Chromium is removing it); the server makes the page.
    response = client.get(f"/feeds/alpha.{fmt}", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["vary"] == "Accept, Accept-Encoding"
    assert response.headers["content-security-policy"] == PAGE_CSP
    page = lxml.html.fromstring(response.text)
    assert page.findtext(".//h1") == "Alpha 新闻" and page.get("lang") == "zh-CN"
    assert page.xpath("//script") == [] and page.xpath("//@*[starts-with(name(), 'on')]") == []
    assert page.xpath("//link[@rel='stylesheet']/@href") == ["../style.css"]
    # How to subscribe: this format's public address to paste, and the other formats.
    notice = page.xpath("//p[@class='notice']")[0]
    assert "copy its address into your feed reader" in notice.text_content()
    assert notice.findtext("code") == f"{BASE_URL}feeds/alpha.{fmt}"
    formats = [(a.get("href"), a.get("type")) for a in page.xpath("//p[@class='subscribe']/a")]
    assert formats == [(f"alpha.{f}", CONTENT_TYPES[f].split(";")[0]) for f in FORMATS]
    assert page.xpath("//a[text()='Website']/@href") == ["https://alpha.example.org/news/"]
    # The same items as the feed, in its order: title, link, date (the source's clock), summary.
    entries = page.xpath("//ol[@class='items']/li")
    assert [li.findtext("a") for li in entries] == [i.title for i in ITEMS]
    assert [li.xpath("a/@href")[0] for li in entries] == [i.url for i in ITEMS]
    assert [li.findtext("time") for li in entries] == ["2024-12-06 09:30", "2024-12-05 18:00"]
    assert [li.findtext("p") for li in entries] == [i.summary for i in ITEMS]
    assert all("编辑部" in li.text_content() for li in entries)
    for accept in READER_ACCEPTS:
        if fmt == "json" and "text/html" in accept:
            continue  # SimplePie reads no JSON Feed: HTML does outrank that type for it
        response = client.get(f"/feeds/alpha.{fmt}", headers={"Accept": accept})
        assert response.headers["content-type"] == CONTENT_TYPES[fmt], accept
        assert response.content == feed_bytes(state, fmt)
        assert response.headers["vary"] == "Accept, Accept-Encoding"


def test_the_browser_page_has_its_own_validators_and_is_built_once_per_version(
    app: Starlette, client: TestClient, state: FakeState
) -> None:
    url = "/feeds/alpha.atom"
    browser = {"Accept": BROWSER_ACCEPT}
    feed, page = client.get(url), client.get(url, headers=browser)
    assert page.headers["etag"] != feed.headers["etag"]
    again = client.get(url, headers={**browser, "If-None-Match": page.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == page.headers["etag"]
    assert again.headers["vary"] == "Accept, Accept-Encoding"
    assert again.headers["content-security-policy"] == PAGE_CSP
    # Each tag matches its own variant only: a reader never gets a 304 for the page's tag.
    crossed = client.get(url, headers={**browser, "If-None-Match": feed.headers["etag"]})
    assert crossed.status_code == 200 and crossed.text == page.text
    reader = client.get(url, headers={"If-None-Match": page.headers["etag"]})
    assert reader.status_code == 200 and reader.content == feed.content
    # Built once for as long as the JSON Feed file is the same; again when it changes.
    builds = app.state.pages.builds
    for _ in range(5):
        client.get(url, headers=browser)
    assert app.state.pages.builds == builds
    publish_alpha(state.output, [item(3, datetime(2024, 12, 7, 8, 0, tzinfo=CST)), *ITEMS])
    newer = client.get(url, headers={**browser, "If-None-Match": page.headers["etag"]})
    assert newer.status_code == 200 and newer.headers["etag"] != page.headers["etag"]
    assert len(lxml.html.fromstring(newer.text).xpath("//ol[@class='items']/li")) == 3
    assert app.state.pages.builds == builds + 1


def test_the_browser_page_escapes_everything_and_links_only_the_web() -> None:
    evil = "<script>alert(1)</script>"
    doc = {
        "title": f"Feed {evil}",
        "home_page_url": "javascript:alert('home')",
        "description": '<img src=x onerror="alert(2)">',
        "language": '"><script>alert(3)</script>',
        "items": [
            {
                "title": f"Item {evil}",
                "url": "javascript:alert(4)",
                "summary": "<b>bold</b> & co",
                "date_published": "not a date",
                "authors": [{"name": "<i>Ed</i>"}],
            },
            {"title": ["not", "text"], "url": "https://example.org/2", "summary": 7},
            "not an item",
        ],
    }
    text = feed_page("alpha", "rss", doc, f"{BASE_URL}feeds/alpha.rss")
    page = lxml.html.fromstring(text)
    assert page.xpath("//script | //img | //b | //i") == []
    assert not any(h.startswith("javascript:") for h in page.xpath("//@href"))
    assert page.findtext(".//h1") == f"Feed {evil}"
    first, second = page.xpath("//ol[@class='items']/li")
    assert f"Item {evil}" in first.text_content() and "<i>Ed</i>" in first.text_content()
    assert first.findtext("p") == "<b>bold</b> & co" and first.find("time") is None
    assert second.xpath("a/@href") == ["https://example.org/2"]


def test_prefers_html_weighs_the_most_specific_range() -> None:
    rss = "application/rss+xml"
    assert prefers_html("application/rss+xml;q=0.1, text/html;q=0.5, */*", rss)
    assert not prefers_html("text/html;q=0.5, application/*;q=0.6", rss)
    assert not prefers_html("text/html;q=0, */*;q=0.1", rss)
    assert not prefers_html("text/html, application/rss+xml", rss)  # a tie keeps the feed type
    assert prefers_html("text/html;level=1;q=0.9, */*;q=x", rss)  # a broken q counts as 0


def test_max_age_follows_the_poll_interval() -> None:
    assert [max_age(every) for every in (30, 300, 1800, 7200, 86400)] == [60, 150, 900, 3600, 3600]


def test_xml_feeds_are_served_as_written_and_parse_strictly(client: TestClient) -> None:
    for fmt in ("rss", "atom"):
        data = client.get(f"/feeds/alpha.{fmt}").content
        assert b"xml-stylesheet" not in data  # no XSLT: browsers get the server's page
        etree.fromstring(data, etree.XMLParser(recover=False, resolve_entities=False))
        parsed = feedparser.parse(data)
        assert parsed.bozo == 0 and len(parsed.entries) == 2


@pytest.mark.parametrize(
    "if_none_match",
    ["{etag}", "W/{etag}", '"other", {etag}', 'W/"other",W/{etag} ', "*"],
)
def test_if_none_match_gives_304(client: TestClient, if_none_match: str) -> None:
    first = client.get("/feeds/alpha.rss")
    etag = first.headers["etag"]
    response = client.get(
        "/feeds/alpha.rss", headers={"If-None-Match": if_none_match.format(etag=etag)}
    )
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert response.headers["last-modified"] == first.headers["last-modified"]
    assert response.headers["cache-control"] == first.headers["cache-control"]


def test_if_none_match_wins_over_if_modified_since(client: TestClient) -> None:
    first = client.get("/feeds/alpha.atom")
    headers = {
        "If-None-Match": '"something-else"',
        "If-Modified-Since": first.headers["last-modified"],
    }
    response = client.get("/feeds/alpha.atom", headers=headers)
    assert response.status_code == 200 and response.content == first.content


def test_etag_comparison() -> None:
    tag = '"0123abcd"'
    assert etag_matches(tag, tag) and etag_matches(f"W/{tag}", tag)
    assert etag_matches(f'"x", W/"y",{tag}', tag) and etag_matches(" * ", tag)
    assert not etag_matches("0123abcd", tag)  # unquoted: not an entity-tag
    assert not etag_matches('"0123abc"', tag) and not etag_matches('"0123abcde"', tag)
    assert not etag_matches('"x", *', tag)  # "*" only means "any" on its own


def test_if_modified_since_gives_304(client: TestClient) -> None:
    first = client.get("/feeds/alpha.json")
    modified = first.headers["last-modified"]
    assert (
        client.get("/feeds/alpha.json", headers={"If-Modified-Since": modified}).status_code == 304
    )
    earlier = formatdate(time.time() - 86400 * 365, usegmt=True)
    for since in (earlier, "not a date"):
        response = client.get("/feeds/alpha.json", headers={"If-Modified-Since": since})
        assert response.status_code == 200 and response.content == first.content


def test_head_has_headers_and_no_body(client: TestClient, state: FakeState) -> None:
    response = client.head("/feeds/alpha.rss")
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == str(len(feed_bytes(state, "rss")))
    assert response.headers["etag"] == client.get("/feeds/alpha.rss").headers["etag"]
    etag = response.headers["etag"]
    assert client.head("/feeds/alpha.rss", headers={"If-None-Match": etag}).status_code == 304


def test_a_rewritten_feed_is_served_new_and_an_unchanged_one_is_read_once(
    client: TestClient, state: FakeState
) -> None:
    cache = FileCache()
    path = state.output / "alpha.rss"
    first = cache.get(path)
    assert cache.get(path) is first and cache.reads == 1
    old = client.get("/feeds/alpha.rss")
    newer = [item(3, datetime(2024, 12, 7, 8, 0, tzinfo=CST)), *ITEMS]
    publish_alpha(state.output, newer)  # atomic rename, as a poll does
    assert cache.get(path).data == path.read_bytes() and cache.reads == 2
    response = client.get("/feeds/alpha.rss", headers={"If-None-Match": old.headers["etag"]})
    assert response.status_code == 200
    assert response.headers["etag"] != old.headers["etag"]
    assert len(feedparser.parse(response.content).entries) == 3


def test_unknown_feeds_are_404(client: TestClient) -> None:
    for path in ("/feeds/gamma.rss", "/feeds/alpha.xml", "/feeds/ALPHA.rss", "/feeds/alpha"):
        response = client.get(path)
        assert (response.status_code, response.content) == (404, NOT_FOUND), path


def test_a_feed_never_generated_is_404_with_a_plain_message(client: TestClient) -> None:
    response = client.get("/feeds/beta.atom")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/plain")
    assert "not generated yet" in response.text


@pytest.mark.parametrize(
    "raw_path",
    [
        b"/feeds/..%2f..%2fetc%2fpasswd",
        b"/feeds/..%2fsecret.rss",
        b"/feeds/%2e%2e%2fsecret.rss",
        b"/feeds/../secret.rss",
        b"/feeds/x.rss/..",
        b"/feeds/alpha.rss/..",
        b"/feeds/alpha.rss/",
        b"/feeds/alpha.rss%00",
        b"/feeds/alpha%00.rss",
        b"/feeds/%00",
        b"/feeds/.rss",
        b"/feeds/",
        b"/feeds//etc/passwd",
        b"/..%2f..%2fetc%2fpasswd",
        b"/feeds/%2Fetc%2Fpasswd",
    ],
)
def test_traversal_attempts_are_404_and_leak_nothing(app: Starlette, raw_path: bytes) -> None:
    status, body = raw_get(app, raw_path)
    assert (status, body) == (404, NOT_FOUND)


def test_traversal_through_a_client_is_404_too(client: TestClient) -> None:
    for path in ("/feeds/..%2f..%2fetc%2fpasswd", "/feeds/..%2fsecret.rss", "/feeds/alpha%00.rss"):
        response = client.get(path)
        assert response.status_code == 404 and SECRET not in response.content
        assert b"root:" not in response.content


# --- pages ----------------------------------------------------------------------------------


def test_index_lists_every_feed_with_subscribe_and_autodiscovery_links(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == PAGE_CSP
    assert "default-src 'none'" in PAGE_CSP and "frame-ancestors 'none'" in PAGE_CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    doc = lxml.html.fromstring(response.text)
    assert doc.xpath("//meta[@name='viewport']")
    assert doc.xpath("//link[@rel='stylesheet']/@href") == ["style.css"]
    alternates = [
        (link.get("type"), link.get("title"), link.get("href"))
        for link in doc.xpath("//head/link[@rel='alternate']")
    ]
    assert alternates == [
        ("application/rss+xml", "Alpha (RSS)", "feeds/alpha.rss"),
        ("application/atom+xml", "Alpha (Atom)", "feeds/alpha.atom"),
        ("application/feed+json", "Alpha (JSON Feed)", "feeds/alpha.json"),
        ("application/rss+xml", f"{EVIL_TITLE} (RSS)", "feeds/beta.rss"),
        ("application/atom+xml", f"{EVIL_TITLE} (Atom)", "feeds/beta.atom"),
        ("application/feed+json", f"{EVIL_TITLE} (JSON Feed)", "feeds/beta.json"),
    ]
    cards = doc.xpath("//article[@class='feed']")
    assert [card.findtext("h2") for card in cards] == ["Alpha", EVIL_TITLE]
    alpha = cards[0]
    assert alpha.xpath(".//p[@class='subscribe']/a/@href") == [
        "feeds/alpha.rss",
        "feeds/alpha.atom",
        "feeds/alpha.json",
    ]
    assert "https://alpha.example.org/news/" in alpha.xpath(".//a/@href")
    text = alpha.text_content()
    assert "12 min ago" in text and "2 published" in text and "ok" in text
    next_poll = alpha.xpath(".//time")[1]
    assert next_poll.text == "in 15 min"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", next_poll.get("title"))
    beta = cards[1].text_content()
    assert "failing (3 failed polls in a row)" in beta and "never" in beta
    links = doc.xpath("//a/@href")
    assert "feeds.opml" in links and "status.json" in links
    assert client.get(doc.xpath("//link[@rel='stylesheet']/@href")[0]).status_code == 200


def test_index_escapes_titles_and_errors_from_remote_sites(client: TestClient) -> None:
    page = client.get("/").text
    assert "<script" not in page
    assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; &amp; co" in page
    doc = lxml.html.fromstring(page)
    assert doc.xpath("//script") == []
    errors = doc.xpath("//p[@class='error']")
    assert [e.text_content() for e in errors] == [f"Last error: {EVIL_ERROR}"]


def test_index_without_sources(client: TestClient, state: FakeState) -> None:
    state.source_views = []
    response = client.get("/")
    assert response.status_code == 200 and "No sources are configured." in response.text


def test_style_sheet(client: TestClient) -> None:
    response = client.get("/style.css")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    assert "@media" in response.text


def test_relative_times_in_words() -> None:
    now = datetime(2024, 12, 6, 12, 0, tzinfo=UTC)
    assert until_words(now + timedelta(minutes=12, seconds=40), now) == "in 12 min"
    assert until_words(now + timedelta(seconds=20), now) == "in under a minute"
    assert until_words(now - timedelta(minutes=3), now) == "due now"
    assert until_words(now + timedelta(hours=2, minutes=5), now) == "in 2 h 5 min"
    assert since_words(now - timedelta(seconds=10), now) == "just now"
    assert since_words(now - timedelta(hours=30), now) == "30 h ago"
    assert since_words(now - timedelta(days=9), now) == "9 days ago"


# --- OPML, status, health, metrics ----------------------------------------------------------


def test_opml_lists_one_outline_per_source(client: TestClient, state: FakeState) -> None:
    response = client.get("/feeds.opml")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/x-opml; charset=utf-8"
    assert 'filename="feeds.opml"' in response.headers["content-disposition"]
    root = etree.fromstring(response.content, etree.XMLParser(recover=False))
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title")
    outlines = root.findall("body/outline")
    assert len(outlines) == len(state.source_views)
    for outline, source in zip(outlines, state.source_views, strict=True):
        assert outline.get("type") == "rss"
        assert outline.get("xmlUrl") == source.feed_urls["rss"]
        assert outline.get("htmlUrl") == source.home_url
        assert outline.get("text") == outline.get("title") == source.title


def test_status_json_has_every_view_field(client: TestClient, state: FakeState) -> None:
    response = client.get("/status.json")
    assert response.headers["content-type"] == "application/json"
    doc = response.json()
    assert doc["healthy"] is True
    alpha, beta = doc["sources"]
    assert set(alpha) == {f.name for f in dataclasses.fields(SourceView)}
    assert alpha["id"] == "alpha" and alpha["feed_urls"] == view("alpha").feed_urls
    expected = state.source_views[0].last_success
    assert expected is not None
    assert datetime.fromisoformat(alpha["last_success"]) == expected.replace(microsecond=0)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", alpha["next_poll"])
    assert beta["last_success"] is None and beta["next_poll"] is None
    assert beta["last_error"] == EVIL_ERROR and beta["consecutive_failures"] == 3
    assert doc["config_refused"] is None
    json.dumps(doc)  # round-trips


def test_metrics(client: TestClient, state: FakeState) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert response.text == state.metrics_text()


def test_healthz(client: TestClient, state: FakeState) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.text.strip()) == (200, "ok")
    state.is_healthy = False
    assert client.get("/healthz").status_code == 503
    assert client.get("/status.json").json()["healthy"] is False


# --- errors ---------------------------------------------------------------------------------


def test_other_methods_are_405(client: TestClient) -> None:
    for method, path in (("POST", "/feeds/alpha.rss"), ("PUT", "/"), ("DELETE", "/healthz")):
        response = client.request(method, path)
        assert response.status_code == 405, (method, path)
        assert "GET" in response.headers["allow"]


def test_other_paths_are_404(client: TestClient) -> None:
    for path in ("/nope", "/feeds.opml/x", "/index.html", "/public/alpha.rss"):
        response = client.get(path)
        assert (response.status_code, response.content) == (404, NOT_FOUND), path


def test_an_exception_is_a_static_500_and_logged(
    client: TestClient, state: FakeState, caplog: pytest.LogCaptureFixture
) -> None:
    state.error = RuntimeError("database is locked at /secret/path")
    with caplog.at_level(logging.ERROR, logger="feeds.server"):
        for path in ("/", "/feeds/alpha.rss", "/status.json"):
            response = client.get(path)
            assert response.status_code == 500
            assert response.text == "internal server error\n"
            assert response.headers["x-content-type-options"] == "nosniff"
    assert len(caplog.records) == 3
    assert all(r.exc_info and "database is locked" in str(r.exc_info[1]) for r in caplog.records)


# --- a real server --------------------------------------------------------------------------


@contextmanager
def serve(app: Starlette, limits: listener.Limits | None = None) -> Iterator[int]:
    """``app`` on 127.0.0.1 as ``feeds run`` serves it (feeds.listener); its port."""
    limits = limits or listener.Limits(backlog=2048)
    sock = listener.bind("127.0.0.1", 0, limits)
    server = listener.server(app, limits)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        assert not thread.is_alive(), "uvicorn did not stop"


def test_a_reader_gets_the_feed_then_304_from_a_real_server(app: Starlette) -> None:
    with serve(app) as port:
        url = f"http://127.0.0.1:{port}/feeds/alpha.rss"
        direct = [urllib.request.ProxyHandler({})]  # never through a proxy from the environment
        first = feedparser.parse(url, handlers=direct)
        assert first.status == 200 and first.bozo == 0
        assert first.feed.title == "Alpha 新闻" and len(first.entries) == 2
        assert first.headers["content-type"] == CONTENT_TYPES["rss"]
        again = feedparser.parse(url, etag=first.etag, handlers=direct)
        assert again.status == 304 and again.entries == []


def test_a_degraded_source_says_what_to_fix(state: FakeState, client: TestClient) -> None:
    message = "selectors no longer match; detected `section.feed article` used instead; update"
    state.source_views[0] = view("alpha", state="degraded", degraded=message)
    page = client.get("/").text
    assert "Needs attention: selectors no longer match" in page
    assert '<span class="degraded">degraded</span>' in page
    status = client.get("/status.json").json()["sources"][0]
    assert status["state"] == "degraded" and status["degraded"] == message


# --- compression (issue 12.7) ---------------------------------------------------------------


def test_pick_coding_follows_the_clients_weights() -> None:
    both = ("br", "gzip")
    assert pick_coding("", both) is None  # no header: the bytes as they are
    assert pick_coding("gzip, deflate, br, zstd", both) == "br"  # a tie: the smaller
    assert pick_coding("gzip", both) == "gzip" and pick_coding("x-gzip", both) == "gzip"
    assert pick_coding("br;q=0.5, gzip", both) == "gzip"
    assert pick_coding("*", both) == "br" and pick_coding("*;q=0, gzip", both) == "gzip"
    assert pick_coding("gzip;q=0, br;q=0", both) is None
    assert pick_coding("gzip;q=0.5, identity", both) is None  # identity weighed higher
    assert pick_coding("deflate, compress", both) is None
    assert pick_coding("br, gzip", ("gzip",)) == "gzip"  # br not smaller: not offered


DECODE = {"gzip": gzip.decompress, "br": brotli.decompress}


def raw_get_over_http(
    client: httpx.Client, url: str, **headers: str
) -> tuple[httpx.Response, bytes]:
    """A GET whose body is kept as sent (httpx would decode it)."""
    with client.stream("GET", url, headers=headers) as response:
        return response, b"".join(response.iter_raw())


def test_feeds_are_compressed_once_per_version_with_a_tag_per_coding(
    app: Starlette, state: FakeState
) -> None:
    with (
        serve(app) as port,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False) as client,
    ):
        for fmt in FORMATS:
            url, data = f"/feeds/alpha.{fmt}", feed_bytes(state, fmt)
            plain, body = raw_get_over_http(client, url, **{"Accept-Encoding": "identity"})
            assert "content-encoding" not in plain.headers and body == data
            assert plain.headers["vary"] == "Accept, Accept-Encoding"
            tags = {plain.headers["etag"]}
            for coding, decode in DECODE.items():
                packed, body = raw_get_over_http(client, url, **{"Accept-Encoding": coding})
                assert packed.headers["content-encoding"] == coding
                assert decode(body) == data and len(body) < len(data)
                assert int(packed.headers["content-length"]) == len(body)
                assert packed.headers["content-type"] == CONTENT_TYPES[fmt]
                assert packed.headers["vary"] == "Accept, Accept-Encoding"
                tag = packed.headers["etag"]
                assert tag == plain.headers["etag"][:-1] + f'-{coding}"'  # RFC 9110 §8.8.3
                tags.add(tag)
                # Its tag gives a 304 for the same coding, and only for it.
                same = client.get(url, headers={"Accept-Encoding": coding, "If-None-Match": tag})
                assert same.status_code == 304 and same.headers["etag"] == tag
                assert same.headers["vary"] == "Accept, Accept-Encoding"
                other = "gzip" if coding == "br" else "br"
                moved = client.get(url, headers={"Accept-Encoding": other, "If-None-Match": tag})
                assert moved.status_code == 200 and moved.headers["content-encoding"] == other
                head = client.head(url, headers={"Accept-Encoding": coding})
                assert head.headers["content-length"] == str(len(body)) and head.content == b""
            assert len(tags) == 3
        # Read and compressed once per file, not per request.
        assert app.state.files.reads == len(FORMATS)
        page, body = raw_get_over_http(
            client, "/feeds/alpha.rss", **{"Accept": BROWSER_ACCEPT, "Accept-Encoding": "gzip"}
        )
        assert page.headers["content-encoding"] == "gzip"
        assert gzip.decompress(body).startswith(b"<!doctype html>")
        assert page.headers["etag"].endswith('-gzip"')


# --- a refused config (issue 12.8) ----------------------------------------------------------


def test_a_refused_config_shows_on_the_index_and_in_status(
    client: TestClient, state: FakeState
) -> None:
    since = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=7)
    problems = (
        "source[2].id: missing <script>alert(1)</script> (give every source an id)",
        "settings.timeout: must be a number of seconds above 0, not -1 (e.g. timeout = 30)",
    )
    state.refused = RefusedConfig(since, problems)
    doc = lxml.html.fromstring(client.get("/").text)
    (notice,) = doc.xpath("//section[@id='config-refused']")
    assert "still runs the config it had before" in notice.text_content()
    assert "7 min ago" in notice.text_content()
    assert notice.xpath(".//time/@datetime") == [since.isoformat()]
    assert [li.text for li in notice.xpath(".//li")] == list(problems)
    assert doc.xpath("//script") == []
    assert client.get("/status.json").json()["config_refused"] == {
        "since": since.isoformat(),
        "problems": list(problems),
    }
    state.refused = None  # a good config loaded
    assert 'id="config-refused"' not in client.get("/").text
    assert client.get("/status.json").json()["config_refused"] is None


def test_one_process_that_did_every_poll_shows_no_instances_and_no_polled_by(
    client: TestClient, state: FakeState
) -> None:
    """Single-process mode looks as it always did: the poller is in status.json only."""
    state.source_views = [view("alpha", polled_by="host:7"), view("beta", polled_by=None)]
    page = client.get("/").text
    assert 'id="instances"' not in page and "Polled by" not in page
    doc = client.get("/status.json").json()
    assert [s["polled_by"] for s in doc["sources"]] == ["host:7", None]
    assert "instances" not in doc and "configs_differ" not in doc
    assert "feeds_instance" not in client.get("/metrics").text
    # A restart (another pid) polled one of them: the page names who polled what.
    state.source_views = [view("alpha", polled_by="host:7"), view("beta", polled_by="host:9")]
    cards = lxml.html.fromstring(client.get("/").text).xpath("//article[@class='feed']")
    polled = [card.xpath(".//dt[.='Polled by']/following-sibling::dd[1]/text()") for card in cards]
    assert polled == [["host:7"], ["host:9"]]


def test_the_index_shows_the_cluster_s_instances_and_who_polled_each_source(
    client: TestClient, state: FakeState
) -> None:
    beat = datetime.now(UTC).replace(microsecond=0)
    state.cluster = [
        InstanceView("a:1", True, beat, 0.4, 12, True),
        InstanceView("b:<b>2</b>", False, beat - timedelta(seconds=2), 2.3, 7, False),
    ]
    state.source_views = [view("alpha", polled_by="a:1"), view("beta", polled_by=None)]
    page = client.get("/").text
    doc = lxml.html.fromstring(page)
    (section,) = doc.xpath("//section[@id='instances']")
    rows = [[td.text_content() for td in tr.xpath("td")] for tr in section.xpath(".//tbody/tr")]
    assert rows == [
        ["a:1 (this one)", "0 s ago", "12", "same as this one's"],
        ["b:<b>2</b>", "2 s ago", "7", "differs"],
    ]
    assert "1 instance(s) read a different config file" in section.text_content()
    assert section.xpath(".//time/@datetime") == [
        beat.isoformat(),
        (beat - timedelta(seconds=2)).isoformat(),
    ]
    assert doc.xpath("//b") == []  # the name is escaped
    cards = doc.xpath("//article[@class='feed']")
    polled = [card.xpath(".//dt[.='Polled by']/following-sibling::dd[1]/text()") for card in cards]
    assert polled == [["a:1"], ["no poll yet"]]
    document = client.get("/status.json").json()
    assert document["configs_differ"] is True
    assert [row["name"] for row in document["instances"]] == ["a:1", "b:<b>2</b>"]
    assert document["instances"][1] == {
        "name": "b:<b>2</b>",
        "this": False,
        "heartbeat": (beat - timedelta(seconds=2)).isoformat(),
        "age": 2.3,
        "polls": 7,
        "same_config": False,
    }
    assert document["sources"][0]["polled_by"] == "a:1"


def test_instance_gauges_in_the_prometheus_text_format() -> None:
    beat = datetime.now(UTC)
    text = instance_metrics(
        [
            InstanceView("web-2:31", False, beat, 2.3456, 7, False),
            InstanceView('web-1:"9"', True, beat, 0.0, 12, True),
        ]
    )
    assert text.splitlines() == [
        "# HELP feeds_instance_heartbeat_age_seconds Seconds since the instance's last heartbeat.",
        "# TYPE feeds_instance_heartbeat_age_seconds gauge",
        'feeds_instance_heartbeat_age_seconds{instance="web-1:\\"9\\""} 0',
        'feeds_instance_heartbeat_age_seconds{instance="web-2:31"} 2.346',
        "# HELP feeds_instance_polls Polls the instance ran since it started.",
        "# TYPE feeds_instance_polls gauge",
        'feeds_instance_polls{instance="web-1:\\"9\\""} 12',
        'feeds_instance_polls{instance="web-2:31"} 7',
        "# HELP feeds_instance_same_config"
        " 1 when the instance's config file is this one's, else 0.",
        "# TYPE feeds_instance_same_config gauge",
        'feeds_instance_same_config{instance="web-1:\\"9\\""} 1',
        'feeds_instance_same_config{instance="web-2:31"} 0',
    ]
    assert instance_metrics([]) == ""  # one process on SQLite: /metrics as before
