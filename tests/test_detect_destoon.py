"""The first user's Destoon portal (issue 15): the seed page's top bar must not veto the list,
and on the newer template (``/v3/``, tests/portal_v3.py) the dated main column must beat six
sidebar boxes of headline links, through the real command line."""

from __future__ import annotations

import json
import tomllib

from helpers import feeds, read_feeds, write_config
from portal_v3 import BOX_ITEMS, BOXES

from feeds.config import parse_config
from feeds.extract.detect import detect_listing

# A Destoon list as the first user's page has it: date and title, nothing else.
ROWS = "".join(
    f'<li><i>2024-12-{10 + i:02d} 10:0{i}</i><a href="/news/{6900 + i}.html">'
    f"第{i}条行业资讯标题内容</a></li>"
    for i in range(8)
)
TOP_BAR = (
    '<div class="header"><div class="top-bar"><span>推广</span> <b>热搜:</b> '
    '<a href="/news/search.php?kw=page">page</a> <a href="/news/search.php?kw=k">关键词</a> '
    '<a href="/news/search.php?kw=d">数据分析</a></div>'
    '<div class="menu"><a href="/">首页</a> <a href="/sell/">供应</a> <a href="/news/">资讯</a>'
    "</div></div>"
)


def test_the_top_bar_of_the_seed_page_does_not_veto_the_only_list():
    """ "热搜" in bold far above the list named it a ranking box, and discover found nothing."""
    text = (
        f"<html><body>{TOP_BAR}<div class='wrap'>"
        f"<div class='catlist'><ul>{ROWS}</ul></div></div></body></html>"
    )
    detection = detect_listing(text, "https://b2b.example.cn/news/")
    assert detection.chosen is not None, detection.problem
    assert [e.url for e in detection.chosen.entries] == [
        f"https://b2b.example.cn/news/{6900 + i}.html" for i in range(8)
    ]
    assert not any("ranking" in r for r in detection.chosen.reasons)


def newest(portal):
    return sorted(portal.articles, key=lambda a: a.id, reverse=True)[: portal.per_page]


def test_discover_on_the_v3_portal_lists_the_ten_articles_not_the_sidebars(portal):
    url = portal.url("v3/news/")
    run = feeds("discover", url, "--json")
    assert run.code == 0, run.err
    report = json.loads(run.out)
    expected = newest(portal)
    assert [i["url"] for i in report["items"]] == [
        portal.url(f"v3/news/{a.id}.html") for a in expected
    ]
    assert [i["title"] for i in report["items"]] == [a.title for a in expected]
    assert [i["date"] for i in report["items"]] == [a.published.isoformat() for a in expected]
    assert report["selectors"]["item"] == "div.list-item"
    assert report["next_url"] == portal.url("v3/news/list-2.html")
    assert "a pager under it" in report["reasons"]
    # The 48 sidebar links were found, and ruled out for what they are: six headed boxes.
    boxes = [c for c in report["candidates"] if c["count"] == len(BOXES) * BOX_ITEMS]
    assert boxes and any(f"boxes: {len(BOXES)} blocks" in r for r in boxes[0]["reasons"])
    source = parse_config(tomllib.loads(report["config"])).sources[0]
    assert source.listing is not None and source.listing.item == "div.list-item"
    text = feeds("discover", url).out
    assert "article list: 10 items" in text and "[[source]]" in text


def test_a_source_with_only_id_and_url_on_the_v3_portal_publishes_every_article(portal, tmp_path):
    url = portal.url("v3/news/")
    config = write_config(tmp_path, f'[[source]]\nid = "bare"\nurl = "{url}"\n')
    run = feeds("update", config=config)
    assert run.code == 0, run.out + run.err
    items = read_feeds(tmp_path / "public", "bare")["json"]["items"]
    expected = newest(portal)
    assert [i["url"] for i in items] == [portal.url(f"v3/news/{a.id}.html") for a in expected]
    for item, article in zip(items, expected, strict=True):
        assert item["title"] == article.title
        assert item["date_published"] == article.published.isoformat()
        assert len(item["content_html"]) > 200, item["title"]
        authors = [{"name": article.author}] if article.author else None
        assert item.get("authors") == authors, item["title"]
