"""Listing detection on the second round of page kinds the corpus lacks (issue 15): the pages
of ``tests/unseen_listings_more.py`` (PHPCMS, a government list of short titles, EmpireCMS,
a Discuz portal, Drupal, Ghost, teasers beside a dated box, a club's short English titles, a
``dl`` of dated links), and the rules they needed, each on a snippet of its own."""

from __future__ import annotations

import pytest
from test_detect import assert_round_trip, urls
from unseen_listings import EN_TITLES, ZH_TITLES, Sample
from unseen_listings_more import MORE, SHORT_EN, SHORT_ZH

from feeds.extract.detect import detect_listing
from feeds.extract.detect_score import block_size


@pytest.fixture(params=MORE, ids=lambda build: build.__name__)
def sample(request: pytest.FixtureRequest) -> Sample:
    return request.param()


def test_the_main_list_is_found_exactly(sample: Sample) -> None:
    detection = detect_listing(sample.html, sample.url)
    assert urls(detection) == list(sample.expected)
    assert_round_trip(detection, sample.html, sample.url)


def page(body: str) -> str:
    menu = "".join(f'<li><a href="/{p}/">{p.title()}</a></li>' for p in ("news", "sport", "about"))
    return (
        f'<html><body><div class="header"><ul class="nav">{menu}</ul></div>{body}'
        '<div class="footer"><a href="/privacy/">Privacy</a> <a href="/terms/">Terms</a></div>'
        "</body></html>"
    )


URL = "https://www.example.com/list/"


def absolute(hrefs: list[str]) -> list[str]:
    return [f"https://www.example.com{h}" for h in hrefs]


# --------------------------------------------------------------------------- teasers


def test_a_teaser_counts_as_two_rows() -> None:
    """Six teasers (a headline and an intro each) fill a column as twelve rows would."""
    assert block_size(6, paged=False, intros=1.0) > block_size(10, paged=False)
    assert block_size(6, paged=False, intros=0.0) < block_size(10, paged=False)
    # Most items with an intro make a column of teasers: a first post without one (a featured
    # post wrapped apart) must not make the whole list weigh less than the rest of it.
    assert block_size(7, paged=True, intros=6 / 7) > block_size(6, paged=True, intros=1.0)
    # Twenty and more: told apart by their length alone, as before.
    assert block_size(32, paged=False, intros=1.0) > block_size(30, paged=False, intros=1.0)


def test_six_teasers_beat_a_dated_box_of_ten_beside_them() -> None:
    """No pager under either: the column of teasers with intros is the list, not the box of
    ten dated headlines beside it (weakness 1 of issue 15)."""
    hrefs = [f"/business/2024/12/{20 - i:02d}/story-{7700 - i}" for i in range(6)]
    teasers = "".join(
        f'<div class="teaser"><a href="{h}"><img src="/{i}.jpg"></a><h3><a href="{h}">{t}</a>'
        f"</h3><p>{t}, and what it means for local businesses over the coming months.</p></div>"
        for i, (h, t) in enumerate(zip(hrefs, EN_TITLES, strict=False))
    )
    latest = "".join(
        f'<li><a href="/news/2024/12/{20 - i // 2:02d}/story-{7600 - i}">{t}</a> '
        f"<span>2024-12-{20 - i // 2:02d}</span></li>"
        for i, t in enumerate(EN_TITLES + EN_TITLES[:2])
    )
    text = page(
        f'<div class="a">{teasers}</div><div class="b"><h4>Latest</h4><ul>{latest}</ul></div>'
    )
    assert urls(detect_listing(text, URL)) == absolute(hrefs)


# --------------------------------------------------------------------------- wrappers


def test_a_layout_wrapper_named_sidebar_around_main_is_no_sidebar() -> None:
    """Genesis wraps the content and the sidebar in ``div.content-sidebar-wrap``: the
    element that holds ``<main>`` is layout, whatever its name, even when a big header and
    footer hold most of the page's links."""
    hrefs = [f"/2024/12/{10 + i}/post-number-{i}/" for i in range(8)]
    posts = "".join(
        f'<article class="post"><h2 class="entry-title"><a href="{h}">{t}</a></h2><p>{t}, and '
        "a longer excerpt of the post here.</p></article>"
        for h, t in zip(hrefs, EN_TITLES, strict=True)
    )
    side = "".join(
        f'<li><a href="/2024/11/{10 + i}/older-post-{i}/">{t} (older)</a></li>'
        for i, t in enumerate(EN_TITLES[:5])
    )
    mega = "".join(f'<a href="/section-{i}/">Section {i}</a>' for i in range(40))
    foot = "".join(f'<a href="/info-{i}/">Info {i}</a>' for i in range(30))
    text = page(
        f"<header><nav>{mega}</nav></header><div class='content-sidebar-wrap'><main "
        f"class='content'>{posts}</main><aside class='sidebar'><ul>{side}</ul></aside></div>"
        f"<footer>{foot}</footer>"
    )
    assert urls(detect_listing(text, URL)) == absolute(hrefs)


# --------------------------------------------------------------------------- short titles


def test_short_titles_of_numbered_articles_are_a_list() -> None:
    """A government list of short titles with no dates: each link names an article by its
    number, all of one URL shape, so the short texts are titles (weakness 2 of issue 15)."""
    titles = ["预算公开", "人事任免", "采购公告", "招聘信息", "工作动态", "年度报告", "政策解读"]
    hrefs = [f"/zwgk/content_{900 + 17 * i}.html" for i in range(len(titles))]
    rows = "".join(f'<li><a href="{h}">{t}</a></li>' for h, t in zip(hrefs, titles, strict=True))
    text = page(f'<div class="main"><div class="list"><ul>{rows}</ul></div></div>')
    assert urls(detect_listing(text, URL)) == absolute(hrefs)


def test_short_english_titles_in_one_folder_are_a_list() -> None:
    slugs = ["-".join(t.lower().split()) for t in SHORT_EN]
    hrefs = [f"/news/{s}/" for s in slugs]
    rows = "".join(f'<li><a href="{h}">{t}</a></li>' for h, t in zip(hrefs, SHORT_EN, strict=True))
    text = page(f'<div class="content"><ul>{rows}</ul></div>')
    assert urls(detect_listing(text, URL)) == absolute(hrefs)


def test_a_menu_of_short_names_to_categories_stays_a_menu() -> None:
    """Short names whose links lead to sections (``?catid=9``, ``/news/world/``) are a menu,
    not titles: nothing is chosen."""
    names = ["国内新闻", "国际新闻", "财经频道", "体育频道", "娱乐频道", "科技频道", "汽车频道"]
    by_id = "".join(
        f'<li><a href="/index.php?m=content&c=index&a=lists&catid={i + 6}">{n}</a></li>'
        for i, n in enumerate(names)
    )
    by_folder = "".join(
        f'<li><a href="/news/{w}/">{w.title()} news</a></li>'
        for w in ("world", "politics", "business", "science", "health", "travel")
    )
    for rows in (by_id, by_folder):
        detection = detect_listing(page(f'<div class="cats"><ul>{rows}</ul></div>'), URL)
        assert detection.chosen is None, detection.chosen


def test_short_titles_still_need_two_words() -> None:
    """One-word links to numbered pages ("Photos", "2023") are no titles."""
    rows = "".join(f'<li><a href="/gallery/{500 + i}.html">Photos</a></li>' for i in range(8))
    assert detect_listing(page(f'<div class="g"><ul>{rows}</ul></div>'), URL).chosen is None


# --------------------------------------------------------------------------- dates


def test_two_digit_year_dates_tell_the_list_from_an_undated_box() -> None:
    """``[24-12-06]`` is a date (weakness 5): the dated rows win over an undated box of as
    many headlines beside them."""
    hrefs = [f"/a/{500 + i}.html" for i in range(8)]
    rows = "".join(
        f'<li><a href="{h}">{t}</a><em>[24-12-{i + 1:02d}]</em></li>'
        for i, (h, t) in enumerate(zip(hrefs, SHORT_ZH, strict=False))
    )
    box = "".join(
        f'<li><a href="/a/{400 + i}.html">{t}</a></li>' for i, t in enumerate(ZH_TITLES[:8])
    )
    text = page(
        f'<div class="l"><ul class="x">{rows}</ul></div><div class="r"><b>推荐</b>'
        f'<ul class="y">{box}</ul></div>'
    )
    detection = detect_listing(text, URL)
    assert urls(detection) == absolute(hrefs)
    assert detection.chosen is not None and detection.chosen.selectors.date == "em"


# --------------------------------------------------------------------------- featured items


def _featured(lead: str, row: str) -> tuple[str, list[str]]:
    hrefs = [f"/2024/12/{20 - i:02d}/story-number-{i}/" for i in range(8)]
    top = "".join(lead.format(h=h, t=t) for h, t in zip(hrefs[:2], EN_TITLES[:2], strict=True))
    rows = "".join(row.format(h=h, t=t) for h, t in zip(hrefs[2:], EN_TITLES[2:], strict=True))
    body = (
        f'<main><div class="featured">{top}</div><h2>Latest</h2><div class="river">{rows}</div>'
        "</main>"
    )
    return page(body), hrefs


def test_featured_cards_above_the_rows_are_the_first_items_of_the_list() -> None:
    """Two big cards in a block of their own, a heading, then the rows, all ``article.card``
    (weakness 3 of issue 15): one list of eight, the cards' ``h2`` and the rows' ``h3``
    titles read by one link selector."""
    text, hrefs = _featured(
        '<article class="card big"><a href="{h}"><img src="/a.jpg"></a><h2><a href="{h}">{t}'
        "</a></h2><p>{t}, a long intro to the story.</p></article>",
        '<article class="card"><h3><a href="{h}">{t}</a></h3><time>Dec 6, 2024</time></article>',
    )
    detection = detect_listing(text, URL)
    assert urls(detection) == absolute(hrefs)
    assert detection.chosen is not None
    assert detection.chosen.selectors.link == ":is(h2, h3) a"
    assert [e.title for e in detection.chosen.entries] == list(EN_TITLES)
    assert_round_trip(detection, text, URL)


def test_featured_items_no_selector_reads_with_the_rows_leave_the_rows() -> None:
    """When no link selector reads the featured cards' headlines and the rows' links alike,
    the rows alone are the list: never nothing for want of the first two."""
    text, hrefs = _featured(
        '<div class="item"><a href="{h}"><img src="/a.jpg"></a><h2><a href="{h}">{t}</a></h2>'
        "<p>{t}, a long intro.</p></div>",
        '<div class="item"><a href="{h}">{t}</a><span>2024-12-06</span></div>',
    )
    assert urls(detect_listing(text, URL)) == absolute(hrefs[2:])


def test_tiles_above_the_rows_are_not_featured_items() -> None:
    """Cards alike to the rows above them, whose links are a section's short names (category
    tiles), are not the list's first items: only cards with a headline to an article are."""
    tiles = "".join(
        f'<article class="card"><a href="/{w}/"><img src="/{w}.jpg"></a><h3><a href="/{w}/">'
        f"{w.title()}</a></h3></article>"
        for w in ("culture", "science", "travel")
    )
    hrefs = [f"/2024/12/{20 - i:02d}/story-number-{i}/" for i in range(6)]
    rows = "".join(
        f'<article class="card"><h3><a href="{h}">{t}</a></h3><time>Dec 6, 2024</time></article>'
        for h, t in zip(hrefs, EN_TITLES, strict=False)
    )
    text = page(f'<main><div class="tiles">{tiles}</div><div class="river">{rows}</div></main>')
    assert urls(detect_listing(text, URL)) == absolute(hrefs)


# --------------------------------------------------------------------------- outliers


def test_outliers_stay_out_when_no_link_selector_reads_them_in() -> None:
    """A "More" row no item selector leaves out, and no link selector reads together with
    the rows' headlines: the rows are read by their headlines, without it (weakness 4 of
    issue 15: it stayed merged into the items, and nothing could be read)."""
    hrefs = [f"/news/2024/12/{20 - i:02d}/story-number-{i}/" for i in range(7)]
    rows = "".join(
        f'<li><a class="cat" href="/news/world/">World</a><h3><a href="{h}">{t}</a></h3></li>'
        for h, t in zip(hrefs, EN_TITLES, strict=False)
    )
    more = (
        '<li><a class="cat" href="/news/world/">World</a><h3>Also</h3>'
        '<span><a href="/news/">More</a></span></li>'
    )
    text = page(f'<ul class="n">{rows}{more}</ul>')
    detection = detect_listing(text, URL)
    assert urls(detection) == absolute(hrefs)
    assert_round_trip(detection, text, URL)


# --------------------------------------------------------------------------- hidden tabs


def test_the_hidden_tab_of_a_tabbed_list_is_not_part_of_it() -> None:
    """A box of tabs (最新, 热门), the second pane hidden by its style until clicked: the
    list is the pane a reader sees, not both read as one."""
    hrefs = [f"/news/{500 + i}.html" for i in range(8)]
    shown = "".join(
        f'<li><a href="{h}">{t}</a><span>12-{i + 1:02d}</span></li>'
        for i, (h, t) in enumerate(zip(hrefs, ZH_TITLES, strict=False))
    )
    behind = "".join(
        f'<li><a href="/news/{400 + i}.html">{t}</a><span>11-{i + 1:02d}</span></li>'
        for i, t in enumerate(ZH_TITLES[::-1][:8])
    )
    text = page(
        '<div class="tabs"><ul class="tab-hd"><li>最新</li><li>热门</li></ul><div class="tab-bd">'
        f'<ul class="list">{shown}</ul><ul class="list" style="display: none">{behind}</ul>'
        "</div></div>"
    )
    detection = detect_listing(text, URL)
    assert urls(detection) == absolute(hrefs)
    assert_round_trip(detection, text, URL)


def test_a_page_hidden_until_its_scripts_run_is_still_read() -> None:
    """``<body><div style="display:none">`` around the whole page (shown by a script once
    it has loaded): not a hidden tab, the page itself."""
    hrefs = [f"/news/{500 + i}.html" for i in range(8)]
    rows = "".join(
        f'<li><a href="{h}">{t}</a><span>2024-12-{i + 1:02d}</span></li>'
        for i, (h, t) in enumerate(zip(hrefs, ZH_TITLES, strict=False))
    )
    text = page(f'<div id="app" style="display:none"><ul class="list">{rows}</ul></div>')
    assert urls(detect_listing(text, URL)) == absolute(hrefs)
