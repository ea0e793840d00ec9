"""Matching the plain selectors detection tries by the thousand, without soupsieve's cost.

Detection tries each candidate item selector on every other link holder of the page (see
:func:`feeds.extract.detect_selectors._item_selector`): hundreds of thousands of single-element
matches per page set, where soupsieve builds a matcher per call. The selectors it derives are
mostly plain: compounds of a tag, ``.class`` and ``#id`` joined by descendant and child
combinators (``div.catlist > li``). Those are matched here, in Python, with soupsieve's own
rules for an HTML document without namespaces (what :func:`feeds.extract.html.parse` gives):
tag names equal after lowering ASCII letters, classes from the ``class`` attribute as the
parser split them, ids compared exactly, and no walking up past a ``<template>``. Anything
else (``:has``, ``:not``, ``:nth-of-type``, attributes, escapes, an XML tree) goes to
soupsieve. tests/test_detect_match.py holds the two equal on corpus pages and odd snippets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial

from bs4 import BeautifulSoup, Tag

from feeds.extract.selectors import compiled
from feeds.lazyre import lazy

__all__ = ["matcher", "plain"]

# soupsieve's identifier without its escapes: what soupsieve.escape leaves unchanged.
_IDENT = r"(?:--|-?[A-Za-z_\x80-\U0010ffff])[-0-9A-Za-z_\x80-\U0010ffff]*"
_COMPOUND = lazy(rf"({_IDENT})?((?:[.#]{_IDENT})*)")
_PART = lazy(rf"([.#])({_IDENT})")
_NOT_SPACE = lazy("[^ \t\r\n\f]+")  # soupsieve splits a class string on these only
_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def _lower(name: str) -> str:
    return name.translate(_ASCII_LOWER)


@dataclass(frozen=True)
class _Compound:
    tag: str | None  # lowered (ASCII letters only, as soupsieve compares names)
    ids: tuple[str, ...]
    classes: tuple[str, ...]

    def matches(self, el: Tag) -> bool:
        tag = self.tag
        if tag is not None:
            name = el.name
            if name != tag and (len(name) != len(tag) or _lower(name) != tag):
                return False
        for ident in self.ids:
            if _attribute(el, "id", "") != ident:
                return False
        if self.classes:
            value = _attribute(el, "class", [])
            classes = _NOT_SPACE.findall(value) if isinstance(value, str) else value
            return all(c in classes for c in self.classes)
        return True


@dataclass(frozen=True)
class Plain:
    """A selector of compounds joined by `` `` and `` > ``, left to right."""

    selector: str
    compounds: tuple[_Compound, ...]
    child: tuple[bool, ...]  # per compound: joined to the one before it by ``>``

    def match(self, el: Tag, seen: dict[tuple[int, int], bool]) -> bool:
        """``seen`` remembers, per compound and element, whether an ancestor matches up to
        that compound: many elements share their ancestors (soupsieve's cache, per call)."""
        if el.namespace is not None or el._is_xml or isinstance(el, BeautifulSoup):
            return compiled(self.selector).match(el)  # outside the rules copied here
        return self._from(el, len(self.compounds) - 1, seen)

    def _from(self, el: Tag, at: int, seen: dict[tuple[int, int], bool]) -> bool:
        if not self.compounds[at].matches(el):
            return False
        if at == 0:
            return True
        if self.child[at]:
            parent = _parent(el)
            return parent is not None and self._from(parent, at - 1, seen)
        return self._above(el, at - 1, seen)

    def _above(self, el: Tag, at: int, seen: dict[tuple[int, int], bool]) -> bool:
        """Does an ancestor of ``el`` match the selector up to compound ``at``?"""
        visited = []
        found = False
        parent = _parent(el)
        while parent is not None:
            known = seen.get((at, id(el)))
            if known is not None:
                found = known
                break
            visited.append(id(el))
            if self._from(parent, at, seen):
                found = True
                break
            el, parent = parent, _parent(parent)
        for key in visited:
            seen[at, key] = found
        return found


def _attribute(el: Tag, name: str, default: str | Sequence[str]) -> str | Sequence[str]:
    """The value soupsieve reads: the first attribute whose name lowers to ``name``."""
    for key, value in el.attrs.items():
        if key == name or (len(key) == len(name) and _lower(key) == name):
            return "" if value is None else value
    return default


def _parent(el: Tag) -> Tag | None:
    """soupsieve's parent: none above the root element, none past a ``<template>``."""
    parent = el.parent
    if parent is None or isinstance(parent, BeautifulSoup):
        return None
    name = parent.name
    if len(name) == 8 and _lower(name) == "template":
        return None
    return parent


@lru_cache(maxsize=4096)
def plain(selector: str) -> Plain | None:
    """The selector as compounds and combinators; None when it is more than that."""
    compounds: list[_Compound] = []
    child: list[bool] = []
    joined = False
    for token in selector.split(" "):
        if token == ">":
            if joined or not compounds:
                return None
            joined = True
            continue
        found = _COMPOUND.fullmatch(token)
        if not token or found is None:
            return None
        tag, rest = found.groups()
        parts = _PART.findall(rest)
        compounds.append(
            _Compound(
                tag=_lower(tag) if tag else None,
                ids=tuple(v for kind, v in parts if kind == "#"),
                classes=tuple(v for kind, v in parts if kind == "."),
            )
        )
        child.append(joined)
        joined = False
    if joined or not compounds:
        return None
    return Plain(selector, tuple(compounds), tuple(child))


def matcher(selector: str) -> Callable[[Tag], bool]:
    """Whether an element matches the selector, as soupsieve's ``match`` says; for the
    elements of one tree, unchanged while the matcher is in use."""
    found = plain(selector)
    if found is None:
        return compiled(selector).match
    return partial(found.match, seen={})
