"""Selectors for a detected block, verified: CSS selectors in the form of ``[source.listing]``
derived from class names and tag paths, kept only when
:func:`feeds.extract.listing.extract_listing` reads exactly the block's links and titles with
them. What is detected is what a poll with those selectors will read.

Items are first read where they are (``div.catlist li``); when no selector matches the items
and nothing else, they are read by their headlines (``div.post h2``, ``td.subject span``): the
element right around each main link, which a more general selector can name. Last, they are
read by the links themselves: the element holding each link, named by what the links share
(``font:has(> a.forum[href*="thread.jsp"])``), for rows no selector can tell apart (thread
rows that hold a table of their own, whose rows hold the same kind of link).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import soupsieve
from bs4 import Tag

from feeds.extract.detect_groups import Group, Item
from feeds.extract.detect_match import matcher
from feeds.extract.detect_page import HEADINGS, DetectPage
from feeds.extract.detect_titles import beside_date, beside_label, card_headings
from feeds.extract.html import attr, common_ancestor, inside, select_one, text_of
from feeds.extract.listing import DEFAULT_LINK, item_link, read_listing
from feeds.extract.names import (
    ancestor_at,
    class_names,
    is_utility,
    nth_ancestors,
    selector_forms,
)
from feeds.extract.selectors import compiled
from feeds.models import ListingEntry, ListingRules

__all__ = ["Candidate", "ListingSelectors", "candidate"]

_NARROWED = 6  # selectors that match more than the items, tried narrowed


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


def candidate(group: Group, page: DetectPage) -> Candidate | None:
    """Selectors that reproduce the group, verified as a poll reads them (read_listing on the
    page's tree, as parsed for extract_listing and left unchanged by detection); None if none
    do."""
    selectors = _item_level(group, page)
    if selectors is None and not group.bare:
        holders = [_holder(item) for item in group.items]
        selectors = _headline_level(group, holders, page)
        if selectors is not None:
            group.reasons.append(f"read by their headlines ({selectors.item})")
    if selectors is None and not group.bare:
        selectors = _link_level(group, page)
        if selectors is not None:
            group.reasons.append(f"read by their links ({selectors.item})")
    if selectors is None:
        selectors = _item_level(group, page, by_place=True)
        if selectors is not None:
            group.reasons.append(f"read by their place ({selectors.item})")
    if selectors is None:
        return None
    try:
        listing = read_listing(page.soup, page.url, selectors.rules())
    except ValueError:  # urljoin rejects some hrefs ("http://[x]/") that the block holds
        return None
    found = [(e.url, e.title or "") for e in listing.entries]
    if found != [(i.url, i.title) for i in group.items]:
        return None  # the selectors read something else: never publish that
    return Candidate(selectors, listing.entries, group.score, tuple(group.reasons))


def _item_level(group: Group, page: DetectPage, by_place: bool = False) -> ListingSelectors | None:
    items = group.items
    item = _item_selector(items, group.outliers, page, by_place)
    if item is None and group.outliers and not by_place:
        # No selector leaves the outliers out: take them in, and say so (once it reads them).
        items = sorted(items + group.outliers, key=lambda i: page.order[id(i.node)])
        item = _item_selector(items, [], page)
    if item is None:
        return None
    nodes = [i.node for i in items]
    links = [i.link for i in items]
    default_link = _finds(nodes, links, DEFAULT_LINK, link=True)  # extract_listing's
    link = None if default_link else _relative_selector(nodes, links)
    if link is None and not default_link:
        # The outliers stay out: reading the items by their headlines or links may still
        # leave them out (issue 15: they stayed merged in, and so in the other readings).
        return None
    if items is not group.items:
        group.reasons.append(f"{len(group.outliers)} non-article links included")
        group.items, group.outliers = items, []
    dated = [i for i in group.items if i.date is not None]
    date = None
    if len(dated) * 5 >= len(group.items) * 3:  # a date on at least 3 items in 5
        date = _relative_selector([i.node for i in dated], [i.date for i in dated if i.date])
    return ListingSelectors(item=item, link=link, date=date, title=_title(group))


def _title(group: Group) -> str | None:
    """A title selector, when the items' links do not hold their titles
    (:mod:`feeds.extract.detect_titles`); the items' titles become what it reads."""
    choices = (
        (card_headings, beside_date) if group.bare else (card_headings, beside_date, beside_label)
    )
    for choose in choices:
        found = choose(group.items)
        if found is None:
            continue
        selector = _relative_selector([i.node for i in group.items], found)
        if selector is not None:
            if choose is beside_label:  # say why the entries' titles are not their links'
                group.reasons.append(
                    f"titled by {selector}: each link says {group.items[0].title!r}"
                )
            for item, element in zip(group.items, found, strict=True):
                item.title = text_of(element) or ""
            return selector
    return None


def _holder(item: Item) -> Tag | None:
    """The element right around the item's main link: its heading, else the largest element
    inside the item that holds no other link; None when the link sits right in the item."""
    for parent in item.link.parents:
        if parent is item.node:
            break
        if parent.name in HEADINGS:
            return parent
    held = None
    for parent in item.link.parents:
        if parent is item.node or len(parent.find_all("a", href=True)) > 1:
            break
        held = parent
    return held


def _headline_level(
    group: Group, holders: list[Tag | None], page: DetectPage
) -> ListingSelectors | None:
    """Items read by their headline elements, the first link of each (no date: it sits
    outside the headline)."""
    found = [h for h in holders if h is not None]
    if len(found) != len(holders):
        return None
    alike = [
        Item(h, i.link, i.url, i.title, i.units, None, i.dated, i.rich, i.heading)
        for h, i in zip(found, group.items, strict=True)
    ]
    item = _item_selector(alike, [], page)
    if item is None or not _finds(found, [i.link for i in alike], DEFAULT_LINK):
        return None
    return ListingSelectors(item=item)


def _link_level(group: Group, page: DetectPage) -> ListingSelectors | None:
    """Items read by the links alone: the element right around each link, named by a link
    selector that every item link and no other link on the page matches
    (``font:has(> a.forum[href*="thread.jsp"])``), kept only when it matches exactly those
    elements page-wide. One level up only: soupsieve takes one combinator inside ``:has``."""
    links = [i.link for i in group.items]
    holders = [link.parent for link in links]
    if any(h is None for h in holders) or len({h.name for h in holders if h}) != 1:
        return None
    scopes = [h for h in holders if h is not None]
    wanted = [id(h) for h in scopes]
    for link in _link_options(links, group.items):
        if sum(1 for _ in compiled(link).select(page.soup)) != len(links):
            continue  # other links are alike: naming the holders by the link is not enough
        item = f"{soupsieve.escape(scopes[0].name or '')}:has(> {link})"
        if [id(el) for el in compiled(item).select(page.soup)] != wanted:
            continue
        if _finds(scopes, links, DEFAULT_LINK):
            return ListingSelectors(item=item)
        if _finds(scopes, links, link):
            return ListingSelectors(item=item, link=link)
    return None


def _link_options(links: Sequence[Tag], items: list[Item]) -> Iterator[str]:
    """Selectors every link matches: their shared class and the kind of URL they point at
    (``a.forum[href*="thread.jsp"]``), then each alone."""
    forms = selector_forms(links)
    if not forms:
        return
    *named, tag = forms
    markers = [m.removeprefix("a") for m in _href_markers(items)] if tag == "a" else []
    for form in named:
        yield from (f"{form}{marker}" for marker in markers)
    yield from (f"{tag}{marker}" for marker in markers)
    yield from named


def _item_selector(
    items: list[Item], outliers: list[Item], page: DetectPage, by_place: bool = False
) -> str | None:
    """The simplest selector matching every item and nothing else that holds a link; else
    one narrowed to leave the other link holders out (see _excluding)."""
    nodes = [i.node for i in items]
    wanted = {id(n) for n in nodes}
    others = [el for el in page.holders(nodes[0].name or "") if id(el) not in wanted]
    crowded: list[tuple[str, list[Tag]]] = []  # selectors that match more, and what more
    for selector in _positional(nodes) if by_place else _item_options(nodes):
        matches = matcher(selector)
        if not all(matches(n) for n in nodes):
            continue
        room = 2 * len(nodes) + len(outliers) if len(crowded) < _NARROWED else 0
        extra = _matched(matches, others, room)
        if extra == []:
            return selector
        if extra is not None:
            crowded.append((selector, extra))
    for selector, extra in crowded:
        refined = _excluding(selector, items, extra)
        if refined:
            return refined
    return None


def _matched(matches: Callable[[Tag], bool], others: list[Tag], room: int) -> list[Tag] | None:
    """The other link holders a selector matches; None as soon as there are more than
    ``room`` (too many to narrow away: the selector is of no use)."""
    found: list[Tag] = []
    for el in others:
        if matches(el):
            if len(found) >= room:
                return None
            found.append(el)
    return found


def _excluding(selector: str, items: list[Item], extra: list[Tag]) -> str | None:
    """``selector`` narrowed to leave out ``extra``: by a class only they have, by an element
    that every item holds and they lack (``div.card:has(div.ContentItem)``), or by the kind of
    link every item holds (``tr:has(a[href*="thread.jsp"])``)."""
    options = [
        f"{selector}:not(.{soupsieve.escape(c)})"
        for c in class_names(extra[0])
        if all(c in class_names(el) for el in extra)
        and not any(c in class_names(i.node) for i in items)
    ]
    markers = dict.fromkeys(
        form for el in items[0].node.find_all(True, limit=40) for form in selector_forms([el])[:-1]
    )
    markers.update(dict.fromkeys(_href_markers(items)))
    options.extend(f"{selector}:has({marker})" for marker in markers)
    # In tables of tables, the rows around the item rows hold the same links: a row that
    # holds rows is not an item.
    inner = f":not(:has({soupsieve.escape(items[0].node.name or '')}))"
    options.extend(f"{option}{inner}" for option in [selector, *options])
    for option in options:
        matches = matcher(option)
        if all(matches(i.node) for i in items) and not any(matches(e) for e in extra):
            return option
    return None


def _href_markers(items: list[Item]) -> list[str]:
    """Selectors for the kind of link every item's headline is: its file (``thread.jsp``),
    its first path segment (``/discussion/``), its first query pair (``mod=viewthread``)."""
    found: list[str] = []
    for href in {attr(i.link, "href") or "" for i in items[:1]}:
        parts = urlsplit(href)
        segments = [s for s in parts.path.split("/") if s]
        pieces = []
        if segments and "." in segments[-1]:
            pieces.append(segments[-1])
        elif len(segments) >= 2:
            pieces.append(f"/{segments[0]}/")
        if parts.query:
            pieces.append(parts.query.split("&")[0])
        found.extend(
            f'a[href*="{piece}"]' for piece in pieces if not any(c in piece for c in '"\\\n')
        )
    return found


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
    # Items at different depths (some wrapped in small groups among the others) have no
    # ancestor in common at one depth; the block that holds them all names them.
    holder = common_ancestor(nodes)
    if holder is not None and any(n.parent is not holder for n in nodes):
        yield from (f"{form} {tag}" for form in selector_forms([holder])[:-1])


def _positional(nodes: Sequence[Tag]) -> Iterator[str]:
    """The last resort, for items that share one parent named by nothing (links between
    ``<br>`` in the second cell of a layout table): that parent by its place among its
    siblings. A place changes with any block added before it, so every name goes first."""
    tag = soupsieve.escape(nodes[0].name or "")
    parents = {id(n.parent): n.parent for n in nodes if isinstance(n.parent, Tag)}
    if len(parents) != 1:
        return
    parent = next(iter(parents.values()))
    if parent.name in ("body", "html", "[document]"):
        return
    place = 1 + len(parent.find_previous_siblings(parent.name))
    own = f"{soupsieve.escape(parent.name or '')}:nth-of-type({place})"
    yield f"{own} > {tag}"
    outer = parent.parent
    for form in selector_forms([outer]) if isinstance(outer, Tag) else []:
        yield f"{form} > {own} > {tag}"


def _relative_selector(scopes: Sequence[Tag], targets: Sequence[Tag]) -> str | None:
    """A selector that, from each scope, finds its target first (as select_one does)."""
    return next((s for s in _relative_options(scopes, targets) if _finds(scopes, targets, s)), None)


def _finds(
    scopes: Sequence[Tag], targets: Sequence[Tag], selector: str, link: bool = False
) -> bool:
    """Does the selector find each target first from its scope, as extract_listing reads it
    (a link selector also matches the item itself, see item_link)?"""
    read = item_link if link else select_one
    return all(read(s, selector) is t for s, t in zip(scopes, targets, strict=True))


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
    # A child of the item itself, before any alike element deeper in (a date span beside a
    # link that holds a span of its own: ``[通知]``).
    yield from (f":scope > {mine}" for mine in own)
    between = [_inner_ancestors(scopes, targets, depth) for depth in range(1, 4)]
    for forms in between:
        for qualifier in forms:
            for mine in own:
                yield f"{qualifier} {mine}"
                yield f"{qualifier} > {mine}"
    # Headlines in headings of different levels (a featured card's h2 over the rows' h3).
    levels = sorted({h.name for t in targets for h in t.parents if h.name in HEADINGS})
    if len(levels) > 1 and all(any(p.name in HEADINGS for p in t.parents) for t in targets):
        yield f":is({', '.join(levels)}) {tag}"
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
        if el is None or el is scope or not inside(el, scope):
            return []
        found.append(el)
    return selector_forms(found)


def _earlier_classes(target: Tag) -> set[str]:
    """Classes shared by every element of the same tag before the target in its parent."""
    earlier = [s for s in target.find_previous_siblings(target.name) if isinstance(s, Tag)]
    if not earlier:
        return set()
    return set.intersection(*(set(class_names(s)) for s in earlier))
