"""More listing pages of kinds the corpus lacks (issue 15, second round): layouts where the
first round's detection found nothing or a sidebar. A PHPCMS column with dates floated right
before the title and a 热门 box of as many rows, a government list of short titles with no
dates, an EmpireCMS table with two-digit-year dates, a Discuz portal list of ``dl`` items, a
Drupal view whose rows repeat their link as "Read more", a Ghost blog whose cards carry
author and tag links, a news page of six teasers beside a dated box of ten with no pager, a
club's news of short English titles, a magazine whose first stories are big cards over the
rows (each ``h2``, the rows' ``h3``), a ``dl`` of ``dt`` links with their dates in the ``dd``,
and a forum whose topic cells are alike to its right bar's hot topics.

Each builder gives a :class:`unseen_listings.Sample` (page, address, the main list's
article URLs in page order).
"""

from __future__ import annotations

from unseen_listings import EN_TITLES, HOT_ZH, ZH_TITLES, Sample, _absolute, _page, _zh_footer

__all__ = ["MORE"]

# Announcement titles as government and school sites write them: 8 to 15 characters.
SHORT_ZH = (
    "关于元旦放假安排的通知",
    "二〇二五年度预算公开",
    "第四季度政府采购意向",
    "冬季安全生产工作提示",
    "政务服务事项目录调整",
    "关于征集民生实事建议",
    "年度法治政府建设报告",
    "重大行政决策目录公布",
    "人大代表建议办理结果",
    "招聘公告（第二批）",
)
SHORT_EN = (
    "Winter opening hours",
    "New committee members",
    "Annual general meeting",
    "Junior league results",
    "Clubhouse car park closed",
    "Volunteers needed",
    "Summer camp dates",
    "Membership fees explained",
)


def _zh_header(columns: tuple[tuple[str, str], ...]) -> str:
    menu = "".join(f'<li><a href="/{p}/">{n}</a></li>' for p, n in columns)
    return (
        '<div class="topbar"><a href="/member/login.php">登录</a> <a href="/member/register.php">'
        '注册</a></div><div class="header"><div class="logo"><a href="/"><img src="/logo.png">'
        f'</a></div></div><div class="main-nav"><ul>{menu}</ul></div>'
    )


_COLUMNS = (
    ("", "首页"),
    ("news", "新闻"),
    ("notice", "公告"),
    ("policy", "政策"),
    ("about", "关于"),
)


def phpcms() -> Sample:
    """PHPCMS v9 ``list.html``: ``ul.list > li`` rows whose date is floated right *before*
    the link (``span.rt``); beside it a 热门 box of as many undated rows, a 推荐 box of
    pictures; no pager on the first page of a short column."""
    url = "https://www.phpcms-example.cn/html/news/guonei/"
    hrefs = [f"/html/2024/guonei_1206/{880 - i}.html" for i in range(9)]
    rows = "".join(
        f'<li><span class="rt">2024-12-{20 - i:02d}</span>·<a href="{h}" target="_blank">{t}</a>'
        "</li>"
        for i, (h, t) in enumerate(zip(hrefs, ZH_TITLES, strict=False))
    )
    hot = "".join(
        f'<li>·<a href="/html/2024/guonei_11{10 + i}/{500 + i}.html" target="_blank">{t}</a></li>'
        for i, t in enumerate(HOT_ZH)
    )
    pics = "".join(
        f'<li><a href="/html/2024/pic_1101/{300 + i}.html"><img src="/uploadfile/{i}.jpg">'
        f"</a><span>{t[:8]}</span></li>"
        for i, t in enumerate(HOT_ZH[:4])
    )
    body = (
        f"{_zh_header(_COLUMNS)}"
        '<div class="main"><div class="col-left"><div class="crumbs"><a href="/">首页</a>'
        '<span> &gt; </span><a href="/html/news/">新闻</a> &gt; 国内</div>'
        f'<ul class="list lh24 f14">{rows}</ul></div>'
        '<div class="col-auto"><div class="box"><h5 class="title-2">热门</h5>'
        f'<ul class="content digg">{hot}</ul></div><div class="box"><h5 class="title-2">推荐'
        f'</h5><ul class="content pic">{pics}</ul></div></div></div>{_zh_footer()}'
    )
    return Sample("phpcms", url, _page("国内_新闻", body), _absolute(url, hrefs))


def gov_short() -> Sample:
    """A county government's 通知公告: ``div.list ul li a`` of short titles (8-15
    characters), no dates on the rows, a left column of the department's columns and a
    footer of 主办 lines; a plain pager."""
    url = "http://www.county-example.gov.cn/zwgk/tzgg/"
    hrefs = [f"/zwgk/tzgg/content_{74120 - 13 * i}.html" for i in range(len(SHORT_ZH))]
    rows = "".join(
        f'<li><a href="{h}" target="_blank" title="{t}">{t}</a></li>'
        for h, t in zip(hrefs, SHORT_ZH, strict=True)
    )
    columns = "".join(
        f'<li><a href="/zwgk/{p}/">{n}</a></li>'
        for p, n in (("tzgg", "通知公告"), ("zcwj", "政策文件"), ("rsxx", "人事信息"))
    )
    body = (
        f"{_zh_header(_COLUMNS)}"
        f'<div class="container"><div class="left"><h3>政务公开</h3><ul>{columns}</ul></div>'
        '<div class="right"><div class="location">您当前的位置：<a href="/">首页</a> &gt; '
        f'<a href="/zwgk/">政务公开</a></div><div class="list"><ul>{rows}</ul></div>'
        '<div class="page"><a href="index_2.html">下一页</a> <a href="index_5.html">尾页</a>'
        "</div></div></div>"
        '<div class="footer"><p>主办：某某县人民政府办公室</p><p><a href="/wzdt/">网站地图</a>'
        "</p></div>"
    )
    return Sample("gov-short", url, _page("通知公告", body), _absolute(url, hrefs))


def empire() -> Sample:
    """An EmpireCMS list in layout tables: rows of a bullet image cell, a title cell and a
    ``[24-12-06]`` date cell; a right table of 点击排行 rows, a footer."""
    url = "http://www.empire-example.com/news/gsxw/"
    hrefs = [f"/news/gsxw/2024-12-{20 - i:02d}/{3310 - i}.html" for i in range(10)]
    rows = "".join(
        f'<tr><td width="12"><img src="/skin/dot.gif"></td><td><a href="{h}" target="_blank">'
        f'{t}</a></td><td width="80" class="date">[24-12-{20 - i:02d}]</td></tr>'
        for i, (h, t) in enumerate(zip(hrefs, SHORT_ZH, strict=True))
    )
    ranked = "".join(
        f'<tr><td><a href="/news/gsxw/2024-11-{10 + i:02d}/{3000 + i}.html">{t}</a></td></tr>'
        for i, t in enumerate(HOT_ZH)
    )
    body = (
        f"{_zh_header(_COLUMNS)}"
        '<table width="960" align="center"><tr><td valign="top" width="700">'
        '<table width="100%"><tr><td class="position">现在的位置：<a href="/">首页</a>&nbsp;&gt;'
        '&nbsp;<a href="/news/">新闻中心</a></td></tr></table>'
        f'<table width="100%" class="box">{rows}</table>'
        '<table width="100%"><tr><td class="list_page"><a href="index_2.html">下一页</a></td>'
        '</tr></table></td><td valign="top" width="250"><table width="100%" class="title">'
        f'<tr><td><strong>点击排行</strong></td></tr></table><table width="100%">{ranked}'
        f"</table></td></tr></table>{_zh_footer()}"
    )
    return Sample("empire", url, _page("公司新闻", body), _absolute(url, hrefs))


def discuz_portal() -> Sample:
    """A Discuz! portal column (``portal.php?mod=list``): each article a ``dl.bbda`` of
    ``dt.xs2 > a``, a ``dd`` intro and a ``dd`` with the date and the category link; a right
    column of 热门文章 in ``ul.xl`` rows and a footer."""
    url = "https://www.dz-example.cn/portal.php?mod=list&catid=2"
    hrefs = [f"article-{1500 - 4 * i}-1.html" for i in range(8)]
    items = "".join(
        f'<dl class="bbda cl"><dt class="xs2"><a href="{h}" target="_blank" class="xi2">{t}'
        f'</a></dt><dd class="xs2 cl"><div class="atc"><a href="{h}" target="_blank"><img '
        f'src="data/attachment/portal/{i}.jpg" class="tn" /></a></div>{t}，相关负责人表示……'
        '</dd><dd><label>分类: <a href="portal.php?mod=list&amp;catid=2" class="xi2">行业动态'
        f'</a></label><span class="xg1"> 2024-12-{20 - i} 10:2{i}</span></dd></dl>'
        for i, (h, t) in enumerate(zip(hrefs, ZH_TITLES, strict=False))
    )
    hot = "".join(
        f'<li><a href="article-{900 + i}-1.html" title="{t}">{t}</a></li>'
        for i, t in enumerate(HOT_ZH)
    )
    body = (
        '<div id="toptb" class="cl"><div class="wp"><a href="member.php?mod=register">注册</a>'
        '</div></div><div id="hd"><div id="nv"><ul><li><a href="portal.php">门户</a></li>'
        '<li><a href="forum.php">论坛</a></li></ul></div></div>'
        '<div id="wp" class="wp"><div id="pt" class="bm cl"><a href="./">首页</a> <em>›</em> '
        '<a href="portal.php">门户</a></div><div id="ct" class="ct2 wp cl"><div class="mn">'
        f'<div class="bm"><div class="bm_h"><h1 class="xs2">行业动态</h1></div><div class="bm_c '
        f'xld">{items}</div></div><div class="pgs cl"><div class="pg"><strong>1</strong><a '
        'href="portal.php?mod=list&amp;catid=2&amp;page=2">2</a><a href="portal.php?mod=list&amp;'
        'catid=2&amp;page=2" class="nxt">下一页</a></div></div></div><div class="sd pph">'
        '<div class="bm"><div class="bm_h"><h2>热门文章</h2></div><div class="bm_c"><ul '
        f'class="xl xl1">{hot}</ul></div></div></div></div></div>'
        '<div id="ft" class="wp cl"><p>Powered by <a href="http://www.discuz.net">Discuz!</a>'
        "</p></div>"
    )
    return Sample("discuz-portal", url, _page("行业动态 - 门户", body), _absolute(url, hrefs))


def drupal() -> Sample:
    """A Drupal view: ``div.views-row`` with an ``h2 > a`` title, a date field, an intro and
    a "Read more" link to the same article; a sidebar block of 10 most-read links."""
    url = "https://www.university-example.edu/news"
    slugs = ["-".join(t.lower().replace("'", "").replace(",", "").split()) for t in EN_TITLES]
    hrefs = [f"/news/{s}" for s in slugs]
    rows = "".join(
        f'<div class="views-row"><div class="views-field views-field-title"><h2><a href="{h}" '
        f'hreflang="en">{t}</a></h2></div><div class="views-field views-field-created">'
        f'<time datetime="2024-12-{20 - i:02d}T10:00:00Z">{20 - i:02d}/12/2024</time></div>'
        f'<div class="views-field views-field-body"><p>{t}: the department reports on what '
        f'changed this term.</p></div><div class="views-field views-field-view-node"><a href="{h}"'
        f' hreflang="en">Read more</a></div></div>'
        for i, (h, t) in enumerate(zip(hrefs, EN_TITLES, strict=True))
    )
    most = "".join(
        f'<li><a href="/news/older-story-number-{i}-of-the-term">{t} (older)</a></li>'
        for i, t in enumerate(EN_TITLES + EN_TITLES[:2])
    )
    menu = "".join(
        f'<li class="menu-item"><a href="/{p}">{n}</a></li>'
        for p, n in (("study", "Study"), ("research", "Research"), ("news", "News"))
    )
    body = (
        f'<header role="banner"><nav><ul class="menu">{menu}</ul></nav></header>'
        '<main role="main"><div class="layout-content"><h1>News</h1><div class="view view-news">'
        f'<div class="view-content">{rows}</div></div></div>'
        '<div class="layout-sidebar-second"><div class="block block-views"><h2>Most read</h2>'
        f'<div class="item-list"><ul>{most}</ul></div></div></div></main>'
        '<footer role="contentinfo"><a href="/privacy">Privacy</a> <a href="/accessibility">'
        "Accessibility</a></footer>"
    )
    return Sample("drupal", url, _page("News", body), _absolute(url, hrefs))


def ghost() -> Sample:
    """A Ghost (Casper) home page: ``article.post-card`` with an image link, a content link
    around the ``h2`` title and the excerpt, and a meta footer of author links and a tag."""
    url = "https://ghost-example.blog/"
    slugs = ["-".join(t.lower().replace("'", "").replace(",", "").split()) for t in EN_TITLES]
    hrefs = [f"/{s}/" for s in slugs]
    cards = "".join(
        f'<article class="post-card post tag-engineering"><a class="post-card-image-link" '
        f'href="{h}"><img class="post-card-image" src="/content/images/{i}.jpg" alt="{t}"></a>'
        f'<div class="post-card-content"><a class="post-card-content-link" href="{h}">'
        f'<header class="post-card-header"><div class="post-card-primary-tag">Engineering</div>'
        f'<h2 class="post-card-title">{t}</h2></header><section class="post-card-excerpt"><p>'
        f"{t}, and what the team took from it.</p></section></a><footer "
        'class="post-card-meta"><ul class="author-list"><li class="author-list-item"><a href="'
        f'/author/{("ann", "bo", "cy")[i % 3]}/" class="static-avatar"><img class="author-'
        f'profile-image" src="/a/{i % 3}.jpg" alt="{("Ann", "Bo", "Cy")[i % 3]}"></a></li></ul>'
        f'<div class="post-card-byline-content"><span><a href="/author/{("ann", "bo", "cy")[i % 3]}'
        f'/">{("Ann", "Bo", "Cy")[i % 3]}</a></span><span class="post-card-byline-date"><time '
        f'datetime="2024-12-{20 - i:02d}">{20 - i} Dec 2024</time></span></div></footer></div>'
        "</article>"
        for i, (h, t) in enumerate(zip(hrefs, EN_TITLES, strict=True))
    )
    body = (
        '<div class="site-wrapper"><header id="gh-head" class="gh-head"><nav class="gh-head-inner">'
        '<a class="gh-head-logo" href="/">Example</a><ul class="nav"><li class="nav-home"><a '
        'href="/">Home</a></li><li class="nav-about"><a href="/about/">About</a></li></ul></nav>'
        '</header><main id="site-main" class="site-main outer"><div class="inner posts"><div '
        f'class="post-feed">{cards}</div></div></main><footer class="site-footer outer"><div '
        'class="inner"><section class="copyright"><a href="/">Example</a> &copy; 2024</section>'
        '<a href="https://ghost.org/" target="_blank">Powered by Ghost</a></div></footer></div>'
    )
    return Sample("ghost", url, _page("Example", body), _absolute(url, hrefs))


def teasers_and_box() -> Sample:
    """A news section with no pager: six teasers in the main column (image, ``h3`` headline,
    intro), and beside them a box of ten latest links each dated "Dec 6" (no year)."""
    url = "https://www.citypaper-example.com/business/"
    hrefs = [f"/business/2024/12/{20 - i:02d}/story-{7700 - i}" for i in range(6)]
    teasers = "".join(
        f'<div class="teaser"><a href="{h}" class="thumb"><img src="/img/{i}.jpg"></a>'
        f'<h3 class="teaser-title"><a href="{h}">{t}</a></h3><p class="teaser-dek">{t}, and '
        "what it means for local businesses over the coming months.</p></div>"
        for i, (h, t) in enumerate(zip(hrefs, EN_TITLES, strict=False))
    )
    latest = "".join(
        f'<li><a href="/news/2024/12/{20 - i // 2:02d}/story-{7600 - i}">{t}</a> '
        f'<span class="when">Dec {20 - i // 2}</span></li>'
        for i, t in enumerate(EN_TITLES + EN_TITLES[:2])
    )
    menu = "".join(
        f'<li><a href="/{p}/">{n}</a></li>'
        for p, n in (("news", "News"), ("business", "Business"), ("sport", "Sport"))
    )
    body = (
        f'<div class="masthead"><a href="/" class="logo">City Paper</a><ul class="sections">'
        f"{menu}</ul></div>"
        '<div class="page"><div class="col-a"><h1>Business</h1>'
        f'<div class="teasers">{teasers}</div></div><div class="col-b"><div class="box">'
        f'<h4>Latest news</h4><ul class="latest">{latest}</ul></div></div></div>'
        '<div class="bottom"><a href="/contact/">Contact us</a> <a href="/terms/">Terms</a></div>'
    )
    return Sample("teasers", url, _page("Business", body), _absolute(url, hrefs))


def club_news() -> Sample:
    """A club's news page: ``ul.news-list li a`` of short titles (2-4 words), no dates, a
    header menu and a footer of links."""
    url = "https://www.tennisclub-example.org.uk/news/"
    slugs = ["-".join(t.lower().split()) for t in SHORT_EN]
    hrefs = [f"/news/{s}/" for s in slugs]
    rows = "".join(f'<li><a href="{h}">{t}</a></li>' for h, t in zip(hrefs, SHORT_EN, strict=True))
    menu = "".join(
        f'<li><a href="/{p}/">{n}</a></li>'
        for p, n in (("join", "Join"), ("coaching", "Coaching"), ("news", "News"), ("", "Home"))
    )
    body = (
        f'<header><nav><ul id="menu-main">{menu}</ul></nav></header><div id="content">'
        f'<h1>Club news</h1><ul class="news-list">{rows}</ul></div>'
        '<footer><ul><li><a href="/privacy/">Privacy policy</a></li><li><a href="/contact/">'
        'Contact</a></li><li><a href="/safeguarding/">Safeguarding</a></li></ul></footer>'
    )
    return Sample("club-news", url, _page("Club news", body), _absolute(url, hrefs))


def dl_dates() -> Sample:
    """A school's news column as one ``dl``: each ``dt`` holds the link, the ``dd`` after it
    the date; a left menu and a footer."""
    url = "http://www.school-example.edu.cn/xwzx/"
    hrefs = [f"/xwzx/2024/1220/c{150 - i}a{88000 - 7 * i}/page.htm" for i in range(9)]
    rows = "".join(
        f'<dt><a href="{h}" target="_blank">{t}</a></dt><dd>2024-12-{20 - i:02d}</dd>'
        for i, (h, t) in enumerate(zip(hrefs, ZH_TITLES, strict=False))
    )
    body = (
        f"{_zh_header(_COLUMNS)}"
        '<div class="wrap"><div class="sub-left"><ul><li><a href="/xwzx/">学校要闻</a></li>'
        '<li><a href="/mtbd/">媒体报道</a></li></ul></div><div class="sub-right">'
        f'<dl class="news-dl">{rows}</dl></div></div>{_zh_footer()}'
    )
    return Sample("dl-dates", url, _page("学校要闻", body), _absolute(url, hrefs))


def magazine() -> Sample:
    """A WordPress magazine theme's home: two featured ``article.post-card`` (an image link
    first, an ``h2`` title, an excerpt) in their own section, a "Latest" heading, then the
    rows (``article.post-card`` with an ``h3`` title and a date), a pager; a sidebar of popular
    posts and a footer."""
    url = "https://magazine-example.com/"
    slugs = ["-".join(t.lower().replace("'", "").replace(",", "").split()) for t in EN_TITLES]
    hrefs = [f"/2024/12/{20 - i:02d}/{s}/" for i, s in enumerate(slugs)]
    featured = "".join(
        f'<article class="post-card featured"><a class="thumb" href="{h}"><img src="/f{i}.jpg">'
        f'</a><h2 class="entry-title"><a href="{h}">{t}</a></h2><p class="excerpt">{t}: the '
        "long read, with what we found and what it changes.</p></article>"
        for i, (h, t) in enumerate(zip(hrefs[:2], EN_TITLES[:2], strict=True))
    )
    rows = "".join(
        f'<article class="post-card"><a class="thumb" href="{h}"><img src="/r{i}.jpg"></a>'
        f'<h3 class="entry-title"><a href="{h}">{t}</a></h3><time datetime="2024-12-{18 - i:02d}"'
        f">Dec {18 - i}, 2024</time></article>"
        for i, (h, t) in enumerate(zip(hrefs[2:], EN_TITLES[2:], strict=True))
    )
    popular = "".join(
        f'<li><a href="/2024/10/{10 + i:02d}/popular-story-number-{i}/">{t} (popular)</a></li>'
        for i, t in enumerate(EN_TITLES[:5])
    )
    body = (
        '<header class="site-header"><a href="/" class="logo">Magazine</a><nav class="primary">'
        '<a href="/culture/">Culture</a><a href="/tech/">Tech</a><a href="/about/">About</a>'
        f'</nav></header><div class="wrap"><main id="main"><section class="featured-posts">'
        f'{featured}</section><h2 class="section-title">Latest</h2><section class="post-list">'
        f'{rows}</section><nav class="pagination"><a class="next" href="/page/2/">Older</a>'
        '</nav></main><aside class="sidebar"><h3>Popular</h3><ul class="popular">'
        f"{popular}</ul></aside></div>"
        '<footer class="site-footer"><a href="/privacy/">Privacy</a></footer>'
    )
    return Sample("magazine", url, _page("Magazine", body), _absolute(url, hrefs))


def forum_cells() -> Sample:
    """A forum's front page in V2EX's layout: each topic a ``div.cell`` in the main column's
    ``div.box`` (avatar, ``span.item_title a``, node, poster, '3 小时前', reply count), beside a
    right bar whose hot topics are ``div.cell`` in a ``div.box`` too: alike in tag, class and
    ancestors, so found as one block of both columns, which no selector reads whole."""
    url = "https://forum-example.cn/"
    topics = [f"/t/{1000 + i}" for i in range(8)]
    cells = "".join(
        f'<div class="cell item"><table><tr><td width="48"><a href="/member/u{i}"><img '
        f'src="/avatar/{i}.png" class="avatar" alt="u{i}"></a></td><td><span class="item_title">'
        f'<a href="{h}#reply{i}" class="topic-link">{t}</a></span><span class="topic_info"><a '
        f'class="node" href="/go/qna">问与答</a> • <strong><a href="/member/u{i}">u{i}</a>'
        f'</strong> • <span title="2024-12-0{i + 1} 10:00:00 +08:00">{i + 1} 小时前</span></span>'
        f'</td><td width="70"><a href="{h}#reply{i}" class="count_livid">{i}</a></td></tr>'
        "</table></div>"
        for i, (h, t) in enumerate(zip(topics, ZH_TITLES, strict=False))
    )
    hot = "".join(
        f'<div class="cell"><a href="/t/{900 + i}">{t}</a></div>' for i, t in enumerate(HOT_ZH[:6])
    )
    body = (
        '<div id="Top"><a href="/">首页</a><a href="/notes">记事本</a><a href="/signin">登录</a>'
        '</div><div id="Main"><div class="box"><div class="cell" id="Tabs"><a href="/?tab=tech">'
        f'技术</a><a href="/?tab=play">好玩</a></div>{cells}</div></div><div id="Rightbar">'
        f'<div class="box"><div class="cell">今日热议主题</div>{hot}</div></div>'
    )
    # The links as the page writes them, with the reply count's fragment: the feed's
    # identity drops it (identity.py).
    linked = [f"{h}#reply{i}" for i, h in enumerate(topics)]
    return Sample("forum-cells", url, _page("论坛", body), _absolute(url, linked))


MORE = (
    forum_cells,
    magazine,
    phpcms,
    gov_short,
    empire,
    discuz_portal,
    drupal,
    ghost,
    teasers_and_box,
    club_news,
    dl_dates,
)
