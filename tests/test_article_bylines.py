"""Article authors, continued (issue 15): the common English byline shapes (a title, an
agency, a handle or a date beside the name; microdata, <address>), and Chinese pages whose
byline stands in the next cell, beside a counter, or names a medium or a team."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from feeds.config import ArticleRules
from feeds.extract.article import extract_article
from feeds.extract.labels import author_from

NOW = datetime(2024, 12, 14, 2, 0, tzinfo=UTC)
EN = "<p>" + "This is a long story about what happened in the town last week. " * 6 + "</p>"
ZH = "<p>" + "这是一篇很长的文章正文，讲述了一件发生在本地的事情，内容翔实。" * 6 + "</p>"
H1 = "<h1>A headline of the story</h1>"
H1_ZH = "<h1>一篇文章的标题</h1>"


def author_of(head: str, body: str, title: str = "A headline of the story") -> str | None:
    html = f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"
    page = extract_article(
        html, "https://e.com/a/1.html", ArticleRules(), now=NOW, tz=ZoneInfo("Asia/Shanghai")
    )
    return page.author


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Ann Lee, Staff Writer", "Ann Lee"),
        ("Ann Lee Senior Correspondent", "Ann Lee"),
        ("Ann Lee, Reuters", "Ann Lee"),
        ("Ann Lee / AP", "Ann Lee"),
        ("Ann Lee (@annlee)", "Ann Lee"),
        ("Ann Lee @annlee", "Ann Lee"),
        ("Ann Lee on June 3, 2021", "Ann Lee"),
        ("Anna Berg am 3. Juni 2021", "Anna Berg"),
        ("AFP, MANILA", "AFP, MANILA"),  # an agency alone stays
        ("Ann Lee, Bob Roe", "Ann Lee, Bob Roe"),
    ],
)
def test_what_stands_beside_an_english_name_is_cut(raw: str, name: str) -> None:
    assert author_from(raw) == name


@pytest.mark.parametrize(
    "byline",
    [
        "<div class='byline'>By Ann Lee, Staff Writer</div>",
        "<div class='author'>Ann Lee<br>Staff Writer</div>",
        "<div class='byline'>By Ann Lee (@annlee)</div>",
        "<p>By Ann Lee @annlee</p>",
        "<address class='byline'>By <a rel='author'>Ann Lee</a> on June 3, 2021</address>",
    ],
)
def test_an_english_byline_gives_the_name_alone(byline: str) -> None:
    assert author_of("", H1 + byline + EN) == "Ann Lee"


def test_microdata_gives_the_author_s_name_not_the_job_beside_it():
    block = (
        "<div itemprop='author' itemscope itemtype='https://schema.org/Person'><img src='a.jpg'>"
        "<span itemprop='name'>Ann Lee</span><span itemprop='jobTitle'>Head of Research</span>"
        "</div>"
    )
    assert author_of("", f"<article>{H1}{block}{EN}</article>") == "Ann Lee"


def test_an_address_names_the_writer_only_in_a_name_s_shape():
    assert author_of("", f"{H1}<address>Ann Lee</address>{EN}") == "Ann Lee"
    street = "<address>12 High Street, Springfield</address>"
    assert author_of("", f"{H1}{street}{EN}") is None


def test_a_byline_after_the_date_names_the_writer():
    line = "<div class='meta'>Posted on June 3, 2021 by <a href='/author/ann'>Ann Lee</a></div>"
    assert author_of("", f"{H1}{line}{EN}") == "Ann Lee"
    assert author_of("", f"{H1}<p>Sales rose 3 by Friday</p>{EN}") is None


@pytest.mark.parametrize(
    "info",
    [
        "<table><tr><td><b>作者：</b></td><td><a href='/u/1'>芊草凡凡</a></td></tr></table>",
        "<div><p><b>作者：</b></p><p><a href='/u/1'>芊草凡凡</a></p></div>",
        "<table><tr><td>作者：</td><td>芊草凡凡</td><td>来源：</td><td>某某网</td></tr></table>",
    ],
)
def test_a_label_alone_in_its_cell_names_the_value_in_the_next(info: str) -> None:
    assert author_of("", f"{H1_ZH}{info}{ZH}", title="一篇文章的标题_某某网") == "芊草凡凡"


def test_a_portal_s_channel_or_a_team_as_author_gives_way_to_the_reporter():
    reporter = "<p>（记者 张三）</p>"
    head = "<meta name='author' content='新浪财经'>"
    assert author_of(head, f"{H1_ZH}{ZH}{reporter}", title="一篇文章的标题_某某网") == "张三"
    team = "<div>作者：新浪财经综合</div>"
    assert author_of("", f"{H1_ZH}{team}{ZH}{reporter}", title="一篇文章的标题_某某网") == "张三"


def test_a_medium_labelled_as_author_is_the_last_resort():
    body = f"{H1_ZH}<div>作者：新京报</div>{ZH}"
    assert author_of("", body, title="一篇文章的标题_某某网") == "新京报"


def test_a_phrase_in_author_metadata_gives_way_to_the_labelled_writer():
    head = "<meta name='author' content='deinen Hochzeitsbloggern'>"
    body = f"{H1}{EN}<p><em>Autor: <a href='/p/1'>Samuel Diekmann</a></em></p>"
    assert author_of(head, body) == "Samuel Diekmann"
    assert author_of("<meta name='author' content='fri.juli'>", H1 + EN) == "fri.juli"
    assert author_of("<meta name='author' content='van Gogh'>", H1 + EN) == "van Gogh"


def test_a_profile_link_beside_the_headline_names_the_writer():
    badge = (
        "<div class='user-badge'><a href='/members/127862'><img class='avatar' alt='fri.juli'"
        " src='a.jpg'><div class='avatar-side-name'>fri.juli</div></a></div>"
    )
    assert author_of("", f"<div>{badge}{H1}<div>23.09.22</div>{EN}</div>") == "fri.juli"
    login = "<div><a href='/user/login'>Anmelden</a></div>"
    assert author_of("", f"<div>{login}{H1}{EN}</div>") is None
    authors = "<div><a href='/authors/'>Autoren</a></div>"
    assert author_of("", f"<div>{authors}{H1}{EN}</div>") is None


@pytest.mark.parametrize(
    "line",
    [
        "<div class='info'><span>zboygirl 阅读(1660)</span></div>",
        "<p>zboygirl 阅读(1660) 评论(3) 2024-05-08 23:23</p>",
        "<p>zboygirl · 2024-05-08 23:23</p>",
    ],
)
def test_a_handle_right_below_the_headline_with_a_counter_or_date_on_its_line(line: str):
    assert author_of("", f"{H1_ZH}{line}{ZH}", title="一篇文章的标题_某某网") == "zboygirl"


def test_a_line_of_a_date_and_a_counter_alone_names_nobody():
    line = "<p>2024-05-08 23:23 阅读(1660)</p>"
    assert author_of("", f"{H1_ZH}{line}{ZH}", title="一篇文章的标题_某某网") is None


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Ann Lee Published 2 hours ago", "Ann Lee"),
        ("Ann Lee For Dailymail.com", "Ann Lee"),
        ("Ann Lee for The New York Times", "Ann Lee"),
        ("Ann Lee in Politics", "Ann Lee"),
        ("Ann Lee Read more", "Ann Lee"),
        ("Ann Lee Updated 3:45 PM EDT, Mon June 3, 2021", "Ann Lee"),  # a clock is no label
        ("张三（实习生）", "张三"),
        ("李四(通讯员)", "李四"),
    ],
)
def test_what_follows_a_name_in_a_byline_block_is_cut(raw: str, name: str) -> None:
    assert author_from(raw) == name


def test_a_clock_in_a_byline_block_does_not_hide_the_name():
    block = "<div class='byline'>Ann Lee<br>Updated 3:45 PM EDT, Mon June 3, 2021</div>"
    assert author_of("", f"{H1}{block}{EN}") == "Ann Lee"


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Wednesday January 18, 2017 11:44 am PST", None),
        ("By Ann Lee, December 15, 2016", "Ann Lee"),
        ("Ann Lee 18 Jan 2017", "Ann Lee"),
        ("April Smith", "April Smith"),
        ("Theresa May", "Theresa May"),
    ],
)
def test_an_english_date_beside_a_name_is_cut_and_alone_names_nobody(raw: str, name: str | None):
    assert author_from(raw) == name


def test_a_meta_author_that_is_the_site_name_in_the_title_gives_way_to_the_byline():
    # <meta name="author"> carries the publication, named again beside the headline in
    # <title>; the story's byline names the writer.
    head = '<meta name="author" content="Example Media">'
    body = f"<article>{H1}<div class='byline'>By <a href='/staff/lee'>Lee Park</a></div>{EN}"
    title = "A headline of the story | Example Media"
    assert author_of(head, body + "</article>", title) == "Lee Park"
    # With no byline on the page, the publication is still the last resort.
    assert author_of(head, f"<article>{H1}{EN}</article>", title) == "Example Media"
    # A person's blog: the meta author is the one the title names, and no one else is.
    head = '<meta name="author" content="Jane Doe">'
    assert author_of(head, f"<article>{H1}{EN}</article>", "A headline - Jane Doe") == "Jane Doe"


def test_an_author_card_gives_its_microdata_name_not_the_job_title_under_it():
    # A Docusaurus author card: a class-named column around the microdata Person, whose name
    # stands over the writer's job title.
    body = (
        H1_ZH + '<div class="blogPostData"><time datetime="2022-04-15">2022年4月15日</time></div>'
        '<div class="col authorCol_8c0z"><div class="avatar__intro" itemprop="author" '
        'itemscope itemtype="https://schema.org/Person"><div class="avatar__name"><a href="#">'
        '<span itemprop="name">Casion</span></a></div><small class="avatar__subtitle">'
        "微众银行开发工程师</small></div></div>" + ZH
    )
    assert author_of("", body, "一篇文章的标题") == "Casion"


def test_a_tag_over_the_first_sentence_that_names_a_day_is_no_author():
    # Docsy: the date line, then 'Tags: Release Notes', then the story's first sentence, which
    # names another day: the tag is not a name over a date.
    body = (
        "<h1>Dubbo Go 1.4.0</h1><div class=lead>dubbo-go 1.4.0 版本发布，支持 K8s 注册中心</div>"
        "<div><time datetime=2021-01-12>Tuesday, January 12, 2021</time></div>"
        "<div><h5>Tags:</h5><ul><li><a href=/tags/release-notes/><span>Release Notes</span>"
        "</a></li></ul></div><p>得益于社区活跃的支持，2020 年 3 月 25 日 我们发布了一个让人兴奋的"
        "版本——dubbo-go v1.4.0。除了继续支持已有的 Dubbo 的一些特性外， dubbo-go 开始了一些"
        "自己的创新尝试。</p>" + ZH
    )
    assert author_of("", body, "Dubbo Go 1.4.0") is None
