"""Listing detection: find the block of article links on a listing page that has no selectors.

A listing page is mostly chrome (menus, sidebars, rankings, footers) around one repeated block of
article links. Detection, precision first (a wrong list is worse than none):

1. Parse once and read the page (:mod:`feeds.extract.detect_page`): links, menus, feeds.
2. Find the repeated blocks (:mod:`feeds.extract.detect_groups`): siblings alike in tag and
   class, and headings alike, each member with its headline link.
3. Score each block (:mod:`feeds.extract.detect_score`) on what its items are (headline-long
   links to single articles, dates, intros, a pager under it) and where it sits (header, nav,
   footer, aside), never on words of the text around it.
4. For the best blocks, derive CSS selectors and keep a candidate only when
   :func:`feeds.extract.listing.extract_listing` reproduces the block exactly with them
   (:mod:`feeds.extract.detect_selectors`).
5. Choose the best candidate only when it is convincing; when another block came close, say
   why the chosen one is the list; otherwise say why nothing was chosen and ask for selectors.
6. Find the link to the next listing page, on the listing's site only, and a selector that
   reads it back, for ``[source.listing] next`` (:mod:`feeds.extract.pagination`).

Everything is a pure function of the page text and URL, so two polls of the same page give the
same result; ties are broken by position in the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import Tag

from feeds.extract.detect_groups import Group, find_groups, group_of
from feeds.extract.detect_page import DetectPage
from feeds.extract.detect_score import DISQUALIFYING, mark_pagers, score
from feeds.extract.detect_selectors import Candidate, ListingSelectors, candidate
from feeds.extract.html import DEPTH_NOTE, absolute, base_url, common_ancestor, parse
from feeds.extract.page import canonical_href, metas
from feeds.extract.pagination import next_page, pager_positions

__all__ = ["Candidate", "Detection", "ListingSelectors", "declared_address", "detect_listing"]


@dataclass(frozen=True)
class Detection:
    chosen: Candidate | None  # None when nothing is convincing: detection never guesses
    candidates: tuple[Candidate, ...]  # the others, best first
    feeds: tuple[str, ...]  # feeds the page advertises (<link rel=alternate type=…>)
    problem: str | None  # when chosen is None: why, and what to do
    next_url: str | None = None  # the next listing page, on the listing's own site
    next: str | None = None  # a selector that reads next_url back (``[source.listing] next``)


_CHOSEN_SCORE = 0.45
_DERIVED = 8  # best groups for which selectors are derived and verified
_KEPT = 5  # runner-ups reported
_CLOSE = 0.8  # a runner-up scoring this share of the chosen block's score came close
_FIX = "add [source.listing] selectors (item, link, date) to the source"


def detect_listing(text: str, page_url: str) -> Detection:
    """Find the article list of a listing page; see the module docstring for how."""
    soup = parse(text)
    page = DetectPage.read(soup, page_url)
    found = find_groups(page)
    mark_pagers(found, page, pager_positions(page))
    groups = sorted((score(g, page) for g in found), key=lambda g: (-g.score, g.position))
    candidates: list[tuple[Group, Candidate]] = []
    chosen: tuple[Group, Candidate] | None = None
    problem: str | None = None
    decided = False
    for best in groups[:_DERIVED]:
        group, derived = _derive(best, page)
        if derived is not None and all(c.selectors != derived.selectors for _, c in candidates):
            candidates.append((group, derived))
        if not decided and _convincing(best):
            # The best convincing block wins. When no selector reproduces it, rather no feed
            # than the next block down, which would be chrome or a part of the list.
            decided = True
            chosen = (group, derived) if derived else None
            problem = None if derived else _unreproducible(best)
    if not decided:
        problem = _unconvincing(candidates[0][1] if candidates else None)
    if problem and soup.flattened:
        problem = f"{DEPTH_NOTE}; {problem}"  # the likely reason nothing was found
    runner_ups = [(g, c) for g, c in candidates if chosen is None or c is not chosen[1]]
    if chosen is not None:
        chosen, runner_ups = _explained(chosen, runner_ups)
    listed = frozenset(e.url for e in chosen[1].entries) if chosen else frozenset()
    next_url, next_selector = next_page(page, chosen[0].position if chosen else 0, listed)
    return Detection(
        chosen=chosen[1] if chosen else None,
        candidates=tuple(c for _, c in runner_ups[:_KEPT]),
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


def _derive(group: Group, page: DetectPage) -> tuple[Group, Candidate | None]:
    """The group's candidate; for a block that no selector reads apart from the blocks alike
    to it (the tabs of a ranking, each under its own heading), all of them together; for a
    list with its featured first items that no selector reads together, the list alone."""
    derived = candidate(group, page)
    if derived is None and group.base is not None:
        return _derive(group.base, page)
    union = group.union
    if derived is None and union is not None and _convincing(union, boxes=True):
        whole = candidate(union, page)
        if whole is not None:
            return union, whole
    if derived is None and (part := _main_part(group, page)) is not None:
        found = candidate(part, page)
        if found is not None:
            return part, found
    return group, derived


def _main_part(group: Group, page: DetectPage) -> Group | None:
    """For a block that no selector reads whole, its part in one column of the page, when
    that part holds most of its items and is convincing on its own: elements alike in two
    columns (V2EX's topic cells in the main column and its hot topics' in the right bar, both
    ``div.cell`` in a ``div.box``) are two lists, and the main one can be read alone."""
    nodes = [i.node for i in group.items]
    top = common_ancestor(nodes, below_body=False)
    if top is None:
        return None
    branches: dict[int, list[Tag]] = {}
    for node in nodes:
        branch = next(a for a in (node, *node.parents) if a.parent is top)
        branches.setdefault(id(branch), []).append(node)
    largest = max(branches.values(), key=len)
    if len(branches) < 2 or len(largest) * 2 <= len(nodes):
        return None
    part = group_of(largest, page)
    if part is None:
        return None
    part = score(part, page)
    part.reasons.append(f"the {len(largest)} of {len(nodes)} alike in one column of the page")
    return part if _convincing(part) else None


def _convincing(group: Group, boxes: bool = False) -> bool:
    """Good enough to publish: a high score and nothing that marks menus or non-articles
    (a union of headed boxes only when it stands in for one of them, see _derive)."""
    ruled_out = DISQUALIFYING if not boxes else tuple(d for d in DISQUALIFYING if d != "boxes:")
    return group.score >= _CHOSEN_SCORE * (0.5 if boxes else 1.0) and not any(
        reason.startswith(ruled_out) for reason in group.reasons
    )


# Evidence that tells the list from a block beside it, strongest first, as `discover` says it.
_TELLS = (
    ("pager", "a pager under it"),
    ("intro", "intros beside the links"),
    ("dated", "dates"),
    ("heading", "headlines in headings"),
    ("article", "links to single articles"),
    ("headline", "headline-long link texts"),
)


def _explained(
    chosen: tuple[Group, Candidate], others: list[tuple[Group, Candidate]]
) -> tuple[tuple[Group, Candidate], list[tuple[Group, Candidate]]]:
    """When another block came close, say in both why the chosen one is the list: what it
    has that the other lacks. Blocks listing mostly the same links are the same list."""
    group, picked = chosen
    mine = {e.url for e in picked.entries}
    notes, explained = [], []
    for other_group, other in others:
        theirs = {e.url for e in other.entries}
        if other.score < _CLOSE * picked.score or len(mine & theirs) * 2 > len(theirs):
            explained.append((other_group, other))
            continue
        tells = [
            text
            for key, text in _TELLS
            if group.shares.get(key, 0.0) >= other_group.shares.get(key, 0.0) + 0.3
        ]
        if len(picked.entries) > len(other.entries) * 1.5:
            tells.append("more items")
        why = ", ".join(tells[:3]) or "a higher score"
        notes.append(f"chosen over {other.selectors.item} ({other.score:.2f}): {why}")
        lost = f"lost to {picked.selectors.item}: it has {why}"
        explained.append((other_group, _with_reason(other, lost)))
    return (group, _with_reason(picked, *notes)), explained


def _with_reason(found: Candidate, *reasons: str) -> Candidate:
    return Candidate(found.selectors, found.entries, found.score, (*found.reasons, *reasons))


def _unreproducible(group: Group) -> str:
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


def _unconvincing(found: Candidate | None) -> str:
    """Why nothing was chosen, from the best block that was reproducible."""
    if found is None:
        return f"no repeated block of links found on this page; {_FIX}"
    why = "; ".join(r for r in found.reasons if ":" in r or r.startswith(("few", "links")))
    return (
        f"no convincing article list: the best block ({found.selectors.item}, "
        f"{len(found.entries)} links) scores {found.score:.2f}"
        + (f" ({why})" if why else "")
        + f"; {_FIX}"
    )
