"""Forms the unseen Chinese pages of issue 15 showed on dev sites: a relative date whose
element keeps the full day for hovering ('1周前' with title="2024-05-13 18:25:18"), a meta
author the page shows only in its footer (the site's maker), a link 'X 的个人博客' beside the
headline, a writer's credit with a bar at the story's end ('作者︱春春', not the editor), and a
counter's word in byline markup ('人氣'), which names nobody."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from feeds.config import ArticleRules
from feeds.extract.article import extract_article
from feeds.extract.person_names import person_name

NOW = datetime(2024, 5, 27, 2, 0, tzinfo=UTC)
ZH = "<p>" + "这是一篇很长的文章正文，讲述了一件发生在本地的事情，内容翔实。" * 6 + "</p>"
H1 = "<h1>一篇文章的标题</h1>"


def page(body: str, head: str = ""):
    html = f"<html><head><title>一篇文章的标题</title>{head}</head><body>{body}</body></html>"
    return extract_article(
        html, "https://e.com/a/1.html", ArticleRules(), now=NOW, tz=ZoneInfo("Asia/Shanghai")
    )


def day_of(body: str) -> date | None:
    found = page(body)
    chosen = found.date or found.metadata_date
    return chosen.value.date() if chosen is not None else None


@pytest.mark.parametrize(
    "info",
    [
        '<p><a data-tooltip="2024-05-13 18:25:18">创建于 <span title="2024-05-13 18:25:18">'
        "1周前</span></a></p>",
        '<p><a href="/u/zzz">zzz</a> · <abbr class="timeago" title="2024年05月13日">'
        "2 周前</abbr></p>",
        '<p class="meta"><span>创建于</span> <span title="2024-05-13 18:25:18">11个月前</span></p>',
    ],
)
def test_a_relative_date_with_the_full_day_on_hover_is_that_day(info: str):
    assert day_of(f"{H1}{info}{ZH}") == date(2024, 5, 13)


def test_a_relative_date_without_a_hover_day_is_still_counted_back():
    assert day_of(f"{H1}<p class='meta'>发布于 3天前</p>{ZH}") == date(2024, 5, 24)


FOOTER = '<div class="footer"><p>由 <a href="https://e.com/summer">Summer</a> 设计和编码</p></div>'


def test_a_meta_author_shown_only_in_the_footer_is_the_sites_maker():
    body = f'{H1}<p><a href="https://e.com/blog/x">my38778570 的个人博客</a></p>{ZH}{FOOTER}'
    assert page(body, '<meta name="author" content="Summer">').author == "my38778570"


def test_a_meta_author_shown_by_the_headline_too_stays_the_writer():
    body = f"{H1}<p>Summer 2024-05-13</p>{ZH}{FOOTER}"
    assert page(body, '<meta name="author" content="Summer">').author == "Summer"


def test_a_footer_only_meta_author_is_still_the_last_resort():
    assert page(f"{H1}{ZH}{FOOTER}", '<meta name="author" content="Summer">').author == "Summer"


@pytest.mark.parametrize(
    ("link", "name"),
    [("my38778570 的个人博客", "my38778570"), ("张三的专栏", "张三"), ("李四的主页", "李四")],
)
def test_a_link_to_the_writers_own_blog_beside_the_headline_names_them(link: str, name: str):
    assert page(f'{H1}<p><a href="https://e.com/blog/x">{link}</a></p>{ZH}').author == name


def test_a_blog_link_in_the_sidebar_names_nobody():
    aside = '<div class="sidebar"><a href="https://e.com/blog/x">张三的专栏</a></div>'
    assert page(f"{H1}{ZH}{aside}").author is None


@pytest.mark.parametrize("bar", ["︱", "丨", "/"])
def test_a_writers_credit_at_the_storys_end_beats_the_labelled_editor(bar: str):
    info = "<p>2017-03-10 09:58 来源：网易科学人</p><p>作者：</p><p>责任编辑：肖春芳</p>"
    end = f"<p>出品{bar}网易科学人栏目组 胖胖</p><p>作者{bar}春春</p><p>[责任编辑:肖春芳]</p>"
    found = page(f"{H1}{info}{ZH}{end}", '<meta name="author" content="肖春芳">')
    assert found.author == "春春"


def test_a_credit_at_the_end_that_names_a_medium_is_no_writer():
    end = "<p>文︱新华社</p><p>责任编辑：肖春芳</p>"
    assert page(f"{H1}{ZH}{end}").author == "肖春芳"  # the editor, as before: nobody else


@pytest.mark.parametrize("word", ["人氣( 23925 )", "浏览 45", "留言 (42)", "点赞"])
def test_a_counters_word_is_no_name(word: str):
    assert person_name(word) is None


def test_a_counter_in_byline_markup_is_not_the_author():
    markup = '<p class="author"><span class="author-views">人氣( 23925 )</span></p>'
    assert page(f"{H1}{markup}{ZH}").author is None


def test_a_blog_platforms_title_finds_the_headline_and_its_date_in_spans():
    # '<title>Headline_part (2) @ Blog_name :: Platform ::</title>' and the date one span per
    # part, the weekday among them ('Dec 28 Sat 2013 00:28').
    html = (
        "<html><head><title>新竹尖石_美樹營地賞楓 (2) @ 史蒂文的家_藍天 :: 痞客邦 PIXNET ::"
        "</title></head><body><p>" + "導覽 " * 400 + "</p><ul class='article-head'>"
        '<li class="publish"><span class="month">Dec </span><span class="date">28 </span>'
        '<span class="day">Sat </span><span class="year">2013 </span>'
        '<span class="time">00:28</span></li><li class="title"><h2><a href="/post/1">'
        f"新竹尖石_美樹營地賞楓 (2)</a></h2></li></ul>{ZH}</body></html>"
    )
    found = extract_article(
        html, "https://e.com/post/1", ArticleRules(), now=NOW, tz=ZoneInfo("Asia/Taipei")
    )
    chosen = found.date or found.metadata_date
    assert chosen is not None and chosen.value.date() == date(2013, 12, 28)


def test_a_header_that_sets_year_day_and_clock_in_spans_of_their_own_dates_the_page():
    # Xinhua: '<span class="year"><em> 2024</em></span><span class="day"><em> 05</em>/<em>13
    # </em></span>', the wire's dateline under it a day earlier ('新华社北京5月12日电').
    header = (
        '<div class="header-time left"><span class="year"><em> 2024</em></span>'
        '<span class="day"><em> 05</em>/<em>13</em></span><span class="time"> 08:17:21</span>'
        '</div><div class="source">来源：新华网</div>'
    )
    html = f"<html><body>{H1}{header}<p>新华社北京5月12日电（记者张三）</p>{ZH}</body></html>"
    found = extract_article(html, "https://e.cn/a.html", ArticleRules(), now=NOW, tz=UTC)
    chosen = found.date or found.metadata_date
    assert chosen is not None and chosen.value == datetime(2024, 5, 13, 8, 17, 21, tzinfo=UTC)


def test_title_variants_split_a_blogs_separators_but_keep_the_headlines_own():
    from feeds.extract.title_words import variants

    assert "新竹尖石_美樹營地賞楓 (2)" in variants(
        "新竹尖石_美樹營地賞楓 (2) @ 史蒂文的家_藍天 :: 痞客邦 ::"
    )


def test_a_credit_in_a_related_storys_teaser_is_no_writer():
    teasers = (
        "<ul><li><a href='/b/2.html'>另一篇很长的文章的标题在这里显示出来了</a>"
        "<span>文/李四</span></li><li><a href='/b/3.html'>第三篇很长的文章的标题在这里显示出来了"
        "</a><span>文/王五</span></li></ul>"
    )
    assert page(f"{H1}{ZH}{teasers}").author is None
