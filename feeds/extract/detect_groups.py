"""Repeated blocks of links on a listing page: the candidates for its article list.

Two ways of finding them, because lists are built in two ways:

- *sibling groups*: elements of one tag and class signature side by side (``ul > li``,
  ``div.list > div.card``), merged across parents when their three nearest ancestors look alike
  (a list split into several ``<ul>`` is one list), and across sections of one column whose
  wrappers are styled in alternate stripes, and with the items a page wraps in small groups
  among the others (:mod:`feeds.extract.detect_wrapped`), unless a heading stands between the
  parts (six sidebar boxes, each under its own heading, are six blocks, not one);
- *heading groups*: the headings (``h1``–``h6``) that hold a link, alike in tag and class. A
  blog's posts may differ in their wrappers (a first post classed apart) or hold whole articles
  full of links; their headlines still read as one list (``div.post h2 a``).

Each member holding a link is an *item*; its *main link* is its headline (headline-long, in a
heading, on the site, longest). A few short non-article members ("more…") are set apart.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice, pairwise
from urllib.parse import urldefrag, urlsplit

from bs4 import Tag

from feeds.extract.detect_dates import (
    date_element,
    has_date,
    is_date,
    is_period,
    leading_date,
    section_dated,
)
from feeds.extract.detect_page import (
    HEADINGS,
    HEADLINE_UNITS,
    DetectPage,
    Link,
    anchors,
    article_like,
    region_of,
    units,
)
from feeds.extract.detect_titles import label_headlines
from feeds.extract.detect_wrapped import merge_wrapped
from feeds.extract.html import text_of
from feeds.extract.names import STATE_CLASSES, class_names, site_of

__all__ = [
    "HEADLINE_UNITS",
    "MIN_ITEMS",
    "SHORT_UNITS",
    "Group",
    "Item",
    "find_groups",
    "group_of",
]

MIN_ITEMS = 3
SHORT_UNITS = 3.0  # shorter main links that lead to no article are "more…" rows
_RICH_UNITS = 10.0  # this much text beside an item's links is an intro, not just a byline
_CONTAINER_HEADLINES = 3  # a member holding this many headlines holds a list of its own
_LEADS = 3  # featured items above a list, read as its first (see _leads)
_LABEL_UNITS = 12.0  # a heading between two parts of a list is at most this long
_SKIPPED = frozenset({"script", "style", "template", "noscript"})
_Path = tuple[tuple[str, str], ...]  # an element's signature and its ancestors' (nearest first)


@dataclass(eq=False)  # identity: bs4 compares tags by markup, and two items can look alike
class Item:
    node: Tag  # the element an item selector must match
    link: Tag  # the headline link (see _main_link)
    url: str
    title: str
    units: float
    date: Tag | None  # the smallest element inside ``node`` whose text is a date
    dated: bool  # a date anywhere in the item's text
    rich: bool  # an intro or summary beside the links
    heading: bool  # the headline link is in a heading
    # Where the title is when the link only labels the way in ('Read more', see
    # detect_titles.label_headlines); ``units`` and ``heading`` are then the headline's.
    headline: Tag | None = None


@dataclass(eq=False)
class Group:
    items: list[Item]  # the members holding a link, in page order (spacers hold none)
    bare: bool  # members are the links themselves: no selector can reproduce them
    position: int  # where the first member starts
    end: int  # where the last member ends
    by_heading: bool = False  # a heading group (see the module docstring)
    parts: int = 1  # >1: several blocks, each under its own heading, read as one
    union: Group | None = None  # for a block split off from others alike: all of them
    base: Group | None = None  # for a list with its featured first items: the list alone
    # A few members whose main link is a short non-article ("更多", a related-searches box):
    # left out of the items, and out of the selector when one can exclude them.
    outliers: list[Item] = field(default_factory=list)
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    shares: dict[str, float] = field(default_factory=dict)  # evidence, 0..1 (detect_score)


def find_groups(page: DetectPage) -> list[Group]:
    """Sibling groups, then heading groups whose links no sibling group already lists."""
    labels = _label_positions(page)
    groups = []
    for members in _sibling_clusters(page):
        runs = [group for run in _runs(members, page, labels) if (group := _group(run, page))]
        groups.extend(runs)
        for run in runs:
            leads = _leads([i.node for i in run.items], page)
            whole = _group([*leads, *(i.node for i in run.items)], page) if leads else None
            # Read alike, the featured items' headlines must still be theirs: not the image
            # link that stands where the rows have their title.
            if whole is not None and all(
                i.units >= HEADLINE_UNITS for i in whole.items[: len(leads)]
            ):
                whole.base = run  # read alone when no selector reads the two together
                groups.append(whole)  # the list with its featured first items (see _leads)
        if len(runs) > 1 and (union := _group(members, page)) is not None:
            # Kept to be named and ruled out; it stands in for one of its parts only when no
            # selector reads that part alone (a ranking in tabs, detect.py).
            union.parts = len(runs)
            groups.append(union)
            for run in runs:
                run.union = union
    listed = {tuple(i.url for i in g.items) for g in groups}
    for members in _heading_clusters(page):
        group = _group(members, page, by_heading=True)
        if group is not None and tuple(i.url for i in group.items) not in listed:
            listed.add(tuple(i.url for i in group.items))
            groups.append(group)
    return groups


# --------------------------------------------------------------------------- clusters


def _signature(el: Tag, shared: frozenset[str] | None = None) -> tuple[str, str]:
    """What makes siblings alike: the tag and the first class that doesn't mark state.

    Only the first class: items often carry extras (``news_first``, ``item featured``) that
    must not split them from their list; the trailing number of ``rank3`` is dropped too.
    Given the classes its siblings share, an element skips its own ones first: a forum's
    ``ul.super-sticky.topic`` row belongs with the ``ul.topic`` rows under it.
    """
    classes = [c for c in class_names(el) if c not in STATE_CLASSES]
    if shared is not None and any(c in shared for c in classes):
        classes = [c for c in classes if c in shared]
    return el.name or "", classes[0].rstrip("0123456789-_") if classes else ""


def _path_signature(el: Tag, depth: int = 4, own: tuple[str, str] | None = None) -> _Path:
    chain = [own or _signature(el)]
    parent = el.parent
    while isinstance(parent, Tag) and len(chain) < depth:
        chain.append(_signature(parent))
        parent = parent.parent
    return tuple(chain)


def _sibling_clusters(page: DetectPage) -> Iterable[list[Tag]]:
    clusters: dict[_Path, list[Tag]] = {}
    hidden = page.hidden()
    for parent in page.soup.find_all(True):
        if id(parent) in hidden:
            continue
        children = [
            c
            for c in parent.find_all(True, recursive=False)
            if c.name not in _SKIPPED and id(c) not in hidden
        ]
        counts = Counter((c.name, name) for c in children for name in set(class_names(c)))
        siblings: dict[tuple[str, str], list[Tag]] = {}
        for child in children:
            shared = frozenset(n for n in class_names(child) if counts[(child.name, n)] > 1)
            siblings.setdefault(_signature(child, shared), []).append(child)
        for own, members in siblings.items():
            if len(members) >= 2:
                for member in members:
                    clusters.setdefault(_path_signature(member, own=own), []).append(member)
    for members in _striped(merge_wrapped(clusters, page.order), page):
        yield sorted({id(m): m for m in members}.values(), key=lambda m: page.order[id(m)])


def _striped(clusters: dict[_Path, list[Tag]], page: DetectPage) -> list[list[Tag]]:
    """Clusters alike but for their sections' wrappers are one list when the wrappers take
    turns in one column: a blog index with a section per year, in alternate stripes
    (``div.container`` / ``div.container-fluid.alt-color``), is one list, not two."""
    alike: dict[_Path, list[list[Tag]]] = {}
    for key, members in clusters.items():
        alike.setdefault(key[:3] if len(key) == 4 else key, []).append(members)
    merged: list[list[Tag]] = []
    for parts in alike.values():
        order = sorted((page.order[id(m)], n, m) for n, ms in enumerate(parts) for m in ms)
        turns = 1 + sum(a[1] != b[1] for a, b in pairwise(order))
        # Four levels up from a member: what holds the wrappers (one column, or several).
        columns = {id(next(islice(m.parents, 3, None), None)) for *_, m in order}
        one = 1 < len(parts) < turns and len(columns) == 1
        merged.extend([[m for *_, m in order]] if one else parts)
    return merged


def _heading_clusters(page: DetectPage) -> Iterable[list[Tag]]:
    """Headings holding a link, alike in tag and class, and in the same region: those in a
    sidebar or a footer are never the same list as those in the page's main column."""
    clusters: dict[tuple[tuple[str, str], int], list[Tag]] = {}
    hidden = page.hidden()
    for heading in page.soup.find_all(list(HEADINGS)):
        if page.link_count(heading) and id(heading) not in hidden:
            region = next((id(p) for p in heading.parents if region_of(p)), 0)
            clusters.setdefault((_signature(heading), region), []).append(heading)
    yield from clusters.values()


def _label_positions(page: DetectPage) -> list[int]:
    """Where the page has block headings: short headings and bold labels that are not dates
    ("点击排行", "Recent posts", not "2024-05-01", under which a day's news goes on), nor a
    year or a month ("2025", "2024年3月": an archive's sections of one list, by time)."""
    found = []
    for el in page.soup.find_all([*HEADINGS, "strong", "b"]):
        text = text_of(el)
        if text and units(text) <= _LABEL_UNITS and not is_date(text) and not is_period(text):
            found.append(page.order[id(el)])
    return found


def _leads(members: list[Tag], page: DetectPage) -> list[Tag]:
    """The featured first items of a list: one to three elements of its items' tag and class
    in the block right above the list's own (a ``div.featured`` of big cards over the
    ``div.river`` of the rest; a heading between them is passed over), each with a headline
    link to an article. Only that block: the boxes of a sidebar each hold their own list."""
    first, parent = members[0], members[0].parent
    if not isinstance(parent, Tag) or any(m.parent is not parent for m in members):
        return []
    block = parent.find_previous_sibling(True)
    while isinstance(block, Tag) and not page.link_count(block):
        block = block.find_previous_sibling(True)  # a heading, a spacer
    if not isinstance(block, Tag):
        return []
    own = _signature(first)
    found = [el for el in [block, *block.find_all(first.name)] if _signature(el) == own]
    if not 1 <= len(found) <= _LEADS or any(
        not any(_headline(page.link(a)) for a in anchors(el)) for el in found
    ):
        return []
    return found


def _headline(link: Link) -> bool:
    return bool(link.url) and link.units >= HEADLINE_UNITS and article_like(link.url or "")


def _runs(members: list[Tag], page: DetectPage, labels: list[int]) -> Iterable[list[Tag]]:
    """The members split where a heading stands between two of them in different parents."""
    run: list[Tag] = []
    for member in members:
        if run and run[-1].parent is not member.parent:
            after, before = page.end(run[-1]), page.order[id(member)]
            if bisect.bisect_right(labels, after) < bisect.bisect_left(labels, before):
                yield run
                run = []
        run.append(member)
    if run:
        yield run


# --------------------------------------------------------------------------- items


def group_of(members: list[Tag], page: DetectPage) -> Group | None:
    """The group these members make, as ``find_groups`` builds one (for a part of one)."""
    return _group(members, page)


def _group(members: list[Tag], page: DetectPage, by_heading: bool = False) -> Group | None:
    bare = members[0].name == "a"
    held = []  # (member, its usable links)
    containers = 0
    for member in members:
        usable = [(a, page.link(a)) for a in ([member] if bare else anchors(member))]
        usable = [(a, info) for a, info in usable if info.url]
        if usable:
            held.append((member, usable))
            headlines = {
                urldefrag(info.url).url
                for _, info in usable
                if info.url and info.units >= HEADLINE_UNITS and article_like(info.url)
            }
            containers += len(headlines) >= _CONTAINER_HEADLINES
    # Members holding several headlines are containers of lists, not items of one.
    if len(held) < MIN_ITEMS or containers * 2 > len(held):
        return None
    found = _main_links(held, page)
    bodies = _bodies([m for m, _, _ in found], page) if by_heading else None
    items = [
        _item(member, link, info, bare, bodies[i] if bodies else member)
        for i, (member, link, info) in enumerate(found)
    ]
    _labelled(items)
    heads = [m for m, _, _ in found]
    if bodies or all(m.name in HEADINGS for m in heads):
        # A flat page's posts: a heading, then its date on the line under it.
        stops = {id(m) for m in heads}
        for item, body in zip(items, bodies or heads, strict=True):
            item.dated = item.dated or section_dated(body, stops)
    outliers = _outliers(items)
    kept = [i for i in items if i not in outliers]
    return Group(
        items=kept,
        bare=bare,
        position=page.order[id(kept[0].node)],
        end=page.end(kept[-1].node),
        by_heading=by_heading,
        outliers=outliers,
    )


def _main_links(
    held: list[tuple[Tag, list[tuple[Tag, Link]]]], page: DetectPage
) -> list[tuple[Tag, Tag, Link]]:
    """Each member's headline link, in the same place in every member: the items of one list
    hold their headline alike (``h3.threadtitle a``), so the place most members' best link
    takes wins over a longer link elsewhere in a few (a forum row's last reply)."""
    best = [_main_link(usable, page) for _, usable in held]
    common = _common_slot(held, best)
    found = []
    for (member, usable), choice in zip(held, best, strict=True):
        alike = [(a, info) for a, info in usable if _slot(a, member) == common]
        link, info = alike[0] if alike and _slot(choice[0], member) != common else choice
        found.append((member, link, info))
    return found


def _common_slot(
    held: list[tuple[Tag, list[tuple[Tag, Link]]]], best: list[tuple[Tag, Link]]
) -> _Path:
    """The place of the headline in the items: the one most members' best link takes, among
    places whose links lead to different pages in each member (an author's or a site's link
    repeated in every card is no headline); else the one most members' best link takes."""
    taken = Counter(_slot(a, member) for (member, _), (a, _) in zip(held, best, strict=True))
    targets: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for member, usable in held:
        for slot, url in {_slot(a, member): info.url or "" for a, info in reversed(usable)}.items():
            targets.setdefault(slot, []).append(url)
    varied = [
        slot
        for slot, urls in targets.items()
        if len(urls) * 2 >= len(held) and len(set(urls)) * 5 >= len(urls) * 4
    ]
    if not varied or taken.most_common(1)[0][0] in varied:
        return taken.most_common(1)[0][0]
    return max(varied, key=lambda slot: (taken[slot], len(targets[slot]), _in_heading(slot)))


def _in_heading(slot: tuple[tuple[str, str], ...]) -> bool:
    return any(tag in HEADINGS for tag, _ in slot)


def _slot(a: Tag, member: Tag) -> tuple[tuple[str, str], ...]:
    """Where a link sits in its item: the signatures from the link up to the item."""
    chain = []
    for el in (a, *a.parents):
        if el is member or not isinstance(el, Tag):
            break
        chain.append(_signature(el))
    return tuple(chain)


def _outliers(items: list[Item]) -> list[Item]:
    """A few members whose main link is short, leads to no single article and has another
    URL shape than the others' ("更多" to /news/ under links to /news/2024/…): set apart."""
    shapes = Counter(_shape(i.url) for i in items)
    usual = shapes.most_common(1)[0][0]
    found = [
        i
        for i in items
        if i.units < SHORT_UNITS and not article_like(i.url) and _shape(i.url) != usual
    ]
    if len(found) * 5 > len(items) or len(items) - len(found) < MIN_ITEMS:
        return []
    return found


def _shape(url: str) -> tuple[str, ...]:
    """A URL's shape: its host, first path segment, then # for segments with digits and w for
    words, and its query's keys: /board/24/119/ and /board/1/1/ are alike."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    tail = ["#" if any(c.isdigit() for c in s) else "w" for s in segments[1:]]
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return (parts.hostname or "", *segments[:1], *tail, "?", *keys)


def _item(member: Tag, link: Tag, info: Link, bare: bool, body: Tag) -> Item:
    assert info.url is not None
    date = date_element(member, link)  # of a bare item, in an element inside the link
    dated = (
        date is not None
        or date_element(body, link) is not None
        or has_date(body, link)
        or leading_date(info.title)  # an archive's "3月3日 - 标题"
    )
    return Item(
        node=member,
        link=link,
        url=info.url,
        title=info.title,
        units=info.units,
        date=date if date is not member else None,
        dated=dated,
        rich=not bare and _beside_links(body) + _described(member) >= _RICH_UNITS,
        heading=_under_heading(link),
    )


def _labelled(items: list[Item]) -> None:
    """Items whose links only say 'Read more' are judged by the headlines beside them."""
    found = label_headlines([(i.node, i.title, i.units, i.url) for i in items])
    if found is None:
        return
    for item, headline in zip(items, found, strict=True):
        item.headline = headline
        item.units = units(text_of(headline) or "")
        item.heading = _under_heading(headline)


def _under_heading(el: Tag) -> bool:
    return el.name in HEADINGS or any(p.name in HEADINGS for p in el.parents)


def _bodies(headings: list[Tag], page: DetectPage) -> list[Tag]:
    """For each heading, the largest element around it (up to four levels) that holds no
    other heading of its group: its post, where the date and the intro are."""
    starts = sorted(page.order[id(h)] for h in headings)
    bodies = []
    for heading in headings:
        body = heading
        for parent in list(heading.parents)[:4]:
            if parent.name in ("body", "html", "[document]"):
                break
            low = bisect.bisect_right(starts, page.order[id(parent)])
            high = bisect.bisect_right(starts, page.end(parent))
            if high - low > 1:
                break
            body = parent
        bodies.append(body)
    return bodies


def _main_link(usable: list[tuple[Tag, Link]], page: DetectPage) -> tuple[Tag, Link]:
    """The item's headline link: in a heading and to one article; to one article itself (not
    to a place in it: ``#post-22530``, a forum row's last reply; not to a profile whose title
    attribute is long); headline-long; in a heading; on the site; the first of equals. A long
    external link in an excerpt must not beat the title above it."""

    def key(pair: tuple[Tag, Link]) -> tuple[bool, ...]:
        a, info = pair
        url = info.url or ""
        heading = a.name in HEADINGS or any(p.name in HEADINGS for p in a.parents)
        single = article_like(url)
        no_fragment = "#" not in url
        return (
            heading and single,
            single and no_fragment,
            info.units >= HEADLINE_UNITS,
            heading,
            single,
            site_of(url) == page.site,
            no_fragment,
        )

    return max(usable, key=key)  # max() keeps the first of equals


def _beside_links(body: Tag) -> float:
    """Headline units of the item's text outside its links: an intro, a summary."""
    inner = sum(units(text_of(a) or "") for a in body.find_all("a"))
    return units(text_of(body) or "") - inner


def _described(member: Tag) -> float:
    """In a definition list, a ``dt``'s text goes on in the ``dd`` after it (arXiv's
    listings: the id linked in the ``dt``, title and authors in the ``dd``)."""
    if member.name != "dt":
        return 0.0
    following = member.find_next_sibling(True)
    return (
        _beside_links(following) if isinstance(following, Tag) and following.name == "dd" else 0.0
    )
