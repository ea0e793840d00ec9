"""Listing detection on a list whose sections are styled in alternate stripes (issue 15): a blog
index with one section per year, each section's wrapper classed apart from the one before it
(``div.container`` / ``div.container-fluid.alt-color``, julialang.org's blog), is one list."""

from __future__ import annotations

from test_detect import assert_round_trip, urls
from test_detect_unseen_more import page

from feeds.extract.detect import detect_listing
from feeds.extract.detect_groups import find_groups
from feeds.extract.detect_page import DetectPage
from feeds.extract.html import parse

URL = "https://www.example.com/blog/"


def section(wrapper: str, heading: str, first: int, rows: int = 4) -> str:
    posts = "".join(
        f'<p><a href="/blog/{heading.lower()}/post-{i}/">A post about the thing number {i}</a>'
        f" 2020-01-{i % 28 + 1:02d}</p>"
        for i in range(first, first + rows)
    )
    return (
        f'<div class="{wrapper}"><div class="container"><h2>{heading}</h2>'
        f'<div class="grid">{posts}</div></div></div>'
    )


def years(striped: bool) -> str:
    wrappers = ["container", "container-fluid alt-color" if striped else "container"] * 2
    sections = "".join(
        section(w, year, 10 * k) for k, (w, year) in enumerate(zip(wrappers, YEARS, strict=True))
    )
    return page(f'<div class="main">{sections}</div>')


YEARS = ["2024", "2023", "2022", "2021"]
EVERY_POST = [
    f"https://www.example.com/blog/{year}/post-{i}/"
    for k, year in enumerate(YEARS)
    for i in range(10 * k, 10 * k + 4)
]


def test_sections_in_alternate_stripes_are_one_list() -> None:
    html = years(striped=True)
    detection = detect_listing(html, URL)
    assert urls(detection) == EVERY_POST  # not the 2024 and 2022 sections alone
    assert_round_trip(detection, html, URL)


def test_stripes_read_as_the_same_sections_unstriped() -> None:
    assert urls(detect_listing(years(striped=True), URL)) == urls(
        detect_listing(years(striped=False), URL)
    )


def test_blocks_alike_in_two_columns_stay_apart() -> None:
    """Rows of a two-column layout (a left and a right box in each row) take turns in the
    page too, but each pair sits in a row of its own: not one column, so not one list."""
    rows = "".join(
        f'<div class="row">{section("left", f"Left{k}", 10 * k)}'
        f"{section('right', f'Right{k}', 10 * k + 5)}</div>"
        for k in range(3)
    )
    found = DetectPage.read(parse(page(f'<div class="main">{rows}</div>')), URL)
    for group in find_groups(found):
        sides = {"left" if "/left" in i.url else "right" for i in group.items}
        assert len(sides) == 1, [i.url for i in group.items]
