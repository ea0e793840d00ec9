"""The lxml path for listing pages (feeds/extract/fast_listing.py) gives the ListingPage the bs4
path gives: on every listing page of the sample portal with its own selectors (where it must
answer), on every page of tests/corpus/listings with generic selectors, and on snippets of the
cases where the two trees or the two readings could part.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest
from portal import SamplePortal
from test_fast_article import _portal_pages

from feeds.encoding import decode_html
from feeds.extract import listing
from feeds.extract.fast_listing import fast_listing
from feeds.models import ListingPage, ListingRules

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "bench") not in sys.path:
    sys.path.append(str(ROOT / "bench"))

import corpus_score  # noqa: E402

URL = "http://site.example/news/list-1.html"
# Generic rules for pages nobody configured, each meeting some of the corpus's lists.
GENERIC = (
    ListingRules(item="li"),
    ListingRules(item="ul li", link="a", title="a", date="span", summary="p", next="a.next"),
    ListingRules(item="h2, h3", link="a", next=".pagination a, .pages a"),
    ListingRules(item="article", link="h2 a", title="h2", date="time", summary="p"),
    ListingRules(item="tr", link="td a", title="td > a", date="td + td", next="a"),
    ListingRules(item="div.item, div.post, li.item", title="a", date="span.date, em, i"),
    ListingRules(item="a", title="span", summary="p"),
    ListingRules(item="dl dd", link="a", date="span"),
)


def _bs4_listing(text: str, url: str, rules: ListingRules) -> ListingPage:
    return listing.soup_listing(text, url, rules)


def _compare(text: str, url: str, rules: ListingRules) -> ListingPage | None:
    """The fast path's answer; when it answered, it is bs4's."""
    fast = fast_listing(text, url, rules)
    if fast is not None:
        assert fast == _bs4_listing(text, url, rules), f"{url}: {rules}"
    return fast


def _sample_rules() -> ListingRules:
    config = tomllib.loads((ROOT / "tests/sites/destoon-sample/config.toml").read_text())
    return ListingRules(**config["source"][0]["listing"])


def test_sample_portal_pages_read_the_same_and_listings_answer() -> None:
    rules = _sample_rules()
    listings = answered = 0
    with SamplePortal() as portal:
        for url, raw, charset, _ in _portal_pages(portal):
            text, _ = decode_html(raw, http_charset=charset)
            got = _compare(text, url, rules) is not None
            answered += got
            if "/news/list-" in url and "mobile" not in url:
                listings += 1
                assert got, f"the fast path left {url} to bs4"
    assert listings >= 10 and answered >= listings


def test_corpus_listings_read_the_same() -> None:
    """Two of the generic rules on each page, taking turns (a page is read once a poll)."""
    pages = corpus_score.load_own("listings")
    assert len(pages) >= 50
    answered = entries = tried = 0
    for index, page in enumerate(pages):
        text, _ = decode_html(page.raw)
        for turn in range(2):
            fast = _compare(text, page.url, GENERIC[(2 * index + turn) % len(GENERIC)])
            tried += 1
            answered += fast is not None
            entries += len(fast.entries) if fast else 0
    # Most pages answer (the rest are left to bs4), with many entries: this proves something.
    assert answered >= 0.8 * tried and entries >= 1500, (answered, tried, entries)


@pytest.mark.parametrize(
    ("html", "rules"),
    [
        # Scripts, styles and templates inside a title give no text; comments neither.
        (
            "<ul><li><a href='/a'>One<script>var x=1</script> two<!-- c --> three</a>"
            "<template><p>hidden</p></template><span>12-06</span></li></ul>",
            ListingRules(item="li", date="span"),
        ),
        # Blocks and <br> are spaces, inline elements join their neighbours.
        (
            "<ul><li><a href='/a'><b>简历</b><em>智能</em>解析<br>第二<div>段</div></a></li></ul>",
            ListingRules(item="li", link="a", title="a"),
        ),
        # The item is the link itself (a card), with and without a link selector.
        (
            "<div class='grid'><a class='card' href='/1'><h3>One</h3></a>"
            "<a class='card' href='/2' title=' Two '><h3>2</h3></a></div>",
            ListingRules(item="div.grid > a.card"),
        ),
        (
            "<div class='grid'><a class='card' href='/1'><h3>One</h3></a></div>",
            ListingRules(item="a.card", link="a.card", title="h3"),
        ),
        # A title link's title attribute beats its (truncated) text.
        (
            "<ul><li><a href='/a' title='The whole title'>The whole…</a></li></ul>",
            ListingRules(item="li", title="a"),
        ),
        # Items without a link: a problem when they hold text, not for spacer rows.
        (
            "<ul><li><a href='/a'>A</a></li><li class='sp'> </li><li>No link</li>"
            "<li><a href='javascript:void(0)'>JS</a></li></ul>",
            ListingRules(item="li"),
        ),
        # <base href> in the head; a next link to the page itself is no next page.
        (
            "<html><head><base href='http://other.example/dir/'></head><body><ul>"
            "<li><a href='x.html'>X</a></li></ul><div class='pages'><a class='next' "
            "href='http://other.example/dir/list-2.html'>Next</a></div></body></html>",
            ListingRules(item="ul li", next="div.pages a.next"),
        ),
        (
            "<ul><li><a href='list-1.html'>X</a></li></ul><a class='next' href='list-1.html'>"
            "下一页</a>",
            ListingRules(item="ul li", next="a.next"),
        ),
        # Selectors read against the whole page, ancestors outside the item included.
        (
            "<div class='list'><ul><li><span class='d'>1</span><a href='/1'>A</a></li>"
            "<li><a href='/2'>B</a></li></ul></div><ul><li><a href='/3'>C</a></li></ul>",
            ListingRules(item="li", link="div.list a", date="div.list span.d"),
        ),
        # Whitespace inside <pre>, entities, and a class split at an odd space.
        (
            "<ul><li class='x\u2003item'><a href='/a'>A&amp;B&nbsp;C</a><pre>  two\n  lines"
            "</pre></li></ul>",
            ListingRules(item="li.item", summary="pre"),
        ),
    ],
)
def test_snippets_read_the_same(html: str, rules: ListingRules) -> None:
    assert _compare(html, URL, rules) is not None


def test_pages_the_trees_could_differ_on_are_left_to_bs4() -> None:
    deep = "<div>" * 300 + "<ul><li><a href='/a'>A</a></li></ul>" + "</div>" * 300
    after_html = "<html><body><ul><li><a href='/a'>A</a></li></ul></body></html><p>late</p>"
    assert fast_listing(deep, URL, ListingRules(item="li")) is None
    assert fast_listing(after_html, URL, ListingRules(item="li")) is None
    # Selectors the lxml path does not restate: soupsieve reads them.
    assert (
        fast_listing(
            "<ul><li><a href='/a'>A</a></li></ul>", URL, ListingRules(item="li:first-child")
        )
        is None
    )
    assert (
        "nests elements more than" in _bs4_listing(deep, URL, ListingRules(item="li")).problems[0]
    )
    assert _bs4_listing(after_html, URL, ListingRules(item="li")).entries
