"""Items of one list that a page wraps in small groups between the others.

A hand-made events or news page may set some of its items apart in a wrapper (``div.group`` of
two or three smaller cards) that stands among the other items, in their parent, in date order.
The wrapped items are one level deeper, so their ancestor chain differs from the others' and
:mod:`feeds.extract.detect_groups` would find two lists: the direct items, and the wrapped
ones. They are one list when every wrapper sits between direct items of the same parent and
holds nothing but items alike; a box of links under its own heading, or a wrapper after the
last item (a "more" box, a pager), never joins.
"""

from __future__ import annotations

from collections.abc import Mapping

from bs4 import Tag

from feeds.extract.names import class_names

__all__ = ["merge_wrapped"]

# A cluster's key: the member's own signature, then its parent's, grandparent's and
# great-grandparent's (see detect_groups._path_signature).
_Key = tuple[tuple[str, str], ...]


def merge_wrapped(
    clusters: dict[_Key, list[Tag]], order: Mapping[int, int]
) -> dict[_Key, list[Tag]]:
    """The clusters, with each cluster of wrapped items merged into the cluster of the items
    its wrappers stand among (see the module docstring)."""
    merged = dict(clusters)
    for key, members in clusters.items():
        parent = _common_parent(members)
        if parent is None or len(key) != 4:
            continue
        for inner, wrapped in clusters.items():
            if inner in merged and _wrapped_among(key, members, inner, wrapped, parent, order):
                joined = [*merged[key], *wrapped, *_lone(wrapped, parent, order)]
                merged[key] = sorted(
                    {id(m): m for m in joined}.values(), key=lambda m: order[id(m)]
                )
                del merged[inner]
    return merged


def _lone(wrapped: list[Tag], parent: Tag, order: Mapping[int, int]) -> list[Tag]:
    """Items alone in a wrapper like the others: no cluster holds them (a cluster needs two
    siblings), yet they are the list's as much as the wrapped pairs are."""
    sample, wrapper = wrapped[0], wrapped[0].parent
    if not isinstance(wrapper, Tag):
        return []
    found = []
    for other in parent.find_all(wrapper.name, recursive=False):
        children = other.find_all(True, recursive=False)
        if class_names(other) == class_names(wrapper) and len(children) == 1:
            child = children[0]
            if child.name == sample.name and class_names(child) == class_names(sample):
                found.append(child)
    return found


def _common_parent(members: list[Tag]) -> Tag | None:
    parent = members[0].parent
    return parent if all(m.parent is parent for m in members) else None


def _wrapped_among(
    key: _Key,
    members: list[Tag],
    inner: _Key,
    wrapped: list[Tag],
    parent: Tag,
    order: Mapping[int, int],
) -> bool:
    # Alike members one level deeper: the wrapper takes the place of their common parent.
    if inner == key or len(inner) != 4 or inner[0] != key[0] or inner[2:] != key[1:3]:
        return False
    wrappers = {id(m.parent): m.parent for m in wrapped if isinstance(m.parent, Tag)}
    places = [order[id(m)] for m in members]
    first, last = min(places), max(places)
    items = {id(m) for m in wrapped}
    return all(
        w.parent is parent
        and first < order[id(w)] < last  # among the direct items, not after them
        and all(id(c) in items for c in w.find_all(True, recursive=False))
        for w in wrappers.values()
    )
