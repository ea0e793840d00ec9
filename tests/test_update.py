"""End to end: the real `feeds update` against the sample portal over HTTP on 127.0.0.1."""

from __future__ import annotations

import re

import pytest
from helpers import destoon_source, feeds, read_feeds, snapshot, stored, write_config


def ai_articles(portal):
    from feeds.decide import judge

    terms = ["AI", "人工智能", "大模型", "算力", "GPU", "英伟达", "OpenAI", "xAI", "Grok"]
    return [
        a
        for a in portal.articles
        if judge(terms, [], [a.title, a.summary, " ".join(a.paragraphs)]).keep
    ]


def test_first_poll_writes_three_valid_feeds(portal, tmp_path):
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    run = feeds("update", config=config)
    assert run.code == 0, run.out + run.err
    assert "sample: ok" in run.out
    parsed = read_feeds(tmp_path / "public", "sample")
    expected = sorted(ai_articles(portal), key=lambda a: a.id, reverse=True)
    rss, atom, js = parsed["rss"], parsed["atom"], parsed["json"]
    links = [portal.url(f"news/{a.id}.html") for a in expected]
    assert [e.link for e in rss.entries] == links
    assert [e.link for e in atom.entries] == links
    assert [i["url"] for i in js["items"]] == links
    assert [e.title for e in rss.entries] == [a.title for a in expected]
    # ids are the canonical URLs: no tracking parameter, no mobile path, each once
    ids = [e.id for e in atom.entries]
    assert ids == links and len(set(ids)) == len(ids)
    assert js["version"] == "https://jsonfeed.org/version/1.1"
    assert js["feed_url"] == "http://feeds.example/feeds/sample.json"
    seed = next(i for i in js["items"] if i["url"].endswith("/6894.html"))
    assert seed["title"] == "全球最大超算中心开始运转,马斯克的 AI 野心显露"
    assert seed["authors"] == [{"name": "qeexh"}]
    assert seed["date_published"].startswith("2024-12-06T")
    assert seed["date_published"].endswith("+08:00")
    assert seed["summary"].startswith("全球最大超算中心开始运转")
    html = seed["content_html"]
    assert "<script" not in html and "onclick" not in html
    assert 'src="http://127.0.0.1' in html  # relative and lazy images made absolute
    assert "loading.gif" not in html
    assert "keytags" not in html


def test_idle_poll_fetches_no_article_and_rewrites_nothing(portal, tmp_path):
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    assert feeds("update", config=config).code == 0
    before = snapshot(tmp_path / "public")
    portal.clear_log()
    run = feeds("update", config=config)
    assert run.code == 0, run.out + run.err
    assert "0 new" in run.out and "0 files written" in run.out
    assert portal.count("/news/6") == 0, portal.requests
    assert portal.count("/mobile/") == 0
    assert snapshot(tmp_path / "public") == before


def test_new_articles_appear_at_the_top_and_nothing_else_changes(portal, tmp_path):
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    assert feeds("update", config=config).code == 0
    old = read_feeds(tmp_path / "public", "sample")["json"]["items"]
    first = portal.add_article("OpenAI 发布新一代大模型 GPT-5 预览版", summary="OpenAI 新模型。")
    second = portal.add_article("国产 GPU 厂商完成新一轮融资", summary="算力需求旺盛。")
    portal.clear_log()
    run = feeds("update", config=config)
    assert run.code == 0, run.out + run.err
    assert "2 new" in run.out
    assert portal.count("/news/6") == 2  # exactly the two new article pages
    new = read_feeds(tmp_path / "public", "sample")["json"]["items"]
    assert [i["url"] for i in new[:2]] == [
        portal.url(f"news/{second.id}.html"),
        portal.url(f"news/{first.id}.html"),
    ]
    assert new[2:] == old


def test_keep_limits_the_feed_but_the_store_keeps_everything(portal, tmp_path):
    config = write_config(tmp_path, destoon_source(portal.url("news/"), keep=5))
    assert feeds("update", config=config).code == 0
    parsed = read_feeds(tmp_path / "public", "sample")
    assert len(parsed["json"]["items"]) == 5
    with stored(tmp_path) as store:
        status = store.source_status("sample")
    published, filtered = status.items_published, status.items_seen - status.items_published
    assert published == len(ai_articles(portal))
    assert published + filtered == len(portal.articles)


def test_gbk_lying_and_relative_variants(portal, tmp_path):
    sources = [
        destoon_source(portal.url(f"{name}/news/"), id=name, include="[]")
        for name in ("gbk", "lying", "relative")
    ]
    config = write_config(tmp_path, *sources)
    run = feeds("update", config=config)
    assert run.code == 0, run.out + run.err
    titles = {a.id: a.title for a in portal.articles}
    for name in ("gbk", "lying", "relative"):
        items = read_feeds(tmp_path / "public", name)["json"]["items"]
        assert items, name
        for item in items:
            article_id = int(re.search(r"/(\d+)\.html$", item["url"]).group(1))
            assert item["title"] == titles[article_id], name
            assert "\ufffd" not in item["title"] + item.get("content_html", "")
    gbk_titles = [i["title"] for i in read_feeds(tmp_path / "public", "gbk")["json"]["items"]]
    assert any("镕" in t for t in gbk_titles)


def test_full_text_off_uses_the_listing_only(portal, tmp_path):
    config = write_config(
        tmp_path, destoon_source(portal.url("news/"), include="[]", full_text=False)
    )
    portal.clear_log()
    assert feeds("update", config=config).code == 0
    assert portal.count("/news/6") == 0
    items = read_feeds(tmp_path / "public", "sample")["json"]["items"]
    assert len(items) == len(portal.articles)
    assert all("content_html" not in i for i in items)


def test_a_broken_article_is_skipped_recorded_and_retried(portal, tmp_path):
    config = write_config(tmp_path, destoon_source(portal.url("news/"), include="[]"))
    newest = max(a.id for a in portal.articles)
    portal.set_status(f"/news/{newest}.html", 500)
    run = feeds("update", config=config)
    assert run.code == 0, run.out + run.err
    assert "500" in run.out and f"/news/{newest}.html" in run.out
    urls = [i["url"] for i in read_feeds(tmp_path / "public", "sample")["json"]["items"]]
    assert portal.url(f"news/{newest}.html") not in urls
    assert len(urls) == len(portal.articles) - 1
    portal.set_status(f"/news/{newest}.html", 200)
    portal.clear_log()
    assert "1 new" in feeds("update", config=config).out
    assert portal.count(f"/news/{newest}.html") == 1
    urls = [i["url"] for i in read_feeds(tmp_path / "public", "sample")["json"]["items"]]
    assert urls[0] == portal.url(f"news/{newest}.html")


def test_a_failing_source_fails_alone_and_keeps_its_feed(portal, tmp_path):
    config = write_config(
        tmp_path,
        destoon_source(portal.url("news/"), id="good"),
        destoon_source(portal.url("gbk/news/"), id="bad", include="[]"),
    )
    assert feeds("update", config=config).code == 0
    before = snapshot(tmp_path / "public")
    portal.set_status("/gbk/news/", 500)
    run = feeds("update", config=config)
    assert run.code == 1
    assert "good: ok" in run.out
    assert "bad: FAILED fetch: 500" in run.out and "/gbk/news/" in run.out
    assert snapshot(tmp_path / "public") == before
    with stored(tmp_path) as store:
        bad = store.source_status("bad")
    assert bad.consecutive_failures == 1 and "500" in bad.last_error


def test_selectors_that_match_nothing_fail_the_source_with_a_fix(portal, tmp_path):
    source = destoon_source(portal.url("news/")).replace("div.catlist li", "div.gone li")
    run = feeds("update", config=write_config(tmp_path, source))
    assert run.code == 1
    assert "extract: listing.item 'div.gone li' matched no article links" in run.out
    assert "feeds check sample" in run.out


def test_bad_config_exits_2_naming_every_problem(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(
        '[[source]]\nid = "x"\nurl = "https://e.com/"\nkeeep = 3\n[source.listing]\nitem = ""\n',
        encoding="utf-8",
    )
    run = feeds("config", config=config)
    assert run.code == 2
    assert "source[1].keeep: unknown key" in run.err
    assert "source[1].listing.item: empty selector" in run.err


def test_config_prints_the_effective_config(tmp_path, portal):
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    run = feeds("config", config=config)
    assert run.code == 0
    assert 'every = "30m"' in run.out and "backfill_pages = 3" in run.out


def test_check_prints_items_and_selector_counts(portal, tmp_path):
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    portal.clear_log()
    run = feeds("check", "sample", config=config)
    assert run.code == 0, run.err
    assert "item div.catlist li" in run.out and "content div#content" in run.out
    assert "qeexh" in run.out
    assert not (tmp_path / "public").exists() and not (tmp_path / "data").exists()
    run = feeds("check", "sample", "--json", config=config)
    import json

    report = json.loads(run.out)
    assert len(report["items"]) == portal.per_page
    assert report["listing_matches"]["link a"] == portal.per_page


def test_extract_a_url_and_a_saved_file(portal, tmp_path):
    import json

    url = portal.url("news/6894.html")
    run = feeds("extract", url, "--json", config=None)
    assert run.code == 0, run.err
    auto = json.loads(run.out)
    assert auto["title"] == "全球最大超算中心开始运转,马斯克的 AI 野心显露"
    assert auto["origins"]["content"] == "extractor"
    saved = tmp_path / "page.html"
    import httpx

    saved.write_bytes(httpx.get(portal.url("gbk/news/6894.html")).content)
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    run = feeds(
        "extract", str(saved), "--source", "sample", "--base-url", url, "--json", config=config
    )
    record = json.loads(run.out)
    assert record["encoding"] == "gb18030"
    assert record["author"] == "qeexh"
    assert record["date"].startswith("2024-12-06")
    assert record["origins"]["title"] == "selector"


def test_relative_listing_dates_are_read_against_the_fetch_time(portal, tmp_path):
    from datetime import datetime, timedelta

    import httpx

    config = write_config(tmp_path, destoon_source(portal.url("relative/news/"), include="[]"))
    assert feeds("update", config=config).code == 0
    items = read_feeds(tmp_path / "public", "sample")["json"]["items"][:10]
    listing = httpx.get(portal.url("relative/news/")).text
    assert "刚刚" in listing and "分钟前" in listing and "小时前" in listing
    for item in items:
        page = httpx.get(item["url"]).text
        match = re.search(r"日期：(\d{4}-\d\d-\d\d)( \d\d:\d\d)?", page)
        published = datetime.fromisoformat(item["date_published"])
        if match.group(2) is None:  # the page shows the day only: the listing gave the time
            assert published.date().isoformat() == match.group(1), item["title"]
            continue
        expected = datetime.fromisoformat(f"{match.group(1)}{match.group(2)}:00+08:00")
        assert abs(published - expected) <= timedelta(minutes=2), item["title"]


def test_config_path_comes_from_feeds_config(tmp_path, portal):
    import os
    import subprocess
    import sys

    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    env = {**os.environ, "FEEDS_CONFIG": str(config)}
    done = subprocess.run(
        [sys.executable, "-m", "feeds", "config"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path.parent,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert f"# {config}: valid, 1 source(s)" in done.stdout


def test_a_source_with_only_id_and_url_gives_a_correct_feed(portal, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(
        f'[[source]]\nid = "bare"\nurl = "{portal.url("news/")}"\ntimezone = "Asia/Shanghai"\n',
        encoding="utf-8",
    )
    run = feeds("update", config=config)
    assert run.code == 0, run.out + run.err
    items = read_feeds(tmp_path / "public", "bare")["json"]["items"]
    newest = sorted(portal.articles, key=lambda a: a.id, reverse=True)[: portal.per_page]
    assert [i["url"] for i in items] == [portal.url(f"news/{a.id}.html") for a in newest]
    assert [i["title"] for i in items] == [a.title for a in newest]
    for item, article in zip(items, newest, strict=True):
        assert item["date_published"] == article.published.isoformat()
        assert len(item["content_html"]) > 200
        authors = [{"name": article.author}] if article.author else None
        assert item.get("authors") == authors, item["title"]


@pytest.mark.parametrize("redesign", [False, True])
def test_a_zero_config_source_follows_the_detected_pager(portal, tmp_path, redesign):
    portal.redesign = redesign
    config = tmp_path / "config.toml"
    config.write_text(
        f'[[source]]\nid = "bare"\nurl = "{portal.url("news/")}"\nmax_pages = 3\n'
        'timezone = "Asia/Shanghai"\nfull_text = false\n',
        encoding="utf-8",
    )
    run = feeds("update", config=config)
    assert run.code == 0 and f"{len(portal.articles)} listed" in run.out, run.out
    items = read_feeds(tmp_path / "public", "bare")["json"]["items"]
    assert {i["url"] for i in items} == {portal.url(f"news/{a.id}.html") for a in portal.articles}


def test_discover_finds_the_article_list_and_prints_a_source_block(portal, tmp_path):
    import json
    import tomllib

    from feeds.config import parse_config

    run = feeds("discover", portal.url("news/"), "--json")
    assert run.code == 0, run.err
    report = json.loads(run.out)
    assert report["selectors"]["item"] == "div.catlist li"
    assert len(report["items"]) == portal.per_page
    assert report["items"][0]["date"] == "2024-12-13T16:45:00+08:00"
    assert any("点击排行" in " ".join(c["reasons"]) for c in report["candidates"])
    source = parse_config(tomllib.loads(report["config"])).sources[0]
    assert source.listing.item == "div.catlist li"
    assert source.listing.next == "div.pages a.next"
    assert report["next_url"] == portal.url("news/list-2.html")
    text = feeds("discover", portal.url("news/")).out
    assert "article list: 10 items" in text and "[[source]]" in text


def test_a_redesign_heals_with_detection_keeps_ids_and_says_so(portal, tmp_path):
    config = write_config(tmp_path, destoon_source(portal.url("news/"), include="[]"))
    assert feeds("update", config=config).code == 0
    before = read_feeds(tmp_path / "public", "sample")["json"]["items"]
    portal.redesign = True
    new = portal.add_article("OpenAI 发布新一代大模型", summary="大模型。")
    run = feeds("update", config=config)
    assert run.code == 1, run.out  # degraded: the operator must update the config
    assert "1 new" in run.out
    assert "DEGRADED selectors no longer match; detected" in run.out
    assert "update the config" in run.out
    after = read_feeds(tmp_path / "public", "sample")["json"]["items"]
    assert after[0]["url"] == portal.url(f"news/{new.id}.html")
    assert after[1:] == before  # every id kept, nothing emptied
    with stored(tmp_path) as store:
        assert store.source_status("sample").degraded.startswith("selectors no longer match")
    portal.redesign = False
    assert feeds("update", config=config).code == 0
    with stored(tmp_path) as store:
        assert store.source_status("sample").degraded is None


def test_broken_selectors_without_known_items_fail_and_publish_nothing(portal, tmp_path):
    portal.redesign = True
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    run = feeds("update", config=config)
    assert run.code == 1 and "matched no article links" in run.out
    assert not (tmp_path / "public" / "sample.rss").exists()
