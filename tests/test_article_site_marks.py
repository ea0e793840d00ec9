"""Forms the third batch of unseen Chinese pages of issue 15 showed on dev sites: a page
header marked 'unauthorized' (a visitor not logged in) around the site's menu, which the
byline markup's class words matched ('author' inside it), and a meta author that is only the
text of the header's link to the site's front page ('译言'), beside the translator the byline
names."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from feeds.config import ArticleRules
from feeds.extract import bylines
from feeds.extract.article import extract_article

NOW = datetime(2024, 5, 27, 2, 0, tzinfo=UTC)
ZH = "<p>" + "这是一篇很长的文章正文，讲述了一件发生在本地的事情，内容翔实。" * 6 + "</p>"
H1 = "<h1>一篇文章的标题</h1>"
URL = "https://select.e.com/view/1/2"


def page(body: str, head: str = ""):
    html = f"<html><head><title>一篇文章的标题</title>{head}</head><body>{body}</body></html>"
    return extract_article(html, URL, ArticleRules(), now=NOW, tz=ZoneInfo("Asia/Shanghai"))


def first_tag(html: str):
    return BeautifulSoup(html, "lxml").body.find(True)


@pytest.mark.parametrize(
    ("html", "permission"),
    [
        ('<header class="main-header unauthorized visible"><a>沸点</a></header>', True),
        ('<div id="authority-menu"><a>首页</a></div>', True),
        ('<div class="author-info-block"><a>张三</a></div>', False),
        ('<div class="authorinfo"><a>Ann Lee</a></div>', False),
        ('<div class="unauthorized author"><a>张三</a></div>', False),
        ('<div class="unauthorized" itemprop="author"><a>张三</a></div>', False),
    ],
)
def test_a_permission_word_alone_is_no_byline_markup(html: str, permission: bool) -> None:
    assert bylines.permission_markup(first_tag(html)) is permission


def test_the_menu_in_an_unauthorized_header_names_nobody() -> None:
    header = (
        '<header class="main-header unauthorized"><ul><li><a href="/">首页</a></li>'
        '<li><a href="/pins">沸点</a></li><li><a href="/books">小册</a></li></ul></header>'
    )
    assert page(header + H1 + "<p>2021年01月09日</p>" + ZH).author is None


def test_home_link_texts_are_the_site_names() -> None:
    soup = BeautifulSoup(
        '<a href="http://www.e.com">译言</a><a href="http://select.e.com/">精选</a>'
        '<a href="/index.html"><img alt="logo"></a><a href="/news/">新闻</a>'
        '<a href="http://other.com/">别的网站</a><a href="/?page=2">第二页</a>',
        "lxml",
    )
    assert bylines.home_names(soup, URL) == {"译言", "精选"}


def test_a_meta_author_that_only_names_the_home_link_yields_to_the_byline() -> None:
    body = (
        '<div class="header"><a href="http://www.e.com">译言</a> - '
        '<a href="http://select.e.com">精选</a></div>'
        + H1
        + '<div class="sa_author"><span>译者：<a href="/u/1">豆瓣酱油</a></span>'
        "<span>发布：2013-01-14 13:17:40</span></div>" + ZH
    )
    assert page(body, '<meta name="author" content="译言">').author == "豆瓣酱油"


def test_a_meta_author_the_page_names_nowhere_else_stays_the_last_resort() -> None:
    body = '<div class="header"><a href="http://www.e.com">译言</a></div>' + H1 + ZH
    assert page(body, '<meta name="author" content="译言">').author == "译言"
