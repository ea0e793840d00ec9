"""Listing detection on page kinds the corpus lacks (issue 15: on unseen portals detection
found nothing, or a sidebar): the pages of ``tests/unseen_listings.py`` (Destoon, DedeCMS,
Discuz, government tables and lists, WordPress, Hexo, image cards, whole-card links, plain
rows, links between ``<br>``), each with its chrome, and the rules they needed, one by one."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime

import pytest
from helpers import feeds
from test_detect import assert_round_trip, urls
from unseen_listings import EN_TITLES, SAMPLES, ZH_TITLES, Sample

from feeds.config import parse_config
from feeds.extract.dates import parse_date
from feeds.extract.detect import detect_listing
from feeds.extract.detect_score import block_size, same_list
from feeds.extract.listing import extract_listing
from feeds.models import ListingRules


@pytest.fixture(params=SAMPLES, ids=lambda build: build.__name__)
def sample(request: pytest.FixtureRequest) -> Sample:
    return request.param()


def test_the_main_list_is_found_exactly(sample: Sample) -> None:
    """Every article of the main list, in page order, and nothing from the menus, sidebars
    (hot, recommended, latest), tag clouds, friend links or footers around it."""
    detection = detect_listing(sample.html, sample.url)
    assert urls(detection) == list(sample.expected)
    assert_round_trip(detection, sample.html, sample.url)


def test_dates_are_read_where_the_rows_carry_them(sample: Sample) -> None:
    """Each kind carries a date on every row: the derived date selector reads one that parses,
    for every entry. Not for links between ``<br>``: their dates stand outside the item (the
    link), where no selector relative to it reaches; the article page gives the date."""
    if sample.name == "br-links":
        detection = detect_listing(sample.html, sample.url)
        assert detection.chosen is not None and detection.chosen.selectors.date is None
        return
    detection = detect_listing(sample.html, sample.url)
    assert detection.chosen is not None and detection.chosen.selectors.date, sample.name
    for entry in detection.chosen.entries:
        when = parse_date(entry.date_text or "", now=datetime.now(UTC), tz=UTC)
        assert when is not None, (sample.name, entry)


def find(name: str) -> Sample:
    return next(build() for build in SAMPLES if build.__name__ == name)


def entries(name: str) -> list[tuple[str, str | None]]:
    sample = find(name)
    detection = detect_listing(sample.html, sample.url)
    assert detection.chosen is not None, detection.problem
    return [(e.title or "", e.date_text) for e in detection.chosen.entries]


def test_a_numbered_announcement_table_is_read_by_its_rows_with_dates() -> None:
    """Rows numbered 1, 2, 3… in a 序号 column, each dated, are an announcement table, not a
    ranking: the row is the item and its date cell is read (the title cell alone has none)."""
    rows = "".join(
        f'<tr><td>{i + 1}</td><td><a href="{h}">{t}</a></td><td>2024-12-{20 - i:02d}</td></tr>'
        for i, (h, t) in enumerate(ROWS)
    )
    text = page(
        f'<table class="tab"><tr><th>序号</th><th>标题</th><th>日期</th></tr>{rows}</table>'
    )
    detection = detect_listing(text, "https://www.example.gov.cn/col/col12/index.html")
    assert detection.chosen is not None
    assert detection.chosen.selectors.item == "table.tab tr"
    assert [e.date_text for e in detection.chosen.entries] == [
        f"2024-12-{20 - i:02d}" for i in range(len(ROWS))
    ]
    assert not any(r.startswith("ranking") for r in detection.chosen.reasons)


def test_rows_that_are_one_link_are_titled_without_their_date() -> None:
    """``<a><p>title</p><span>date</span></a>``: the date inside the link is a date, and the
    title is the element beside it, not the link's whole text."""
    found = entries("gov_links")
    assert [t for t, _ in found] == list(ZH_TITLES[:9])
    assert all(d and d.startswith("2024-") for _, d in found)


def test_whole_card_links_are_titled_by_their_heading() -> None:
    found = entries("card_links")
    assert [t for t, _ in found] == list(EN_TITLES)
    assert [d for _, d in found] == [f"Dec {20 - i}, 2024" for i in range(len(EN_TITLES))]


# --------------------------------------------------------------------------- the rules


def test_a_block_with_a_pager_counts_as_a_full_page() -> None:
    """How many items a site shows per page is its setting: six items over a pager weigh as
    much as ten, while a block of six without one weighs less, and more items still count."""
    assert block_size(6, paged=True) == block_size(10, paged=False) == 1.0
    assert block_size(6, paged=False) < 1.0
    assert block_size(7, paged=True) > block_size(6, paged=True)  # a longer page still wins


ROWS = [(f"/news/show-{900 - i}.html", title) for i, title in enumerate(ZH_TITLES[:8])]


def page(body: str) -> str:
    return f"<html><body>{body}</body></html>"


def test_a_dated_box_of_more_items_loses_to_the_list_over_the_pager() -> None:
    main = "".join(
        f'<li><a href="{h}">{t}</a><span>2024-12-{20 - i:02d}</span></li>'
        for i, (h, t) in enumerate(ROWS[:6])
    )
    latest = "".join(
        f'<li><a href="/news/show-{500 - i}.html">{t}，更多内容</a><span>12-{10 + i}</span></li>'
        for i, t in enumerate(ZH_TITLES[:10])
    )
    pager = '<div class="pages"><a href="list-1.html">1</a> <strong>2</strong> '
    pager += '<a href="list-3.html">3</a> <a href="list-3.html">下一页</a></div>'
    text = page(
        f'<div class="l"><ul class="list">{main}</ul>{pager}</div>'
        f'<div class="r"><h3>最新资讯</h3><ul class="list">{latest}</ul></div>'
    )
    url = "https://b2b.example.cn/news/list-2.html"
    detection = detect_listing(text, url)
    assert urls(detection) == [f"https://b2b.example.cn{h}" for h, _ in ROWS[:6]]


def test_an_undated_ranking_numbered_1_2_3_is_still_a_ranking() -> None:
    rows = "".join(
        f'<li><em>{i + 1}</em><a href="{h}">{t}</a></li>' for i, (h, t) in enumerate(ROWS)
    )
    detection = detect_listing(page(f'<ul class="r">{rows}</ul>'), "https://b2b.example.cn/")
    found = [detection.chosen] if detection.chosen else list(detection.candidates)
    assert any(r.startswith("ranking: items numbered") for c in found for r in c.reasons)


def test_an_item_that_is_a_link_is_its_own_link() -> None:
    """``[source.listing] item = "a.card"``: each card is read as its own link."""
    text = page(
        '<div class="grid">'
        + "".join(f'<a class="card" href="{h}"><h3>{t}</h3></a>' for h, t in ROWS[:3])
        + "</div>"
    )
    listing = extract_listing(text, "https://x.cn/", ListingRules(item="a.card", title="h3"))
    assert [(e.url, e.title) for e in listing.entries] == [
        (f"https://x.cn{h}", t) for h, t in ROWS[:3]
    ]
    inner = extract_listing(
        page(f'<div class="c"><a href="{ROWS[0][0]}">x</a></div>'),
        "https://x.cn/",
        ListingRules(item="div.c"),
    )
    assert [e.url for e in inner.entries] == [f"https://x.cn{ROWS[0][0]}"]  # inside first


def test_a_date_in_its_own_element_inside_the_link_is_a_date_a_year_in_a_title_is_not() -> None:
    rows = "".join(
        f'<li><a href="{h}"><span class="t">{t}</span><i>2024-12-{20 - i:02d}</i></a></li>'
        for i, (h, t) in enumerate(ROWS)
    )
    detection = detect_listing(page(f'<ul class="n">{rows}</ul>'), "https://x.cn/")
    assert detection.chosen is not None
    assert detection.chosen.selectors.date == "i"
    assert detection.chosen.selectors.title == "span.t"
    titled = "".join(
        f'<li><a href="{h}"><span>2024年</span>{t}</a></li>' for i, (h, t) in enumerate(ROWS)
    )
    detection = detect_listing(page(f'<ul class="n">{titled}</ul>'), "https://x.cn/")
    assert detection.chosen is not None and detection.chosen.selectors.date is None


def test_the_pager_pages_the_list_however_it_is_read() -> None:
    """A first post wrapped apart from the others (``div.featured``, then ``div.card``s) over
    a pager: the pager under the cards is the whole list's, so the headlines of all the posts
    (``h2.post-title``) still beat the cards without the first."""
    href = [
        f"/2024/12/{20 - i:02d}/{'-'.join(t.lower().split()[:4])}/" for i, t in enumerate(EN_TITLES)
    ]
    first = (
        f'<div class="featured"><h2 class="post-title"><a href="{href[0]}">{EN_TITLES[0]}</a>'
        "</h2></div>"
    )
    rest = "".join(
        f'<div class="card"><h2 class="post-title"><a href="{href[i]}">{EN_TITLES[i]}</a></h2>'
        f"<p>{EN_TITLES[i]}, and a few words more about it.</p></div>"
        for i in range(1, 7)
    )
    pager = '<div class="pages"><span>1</span> <a href="/page/2/">2</a> '
    pager += '<a href="/page/2/">Next</a></div>'
    text = page(f'<div id="content">{first}<div class="grid">{rest}</div>{pager}</div>')
    detection = detect_listing(text, "https://blog.example.org/")
    assert urls(detection) == [f"https://blog.example.org{h}" for h in href[:7]]


def test_a_pager_is_shared_only_by_blocks_listing_the_same_articles() -> None:
    posts = {f"/p/{i}" for i in range(7)}
    assert same_list({f"/p/{i}" for i in range(1, 7)}, posts)  # the posts without the first
    assert not same_list(posts, {"/p/0", "/p/1", *(f"/column/{i}" for i in range(9))})
    assert not same_list(posts, {"/p/0", "/p/1"})  # two of them: a featured box


def test_rows_dated_day_or_month_first_are_dated() -> None:
    """``06/12/2024`` reads either way; either way it is a date, and the rows are dated."""
    rows = "".join(
        f'<li><a href="{h}">{t}</a> <span>{i + 1:02d}/12/2024</span></li>'
        for i, (h, t) in enumerate(ROWS)
    )
    detection = detect_listing(page(f'<ul class="n">{rows}</ul>'), "https://x.cn/")
    assert detection.chosen is not None and detection.chosen.selectors.date == "span"
    assert any(r == "dated 100%" for r in detection.chosen.reasons)


def test_headlines_gathered_from_beyond_the_pager_box_do_not_share_its_pager() -> None:
    """The headlines alike in tag and class across the page (ten posts in the main column,
    four in a column beside it) list most of the posts over the pager, but also links from
    outside the pager's box: they are not the paged list, the posts are."""
    posts = "".join(
        f'<div class="post"><h2 class="t"><a href="/2024/12/{20 - i:02d}/post-{i}-of-the-day/">'
        f"{EN_TITLES[i % 8]} ({i})</a></h2><p>{EN_TITLES[i % 8]}, and a few words more.</p></div>"
        for i in range(10)
    )
    beside = "".join(
        f'<h2 class="t"><a href="/2023/0{i + 1}/older-post-{i}-of-the-year/">'
        f"{EN_TITLES[i]} (older)</a></h2>"
        for i in range(4)
    )
    pager = '<div class="pages"><span>1</span> <a href="/page/2/">2</a> '
    pager += '<a href="/page/2/">Next</a></div>'
    text = page(f'<div id="main">{posts}{pager}</div><div class="col2">{beside}</div>')
    detection = detect_listing(text, "https://blog.example.org/")
    assert urls(detection) == [
        f"https://blog.example.org/2024/12/{20 - i:02d}/post-{i}-of-the-day/" for i in range(10)
    ]


@pytest.mark.parametrize("name", ["destoon", "card_links"])
def test_discover_on_a_saved_page_gives_the_list_and_a_source_that_reads_it(name, tmp_path):
    """Through the real command line: the list, and a ``[[source]]`` block whose selectors
    are the detected ones."""
    sample = find(name)
    path = tmp_path / "page.html"
    path.write_text(sample.html, encoding="utf-8")
    run = feeds("discover", str(path), "--base-url", sample.url, "--json")
    assert run.code == 0, run.err
    report = json.loads(run.out)
    assert [i["url"] for i in report["items"]] == list(sample.expected)
    source = parse_config(tomllib.loads(report["config"])).sources[0]
    assert source.listing is not None and source.listing.item == report["selectors"]["item"]
