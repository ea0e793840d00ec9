"""The sample portal's ``/v3/`` listing: a newer Destoon template laid out like the first user's
portal (issue 15). Served by ``tests/portal.py`` for ``/v3/news/`` and ``/v3/news/list-N.html``;
the article pages under ``/v3/`` keep the classic template.

What makes it hard for detection, on purpose:

- the list items are ``div.list-item`` cards (not ``li``), each with its headline in an ``h3``,
  an intro and a date, ten to a page, with a pager under them;
- beside them, six sidebar boxes of eight headline links each (``div.box``), undated, linking
  to the same site's articles: 48 article links against the list's ten;
- no heading right above the list, and the page's header carries the top bar of the seed page
  (``推广 热搜: page 关键词 数据分析``, ``热搜`` in bold): a heading word read from far above
  the list must not make the list a "ranking";
- nothing is named side, aside, sidebar, rank or hot: where a block sits, not what it is
  called, must tell the list from the boxes.

The view (``portal._View``) gives the articles, their links and dates; this module needs nothing
else of ``portal.py``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Protocol
from urllib.parse import quote

from portal_content import Article

__all__ = ["BOXES", "render_listing_v3"]

SITE_NAME = "企库往"
TOP_BAR_WORDS = ("page", "关键词", "数据分析")  # the seed page's top bar (article-6894.txt)
MODULES = ("供应", "求购", "公司", "资讯", "展会", "招商", "品牌", "知道", "下载", "视频")
MODULE_PATHS = ("sell", "buy", "company", "news", "exhibit", "invest", "brand", "know", "down")
MODULE_PATHS += ("video",)
BOXES = ("最新资讯", "阅读排行", "行业动态", "人工智能", "钢铁资讯", "物流资讯")
BOX_ITEMS = 8
TITLE_LIMIT = 24


class View(Protocol):
    """What this module reads of ``portal._View``."""

    @property
    def site(self) -> str: ...
    @property
    def pages(self) -> int: ...

    articles: list[Article]
    per_page: int

    def link(self, article: Article) -> str: ...
    def list_url(self, page: int, mobile: bool = False) -> str: ...
    def stamp(self, article: Article) -> str: ...


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def _short(title: str, limit: int = TITLE_LIMIT) -> str:
    return title if len(title) <= limit else title[:limit] + "…"


def render_listing_v3(view: View, page: int) -> str:
    start = (page - 1) * view.per_page
    shown = view.articles[start : start + view.per_page]
    cards = "\n".join(_card(view, a) for a in shown)
    boxes = "\n".join(
        _box(view, title, _rotated(view.articles, index * 5)[:BOX_ITEMS], index)
        for index, title in enumerate(BOXES)
    )
    s = view.site
    title = f"资讯_{SITE_NAME}" if page == 1 else f"资讯_第{page}页_{SITE_NAME}"
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8"/>
<title>{esc(title)}</title>
<meta name="keywords" content="资讯,行业资讯,人工智能"/>
<meta name="generator" content="DESTOON B2B - www.destoon.com"/>
<link rel="stylesheet" href="{s}static/v3/main.css"/>
</head>
<body>
{_header(view)}
<div class="w1200 body-wrap">
<div class="main-l">
<div class="list-box">
{cards}
</div>
{_pager(view, page)}
</div>
<div class="main-r">
{boxes}
</div>
<div class="clear"></div>
</div>
{_footer(view)}
</body>
</html>
"""


def _rotated(articles: Sequence[Article], offset: int) -> list[Article]:
    offset %= max(1, len(articles))
    return [*articles[offset:], *articles[:offset]]


def _header(view: View) -> str:
    s = view.site
    hot = " ".join(
        f'<a href="{s}news/search.php?kw={quote(word)}" rel="nofollow">{esc(word)}</a>'
        for word in TOP_BAR_WORDS
    )
    menu = f'<a href="{s}">首页</a>\n' + "\n".join(
        f'<a href="{s}{path}/">{name}</a>' for name, path in zip(MODULES, MODULE_PATHS, strict=True)
    )
    return f"""<div class="header">
<div class="top-bar"><div class="w1200">
<span class="tg">推广</span> <b>热搜:</b> {hot}
<span class="login"><a href="{s}member/login.php">登录</a>
<a href="{s}member/register.php">注册</a></span>
</div></div>
<div class="head-main w1200">
<a class="logo" href="{s}"><img src="{s}file/upload/202501/logo.png" alt="{SITE_NAME}"/></a>
<form class="search" action="{s}api/search.php"><input name="kw" placeholder="请输入关键词"/>
<button type="submit">搜索</button></form>
</div>
<div class="menu-bar"><div class="w1200">
{menu}
</div></div>
</div>"""


def _card(view: View, article: Article) -> str:
    link = view.link(article)
    return (
        f'<div class="list-item"><div class="pic"><a href="{link}">'
        f'<img src="{view.site}file/upload/{article.id}.jpg" alt=""/></a></div>'
        f'<div class="txt"><h3><a href="{link}" title="{esc(article.title)}" target="_blank">'
        f"{esc(article.title)}</a></h3>"
        f'<p class="intro">{esc(article.summary)}</p>'
        f'<p class="info"><span class="date">{view.stamp(article)}</span> '
        f'<span class="from">{esc(article.source or SITE_NAME)}</span></p></div></div>'
    )


def _box(view: View, title: str, articles: Sequence[Article], index: int) -> str:
    rows = "\n".join(
        f'<p class="t"><a href="{view.link(a)}" title="{esc(a.title)}" target="_blank">'
        f"{esc(_short(a.title))}</a></p>"
        for a in articles
    )
    more = f"{view.site}news/list-{index + 1}.html" if index else f"{view.site}news/"
    return f"""<div class="box">
<div class="box-hd"><strong>{title}</strong><a class="more" href="{more}">更多»</a></div>
<div class="box-bd">
{rows}
</div>
</div>"""


def _pager(view: View, page: int) -> str:
    parts = []
    if page > 1:
        parts.append(f'<a href="{view.list_url(page - 1)}">上一页</a>')
    for number in range(1, view.pages + 1):
        if number == page:
            parts.append(f'<span class="cur">{number}</span>')
        else:
            parts.append(f'<a href="{view.list_url(number)}">{number}</a>')
    if page < view.pages:
        parts.append(f'<a href="{view.list_url(page + 1)}">下一页</a>')
    return '<div class="pagination">' + " ".join(parts) + "</div>"


def _footer(view: View) -> str:
    s = view.site
    links = (
        ("网站首页", s),
        ("关于我们", f"{s}about/index.html"),
        ("联系方式", f"{s}about/contact.html"),
        ("使用协议", f"{s}about/agreement.html"),
        ("版权隐私", f"{s}about/copyright.html"),
        ("网站地图", f"{s}sitemap/"),
        ("排名推广", f"{s}spread/"),
        ("广告服务", f"{s}ad/"),
        ("网站留言", f"{s}guestbook/"),
        ("RSS订阅", f"{s}feed/"),
    )
    foot = " | ".join(f'<a href="{url}">{name}</a>' for name, url in links)
    return f"""<div class="footer"><div class="w1200">
<p class="foot-links">{foot}</p>
<p>(c)2025 {SITE_NAME} All Rights Reserved <a href="https://beian.miit.gov.cn/">鄂ICP备2020018471号</a></p>
</div></div>"""
