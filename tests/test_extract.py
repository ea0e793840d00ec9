"""Listing and article extraction on small pages, and a corpus-wide smoke run."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feeds.config import ArticleRules, ListingRules
from feeds.encoding import decode_html
from feeds.extract.article import extract_article
from feeds.extract.html import parse, text_of
from feeds.extract.listing import extract_listing

NOW = datetime(2024, 12, 14, 2, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def article(html, rules=None, url="https://e.com/news/1.html"):
    return extract_article(html, url, rules or ArticleRules(), now=NOW, tz=SHANGHAI)


def test_base_href_lazy_images_and_srcset_are_resolved():
    html = """<html><head><base href="https://cdn.e.com/site/"></head><body>
    <div id="c"><p><a href="a.html">rel</a><img src="/skin/loading.gif" data-src="img/1.png">
    <img srcset="s.png 1x, l.png 2x"><a href="javascript:alert(1)">js</a></p></div></body></html>"""
    a = article(html, ArticleRules(content="#c"))
    assert 'href="https://cdn.e.com/site/a.html"' in a.content_html
    assert 'src="https://cdn.e.com/site/img/1.png"' in a.content_html
    assert "https://cdn.e.com/site/s.png 1x, https://cdn.e.com/site/l.png 2x" in a.content_html
    assert "javascript" not in a.content_html and "loading.gif" not in a.content_html


def test_metadata_fallbacks():
    html = """<html lang="en"><head><title>Big news | Example Times</title>
    <meta property="og:title" content="Big news">
    <meta name="description" content="What happened.">
    <meta name="author" content="Ann Lee">
    <script type="application/ld+json">{"@graph": [{"@type": "NewsArticle",
      "datePublished": "2024-12-06T10:23:00+08:00"}]}</script>
    <link rel="canonical" href="/news/1"></head>
    <body><article><p>Body</p></article></body></html>"""
    a = article(html)
    assert a.title == "Big news" and a.origins["title"] == "metadata"
    assert a.summary == "What happened." and a.author == "Ann Lee"
    assert a.metadata_date.value.isoformat() == "2024-12-06T10:23:00+08:00"
    assert a.date is None
    assert a.canonical_url == "https://e.com/news/1"
    assert a.language == "en"


def test_title_from_the_page_title_minus_the_site_name():
    a = article(
        "<html><head><title>全球最大超算中心开始运转_企库往</title></head><body></body></html>"
    )
    assert a.title == "全球最大超算中心开始运转"


def test_title_minus_the_site_name_after_a_closing_quote():
    # A Chinese title's dash needs no spaces, after a closing quote or bracket either.
    html = "<title>劳伦斯：一个无法定义的“洛克菲勒”-搜狐财经</title>"
    assert article(f"<html><head>{html}</head><body></body></html>").title == (
        "劳伦斯：一个无法定义的“洛克菲勒”"
    )
    html = "<title>读《三体》-某某读书</title>"
    assert article(f"<html><head>{html}</head><body></body></html>").title == "读《三体》"


def test_selectors_with_labels():
    html = """<h1 id="title">标题</h1>
    <div class="info">日期：2024-12-06&nbsp;&nbsp;来源：新华网
    &nbsp;&nbsp;作者：qeexh&nbsp;&nbsp;浏览：5</div>
    <div class="introduce">核心提示：一段摘要</div><div id="content"><p>正文</p>
    <div class="keytags">标签</div><script>x()</script></div>"""
    rules = ArticleRules(
        title="h1#title",
        date="div.info",
        author="div.info",
        summary="div.introduce",
        content="div#content",
        remove=("div.keytags",),
    )
    a = article(html, rules)
    assert (a.title, a.author, a.summary) == ("标题", "qeexh", "一段摘要")
    assert a.date.value.date().isoformat() == "2024-12-06" and not a.date.has_time
    assert a.content_html == "<p>正文</p>"
    assert all(a.origins[f] == "selector" for f in ("title", "date", "author", "content"))


def test_listing_skips_spacers_and_reports_linkless_items():
    html = """<base href="https://e.com/news/"><div class="catlist"><ul>
    <li><i>2024-12-06 10:23</i><a href="6894.html" title="Full title">Full ti…</a></li>
    <li class="sp"></li>
    <li>text without a link</li>
    <li><a href="javascript:void(0)">js</a></li></ul></div>
    <div class="pages"><a class="next" href="list-2.html">下一页</a></div>"""
    rules = ListingRules(item="div.catlist li", title="a", date="i", next="div.pages a.next")
    page = extract_listing(html, "https://e.com/news/", rules)
    assert [(e.url, e.title, e.date_text) for e in page.entries] == [
        ("https://e.com/news/6894.html", "Full title", "2024-12-06 10:23")
    ]
    assert page.next_url == "https://e.com/news/list-2.html"
    assert len(page.problems) == 2 and "item 3" in page.problems[0]
    assert page.matches["item div.catlist li"] == 4


def _corpus_pages():
    for folder in ("zh-articles", "readability", "articles"):
        manifest = CORPUS / folder / "manifest.jsonl"
        if not manifest.exists():
            continue
        for line in manifest.read_text("utf-8").splitlines()[:40]:
            yield folder, json.loads(line)


@pytest.mark.skipif(not CORPUS.exists(), reason="no ../shared/corpus here")
def test_corpus_pages_extract_without_errors_and_mostly_with_content():
    total = with_content = with_title = 0
    for folder, record in _corpus_pages():
        name = record.get("file") or f"{int(record.get('id', 0)):04d}.html"
        path = CORPUS / folder / name
        if not path.exists():
            continue
        text, _ = decode_html(path.read_bytes())
        a = extract_article(text, "https://example.org/a.html", ArticleRules(), now=NOW, tz=UTC)
        total += 1
        with_content += bool(a.content_html)
        with_title += bool(a.title)
        for value in (a.title, a.author, a.summary, a.content_html):
            assert value is None or "\ufffd" not in value or "\ufffd" in text
    print(f"corpus: {total} pages, title {with_title}, content {with_content}")
    assert total > 0
    assert with_title >= 0.95 * total and with_content >= 0.8 * total


def test_info_line_gives_date_and_author_without_selectors():
    html = """<html><body><div class="side">更新时间：2020-01-01</div>
    <h1>全球最大超算中心开始运转</h1>
    <div class="info">日期：2024-12-06 10:23&nbsp;&nbsp;来源：新华网&nbsp;&nbsp;作者：qeexh
    &nbsp;&nbsp;浏览：12</div><div id="content"><p>正文。</p></div></body></html>"""
    a = article(html)
    assert a.metadata_date.value.isoformat() == "2024-12-06T10:23:00+08:00"
    assert a.author == "qeexh"
    assert a.origins["date"] == "page" and a.origins["author"] == "page"


def test_metadata_wins_over_the_info_line():
    html = """<html><head><meta property="article:published_time"
    content="2024-12-05T08:00:00+08:00"><meta name="author" content="Ann"></head>
    <body><h1>T</h1><p>日期：2024-12-06 10:23 作者：qeexh</p></body></html>"""
    a = article(html)
    assert a.metadata_date.value.day == 5 and a.author == "Ann"


def test_more_date_and_author_fallbacks():
    cdata = """<html><head><script type="application/ld+json">//<![CDATA[
    {"@type": "NewsArticle", "datePublished": "2020-02-26"}
    //]]></script></head><body><h1>T</h1></body></html>"""
    assert article(cdata).metadata_date.value.date().isoformat() == "2020-02-26"
    hatom = '<h1>T</h1><abbr class="published" title="2019-04-19T08:00:00Z">April 19</abbr>'
    assert article(hatom).metadata_date.value.date().isoformat() == "2019-04-19"
    url_only = article("<h1>T</h1>", url="https://e.com/2019/01/01/story.html")
    assert url_only.metadata_date.value.date().isoformat() == "2019-01-01"
    assert not url_only.metadata_date.has_time
    unlabelled = "<h1>T</h1><p>发表于 2005-9-15 11:46:00</p>"
    assert article(unlabelled).metadata_date.value.isoformat() == "2005-09-15T11:46:00+08:00"
    byline = '<h1>T</h1><p class="byline">By <a rel="author" href="/a">Ann Lee</a></p>'
    assert article(byline).author == "Ann Lee"


def test_text_of_joins_inline_markup_and_spaces_blocks():
    soup = parse(
        "<div><a>简历<em>智能</em>解析？</a><p>第一段</p>第二段<br>第三段<!-- x -->"
        "<script>var a = 1;</script><b>Big</b>ger <i>ideas</i></div>"
    )
    assert text_of(soup.div) == "简历智能解析？ 第一段 第二段 第三段 Bigger ideas"
