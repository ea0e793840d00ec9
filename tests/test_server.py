"""Tests for feeds.server: feed files with validators, the index page, OPML, status, health.

The app runs over a fake ``ServiceState`` whose output folder holds real files written by
``feeds.render``; one test serves it with uvicorn on 127.0.0.1 and reads it with feedparser.
"""

from __future__ import annotations

import asyncio
import dataclasses
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

import feedparser
import lxml.html
import pytest
import uvicorn
from helpers import free_port
from lxml import etree
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Starlette 1.x would rather run its test client on httpx2; httpx is what the venv has.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from feeds.models import FeedMeta, StoredItem
from feeds.render import FORMATS, publish, render
from feeds.server import (
    PAGE_CSP,
    FileCache,
    create_app,
    etag_matches,
    max_age,
    prefers_html,
    since_words,
    until_words,
)
from feeds.status import SourceView

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
    with TestClient(app, raise_server_exceptions=False) as test_client:
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


@pytest.mark.parametrize(
    ("fmt", "browser_type"),
    [("rss", "application/xml"), ("atom", "application/xml"), ("json", "application/json")],
)
def test_a_browser_gets_a_type_it_displays_and_readers_the_feed_type(
    client: TestClient, state: FakeState, fmt: str, browser_type: str
) -> None:
    # Chromium shows *+xml feed types as plain text and would never run feeds.xsl.
    response = client.get(f"/feeds/alpha.{fmt}", headers={"Accept": BROWSER_ACCEPT})
    assert response.headers["content-type"] == f"{browser_type}; charset=utf-8"
    assert response.content == feed_bytes(state, fmt)
    assert response.headers["vary"] == "Accept"
    for accept in READER_ACCEPTS:
        if fmt == "json" and "text/html" in accept:
            continue  # SimplePie reads no JSON Feed: HTML does outrank that type for it
        response = client.get(f"/feeds/alpha.{fmt}", headers={"Accept": accept})
        assert response.headers["content-type"] == CONTENT_TYPES[fmt], accept
        assert response.headers["vary"] == "Accept"


def test_prefers_html_weighs_the_most_specific_range() -> None:
    rss = "application/rss+xml"
    assert prefers_html("application/rss+xml;q=0.1, text/html;q=0.5, */*", rss)
    assert not prefers_html("text/html;q=0.5, application/*;q=0.6", rss)
    assert not prefers_html("text/html;q=0, */*;q=0.1", rss)
    assert not prefers_html("text/html, application/rss+xml", rss)  # a tie keeps the feed type
    assert prefers_html("text/html;level=1;q=0.9, */*;q=x", rss)  # a broken q counts as 0


def test_max_age_follows_the_poll_interval() -> None:
    assert [max_age(every) for every in (30, 300, 1800, 7200, 86400)] == [60, 150, 900, 3600, 3600]


def test_xml_feeds_name_the_stylesheet_and_still_parse(client: TestClient) -> None:
    for fmt in ("rss", "atom"):
        data = client.get(f"/feeds/alpha.{fmt}").content
        assert data.splitlines()[:2] == [
            b"<?xml version='1.0' encoding='UTF-8'?>",
            b'<?xml-stylesheet type="text/xsl" href="../feeds.xsl"?>',
        ]
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


def test_stylesheet_shows_rss_and_atom_feeds(client: TestClient) -> None:
    response = client.get("/feeds.xsl")
    assert response.headers["content-type"] == "text/xsl; charset=utf-8"
    transform = etree.XSLT(etree.fromstring(response.content))  # libxslt, as in Chromium
    for fmt in ("rss", "atom"):
        feed = etree.fromstring(client.get(f"/feeds/alpha.{fmt}").content)
        page = lxml.html.fromstring(str(transform(feed)))
        assert page.findtext(".//h1") == "Alpha 新闻"
        assert "copy its address into your reader" in page.text_content()
        assert view("alpha").feed_urls[fmt] in page.text_content()
        entries = page.xpath("//ol[@class='items']/li")
        assert [li.findtext("a") for li in entries] == [i.title for i in ITEMS]
        assert [li.xpath("a/@href")[0] for li in entries] == [i.url for i in ITEMS]
        dates = [li.findtext("time") for li in entries]
        assert dates[0] in ("06 Dec 2024 09:30", "2024-12-06 09:30"), dates
        assert page.xpath("//link[@rel='stylesheet']/@href") == ["../style.css"]


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
def serve(app: Starlette) -> Iterator[int]:
    """``app`` on 127.0.0.1 as ``feeds run`` serves it (uvicorn, no server header); its port."""
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        server_header=False,
        lifespan="off",
        backlog=2048,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)
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
