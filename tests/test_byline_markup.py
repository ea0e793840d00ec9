"""byline_markup.markup finds exactly the elements that bylines.AUTHOR_MARKUP and
FOREIGN_MARKUP select with soupsieve, in the same order (issue 19: one walk of the page
instead of twenty-odd selectors run over every element)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from feeds.extract.byline_markup import markup
from feeds.extract.bylines import AUTHOR_MARKUP, FOREIGN_MARKUP
from feeds.extract.html import parse, select

CORPUS = Path(__file__).resolve().parent / "corpus"


def same(html: str) -> tuple[list[str], list[str]]:
    soup = parse(html)
    nodes, foreign = markup(soup)
    assert [id(n) for n in nodes] == [id(n) for n in select(soup, AUTHOR_MARKUP)]
    assert [id(n) for n in foreign] == [id(n) for n in select(soup, FOREIGN_MARKUP)]
    return [n.name for n in nodes], [n.name for n in foreign]


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ("<div itemprop='author'><span itemprop='name'>A</span></div>", ["div", "span"]),
        ("<span itemprop='name'>A</span>", []),  # a name of something else
        ("<span itemprop='author name'>A</span>", ["span"]),  # [itemprop~="author"]: a word
        ("<div itemprop='author creator'><i itemprop='name'>A</i></div>", ["div", "i"]),
        ("<div data-component='Byline'>A</div><a data-testid='AuthorURL'>B</a>", ["div", "a"]),
        ("<span class='detail__writer'>A</span><div class='submitted-by'>B</div>", ["span", "div"]),
        ("<author>Ann Lee</author>", ["author"]),
        ("<a rel='author external' href='/a'>A</a><a rel='AUTHOR'>B</a>", ["a", "a"]),
        ("<link rel='author' href='/a'>", []),  # a[rel~=author] only
        ("<p class='Byline'><b class='fn'>A</b></p>", ["p"]),  # .byline is case-sensitive
        ("<p class='byline'><b class='fn'>A</b></p>", ["p", "b"]),
        ("<div class='vcard'><i><b class='fn n'>A</b></i></div>", ["b"]),
        ("<div class='x'><b class='FN'>A</b></div><b class='fn'>B</b>", []),
        ("<span class='post-AUTHOR-link'>A</span><span id='Byline1'>B</span>", ["span", "span"]),
        ("<span class='contributors'>A</span><span id='contributor'>B</span>", ["span"]),
        ("<address>Ann Lee</address>", ["address"]),
        ("<svg><g class='author'></g></svg>", ["g"]),
    ],
)
def test_each_part_of_the_selector_is_matched_alike(html: str, found: list[str]) -> None:
    assert same(f"<html><body>{html}</body></html>")[0] == found


def test_foreign_words_in_class_or_id_are_matched_alike() -> None:
    html = "<div class='Autor'>A</div><span id='zuozhe'>B</span><p class='auteurs jizhe'>C</p>"
    assert same(html)[1] == ["div", "span", "p"]


@pytest.mark.parametrize("kind", ["articles", "listings"])
def test_the_corpus_pages_give_the_same_elements(kind: str) -> None:
    pages = sorted((CORPUS / kind).glob("*.html.gz"))[::2]  # every other page: about 10 s
    assert pages, f"no pages in {CORPUS / kind}"
    for path in pages:
        same(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
