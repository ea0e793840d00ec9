"""What the article fallbacks read from a whole page: its meta tags and JSON-LD, the info
lines under the headline, and which blocks are not the article (comments, teasers, sidebars).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import SplitResult, urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from feeds.extract.html import attr

# How far after the headline (in characters of visible text) a field marked up as such, a
# dated element or a reporter's byline, may stand.
NEAR_HEADLINE = 3000
# Class or id words of a block that is not the article's own (reader comments, teasers).
ELSEWHERE = frozenset(
    {
        "comment", "comments", "commentlist", "related", "recommend", "recommended", "sidebar",
        "widget", "footer", "promo", "popular", "trending", "mostread", "newsletter",
        "breadcrumb", "breadcrumbs",
    }
)  # fmt: skip
_CLASS_WORDS = re.compile(r"[^a-z]+")
_BLOCK_DEPTH = 8
# Elements whose text is never shown as the page's text.
INVISIBLE = frozenset({"script", "style", "noscript", "template", "title", "option", "head"})
_NON_WORD = re.compile(r"[\W_]+")
_CDATA = re.compile(r"^(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>$")
# Labels that open an article's info line; the line must be short to be one (not a paragraph).
_INFO_LABEL = re.compile(
    r"(?:(?:日期|时间|发布|发表|更新|来源|作者|记者|编辑|Published|Posted|Updated|Date|By)\s*[:：]"
    r"|发表于|发布于|发布日期|发布时间)",
    re.IGNORECASE,
)
_INFO_LINE_MAX = 200


def metas(soup: BeautifulSoup) -> dict[str, str]:
    """name/property/itemprop (lower-case) -> content of the first such meta tag."""
    out: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        content = attr(meta, "content")
        if not content:
            continue
        for key_attr in ("property", "name", "itemprop"):
            key = attr(meta, key_attr)
            if key:
                out.setdefault(key.lower(), content)
    return out


def json_ld(soup: BeautifulSoup) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object of the page, nested lists and ``@graph`` members included."""
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            raw = (script.string or "").strip()
            # Some CMSs wrap it for XHTML: <script>//<![CDATA[ {...} //]]></script>
            raw = _CDATA.sub("", raw)
            data = json.loads(raw)
        except (ValueError, TypeError):
            continue  # broken JSON-LD is common; the other fallbacks still apply
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)


def ld_value(ld: list[dict[str, Any]], key: str) -> str | None:
    """The first non-blank string value of ``key`` among the JSON-LD objects."""
    for item in ld:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def canonical_href(soup: BeautifulSoup) -> str | None:
    """The raw href of <link rel="canonical">, if any."""
    for link in soup.find_all("link", href=True):
        rel = link.get("rel")
        rels: list[str] = list(rel) if isinstance(rel, list) else str(rel or "").split()
        if "canonical" in (r.lower() for r in rels):
            return attr(link, "href")
    return None


def info_lines(soup: BeautifulSoup, headline: list[Tag]) -> Iterator[str]:
    """Short text blocks that carry labelled fields (日期：, 来源：, 作者：, Published:), in page
    order from the headline on: the info line under an article's title."""
    start = headline[0] if headline else soup.body or soup
    seen: set[int] = set()
    for string in start.find_all_next(string=short_match(_INFO_LABEL, _INFO_LINE_MAX)):
        parent = string.parent
        if parent is None or id(parent) in seen or parent.name in ("script", "style", "a"):
            continue
        seen.add(id(parent))
        line = parent.get_text(" ")
        if len(line) <= _INFO_LINE_MAX:
            yield line


def short_match(pattern: re.Pattern[str], limit: int) -> Callable[[str | None], bool]:
    """A string filter that runs ``pattern`` on short strings only: a long one is a paragraph,
    never a dateline or an info line, and a hostile 32 KB one must cost nothing (B15)."""
    return lambda text: text is not None and len(text) <= limit and bool(pattern.search(text))


def norm(text: str) -> str:
    """Text reduced for comparing names and titles: NFKC, case-folded, punctuation as spaces."""
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def elsewhere(
    node: NavigableString | Tag, words: frozenset[str] = ELSEWHERE, *, itself: bool = False
) -> bool:
    """Whether the node sits in a block that is not the article: reader comments, related
    teasers, a sidebar, the footer (``words``, the class and id words that say so; with
    ``itself``, the node's own count too). Class and id words count whole ('comment-meta', not
    'wsidebar'), up to the article's own <article> or <main>, and only the nearest
    ``_BLOCK_DEPTH`` ancestors: further up, 'right-sidebar' names a page layout."""
    chain = node.parents if not (itself and isinstance(node, Tag)) else (node, *node.parents)
    for depth, element in enumerate(chain):
        if depth >= _BLOCK_DEPTH or element.name in ("article", "main", "body", "html"):
            return False
        if element.name in ("nav", "footer"):
            return True
        names = f"{attr(element, 'class') or ''} {attr(element, 'id') or ''}".lower()
        if not words.isdisjoint(_CLASS_WORDS.split(names)):
            return True
    return False


def split_url(url: str) -> SplitResult | None:
    """``urlsplit(url)``, or None where it raises: a page's links and image addresses are the
    site's text, and one 'http://bad]test/' (a bracket that is no IPv6 host) must not fail
    the whole article (B7, B11)."""
    try:
        return urlsplit(url)
    except ValueError:
        return None
