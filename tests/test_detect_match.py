"""Detection's own matcher for plain selectors (feeds/extract/detect_match.py) says what
soupsieve says: on odd markup (spaces in class values, upper-case names, ids that differ in
case, several classes, templates, nesting that needs backtracking) and on the corpus, with
the selectors detection derives for its elements. And detection leaves the page's tree as
parsed: it reads each candidate back from that tree, as a poll would from a fresh parse."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import soupsieve
from bs4 import BeautifulSoup, Tag

from feeds.encoding import decode_html
from feeds.extract import detect
from feeds.extract.detect_match import matcher, plain
from feeds.extract.detect_page import DetectPage
from feeds.extract.detect_selectors import _item_options
from feeds.extract.html import Soup, parse

BENCH = Path(__file__).resolve().parents[1] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import corpus_score  # noqa: E402

SNIPPET = """<html><body>
<div class="  list\tmain\n wide\xa0x " id="Top">
  <ul class="news"><li class="item">
    <a href="/a/1">one</a><div class="item"><li class="item deep">two</li></div>
  </li><li class="item ITEM">three</li></ul>
  <DIV CLASS="Box" ID="box"><SPAN class="t">x</SPAN></DIV>
  <template><div class="list"><li class="item">hidden</li></div></template>
</div>
<section class="list"><div><div class="wrap"><p class="item">deep</p></div></div></section>
<p class="">empty class</p><p class=" ">blank class</p><p id="">empty id</p>
<table><tr><td><table class="x"><tr class="row"><td>in</td></tr></table></td></tr></table>
<o:p class="o">office</o:p><div class="é-ü 中文">unicode</div>
</body></html>"""

SELECTORS = [
    "li",
    "LI",
    "li.item",
    "li.ITEM",
    "li.Item",
    "li.item.deep",
    "li.deep.item",
    ".item",
    "div.list li",
    "div.list > ul > li",
    "div.list > li",
    "ul.news li.item",
    "div li",
    "div.x li",
    "div.wide li",
    "div.list.main li",
    "div#Top li",
    "div#top li",
    "#Top li",
    "div.box span",
    "div.Box span",
    "DIV.Box SPAN",
    "div#box > span.t",
    "template li",
    "template > div > li",
    "div > li",
    "section.list p",
    "section.list > div p",
    "section.list div > p.item",
    "section.list > div > div > p",
    "div div p",
    "section div div p",
    "section div div div p",
    "table.x tr",
    "table tr.row",
    "td table tr",
    "td > table > tr",
    "tr td",
    "p",
    "p#",
    "p.",
    "p.x y",
    "o:p",
    "o\\:p",
    "div.é-ü",
    "div.中文",
    "div.\\31 x",
    "div .item",
    "div  li",
    " li",
    "li ",
    "div >",
    "> li",
    "div>li",
    "li:not(.deep)",
    "li:has(a)",
    "a[href]",
    "li:nth-of-type(1)",
    "*",
    "div *",
    "--x",
    "-x",
    "-1x",
    "div.-x li",
    "div.--y li",
    "p#a#b",
]


def _elements(soup: BeautifulSoup) -> list[Tag]:
    return [soup, *soup.find_all(True)]


def _agree(selector: str, elements: list[Tag]) -> None:
    try:
        sieve = soupsieve.compile(selector)
    except soupsieve.SelectorSyntaxError:
        assert plain(selector) is None, selector  # never a plain selector soupsieve refuses
        return
    ours = matcher(selector)  # one matcher for the whole tree, its memo shared, as detection
    for el in elements:
        assert ours(el) is sieve.match(el), (selector, el.name, el.attrs)


@pytest.mark.parametrize("selector", SELECTORS)
def test_snippet_agrees_with_soupsieve(selector: str) -> None:
    _agree(selector, _elements(parse(SNIPPET)))


def test_markup_set_by_hand_agrees() -> None:
    """A class attribute a parser did not split, and names in upper case: soupsieve splits
    on ASCII white space only, reads the first attribute whose name lowers to ``class``, and
    lowers ASCII letters only in tag names."""
    soup = parse("<div><p>a</p><p>b</p><p>c</p><p>d</p></div>")
    first, second, third, fourth = soup.find_all("p")
    first.attrs = {"class": " one\ttwo\xa0three  "}
    second.attrs = {"CLASS": "one", "class": ["two"], "Id": "k"}
    third.attrs = {"class": None, "id": None}
    third.name, fourth.name = "P", "Ü"
    for selector in [
        *("p.one", "p.two", "p.three", "p.two\xa0three", "p#k", "div p.one", "p", "P", "ü"),
        *("Ü", "DIV > P", "div > p"),
    ]:
        _agree(selector, _elements(soup))


def test_what_is_not_plain_goes_to_soupsieve() -> None:
    assert plain("div.list > li.item") is not None
    for selector in ["li:has(a)", "a[href]", "o\\:p", "div  li", "div>li", "*", "li, p"]:
        assert plain(selector) is None, selector


@pytest.mark.parametrize("file", ["0001.html.gz", "0021.html.gz", "0061.html.gz"])
def test_corpus_selectors_agree_with_soupsieve(file: str) -> None:
    """The item selectors detection derives for a page's link holders, on every holder of
    the same tag; a page of each kind: a news portal, a Chinese portal, a blog."""
    page = next(p for p in corpus_score.load_own("listings") if p.file == file)
    soup = parse(decode_html(page.raw)[0])
    detect = DetectPage.read(soup, page.url)
    tried = 0
    for tag in ("li", "div", "tr", "h3", "td"):
        holders = detect.holders(tag)
        for el in holders[:: max(1, len(holders) // 3)][:3]:
            for selector in list(_item_options([el]))[:40:3]:
                _agree(selector, holders)
                tried += 1
    assert tried >= 20


@pytest.mark.parametrize("file", ["0001.html.gz", "0021.html.gz"])
def test_detection_leaves_the_tree_as_parsed(file: str, monkeypatch: pytest.MonkeyPatch) -> None:
    page = next(p for p in corpus_score.load_own("listings") if p.file == file)
    text = decode_html(page.raw)[0]
    trees: list[Soup] = []

    def parse_and_keep(markup: str) -> Soup:
        trees.append(parse(markup))
        return trees[-1]

    monkeypatch.setattr(detect, "parse", parse_and_keep)
    found = detect.detect_listing(text, page.url)
    assert found.chosen is not None and len(trees) == 1
    assert str(trees[0]) == str(parse(text))
