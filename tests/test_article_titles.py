"""Article titles: the site's or the blog's name is never the title (issue 15, part 3)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from feeds.config import ArticleRules
from feeds.extract.article import extract_article

NOW = datetime(2024, 12, 14, 2, 0, tzinfo=UTC)


def title_of(html: str, url: str = "https://e.com/a/1.html") -> str | None:
    page = extract_article(html, url, ArticleRules(), now=NOW, tz=ZoneInfo("Asia/Shanghai"))
    return page.title


def test_a_title_that_lost_its_headline_part_gives_way_to_the_h1():
    # The CMS left the title field empty: '<title>-Site</title>'; the headline is the <h1>.
    html = """<html><head><title>-铜雀历史网</title></head><body>
    <div class="nav"><a href="/">首页</a></div>
    <h1>疫情一刀切政策怎么投诉举报</h1><p>有关疫情一刀切的防疫政策也是民众最为关注的。</p>
    </body></html>"""
    assert title_of(html) == "疫情一刀切政策怎么投诉举报"


def test_a_hidden_masthead_h1_that_names_the_site_is_not_the_title():
    # The <h1> holds the site's name (a part of <title> beside the headline); the story's
    # headline is an <h2>.
    html = """<html><head><title>这个约会软件，想用你和对方的相似好恶来帮你找对象_好奇心日报</title>
    </head><body><h1 class="hidden">好奇心日报</h1>
    <h2 class="title">这个约会软件，想用你和对方的相似好恶来帮你找对象</h2>
    <p>一段很长的正文，讲述了约会软件如何根据相似的好恶来匹配用户。</p></body></html>"""
    assert title_of(html) == "这个约会软件，想用你和对方的相似好恶来帮你找对象"


def test_a_blog_name_heading_is_not_the_title():
    # A blog's header: its name in an <h1> linking to the blog's home (not the site's root).
    html = """<html><head><title>对于Docker和Podman的一点使用经验 - 好看的hk - 博客园</title>
    </head><body><div id="header"><h1><a href="https://www.cnblogs.com/hkhk/">好看的hk</a></h1>
    </div><div class="post"><h2 class="postTitle"><a href="/hkhk/p/1.html">
    <span>对于Docker和Podman的一点使用经验</span></a></h2>
    <div class="postBody"><p>最近在服务器上同时用了Docker和Podman，记录一下区别。</p></div>
    </div></body></html>"""
    assert title_of(html, "https://www.cnblogs.com/hkhk/p/1.html") == (
        "对于Docker和Podman的一点使用经验"
    )


def test_an_h1_that_is_the_headline_still_wins_over_a_longer_title():
    html = """<html><head><title>Short story - A very long site slogan about everything</title>
    </head><body><h1>Short story</h1><p>Text of the story, long enough to be prose.</p>
    </body></html>"""
    assert title_of(html) == "Short story"


def test_a_title_escaped_twice_in_metadata_is_unescaped():
    html = """<html><head><meta property="og:title"
    content="Australian &amp;#039;megablaze&amp;#039; brought under control"></head>
    <body><p>Exhausted firefighters said they had finally brought the fire under control.</p>
    </body></html>"""
    assert title_of(html) == "Australian 'megablaze' brought under control"


def test_the_one_headline_the_story_shows_beats_social_titles_that_word_it_otherwise():
    head = (
        "<title>20 Clever Ideas for your Small Nursery - The Postpartum Party</title>"
        "<meta property='og:title' content=\"Clever Ideas to Set Up Baby's Nursery\">"
        "<meta name='twitter:title' content=\"Clever Ideas to Set Up Baby's Nursery\">"
    )
    story = "<h1>20 Clever Small Nursery Ideas When You're Tight On Space</h1><p>Text.</p>"
    shown = "20 Clever Small Nursery Ideas When You're Tight On Space"
    assert title_of(f"<html><head>{head}</head><body><article>{story}</article>") == shown
    assert title_of(f"<html><head>{head}</head><body><main>{story}</main>") == shown
    # An <h1> outside the story, or one of several, is no such headline: metadata wins.
    social = "Clever Ideas to Set Up Baby's Nursery"
    assert title_of(f"<html><head>{head}</head><body>{story}</body>") == social
    two = f"<article><h1>The Postpartum Party Blog</h1>{story}</article>"
    assert title_of(f"<html><head>{head}</head><body>{two}</body>") == social


def test_a_title_that_is_only_the_sites_name_gives_way_to_the_h1():
    # A CMS template that titles every page with the site's name, which the logo's link to
    # the front page shows too; nothing else confirms the <h1>, which is the headline.
    html = """<html><head><title>某某网</title></head><body>
    <div class="top"><a href="/">某某网</a> <a href="/news/">新闻</a></div>
    <h1>全市人工智能产业发展推进会召开</h1><p>近日，全市人工智能产业发展推进会召开。</p>
    </body></html>"""
    assert title_of(html) == "全市人工智能产业发展推进会召开"
    # A short title that no front-page link names is the page's own, and stays.
    own = html.replace('<a href="/">某某网</a>', '<a href="/">首页</a>')
    assert title_of(own) == "某某网"


def test_a_breadcrumb_title_gives_its_last_part():
    html = """<html><head><title>某某网 &gt; 新闻中心 &gt; 全市人工智能产业发展推进会召开</title>
    </head><body><div class="tit">全市人工智能产业发展推进会召开</div>
    <p>近日，全市人工智能产业发展推进会召开，会议总结了今年以来的工作。</p></body></html>"""
    assert title_of(html) == "全市人工智能产业发展推进会召开"


def test_an_h1_that_the_title_words_almost_alike_is_the_headline():
    # The <title> kept a typo the <h1> corrected ('珠合璧联' / '珠联璧合'): one headline, shown as
    # the <h1>; its permalink mark ('#') is no part of it.
    html = """<html><head><title>Serverless Devs - SAE与Github Action珠合璧联，让CD从未如此简单
    </title></head><body><div class="nav"><a href="/">首页</a></div>
    <h1>Serverless Devs - SAE与Github Action珠联璧合，让CD从未如此简单 <a href="#x">#</a></h1>
    <p>Serverless 应用引擎（简称 SAE）是首款面向应用的Serverless PaaS。</p></body></html>"""
    assert title_of(html) == "Serverless Devs - SAE与Github Action珠联璧合，让CD从未如此简单"


def test_a_heading_permalink_mark_is_not_in_the_title():
    html = """<html><head><title>v1.x版本 正式发布 | Gone 文档</title></head><body>
    <main><h1><a class="header-anchor" href="#v1">#</a> v1.x版本 正式发布</h1>
    <p>重构了函数参数依赖注入，内置了更多的组件。</p></main></body></html>"""
    assert title_of(html) == "v1.x版本 正式发布"


def test_a_software_credit_in_the_title_is_not_the_headline():
    # A forum archive page: the headline part is shorter than the software's credit that
    # every page's <title> ends with, and no heading shows the headline.
    html = """<html><head><title>  社会资本与再就业(页 1) - 学术前沿 - 社会学论坛 -
    powered by Discuz! Archiver</title></head><body>
    <div class="subtable"><a href="archiver/">社会学论坛</a> » 社会资本与再就业</div>
    <div class="t_msg">近年来，下岗职工这一社会群体作为改革成本的承担者已越来越引人注目。</div>
    </body></html>"""
    assert title_of(html) == "社会资本与再就业(页 1)"


def test_a_block_that_breaks_a_chinese_headline_adds_no_space():
    # The editor broke the headline in two with a <div>; <title> gives it unbroken. A space
    # the headline holds itself stays.
    html = """<html><head><title>内蒙古延续税收优惠政策助企纾困预计4年减负180亿元_政府网</title>
    </head><body><h1 class="title">内蒙古延续税收优惠政策助企纾困<div>预计4年减负180亿元</div></h1>
    <p>自治区财政厅传出最新消息，决定延续2021年底到期的税收优惠政策执行时限。</p></body></html>"""
    assert title_of(html) == "内蒙古延续税收优惠政策助企纾困预计4年减负180亿元"
    spaced = """<html><head><title>途虎养车港交所挂牌 腾讯为最大外部股东_财新网</title></head>
    <body><h1>途虎养车港交所挂牌 腾讯为最大外部股东</h1>
    <p>汽车服务平台途虎养车正式在港交所主板挂牌上市。</p></body></html>"""
    assert title_of(spaced) == "途虎养车港交所挂牌 腾讯为最大外部股东"


def test_a_chinese_headline_outweighs_a_longer_latin_site_name_in_the_title():
    # No heading shows the headline; of <title>'s parts the Chinese one says more, though the
    # site's Latin name has more characters. Equal weights keep the first part.
    html = """<html><head><title>Joel on Software - 给计算机系学生的建议</title></head><body>
    <p class="slugTitle">给计算机系学生的建议</p><p>作者： 周思博 (Joel Spolsky)</p>
    <p>大多数锐气十足的学生从来不向前辈征求意见。在计算机科学领域，这样做是正确的。</p>
    </body></html>"""
    assert title_of(html) == "给计算机系学生的建议"
    tied = """<html><head><title>静夜思•夜-中国诗歌网</title></head><body>
    <p>床前明月光，疑是地上霜。举头望明月，低头思故乡。这首诗写于一个安静的夜晚。</p>
    </body></html>"""
    assert title_of(tied) == "静夜思•夜"
