"""Listing detection: find the block of article links on a listing page that has no selectors.

A listing page is mostly chrome (menus, sidebars, rankings, footers) around one repeated block of
article links. Detection, precision first:

1. Parse once; find *groups*: sibling elements of one tag and class signature (``ul > li``,
   ``div.list > div.card``), merged across parents when the elements and their three nearest
   ancestors look alike (a list split into several ``<ul>`` or tables is one list). Each element
   of a group is an *item* when it holds a link; its *main link* is its headline (headline-long,
   in a heading, on the site, longest). A few short non-article members ("more…") are left out.
2. Score each group on what article lists have and chrome lacks: link texts of headline length,
   article-looking paths, dates beside the links, same-site links, distinct targets, structured
   data; and penalise what marks chrome: header/nav/footer/aside ancestors, class names and block
   headings such as ``menu``, ``side``, ``rank``, ``相关``, ``点击排行``; links repeating the menu.
3. For the best groups, derive CSS selectors from class names and tag paths, run them through
   :func:`feeds.extract.listing.extract_listing` and keep a candidate only when that reproduces
   the group exactly: what is detected is what a poll with those selectors will read.
4. Choose the best candidate only when it is convincing; otherwise say why and ask for selectors.
5. Find the link to the next listing page, on the listing's site only, and a selector that
   reads it back, for ``[source.listing] next`` (:mod:`feeds.extract.pagination`).

The words, classes and simple selectors of elements, and a URL's site, are read by
:mod:`feeds.extract.names`, which both share.

Everything is a pure function of the page text and URL, so two polls of the same page give the
same result; ties are broken by position in the page.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urldefrag, urlsplit

import soupsieve
from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString, PreformattedString
from soupsieve import SoupSieve

from feeds.extract.dates import parse_date
from feeds.extract.html import (
    DEPTH_NOTE,
    absolute,
    attr,
    base_url,
    parse,
    select_one,
    text_of,
)
from feeds.extract.listing import DEFAULT_LINK, extract_listing
from feeds.extract.names import (
    STATE_CLASSES,
    ancestor_at,
    class_names,
    is_utility,
    name_words,
    nth_ancestors,
    selector_forms,
    site_of,
)
from feeds.extract.page import canonical_href, metas
from feeds.extract.pagination import next_page
from feeds.extract.selectors import compiled
from feeds.models import ListingEntry, ListingRules

__all__ = ["Candidate", "Detection", "ListingSelectors", "declared_address", "detect_listing"]


@dataclass(frozen=True)
class ListingSelectors:
    """CSS selectors in the form of ``[source.listing]``: ``item`` on the page, the others
    relative to one item; None means extract_listing's default (first link, its title or text)."""

    item: str
    link: str | None = None
    title: str | None = None
    date: str | None = None

    def rules(self) -> ListingRules:
        return ListingRules(item=self.item, link=self.link, title=self.title, date=self.date)


@dataclass(frozen=True)
class Candidate:
    selectors: ListingSelectors
    entries: tuple[ListingEntry, ...]  # what extract_listing reads with the selectors, page order
    score: float
    reasons: tuple[str, ...]  # why it scored as it did, or why it lost


@dataclass(frozen=True)
class Detection:
    chosen: Candidate | None  # None when nothing is convincing: detection never guesses
    candidates: tuple[Candidate, ...]  # the others, best first
    feeds: tuple[str, ...]  # feeds the page advertises (<link rel=alternate type=…>)
    problem: str | None  # when chosen is None: why, and what to do
    next_url: str | None = None  # the next listing page, on the listing's own site
    next: str | None = None  # a selector that reads next_url back (``[source.listing] next``)


# --------------------------------------------------------------------------- tuning

_MIN_ITEMS = 3
_HEADLINE_UNITS = 4.0  # 8 CJK characters or 4 words: shorter link texts are menu entries
_SHORT_UNITS = 3.0  # a median below this is a menu, whatever else the block has
_CHOSEN_SCORE = 0.45
_DERIVED = 8  # best groups for which selectors are derived and verified
_KEPT = 5  # runner-ups reported
_DATE_TEXT_MAX = 40  # longer texts are sentences that happen to hold a date
# Reasons that rule a block out whatever its score: menus, footers and sidebars are never the
# article list (a ranking or related list may be: some pages are rankings).
_DISQUALIFYING = ("navigation:", "footer:", "sidebar:", "few headline", "links don't")

# Chrome found in class names and ids (split into words) and what finding it costs. Words in
# _AFFIXED also match as the start or end of a word (``leftsidebar``, ``topnav``, ``ranklist``).
_REGION_WORDS = {
    "navigation": (
        *("nav", "navbar", "navigation", "menu", "header", "topbar", "toolbar", "crumb"),
        *("breadcrumb", "crumbs", "share", "login", "pagination", "pager"),
    ),
    "footer": ("footer", "foot", "copyright", "friend", "friendlink", "links", "sitemap"),
    "sidebar": ("sidebar", "side", "aside", "rail"),
    # Chinese portals name blocks in pinyin too: paihang 排行, remen 热门, xiangguan 相关…
    "ranking": (
        *("rank", "ranking", "hot", "hottest", "popular", "trending", "top10"),
        *("paihang", "remen", "redian"),
    ),
    "tags": ("tag", "tags", "tagcloud"),
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
_PENALTY = {
    "navigation": 0.25,
    "footer": 0.25,
    "tags": 0.4,
    "sidebar": 0.5,
    "ranking": 0.5,
    "related": 0.5,
}
# Block headings ("点击排行", "Related posts") that name chrome.
_LABEL_WORDS = {
    "ranking": (
        *("排行", "排名", "热门", "热点", "热搜", "最热", "热读", "热评", "点击榜"),
        *("popular", "trending", "most read", "most viewed"),
    ),
    "related": ("相关", "推荐", "猜你喜欢", "延伸阅读", "related", "recommended", "you may also"),
    "footer": ("友情链接", "合作伙伴", "links"),
    "tags": ("标签", "tags"),
}
_BAD_PATH = re.compile(
    r"/(?:tags?|category|categories|topics?|login|logon|signin|signup|register|about|contact"
    r"|search|help|privacy|terms|member|user|author|feed|rss|sitemap)(?:[/._?-]|$)",
    re.IGNORECASE,
)
_BAD_QUERY = re.compile(r"(?:^|&)(?:kw|q|keyword|page|tag|search)=", re.IGNORECASE)
_DIGITS = re.compile(r"\d{4,}|\d{4}[/-]\d{1,2}")
_FILE = re.compile(r"\.(?:s?html?|php|aspx?|jsp|pdf|docx?)$", re.IGNORECASE)
_ID_QUERY = re.compile(r"(?:^|&)(?:\w*id|p|aid|article)=\d+", re.IGNORECASE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_WORD = re.compile(r"[^\W_]+")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
_ITEM_TYPES = re.compile(r"schema\.org/(?:ListItem|\w*Article|BlogPosting|CreativeWork)", re.I)


# --------------------------------------------------------------------------- public API


def detect_listing(text: str, page_url: str) -> Detection:
    """Find the article list of a listing page; see the module docstring for how."""
    soup = parse(text)
    page = _Page.read(soup, page_url)
    groups = sorted(
        (_score(group, page) for group in _groups(page)),
        key=lambda g: (-g.score, g.position),
    )
    candidates: list[Candidate] = []
    chosen: Candidate | None = None
    problem: str | None = None
    decided = False
    list_start = 0  # where the chosen list begins: its pager comes after it
    for group in groups[:_DERIVED]:
        candidate = _candidate(group, page, text, page_url)
        if candidate is not None and all(c.selectors != candidate.selectors for c in candidates):
            candidates.append(candidate)
        if not decided and _convincing(group):
            # The best convincing block wins. When no selector reproduces it, rather no feed
            # than the next block down, which would be chrome or a part of the list.
            decided = True
            chosen = candidate
            problem = None if candidate else _unreproducible(group)
            list_start = group.position
    if not decided:
        problem = _unconvincing(candidates[0] if candidates else None)
    if problem and soup.flattened:
        problem = f"{DEPTH_NOTE}; {problem}"  # the likely reason nothing was found
    runner_ups = [c for c in candidates if chosen is None or c.selectors != chosen.selectors]
    listed = frozenset(e.url for e in chosen.entries) if chosen else frozenset()
    next_url, next_selector = next_page(page, list_start, listed)
    return Detection(
        chosen=chosen,
        candidates=tuple(runner_ups[:_KEPT]),
        feeds=page.feeds,
        problem=problem,
        next_url=next_url,
        next=next_selector,
    )


def declared_address(text: str) -> tuple[str, str] | None:
    """The address a saved page gives itself, and where it says so: its
    ``<link rel=canonical>``, its ``og:url``, else its ``<base href>``; absolute http(s) only.

    ``feeds discover FILE`` reads the page as fetched from there, so relative links resolve
    and "same-site" means the page's own site; None when the page names no address."""
    soup = parse(text)
    base = base_url(soup, "")  # "" unless the head has an absolute <base href>
    for where, href in (
        ("rel=canonical", canonical_href(soup)),
        ("og:url", metas(soup).get("og:url")),
        ("<base href>", base),
    ):
        url = absolute(href, base)
        if url:
            return url, where
    return None


# --------------------------------------------------------------------------- the page


@dataclass
class _Page:
    soup: BeautifulSoup
    url: str
    base: str
    site: str  # registrable domain of the page, "163.com"
    order: dict[int, int]  # id(element) -> position in the document
    feeds: tuple[str, ...]
    ld_urls: frozenset[str]  # URLs of JSON-LD ItemLists
    nav_regions: list[tuple[Tag, frozenset[str]]]  # menu/header/nav elements and their links
    links: dict[int, tuple[str | None, str, float]] = field(default_factory=dict)
    _holders: dict[str, list[Tag]] | None = None
    _counts: dict[int, int] | None = None

    @classmethod
    def read(cls, soup: BeautifulSoup, page_url: str) -> _Page:
        base = base_url(soup, page_url)
        page = cls(
            soup=soup,
            url=page_url,
            base=base,
            site=site_of(page_url),
            order={id(el): i for i, el in enumerate(soup.find_all(True))},
            feeds=_advertised_feeds(soup, base),
            ld_urls=frozenset(_item_list_urls(soup, base)),
            nav_regions=[],
        )
        page.nav_regions = [
            (el, frozenset(u for a in _anchors(el) if (u := page.link(a)[0])))
            for el in soup.find_all(True)
            if _is_nav_region(el)
        ]
        return page

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
            for a in _anchors(self.soup):
                if self.link(a)[0]:
                    for holder in (a, *a.parents):
                        self._counts[id(holder)] = self._counts.get(id(holder), 0) + 1
        return self._counts.get(id(el), 0)

    def link(self, a: Tag) -> tuple[str | None, str, float]:
        """(absolute URL or None, the title extract_listing would read, headline units)."""
        key = id(a)
        if key not in self.links:
            try:
                url = absolute(attr(a, "href"), self.base)
            except ValueError:  # urljoin rejects some hosts ("http://[x]/"): not a link
                url = None
            text = text_of(a) or ""
            title = attr(a, "title") or text
            units = max(_units(title), _units(text))
            if url and urldefrag(url).url == urldefrag(self.url).url:
                units = 0.0  # "#comments", "#top": a place on this page, never an article
            self.links[key] = (url, title, units)
        return self.links[key]


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


def _anchors(scope: Tag) -> list[Tag]:
    return [a for a in scope.find_all("a", href=True) if isinstance(a, Tag)]


# --------------------------------------------------------------------------- words and regions


def _units(text: str) -> float:
    """Headline length in any script: a CJK character is half a unit, a word one. Numbers
    don't count: "26. Mai 2008 um 21:07" is a timestamp, not a headline."""
    cjk = len(_CJK.findall(text))
    return cjk / 2 + sum(not w.isdigit() for w in _WORD.findall(_CJK.sub(" ", text)))


def _region_of(el: Tag) -> str | None:
    """The kind of chrome an element's tag, id or classes name, if any."""
    if el.name in _REGION_TAGS:
        return _REGION_TAGS[el.name]
    for word in name_words(el):
        for kind, names in _REGION_WORDS.items():
            for name in names:
                if word == name or (
                    name in _AFFIXED and (word.startswith(name) or word.endswith(name))
                ):
                    return kind
    # Ids and classes in Chinese (id="点击排行") name their block like a heading does.
    raw = " ".join([attr(el, "id") or "", *class_names(el)])
    return _label_kind(raw) if not raw.isascii() else None


def _is_nav_region(el: Tag) -> bool:
    # The <header> of an <article> card holds its title, not the site's menu.
    if el.name == "header" and el.find_parent("article") is not None:
        return False
    return _region_of(el) == "navigation"


def _label(container: Tag) -> str | None:
    """The heading of a block: the short text just before the list or one of its parents."""
    scope: Tag | None = container
    for _ in range(3):
        if scope is None:
            break
        for sibling in list(scope.find_previous_siblings(True, limit=2)):
            heading = sibling.find(["h1", "h2", "h3", "h4", "h5", "h6", "strong", "b"])
            text = text_of(heading if isinstance(heading, Tag) else sibling)
            if text and _units(text) <= 8:
                return text
        scope = scope.parent if isinstance(scope.parent, Tag) else None
    return None


def _label_kind(label: str | None) -> str | None:
    lowered = (label or "").lower()
    for kind, words in _LABEL_WORDS.items():
        if any(word in lowered for word in words):
            return kind
    return None


# --------------------------------------------------------------------------- groups


@dataclass(eq=False)  # identity: bs4 compares tags by markup, and two items can look alike
class _Item:
    node: Tag
    link: Tag  # the headline link (see _main_link)
    url: str
    title: str
    units: float
    date: Tag | None  # the smallest element inside whose text is a date
    dated: bool  # a date anywhere in the item's text


@dataclass(eq=False)
class _Group:
    items: list[_Item]  # the members holding a link, in page order (spacers hold none)
    bare: bool  # members are the links themselves: no selector can reproduce them
    position: int
    # A few members whose main link is a short non-article ("更多", a related-searches box):
    # left out of the items, and out of the selector when one can exclude them.
    outliers: list[_Item] = field(default_factory=list)
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)


def _signature(el: Tag) -> tuple[str, str]:
    """What makes siblings alike: the tag and the first class that doesn't mark state.

    Only the first class: items often carry extras (``news_first``, ``item featured``) that
    must not split them from their list; the trailing number of ``rank3`` is dropped too.
    """
    classes = [c for c in class_names(el) if c not in STATE_CLASSES]
    return el.name or "", classes[0].rstrip("0123456789-_") if classes else ""


def _path_signature(el: Tag) -> tuple[tuple[str, str], ...]:
    chain = [_signature(el)]
    parent = el.parent
    while isinstance(parent, Tag) and len(chain) < 4:
        chain.append(_signature(parent))
        parent = parent.parent
    return tuple(chain)


def _groups(page: _Page) -> list[_Group]:
    """Repeated siblings, merged across parents by the signature of their ancestry."""
    clusters: dict[tuple[tuple[str, str], ...], list[Tag]] = {}
    for parent in page.soup.find_all(True):
        siblings: dict[tuple[str, str], list[Tag]] = {}
        for child in parent.find_all(True, recursive=False):
            if child.name not in ("script", "style", "template", "noscript"):
                siblings.setdefault(_signature(child), []).append(child)
        for members in siblings.values():
            if len(members) >= 2:
                for member in members:
                    clusters.setdefault(_path_signature(member), []).append(member)
    groups = []
    for members in clusters.values():
        unique = sorted({id(m): m for m in members}.values(), key=lambda m: page.order[id(m)])
        group = _group(unique, page)
        if group is not None:
            groups.append(group)
    return groups


def _group(members: list[Tag], page: _Page) -> _Group | None:
    bare = members[0].name == "a"
    found: list[tuple[Tag, Tag, tuple[str | None, str, float]]] = []
    multi = 0
    for member in members:
        links = [member] if bare else _anchors(member)
        usable = [(a, page.link(a)) for a in links if page.link(a)[0]]
        if not usable:
            continue
        multi += len({info[0] for _, info in usable if info[2] >= _HEADLINE_UNITS}) > 1
        link, info = _main_link(usable, page)
        found.append((member, link, info))
    # Members holding several headlines are containers of a list, not items of one.
    if len(found) < _MIN_ITEMS or multi * 2 > len(found):
        return None
    items = []
    for member, link, (url, title, units) in found:
        assert url is not None
        date = None if bare else _date_element(member, link)
        dated = date is not None or _has_date(member, link)
        items.append(
            _Item(member, link, url, title, units, date if date is not member else None, dated)
        )
    outliers = [i for i in items if i.units < _SHORT_UNITS and not _article_like(i.url)]
    if not outliers or len(outliers) * 5 > len(items) or len(items) - len(outliers) < _MIN_ITEMS:
        outliers = []
    return _Group(
        items=[i for i in items if i not in outliers],
        bare=bare,
        position=page.order[id(members[0])],
        outliers=outliers,
    )


def _main_link(
    usable: list[tuple[Tag, tuple[str | None, str, float]]], page: _Page
) -> tuple[Tag, tuple[str | None, str, float]]:
    """The item's headline link: headline-long, in a heading, on the site, longest; first of
    equals. A long external link inside an excerpt must not beat the title above it."""

    def key(pair: tuple[Tag, tuple[str | None, str, float]]) -> tuple[bool, bool, bool, float]:
        a, (url, _, units) = pair
        heading = any(p.name in _HEADINGS for p in a.parents)
        return units >= _HEADLINE_UNITS, heading, site_of(url or "") == page.site, units

    return max(usable, key=key)  # max() keeps the first of equals


def _parse(text: str) -> bool:
    # Only whether a date is there matters, so the clock never changes the result.
    return parse_date(text, now=datetime.now(UTC), tz=UTC) is not None


def _inside(node: Tag | NavigableString, ancestor: Tag) -> bool:
    # Identity, not ==: bs4 compares tags by their markup, and two items can be alike.
    return any(parent is ancestor for parent in node.parents)


def _date_element(member: Tag, link: Tag) -> Tag | None:
    """The element around the item's first short text that reads as a date (outside the
    headline: a year in a title is not a date)."""
    for string in member.find_all(string=True):
        text = string.strip()
        if (
            not isinstance(string, PreformattedString)  # comments, CDATA
            and text
            and len(text) <= _DATE_TEXT_MAX
            and isinstance(string.parent, Tag)
            and string.parent.name not in ("script", "style")
            and not _inside(string, link)
            and _parse(text)
        ):
            return string.parent
    return None


def _has_date(member: Tag, link: Tag) -> bool:
    """A date in the item's own text, e.g. 'Title (2024-12-06)' with no element around it."""
    rest = (text_of(member) or "").replace(text_of(link) or "", " ")
    return len(rest) <= 3 * _DATE_TEXT_MAX and _parse(rest)


# --------------------------------------------------------------------------- scoring


def _score(group: _Group, page: _Page) -> _Group:
    items = group.items
    n = len(items)
    urls = [item.url for item in items]
    median = statistics.median(item.units for item in items)
    share = {
        "headline": sum(item.units >= _HEADLINE_UNITS for item in items) / n,
        "article": sum(_article_like(url) for url in urls) / n,
        "dated": sum(item.dated for item in items) / n,
        "same-site": sum(site_of(url) == page.site for url in urls) / n,
        "distinct": len(set(urls)) / n,
    }
    quality = (
        0.30 * share["headline"]
        + 0.25 * share["article"]
        + 0.15 * share["dated"]
        + 0.10 * share["same-site"]
        + 0.10 * share["distinct"]
        + 0.10 * min(1.0, median / 10)
    )
    reasons = [f"{n} items"] + [f"{name} {value:.0%}" for name, value in share.items()]
    bonus = _structure_bonus(group, page, urls, reasons)
    penalty = _chrome_penalty(group, page, median, reasons)
    if share["headline"] < 0.5:
        reasons.append(f"few headline-length link texts ({share['headline']:.0%})")
    if share["article"] < 0.5 and share["dated"] < 0.5:
        reasons.append("links don't look like articles and carry no dates")
    # More items count, with diminishing returns: 10 items is full size, 30 and more 1.5.
    size = min(1.5, math.log2(1 + n) / math.log2(11))
    # Rounded so that float noise can never reorder equal blocks between two runs.
    group.score = round((quality + bonus) * size * penalty, 4)
    group.reasons = reasons
    return group


def _article_like(url: str) -> bool:
    """Does the URL point at one article (digits, dates, a file, a long slug), not a section?"""
    parts = urlsplit(url)
    path = parts.path
    tail = "/" + "/".join(path.rstrip("/").rsplit("/", 2)[-2:])  # /upload/user/1.pdf is fine
    if _BAD_PATH.search(tail) or _BAD_QUERY.search(parts.query) or path.strip("/") == "":
        return False
    last = path.rstrip("/").rsplit("/", 1)[-1]
    stem = _FILE.sub("", last)
    if _DIGITS.search(path) or _ID_QUERY.search(parts.query):
        return True
    if _FILE.search(last) and any(c.isdigit() for c in last):
        return True
    return len(re.split(r"[-_]", stem)) >= 3 or len(stem) >= 20


def _structure_bonus(group: _Group, page: _Page, urls: list[str], reasons: list[str]) -> float:
    bonus = 0.0
    first = group.items[0].node
    if first.name == "article":
        bonus += 0.1
        reasons.append("<article> cards")
    elif _ITEM_TYPES.search(attr(first, "itemtype") or ""):
        bonus += 0.1
        reasons.append("microdata items")
    if page.ld_urls and sum(url in page.ld_urls for url in urls) * 2 >= len(urls):
        bonus += 0.2
        reasons.append("listed by JSON-LD ItemList")
    return bonus


def _chrome_penalty(group: _Group, page: _Page, median: float, reasons: list[str]) -> float:
    """Multiply the penalties of every kind of chrome the block sits in or is headed as."""
    first = group.items[0].node
    kinds: dict[str, str] = {}  # kind -> where it was seen
    el: Tag | None = first
    while el is not None and el.name not in ("body", "html"):
        kind = _region_of(el)
        # An element holding most of the page's links is a layout wrapper ("has-sidebar",
        # "page-with-nav"), not the chrome its name mentions.
        wrapper = page.link_count(el) * 2 > page.link_count(page.soup)
        if kind and kind not in kinds and not wrapper:
            kinds[kind] = f"<{el.name}>" if el.name in _REGION_TAGS else _describe(el)
        el = el.parent if isinstance(el.parent, Tag) else None
    label = _label(first.parent) if isinstance(first.parent, Tag) else None
    label_kind = _label_kind(label)
    if label_kind:
        kinds.setdefault(label_kind, "")
    penalty = 1.0
    for kind, where in kinds.items():
        penalty *= _PENALTY[kind]
        reasons.append(f"{kind}: {label if label_kind else where}")
    if median < _SHORT_UNITS:
        reasons.append("navigation: short link texts")
    if _repeats_menu(group, page):
        penalty *= 0.3
        reasons.append("navigation: links repeat the menu")
    return penalty


def _describe(el: Tag) -> str:
    ident = attr(el, "id")
    return f"{el.name}#{ident}" if ident else ".".join([el.name or "", *class_names(el)])


def _repeats_menu(group: _Group, page: _Page) -> bool:
    """Are most of the block's links also in a menu elsewhere on the page?"""
    first = group.items[0].node
    items = {id(i.node) for i in group.items}
    menu: set[str] = set()
    for region, urls in page.nav_regions:
        if _inside(first, region) or any(id(p) in items for p in (region, *region.parents)):
            continue  # the block's own surroundings, or a part of its items
        menu |= urls
    return sum(item.url in menu for item in group.items) * 2 > len(group.items)


def _convincing(group: _Group) -> bool:
    """Good enough to publish: a high score and nothing that marks menus or non-articles."""
    return group.score >= _CHOSEN_SCORE and not any(
        reason.startswith(_DISQUALIFYING) for reason in group.reasons
    )


_FIX = "add [source.listing] selectors (item, link, date) to the source"


def _unreproducible(group: _Group) -> str:
    """Why the best block can't be used, when no selector reads it."""
    if group.bare:
        return (
            f"the article links ({len(group.items)}) are not wrapped one per element, so no "
            f"item selector can read them; {_FIX}"
        )
    return (
        f"the best block of links ({len(group.items)}, e.g. {group.items[0].url}) cannot be "
        f"read back by any CSS selector derived from the page; {_FIX}"
    )


def _unconvincing(candidate: Candidate | None) -> str:
    """Why nothing was chosen, from the best block that was reproducible."""
    if candidate is None:
        return f"no repeated block of links found on this page; {_FIX}"
    why = "; ".join(r for r in candidate.reasons if ":" in r or r.startswith(("few", "links")))
    return (
        f"no convincing article list: the best block ({candidate.selectors.item}, "
        f"{len(candidate.entries)} links) scores {candidate.score:.2f}"
        + (f" ({why})" if why else "")
        + f"; {_FIX}"
    )


# --------------------------------------------------------------------------- selectors


def _candidate(group: _Group, page: _Page, text: str, page_url: str) -> Candidate | None:
    """Selectors that reproduce the group, verified through extract_listing; None if none do."""
    item = None if group.bare else _item_selector(group, page)
    if item is None and group.outliers and not group.bare:
        # No selector leaves the outliers out: take them in, and say so.
        group.items = sorted(group.items + group.outliers, key=lambda i: page.order[id(i.node)])
        group.reasons.append(f"{len(group.outliers)} non-article links included")
        group.outliers = []
        item = _item_selector(group, page)
    if item is None:
        return None
    nodes = [i.node for i in group.items]
    links = [i.link for i in group.items]
    default_link = _finds(nodes, links, DEFAULT_LINK)  # extract_listing's first a[href]
    link = None if default_link else _relative_selector(nodes, links)
    if link is None and not default_link:
        return None
    dated = [i for i in group.items if i.date is not None]
    date = None
    if len(dated) * 5 >= len(group.items) * 3:  # a date on at least 3 items in 5
        date = _relative_selector([i.node for i in dated], [i.date for i in dated if i.date])
    selectors = ListingSelectors(item=item, link=link, date=date)
    try:
        listing = extract_listing(text, page_url, selectors.rules())
    except ValueError:  # urljoin rejects some hrefs ("http://[x]/") that the block holds
        return None
    found = [(e.url, e.title or "") for e in listing.entries]
    if found != [(i.url, i.title) for i in group.items]:
        return None  # the selectors read something else: never publish that
    return Candidate(selectors, listing.entries, group.score, tuple(group.reasons))


def _item_selector(group: _Group, page: _Page) -> str | None:
    """The simplest selector matching every item and nothing else that holds a link."""
    nodes = [i.node for i in group.items]
    wanted = {id(n) for n in nodes}
    unwanted = {id(i.node) for i in group.outliers}
    others = [el for el in page.holders(nodes[0].name or "") if id(el) not in wanted]
    for selector in _item_options(nodes):
        matcher = compiled(selector)
        if not all(matcher.match(n) for n in nodes):
            continue
        extra = _outliers_matched(matcher, others, unwanted)
        if extra == []:
            return selector
        if extra:
            refined = _excluding(selector, group.items, extra)
            if refined:
                return refined
    return None


def _outliers_matched(
    matcher: SoupSieve, others: list[Tag], unwanted: set[int]
) -> list[Tag] | None:
    """The outliers among other link holders that a selector matches; None as soon as it
    matches one that isn't an outlier: that element would add an entry. (Elements without a
    link, spacers and header rows, add none: they may match.)"""
    extra = []
    for el in others:
        if matcher.match(el):
            if id(el) not in unwanted:
                return None
            extra.append(el)
    return extra


def _excluding(selector: str, items: list[_Item], extra: list[Tag]) -> str | None:
    """``selector`` narrowed to leave out ``extra``: by a class only they have, or by an
    element that every item holds and they lack (``div.card:has(div.ContentItem)``)."""
    options = [
        f"{selector}:not(.{soupsieve.escape(c)})"
        for c in class_names(extra[0])
        if all(c in class_names(el) for el in extra)
        and not any(c in class_names(i.node) for i in items)
    ]
    markers = dict.fromkeys(
        form for el in items[0].node.find_all(True, limit=40) for form in selector_forms([el])[:-1]
    )
    options.extend(f"{selector}:has({marker})" for marker in markers)
    for option in options:
        matcher = compiled(option)
        if all(matcher.match(i.node) for i in items) and not any(matcher.match(e) for e in extra):
            return option
    return None


def _item_options(nodes: Sequence[Tag]) -> Iterator[str]:
    """Item selectors, most readable and stable first: the item's own class, one named
    ancestor (div.catlist li), layout classes, bare tag paths, then two ancestors."""
    forms = selector_forms(nodes)
    if not forms:
        return  # elements of different tags: no simple selector names them all
    *specific, tag = forms
    named = [c for c in specific if not is_utility(c)]
    own = [tag, *named]
    ancestors = [selector_forms(nth_ancestors(nodes, depth)) for depth in range(1, 7)]
    yield from named
    for forms in ancestors:
        for qualifier in (f for f in forms[:-1] if not is_utility(f)):  # no bare tags yet
            for mine in own:
                yield f"{qualifier} {mine}"
                yield f"{qualifier} > {mine}"
    yield from (c for c in specific if is_utility(c))
    for forms in ancestors:
        for qualifier in forms:
            yield f"{qualifier} {tag}"
            yield f"{qualifier} > {tag}"
    for far in range(1, len(ancestors)):
        for near in range(far):
            for outer in ancestors[far][:2]:
                for inner in ancestors[near][:2]:
                    yield f"{outer} {inner} {tag}"
                    yield f"{outer} {inner} > {tag}"


def _relative_selector(scopes: Sequence[Tag], targets: Sequence[Tag]) -> str | None:
    """A selector that, from each scope, finds its target first (as select_one does)."""
    return next((s for s in _relative_options(scopes, targets) if _finds(scopes, targets, s)), None)


def _finds(scopes: Sequence[Tag], targets: Sequence[Tag], selector: str) -> bool:
    return all(select_one(s, selector) is t for s, t in zip(scopes, targets, strict=True))


def _relative_options(scopes: Sequence[Tag], targets: Sequence[Tag]) -> Iterator[str]:
    forms = selector_forms(targets)
    if not forms:
        # Targets of different tags (Discuz: <span title=…>2 天前</span> for recent threads,
        # a bare <em>2024-11-20</em> for older ones): no selector reads them all (issue 15).
        return
    *specific, tag = forms
    own = [tag, *specific]
    yield from specific
    yield tag
    between = [_inner_ancestors(scopes, targets, depth) for depth in range(1, 4)]
    for forms in between:
        for qualifier in forms:
            for mine in own:
                yield f"{qualifier} {mine}"
                yield f"{qualifier} > {mine}"
    # Last resorts: what the earlier siblings have and the target lacks, then position.
    before = [_earlier_classes(t) for t in targets]
    for cls in sorted(set.intersection(*before)) if before else []:
        if not any(cls in class_names(t) for t in targets):
            yield f"{tag}:not(.{soupsieve.escape(cls)})"
    if all(attr(t, "title") for t in targets):
        yield f"{tag}[title]"
    yield f"{tag}:last-of-type"


def _inner_ancestors(scopes: Sequence[Tag], targets: Sequence[Tag], depth: int) -> list[str]:
    """Forms of the targets' ancestors at ``depth``, when those are still inside the scopes."""
    found = []
    for scope, target in zip(scopes, targets, strict=True):
        el = ancestor_at(target, depth)
        if el is None or el is scope or not _inside(el, scope):
            return []
        found.append(el)
    return selector_forms(found)


def _earlier_classes(target: Tag) -> set[str]:
    """Classes shared by every element of the same tag before the target in its parent."""
    earlier = [s for s in target.find_previous_siblings(target.name) if isinstance(s, Tag)]
    if not earlier:
        return set()
    return set.intersection(*(set(class_names(s)) for s in earlier))
