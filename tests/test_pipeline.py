"""Pipeline rules with httpx.MockTransport: canonical links, aliases, retries, dates.

Every test runs twice: on the SQLite store and on the fake of tests/fakes.py (the Store
protocol over dicts), so the pipeline is shown to need nothing but the protocol.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from fakes import MemoryStore

from feeds.config import parse_config
from feeds.fetch import Fetcher
from feeds.pipeline import MAX_ARTICLE_ATTEMPTS, update_source
from feeds.store import open_store

NOW = datetime(2024, 12, 14, 2, 0, tzinfo=UTC)


def make_config(tmp_path, **listing):
    raw = {
        "settings": {"timezone": "Asia/Shanghai"},
        "source": [
            {
                "id": "s",
                "url": "https://news.example.com/list/",
                "listing": {"item": "li", **listing},
                "article": {"title": "h1", "date": ".info", "content": "#body"},
            }
        ],
    }
    return parse_config(raw, path=tmp_path / "config.toml")


def site(pages):
    requests = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(str(request.url))
        body = pages.get(str(request.url))
        if body is None:
            return httpx.Response(404, text="no")
        if isinstance(body, int):
            return httpx.Response(body, text="error")
        return httpx.Response(200, text=body, headers={"Content-Type": "text/html"})

    return httpx.MockTransport(handler), requests


def article(title, info="日期：2024-12-06 10:23", canonical=None):
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (
        f"<html><head>{link}</head><body><h1>{title}</h1><div class=info>{info}</div>"
        f"<div id=body><p>{title} body</p></div></body></html>"
    )


def without_robots(transport: httpx.MockTransport) -> httpx.MockTransport:
    """The site has no robots.txt (404: everything allowed); robots have tests of their own."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return transport.handler(request)  # type: ignore[no-any-return]

    return httpx.MockTransport(handler)


_BACKEND: dict[str, object] = {}


@pytest.fixture(autouse=True, params=["sqlite", "fake"])
def backend(request):
    """Which store the polls of a test use; the fake is one object per test, as a file is."""
    _BACKEND.clear()
    _BACKEND["kind"] = request.param
    yield request.param
    _BACKEND.clear()


def open_test_store(tmp_path):
    if _BACKEND["kind"] == "sqlite":
        return open_store(tmp_path / "feeds.db")
    return _BACKEND.setdefault("fake", MemoryStore())


def poll(config, transport, tmp_path, now=NOW):
    store = open_test_store(tmp_path)
    with Fetcher(user_agent="t", timeout=10, transport=without_robots(transport)) as fetcher:
        return update_source(config.sources[0], config.settings, store, fetcher, now=now), store


def test_rel_canonical_becomes_the_id_and_the_listing_url_an_alias(tmp_path):
    pages = {
        "https://news.example.com/list/": (
            '<ul><li><a href="/a.php?id=1&from=list">One</a></li></ul>'
        ),
        "https://news.example.com/a.php?from=list&id=1": article(
            "One", canonical="https://news.example.com/articles/1.html"
        ),
    }
    config = make_config(tmp_path)
    transport, requests = site(pages)
    result, store = poll(config, transport, tmp_path)
    assert result.ok and result.new == 1
    item = store.item("s", "news.example.com/articles/1.html")
    assert item is not None and item.id == "https://news.example.com/articles/1.html"
    requests.clear()
    result, store = poll(config, transport, tmp_path)
    assert result.new == 0
    assert requests == ["https://news.example.com/list/"]  # the alias is known: no fetch


def test_canonical_on_another_site_is_ignored(tmp_path):
    pages = {
        "https://news.example.com/list/": '<ul><li><a href="/1.html">One</a></li></ul>',
        "https://news.example.com/1.html": article("One", canonical="https://evil.test/x"),
    }
    transport, _ = site(pages)
    _, store = poll(make_config(tmp_path), transport, tmp_path)
    assert store.item("s", "news.example.com/1.html") is not None


def test_two_listing_links_to_one_canonical_article_make_one_item(tmp_path):
    pages = {
        "https://news.example.com/list/": (
            '<ul><li><a href="/p/1">One</a></li><li><a href="/print/1">One (print)</a></li></ul>'
        ),
        "https://news.example.com/p/1": article("One", canonical="https://news.example.com/1"),
        "https://news.example.com/print/1": article("One", canonical="https://news.example.com/1"),
    }
    transport, _ = site(pages)
    result, store = poll(make_config(tmp_path), transport, tmp_path)
    assert result.new == 1
    assert store.known_keys("s", ["news.example.com/p/1", "news.example.com/print/1"]) == {
        "news.example.com/p/1",
        "news.example.com/print/1",
    }


def test_a_page_failing_every_time_is_published_from_the_listing(tmp_path):
    pages = {
        "https://news.example.com/list/": (
            '<ul><li><a href="/1.html">Broken one</a><i>2024-12-05 08:00</i></li></ul>'
        ),
        "https://news.example.com/1.html": 500,
    }
    config = make_config(tmp_path, date="i")
    transport, _ = site(pages)
    for attempt in range(1, MAX_ARTICLE_ATTEMPTS + 1):
        result, store = poll(config, transport, tmp_path)
        assert result.ok
        assert result.new == (1 if attempt == MAX_ARTICLE_ATTEMPTS else 0)
    item = store.item("s", "news.example.com/1.html")
    assert item.title == "Broken one" and item.content_html is None
    assert item.published.isoformat() == "2024-12-05T08:00:00+08:00"
    assert store.item_errors("s") == []


def test_no_date_anywhere_uses_first_seen_once(tmp_path):
    pages = {
        "https://news.example.com/list/": '<ul><li><a href="/1.html">One</a></li></ul>',
        "https://news.example.com/1.html": article("One", info="来源：本站"),
    }
    transport, _ = site(pages)
    config = make_config(tmp_path)
    _, store = poll(config, transport, tmp_path)
    later = datetime(2024, 12, 20, tzinfo=UTC)
    poll(config, transport, tmp_path, now=later)
    item = store.item("s", "news.example.com/1.html")
    assert item.published == NOW and item.date_precision == "none"


def test_listing_fetch_failure_fails_the_source_and_records_it(tmp_path):
    transport, _ = site({"https://news.example.com/list/": 503})
    result, store = poll(make_config(tmp_path), transport, tmp_path)
    assert not result.ok
    assert result.error.startswith("fetch: 503")
    status = store.source_status("s")
    assert status.consecutive_failures == 1 and status.last_success is None


def test_listing_304_costs_one_request_and_changes_nothing(tmp_path):
    listing = '<ul><li><a href="/1.html">One</a></li></ul>'
    requests = []

    def handler(request):
        requests.append((str(request.url), request.headers.get("If-None-Match")))
        if str(request.url).endswith("/list/"):
            if request.headers.get("If-None-Match") == '"v1"':
                return httpx.Response(304)
            return httpx.Response(200, text=listing, headers={"ETag": '"v1"'})
        return httpx.Response(200, text=article("One"), headers={"Content-Type": "text/html"})

    config = make_config(tmp_path)
    transport = httpx.MockTransport(handler)
    first, _ = poll(config, transport, tmp_path)
    assert first.new == 1 and len(first.written) == 3
    requests.clear()
    second, _ = poll(config, transport, tmp_path)
    assert second.ok and second.new == 0 and second.written == ()
    assert requests == [("https://news.example.com/list/", '"v1"')]


def test_an_unexpected_error_in_one_article_is_recorded_and_the_rest_go_on(tmp_path, monkeypatch):
    import feeds.extract.entry

    pages = {
        "https://news.example.com/list/": (
            '<ul><li><a href="/1.html">One</a></li><li><a href="/2.html">Two</a></li></ul>'
        ),
        "https://news.example.com/1.html": article("One"),
        "https://news.example.com/2.html": article("Two"),
    }
    real = feeds.extract.entry.extract_article

    def flaky(text, url, *args, **kwargs):
        if url.endswith("/2.html"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(text, url, *args, **kwargs)

    monkeypatch.setattr(feeds.extract.entry, "extract_article", flaky)
    transport, _ = site(pages)
    result, store = poll(make_config(tmp_path), transport, tmp_path)
    assert result.ok and result.new == 1
    (error,) = store.item_errors("s")
    assert error.url.endswith("/2.html")
    assert error.last_error.startswith("extract: unexpected RecursionError")
    assert "feeds extract" in error.last_error


def _listing_page(block: str) -> str:
    nav = "".join(f'<li><a href="/c/{i}">栏目{i}</a></li>' for i in range(8))
    return f"<html><body><ul class='nav'>{nav}</ul>{block}<div class='footer'>©</div></body></html>"


def test_healing_uses_detection_when_selectors_break_and_keeps_ids(tmp_path):
    titles = [f"第{i}条重要新闻标题内容较长" for i in range(6)]
    classic = (
        "<ul class='news'>"
        + "".join(
            f'<li><a href="/news/{i}.html">{t}</a><i>2024-12-0{i + 1} 10:00</i></li>'
            for i, t in enumerate(titles)
        )
        + "</ul>"
    )
    redesigned = (
        "<section class='feed'>"
        + "".join(
            f'<article class="card"><h3><a href="/news/{i}.html">{t}</a></h3>'
            f"<time>2024-12-0{i + 1} 10:00</time></article>"
            for i, t in enumerate([*titles, "第6条新的文章标题内容较长"])
        )
        + "</section>"
    )
    pages = {f"https://news.example.com/news/{i}.html": article(f"A{i}") for i in range(7)}
    pages["https://news.example.com/list/"] = _listing_page(classic)
    config = make_config(tmp_path, item="ul.news li", date="i")
    transport, _ = site(pages)
    first, store = poll(config, transport, tmp_path)
    assert first.ok and first.new == 6 and first.degraded is None
    pages["https://news.example.com/list/"] = _listing_page(redesigned)
    second, store = poll(config, transport, tmp_path)
    assert second.ok and second.new == 1
    assert second.degraded.startswith("selectors no longer match; detected `")
    assert store.source_status("s").degraded == second.degraded
    assert store.item("s", "news.example.com/news/6.html") is not None


def test_a_store_that_fails_a_write_fails_the_poll_records_it_and_keeps_the_feed(tmp_path):
    # Issue 12.4 on the fake: the batch's write fails (a locked database); the poll ends in
    # record-and-return, with the failure counted on the source, and nothing half-stored.
    from feeds.errors import StoreError

    store = MemoryStore()
    store.fail_when = lambda plan: StoreError("database is locked") if plan.new_items else None
    pages = {
        "https://news.example.com/list/": '<ul><li><a href="/1.html">One</a></li></ul>',
        "https://news.example.com/1.html": article("One"),
    }
    transport, _ = site(pages)
    config = make_config(tmp_path)
    with Fetcher(user_agent="t", timeout=10, transport=without_robots(transport)) as fetcher:
        result = update_source(config.sources[0], config.settings, store, fetcher, now=NOW)
    assert not result.ok and "database is locked" in (result.error or "")
    status = store.source_status("s")
    assert status is not None and status.consecutive_failures == 1
    assert "database is locked" in (status.last_error or "")
    assert store.rows == {}
