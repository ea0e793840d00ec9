"""An article's title, from the sources a page offers (metadata, <h1>, <title>), and the
element that shows it: the headline, near which the date and the byline stand."""

from __future__ import annotations

import re
from collections.abc import Callable
from difflib import SequenceMatcher
from typing import Any

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from feeds.clean import plain_text
from feeds.extract.html import attr, text_of
from feeds.extract.markup import INVISIBLE, split_url
from feeds.extract.page import ld_value
from feeds.extract.title_words import (
    HEADINGS_MAX,
    TITLE_SEPARATORS,
    agree,
    norm,
    title_parts,
    variants,
    width,
)
from feeds.lazyre import lazy

_TITLE_MAX = 300
# Characters of a headline the story shows: shorter is a section name ('News', 'Blog').
_STORY_LENGTH = (15, 250)
_SITE_HEADING = lazy(r"site|logo|brand|masthead", re.IGNORECASE)
# A <title> that opens with a separator lost its headline part ('-铜雀历史网', '| Blog'): a CMS
# template whose title field was empty, leaving only the site's name.
_HEADLESS = lazy(r"^\s*[-_|｜–—:]")
# A heading's permalink mark, a lone '#', '¶' or '§' link that docs generators (docsite,
# VuePress, Docusaurus) put before or after the heading's words: not part of the headline.
_PERMALINK = lazy(r"^[#¶§]\s+|\s+[#¶§]$")
# How alike an <h1> and <title> must be to be one headline worded twice: a typo fixed in one
# of them ('珠联璧合' / '珠合璧联') leaves them this close, a different headline does not.
_NEAR = 0.9
# What a block inside a heading leaves between its neighbours' words, marked so that a
# break between two Han characters can be told from a space the headline itself holds
# ('途虎养车港交所挂牌 腾讯为最大外部股东').
_BLOCK_GAP = "\ue000"
_HAN_BREAK = lazy(r"(?<=[\u3400-\u9fff])\ue000+(?=[\u3400-\u9fff])")


def page_title(soup: BeautifulSoup) -> str | None:
    """<title> minus the site name: '全球最大超算…_企库往' -> '全球最大超算…'."""
    title = text_of(soup.title) if soup.title else None
    if not title:
        return None
    parts = title_parts(title)
    return max(parts, key=width) if parts else title


def site_names(soup: BeautifulSoup) -> set[str]:
    """The names <title> gives the site (normalised): all parts of 'Headline - Blog - Site'
    but the longest, or the whole of a title that lost its headline part."""
    page = text_of(soup.title) if soup.title else None
    if not page:
        return set()
    if _HEADLESS.match(page):
        return {norm(page)}
    parts = [norm(p) for p in title_parts(page) if norm(p)]
    longest = max(parts, key=width) if parts else ""
    return {p for p in parts if p != longest}


def agreed_title(
    soup: BeautifulSoup,
    metas: dict[str, str],
    ld: list[dict[str, Any]],
    home: Callable[[], set[str]] = set,
) -> tuple[str, str] | None:
    """The headline most of the page's sources agree on, and its origin ("metadata" or "page"
    for an <h1>).

    og:title, twitter:title, JSON-LD headline, other title metas, the <h1>s and <title> each
    get a vote from every other kind of source that agrees with them; the best supported wins,
    in that order on a tie. A headline that nothing else confirms is a site's slogan, a
    "Navigation" heading or a description that a CMS put in ``headline``: without support,
    metadata still wins (it names the page), else <title> (``page_title``), unless <title>
    is only the site's name: og:site_name, or what ``home`` gives, the names of the page's
    links to its front page.
    """
    sources: list[tuple[str, str]] = []
    for kind, value in (
        ("og", metas.get("og:title")),
        ("twitter", metas.get("twitter:title")),
        ("ld", ld_value(ld, "headline")),
        ("meta", metas.get("parsely-title") or metas.get("dc.title") or metas.get("title")),
    ):
        text = plain_text(value)
        if text and len(text) <= _TITLE_MAX:
            sources.append((kind, text))
    page = text_of(soup.title) if soup.title else None
    sites = _masthead_names(soup, page, metas)
    for h1 in soup.find_all("h1", limit=HEADINGS_MAX):
        text = _heading_text(h1)
        if text and len(text) <= _TITLE_MAX and not _site_heading(h1) and norm(text) not in sites:
            sources.append(("h1", text))
    page_texts = [page, *TITLE_SEPARATORS.split(page)] if page else []
    if (shown := _story_headline(soup, sites)) is not None and not any(
        agree(shown, text) for _, text in sources if text != shown
    ):
        # The one headline the story shows beats social and SEO titles that word it
        # otherwise ('Clever Ideas to Set Up…' for '20 Clever Small Nursery Ideas…').
        return shown, "page"

    def support(kind: str, text: str) -> int:
        kinds = {k for k, other in sources if k != kind and agree(text, other)}
        return len(kinds) + any(agree(text, t) for t in page_texts if t)

    def origin(kind: str) -> str:
        return "page" if kind == "h1" else "metadata"

    if not sources:
        return None
    scored = [(support(kind, text), -i) for i, (kind, text) in enumerate(sources)]
    best, index = max(scored)
    kind, title = sources[-index]
    if best == 0:
        metadata = [text for kind, text in sources if kind != "h1"]
        if metadata:
            return metadata[0], "metadata"
        # An <h1> that <title> words almost alike is the headline the reader sees.
        if (near := _near_heading(sources, page_texts)) is not None:
            return near, "page"
        # <title> wins over an unconfirmed <h1>, unless it names only the site.
        headless = page is None or norm(page) in sites or norm(page) in home()
        return (sources[0][1], "page") if headless else None
    # 'Headline | Site' from og:title, confirmed by an <h1> 'Headline': the part that is the
    # headline, without the site's name.
    parts = [p for p in TITLE_SEPARATORS.split(title) if p]
    if len(parts) > 1:
        for other_kind, other in sources:
            if any(norm(other) == norm(part) for part in parts):
                return other, origin(other_kind)
    return title, origin(kind)


def _story_headline(soup: BeautifulSoup, sites: set[str]) -> str | None:
    """The text of the page's only <h1>, when it stands inside the story (<article>,
    <main>, or marked as the headline) and reads as a headline, not a word or two."""
    h1s = soup.find_all("h1", limit=2)
    if len(h1s) != 1 or _site_heading(h1s[0]):
        return None
    h1 = h1s[0]
    text = _heading_text(h1)
    if not text or norm(text) in sites or not _STORY_LENGTH[0] <= len(text) <= _STORY_LENGTH[1]:
        return None
    marked = attr(h1, "itemprop") == "headline"
    if not marked and h1.find_parent(["article", "main"]) is None:
        return None
    return text


def _heading_text(heading: Tag) -> str | None:
    """A heading's words, without a permalink mark. A block inside the heading that splits
    Chinese words ('助企纾困<div>预计4年…</div>': the editor's line break) joins them without
    the space a block puts between Latin words: Chinese writes no spaces between words, and
    <title> and the metadata give such a headline unbroken."""
    text = text_of(heading, gap=_BLOCK_GAP)
    if not text:
        return text
    text = plain_text(_HAN_BREAK.sub("", text).replace(_BLOCK_GAP, " "))
    return _PERMALINK.sub("", text) if text else None


def _near_heading(sources: list[tuple[str, str]], page_texts: list[str]) -> str | None:
    """The first <h1> whose words and those of <title> (or one of its parts) differ by an
    edit or two: the same headline, corrected on one side."""
    for kind, text in sources:
        if kind != "h1":
            continue
        for other in page_texts:
            a, b = norm(text), norm(other)
            if a and b and SequenceMatcher(None, a, b, autojunk=False).ratio() >= _NEAR:
                return text
    return None


def _masthead_names(soup: BeautifulSoup, page: str | None, metas: dict[str, str]) -> set[str]:
    """Names an <h1> may show that are the site's or the blog's, not the headline
    (normalised): og:site_name; a <title> that lost its headline part; the other parts of
    'Headline - Blog - Site' when a heading on the page shows the headline part."""
    names = {norm(metas.get("og:site_name") or "")} - {""}
    if page and _HEADLESS.match(page):
        return names | {norm(page)}
    parts = [p for p in title_parts(page or "") if norm(p)]
    if len(parts) < 2:
        return names
    longest = max(parts, key=width)
    headings = soup.find_all(["h1", "h2"], limit=HEADINGS_MAX)
    if any(agree(text_of(h), longest, 0.6) for h in headings):
        names |= {norm(p) for p in parts if p != longest}
    return names


def _site_heading(h1: Tag) -> bool:
    """An <h1> that is the site's name or logo (a link home, or classed so), not a headline."""
    if any(
        _SITE_HEADING.search(attr(node, "class") or "")
        or _SITE_HEADING.search(attr(node, "id") or "")
        for node in (h1, *h1.find_all(True, limit=3))
    ):
        return True
    link = h1.find("a", href=True)
    if isinstance(link, Tag) and text_of(link) == text_of(h1):
        href = split_url(attr(link, "href") or "")
        return href is not None and href.path in ("", "/", "/index.html", "/index.php")
    return False


def headline(soup: BeautifulSoup, title: str | None) -> Tag | None:
    """The element that shows the article's headline: where its date and byline are near.
    An <h1> that agrees with the title, else an <h2> that does, else any short text that does
    (portals without headings: <div class="tit2">, <td class="post-title">), else the first
    <h1>."""
    first = soup.find("h1")
    if not title:
        return first if isinstance(first, Tag) else None
    titles = variants(title)
    headings = soup.find_all(["h1", "h2"], limit=HEADINGS_MAX)
    # An <h1> first: an <h2> that words the headline alike may come before it in a teaser
    # of the same story (a sticky bar, a card of what to read next).
    for heading in sorted(headings, key=lambda h: h.name != "h1"):
        if any(agree(text_of(heading), t, 0.6) for t in titles):
            return heading
    body = soup.body or soup
    low, high = min(map(len, titles)) // 2, 2 * len(title)
    for string in body.find_all(string=True):
        parent = string.parent
        if type(string) is not NavigableString or parent is None or parent.name in INVISIBLE:
            continue
        text = string.strip()
        if low <= len(text) <= high and any(agree(text, t, 0.6) for t in titles):
            return parent
    return first if isinstance(first, Tag) else None
