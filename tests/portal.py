"""A sample Destoon news portal served over real HTTP for the test suite (127.0.0.1 only).

The markup copies what the first portal's pages look like (Destoon B2B, news module): full
pages of 30-60 KB with a hot-search top bar, menus, breadcrumb, sidebars full of unrelated
links and a footer, around the few structures the feeds are read from.

URL map (``PREFIX`` is ``/`` or one of the variants ``/gbk/``, ``/lying/``, ``/relative/``,
``/v3/``)::

    /                                   home page
    PREFIX news/  (news/list-1.html)    listing page 1, newest first, ``per_page`` items
    PREFIX news/list-N.html             listing page N (404 beyond the last page)
    PREFIX news/<id>.html               article page
    PREFIX mobile/news/                 mobile listing (mobile/news/list-N.html too)
    PREFIX mobile/news/<id>.html        mobile article page (another layout, no canonical)
    PREFIX file/upload/….jpg|png|gif    tiny images; PREFIX skin/loading.gif too
    anything else                       404 page (the css/js links, categories, members …)

Variants: ``/gbk/`` is real GBK bytes (header and ``<meta charset="gbk">``); ``/lying/`` is
UTF-8 bytes that declare gb2312 in the header and the meta tag; ``/relative/`` shows listing
dates as ``刚刚``, ``3分钟前``, ``2小时前``, ``昨天 09:27``, ``12-05 10:23``, computed from
``SamplePortal.clock`` (its articles are re-dated relative to that clock, pages included).
``/v3/`` serves its listing pages in a newer template laid out like the first user's portal:
cards that are not ``li``, six sidebar boxes of eight headline links, the seed page's top bar
(``tests/portal_v3.py``); its article pages are the classic ones.

Listing quirks that exercise identity folding: on page 1 the third item links with
``?utm_source=list``; page 2 lists its 4th article twice: first at the top through its mobile
URL, then in its place (so page 2 has ``per_page + 1`` items, ``per_page`` distinct articles).

``SamplePortal.redesign = True`` (flip it any time, pages are rendered per request) serves
every listing page (all variants, mobile too) in a new template whose selectors the classic
config no longer matches; the article URLs, the articles and their order stay, quirks included::

    item  section.news-feed article.entry      (classic: div.catlist li)
    link  h3.entry-title a                     (classic: a)
    title h3.entry-title a                     (classic: a, with the full title in title=)
    date  time.entry-date                      (datetime="2024-12-13T16:45:00+08:00")
    next  nav.pager a.pager-next[rel=next]     (classic: div.pages a.next)

The chrome (top bar, nav, breadcrumb, sidebars, footer) is rebuilt with new class names as
well; article pages and the home page keep the classic template.
"""

from __future__ import annotations

import hashlib
import html
import re
import struct
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import quote, urlsplit

from portal_content import ARTICLES, CHINA_TZ, Article
from portal_v3 import render_listing_v3

__all__ = ["CHINA_TZ", "Article", "SamplePortal", "relative_label"]

SITE_NAME = "企库往"
NOTICE = "特别提示：本信息由相关用户自行提供，真实性未证实，仅供参考。请谨慎采用，风险自负。"
TITLE_LIMIT = 30  # listing anchors show this many characters, then "..."
HOT_SEARCHES = (
    "page",
    "关键词",
    "数据分析",
    "服务",
    "获取",
    "哪些",
    "链接",
    "数据分析系统",
    "搜索",
    "小红",
)


def esc(text: str) -> str:
    return html.escape(text, quote=True)


# --------------------------------------------------------------------------- variants


@dataclass(frozen=True)
class _Variant:
    name: str  # "" for the main site
    codec: str  # the bytes on the wire
    charset: str  # what the header and the meta tag declare
    relative_dates: bool = False
    template: str = ""  # "v3": listing pages in portal_v3's template

    @property
    def prefix(self) -> str:
        return f"/{self.name}/" if self.name else "/"


MAIN = _Variant("", "utf-8", "utf-8")
VARIANTS = {
    "gbk": _Variant("gbk", "gbk", "gbk"),
    "lying": _Variant("lying", "utf-8", "gb2312"),
    "relative": _Variant("relative", "utf-8", "utf-8", relative_dates=True),
    "v3": _Variant("v3", "utf-8", "utf-8", template="v3"),
}


def relative_label(when: datetime, now: datetime) -> str:
    """How the /relative/ listing prints a time: 刚刚, N分钟前, N小时前, 昨天 HH:MM, MM-DD HH:MM."""
    seconds = (now - when).total_seconds()
    if seconds < 60:
        return "刚刚"
    if seconds < 3600:
        return f"{int(seconds // 60)}分钟前"
    # Hours for the last few, even across midnight as real sites do: every form then shows
    # whatever the time of day (at 00:50 "2小时前" would otherwise become "昨天 22:50").
    if when.date() == now.date() or seconds < 3 * 3600:
        return f"{int(seconds // 3600)}小时前"
    if when.date() == now.date() - timedelta(days=1):
        return f"昨天 {when:%H:%M}"
    if when.year == now.year:
        return f"{when:%m-%d %H:%M}"
    return f"{when:%Y-%m-%d %H:%M}"


def _relative_times(articles: Sequence[Article], now: datetime) -> dict[int, datetime]:
    """Re-date the articles (newest first) so that the listing shows every relative form."""
    now = now.astimezone(CHINA_TZ)
    times: dict[int, datetime] = {}
    for index, article in enumerate(articles):
        if index == 0:
            when = now - timedelta(seconds=20)
        elif index == 1:
            when = now - timedelta(minutes=3)
        elif index == 2:
            when = now - timedelta(hours=2)
        elif index == 3:
            when = (now - timedelta(days=1)).replace(hour=9, minute=27, second=0, microsecond=0)
        else:
            original = article.published
            when = (now - timedelta(days=index - 2)).replace(
                hour=original.hour, minute=original.minute, second=0, microsecond=0
            )
        times[article.id] = when
    return times


# --------------------------------------------------------------------------- rendering


@dataclass
class _View:
    """Everything one request renders from: a snapshot of the model."""

    origin: str  # "http://127.0.0.1:PORT"
    variant: _Variant
    articles: list[Article]  # newest first
    times: dict[int, datetime]
    hits: dict[int, int]
    now: datetime
    per_page: int
    redesign: bool = False  # listings in the new template

    @property
    def site(self) -> str:
        return self.origin + self.variant.prefix

    @property
    def prefix(self) -> str:
        return self.variant.prefix

    def link(self, article: Article) -> str:
        return f"{self.site}news/{article.id}.html"

    def mobile_link(self, article: Article) -> str:
        return f"{self.site}mobile/news/{article.id}.html"

    def list_url(self, page: int, mobile: bool = False) -> str:
        base = f"{self.site}mobile/news/" if mobile else f"{self.site}news/"
        return base if page == 1 else f"{base}list-{page}.html"

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.articles) // self.per_page))

    def stamp(self, article: Article) -> str:
        """The listing's date: the full time, or a relative one on /relative/."""
        when = self.times[article.id]
        if self.variant.relative_dates:
            return relative_label(when, self.now)
        return f"{when:%Y-%m-%d %H:%M}"

    def day(self, article: Article) -> str:
        return f"{self.times[article.id]:%m-%d}"

    def page_date(self, article: Article) -> str:
        when = self.times[article.id]
        return f"{when:%Y-%m-%d %H:%M}" if article.has_time else f"{when:%Y-%m-%d}"

    def others(self, article: Article | None, count: int, offset: int = 0) -> list[Article]:
        pool = [a for a in self.articles if article is None or a.id != article.id]
        if not pool:
            return []
        offset %= len(pool)
        return (pool[offset:] + pool[:offset])[:count]


def _short(title: str, limit: int = TITLE_LIMIT) -> str:
    return title if len(title) <= limit else title[:limit] + "..."


def _unique(articles: Sequence[Article]) -> list[Article]:
    return list({a.id: a for a in articles}.values())


def _seed_hits(article_id: int) -> int:
    return (article_id * 37) % 900 + 100


_CATEGORIES = (
    ("人工智能", "rengongzhineng", ("AI", "人工智能", "大模型", "算力", "GPU", "英伟达", "OpenAI")),
    ("钢铁资讯", "gangtie", ("钢", "螺纹", "热卷", "冷轧")),
    ("物流资讯", "wuliu", ("物流", "快递", "冷链", "运价")),
    ("展会资讯", "zhanhui", ("博览会", "展会", "中博会")),
)
_NEWS_CATEGORIES = (
    ("行业资讯", "hangye"),
    ("企业新闻", "qiye"),
    ("人工智能", "rengongzhineng"),
    ("大数据", "dashuju"),
    ("云计算", "yunjisuan"),
    ("电子商务", "dianzishangwu"),
    ("钢铁资讯", "gangtie"),
    ("有色金属", "youse"),
    ("化工资讯", "huagong"),
    ("物流资讯", "wuliu"),
    ("展会资讯", "zhanhui"),
    ("政策法规", "zhengce"),
    ("市场行情", "hangqing"),
    ("技术前沿", "jishu"),
    ("创业投资", "chuangye"),
    ("外贸资讯", "waimao"),
    ("农业资讯", "nongye"),
    ("建材资讯", "jiancai"),
    ("机械设备", "jixie"),
    ("电子电工", "dianzi"),
    ("汽车资讯", "qiche"),
    ("能源环保", "nengyuan"),
    ("医药健康", "yiyao"),
    ("纺织服装", "fangzhi"),
)
_MODULES = (
    ("供应", "sell"),
    ("求购", "buy"),
    ("公司", "company"),
    ("资讯", "news"),
    ("展会", "exhibit"),
    ("招商", "invest"),
    ("品牌", "brand"),
    ("知道", "know"),
    ("下载", "down"),
    ("视频", "video"),
    ("图库", "photo"),
    ("专题", "special"),
    ("人才", "job"),
    ("商城", "mall"),
    ("团购", "group"),
    ("行情", "quote"),
)
_COMPANIES = (
    "武汉智联数据科技有限公司",
    "深圳云启信息技术有限公司",
    "上海锐思智能装备有限公司",
    "湖北长江钢铁贸易有限公司",
    "广州顺通国际物流有限公司",
    "杭州数策网络科技有限公司",
    "北京华算科技发展有限公司",
    "成都锦程会展服务有限公司",
    "苏州精工自动化设备有限公司",
    "天津港联供应链管理有限公司",
)
_PRODUCTS = (
    "工业级交换机",
    "机架式服务器",
    "液冷散热机柜",
    "螺纹钢 HRB400E",
    "冷轧板卷 SPCC",
    "冷藏运输车",
    "仓储货架",
    "不间断电源",
    "光模块 400G",
    "数据采集网关",
    "叉车租赁",
    "展台设计搭建",
)
_FRIEND_LINKS = (
    "中国制造网",
    "慧聪网",
    "世界工厂网",
    "中国供应商",
    "一呼百应",
    "马可波罗",
    "八方资源网",
    "中国黄页",
    "搜了网",
    "企业名录",
    "商务之窗",
    "中华机械网",
    "中国化工网",
    "我的钢铁网",
    "物流天下",
    "中国会展网",
    "中国物通网",
    "全球五金网",
    "中国建材网",
    "电子元件网",
)


def _category(article: Article) -> tuple[str, str]:
    for name, directory, markers in _CATEGORIES:
        if any(marker in article.title for marker in markers):
            return name, directory
    return "行业资讯", "hangye"


def _head(view: _View, title: str, keywords: str, description: str, extra: str = "") -> str:
    s = view.site
    return f"""<!doctype html>
<html>
<head>
<meta charset="{view.variant.charset}"/>
<title>{esc(title)}</title>
<meta name="keywords" content="{esc(keywords)}"/>
<meta name="description" content="{esc(description)}"/>
<meta name="generator" content="DESTOON B2B - www.destoon.com"/>
<meta name="renderer" content="webkit"/>
<meta http-equiv="X-UA-Compatible" content="IE=edge"/>
<link rel="shortcut icon" type="image/x-icon" href="{s}favicon.ico"/>
<link rel="bookmark" type="image/x-icon" href="{s}favicon.ico"/>
{extra}<link rel="stylesheet" type="text/css" href="{s}skin/default/style.css"/>
<link rel="stylesheet" type="text/css" href="{s}skin/default/news.css"/>
<!--[if lte IE 6]>
<link rel="stylesheet" type="text/css" href="{s}skin/default/ie6.css"/>
<![endif]-->
<script type="text/javascript">window.onerror=function(){{return true;}}</script>
<script type="text/javascript" src="{s}lang/zh-cn/lang.js"></script>
<script type="text/javascript" src="{s}file/script/config.js"></script>
<!--[if lte IE 9]><!-->
<script type="text/javascript" src="{s}file/script/jquery-1.5.2.min.js"></script>
<!--<![endif]-->
<!--[if (gte IE 10)|!(IE)]><!-->
<script type="text/javascript" src="{s}file/script/jquery-2.1.1.min.js"></script>
<!--<![endif]-->
<script type="text/javascript" src="{s}file/script/common.js"></script>
<script type="text/javascript" src="{s}file/script/page.js"></script>
<script type="text/javascript" src="{s}file/script/jquery.lazyload.js"></script>
<script type="text/javascript">
var DTPath = '{s}';
var DTMob = '{s}mobile/';
var SKPath = '{s}skin/default/';
var MEPath = '{s}member/';
var DTEditor = 'fckeditor';
var CKDomain = '';
var CKPath = '/';
var CKPrex = 'Dvq_';
var DTExt = '.html';
if(window.console){{console.log('%cPowered By DESTOON B2B', 'color:#FF6600;');}}
</script>
</head>
"""


def _top(view: _View, module: str = "news") -> str:
    s = view.site
    hot = "&nbsp; ".join(
        f'<a href="{s}news/search.php?kw={quote(word)}" rel="nofollow">{esc(word)}</a>'
        for word in HOT_SEARCHES
    )
    options = "".join(
        f'<option value="{index + 5}"{" selected" if key == module else ""}>{name}</option>'
        for index, (name, key) in enumerate(_MODULES)
    )
    on = ' class="menuon"'
    menu = f'<li><a href="{s}"><span>首页</span></a></li>' + "".join(
        f'<li{on if key == module else ""}><a href="{s}{key}/"><span>{name}</span></a></li>'
        for name, key in _MODULES
    )
    keywords = "".join(
        f'<a href="{s}news/search.php?kw={quote(word)}" rel="nofollow">{esc(word)}</a> '
        for word in ("人工智能", "大模型", "钢材价格", "物流", "展会", "GPU", "算力", "供应链")
    )
    categories = "".join(
        f'<li><a href="{s}news/{directory}/">{name}</a></li>'
        for name, directory in _NEWS_CATEGORIES
    )
    return f"""<body>
<div class="head" id="head">
<div class="top">
<div class="m">
<div class="top_l"><span class="f_red">推广</span> 热搜: {hot}</div>
<div class="top_r" id="destoon_member">
<a href="{s}member/login.php" rel="nofollow">登录</a> |
<a href="{s}member/register.php" rel="nofollow">免费注册</a> |
<a href="{s}member/" rel="nofollow">会员中心</a> |
<a href="{s}mobile/" target="_blank">手机版</a> |
<a href="{s}member/cart.php" rel="nofollow">购物车</a> |
<a href="{s}sitemap/">网站导航</a>
</div>
</div>
</div>
<div class="m">
<div class="logo f_l"><a href="{s}">
<img src="{s}file/upload/201909/10/logo.png" alt="{SITE_NAME}"/></a></div>
<div class="head_search" onmouseover="Dh('search_tips');" onmouseout="Ds('search_tips');">
<form id="destoon_search" action="{s}api/search.php" onsubmit="return Dsearch(1);">
<input type="hidden" name="moduleid" value="21" id="destoon_moduleid"/>
<input type="hidden" name="spread" value="0" id="destoon_spread"/>
<div class="head_search_mod">
<select name="mid" onchange="Dmod(this.value);">{options}</select>
</div>
<div class="head_search_kw">
<input name="kw" id="destoon_kw" type="text" class="search_i" value="请输入关键词"
 onfocus="if(this.value=='请输入关键词') this.value='';" x-webkit-speech speech/>
</div>
<div class="head_search_btn"><input type="submit" value=" " class="search_s"/></div>
</form>
<div class="head_search_tips" id="search_tips">热门搜索：{keywords}</div>
</div>
<div class="head_contact"><strong>客服热线</strong><br/><span>027-8765 4321</span></div>
</div>
<div class="menu">
<div class="m"><ul id="menu">{menu}</ul></div>
</div>
<div class="m">
<div class="category"><ul>{categories}</ul></div>
</div>
</div>
"""


def _side_list(view: _View, title: str, articles: Sequence[Article], more: str) -> str:
    items = "".join(
        f'<li><span class="f_r px11">{view.day(a)}</span><a href="{view.link(a)}" '
        f'title="{esc(a.title)}" target="_blank">{esc(_short(a.title, 20))}</a></li>\n'
        for a in articles
    )
    return f"""<div class="side">
<div class="side_head"><div>
<span class="f_r"><a href="{more}" target="_blank" rel="nofollow">更多&raquo;</a></span>
<strong>{title}</strong>
</div></div>
<div class="side_body"><ul class="list_side">
{items}</ul></div>
</div>
"""


def _side_ranking(view: _View, title: str, articles: Sequence[Article]) -> str:
    ranked = sorted(articles, key=lambda a: _seed_hits(a.id), reverse=True)
    items = "".join(
        f'<li><span class="f_r px11">{_seed_hits(a.id)}</span><em class="rank rank{i + 1}">'
        f'{i + 1}</em><a href="{view.link(a)}" title="{esc(a.title)}" target="_blank">'
        f"{esc(_short(a.title, 18))}</a></li>\n"
        for i, a in enumerate(ranked[:10])
    )
    return f"""<div class="side">
<div class="side_head"><div><strong>{title}</strong></div></div>
<div class="side_body"><ul class="rank_list">
{items}</ul></div>
</div>
"""


def _side_thumbs(view: _View, title: str, articles: Sequence[Article]) -> str:
    items = "".join(
        f'<div class="thumb"><a href="{view.link(a)}" target="_blank" title="{esc(a.title)}">'
        f'<img src="{view.prefix}file/upload/{a.published:%Y%m/%d}/{a.id}00.jpg.thumb.jpg" '
        f'width="120" height="90" alt="{esc(a.title)}"/></a>'
        f'<div><a href="{view.link(a)}" target="_blank">{esc(_short(a.title, 12))}</a></div>'
        "</div>\n"
        for a in articles
    )
    return f"""<div class="side">
<div class="side_head"><div>
<span class="f_r"><a href="{view.site}photo/" target="_blank">更多&raquo;</a></span>
<strong>{title}</strong>
</div></div>
<div class="side_body thumbs">
{items}<div class="c_b"></div></div>
</div>
"""


def _side_misc(view: _View) -> str:
    s = view.site
    companies = "".join(
        f'<li><a href="{s}com/{1000 + i * 17}/" target="_blank" title="{name}">{name}</a>'
        f'<span class="vip" title="VIP会员">{(i % 5) + 1}年</span></li>\n'
        for i, name in enumerate(_COMPANIES)
    )
    products = "".join(
        f'<li><span class="f_r f_red">面议</span><a href="{s}sell/{12400 + i * 31}.html" '
        f'target="_blank" title="{name}">{name}</a></li>\n'
        for i, name in enumerate(_PRODUCTS)
    )
    tags = " ".join(
        f'<a href="{s}news/search.php?kw={quote(word)}" class="tag{i % 4}" rel="nofollow">'
        f"{esc(word)}</a>"
        for i, word in enumerate(
            (
                "人工智能",
                "大模型",
                "GPU",
                "算力",
                "英伟达",
                "OpenAI",
                "xAI",
                "Grok",
                "钢材价格",
                "螺纹钢",
                "冷链物流",
                "快递",
                "展会",
                "博览会",
                "供应链",
                "智能制造",
                "数据中心",
                "云计算",
                "芯片",
                "机器人",
            )
        )
    )
    return f"""<div class="side">
<div class="side_head"><div>
<span class="f_r"><a href="{s}company/" target="_blank">更多&raquo;</a></span>
<strong>推荐企业</strong>
</div></div>
<div class="side_body"><ul class="list_side">
{companies}</ul></div>
</div>
<div class="side">
<div class="side_head"><div>
<span class="f_r"><a href="{s}sell/" target="_blank">更多&raquo;</a></span>
<strong>最新供应</strong>
</div></div>
<div class="side_body"><ul class="list_side">
{products}</ul></div>
</div>
<div class="side">
<div class="side_head"><div><strong>热门标签</strong></div></div>
<div class="side_body tags">{tags}</div>
</div>
<div class="side ad"><a href="{s}api/redirect.php?aid=12" target="_blank" rel="nofollow">
<img src="{s}file/upload/202411/20/ad_300x250.jpg" width="300" height="250" alt="广告"/>
</a></div>
"""


def _footer(view: _View) -> str:
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
        ("积分换礼", f"{s}gift/"),
        ("网站留言", f"{s}guestbook/"),
        ("RSS订阅", f"{s}feed/"),
        ("违规举报", f"{s}guestbook/index.php?type=report"),
    )
    foot = "&nbsp;&nbsp;|&nbsp;&nbsp;".join(f'<a href="{url}">{name}</a>' for name, url in links)
    friends = "".join(
        f'<li><a href="https://www.link{i:02d}.example.com/" target="_blank">{name}</a></li>'
        for i, name in enumerate(_FRIEND_LINKS)
    )
    return f"""<div class="m">
<div class="b20"></div>
<div class="friend_link">
<div class="friend_link_head">
<span class="f_r"><a href="{s}link/" target="_blank">更多&raquo;</a></span>
<strong>友情链接</strong>
</div>
<div class="friend_link_body"><ul>{friends}</ul><div class="c_b"></div></div>
</div>
</div>
<div class="b20"></div>
<div class="foot_page">
{foot}&nbsp;&nbsp;|&nbsp;&nbsp;<a href="https://beian.miit.gov.cn/" target="_blank"
 rel="nofollow">鄂ICP备2020018471号</a>
</div>
<div class="foot">
<div id="copyright">(c)2024 {SITE_NAME} SYSTEM All Rights Reserved</div>
<div id="powered"><a href="https://www.destoon.com/" target="_blank">
<img src="{s}file/image/powered.gif" width="136" height="21" alt="Powered by DESTOON"/>
</a></div>
</div>
<div class="back2top"><a href="javascript:void(0);" title="返回顶部">&nbsp;</a></div>
<script type="text/javascript">
$(function(){{
  $('img.lazy').lazyload({{effect:'fadeIn', data_attribute:'src'}});
  $('.back2top').click(function(){{$('html,body').animate({{scrollTop:0}}, 300);}});
  $(window).scroll(function(){{
    if($(window).scrollTop() > 300) {{$('.back2top').fadeIn();}} else {{$('.back2top').fadeOut();}}
  }});
}});
var _hmt = _hmt || [];
(function() {{
  var hm = document.createElement('script');
  hm.src = '{s}file/script/stat.js?v=20241206';
  var x = document.getElementsByTagName('script')[0];
  x.parentNode.insertBefore(hm, x);
}})();
</script>
</body>
</html>
"""


def _breadcrumb(view: _View, *steps: tuple[str, str | None]) -> str:
    parts = [f'<a href="{view.site}">首页</a>']
    for name, url in steps:
        parts.append(f'<a href="{url}">{name}</a>' if url else name)
    return f'<div class="m"><div class="nav">当前位置: {" <i>&gt;</i> ".join(parts)}</div></div>\n'


def _listing_items(view: _View, page: int) -> list[tuple[Article, str]]:
    start = (page - 1) * view.per_page
    items = [(a, view.link(a)) for a in view.articles[start : start + view.per_page]]
    if page == 1 and len(items) >= 3:
        article, url = items[2]
        items[2] = (article, url + "?utm_source=list")
    if page == 2 and items:
        # A "sticky" copy at the top, through the mobile URL, of an article listed below.
        twice = items[min(3, len(items) - 1)][0]
        items.insert(0, (twice, view.mobile_link(twice)))
    return items


def _pages(view: _View, page: int, mobile: bool = False) -> str:
    total = view.pages
    parts: list[str] = []
    if page > 1:
        parts.append(f'<a href="{view.list_url(page - 1, mobile)}">&nbsp;上一页&nbsp;</a>')
    for number in range(1, total + 1):
        if number == page:
            parts.append(f"<strong>{number}</strong>")
        else:
            parts.append(f'<a href="{view.list_url(number, mobile)}">&nbsp;{number}&nbsp;</a>')
    if page < total:
        parts.append(f'<a href="{view.list_url(page + 1, mobile)}" class="next">下一页</a>')
    parts.append(f"<cite>共{len(view.articles)}条/{total}页</cite>")
    return f'<div class="pages">{" ".join(parts)}</div>'


def render_listing(view: _View, page: int) -> str:
    items = _listing_items(view, page)
    rows: list[str] = []
    for index, (article, url) in enumerate(items):
        rows.append(
            f'<li><i>{view.stamp(article)}</i><a href="{url}" title="{esc(article.title)}" '
            f'target="_blank">{esc(_short(article.title))}</a></li>'
        )
        if index % 5 == 4:
            rows.append('<li class="sp"></li>')
    title = f"资讯_{SITE_NAME}" if page == 1 else f"资讯_第{page}页_{SITE_NAME}"
    s = view.site
    shown = {a.id for a, _ in items}
    elsewhere = [a for a in view.articles if a.id not in shown] or view.articles
    sides = (
        _side_list(view, "相关文章", elsewhere[:10], f"{s}news/")
        + _side_ranking(view, "点击排行", view.articles)
        + _side_thumbs(view, "推荐图文", view.others(None, 6, 3))
        + _side_misc(view)
    )
    return (
        _head(
            view,
            title,
            "资讯,行业资讯,人工智能,钢材价格,物流,展会",
            f"{SITE_NAME}资讯频道，提供最新行业资讯、企业新闻、市场行情。",
        )
        + _top(view)
        + _breadcrumb(view, ("资讯", f"{s}news/"))
        + f"""<div class="m">
<div class="m_l f_l">
<div class="left_box">
<div class="catlist_head">
<span class="f_r"><a href="{s}news/search.php" rel="nofollow">资讯搜索</a></span>
<strong>最新资讯</strong>
</div>
<div class="catlist"><ul>
{chr(10).join(rows)}
</ul></div>
{_pages(view, page)}
</div>
</div>
<div class="m_r f_r">
{sides}</div>
<div class="c_b"></div>
</div>
"""
        + _footer(view)
    )


# --------------------------------------------------------------------------- the redesign
#
# ``SamplePortal.redesign``: the listing pages come in a new template (new class names, new
# structure, new chrome) as when a site is rebuilt; the article URLs, the articles and their
# order stay what they were. Article pages and the home page keep the classic template.


def _iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def _top_v2(view: _View, module: str = "news") -> str:
    s = view.site
    hot = "&nbsp; ".join(
        f'<a href="{s}news/search.php?kw={quote(word)}" rel="nofollow">{esc(word)}</a>'
        for word in HOT_SEARCHES
    )
    options = "".join(
        f'<option value="{index + 5}"{" selected" if key == module else ""}>{name}</option>'
        for index, (name, key) in enumerate(_MODULES)
    )
    menu = f'<li class="nav-item"><a href="{s}">首页</a></li>\n' + "".join(
        f'<li class="nav-item{" is-active" if key == module else ""}">'
        f'<a href="{s}{key}/">{name}</a></li>\n'
        for name, key in _MODULES
    )
    channels = "".join(
        f'<a class="channel" href="{s}news/{directory}/">{name}</a>\n'
        for name, directory in _NEWS_CATEGORIES
    )
    return f"""<body class="page-news">
<header class="site-header">
<div class="topbar">
<div class="container topbar-inner">
<p class="topbar-hot"><span class="badge">推广</span> 热搜: {hot}</p>
<p class="topbar-user">
<a href="{s}member/login.php" rel="nofollow">登录</a>
<a href="{s}member/register.php" rel="nofollow">免费注册</a>
<a href="{s}member/" rel="nofollow">会员中心</a>
<a href="{s}mobile/" target="_blank">手机版</a>
<a href="{s}member/cart.php" rel="nofollow">购物车</a>
<a href="{s}sitemap/">网站导航</a>
</p>
</div>
</div>
<div class="container brand-row">
<a class="brand" href="{s}">
<img src="{s}file/upload/202501/06/logo-2025.png" alt="{SITE_NAME}"/></a>
<form class="search-box" role="search" action="{s}api/search.php">
<select name="mid" aria-label="频道">{options}</select>
<input type="search" name="kw" placeholder="请输入关键词" aria-label="关键词"/>
<button type="submit">搜索</button>
</form>
<p class="hotline">客服热线 <strong>027-8765 4321</strong></p>
</div>
<nav class="main-nav" aria-label="主导航">
<div class="container"><ul class="nav-list">
{menu}</ul></div>
</nav>
<div class="container channels">
{channels}</div>
</header>
"""


def _crumbs_v2(view: _View, *steps: tuple[str, str | None]) -> str:
    parts = [f'<li><a href="{view.site}">首页</a></li>']
    for name, url in steps:
        parts.append(f'<li><a href="{url}">{name}</a></li>' if url else f"<li>{name}</li>")
    return (
        '<nav class="crumbs container" aria-label="当前位置"><ol>'
        + "".join(parts)
        + "</ol></nav>\n"
    )


def _widget(title: str, body: str, more: str | None = None) -> str:
    link = f'<a class="widget-more" href="{more}" target="_blank">更多</a>' if more else ""
    return f"""<section class="widget">
<header class="widget-head"><h4>{title}</h4>{link}</header>
{body}
</section>
"""


def _widget_list(view: _View, title: str, articles: Sequence[Article], more: str) -> str:
    rows = "".join(
        f'<li><a href="{view.link(a)}" title="{esc(a.title)}" target="_blank">'
        f'{esc(_short(a.title, 20))}</a><span class="widget-meta">{view.day(a)}</span></li>\n'
        for a in articles
    )
    return _widget(title, f'<ul class="widget-links">\n{rows}</ul>', more)


def _widget_ranking(view: _View, title: str, articles: Sequence[Article]) -> str:
    ranked = sorted(articles, key=lambda a: _seed_hits(a.id), reverse=True)
    rows = "".join(
        f'<li class="rank-{i + 1}"><b class="rank-no">{i + 1}</b>'
        f'<a href="{view.link(a)}" title="{esc(a.title)}" target="_blank">'
        f'{esc(_short(a.title, 18))}</a><span class="widget-meta">{_seed_hits(a.id)}</span></li>\n'
        for i, a in enumerate(ranked[:10])
    )
    return _widget(title, f'<ol class="widget-rank">\n{rows}</ol>')


def _widget_thumbs(view: _View, title: str, articles: Sequence[Article]) -> str:
    cards = "".join(
        f'<figure class="card"><a href="{view.link(a)}" target="_blank" title="{esc(a.title)}">'
        f'<img src="{view.prefix}file/upload/{a.published:%Y%m/%d}/{a.id}00.jpg.thumb.jpg" '
        f'loading="lazy" width="120" height="90" alt="{esc(a.title)}"/></a>'
        f'<figcaption><a href="{view.link(a)}" target="_blank">{esc(_short(a.title, 12))}</a>'
        "</figcaption></figure>\n"
        for a in articles
    )
    return _widget(title, f'<div class="card-grid">\n{cards}</div>', f"{view.site}photo/")


def _widget_misc(view: _View) -> str:
    s = view.site
    companies = "".join(
        f'<li><a href="{s}com/{1000 + i * 17}/" target="_blank" title="{name}">{name}</a>'
        f'<em class="vip-years" title="VIP会员">{(i % 5) + 1}年</em></li>\n'
        for i, name in enumerate(_COMPANIES)
    )
    products = "".join(
        f'<li><a href="{s}sell/{12400 + i * 31}.html" target="_blank" title="{name}">{name}</a>'
        '<em class="price">面议</em></li>\n'
        for i, name in enumerate(_PRODUCTS)
    )
    tags = " ".join(
        f'<a href="{s}news/search.php?kw={quote(word)}" class="chip chip-{i % 4}" rel="nofollow">'
        f"{esc(word)}</a>"
        for i, word in enumerate(
            (
                "人工智能",
                "大模型",
                "GPU",
                "算力",
                "英伟达",
                "OpenAI",
                "xAI",
                "Grok",
                "钢材价格",
                "螺纹钢",
                "冷链物流",
                "快递",
                "展会",
                "博览会",
                "供应链",
                "智能制造",
                "数据中心",
                "云计算",
                "芯片",
                "机器人",
            )
        )
    )
    advert = (
        f'<a href="{s}api/redirect.php?aid=12" target="_blank" rel="nofollow sponsored">'
        f'<img src="{s}file/upload/202411/20/ad_300x250.jpg" width="300" height="250" '
        'alt="广告"/></a>'
    )
    return (
        _widget("推荐企业", f'<ul class="widget-companies">\n{companies}</ul>', f"{s}company/")
        + _widget("最新供应", f'<ul class="widget-products">\n{products}</ul>', f"{s}sell/")
        + _widget("热门标签", f'<div class="chips">{tags}</div>')
        + f'<section class="widget widget-ad">{advert}</section>\n'
    )


def _footer_v2(view: _View) -> str:
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
        ("积分换礼", f"{s}gift/"),
        ("网站留言", f"{s}guestbook/"),
        ("RSS订阅", f"{s}feed/"),
        ("违规举报", f"{s}guestbook/index.php?type=report"),
    )
    foot = "".join(f'<li><a href="{url}">{name}</a></li>' for name, url in links)
    friends = "".join(
        f'<a href="https://www.link{i:02d}.example.com/" target="_blank">{name}</a>\n'
        for i, name in enumerate(_FRIEND_LINKS)
    )
    return f"""<section class="partners container">
<header class="partners-head"><h4>友情链接</h4>
<a class="partners-more" href="{s}link/" target="_blank">更多</a></header>
<div class="partners-body">
{friends}</div>
</section>
<footer class="site-footer">
<div class="container">
<ul class="footer-links">{foot}</ul>
<p class="footer-legal">(c)2025 {SITE_NAME} SYSTEM All Rights Reserved
<a href="https://beian.miit.gov.cn/" target="_blank" rel="nofollow">鄂ICP备2020018471号</a></p>
<p class="footer-powered">
<a href="https://www.destoon.com/" target="_blank">Powered by DESTOON</a></p>
</div>
</footer>
<button class="to-top" type="button" aria-label="返回顶部"></button>
<script type="text/javascript">
document.querySelector('.to-top').addEventListener('click', function() {{
  window.scrollTo({{top: 0, behavior: 'smooth'}});
}});
var _hmt = _hmt || [];
(function() {{
  var hm = document.createElement('script');
  hm.src = '{s}file/script/stat.js?v=20250106';
  var x = document.getElementsByTagName('script')[0];
  x.parentNode.insertBefore(hm, x);
}})();
</script>
</body>
</html>
"""


def _pager_v2(view: _View, page: int, mobile: bool = False) -> str:
    total = view.pages
    parts: list[str] = []
    if page > 1:
        url = view.list_url(page - 1, mobile)
        parts.append(f'<a rel="prev" class="pager-prev" href="{url}">上一页</a>')
    for number in range(1, total + 1):
        if number == page:
            parts.append(f'<span class="pager-num is-current" aria-current="page">{number}</span>')
        else:
            parts.append(
                f'<a class="pager-num" href="{view.list_url(number, mobile)}">{number}</a>'
            )
    if page < total:
        url = view.list_url(page + 1, mobile)
        parts.append(f'<a rel="next" class="pager-next" href="{url}">下一页</a>')
    parts.append(f'<span class="pager-total">共{len(view.articles)}条/{total}页</span>')
    return '<nav class="pager" aria-label="分页">\n' + "\n".join(parts) + "\n</nav>"


def _entry_v2(view: _View, article: Article, url: str) -> str:
    when = view.times[article.id]
    return (
        f'<article class="entry"><h3 class="entry-title"><a href="{url}" '
        f'title="{esc(article.title)}" target="_blank">{esc(_short(article.title))}</a></h3>'
        f'<time class="entry-date" datetime="{_iso(when)}">{view.stamp(article)}</time></article>'
    )


def render_listing_v2(view: _View, page: int) -> str:
    items = _listing_items(view, page)
    rows: list[str] = []
    for index, (article, url) in enumerate(items):
        rows.append(_entry_v2(view, article, url))
        if index % 5 == 4 and index + 1 < len(items):
            rows.append('<div class="feed-break" role="separator"></div>')
    title = f"资讯_{SITE_NAME}" if page == 1 else f"资讯_第{page}页_{SITE_NAME}"
    s = view.site
    shown = {a.id for a, _ in items}
    elsewhere = [a for a in view.articles if a.id not in shown] or view.articles
    widgets = (
        _widget_list(view, "相关文章", elsewhere[:10], f"{s}news/")
        + _widget_ranking(view, "点击排行", view.articles)
        + _widget_thumbs(view, "推荐图文", view.others(None, 6, 3))
        + _widget_misc(view)
    )
    return (
        _head(
            view,
            title,
            "资讯,行业资讯,人工智能,钢材价格,物流,展会",
            f"{SITE_NAME}资讯频道，提供最新行业资讯、企业新闻、市场行情。",
            extra=f'<link rel="stylesheet" type="text/css" href="{s}static/v2/app.css"/>\n',
        )
        + _top_v2(view)
        + _crumbs_v2(view, ("资讯", f"{s}news/"))
        + f"""<main class="container layout">
<div class="layout-main">
<div class="panel">
<header class="panel-head"><h2>最新资讯</h2>
<a class="panel-more" href="{s}news/search.php" rel="nofollow">资讯搜索</a></header>
<section class="news-feed">
{chr(10).join(rows)}
</section>
{_pager_v2(view, page)}
</div>
</div>
<aside class="layout-side">
{widgets}</aside>
</main>
"""
        + _footer_v2(view)
    )


def render_mobile_listing_v2(view: _View, page: int) -> str:
    s = view.site
    start = (page - 1) * view.per_page
    rows = "\n".join(
        _entry_v2(view, a, view.mobile_link(a))
        for a in view.articles[start : start + view.per_page]
    )
    return f"""<!doctype html>
<html>
<head>
<meta charset="{view.variant.charset}"/>
<meta name="viewport" content="width=device-width,initial-scale=1.0"/>
<title>资讯_{SITE_NAME}</title>
<link rel="stylesheet" type="text/css" href="{s}static/v2/mobile.css"/>
</head>
<body class="m-page">
<header class="m-header"><h1>资讯</h1></header>
<main class="m-main">
<section class="news-feed">
{rows}
</section>
{_pager_v2(view, page, mobile=True)}
</main>
</body>
</html>
"""


def _content(view: _View, article: Article) -> str:
    when = article.published
    upload = f"{view.prefix}file/upload/{when:%Y%m}/{when:%d}"
    title = esc(article.title)
    parts = [
        f'<p style="text-align:center;"><img src="{upload}/{when:%H%M}{article.id}01.jpg" '
        f'alt="{title}" title="{title}" onclick="window.open(this.src);" '
        f'style="cursor:pointer;max-width:640px;"/></p>'
    ]
    middle = len(article.paragraphs) // 2
    for index, paragraph in enumerate(article.paragraphs):
        parts.append(f"<p>{esc(paragraph)}</p>")
        if index == 0:
            parts.append(
                '<script type="text/javascript">document.write(\'<div class="content_ad">'
                f'<a href="{view.site}api/redirect.php?aid=7">广告</a></div>\');</script>'
            )
        if index == middle:
            parts.append(
                f'<p style="text-align:center;"><img src="{view.prefix}skin/loading.gif" '
                f'data-src="{upload}/{article.id}02.png" class="lazy" alt="{title}"/></p>'
            )
    # A path-relative link; its text names no other article, so filters see this one only.
    older = [a for a in view.articles if a.id < article.id]
    other = older[0] if older else next((a for a in view.articles if a.id != article.id), None)
    if other is not None:
        parts.append(f'<p>延伸阅读：<a href="{other.id}.html" target="_blank">查看往期资讯</a></p>')
    return "\n".join(parts)


def render_article(view: _View, article: Article) -> str:
    s = view.site
    link = view.link(article)
    mobile = view.mobile_link(article)
    category, directory = _category(article)
    info = [f"日期：{view.page_date(article)}"]
    if article.source:
        info.append(f"来源：{esc(article.source)}")
    if article.author:
        info.append(f"作者：{esc(article.author)}")
    if article.editor:
        info.append(esc(article.editor))
    info.append(f'浏览：<span id="hits">{view.hits.get(article.id, 0)}</span>')
    info.append("评论：0")
    info.append(f'移动：<a href="{mobile}" target="_blank">{mobile}</a>')
    tags = "".join(
        f'<a href="{s}news/search.php?kw={quote(word)}" target="_blank" rel="nofollow">'
        f"{esc(word)}</a>"
        for word in article.keywords
    )
    newer = [a for a in view.articles if a.id > article.id]
    older = [a for a in view.articles if a.id < article.id]
    np = []
    if newer:
        np.append(
            f'<li><strong>下一篇：</strong><a href="{view.link(newer[-1])}" title="'
            f'{esc(newer[-1].title)}">{esc(newer[-1].title)}</a></li>'
        )
    if older:
        np.append(
            f'<li><strong>上一篇：</strong><a href="{view.link(older[0])}" title="'
            f'{esc(older[0].title)}">{esc(older[0].title)}</a></li>'
        )
    same = [a for a in view.articles if a.id != article.id and _category(a)[1] == directory]
    same = _unique(same + view.others(article, 10, 1))[:10]
    same_list = "".join(
        f'<li><i>{view.day(a)}</i><a href="{view.link(a)}" title="{esc(a.title)}" '
        f'target="_blank">{esc(a.title)}</a></li>\n'
        for a in same
    )
    related = [
        a for a in view.articles if a.id != article.id and set(a.keywords) & set(article.keywords)
    ]
    related = _unique(related + view.others(article, 10, 5))[:10]
    description = article.summary[:100]
    address = (
        f'本文地址：<a href="{link}">{link}</a>&nbsp;&nbsp;&nbsp;&nbsp;'
        f'{SITE_NAME} <a href="{s}">{s}</a> , 查看更多'
    )
    first_tag = quote(article.keywords[0]) if article.keywords else ""
    sides = (
        _side_list(view, "相关文章", related, f"{s}news/search.php?kw={first_tag}")
        + _side_list(view, "最新动态", view.others(article, 10), f"{s}news/")
        + _side_thumbs(view, "推荐图文", view.others(article, 6, 2))
        + _side_list(view, "最新资讯", view.others(article, 10, 10), f"{s}news/")
        + _side_ranking(view, "点击排行", view.articles)
        + _side_misc(view)
    )
    return (
        _head(
            view,
            f"{article.title}_{SITE_NAME}",
            ",".join([*article.keywords, category, "资讯"]),
            description,
            extra=(
                f'<meta http-equiv="mobile-agent" content="format=html5;url={mobile}"/>\n'
                f'<link rel="alternate" media="only screen and (max-width: 640px)" '
                f'href="{mobile}"/>\n'
            ),
        )
        + _top(view)
        + _breadcrumb(
            view, ("资讯", f"{s}news/"), (category, f"{s}news/{directory}/"), ("正文", None)
        )
        + f"""<div class="m">
<div class="m_l_1 f_l">
<div class="left_box">
<div class="tools"><span class="f_r">
<img src="{s}skin/default/image/zoomin.gif" width="16" height="16" title="放大字体"
 class="c_p" onclick="fontZoom('+', 'article');"/>&nbsp;&nbsp;
<img src="{s}skin/default/image/zoomout.gif" width="16" height="16" title="缩小字体"
 class="c_p" onclick="fontZoom('-', 'article');"/>
</span></div>
<h1 id="title">{esc(article.title)}</h1>
<div class="info">{"&nbsp;&nbsp;".join(info)}</div>
<div class="introduce">核心提示：{esc(article.summary)}</div>
<div class="content" id="article">
<div id="content">
{_content(view, article)}
</div>
<div class="content_tip">{address}</div>
<div class="content_tip">{NOTICE}</div>
</div>
<div class="keytags"><strong>标签：</strong>{tags}</div>
<div class="b10"></div>
<div class="np"><ul>
{chr(10).join(np)}
</ul></div>
<div class="b10"></div>
<div class="tool_bar">[ <a href="{s}news/search.php" rel="nofollow">资讯搜索</a> ]&nbsp;&nbsp;
[ <a href="javascript:SendFav();">加入收藏</a> ]&nbsp;&nbsp;
[ <a href="javascript:SendPage();">告诉好友</a> ]&nbsp;&nbsp;
[ <a href="javascript:Print();">打印本文</a> ]&nbsp;&nbsp;
[ <a href="javascript:SendReport();">违规举报</a> ]&nbsp;&nbsp;
[ <a href="javascript:window.close()">关闭窗口</a> ]</div>
</div>
<div class="b10"></div>
<div class="left_box">
<div class="head-txt">
<span class="f_r"><a href="{s}news/{directory}/" target="_blank">更多<i>&gt;</i></a></span>
<strong>同类最新资讯</strong>
</div>
<div class="list-txt"><ul>
{same_list}</ul></div>
</div>
<div class="b10"></div>
<div class="left_box" id="comment_div">
<div class="head-txt"><strong><span id="comment_count">0</span>相关评论</strong></div>
<div class="comment_form">
<form method="post" action="{s}comment/index.php" target="send" onsubmit="return C();">
<input type="hidden" name="mid" value="21"/>
<input type="hidden" name="itemid" value="{article.id}"/>
<textarea name="content" id="comment_content" rows="5" cols="60"
 placeholder="登录后才能发表评论"></textarea>
<div><input type="submit" value="发表评论" class="btn_s"/>&nbsp;&nbsp;
<span class="f_gray">评论需审核后显示</span></div>
</form>
<iframe src="about:blank" name="send" id="send" style="display:none;"></iframe>
</div>
<div id="comment_main"><div class="comment_empty">暂无评论</div></div>
</div>
</div>
<div class="m_r f_r">
<div class="side_tab"><strong>文章列表</strong></div>
{sides}</div>
<div class="c_b"></div>
</div>
<script type="text/javascript">
var module_id = 21, item_id = {article.id}, content_id = 'content', img_max_width = 640;
function fontZoom(z, i) {{
  var e = document.getElementById(i), s = parseInt(e.style.fontSize || 14);
  e.style.fontSize = (z == '+' ? s + 2 : s - 2) + 'px';
}}
</script>
<script type="text/javascript" src="{s}file/script/content.js"></script>
"""
        + _footer(view)
    )


def render_mobile_article(view: _View, article: Article) -> str:
    s = view.site
    paragraphs = "\n".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
    when = article.published
    byline = article.author or article.source or SITE_NAME
    hits = view.hits.get(article.id, 0)
    info = f"{view.page_date(article)}&nbsp;&nbsp;{esc(byline)}&nbsp;&nbsp;浏览:{hits}"
    return f"""<!doctype html>
<html>
<head>
<meta charset="{view.variant.charset}"/>
<meta name="viewport"
 content="width=device-width,initial-scale=1.0,maximum-scale=1.0,user-scalable=0"/>
<meta name="format-detection" content="telephone=no"/>
<title>{esc(article.title)}_{SITE_NAME}</title>
<link rel="stylesheet" type="text/css" href="{s}mobile/static/style/style.css"/>
<script type="text/javascript" src="{s}mobile/static/script/zepto.js"></script>
<script type="text/javascript" src="{s}mobile/static/script/common.js"></script>
</head>
<body>
<div id="head-bar">
<div class="head-bar">
<div class="head-bar-back"><a href="{s}mobile/news/" data-direction="reverse">
<img src="{s}mobile/static/img/icon-back.png" width="24" height="24"/><span>返回</span>
</a></div>
<div class="head-bar-title">资讯</div>
<div class="head-bar-right"><a href="{s}mobile/search.php?moduleid=21">
<img src="{s}mobile/static/img/icon-search.png" width="24" height="24"/>
</a></div>
</div>
<div class="head-bar-fix"></div>
</div>
<div class="main">
<div class="title">{esc(article.title)}</div>
<div class="info">{info}</div>
<div class="brief">{esc(article.summary)}</div>
<div class="content">
<img src="{view.prefix}file/upload/{when:%Y%m}/{when:%d}/{when:%H%M}{article.id}01.jpg" alt=""/>
{paragraphs}
</div>
</div>
<div class="foot-bar-fix"></div>
<div class="foot-bar">
<ul>
<li><a href="{s}mobile/">首页</a></li>
<li><a href="{s}mobile/news/">资讯</a></li>
<li><a href="{s}mobile/sell/">供应</a></li>
<li><a href="{s}mobile/member/">我的</a></li>
</ul>
</div>
</body>
</html>
"""


def render_mobile_listing(view: _View, page: int) -> str:
    s = view.site
    start = (page - 1) * view.per_page
    rows = "\n".join(
        f'<li><a href="{view.mobile_link(a)}"><span>{view.stamp(a)}</span>{esc(a.title)}</a></li>'
        for a in view.articles[start : start + view.per_page]
    )
    return f"""<!doctype html>
<html>
<head>
<meta charset="{view.variant.charset}"/>
<meta name="viewport"
 content="width=device-width,initial-scale=1.0,maximum-scale=1.0,user-scalable=0"/>
<title>资讯_{SITE_NAME}</title>
<link rel="stylesheet" type="text/css" href="{s}mobile/static/style/style.css"/>
</head>
<body>
<div class="head-bar"><div class="head-bar-title">资讯</div></div>
<div class="main"><div class="list-txt"><ul>
{rows}
</ul></div>
{_pages(view, page, mobile=True)}
</div>
</body>
</html>
"""


def render_home(view: _View) -> str:
    s = view.site
    latest = "".join(
        f'<li><a href="{view.link(a)}" target="_blank">{esc(a.title)}</a></li>\n'
        for a in view.articles[:10]
    )
    return (
        _head(view, f"{SITE_NAME} - B2B电子商务平台", "B2B,资讯", f"{SITE_NAME}B2B电子商务平台")
        + _top(view, module="")
        + f"""<div class="m">
<div class="left_box"><div class="head-txt">
<span class="f_r"><a href="{s}news/">更多&raquo;</a></span><strong>最新资讯</strong>
</div>
<ul>
{latest}</ul></div>
</div>
"""
        + _footer(view)
    )


def render_not_found(view: _View) -> str:
    return f"""<!doctype html>
<html>
<head>
<meta charset="{view.variant.charset}"/>
<title>404 Not Found_{SITE_NAME}</title>
<link rel="stylesheet" type="text/css" href="{view.site}skin/default/style.css"/>
</head>
<body>
<div class="m"><div class="warn">
<strong>404 Not Found</strong><br/>
抱歉，您访问的页面不存在或已被删除。<br/>
<a href="{view.site}">返回首页</a> | <a href="javascript:history.back();">返回上页</a>
</div></div>
</body>
</html>
"""


def render_error(status: int) -> str:
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return (
        f"<html>\r\n<head><title>{status} {phrase}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    )


# --------------------------------------------------------------------------- images


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xcc\xcc\xcc")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
_JPEG = bytes.fromhex(
    "ffd8ffdb004300030202020202030202020303030304060404040404080606050609080a0a090809090a0c0f"
    "0c0a0b0e0b09090d110d0e0f101011100a0c12131210130f101010ffc9000b080001000101011100ffcc0006"
    "00101005ffda0008010100003f00d2cf20ffd9"
)
_IMAGES = {
    "jpg": (_JPEG, "image/jpeg"),
    "jpeg": (_JPEG, "image/jpeg"),
    "png": (_png(), "image/png"),
    "gif": (_GIF, "image/gif"),
}

# --------------------------------------------------------------------------- server

_ARTICLE = re.compile(r"news/(\d+)\.html")
_LISTING = re.compile(r"news/(?:(?:index|list-(\d+))\.html)?")
_MOBILE_ARTICLE = re.compile(r"mobile/news/(\d+)\.html")
_MOBILE_LISTING = re.compile(r"mobile/news/(?:(?:index|list-(\d+))\.html)?")
_IMAGE = re.compile(r"(?:file/upload/.+|skin/loading)\.(jpe?g|png|gif)", re.IGNORECASE)


@dataclass
class _Response:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


# A raw route answers (status, headers, body) from the request's headers; see SamplePortal.route.
RouteHandler = Callable[[dict[str, str]], tuple[int, dict[str, str], bytes]]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    allow_reuse_address = True
    portal: SamplePortal


def _conditional(response: _Response, if_none_match: str | None) -> _Response:
    if response.status != 200:
        return response
    etag = '"' + hashlib.sha256(response.body).hexdigest()[:16] + '"'
    if if_none_match == etag:
        return _Response(304, b"", response.content_type, {"ETag": etag})
    return replace(response, headers={**response.headers, "ETag": etag})


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return "nginx"

    def log_message(self, format: str, *args: object) -> None:
        pass  # the portal keeps its own log

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_POST(self) -> None:
        self.server.portal._log("POST", self.path)
        self._send(_Response(405, render_error(405).encode(), "text/html"), True)

    def _answer(self, send_body: bool) -> None:
        portal = self.server.portal
        portal._log(self.command, self.path, dict(self.headers.items()))
        started = time.time()
        with portal._lock:
            portal.in_flight += 1
            portal.max_in_flight = max(portal.max_in_flight, portal.in_flight)
        try:
            if portal.delay:
                time.sleep(portal.delay)  # a far-away or slow site
            try:
                response = portal._routed(self.path, dict(self.headers.items()))
                if response is None:
                    response = portal._respond(self.path)
                    if portal.etags:
                        response = _conditional(response, self.headers.get("If-None-Match"))
            except Exception:  # a bug in the sample portal: show it as what it is
                response = _Response(500, render_error(500).encode(), "text/html")
        finally:
            # Counted out before the answer leaves: once the client has it, it may rightly
            # start its next request, which must not overlap this one in the count.
            with portal._lock:
                portal.in_flight -= 1
                portal.timed.append((self.path, started, time.time()))
        self._send(response, send_body)

    def _send(self, response: _Response, send_body: bool) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        if "Content-Length" not in response.headers:
            self.send_header("Content-Length", str(len(response.body)))
        if response.content_type.startswith("text/html"):
            self.send_header("X-Powered-By", "PHP/7.4.33")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if send_body and response.status not in (204, 304):
            self.wfile.write(response.body)


class SamplePortal:
    """A Destoon news portal on 127.0.0.1, rendered on request from its article model."""

    def __init__(self, articles: list[Article] | None = None, per_page: int = 10) -> None:
        source = ARTICLES if articles is None else articles
        self._articles: list[Article] = [
            replace(a, paragraphs=list(a.paragraphs), keywords=list(a.keywords)) for a in source
        ]
        self.per_page = per_page
        self.requests: list[tuple[str, str]] = []
        # True: listing pages come in a new template (see "the redesign"); flip at any time.
        self.redesign: bool = False
        self.delay: float = 0.0  # seconds every answer waits, to stand for a slow site
        # True: pages carry an ETag of their bytes and a matching If-None-Match gets a 304,
        # as a site behind a caching proxy answers.
        self.etags: bool = False
        # The /relative/ variant's clock (aware datetime); tests may replace it.
        self.clock: Callable[[], datetime] = lambda: datetime.now(CHINA_TZ)
        self._hits = {a.id: _seed_hits(a.id) for a in self._articles}
        self._statuses: dict[str, int] = {}
        self._routes: dict[str, RouteHandler] = {}
        # (path, start, end) of every GET and HEAD answered, in Unix seconds: the referee of
        # the cluster tests (which source was polled when, and did two polls overlap).
        self.timed: list[tuple[str, float, float]] = []
        self.in_flight = 0  # requests being answered now, and the most there ever were
        self.max_in_flight = 0
        # The headers of every request, in the order of ``requests``.
        self.request_headers: list[dict[str, str]] = []
        self._lock = threading.RLock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._port = 0

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> None:
        if self._server is not None:
            return
        # A restarted portal comes back on the port it had.
        server = _Server(("127.0.0.1", self._port), _Handler)
        server.portal = self
        self._port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> SamplePortal:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/``, known once started."""
        if not self._port:
            raise RuntimeError("SamplePortal.base_url: start() the portal first")
        return f"http://127.0.0.1:{self._port}/"

    def url(self, path: str) -> str:
        return self.base_url + path.lstrip("/")

    # ---------------------------------------------------------------- model

    @property
    def articles(self) -> list[Article]:
        """The articles, newest first (a copy of the list)."""
        with self._lock:
            return sorted(self._articles, key=lambda a: a.id, reverse=True)

    def article(self, article_id: int) -> Article:
        with self._lock:
            for article in self._articles:
                if article.id == article_id:
                    return article
        raise KeyError(article_id)

    @property
    def page_count(self) -> int:
        with self._lock:
            return max(1, -(-len(self._articles) // self.per_page))

    def add_article(
        self,
        title: str,
        *,
        summary: str | None = None,
        paragraphs: list[str] | None = None,
        date: str | None = None,
        author: str | None = "qeexh",
        source: str = SITE_NAME,
        keywords: list[str] | None = None,
    ) -> Article:
        """Publish a new article: id max+1, dated after the newest, top of the listing.

        ``date`` is ``YYYY-MM-DD HH:MM`` or ``YYYY-MM-DD`` (then the page shows the day only);
        by default 37 minutes after the newest article. ``summary`` defaults to the start of
        the text, as Destoon makes it.
        """
        if paragraphs is None:
            paragraphs = [
                f"{title}。",
                "据了解，相关工作已经启动，具体安排将另行公布。",
                "业内人士表示，这一消息受到市场的广泛关注，后续进展值得期待。",
            ]
        if summary is None:
            summary = "".join(paragraphs)[:60]
        with self._lock:
            newest = max(self._articles, key=lambda a: a.id, default=None)
            has_time = True
            if date is None:
                base = newest.published if newest else datetime(2024, 12, 14, 9, 0, tzinfo=CHINA_TZ)
                date = f"{base + timedelta(minutes=37):%Y-%m-%d %H:%M}"
            elif len(date.strip()) == 10:
                date, has_time = f"{date.strip()} 09:00", False
            article = Article(
                id=(newest.id + 1) if newest else 1,
                title=title,
                date=date,
                author=author,
                source=source,
                summary=summary,
                paragraphs=list(paragraphs),
                has_time=has_time,
                keywords=list(keywords or []),
            )
            article.published  # noqa: B018 - fail now on a malformed date
            self._articles.append(article)
            self._hits[article.id] = 0
        return article

    def edit_article(self, article_id: int, **changes: object) -> Article:
        """Change a published article in place (its title, paragraphs, ...), as an editor would."""
        with self._lock:
            for index, article in enumerate(self._articles):
                if article.id == article_id:
                    self._articles[index] = replace(article, **changes)  # type: ignore[arg-type]
                    return self._articles[index]
        raise KeyError(article_id)

    # ---------------------------------------------------------------- log and failures

    def _log(self, method: str, path: str, headers: dict[str, str] | None = None) -> None:
        with self._lock:
            self.requests.append((method, path))
            self.request_headers.append(headers or {})

    def route(
        self,
        path: str,
        body: bytes | str | RouteHandler,
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> str:
        """Serve ``body`` (or what a handler returns) at ``path`` before any page of the portal;
        returns the full URL. Hostile pages, redirects and validators in tests come from here."""
        if callable(body):
            handler: RouteHandler = body
        else:
            data = body.encode() if isinstance(body, str) else body
            fixed = {"Content-Type": content_type, **(headers or {})}

            def handler(request: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
                return status, fixed, data

        key = "/" + path.lstrip("/")
        with self._lock:
            self._routes[key] = handler
        return self.url(key)

    def unroute(self, path: str) -> None:
        with self._lock:
            self._routes.pop("/" + path.lstrip("/"), None)

    def _routed(self, raw_path: str, request: dict[str, str]) -> _Response | None:
        with self._lock:
            handler = self._routes.get(raw_path) or self._routes.get(urlsplit(raw_path).path)
        if handler is None:
            return None
        status, headers, body = handler(request)
        headers = dict(headers)
        content_type = headers.pop("Content-Type", "text/html; charset=utf-8")
        return _Response(status, body, content_type, headers)

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()
            self.request_headers.clear()

    def count(self, prefix: str) -> int:
        """Requests whose path (query included) starts with ``prefix``."""
        with self._lock:
            return sum(1 for _, path in self.requests if path.startswith(prefix))

    def set_status(self, path: str, status: int) -> None:
        """Make ``path`` (a path or full URL) answer ``status``; 200 restores normal pages."""
        parts = urlsplit(path)
        key = "/" + parts.path.lstrip("/") + (f"?{parts.query}" if parts.query else "")
        with self._lock:
            if status == 200:
                self._statuses.pop(key, None)
            else:
                self._statuses[key] = status

    # ---------------------------------------------------------------- pages

    def _view(self, variant: _Variant) -> _View:
        now = self.clock()
        with self._lock:
            articles = sorted(self._articles, key=lambda a: a.id, reverse=True)
            hits = dict(self._hits)
            redesign = bool(self.redesign)
        if variant.relative_dates:
            times = _relative_times(articles, now)
        else:
            times = {a.id: a.published for a in articles}
        return _View(
            origin=self.base_url.rstrip("/"),
            variant=variant,
            articles=articles,
            times=times,
            hits=hits,
            now=now.astimezone(CHINA_TZ),
            per_page=self.per_page,
            redesign=redesign,
        )

    def _hit(self, article_id: int) -> None:
        with self._lock:
            self._hits[article_id] = self._hits.get(article_id, 0) + 1

    def _respond(self, raw_path: str) -> _Response:
        parts = urlsplit(raw_path)
        path = parts.path or "/"
        with self._lock:
            status = self._statuses.get(raw_path, self._statuses.get(path))
        first, _, rest = path.lstrip("/").partition("/")
        variant = VARIANTS.get(first)
        if variant is None:
            variant, rest = MAIN, path.lstrip("/")
        if status is not None:
            if status == 404:
                return self._html(404, render_not_found(self._view(variant)), variant)
            return _Response(status, render_error(status).encode(), "text/html")

        image = _IMAGE.fullmatch(rest)
        if image:
            body, kind = _IMAGES[image.group(1).lower()]
            return _Response(200, body, kind)

        view = self._view(variant)
        ids = {a.id: a for a in view.articles}
        page_html: str | None = None
        if rest == "":
            page_html = render_home(view)
        elif match := _LISTING.fullmatch(rest):
            page = int(match.group(1) or 1)
            if 1 <= page <= view.pages:
                listing = render_listing_v2 if view.redesign else render_listing
                if variant.template == "v3":
                    listing = render_listing_v3
                page_html = listing(view, page)
        elif match := _MOBILE_LISTING.fullmatch(rest):
            page = int(match.group(1) or 1)
            if 1 <= page <= view.pages:
                mobile = render_mobile_listing_v2 if view.redesign else render_mobile_listing
                page_html = mobile(view, page)
        elif (match := _ARTICLE.fullmatch(rest)) and int(match.group(1)) in ids:
            self._hit(int(match.group(1)))
            view = self._view(variant)
            page_html = render_article(view, ids[int(match.group(1))])
        elif (match := _MOBILE_ARTICLE.fullmatch(rest)) and int(match.group(1)) in ids:
            self._hit(int(match.group(1)))
            view = self._view(variant)
            page_html = render_mobile_article(view, ids[int(match.group(1))])
        if page_html is None:
            return self._html(404, render_not_found(view), variant)
        return self._html(200, page_html, variant)

    @staticmethod
    def _html(status: int, text: str, variant: _Variant) -> _Response:
        return _Response(
            status, text.encode(variant.codec), f"text/html; charset={variant.charset}"
        )
