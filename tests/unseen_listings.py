"""Listing pages of kinds the corpus lacks (issue 15: "finds nothing on half of the unseen
pages"), written as their CMSs write them: a Destoon portal, a DedeCMS list, a Discuz forum,
a government announcement table, a WordPress blog, a Hexo blog, a page of image cards and a
list whose entries share no class. Each carries the chrome its kind carries (top bars, menus,
breadcrumbs, sidebars of hot and recommended headlines, friend links, footers, pagers) so that
detection has to tell the list from what surrounds it.

Each builder gives a :class:`Sample`: the page, its address, and the article URLs of its
main list in page order (the gold a reader would give).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

__all__ = ["SAMPLES", "Sample"]


@dataclass(frozen=True)
class Sample:
    name: str
    url: str
    html: str
    expected: tuple[str, ...]  # the main list's article URLs, absolute, in page order


ZH_TITLES = (
    "国务院常务会议部署进一步稳定外贸工作",
    "多地出台新政支持中小企业数字化转型",
    "今年前十一个月全国铁路发送旅客再创新高",
    "新能源汽车出口增长带动产业链上下游",
    "关于开展二〇二五年度安全生产大检查的通知",
    "钢材价格本周小幅回落 市场观望情绪浓厚",
    "第十二届中国国际物流博览会在沪开幕",
    "人工智能赋能制造业 龙头企业加快布局",
    "冬季供暖保障工作会议召开",
    "跨境电商综合试验区扩围 新增二十个城市",
    "农产品批发价格指数连续三周上涨",
    "专家解读：明年宏观政策将更加积极有为",
)
EN_TITLES = (
    "How we cut our build times in half with remote caching",
    "Notes from a week of debugging a memory leak in production",
    "The quiet joy of writing documentation nobody asked for",
    "Why we moved our queue from Redis to PostgreSQL",
    "A beginner's guide to reading query plans",
    "What I learned from maintaining an open source library",
    "Designing error messages that people actually read",
    "Small teams, big systems: lessons from five years on call",
)
HOT_ZH = (
    "央行宣布下调存款准备金率零点五个百分点",
    "全国统一大市场建设迎来新进展",
    "十部门联合发文推动消费品以旧换新",
    "国内首条智能化钢铁生产线正式投产",
    "港口集装箱吞吐量同比增长百分之八",
    "高校毕业生就业创业促进行动启动",
    "多家银行下调存量房贷利率",
    "全国冬小麦播种基本结束",
)


def _page(head: str, body: str) -> str:
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{head}</title></head><body>{body}</body></html>"
    )


def _absolute(url: str, hrefs: list[str]) -> tuple[str, ...]:
    return tuple(urljoin(url, h) for h in hrefs)


def _hot_box(heading: str, hrefs: list[str], cls: str = "box") -> str:
    rows = "".join(
        f'<li><a href="{h}" title="{t}">{t}</a></li>' for h, t in zip(hrefs, HOT_ZH, strict=False)
    )
    return f'<div class="{cls}"><div class="tt"><b>{heading}</b></div><ul>{rows}</ul></div>'


def _zh_footer() -> str:
    friends = "".join(
        f'<a href="https://www.{name}.com/" target="_blank">{label}</a> '
        for name, label in (("sina", "新浪网"), ("sohu", "搜狐"), ("qq", "腾讯网"), ("163", "网易"))
    )
    return (
        f'<div class="friendlink"><b>友情链接：</b>{friends}</div>'
        '<div class="footer"><a href="/about/">关于我们</a> | <a href="/contact/">联系方式</a> | '
        '<a href="/sitemap/">网站地图</a> | <a href="/ad/">广告服务</a>'
        "<p>Copyright © 2024 版权所有 京ICP备12345678号</p></div>"
    )


# --------------------------------------------------------------------------- Destoon


def destoon() -> Sample:
    """A Destoon B2B portal's news column: the seed page's ``推广 热搜:`` top bar, a module
    menu, a left list of eight ``li > a + span`` rows to ``/news/show-N.html`` over a pager,
    a right column of ten dated latest headlines (more items than the list) and of hot and
    recommended headlines to the same kind of URL, friend links, footer."""
    url = "https://www.b2b-example.cn/news/list-12.html"
    hrefs = [f"/news/show-{8800 - i}.html" for i in range(8)]
    rows = "".join(
        f'<li><a href="{h}" target="_blank" title="{t}">{t}</a>'
        f"<span>2024-12-{20 - i:02d}</span></li>"
        for i, (h, t) in enumerate(zip(hrefs, ZH_TITLES, strict=False))
    )
    top = (
        '<div class="top"><div class="m"><span class="f_r"><a href="/member/login.php">登录</a> '
        '<a href="/member/register.php">注册</a></span>欢迎来到企业网！</div></div>'
        '<div class="head"><div class="logo"><a href="/"><img src="/logo.gif" alt="企业网"></a>'
        "</div>"
        '<div class="head_search"><form action="/news/search.php"><input name="kw"></form>'
        '<div class="search_tips"><span>推广</span> <b>热搜:</b> '
        '<a href="/news/search.php?kw=page">page</a> '
        '<a href="/news/search.php?kw=%E5%85%B3%E9%94%AE%E8%AF%8D">关键词</a> '
        '<a href="/news/search.php?kw=%E6%95%B0%E6%8D%AE">数据分析</a></div></div></div>'
    )
    menu = "".join(
        f'<li><a href="/{p}/"><span>{n}</span></a></li>'
        for p, n in (
            ("sell", "供应"),
            ("buy", "求购"),
            ("company", "公司"),
            ("news", "资讯"),
            ("exhibit", "展会"),
            ("job", "人才"),
            ("know", "知道"),
        )
    )
    latest = [f"/news/show-{8700 - 3 * i}.html" for i in range(10)]
    latest_rows = "".join(
        f'<li><span class="f_r">12-{19 - i:02d}</span><a href="{h}" title="{t}">{t[:12]}</a></li>'
        for i, (h, t) in enumerate(zip(latest, HOT_ZH + ZH_TITLES, strict=False))
    )
    side_hrefs = [f"/news/show-{8500 - 7 * i}.html" for i in range(8)]
    other_hrefs = [f"/news/show-{8300 - 5 * i}.html" for i in range(8)]
    pager = (
        '<div class="pages"><a href="list-11.html">&nbsp;&laquo;上一页&nbsp;</a> '
        '<a href="list-1.html">1</a> <strong>12</strong> <a href="list-13.html">13</a> '
        '<a href="list-13.html">&nbsp;下一页&raquo;&nbsp;</a></div>'
    )
    body = (
        f'{top}<div class="menu"><ul>{menu}</ul></div>'
        '<div class="m"><div class="nav"><a href="/">首页</a> &raquo; <a href="/news/">资讯</a>'
        " &raquo; 行业新闻</div>"
        f'<div class="left_box"><div class="pos">行业新闻</div><div class="catlist"><ul>{rows}'
        f"</ul></div>{pager}</div>"
        f'<div class="right_box"><div class="box"><div class="tt"><b>最新资讯</b></div>'
        f"<ul>{latest_rows}</ul></div>{_hot_box('推荐资讯', side_hrefs)}"
        f"{_hot_box('点击排行', other_hrefs)}</div></div>{_zh_footer()}"
    )
    return Sample("destoon", url, _page("行业新闻 - 企业网", body), _absolute(url, hrefs))


# --------------------------------------------------------------------------- DedeCMS


def dedecms() -> Sample:
    """A DedeCMS ``list_article.htm``: ``ul.e2 > li`` with a preview image, ``a.title``,
    ``span.info`` (日期, 点击, 好评) and ``p.intro``; the sidebar's 推荐内容 and 热点内容."""
    url = "http://www.dede-example.com/a/news/"
    hrefs = [f"/a/news/2024/1206/{123 - i}.html" for i in range(8)]
    rows = "".join(
        f'<li><a href="{h}" class="preview"><img src="/uploads/allimg/241206/{i}.jpg"/></a>'
        f'<a href="{h}" class="title">{t}</a><span class="info"><small>日期：</small>'
        f"2024-12-{6 - i % 3:02d} 10:2{i}:00<small>点击：</small>{100 + i}"
        f'<small>好评：</small>{i}</span><p class="intro">{t}，记者从有关部门获悉，'
        "相关工作正在有序推进……</p></li>"
        for i, (h, t) in enumerate(zip(hrefs, ZH_TITLES, strict=False))
    )
    side = [f"/a/news/2024/11{20 + i}/{60 + i}.html" for i in range(8)]
    hot = [f"/a/news/2024/10{10 + i}/{30 + i}.html" for i in range(8)]
    commend = "".join(
        f'<li><a href="{h}">{t}</a><p>{t}……</p></li>' for h, t in zip(side, HOT_ZH, strict=False)
    )
    hot_rows = "".join(
        f'<li><span>{12 - i}</span><a href="{h}">{t}</a></li>'
        for i, (h, t) in enumerate(zip(hot, HOT_ZH[::-1], strict=False))
    )
    header = (
        '<div class="header"><div class="toplogo"><a href="/"><img src="/logo.gif"></a></div>'
        '<div class="module blue mT10 wrapper w963"><div id="navMenu"><ul>'
        '<li><a href="/"><span>主页</span></a></li>'
        '<li><a href="/a/news/"><span>新闻中心</span></a></li>'
        '<li><a href="/a/product/"><span>产品展示</span></a></li>'
        '<li><a href="/a/about/"><span>关于我们</span></a></li></ul></div></div></div>'
    )
    pages = (
        '<div class="dede_pages"><ul class="pagelist"><li><span class="pageinfo">共 '
        "<strong>5</strong>"
        '页<strong>40</strong>条</span></li><li class="thisclass">1</li>'
        '<li><a href="list_1_2.html">2</a></li><li><a href="list_1_2.html">下一页</a></li>'
        '<li><a href="list_1_5.html">末页</a></li></ul></div>'
    )
    body = (
        f"{header}"
        '<div class="channel-nav w960 center clear"><div class="place"><strong>当前位置:</strong>'
        '<a href="/">主页</a> &gt; <a href="/a/news/">新闻中心</a> &gt; </div></div>'
        '<div class="w960 center clear mt1"><div class="pleft"><div class="listbox">'
        f'<ul class="e2">{rows}</ul></div>{pages}</div>'
        '<div class="pright"><div class="commend"><dl class="tbox"><dt><strong>推荐内容'
        f'</strong></dt><dd><ul class="d4">{commend}</ul></dd></dl></div>'
        '<div class="hot mt1"><dl class="tbox"><dt><strong>热点内容</strong></dt><dd>'
        f'<ul class="c1 ico2">{hot_rows}</ul></dd></dl></div></div></div>{_zh_footer()}'
    )
    return Sample("dedecms", url, _page("新闻中心_某某公司", body), _absolute(url, hrefs))


# --------------------------------------------------------------------------- Discuz


def _discuz_row(kind: str, tid: int, title: str, day: int) -> str:
    return (
        f'<tbody id="{kind}_{tid}"><tr><td class="icn"><a href="thread-{tid}-1-1.html" '
        'title="有新回复 - 新窗口打开" target="_blank">'
        '<img src="static/image/common/folder_new.gif"/>'
        '</a></td><th class="new"><a href="javascript:;" id="content_' + str(tid) + '" '
        'class="showcontent y" title="更多操作"></a>'
        '<em>[<a href="forum.php?mod=forumdisplay&amp;fid=2&amp;filter=typeid&amp;typeid=1">'
        f'讨论</a>]</em> <a href="thread-{tid}-1-1.html" onclick="atarget(this)" class="s xst">'
        f"{title}</a></th>"
        f'<td class="by"><cite><a href="space-uid-{tid % 97}.html" c="1">会员{tid % 97}</a></cite>'
        f"<em><span>2024-12-{day:02d}</span></em></td>"
        f'<td class="num"><a href="thread-{tid}-1-1.html" class="xi2">{tid % 13}</a>'
        f"<em>{tid % 500}</em></td>"
        f'<td class="by"><cite><a href="space-username-abc.html" c="1">abc</a></cite>'
        f'<em><a href="forum.php?mod=redirect&amp;tid={tid}&amp;goto=lastpost#lastpost">'
        f"2024-12-{day:02d} 21:0{tid % 10}</a></em></td></tr></tbody>"
    )


def discuz() -> Sample:
    """A Discuz! X3 ``forumdisplay`` page: stick threads, a separator, normal threads, each a
    ``tbody`` of one row whose ``th`` holds a type link, the title (``a.s.xst``) and page
    links; the poster, counts and last post in ``td.by``/``td.num``."""
    url = "https://bbs.example.cn/forum-2-1.html"
    sticky = [
        (901, "【公告】本版版规及发帖须知，新人必读"),
        (902, "【置顶】二〇二四年度优秀会员评选结果"),
    ]
    normal = [(5000 - 7 * i, t + "（求助讨论）") for i, t in enumerate(ZH_TITLES[:10])]
    rows = "".join(_discuz_row("stickthread", tid, t, 1) for tid, t in sticky)
    rows += '<tbody id="separatorline"><tr class="ts"><td>&nbsp;</td><th>版块主题</th></tr></tbody>'
    rows += "".join(
        _discuz_row("normalthread", tid, t, 20 - i) for i, (tid, t) in enumerate(normal)
    )
    header = (
        '<div id="toptb" class="cl"><div class="wp"><div class="z"><a href="javascript:;">设为首页'
        '</a><a href="javascript:;">收藏本站</a></div></div></div>'
        '<div id="hd"><div class="wp"><div class="hdc cl"><h2><a href="./" title="某某论坛">'
        '<img src="static/image/common/logo.png"/></a></h2></div><div id="nv"><ul>'
        '<li class="a" id="mn_forum"><a href="forum.php" hidefocus="true">论坛<span>BBS</span>'
        "</a></li>"
        '<li id="mn_portal"><a href="portal.php" hidefocus="true">门户<span>Portal</span></a></li>'
        '<li id="mn_group"><a href="group.php" hidefocus="true">群组<span>Group</span></a></li>'
        '<li id="mn_home"><a href="home.php" hidefocus="true">动态<span>Space</span></a></li>'
        "</ul></div></div></div>"
    )
    crumbs = (
        '<div id="pt" class="bm cl"><div class="z"><a href="./" class="nvhm" title="首页">某某论坛'
        '</a> <em>&rsaquo;</em> <a href="forum.php">论坛</a> <em>&rsaquo;</em> '
        '<a href="forum-2-1.html">综合讨论区</a></div></div>'
    )
    pager = (
        '<div id="pgt" class="bm bw0 pgs cl"><div class="pg"><strong>1</strong>'
        '<a href="forum-2-2.html">2</a><a href="forum-2-3.html">3</a>'
        '<a href="forum-2-2.html" class="nxt">下一页</a></div></div>'
    )
    body = (
        f'{header}<div id="wp" class="wp">{crumbs}{pager}<div class="boardnav"><div id="ct" '
        'class="wp cl"><div class="mn"><div id="threadlist" class="tl bm bmw"><div class="th">'
        '<table cellspacing="0" cellpadding="0"><tr><th colspan="2"><div class="tf">'
        '<a href="forum.php?mod=forumdisplay&amp;fid=2&amp;filter=lastpost&amp;orderby=lastpost">'
        '最新</a> <a href="forum.php?mod=forumdisplay&amp;fid=2&amp;filter=heat&amp;orderby=heats">'
        '热门</a></div></th></tr></table></div><div class="bm_c">'
        '<form method="post" id="moderate" name="moderate" action="forum.php?mod=topicadmin">'
        f'<table summary="forum_2" cellspacing="0" cellpadding="0" id="threadlisttableid">{rows}'
        "</table></form></div></div></div></div></div></div>"
        '<div id="ft" class="wp cl"><div id="flk" class="y"><p><a href="archiver/">Archiver</a>'
        '<span class="pipe">|</span><a href="forum.php?mobile=yes">手机版</a></p></div>'
        '<div id="frt"><p>Powered by <strong><a href="http://www.discuz.net" target="_blank">'
        "Discuz!</a></strong> <em>X3.4</em></p></div></div>"
    )
    hrefs = [f"thread-{tid}-1-1.html" for tid, _ in sticky + normal]
    return Sample("discuz", url, _page("综合讨论区 - 某某论坛", body), _absolute(url, hrefs))


# --------------------------------------------------------------------------- government


def government() -> Sample:
    """A government site's 通知公告 column: a table of rows numbered 1, 2, 3… (a 序号
    column), a ``td > a`` and a ``td`` date, to ``.shtml`` pages, under a header row; a left
    menu of the department's columns, a pager of ``index_N.shtml``, and the footer's 主办 and
    links to other government sites."""
    url = "http://www.example.gov.cn/xxgk/tzgg/index.shtml"
    hrefs = [f"./202412/t202412{20 - i:02d}_{561234 - 3 * i}.shtml" for i in range(10)]
    titles = [f"关于{t}有关事项的公告" for t in ZH_TITLES[:10]]
    rows = '<tr class="th"><td>序号</td><td>标题</td><td>发布日期</td></tr>' + "".join(
        f'<tr><td class="td_num" width="8%">{i + 1}</td><td class="td_left" width="77%">'
        f'<a href="{h}" target="_blank" title="{t}">{t}</a></td>'
        f'<td class="td_right" width="15%">2024-12-{20 - i:02d}</td></tr>'
        for i, (h, t) in enumerate(zip(hrefs, titles, strict=True))
    )
    columns = "".join(
        f'<li><a href="/xxgk/{p}/">{n}</a></li>'
        for p, n in (
            ("tzgg", "通知公告"),
            ("zcwj", "政策文件"),
            ("zcjd", "政策解读"),
            ("rsxx", "人事信息"),
            ("czxx", "财政信息"),
            ("jytabl", "建议提案办理"),
        )
    )
    nav = "".join(
        f'<a href="/{p}/">{n}</a>'
        for p, n in (("", "首页"), ("zwgk", "政务公开"), ("bsfw", "办事服务"), ("hdjl", "互动交流"))
    )
    gov_links = "".join(
        f'<option value="http://www.{d}.gov.cn/">{n}</option>'
        for d, n in (("beijing", "北京市人民政府"), ("shanghai", "上海市人民政府"))
    )
    pager = (
        '<div class="page"><span>共5页</span> <a href="index.shtml">首页</a> '
        '<a href="index_1.shtml">下一页</a> <a href="index_4.shtml">尾页</a></div>'
    )
    body = (
        '<div class="header"><div class="banner">'
        '<img src="/images/banner.jpg" alt="某某市人民政府">'
        f'</div><div class="nav">{nav}</div></div>'
        '<div class="main"><div class="position">当前位置：<a href="/">首页</a> &gt; '
        '<a href="/xxgk/">信息公开</a> &gt; 通知公告</div>'
        f'<div class="leftnav"><h3>信息公开</h3><ul>{columns}</ul></div>'
        '<div class="rightcon"><div class="title"><span>通知公告</span></div>'
        '<table width="100%" border="0" cellspacing="0" cellpadding="0" class="list_table">'
        f"<tbody>{rows}</tbody></table>{pager}</div></div>"
        f'<div class="bottom"><select onchange="window.open(this.value)"><option>政府网站'
        f'</option>{gov_links}</select><p><a href="/wzdt/">网站地图</a> | '
        '<a href="/lxwm/">联系我们</a></p><p>主办：某某市人民政府办公室 网站标识码：1234000001</p>'
        "</div>"
    )
    return Sample("government", url, _page("通知公告", body), _absolute(url, hrefs))


# --------------------------------------------------------------------------- blogs


def wordpress() -> Sample:
    """A WordPress theme's home page: ``article.post`` blocks with ``h2.entry-title a``, meta
    (date, author, comments), an excerpt and category links; widgets of recent posts (the
    same posts), archives, categories and recent comments beside them."""
    url = "https://blog.example.org/"
    slugs = [t.lower().replace("'", "").replace(",", "").replace(":", "") for t in EN_TITLES]
    hrefs = [
        f"https://blog.example.org/2024/{12 - i // 3:02d}/{20 - i:02d}/{'-'.join(s.split())}/"
        for i, s in enumerate(slugs)
    ]
    posts = "".join(
        f'<article id="post-{400 - i}" class="post-{400 - i} post type-post status-publish '
        f'format-standard hentry category-engineering"><header class="entry-header">'
        f'<h2 class="entry-title"><a href="{h}" rel="bookmark">{t}</a></h2>'
        '<div class="entry-meta"><span class="posted-on">Posted on <a href="'
        f'{h}" rel="bookmark"><time class="entry-date published" datetime="2024-12-{20 - i:02d}'
        f'T09:00:00+00:00">December {20 - i}, 2024</time></a></span><span class="byline"> by '
        '<span class="author vcard"><a class="url fn n" href="https://blog.example.org/author/'
        'sam/">Sam</a></span></span></div></header><div class="entry-summary"><p>'
        f"{t}. A longer look at what happened, what we tried first and what finally worked "
        f'&hellip; <a href="{h}" class="more-link">Continue reading</a></p></div>'
        '<footer class="entry-footer"><span class="cat-links">Posted in <a href="https://'
        'blog.example.org/category/engineering/" rel="category tag">Engineering</a></span>'
        f'<span class="comments-link"><a href="{h}#comments">{i} Comments</a></span></footer>'
        "</article>"
        for i, (h, t) in enumerate(zip(hrefs, EN_TITLES, strict=True))
    )
    recent = "".join(
        f'<li><a href="{h}">{t}</a></li>' for h, t in zip(hrefs, EN_TITLES[:5], strict=False)
    )
    archives = "".join(
        f'<li><a href="https://blog.example.org/2024/{m:02d}/">{name} 2024</a></li>'
        for m, name in ((12, "December"), (11, "November"), (10, "October"), (9, "September"))
    )
    comments = "".join(
        f'<li class="recentcomments"><span class="comment-author-link">Reader {i}</span> on '
        f'<a href="{h}#comment-{90 + i}">{t}</a></li>'
        for i, (h, t) in enumerate(zip(hrefs[2:6], EN_TITLES[2:6], strict=True))
    )
    menu = "".join(
        f'<li class="menu-item"><a href="https://blog.example.org/{p}/">{n}</a></li>'
        for p, n in (("", "Home"), ("about", "About"), ("projects", "Projects"), ("talks", "Talks"))
    )
    body = (
        '<div id="page" class="site"><header id="masthead" class="site-header"><div class='
        '"site-branding"><p class="site-title"><a href="https://blog.example.org/" rel="home">'
        'Field Notes</a></p></div><nav id="site-navigation" class="main-navigation"><ul id='
        f'"primary-menu" class="menu">{menu}</ul></nav></header><div id="content" class="site-'
        f'content"><div id="primary" class="content-area"><main id="main" class="site-main">'
        f'{posts}<nav class="navigation posts-navigation"><div class="nav-links"><div class='
        '"nav-previous"><a href="https://blog.example.org/page/2/">Older posts</a></div></div>'
        '</nav></main></div><aside id="secondary" class="widget-area">'
        '<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-'
        f'title">Recent Posts</h2><ul>{recent}</ul></section><section id="recent-comments-2" '
        'class="widget widget_recent_comments"><h2 class="widget-title">Recent Comments</h2>'
        f'<ul id="recentcomments">{comments}</ul></section><section id="archives-2" class="'
        f'widget widget_archive"><h2 class="widget-title">Archives</h2><ul>{archives}</ul>'
        '</section></aside></div><footer id="colophon" class="site-footer"><div class="site-'
        'info"><a href="https://wordpress.org/">Proudly powered by WordPress</a></div></footer>'
        "</div>"
    )
    return Sample("wordpress", url, _page("Field Notes", body), tuple(hrefs))


def hexo() -> Sample:
    """A Hexo blog (theme landscape): ``article.article`` blocks whose title is
    ``h1 > a.article-title``, a date link, an excerpt and a "阅读全文" link; the sidebar's
    categories, tag cloud, archives and 最新文章 (the same posts)."""
    url = "https://someone.github.io/"
    hrefs = [f"/2024/12/{20 - i:02d}/post-{i + 1}/" for i in range(7)]
    titles = [t.replace(" ", "") for t in ZH_TITLES[:7]]
    posts = "".join(
        f'<article id="post-post-{i + 1}" class="article article-type-post" itemscope '
        'itemprop="blogPost"><div class="article-meta"><a href="'
        f'{h}" class="article-date"><time datetime="2024-12-{20 - i:02d}T02:00:00.000Z" '
        f'itemprop="datePublished">2024-12-{20 - i:02d}</time></a></div><div class="article-inner">'
        f'<header class="article-header"><h1 itemprop="name"><a class="article-title" href="{h}">'
        f'{t}</a></h1></header><div class="article-entry" itemprop="articleBody"><p>{t}。'
        '本文记录了整个过程中遇到的问题和解决办法。</p><p class="article-more-link">'
        f'<a href="{h}#more">阅读全文 &raquo;</a></p></div><footer class="article-footer">'
        '<a data-url="https://someone.github.io' + h + '" class="article-share-link">分享</a>'
        '<ul class="article-tag-list"><li class="article-tag-list-item"><a class="article-tag-'
        'list-link" href="/tags/%E7%AC%94%E8%AE%B0/">笔记</a></li></ul></footer></div></article>'
        for i, (h, t) in enumerate(zip(hrefs, titles, strict=True))
    )
    recent = "".join(
        f'<li><a href="{h}">{t}</a></li>' for h, t in zip(hrefs[:5], titles[:5], strict=True)
    )
    tags = "".join(
        f'<a href="/tags/{n}/" style="font-size: {10 + i}px;">{n}</a> '
        for i, n in enumerate(("笔记", "Python", "Linux", "读书", "随笔"))
    )
    body = (
        '<div id="container"><div id="wrap"><header id="header"><div id="banner"></div><div '
        'id="header-outer" class="outer"><div id="header-title" class="inner"><h1 id="logo-wrap">'
        '<a href="/" id="logo">某人的博客</a></h1></div><div id="header-inner" class="inner">'
        '<nav id="main-nav"><a class="main-nav-link" href="/">首页</a><a class="main-nav-link" '
        'href="/archives">归档</a><a class="main-nav-link" href="/about/">关于</a></nav></div>'
        '</div></header><div class="outer"><section id="main">'
        f'{posts}<nav id="page-nav"><span class="page-number current">1</span><a class="page-'
        'number" href="/page/2/">2</a><a class="extend next" rel="next" href="/page/2/">下一页'
        '</a></nav></section><aside id="sidebar"><div class="widget-wrap"><h3 class="widget-'
        f'title">标签云</h3><div class="widget tagcloud">{tags}</div></div>'
        '<div class="widget-wrap">'
        '<h3 class="widget-title">归档</h3><div class="widget"><ul class="archive-list"><li '
        'class="archive-list-item"><a class="archive-list-link" href="/archives/2024/12/">十二月 '
        '2024</a><span class="archive-list-count">7</span></li></ul></div></div><div class="widget'
        '-wrap"><h3 class="widget-title">最新文章</h3><div class="widget"><ul>'
        f"{recent}</ul></div></div></aside></div>"
        '<footer id="footer"><div class="outer"><div id="footer-info" class="inner">&copy; 2024 '
        '某人<br>Powered by <a href="https://hexo.io/" target="_blank">Hexo</a></div></div>'
        "</footer></div></div>"
    )
    return Sample("hexo", url, _page("某人的博客", body), _absolute(url, hrefs))


# --------------------------------------------------------------------------- cards


def cards() -> Sample:
    """A news portal's column of image cards, ``div.item`` with an image link, an ``h3 a``,
    an intro and a time; a right column of ``div.item`` cards too (热门推荐, in a ``div.side``
    box), a top menu and a footer."""
    url = "https://news.example.com/tech/"
    hrefs = [f"/tech/2024-12-{20 - i:02d}/doc-imt{880000 + 11 * i}.shtml" for i in range(9)]
    items = "".join(
        f'<div class="item"><a href="{h}" class="pic" target="_blank"><img src="//img.example.'
        f'com/{i}.jpg" alt="{t}"></a><h3><a href="{h}" target="_blank">{t}</a></h3><p class="'
        f'intro">{t}，据了解，此次活动吸引了众多企业参与……</p><div class="info">'
        '<span class="source">'
        f'新闻网</span><span class="time">2024-12-{20 - i:02d} 0{i}:30</span></div></div>'
        for i, (h, t) in enumerate(zip(hrefs, ZH_TITLES, strict=False))
    )
    side_hrefs = [f"/tech/2024-11-{10 + i:02d}/doc-imt{770000 + i}.shtml" for i in range(5)]
    side = "".join(
        f'<div class="item"><a href="{h}" class="pic"><img src="//img.example.com/s{i}.jpg"></a>'
        f'<h3><a href="{h}">{t}</a></h3></div>'
        for i, (h, t) in enumerate(zip(side_hrefs, HOT_ZH, strict=False))
    )
    menu = "".join(
        f'<li><a href="/{p}/">{n}</a></li>'
        for p, n in (
            ("", "首页"),
            ("china", "国内"),
            ("world", "国际"),
            ("tech", "科技"),
            ("finance", "财经"),
            ("sports", "体育"),
        )
    )
    body = (
        f'<div class="top-nav"><ul>{menu}</ul></div><div class="wrap"><div class="col-main">'
        f'<div class="list">{items}</div><div class="more"><a href="/tech/index_2.shtml">'
        "加载更多</a></div></div>"
        f'<div class="col-side"><div class="mod"><div class="hd"><h2>热门推荐</h2></div>'
        f'<div class="bd">{side}</div></div></div></div>{_zh_footer()}'
    )
    return Sample("cards", url, _page("科技频道", body), _absolute(url, hrefs))


def classless() -> Sample:
    """An old hand-written site: tables for layout, the list's rows plain ``li`` with a link
    to ``news.asp?id=N`` and a bracketed date in a ``font``; the left column's plain ``li``
    menu and a plain ``li`` box of links to other sites. No class or id anywhere on the rows."""
    url = "http://www.oldsite.example.com/news.asp"
    ids = [2024 - 3 * i for i in range(9)]
    rows = "".join(
        f'<li><a href="news_view.asp?id={n}" target="_blank">{t}</a> '
        f'<font color="#999999">[2024-12-{20 - i:02d}]</font></li>'
        for i, (n, t) in enumerate(zip(ids, ZH_TITLES, strict=False))
    )
    menu = "".join(
        f'<li><a href="{p}.asp">{n}</a></li>'
        for p, n in (
            ("about", "公司简介"),
            ("news", "新闻动态"),
            ("products", "产品中心"),
            ("honor", "荣誉资质"),
            ("contact", "联系我们"),
        )
    )
    sites = "".join(
        f'<li><a href="http://www.{d}.example.net/" target="_blank">{n}</a></li>'
        for d, n in (
            ("partner", "合作单位一号网站"),
            ("assoc", "中国某某行业协会网"),
            ("gov", "市场监督管理局"),
        )
    )
    body = (
        '<table width="960" align="center"><tr><td colspan="2"><img src="images/top.jpg"></td>'
        '</tr><tr><td width="200" valign="top"><table><tr><td><img src="images/menu.gif">'
        f"</td></tr><tr><td><ul>{menu}</ul></td></tr><tr><td><b>相关链接</b></td></tr><tr><td>"
        f'<ul>{sites}</ul></td></tr></table></td><td valign="top"><table width="100%"><tr><td>'
        f'<b>新闻动态</b></td></tr><tr><td><ul>{rows}</ul></td></tr><tr><td align="center">'
        '共3页 <a href="news.asp?page=2">下一页</a></td></tr></table></td></tr><tr><td colspan="2"'
        ' align="center">版权所有 © 某某有限公司 <a href="admin/login.asp">管理</a></td></tr>'
        "</table>"
    )
    hrefs = [f"news_view.asp?id={n}" for n in ids]
    return Sample("classless", url, _page("新闻动态", body), _absolute(url, hrefs))


def gov_links() -> Sample:
    """A newer government template: each row's link wraps the whole row, title and date
    (``li > a > p + span``), no title attribute; a left column of the department's sections,
    a 热点 box of plain links, a pager."""
    url = "https://www.example.gov.cn/zwgk/tzgg/"
    hrefs = [
        f"/zwgk/tzgg/2024{12 - i // 4:02d}/t2024{12 - i // 4:02d}{20 - i:02d}_{9100 - i}.html"
        for i in range(9)
    ]
    rows = "".join(
        f'<li><a href="{h}" target="_blank"><p>{t}</p><span>2024-{12 - i // 4:02d}-{20 - i:02d}'
        "</span></a></li>"
        for i, (h, t) in enumerate(zip(hrefs, ZH_TITLES, strict=False))
    )
    sections = "".join(
        f'<li><a href="/zwgk/{p}/">{n}</a></li>'
        for p, n in (
            ("tzgg", "通知公告"),
            ("zcwj", "政策文件"),
            ("ghjh", "规划计划"),
            ("tjsj", "统计数据"),
        )
    )
    hot = "".join(
        f'<li><a href="/zwgk/rdhy/2024/{i}.html">{t}</a></li>' for i, t in enumerate(HOT_ZH[:6])
    )
    body = (
        '<div class="header"><div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a>'
        '<a href="/zwfw/">政务服务</a><a href="/hdjl/">互动交流</a></div></div>'
        f'<div class="container"><div class="con-left"><h2>政务公开</h2><ul>{sections}</ul>'
        f'<div class="rd"><h3>热点关注</h3><ul>{hot}</ul></div></div>'
        '<div class="con-right"><div class="crumb"><a href="/">首页</a> &gt; <a href="/zwgk/">'
        f'政务公开</a> &gt; 通知公告</div><ul class="news-list">{rows}</ul>'
        '<div class="pagination"><a href="index_1.html">下一页</a></div></div></div>'
        f"{_zh_footer()}"
    )
    return Sample("gov-links", url, _page("通知公告", body), _absolute(url, hrefs))


def card_links() -> Sample:
    """A product blog whose posts are whole-card links (``div.grid > a.card``: an image, an
    ``h3``, a ``time``, an intro), in a header of menu links and a footer of columns."""
    url = "https://www.example.io/blog"
    slugs = ["-".join(t.lower().replace("'", "").replace(",", "").split()) for t in EN_TITLES]
    hrefs = [f"/blog/{s}" for s in slugs]
    cards_html = "".join(
        f'<a class="card" href="{h}"><img src="/img/{i}.png" alt=""><h3>{t}</h3>'
        f'<time datetime="2024-12-{20 - i:02d}">Dec {20 - i}, 2024</time><p>What we learned, '
        "and what we would do differently next time.</p></a>"
        for i, (h, t) in enumerate(zip(hrefs, EN_TITLES, strict=True))
    )
    menu = "".join(
        f'<a href="/{p}">{n}</a>'
        for p, n in (
            ("product", "Product"),
            ("pricing", "Pricing"),
            ("docs", "Docs"),
            ("blog", "Blog"),
        )
    )
    columns = "".join(
        f'<div class="col"><h4>{name}</h4>'
        + "".join(f'<a href="/{name.lower()}/{w.lower()}">{w}</a>' for w in words)
        + "</div>"
        for name, words in (
            ("Company", ("About", "Careers", "Press")),
            ("Resources", ("Guides", "Changelog", "Status")),
        )
    )
    body = (
        f'<header class="site-header"><a href="/" class="logo">Example</a><nav>{menu}</nav>'
        f'</header><main><h1>Blog</h1><div class="grid">{cards_html}</div><div class="pager">'
        '<a href="/blog?page=2" rel="next">Older posts</a></div></main>'
        f'<footer class="site-footer">{columns}</footer>'
    )
    return Sample("card-links", url, _page("Blog - Example", body), _absolute(url, hrefs))


def br_links() -> Sample:
    """An old site's news column: the links one after another, each followed by its date in a
    ``font`` and a ``<br>``, in a table cell; a left column of menu links, a footer."""
    url = "http://www.oldschool.example.com/news/index.htm"
    hrefs = [f"/news/2024/12/{20 - i:02d}{i}.htm" for i in range(10)]
    lines = "".join(
        f'·<a href="{h}" target="_blank">{t}</a> <font color="#999999">({12}/{20 - i})</font><br>'
        for i, (h, t) in enumerate(zip(hrefs, ZH_TITLES, strict=False))
    )
    menu = "".join(
        f'<a href="/{p}/">{n}</a><br>'
        for p, n in (
            ("about", "学校概况"),
            ("news", "新闻动态"),
            ("jw", "教务信息"),
            ("zs", "招生就业"),
        )
    )
    body = (
        '<table width="980" align="center"><tr><td colspan="2">'
        '<img src="/images/banner.jpg"></td></tr>'
        f'<tr><td width="180" valign="top">{menu}</td><td valign="top"><b>新闻动态</b><br>'
        f'{lines}</td></tr><tr><td colspan="2" align="center">版权所有 某某学校 '
        '<a href="/admin/">后台管理</a></td></tr></table>'
    )
    return Sample("br-links", url, _page("新闻动态", body), _absolute(url, hrefs))


SAMPLES = (
    destoon,
    dedecms,
    discuz,
    government,
    gov_links,
    wordpress,
    hexo,
    cards,
    card_links,
    classless,
    br_links,
)
