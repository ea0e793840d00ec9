"""Which block is the article list: evidence from what a block's items are, and where it sits.

What its items are (inside the block only): headline-long link texts, links that look like one
article each (``article_like``), dates, intros beside the links, headlines in headings, links on
the site, distinct targets; ``<article>`` cards, microdata, a JSON-LD ItemList; a pager right
under the block. Items numbered 1, 2, 3… are a ranking.

Where it sits (its ancestors, never its items, never the text around it): header, nav, footer
and aside regions (tag, ARIA role, or the words of ids and classes), and links that repeat the
page's menu. A word in a heading above the block is never evidence: a portal's top bar reading
"热搜" says nothing about the list under it.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from urllib.parse import urlsplit

from bs4 import Tag

from feeds.extract.detect_groups import HEADLINE_UNITS, MIN_ITEMS, Group
from feeds.extract.detect_page import (
    DetectPage,
    article_like,
    collection,
    region_of,
    units,
)
from feeds.extract.html import attr, inside, text_of
from feeds.extract.names import class_names, site_of
from feeds.lazyre import lazy

__all__ = [
    "DISQUALIFYING",
    "block_size",
    "describe",
    "label",
    "mark_pagers",
    "same_list",
    "score",
]

_SHORT_UNITS = 3.0  # a median below this is a menu, unless the items carry dates or intros
_SHORT_TITLE = 2.0  # two words, four CJK characters: a title when its link names an article
_FULL = 11**1.5 - 1  # rows (35.5) beyond which a block counts no more: size 1.5
_NUMBER = lazy(r"\d{3,}")  # an article's id or a date, not a category's ``catid=9``
_ITEM_TYPES = lazy(r"schema\.org/(?:ListItem|\w*Article|BlogPosting|CreativeWork)", re.I)
_PENALTY = {
    "navigation": 0.25,
    "footer": 0.25,
    "tags": 0.4,
    "sidebar": 0.5,
    "ranking": 0.5,
    "related": 0.5,
}
# Reasons that rule a block out whatever its score: menus, footers and sidebars are never the
# article list (a ranking or related list may be: some pages are rankings).
DISQUALIFYING = ("navigation:", "footer:", "sidebar:", "boxes:", "few headline", "links don't")
_PAGER_REACH = 3  # a pager this many levels above the block's items is the block's own


def mark_pagers(groups: list[Group], page: DetectPage, pagers: list[int]) -> None:
    """Give each pager to the block right above it: the one ending last before the pager,
    whose surroundings (up to three levels above its items) hold the pager too."""
    for position in pagers:
        owner: Group | None = None
        for group in groups:
            if group.end < position and (owner is None or group.end > owner.end):
                owner = group
        scope = _near(owner, position, page) if owner is not None else None
        if owner is not None and scope is not None:
            # The same list read another way (its posts' headlines, or the posts themselves
            # when the first is wrapped apart) is paged by the same pager: a block listing
            # most of the owner's links, all inside the box that holds the pager. Not a block
            # that merely spans it, nor one that adds links from elsewhere on the page.
            owned = {item.url for item in owner.items}
            start, end = page.order[id(scope)], page.end(scope)
            for group in groups:
                if (
                    start < group.position
                    and group.end <= end
                    and same_list(owned, {item.url for item in group.items})
                ):
                    group.shares["pager"] = 1.0


def same_list(owned: set[str], other: set[str]) -> bool:
    """Does a block list the same articles as the pager's owner: most of the owner's links,
    and mostly those?"""
    shared = len(owned & other)
    return shared * 2 > len(owned) and shared * 2 > len(other)


def _near(group: Group, position: int, page: DetectPage) -> Tag | None:
    """The element around the block's items (up to three levels up) that holds the pager."""
    scope = common_ancestor(group)
    for _ in range(_PAGER_REACH):
        if scope is None or scope.name in ("body", "html"):
            return None
        if page.order[id(scope)] < position <= page.end(scope):
            return scope
        scope = scope.parent if isinstance(scope.parent, Tag) else None
    return None


def score(group: Group, page: DetectPage) -> Group:
    items = group.items
    n = len(items)
    urls = [item.url for item in items]
    median = statistics.median(item.units for item in items)
    where: list[str] = []
    chrome = _chrome_penalty(group, page, where)
    headline = sum(item.units >= HEADLINE_UNITS for item in items) / n
    # Short titles count outside menus, footers and sidebars: there they stay entries.
    boxed = any(r.startswith(("navigation:", "footer:", "sidebar:")) for r in where)
    short = headline < 1.0 and not boxed and _short_titled(group, urls)
    shares = {
        "headline": sum(item.units >= _SHORT_TITLE for item in items) / n if short else headline,
        "article": 1.0 if collection(urls) else sum(article_like(url) for url in urls) / n,
        "dated": sum(item.dated for item in items) / n,
        "intro": sum(item.rich for item in items) / n,
        "heading": sum(item.heading for item in items) / n,
        "same-site": sum(site_of(url) == page.site for url in urls) / n,
        "distinct": len(set(urls)) / n,
    }
    quality = (
        0.20 * shares["headline"]
        + 0.20 * shares["article"]
        + 0.15 * shares["dated"]
        + 0.15 * shares["intro"]
        + 0.05 * shares["heading"]
        + 0.10 * shares["same-site"]
        + 0.10 * shares["distinct"]
        + 0.05 * min(1.0, median / 10)
    )
    reasons = [f"{n} items"] + [f"{name} {value:.0%}" for name, value in shares.items()]
    bonus = _structure_bonus(group, page, urls, reasons)
    reasons.extend(where)
    penalty = chrome
    if short and shares["headline"] > headline:
        reasons.append("short titles of articles of one kind")
    penalty *= _what_penalty(group, page, shares, median if not short else _SHORT_UNITS, reasons)
    size = block_size(n, bool(group.shares.get("pager")), shares["intro"])
    # Rounded so that float noise can never reorder equal blocks between two runs.
    group.score = round((quality + bonus) * size * penalty, 4)
    group.reasons = reasons
    group.shares = {**group.shares, **shares}
    return group


def _short_titled(group: Group, urls: list[str]) -> bool:
    """Are the links, short as their texts are (an announcement list's "年度预算公开", a
    club's "Winter opening hours"), each to one article of the same kind: of one URL shape,
    each named by a number of three digits or more, or slugs of one folder? Then their texts
    are titles, not a menu's entries, whose links lead to sections (``?catid=9``, ``/news/``)."""
    if len(urls) < MIN_ITEMS or statistics.median(i.units for i in group.items) < _SHORT_TITLE:
        return False
    if collection(urls):
        return True
    parts = [urlsplit(u) for u in urls]
    shapes = Counter(_NUMBER.sub("#", p.path) for p in parts)
    numbered = sum(bool(_NUMBER.search(f"{p.path}?{p.query}")) for p in parts)
    return shapes.most_common(1)[0][1] * 5 >= len(urls) * 4 and numbered * 5 >= len(urls) * 4


def block_size(n: int, paged: bool, intros: float = 0.0) -> float:
    """More items count, with diminishing returns: 10 items is full size, 35 and more 1.5.
    A block with a pager under it is one page of a longer list, and how many items the site
    shows to a page is its setting: it counts four items more than it shows (a dated sidebar
    box of ten must not beat the six articles a column shows per page), and more still count.
    An item with an intro beside its headline (a teaser) takes the room of two rows: a column
    shows six teasers where it would show twelve headlines, and a box beside it shows ten
    (``intros``: the share of items that have one; when half of them do, it is a column of
    teasers, whose every item counts double: a first post without an intro is still one of
    them). So does the limit: 35 teasers, as 70 rows, and more count alike."""
    rows = 1 + min(1.0, 2 * intros)  # rows to an item
    count = n * rows + (4 if paged else 0)
    return min(math.log2(1 + _FULL * rows), math.log2(1 + count)) / math.log2(11)


def _structure_bonus(group: Group, page: DetectPage, urls: list[str], reasons: list[str]) -> float:
    bonus = 0.0
    first = group.items[0].node
    if first.name == "article" or (group.by_heading and first.find_parent("article")):
        bonus += 0.1
        reasons.append("<article> cards")
    elif _ITEM_TYPES.search(attr(first, "itemtype") or ""):
        bonus += 0.1
        reasons.append("microdata items")
    if page.ld_urls and sum(url in page.ld_urls for url in urls) * 2 >= len(urls):
        bonus += 0.2
        reasons.append("listed by JSON-LD ItemList")
    if group.shares.get("pager"):
        bonus += 0.15
        reasons.append("a pager under it")
    return bonus


def _what_penalty(
    group: Group, page: DetectPage, shares: dict[str, float], median: float, reasons: list[str]
) -> float:
    """What the items are: menus (short texts, links that repeat the menu, no article
    evidence at all) and rankings (items numbered 1, 2, 3…)."""
    penalty = 1.0
    if group.parts > 1:
        penalty *= 0.5
        reasons.append(f"boxes: {group.parts} blocks, each under its own heading")
    content = max(shares["dated"], shares["intro"])
    if median < _SHORT_UNITS and content < 0.5:
        penalty *= 0.7
        reasons.append("navigation: short link texts")
    if _repeats_menu(group, page):
        penalty *= 0.3
        reasons.append("navigation: links repeat the menu")
    if _row_cells(group):
        penalty *= 0.5
        reasons.append("columns: cells of the same table rows (the rows are the items)")
    if _numbered(group) and shares["dated"] < 0.5:
        # A dated list numbered 1, 2, 3… is a table with a 序号 column (an announcement
        # list); rankings of the most read carry no dates.
        penalty *= 0.5
        reasons.append("ranking: items numbered 1, 2, 3…")
    if shares["headline"] < 0.5 and content < 0.5:
        reasons.append(f"few headline-length link texts ({shares['headline']:.0%})")
    if max(shares["article"], content, shares["heading"]) < 0.5:
        reasons.append("links don't look like articles and carry no dates or intros")
    return penalty


def _chrome_penalty(group: Group, page: DetectPage, reasons: list[str]) -> float:
    """Multiply the penalties of every kind of chrome the block sits in."""
    kinds: dict[str, str] = {}  # kind -> where it was seen
    el: Tag | None = group.items[0].node
    while el is not None and el.name not in ("body", "html", "[document]"):
        kind = region_of(el)
        if kind and kind not in kinds and not page.wrapper(el):
            kinds[kind] = describe(el)
        el = el.parent if isinstance(el.parent, Tag) else None
    heading = label(group)
    penalty = 1.0
    for kind, where in kinds.items():
        penalty *= _PENALTY[kind]
        reasons.append(f"{kind}: {heading or where}")
    return penalty


def describe(el: Tag) -> str:
    ident = attr(el, "id")
    if el.name in ("nav", "header", "footer", "aside") and not ident:
        return f"<{el.name}>"
    return f"{el.name}#{ident}" if ident else ".".join([el.name or "", *class_names(el)])


def label(group: Group) -> str | None:
    """The block's heading, to name it in reasons: the short text just before the list or one
    of its parents. Shown, never scored (see the module docstring)."""
    parent = group.items[0].node.parent
    scope = parent if isinstance(parent, Tag) else None
    for _ in range(3):
        if scope is None:
            break
        for sibling in list(scope.find_previous_siblings(True, limit=2)):
            heading = sibling.find(["h1", "h2", "h3", "h4", "h5", "h6", "strong", "b"])
            text = text_of(heading if isinstance(heading, Tag) else sibling)
            if text and units(text) <= 8:
                return text
        scope = scope.parent if isinstance(scope.parent, Tag) else None
    return None


def _repeats_menu(group: Group, page: DetectPage) -> bool:
    """Are most of the block's links also in a menu elsewhere on the page (not one around
    the block, nor one inside its items)?"""
    first = group.items[0].node
    around = {id(p) for p in first.parents}
    spans = [(page.order[id(i.node)], page.end(i.node)) for i in group.items]
    own: Counter[str] = Counter()
    for region, urls in page.menus:
        start = page.order[id(region)]
        if id(region) in around or any(a <= start <= b for a, b in spans):
            own.update(urls)
    return sum(page.in_menus[i.url] > own[i.url] for i in group.items) * 2 > len(group.items)


def row_cells(cells: list[tuple[int, float]]) -> bool:
    """Given (row, link units) of a block's table cells: are they several columns of the same
    rows, a thread's title beside its poster's name and the reply count? Then the row is the
    item. A grid of stories, several headlines to a row, is not: there every cell holds one."""
    rows: dict[int, list[float]] = {}
    for row, size in cells:
        rows.setdefault(row, []).append(size)
    shared = [sorted(sizes, reverse=True) for sizes in rows.values() if len(sizes) > 1]
    if len(shared) * 2 <= len(rows):
        return False
    others = [size for sizes in shared for size in sizes[1:]]
    return sum(size < HEADLINE_UNITS for size in others) * 2 > len(others)


def _row_cells(group: Group) -> bool:
    cells = [item for item in group.items if item.node.name in ("td", "th")]
    if len(cells) < len(group.items):
        return False
    return row_cells([(id(item.node.parent), item.units) for item in cells])


def _numbered(group: Group) -> bool:
    """Do most items start with their rank (1, 2, 3… in order)? Then the block is a ranking."""
    hits = 0
    for index, item in enumerate(group.items):
        first = next((s.strip() for s in item.node.find_all(string=True) if s.strip()), "")
        hits += first == str(index + 1)
    return hits * 10 >= len(group.items) * 7


def common_ancestor(group: Group) -> Tag | None:
    """The lowest element holding every item of the group."""
    first = group.items[0].node
    for parent in first.parents:
        if all(inside(i.node, parent) for i in group.items[1:]):
            return parent
    return None
