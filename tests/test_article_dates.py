"""Article dates from the page: the labelled date beside the byline, never a sidebar's, a
teaser's or one in the story's prose; year-less dates placed among the page's own dates;
day and month in the page's order (issue 15, parts 3 and 4)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup

from feeds.config import ArticleRules
from feeds.extract.article import extract_article
from feeds.extract.date_context import Read
from feeds.extract.date_zones import page_offset
from feeds.extract.dates import parse_date
from feeds.extract.signed_dates import signed_date

NOW = datetime(2024, 12, 14, 2, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")
STORY = "<p>" + "这是一篇很长的文章正文，讲述了一件发生在本地的事情，内容翔实。" * 6 + "</p>"
PROSE = "<p>" + "The story itself, told in sentences long enough to be prose. " * 5 + "</p>"


def day_of(html: str, url: str = "https://e.com/a/1.html", tz=SHANGHAI) -> date | None:
    page = extract_article(html, url, ArticleRules(), now=NOW, tz=tz)
    found = page.date or page.metadata_date
    return found.value.date() if found else None


def test_the_labelled_date_beside_the_byline_beats_a_sidebars_dates():
    # An old table layout: the sidebar's year-less dates come first in the page, and the
    # article's info line sits in one long cell with the story.
    sidebar = "".join(
        f"<li><a href='/a/{i}.html'>另一篇文章的标题，讲的是别的事情{i}</a>"
        f"<span class='date'>08-1{i} 16:06</span></li>"
        for i in range(5)
    )
    html = (
        "<html><head><title>老网站</title></head><body><table><tr>"
        f"<td class='side'><ul>{sidebar}</ul></td><td class='main'>"
        "<b>一篇二〇〇五年的文章</b><br>作者：张三  时间：2005-08-22 19:13:18<br>"
        f"{STORY * 2}</td></tr></table></body></html>"
    )
    assert day_of(html) == date(2005, 8, 22)


def test_a_date_in_the_storys_prose_is_not_its_date():
    html = (
        "<html><head><title>暴雨过后_某网</title></head><body><h1>暴雨过后</h1>"
        "<p>就在6月4 日，一场大雨让城里的很多街道都积了水，居民们纷纷出门查看情况。</p>"
        f"{STORY}</body></html>"
    )
    assert day_of(html) is None
    dated = html.replace("<h1>暴雨过后</h1>", "<h1>暴雨过后</h1><div>2005-06-05 08:00</div>")
    assert day_of(dated) == date(2005, 6, 5)


def test_a_year_less_date_is_placed_among_the_pages_own_dates():
    # A page from 2005 whose dateline has no year: not 2024 (the fetch year).
    html = (
        "<html><head><title>旧闻_某网</title></head><body><h1>旧闻</h1>"
        "<div class='info'>08-22 19:13</div>"
        f"{STORY}<div class='list'><p>上一篇：2005-08-20 旧消息</p></div>"
        "<div id='footer'>Copyright © 2005 某网</div></body></html>"
    )
    assert day_of(html) == date(2005, 8, 22)


def test_a_year_less_date_is_never_in_the_future():
    html = (
        "<html><head><title>新闻_某网</title></head><body><h1>新闻</h1>"
        f"<div class='info'>12-20 10:00</div>{STORY}</body></html>"
    )
    assert day_of(html) == date(2023, 12, 20)


def test_a_recommended_articles_date_is_never_the_articles():
    html = (
        "<html><head><title>一篇文章_某网</title></head><body><h1>一篇文章</h1>"
        f"{STORY}<div class='xgwz'><h3>推荐阅读</h3><ul><li><a href='/a/9.html'>"
        "另一篇文章的标题，讲的是别的事情</a><span class='time'>2024-12-01</span></li></ul>"
        "</div></body></html>"
    )
    assert day_of(html) is None
    assert day_of(html, "https://e.com/2024/11/30/a.html") == date(2024, 11, 30)


def test_day_and_month_in_the_pages_own_order():
    def page(dateline: str, lang: str = "", other: str = "") -> str:
        return (
            f"<html lang='{lang}'><head><title>A story - Site</title></head><body>"
            f"<h1>A story</h1><div class='date'>{dateline}</div>{PROSE}{other}</body></html>"
        )

    assert day_of(page("04/05/2025", "de"), tz=UTC) == date(2025, 5, 4)
    assert day_of(page("04/05/2025", "en-US"), tz=UTC) == date(2025, 4, 5)
    # Another date on the page shows the order: 23/04 can only be day first.
    other = "<div class='more'>Updated 23/04/2025</div>"
    assert day_of(page("04/05/2025", "en", other), tz=UTC) == date(2025, 5, 4)
    # A 12-hour clock is the American habit.
    assert day_of(page("7/5/2005 9:23:57 PM")) == date(2005, 7, 5)
    assert day_of(page("04/05/2025")) is None  # nothing says which
    # English of no country on an Irish site is day first; on a .com or .io site unknown.
    for host, day in (("e.ie", date(2025, 5, 4)), ("e.com", None), ("e.io", None)):
        assert day_of(page("04/05/2025", "en"), f"https://{host}/a/1", tz=UTC) == day
    assert day_of(page("04/05/2025", "en-US"), "https://e.ie/a/1", tz=UTC) == date(2025, 4, 5)
    assert day_of(page("04/05/2025", "zh-CN"), "https://e.cn/a/1", tz=UTC) is None


def test_a_zoned_timestamp_wins_over_the_same_one_without_its_zone():
    html = (
        "<html><head><title>A story</title>"
        '<meta property="article:published_time" content="2024-11-22 16:55:35">'
        '<meta itemprop="datePublished" content="2024-11-22T16:55:35+08:00">'
        f"</head><body><h1>A story</h1>{PROSE}</body></html>"
    )
    page = extract_article(html, "https://e.com/a", ArticleRules(), now=NOW, tz=UTC)
    assert page.metadata_date.value.isoformat() == "2024-11-22T16:55:35+08:00"


def test_a_publication_time_element_far_below_the_headline():
    html = (
        "<html><head><title>Ein Artikel</title></head><body><h1>Ein Artikel</h1>"
        f"{PROSE * 20}<div class='article-references'><time class='references__pubdate' "
        "datetime='2021-12-15' title='15. Dezember 2021'>15.12.2021</time></div></body></html>"
    )
    assert day_of(html, tz=UTC) == date(2021, 12, 15)


def test_the_day_alone_near_the_headline_takes_the_time_of_the_same_days_time_element():
    html = (
        "<html><head><title>Student debt relief draws 8M applications</title></head><body>"
        "<h2>Student debt relief draws 8M applications</h2><p class='story-meta__credit'>"
        "The president speaks in Washington, Monday, Oct. 17, 2022.</p><p>By Ann Lee</p>"
        "<p><time datetime='2022-10-17 16:01:26'>10/17/2022 04:01 PM EDT</time></p>"
        f"{PROSE}</body></html>"
    )
    page = extract_article(html, "https://e.com/a/1.html", ArticleRules(), now=NOW, tz=UTC)
    found = page.date or page.metadata_date
    # the clock of <time datetime>, in the zone its text names ('EDT'), not the source's
    edt = timezone(timedelta(hours=-4))
    assert found is not None and found.has_time
    assert found.value == datetime(2022, 10, 17, 16, 1, 26, tzinfo=edt)
    assert found.value.utcoffset() == timedelta(hours=-4)
    # ... but a <time> of another day does not move it
    other = html.replace("2022-10-17 16:01:26", "2022-10-18 09:00:00")
    assert day_of(other, tz=UTC) == date(2022, 10, 17)


def test_a_date_only_a_script_holds_is_the_last_resort():
    shop = (
        '<html><head><title>Kaffee</title><script>var meta = {"product": {"vendor": '
        '"Happy", "published_at":"2019-03-02T06:22:28+01:00"}};</script></head><body>'
        f"<h1>Kaffee</h1>{PROSE}</body></html>"
    )
    assert day_of(shop, tz=UTC) == date(2019, 3, 2)
    forum = (
        "<html><head><title>A thread</title></head><body><h1>A thread</h1><table><tr><td>"
        '<script>showDate("2020/04/17 01:43:09 01:43:09")</script> views 7</td></tr></table>'
        f"{PROSE}</body></html>"
    )
    assert day_of(forum, tz=UTC) == date(2020, 4, 17)
    portal = shop.replace('"published_at":"2019-03-02T06:22:28+01:00"', '"pubtime": "2018-05-06"')
    assert day_of(portal, tz=UTC) == date(2018, 5, 6)
    app = shop.replace(
        '"published_at":"2019-03-02T06:22:28+01:00"', '"dateOfPublication":"2017-04-05"'
    )
    assert day_of(app, tz=UTC) == date(2017, 4, 5)
    # A page that shows its date never takes one from its scripts.
    shown = shop.replace("<h1>Kaffee</h1>", "<h1>Kaffee</h1><div class='date'>2021-05-06</div>")
    assert day_of(shown, tz=UTC) == date(2021, 5, 6)


def test_a_unix_time_a_script_holds_under_a_publication_key_is_the_last_resort():
    # WeChat's article pages show no date of their own (<em id="publish_time"> is filled by
    # the script), which holds it as 'var ct = "1715559441"': 2024-05-13 08:17:21 in Beijing.
    wechat = (
        "<html><head><title>标题</title></head><body><h1>一篇公众号文章的标题</h1>"
        '<em id="publish_time"></em>'
        f'{STORY}<script>var nickname = "某某科技"; var ct = "1715559441";</script></body></html>'
    )
    assert day_of(wechat) == date(2024, 5, 13)
    app = wechat.replace('var ct = "1715559441"', '{"publish_time": 1715559441}')
    assert day_of(app) == date(2024, 5, 13)
    # Another number the script holds under no such key is no date.
    assert day_of(wechat.replace("var ct", "var count")) is None


def test_a_relative_day_in_the_story_s_prose_is_no_date():
    # '今天' (today) in a sentence that says '发布' (published) is the story's, not a dateline:
    # the page read on another day must not be dated by it.
    sentence = "国家统计局今天发布数据显示，今年前四个月全国规模以上工业增加值同比增长。"
    html = f"<html><body><h1>工业生产稳中有升</h1><p>{sentence}</p>{STORY}</body></html>"
    assert day_of(html) is None
    # A short dateline still says it: '发布于 2天前'.
    dated = html.replace(
        "<h1>工业生产稳中有升</h1>", "<h1>工业生产稳中有升</h1><p>发布于 2天前</p>"
    )
    assert day_of(dated) == date(2024, 12, 12)


def test_an_info_line_with_a_full_date_beats_an_agenda_line_with_a_day():
    html = (
        "<html><head><title>会议议程_某网</title></head><body><h1>会议议程</h1>"
        "<p>12月10日晚 联席会 时　间：7:00－9:30 地　点：会议室</p>"
        f"{STORY}<p>发布时间：2004-12-09 09:51:00</p></body></html>"
    )
    assert day_of(html) == date(2004, 12, 9)


def test_a_dateline_inside_its_own_link_is_no_teaser():
    html = (
        "<html><head><title>巴以冲突，困住中国外贸人_某网</title></head><body>"
        "<h1>巴以冲突，困住中国外贸人</h1><div class='info'><a href='/c/living'>在人间</a>"
        "<div class='timeBref'><a href='/c/8Wda'>2024年01月25日 18:03:35 <span>来自内蒙古自治区"
        f"</span></a></div></div>{STORY}</body></html>"
    )
    assert day_of(html) == date(2024, 1, 25)


def test_a_cms_generic_date_gives_way_to_the_date_shown_by_the_headline():
    # <meta name="date"> is when the CMS saved the record; the story shows its own day.
    head = '<meta name="date" content="2021-12-20T11:02:44+01:00">'
    shown = "<h1>A headline</h1><span class='date'>27.01.2022</span>"
    html = f"<html><head>{head}</head><body>{shown}{PROSE}</body></html>"
    assert day_of(html, tz=UTC) == date(2022, 1, 27)
    # A date in plain text is no match for it; nor is anything against a published date.
    plain = f"<html><head>{head}</head><body><h1>A headline</h1><p>27.01.2022</p>{PROSE}"
    assert day_of(plain, tz=UTC) == date(2021, 12, 20)
    published = head.replace('name="date"', 'property="article:published_time"')
    strong = f"<html><head>{published}</head><body>{shown}{PROSE}</body></html>"
    assert day_of(strong, tz=UTC) == date(2021, 12, 20)


def test_the_page_offset_is_the_one_non_zero_offset_its_stamps_agree_on():
    new_york = timezone(timedelta(hours=-4))
    stamps = ['{"date":"Fri, 01 May 2020 23:00:00 -0400"}', "2020-05-02T06:00:00-04:00"]
    assert page_offset(stamps) == new_york
    assert page_offset([*stamps, "2020-05-02T02:54:29.000Z", "10:00:00+00:00"]) == new_york
    assert page_offset(stamps[:1]) is None  # one stamp is not the page's habit
    assert page_offset([*stamps, "2020-05-02T08:00:00+05:30"]) is None  # it disagrees
    assert page_offset(["open 12:00-13:00 and 14:00-18:00, 09:30-12:00"]) is None  # hours


def test_a_utc_stamp_is_read_on_the_day_of_the_pages_own_offset():
    # The published stamp is in UTC, past midnight; the page's other stamps (its data for
    # the related stories) say it lives at -04:00: it was published on the evening of the 1st.
    data = (
        '<script>var related = [{"date":"Fri, 01 May 2020 23:00:00 -0400"},'
        '{"date":"Sat, 02 May 2020 06:00:00 -0400"}];</script>'
    )
    head = '<meta property="article:published_time" content="2020-05-02T02:54:29.000Z">'
    html = f"<html><head>{head}</head><body><h1>Station to close overnight</h1>{PROSE}"
    assert day_of(html + "</body></html>", tz=UTC) == date(2020, 5, 2)
    assert day_of(html + data + "</body></html>", tz=UTC) == date(2020, 5, 1)


def test_a_published_stamp_that_is_the_last_save_gives_way_to_the_day_shown():
    # Published and modified to the second: the time the CMS last saved the record. The
    # story shows its own, earlier day by the headline.
    stamp = "2020-01-20T09:49:32+0000"
    published = f'<meta property="og:article:published_time" content="{stamp}">'
    modified = f'<meta property="og:article:modified_time" content="{stamp}">'
    shown = "<h1>A headline</h1><div class='ArticleHeader_date'>January 19, 2020 / 12:25 PM</div>"
    html = f"<html><head>{published}{modified}</head><body>{shown}{PROSE}</body></html>"
    assert day_of(html, tz=UTC) == date(2020, 1, 19)
    # Without the same modified stamp the published one stands; so it does against a later
    # day shown (the last save cannot come before the story).
    assert day_of(html.replace(modified, ""), tz=UTC) == date(2020, 1, 20)
    other = modified.replace("09:49:32", "10:00:00")
    assert day_of(html.replace(modified, other), tz=UTC) == date(2020, 1, 20)
    later = html.replace("January 19, 2020", "January 21, 2020")
    assert day_of(later, tz=UTC) == date(2020, 1, 20)
    # dateModified in JSON-LD says the same.
    ld = f'<script type="application/ld+json">{{"dateModified": "{stamp}"}}</script>'
    assert day_of(html.replace(modified, ld), tz=UTC) == date(2020, 1, 19)


def test_a_date_line_in_a_footer_block_right_under_the_headline_is_the_articles():
    # TYPO3 news: <div class="header"><h3> then <div class="footer"> with the date, while
    # the CMS's generic <meta name="date"> is the record's last save.
    head = '<meta name="date" content="2022-01-21T15:38:44+01:00">'
    article = (
        "<div class='article'><div class='header'><h3 itemprop='headline'>Im Winter</h3></div>"
        "<div class='footer'><p><span class='news-list-date'><time itemprop='datePublished' "
        "datetime='2022-01-27'>27.01.2022</time></span></p></div>"
        f"<div class='teaser-text'>{PROSE}</div></div>"
    )
    html = f"<html><head><title>Im Winter</title>{head}</head><body>{article}</body></html>"
    assert day_of(html, tz=UTC) == date(2022, 1, 27)
    # The page's own footer, below the story, is no date line of the article.
    far = article.replace("<div class='footer'>", f"<div>{PROSE}</div><div class='footer'>")
    html = f"<html><head><title>Im Winter</title>{head}</head><body>{far}</body></html>"
    assert day_of(html, tz=UTC) == date(2022, 1, 21)


def test_a_date_in_a_sidebar_column_that_holds_the_headline_is_the_articles():
    # The page's header block is set in a column classed 'sidebar', with a copy of the
    # headline, its lede and the date; the headline found is the <h1> above the photo.
    side = (
        "<div class='sidebar__item sidebar__item--header'><p class='h1'>Best of Rust</p>"
        "<p class='teaser'>Auf einen Blick: ein Wein mit langer Geschichte.</p>"
        "<p class='time'><time datetime='2022-01-28'>28. Januar 2022</time></p></div>"
    )
    html = (
        "<html><head><title>Best of Rust</title></head><body><h1>Best of Rust</h1>"
        f"<figure><figcaption>Rust am See.</figcaption></figure><div class='sidebar'>{side}"
        f"</div><div class='content'>{PROSE}</div></body></html>"
    )
    assert day_of(html, tz=UTC) == date(2022, 1, 28)
    # A sidebar without the headline holds other pages' dates.
    other = html.replace("<p class='h1'>Best of Rust</p>", "<p class='h1'>Weinreisen</p>")
    assert day_of(other, tz=UTC) is None


def test_a_label_in_its_own_element_beside_its_date():
    html = (
        "<html><head><title>Schneekarten</title></head><body><h1>Schneekarten</h1>"
        f"{PROSE * 12}<div class='label_container'><label>Letzte Änderung:</label>"
        "<div class='label_content'>14.01.2022 um 09:25</div></div></body></html>"
    )
    assert day_of(html, tz=UTC) == date(2022, 1, 14)


def test_an_official_notice_dated_in_chinese_numerals():
    html = (
        "<html><head><title>关于开展检查的通知_某局</title></head><body>"
        "<h1>关于开展检查的通知</h1><p>发布日期：二〇二四年十二月六日</p>"
        f"{STORY}</body></html>"
    )
    assert day_of(html) == date(2024, 12, 6)


def test_a_utc_stamp_is_read_on_the_day_of_the_sources_zone_when_the_page_says_nothing():
    # 20:30 UTC is 04:30 the next morning in Shanghai, where the source says it lives.
    head = '<meta property="article:published_time" content="2024-12-06T20:30:00Z">'
    html = f"<html><head>{head}</head><body><h1>夜间新闻</h1>{STORY}</body></html>"
    assert day_of(html) == date(2024, 12, 7)
    assert day_of(html, tz=UTC) == date(2024, 12, 6)
    shown = f"<html><body><h1>夜间新闻</h1><time datetime='2024-12-06T20:30:00Z'></time>{STORY}"
    assert day_of(shown + "</body></html>") == date(2024, 12, 7)


def test_a_photo_caption_is_no_dateline():
    caption = (
        "<figure><img src='/p.jpg'><figcaption>A file photograph shows the minister speaking "
        "in Shah Alam on November 19, 2024. — Picture by a photographer</figcaption></figure>"
    )
    html = (
        "<html><head><title>Minister clarifies</title></head><body><h1>Minister clarifies</h1>"
        f"{caption}<div>{PROSE}</div><div class='byline'>By A Writer</div>"
        "<p>Friday, 22 Nov 2024 4:55 PM MYT</p>"
        f"{PROSE * 3}</body></html>"
    )
    assert day_of(html, tz=UTC) == date(2024, 11, 22)
    # class="caption" says the same as <figcaption>
    div = caption.replace("<figcaption>", "<div class='image-caption'>")
    div = div.replace("</figcaption>", "</div>").replace("figure>", "div>")
    assert day_of(html.replace(caption, div), tz=UTC) == date(2024, 11, 22)
    # but a dateline under the headline that a CMS classes as a caption, with no picture,
    # is the article's
    dateline = (
        "<html><head><title>Der Tipp</title></head><body><h1>Der Tipp</h1><p class='rte-"
        f"paragraph__caption'>01. November 2021 | Naturschutz</p>{PROSE}</body></html>"
    )
    assert day_of(dateline, tz=UTC) == date(2021, 11, 1)


def test_a_year_less_info_line_gives_way_to_the_full_date_by_the_headline():
    # '销售时间：5月12日-5月18日' is a labelled line of the story (a ticket offer), below the
    # dateline that names its year.
    html = (
        "<html><head><title>门票半价_某网</title></head><body><h1>门票半价</h1>"
        "<div class='time'>2024-05-13 12:03:10</div><p>作者：曹磊</p>"
        f"{STORY}<p>备注：销售时间：5月12日-5月18日 使用时间：5月17日—19日</p></body></html>"
    )
    assert day_of(html) == date(2024, 5, 13)


def test_an_absolute_date_beats_a_relative_one_beside_it():
    # 'Published 3 weeks ago on October 17, 2023': a cached page's '3 weeks ago' counts from
    # whenever it is read.
    html = (
        "<html><head><title>Orionids</title></head><body><h1>Orionids</h1><p>Published "
        "<span class='post-date'>3 weeks ago</span> on <time class='post-date updated' "
        f"datetime='2023-10-17'>October 17, 2023</time></p>{PROSE}</body></html>"
    )
    assert day_of(html, tz=UTC) == date(2023, 10, 17)
    # alone, the relative date is the page's
    alone = html.replace(
        " on <time class='post-date updated' datetime='2023-10-17'>October 17, 2023</time>", ""
    )
    assert day_of(alone, tz=UTC) == (NOW - timedelta(weeks=3)).date()


def test_the_published_day_beats_an_updated_day_before_it_on_the_same_line():
    # A CMS's info line that gives both: the article's date is the day it first appeared.
    def page(line: str) -> str:
        return f"<html><body><h1>一篇文章的标题</h1><div class='info'>{line}</div>{STORY}</body>"

    assert day_of(page("更新时间：2024-12-08 09:00 发布时间：2024-12-06 10:30")) == date(
        2024, 12, 6
    )
    assert day_of(page("发布时间：2024-12-06 10:30 更新时间：2024-12-08")) == date(2024, 12, 6)
    assert day_of(page("Updated: 2024-12-08 · Published: 2024-12-06"), tz=UTC) == date(2024, 12, 6)
    # One date only: read as before, whatever its label.
    assert day_of(page("更新时间：2024-12-08 09:00")) == date(2024, 12, 8)


def test_a_sidebar_asides_dates_are_not_the_articles():
    # The story names its day only in words the page cannot read ('12/06/2024' on a page of
    # English of no country); the <aside> beside it lists other posts with <time>s.
    side = "".join(
        f"<li><a href='/p/{i}'>Post {i}</a> <time datetime='2024-11-0{i + 1}'>Nov 1</time></li>"
        for i in range(5)
    )
    story = f"<article><h1>A Headline</h1><p>Posted on 12/06/2024</p>{PROSE * 2}</article>"
    for column in (f"<main>{story}</main>", f"<div class='content'>{story}</div>"):
        html = f"<html lang='en'><body>{column}<aside><ul>{side}</ul></aside></body></html>"
        assert day_of(html, tz=UTC) is None
    # An <aside> inside the story is the story's own box: its date is still read.
    inside = "<article><h1>A Headline</h1><aside><time datetime='2024-12-06'>Dec 6</time></aside>"
    assert day_of(f"<html><body>{inside}{PROSE}</article></body></html>", tz=UTC) == date(
        2024, 12, 6
    )


def test_a_date_labelled_only_as_the_update_yields_to_the_published_one():
    # The info line says when the recipe was last updated; the date it first went out is
    # printed by the headline too.
    html = (
        "<html><head><title>A recipe</title></head><body><h1>A recipe</h1>"
        "<ul class='meta'><li>Updated: August 22, 2019</li><li>Author: Bebs</li>"
        "<li><time>January 28, 2018</time></li></ul>"
        f"{PROSE}</body></html>"
    )
    assert day_of(html, tz=UTC) == date(2018, 1, 28)
    only = html.replace("<li><time>January 28, 2018</time></li>", "")
    assert day_of(only, tz=UTC) == date(2019, 8, 22)  # the only date the page gives


def test_a_sentence_that_says_when_the_entry_was_posted_dates_it():
    # An old blog theme's line under the post, longer than a dateline with its links.
    links = ", ".join(f"<a href='/c/{i}'>Category number {i}</a>" for i in range(8))
    html = (
        "<html><head><title>A post</title></head><body><div class='post'>"
        f"{PROSE}<p class='postmetadata'>This entry was posted on Wednesday, November 27th, "
        f"2019 at 3:21 pm and is filed under {links}.</p></div></body></html>"
    )
    assert day_of(html, tz=UTC) == date(2019, 11, 27)


def test_a_24_hour_clock_with_a_stray_pm_says_nothing_about_the_order():
    # '08/11/2023 | 20:26 PM': not the American 12-hour clock, so not month first.
    read = lambda text: parse_date(text, now=NOW, tz=UTC)  # noqa: E731
    assert read("08/11/2023 | 20:26 PM") is None
    assert read("08/11/2023 08:26 PM").value.date() == date(2023, 8, 11)
    found = parse_date("08/11/2023 | 20:26 PM", now=NOW, tz=UTC, order="dmy")
    assert found is not None and found.value.date() == date(2023, 11, 8)


def test_month_names_and_labels_of_more_languages():
    read = lambda text: parse_date(text, now=NOW, tz=UTC)  # noqa: E731
    cases = {
        "5 stycznia 2024": date(2024, 1, 5),  # Polish
        "12. března 2024": date(2024, 3, 12),  # Czech
        "7. lokakuuta 2023": date(2023, 10, 7),  # Finnish
        "3 augusti 2023": date(2023, 8, 3),  # Swedish
        "24. desember 2023": date(2023, 12, 24),  # Norwegian
        "17 Ağustos 2023": date(2023, 8, 17),  # Turkish
        "2 Maret 2024": date(2024, 3, 2),  # Indonesian
        "2024년 1월 29일 14:32": date(2024, 1, 29),  # Korean
        "2024. 1. 29. 14:32": date(2024, 1, 29),  # Korean, in figures
        "13 мая 2024": date(2024, 5, 13),  # Russian
        "1 декабря 2023 г.": date(2023, 12, 1),
        "13 травня 2024, 10:00": date(2024, 5, 13),  # Ukrainian
        "13 Μαΐου 2024": date(2024, 5, 13),  # Greek
        "民國113年5月13日": date(2024, 5, 13),  # Taiwan's official calendar
        "113年05月13日 10:30": date(2024, 5, 13),
    }
    for text, day in cases.items():
        found = read(text)
        assert found is not None and found.value.date() == day, text
    assert read("maj 2024") is None  # a month and a year name no day
    assert read("99年5月13日") is None  # two figures are the Republic's only after 民國
    # A two-digit year beside a named month, with the clock after it only.
    assert read("Publié le 27 Mar 20 à 9:21").value == datetime(2020, 3, 27, 9, 21, tzinfo=UTC)
    assert read("27 Mar 20") is None and read("the 4 May 20 people") is None
    # Italian: the date at the story's end, far below the headline, says it was modified.
    html = (
        "<html><head><title>Una storia</title></head><body><h1>Una storia</h1>"
        f"{PROSE * 12}<p class='is-last-update'>5 gennaio 2025 ( modifica il 6 gennaio 2025 "
        "| 15:24)</p></body></html>"
    )
    assert day_of(html, tz=UTC) == date(2025, 1, 5)


def test_a_date_line_under_a_long_story_dates_it_but_not_a_comment_or_teaser_below():
    story = f"<h1>A long story</h1>{PROSE * 12}"
    dated = "<ul class='toolbar'><li class='date'>13. 1. 2020</li></ul>"
    comments = "<div class='comments'><p class='date'>14. 1. 2020</p><p>Nice.</p></div>"
    teasers = (
        "<ul><li><a href='/b'>Another story with a headline long enough to be one</a>"
        "<span class='date'>2. 1. 2020</span></li></ul>"
    )
    page = "<html><head><title>A long story</title></head><body>{}</body></html>"
    assert day_of(page.format(story + dated + comments), tz=UTC) == date(2020, 1, 13)
    assert day_of(page.format(story + teasers + comments), tz=UTC) is None


def test_a_date_in_a_widget_of_its_own_right_under_the_headlines_widget():
    # A page builder: every part of the header is a 'widget', one after the other.
    def widget(inner: str) -> str:
        return f"<div class='element'><div class='widget-container'>{inner}</div></div>"

    header = widget("<h1>A weekly review</h1>") + widget(
        "<ul class='post-info'><li><a href='/2019/10/19/'><span class='item--type-date'>"
        "19. Oktober 2019</span></a></li></ul>"
    )
    html = (
        "<html><head><title>A weekly review</title></head><body>"
        f"<section>{header}</section>{PROSE}</body></html>"
    )
    assert day_of(html, tz=UTC) == date(2019, 10, 19)
    # A sidebar widget beside the story is no header.
    side = widget("<ul><li><span class='date'>1. Oktober 2019</span></li></ul>")
    apart = html.replace(header, widget("<h1>A weekly review</h1>") + PROSE * 8 + side)
    assert day_of(apart, tz=UTC) is None


def test_without_a_headline_the_first_full_date_marked_as_one_dates_the_page():
    menu = "".join(
        f"<li><a href='/s/{i}'>Section number {i} of the site</a></li>" for i in range(120)
    )
    html = (
        "<html><head><title>Nothing on the page is called this</title></head><body>"
        f"<ul class='nav'>{menu}</ul><div class='story'><p class='date'>13. 1. 2020</p>{PROSE}"
        "</div><div class='comments'><p class='date'>14. 1. 2020</p></div></body></html>"
    )
    assert day_of(html, tz=UTC) == date(2020, 1, 13)
    assert day_of(html.replace("<p class='date'>13. 1. 2020</p>", ""), tz=UTC) is None


def test_a_story_put_out_again_is_dated_by_the_update_it_shows_alone():
    meta = (
        "<meta property='article:published_time' content='2018-02-20T01:00:00+01:00'>"
        "<meta property='article:modified_time' content='2020-02-20T00:43:46Z'>"
    )
    html = (
        f"<html><head><title>A story</title>{meta}</head><body><h1>A story</h1>"
        f"<p class='date'>Last updated on 20 Feb, 2020. 3 min read</p>{PROSE}</body></html>"
    )
    assert day_of(html, tz=UTC) == date(2020, 2, 20)
    # The page shows the day it was first published too: that one stands.
    both = html.replace("3 min read", "first published 20 Feb, 2018")
    assert day_of(both, tz=UTC) == date(2018, 2, 20)
    # A date shown without saying it is the update, or an update the metadata does not
    # confirm, leaves the published stamp standing.
    assert day_of(html.replace("Last updated on ", ""), tz=UTC) == date(2018, 2, 20)
    assert day_of(html.replace("2020-02-20T00", "2020-03-01T00"), tz=UTC) == date(2018, 2, 20)


def test_a_notice_is_dated_by_the_day_that_signs_it():
    # A government notice with no dateline: it closes like a letter, issuer then day.
    title = "关于开展安全检查的通知"
    head = f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
    signed = f"{STORY}<p align='right'>某某市应急管理局</p><p align='right'>2024年5月13日</p>"
    assert day_of(f"{head}{signed}</body></html>") == date(2024, 5, 13)
    official = signed.replace("2024年5月13日", "二〇二四年五月十三日")
    assert day_of(f"{head}{official}</body></html>") == date(2024, 5, 13)
    # One paragraph with a line break between the issuer and the day.
    one = f"{STORY}<p>某某市应急管理局<br>2024-05-13</p>"
    assert day_of(f"{head}{one}</body></html>") == date(2024, 5, 13)


def signed(body: str) -> date | None:
    soup = BeautifulSoup(f"<html><body><h1>通知</h1>{STORY}{body}</body></html>", "lxml")
    found = signed_date(soup, Read(soup, None, now=NOW, tz=SHANGHAI))
    return found.value.date() if found else None


def test_a_dated_list_below_the_story_does_not_sign_it():
    assert signed("<p align='right'>某某市应急管理局</p><p>2024年5月13日</p>") == date(2024, 5, 13)
    related = "".join(
        f"<li><a href='/n/{i}.html'>另一条通知的标题</a></li><li>2024-0{i}-1{i}</li>"
        for i in range(1, 4)
    )
    assert signed(f"<ul>{related}</ul>") is None
    # Nor a date alone in the footer, or one that stands far below the story's last line.
    assert signed("<div class='footer'><p>2024年5月13日</p></div>") is None
    links = "".join(f"<a href='/n/{i}.html'>栏目{i}</a>" for i in range(10))
    assert signed(f"<div>{links}</div><p>2024年5月13日</p>") is None
    # A line that says more than the day is no signature ('更新：2024年5月13日').
    assert signed("<p>更新：2024年5月13日</p>") is None


def test_a_path_dates_the_page_with_one_digit_months_and_days():
    # '/art/2024/5/13/art_1229_5912.html': the CMS behind many Chinese government sites.
    html = f"<html><head><title>通知</title></head><body><h1>通知</h1>{STORY}</body></html>"
    url = "https://www.example.gov.cn/art/2024/5/13/art_1229_5912.html"
    assert day_of(html, url) == date(2024, 5, 13)
    # Not a number that only starts like a month: '/2024/1/2345.html'.
    assert day_of(html, "https://e.com/2024/1/2345.html") is None
    # The separators must agree: '/2024/5-13/' is no date.
    assert day_of(html, "https://e.com/2024/5-13/a.html") is None


def test_the_meta_names_chinese_portals_date_their_pages_with():
    for meta in (
        '<meta name="weibo: article:create_at" content="2024-05-13 12:03:10">',  # Sina
        '<meta property="og:release_date" content="2024-05-13T12:03:10+08:00">',
        '<meta name="PubDate" content="2024-05-13 12:03">',  # TRS, on government sites
        '<meta name="firstpublishedtime" content="2024-05-13-12:03:10">',  # Xinhua
    ):
        html = (
            f"<html><head><title>一篇文章_某网</title>{meta}</head><body><h1>一篇文章</h1>"
            f"{STORY}</body></html>"
        )
        assert day_of(html) == date(2024, 5, 13), meta
    # Xinhua's stamp joins the day and the clock with a dash: the clock is kept.
    found = parse_date("2024-05-13-12:03:10", now=NOW, tz=SHANGHAI)
    assert found is not None and found.has_time and found.value.hour == 12


def test_a_time_elements_value_without_an_offset_takes_the_zone_its_text_names():
    head = "<html><head><title>Payments can begin</title></head><body><h1>Payments can begin</h1>"
    for value, shown, offset in [
        ("2016-12-14T14:24:00", "December 14, 2016 2:24 pm EST", -5),  # the text's zone
        ("2016-12-14T14:24:00-06:00", "December 14, 2016 2:24 pm EST", -6),  # the value's own
        ("2016-12-14T14:24:00", "December 14, 2016 3:24 pm EST", 0),  # another clock: not its
        ("2016-12-14T14:24:00", "December 14, 2016 2:24 pm CST", 0),  # China's or Central?
    ]:
        html = f"{head}<p><time datetime='{value}'>{shown}</time></p>{PROSE}</body></html>"
        page = extract_article(html, "https://e.com/a/1.html", ArticleRules(), now=NOW, tz=UTC)
        found = page.date or page.metadata_date
        assert found is not None and found.value.utcoffset() == timedelta(hours=offset), value
