"""A poll end to end, on the defects a new user and an attack audit found (issues 12, 13).

Real CLI or ``update_source`` over the sample portal on 127.0.0.1; each test names the defect
it covers.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import destoon_source, feeds, read_feeds, write_config
from portal import SamplePortal

from feeds.app import open_fetcher, open_state
from feeds.config import load_config
from feeds.pipeline import update_source

# --- 12.1: two sources on one listing URL ----------------------------------------------------


@pytest.mark.parametrize("first", ["ai", "all"])
def test_two_sources_on_one_listing_both_get_a_new_item_in_either_order(portal, tmp_path, first):
    # The README's own pattern: one portal, several topic feeds on the same listing. The
    # portal answers conditional requests, so validators kept per URL once gave the second
    # source a 304 after the first had read the page, and the new item never reached it.
    portal.etags = True
    url = portal.url("news/")
    config = write_config(
        tmp_path,
        destoon_source(url, id="ai", include='["AI"]'),
        destoon_source(url, id="all", include="[]"),
    )
    assert feeds("update", config=config).code == 0
    portal.add_article("AI 芯片新品发布", summary="大模型。")
    second = "all" if first == "ai" else "ai"
    for source_id in (first, second):
        run = feeds("update", source_id, config=config)
        assert run.code == 0, run.out
        assert "1 new" in run.out, run.out
    for source_id in ("ai", "all"):
        titles = [e.title for e in read_feeds(tmp_path / "public", source_id)["atom"].entries]
        assert "AI 芯片新品发布" in titles, source_id


def test_a_304_for_one_source_does_not_hide_another_sources_broken_selector(portal, tmp_path):
    portal.etags = True
    url = portal.url("news/")
    broken = destoon_source(url, id="broken").replace('item = "div.catlist li"', 'item = "ul.x li"')
    config = write_config(tmp_path, destoon_source(url, id="good"), broken)
    assert feeds("update", "good", config=config).code == 0
    run = feeds("update", "broken", config=config)
    assert run.code == 1 and "broken: FAILED" in run.out and "matched no article" in run.out


def test_a_304_is_still_used_for_a_source_that_read_everything(portal, tmp_path):
    portal.etags = True
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    assert feeds("update", config=config).code == 0
    portal.clear_log()
    run = feeds("update", config=config)
    assert run.code == 0 and "0 new" in run.out
    sent = zip(portal.requests, portal.request_headers, strict=True)
    listing = [headers for (_, path), headers in sent if path == "/news/"]
    assert len(listing) == 1 and "If-None-Match" in listing[0]


# --- 12.5: feeds check shows what a poll stores -----------------------------------------------


def test_check_shows_the_canonical_link_a_poll_stores(portal, tmp_path):
    # The listing links an alternate address; the article page names its canonical one.
    article = portal.article(6904)
    page = SamplePortal._respond(portal, "/news/6904.html").body.decode("utf-8")
    canonical = f'<link rel="canonical" href="{portal.url("news/6904.html")}"></head>'
    portal.route("/news/alt-6904.html", page.replace("</head>", canonical, 1))
    portal.route(
        "/list/",
        '<html><body><div class="catlist"><ul><li><a href="/news/alt-6904.html">'
        f"{article.title}</a><i>2024-12-13 09:00</i></li></ul></div></body></html>",
    )
    config = write_config(tmp_path, destoon_source(portal.url("list/"), include="[]"))
    check = feeds("check", "sample", "--json", config=config)
    assert check.code == 0, check.out + check.err
    (row,) = json.loads(check.out)["items"]
    assert feeds("update", config=config).code == 0
    (stored,) = read_feeds(tmp_path / "public", "sample")["json"]["items"]
    # Before: check showed the listed alt-6904 link; the poll stores the canonical one.
    assert row["link"] == stored["url"] == portal.url("news/6904.html")
    assert row["status"] == "article"


# --- 13.7: the work of one poll is bounded; progress survives a restart -----------------------


def big_listing(count: int) -> str:
    items = "".join(
        f'<li><a href="/big/{n}.html">第{n}号快讯</a><i>2024-11-{1 + n % 28:02d} 10:00</i></li>'
        for n in range(count, 0, -1)  # newest (highest number) first
    )
    return f'<html><body><div class="catlist"><ul>{items}</ul></div></body></html>'


def serve_big_site(portal: SamplePortal, count: int) -> None:
    portal.route("/big/", big_listing(count))
    for n in range(1, count + 1):
        portal.route(
            f"/big/{n}.html",
            f'<html><body><h1 id="title">第{n}号快讯</h1><div class="info">日期：2024-11-01</div>'
            f'<div id="content"><p>正文 {n}。</p></div></body></html>',
        )


def test_a_long_listing_is_read_over_several_polls_newest_first(portal, tmp_path):
    serve_big_site(portal, 120)
    source = destoon_source(portal.url("big/"), include="[]", keep=500)
    config = write_config(tmp_path, source.replace("keep = 500", "keep = 500\nmax_articles = 50"))
    fetched = []
    for _ in range(4):
        portal.clear_log()
        run = feeds("update", config=config)
        assert run.code == 0, run.out
        fetched.append(sorted(int(p[5:-5]) for _, p in portal.requests if p.endswith(".html")))
    # Before: one poll made 121 requests. Now 50, 50, 20, then nothing: the newest first.
    assert [len(f) for f in fetched] == [50, 50, 20, 0]
    assert fetched[0] == list(range(71, 121)) and fetched[2] == list(range(1, 21))
    items = read_feeds(tmp_path / "public", "sample")["json"]["items"]
    assert len(items) == 120 and len({i["id"] for i in items}) == 120


def test_a_poll_cut_short_keeps_the_batches_it_stored(portal, tmp_path):
    serve_big_site(portal, 40)
    config = load_config(write_config(tmp_path, destoon_source(portal.url("big/"), include="[]")))
    source, settings = config.sources[0], config.settings
    fetched = []
    original = portal._routed

    def counting(raw_path, request):
        if raw_path.endswith(".html"):
            fetched.append(raw_path)
        return original(raw_path, request)

    portal._routed = counting
    with open_state(settings) as store, open_fetcher(settings) as fetcher:
        result = update_source(
            source, settings, store, fetcher, should_stop=lambda: len(fetched) >= 25
        )
        assert result.abandoned
        kept = store.source_status("sample").items_seen
    # Before: an abandoned poll stored nothing, so a service restarted more often than one
    # long poll takes never stored anything. Now every whole batch of 10 stays.
    assert kept >= 10 and kept % 10 == 0
    fetched.clear()
    with open_state(settings) as store, open_fetcher(settings) as fetcher:
        result = update_source(source, settings, store, fetcher)
    assert result.ok and result.new == 40 - kept
    assert len(fetched) == 40 - kept  # what was stored is not read again


def test_the_default_host_spacing_is_one_a_small_portal_bears(tmp_path):
    from feeds.config import default

    assert default("settings.host_interval") >= 0.5
    assert default("source.max_articles") <= 100


# --- 13.6: every field and feed file is bounded ------------------------------------------------


def test_huge_fields_are_bounded_in_the_store_and_the_feeds(portal, tmp_path):
    # 20 articles, each under the 10 MB page cap, with a 2 MB h1 and a 3 MB body: once
    # 2,000,000-character titles, 95 MB feed files and 980 MB of memory.
    count = 20
    huge_title = "巨" * 700_000  # 2.1 MB of UTF-8
    body = "".join(f"<p>{'段落' * 5000} {n}</p>" for n in range(100))  # 3 MB
    entries = "".join(
        f'<li><a href="/huge/{n}.html">标题 {n}</a><i>2024-12-01 10:00</i></li>'
        for n in range(count)
    )
    portal.route(
        "/huge/", f'<html><body><div class="catlist"><ul>{entries}</ul></div></body></html>'
    )
    for n in range(count):
        portal.route(
            f"/huge/{n}.html",
            f'<html><body><h1 id="title">{n} {huge_title}</h1><div class="info">作者：'
            f'{"名" * 90000}</div><div class="introduce">{"要" * 500_000}</div>'
            f'<div id="content">{body}</div></body></html>',
        )
    source = destoon_source(portal.url("huge/"), include="[]").replace(
        'title = "a"', 'title = "a"\n  summary = "i"'
    )
    config = write_config(tmp_path, source)
    peak = run_measuring_peak_rss(config)
    parsed = read_feeds(tmp_path / "public", "sample")
    items = parsed["json"]["items"]
    assert len(items) == count
    for item in items:
        assert len(item["title"]) <= 500 and item["title"].endswith("…")
        assert len(item["content_html"].encode()) <= 256 * 1024 + 512
        assert "The article is longer than 256 KB" in item["content_html"]
        assert len(item.get("summary", "")) <= 2000
        assert all(len(a["name"]) <= 200 for a in item.get("authors", []))
    for path in (tmp_path / "public").iterdir():
        assert path.stat().st_size < 16 * 1024 * 1024, path
    assert peak < 500 * 1024, f"peak RSS {peak // 1024} MB"


def run_measuring_peak_rss(config: Path) -> int:
    """Run `feeds update` and return its peak resident memory in KiB (VmHWM)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "feeds", "update", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0
    while process.poll() is None:
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
        except OSError:
            break
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]))
        time.sleep(0.05)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, out + err
    return peak


def test_fields_are_bounded_before_they_are_stored():
    # Pure: make_item bounds what any page gives.
    from feeds.articles import make_item
    from feeds.models import Article, Listed, ListingEntry

    config = load_config_text(destoon_source("https://portal.example/news/", include="[]"))
    source = config.sources[0]
    listed = Listed("k", ListingEntry(url="https://portal.example/1.html"), datetime.now(UTC))
    article = Article(
        url="https://portal.example/1.html",
        title="题" * 10_000,
        author="作者" * 1000,
        summary="要" * 10_000,
        content_html="<p>" + "字" * 400_000 + "</p>",
        origins={"title": "selector"},
    )
    item = make_item(source, listed, article, key="k", url=article.url, now=datetime.now(UTC))
    assert len(item.title) == 500 and len(item.author or "") <= 200
    assert len(item.summary or "") <= 2000
    content = item.content_html or ""
    assert content.startswith("<p>字") and content.count("<p>") == 2 and "</p><p>[…]" in content


def load_config_text(text: str):
    import tomllib

    from feeds.config import parse_config

    return parse_config(tomllib.loads('[settings]\ntimezone = "Asia/Shanghai"\n' + text))


def test_a_list_too_deep_for_the_parser_says_why_for_a_source_with_selectors(portal, tmp_path):
    # Issue 13 (smaller): a list nested 255+ levels deep yields no items; it failed loudly,
    # but only as "matched no article links". Now the error says why.
    rows = "".join(
        f'<li><a href="/deep/{n}.html">第{n}条</a><i>2024-12-01</i></li>' for n in range(5)
    )
    body = "<div>" * 300 + f'<div class="catlist"><ul>{rows}</ul></div>' + "</div>" * 300
    portal.route("/deep/", f"<html><body>{body}</body></html>")
    config = write_config(tmp_path, destoon_source(portal.url("deep/"), include="[]"))
    run = feeds("update", config=config)
    assert run.code == 1 and "matched no article links" in run.out
    assert "nests elements more than 256 levels deep" in run.out, run.out


def test_a_backfill_deeper_than_one_poll_is_read_on_until_it_is_done(portal, tmp_path):
    # Before: the first poll read backfill_pages and stored max_articles of them; the next
    # polls read max_pages only, so what the backfill pages held beyond one poll was never read.
    whole = destoon_source(portal.url("news/"), include="[]", keep=500)
    (tmp_path / "reference").mkdir()
    (tmp_path / "capped").mkdir()
    reference = write_config(tmp_path / "reference", whole)
    assert feeds("update", config=reference).code == 0
    expected = read_feeds(tmp_path / "reference" / "public", "sample")["json"]["items"]
    capped = write_config(
        tmp_path / "capped", whole.replace("keep = 500", "keep = 500\nmax_articles = 4")
    )
    assert "max_pages = 1" in whole and "backfill_pages = 3" in whole
    polls = 0
    while polls < 20:
        polls += 1
        run = feeds("update", config=capped)
        assert run.code == 0, run.out
        items = read_feeds(tmp_path / "capped" / "public", "sample")["json"]["items"]
        if len(items) == len(expected):
            break
    assert len(expected) > 8  # deeper than two polls of four
    assert {i["id"] for i in items} == {i["id"] for i in expected}
    assert polls == -(-len(expected) // 4)  # four a poll, and done
