"""What listing detection reads of a whole page, once: element order, links and what they look
like, the page's chrome regions, its pager links, feeds and JSON-LD item lists.

Shared by ``detect_groups.py`` (which blocks repeat), ``detect_score.py`` (which block is the
list) and ``pagination.py`` (the next page): each reads the page through :class:`DetectPage`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from bs4 import BeautifulSoup, Tag

from feeds.extract.html import absolute, attr, base_url, text_of
from feeds.extract.markup import HEADINGS
from feeds.extract.names import class_names, name_words, site_of
from feeds.lazyre import lazy

__all__ = [
    "HEADINGS",
    "DetectPage",
    "Link",
    "anchors",
    "article_like",
    "collection",
    "region_of",
    "units",
]

_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
_CJK = lazy(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_WORD = lazy(r"[^\W_]+")
_HIDDEN_STYLE = lazy(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
HEADLINE_UNITS = 4.0  # 8 CJK characters or 4 words: shorter link texts are menu entries
_MENU_UNITS = HEADLINE_UNITS  # a menu entry is shorter than a headline

# Where chrome sits: its tag, its ARIA role, or the words of its id and classes. Words in
# _AFFIXED also match as the start or end of a word (``leftsidebar``, ``topnav``, ``ranklist``).
# Only the ancestors of a block are read, never its items: an item classed ``hot`` or
# ``tag-news`` (WordPress) is a post with a state or a taxonomy, not a ranking or a tag cloud.
_REGION_WORDS = {
    "navigation": (
        *("nav", "navbar", "navigation", "menu", "header", "topbar", "toolbar", "crumb"),
        *("breadcrumb", "crumbs", "share", "login", "pagination", "pager"),
    ),
    "footer": ("footer", "foot", "copyright", "friend", "friendlink", "links", "sitemap"),
    "sidebar": ("sidebar", "side", "aside", "rail"),
    # Chinese portals name blocks in pinyin too: paihang 排行, remen 热门, xiangguan 相关…
    "ranking": ("rank", "ranking", "popular", "trending", "top10", "paihang", "remen", "redian"),
    "tags": ("tagcloud", "tags"),
    "related": (
        *("related", "relate", "relevant", "recommend", "recommended", "similar"),
        *("xiangguan", "tuijian"),
    ),
}
_AFFIXED = frozenset(
    {"nav", "navbar", "menu", "header", "footer", "sidebar", "breadcrumb", "copyright"}
    | {"friendlink", "ranking", "popular", "trending", "tagcloud", "related", "recommend"}
    | {"pagination", "toolbar", "topbar", "rank", "paihang", "remen", "redian", "xiangguan"}
    | {"tuijian"}
)
_REGION_TAGS = {"nav": "navigation", "header": "navigation", "footer": "footer", "aside": "sidebar"}
_SECTIONING = ["article", "section", "aside", "nav", "main"]
_REGION_ROLES = {
    "navigation": "navigation",
    "banner": "navigation",
    "menubar": "navigation",
    "contentinfo": "footer",
    "complementary": "sidebar",
}
# Chinese ids and classes (id="点击排行") name their block as a heading would.
_CJK_NAMES = {
    "ranking": ("排行", "排名", "热门", "热点", "热搜", "点击榜"),
    "related": ("相关", "推荐", "猜你喜欢"),
    "footer": ("友情链接", "合作伙伴"),
}

# URL shapes: what a link to one article looks like, and what a section, a pager or an
# account page looks like.
_BAD_PATH = lazy(
    r"/(?:tags?|category|categories|login|logon|signin|signup|register|about|contact"
    r"|search|help|privacy|terms|member|members|user|users|profile|author|feed|rss|sitemap)"
    r"(?:[/._?-]|$)",
    re.IGNORECASE,
)
_BAD_QUERY = lazy(r"(?:^|&)(?:kw|q|keyword|page|paged|tag|search|start)=", re.I)
_PAGED = lazy(
    r"/(?:page|p)/?\d{1,4}/?$|[/_-](?:list|index|page)[_-]?\d+(?:_\d+)?\.\w+$", re.IGNORECASE
)
_DIGITS = lazy(r"\d{4,}|\d{4}[/-]\d{1,2}")
_ID_SEGMENT = lazy(r"(?:^|[^a-z])\d{3,}(?:$|[^a-z])", re.IGNORECASE)
_FILE = lazy(r"\.(?:s?html?|php|aspx?|jsp|pdf|docx?)$", re.IGNORECASE)
_ID_QUERY = lazy(
    r"(?:^|&)(?:\w*id|p|t|aid|article|topic|thread|story|post|news|doc)=\d+", re.IGNORECASE
)


@dataclass(frozen=True)
class Link:
    """One anchor as a listing reads it."""

    url: str | None  # absolute, or None when it leads nowhere usable
    title: str  # what extract_listing reads: the title attribute, else the text
    units: float  # headline length of the longer of the two (see units)


@dataclass
class DetectPage:
    soup: BeautifulSoup
    url: str
    base: str  # the URL links resolve against (<base href>, else the page's)
    site: str  # registrable domain of the page, "163.com"
    order: dict[int, int]  # id(element) -> position in the document
    feeds: tuple[str, ...]
    ld_urls: frozenset[str]  # URLs of JSON-LD ItemLists
    # the page's menus (navigation regions) and the links each holds
    menus: list[tuple[Tag, frozenset[str]]] = field(default_factory=list)
    in_menus: Counter[str] = field(default_factory=Counter)  # URL -> how many menus hold it
    _links: dict[int, Link] = field(default_factory=dict)
    _holders: dict[str, list[Tag]] | None = None
    _counts: dict[int, int] | None = None
    _ends: dict[int, int] = field(default_factory=dict)
    _hidden: set[int] | None = None

    @classmethod
    def read(cls, soup: BeautifulSoup, page_url: str) -> DetectPage:
        base = base_url(soup, page_url)
        page = cls(
            soup=soup,
            url=page_url,
            base=base,
            site=site_of(page_url),
            order={id(el): i for i, el in enumerate(soup.find_all(True))},
            feeds=_advertised_feeds(soup, base),
            ld_urls=frozenset(_item_list_urls(soup, base)),
        )
        page.menus = [
            (el, entries)
            for el in soup.find_all(True)
            if region_of(el) == "navigation" and (entries := frozenset(_entries(el, page)))
        ]
        page.in_menus = Counter(url for _, urls in page.menus for url in urls)
        return page

    def end(self, el: Tag) -> int:
        """The position of the last element inside ``el`` (its own when it has none)."""
        key = id(el)
        if key not in self._ends:
            self._ends[key] = self.order[key] + len(el.find_all(True))
        return self._ends[key]

    def holders(self, tag: str) -> list[Tag]:
        """Elements of a tag that contain a usable link, in page order."""
        if self._holders is None:
            self._holders = {}
            for el in self.soup.find_all(True):
                if self.link_count(el):
                    self._holders.setdefault(el.name or "", []).append(el)
        return self._holders.get(tag, [])

    def link_count(self, el: Tag) -> int:
        """How many usable links an element holds (the page's total for the soup itself)."""
        if self._counts is None:
            self._counts = {}
            for a in anchors(self.soup):
                if self.link(a).url:
                    for holder in (a, *a.parents):
                        self._counts[id(holder)] = self._counts.get(id(holder), 0) + 1
        return self._counts.get(id(el), 0)

    def link(self, a: Tag) -> Link:
        key = id(a)
        if key not in self._links:
            try:
                url = absolute(attr(a, "href"), self.base)
            except ValueError:  # urljoin rejects some hosts ("http://[x]/"): not a link
                url = None
            text = text_of(a) or ""
            title = attr(a, "title") or text
            length = max(units(title), units(text))
            if url and urldefrag(url).url == urldefrag(self.url).url:
                length = 0.0  # "#comments", "#top": a place on this page, never an article
            self._links[key] = Link(url, title, length)
        return self._links[key]

    def hidden(self) -> set[int]:
        """Elements a reader doesn't see, and all inside them: hidden by their ``style`` or
        the ``hidden`` attribute (the other tabs of a tabbed box: 热门 behind 最新). Not one
        that holds most of the page's links: a page hidden until its scripts show it is still
        read."""
        if self._hidden is None:
            self._hidden = set()
            for el in self.soup.find_all(_hides):
                if id(el) not in self._hidden and not self.wrapper(el):
                    self._hidden.add(id(el))
                    self._hidden.update(id(d) for d in el.find_all(True))
        return self._hidden

    def wrapper(self, el: Tag) -> bool:
        """Does ``el`` hold most of the page's links, or the page's main content (``<main>``,
        ``role=main``)? Then it is a layout wrapper ("has-sidebar", Genesis's
        ``content-sidebar-wrap`` around ``main.content`` and ``aside.sidebar``), not the
        chrome its name mentions. An <aside> says what it is whatever its links: a blog's
        tag cloud and archive may well hold most of them."""
        if el.find(_main) is not None:
            return True
        return el.name != "aside" and self.link_count(el) * 2 > self.link_count(self.soup)


def _hides(el: Tag) -> bool:
    return el.has_attr("hidden") or bool(_HIDDEN_STYLE.search(attr(el, "style") or ""))


def _main(el: Tag) -> bool:
    return el.name == "main" or (attr(el, "role") or "").lower() == "main"


def _entries(menu: Tag, page: DetectPage) -> Iterator[str]:
    """The URLs a menu lists as entries: short link texts (sections, pages). A header's
    scroller of headline-long article links, or a mega menu's thumbnails, are not entries the
    article list could repeat."""
    for a in anchors(menu):
        link = page.link(a)
        if link.url and 0 < link.units < _MENU_UNITS:
            yield link.url


def anchors(scope: Tag) -> list[Tag]:
    return [a for a in scope.find_all("a", href=True) if isinstance(a, Tag)]


def units(text: str) -> float:
    """Headline length in any script: a CJK character is half a unit, a word one. Numbers
    don't count: "26. Mai 2008 um 21:07" is a timestamp, not a headline."""
    cjk = len(_CJK.findall(text))
    return cjk / 2 + sum(not w.isdigit() for w in _WORD.findall(_CJK.sub(" ", text)))


def article_like(url: str) -> bool:
    """Does the URL point at one article (an id, a date, a file, a long slug), not at a
    section, a page of a list, a search or an account?"""
    parts = urlsplit(url)
    if _BAD_QUERY.search(parts.query):
        return False
    if _ID_QUERY.search(parts.query):
        return True  # ?p=123, ?tid=5, ?topic=1879.0
    path = parts.path
    segments = [s for s in path.split("/") if s]
    if not segments or _BAD_PATH.search("/" + "/".join(segments[-3:])) or _PAGED.search(path):
        return False  # /profile/428/name, /tag/x/, /category/y/page/3/, /news/list-2.html
    if _DIGITS.search(path) or any(_ID_SEGMENT.search(s) for s in segments[-2:]):
        return True  # /2024/05/…, /a/1190000022913729, /discussion/800/title
    last = segments[-1]
    if _FILE.search(last) and any(c.isdigit() for c in last):
        return True
    stem = _FILE.sub("", last)
    return len(re.split(r"[-_+]", stem)) >= 3 or len(stem) >= 20


def collection(urls: list[str]) -> bool:
    """Are the URLs documents of one collection: one host and folder, each its own page named
    by a slug of several words (``/forums/topic/blog-wallpaper/``)? A menu's sections differ
    in folder or are single words (``/news/world/``, ``/news/sports/``)."""
    if len(urls) < 3:
        return False
    parts = [urlsplit(u) for u in urls]
    folders = {(p.hostname, p.path.rstrip("/").rsplit("/", 1)[0]) for p in parts}
    names = [p.path.rstrip("/").rsplit("/", 1)[-1] for p in parts]
    if len(folders) != 1 or next(iter(folders))[1] in ("", None) or len(set(names)) < len(names):
        return False
    return sum(bool(re.search(r"\w[-_+]\w", n)) for n in names) * 2 > len(names)


def region_of(el: Tag) -> str | None:
    """The kind of chrome an element's tag, role, id or classes name, if any."""
    if el.name in _REGION_TAGS:
        # A <header> or <footer> inside sectioning content (an <article> card, a <section>)
        # is that section's own: its title or its byline, not the site's menu or footer.
        if el.name in ("header", "footer") and el.find_parent(_SECTIONING) is not None:
            return None
        return _REGION_TAGS[el.name]
    role = (attr(el, "role") or "").lower()
    if role in _REGION_ROLES:
        return _REGION_ROLES[role]
    for word in name_words(el):
        for kind, names in _REGION_WORDS.items():
            for name in names:
                if word == name or (
                    name in _AFFIXED and (word.startswith(name) or word.endswith(name))
                ):
                    return kind
    raw = " ".join([attr(el, "id") or "", *class_names(el)])
    if not raw.isascii():
        for kind, words in _CJK_NAMES.items():
            if any(word in raw for word in words):
                return kind
    return None


def _advertised_feeds(soup: BeautifulSoup, base: str) -> tuple[str, ...]:
    found: list[str] = []
    for link in soup.find_all("link", href=True):
        rel: object = link.get("rel") or []
        rels = [r.lower() for r in (rel if isinstance(rel, list) else str(rel).split())]
        kind = (attr(link, "type") or "").lower()
        url = absolute(attr(link, "href"), base)
        if "alternate" in rels and kind in _FEED_TYPES and url and url not in found:
            found.append(url)
    return tuple(found)


def _item_list_urls(soup: BeautifulSoup, base: str) -> Iterator[str]:
    """URLs listed by JSON-LD ItemLists (``itemListElement`` of URLs, ListItems or things)."""
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            stack: list[object] = [json.loads(script.string or "")]
        except (ValueError, TypeError):
            continue  # broken JSON-LD is common; the DOM still speaks
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                if node.get("@type") == "ItemList":
                    yield from _list_element_urls(node.get("itemListElement"), base)
                stack.extend(v for v in node.values() if isinstance(v, dict | list))


def _list_element_urls(elements: object, base: str) -> Iterator[str]:
    for element in elements if isinstance(elements, list) else []:
        value = element
        if isinstance(element, dict):
            value = element.get("url") or element.get("@id") or element.get("item")
            if isinstance(value, dict):
                value = value.get("url") or value.get("@id")
        url = absolute(value, base) if isinstance(value, str) else None
        if url:
            yield url
