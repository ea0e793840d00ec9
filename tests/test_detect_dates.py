"""Listing detection and the dates of a list (issue 15, Chinese listing pages never seen):

- a heading that is a year or a month ("2025", "张贴在 2023", "March 2024") divides one list by
  time, as a day's date does; it is no box's name, so the sections under it are one list
  (a Docusaurus archive, a Hugo Docsy blog index);
- a link whose text opens with a date set off from the title ("3月3日 - 标题") dates its item
  (an archive writes each post's day into its link);
- on a flat page (a heading per post, the date on the line under it) the date belongs to the
  heading above it.
"""

from __future__ import annotations

from test_detect import assert_round_trip, urls
from test_detect_unseen_more import URL, absolute, page

from feeds.extract.detect import detect_listing
from feeds.extract.detect_dates import is_period, leading_date, section_dated
from feeds.extract.html import parse

# --------------------------------------------------------------------------- pure decisions


def test_a_year_or_a_month_is_a_period() -> None:
    for text in ("2025", "2024年", "2024年3月", "2024-03", "March 2024", "2023 Dec"):
        assert is_period(text), text
    # An anchor's zero-width link and a few words before the year: still the time.
    assert is_period("2025\u200b")
    assert is_period("张贴在 2023")
    assert is_period("Posted in 2023")


def test_a_box_name_or_a_date_is_no_period() -> None:
    for text in ("点击排行", "Recent posts", "2024年度", "2023 热门", "Top 10 of 2023"):
        assert not is_period(text), text
    assert not is_period("2024-05-01")  # a day: a date, which labels nothing either
    assert not is_period("The best books we read in 2023")  # a title, not a period


def test_a_link_text_opening_with_a_date() -> None:
    assert leading_date("3月3日 - Stream4Graph：动态图上的增量计算")
    assert leading_date("September 6, 2025 - HertzBeat v1.7.3 released")
    assert leading_date("2024-05-01 关于开展安全检查的通知")


def test_a_year_a_version_or_a_month_archive_opens_no_date() -> None:
    assert not leading_date("2024 年度预算公开")  # a year in a title
    assert not leading_date("3.2 正式发布")  # a version
    assert not leading_date("Dubbo 3.2 正式发布")
    assert not leading_date("2024年3月 (5)")  # a month's archive link: no title after it
    assert not leading_date("流图计算之增量match原理与应用")


def test_the_date_line_under_a_heading_is_its_posts() -> None:
    soup = parse(
        '<div><h2><a href="/a">First post</a></h2><p>时间：2024-06-18</p>'
        '<h2><a href="/b">Second post</a></h2><p>Some words about it.</p>'
        '<h2><a href="/c">Third post</a></h2></div>'
    )
    first, second, third = soup.find_all("h2")
    stops = {id(first), id(second), id(third)}
    assert section_dated(first, stops)
    assert not section_dated(second, stops)  # its lines hold no date; the next post's do not count
    assert not section_dated(third, stops)


# --------------------------------------------------------------------------- whole pages


def _archive() -> tuple[str, list[str]]:
    """A Docusaurus archive: one column per year under its year heading, each post's day in
    its link text, the posts named by numbers too short to look like an article's id."""
    columns, hrefs = [], []
    years = (
        ("2025", ("7月30日", "7月15日", "6月9日", "4月1日", "3月3日", "1月8日")),
        ("2023", ("11月2日", "9月1日", "8月20日", "7月4日", "6月11日")),
    )
    for year, days in years:
        rows = ""
        for day in days:
            hrefs.append(f"/blog/{len(hrefs) + 1}")
            rows += f'<li><a href="{hrefs[-1]}">{day} - 图计算的一篇文章之{len(hrefs)}</a></li>'
        columns.append(
            f'<div class="col col--4"><h3 class="anchor" id="{year}">{year}'
            f'<a class="hash-link" href="#{year}">\u200b</a></h3><ul>{rows}</ul></div>'
        )
    body = f'<main><h1>历史博文</h1><div class="row">{"".join(columns)}</div></main>'
    return page(body), absolute(hrefs)


def test_an_archive_by_year_is_one_dated_list() -> None:
    html, posts = _archive()
    detection = detect_listing(html, URL)
    assert urls(detection) == posts  # every year's posts, not 2025's alone, nor nothing
    assert_round_trip(detection, html, URL)


def _posted_in() -> tuple[str, list[str]]:
    """A blog index that heads each year's posts "张贴在 <year>" (Hugo Docsy)."""
    sections, hrefs = [], []
    for year, count in (("2023", 4), ("2022", 3)):
        rows = ""
        for i in range(count):
            hrefs.append(f"/zh-cn/blog/{year}/0{i + 1}/10/post-{year}-{i}/")
            rows += (
                f'<li class="media"><div class="media-body"><h5><a href="{hrefs[-1]}">'
                f"社区发布了一篇关于新版本的文章 {year}-{i}</a></h5>"
                f'<p class="text-muted">{year}年{i + 1}月10日</p>'
                f"<p>这是这篇文章的一段简短介绍，说明它讲了什么内容和为什么重要。</p></div></li>"
            )
        sections.append(f'<h2>张贴在 {year}</h2><ul class="list-unstyled">{rows}</ul>')
    return page(f'<div class="col-12">{"".join(sections)}</div>'), absolute(hrefs)


def test_posts_under_their_years_headings_are_one_list() -> None:
    html, posts = _posted_in()
    detection = detect_listing(html, URL)
    assert urls(detection) == posts  # not the 2023 posts alone
    assert_round_trip(detection, html, URL)


def test_a_flat_page_of_three_posts_dated_under_their_headings() -> None:
    posts = ["/zh/blogs/2_default.html", "/zh/blogs/1_release.html", "/zh/blogs/0_compare.html"]
    titles = ["将组件设置为接口的默认实现", "新版本正式发布的说明", "对比两种依赖注入的方式"]
    sections = "".join(
        f'<h2 id="s{i}"><a href="#s{i}" class="header-anchor">#</a> '
        f'<a href="{href}">{title}</a></h2><p>时间：2024-0{6 - i}-18</p>'
        for i, (href, title) in enumerate(zip(posts, titles, strict=True))
    )
    html = page(f'<main class="page"><div class="content">{sections}</div></main>')
    detection = detect_listing(html, URL)
    assert urls(detection) == absolute(posts)
    assert_round_trip(detection, html, URL)
