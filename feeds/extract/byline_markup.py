"""Byline markup found in one walk of the page (issue 19): the elements that
``bylines.AUTHOR_MARKUP`` and ``bylines.FOREIGN_MARKUP`` select, without soupsieve running
their twenty-odd selectors over every element (40 % of an author-less article's CPU).
``tests/test_byline_markup.py`` checks that both give the same elements on every page of
the corpus."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from feeds.extract.byline_words import (
    CLASS_WORDS,
    DATA_ATTRS,
    DATA_WORDS,
    ELEMENTS,
    FN_HOLDERS,
    FOREIGN_WORDS,
    ID_WORDS,
)

__all__ = [
    "CLASS_WORDS",
    "DATA_ATTRS",
    "DATA_WORDS",
    "ELEMENTS",
    "FN_HOLDERS",
    "FOREIGN_WORDS",
    "ID_WORDS",
    "markup",
    "microdata_name",
]

# How many microdata names a byline block is searched for (an author card holds one or two).
_MICRODATA_NAMES = 4


def markup(soup: BeautifulSoup) -> tuple[list[Tag], list[Tag]]:
    """(the elements AUTHOR_MARKUP selects, those FOREIGN_MARKUP selects), in page order."""
    nodes: list[Tag] = []
    foreign: list[Tag] = []
    for element in soup.find_all(True):
        classes = _words(element.get("class"))
        names = " ".join(classes).lower()
        ident = str(element.get("id") or "").lower()
        if _author(element, classes, names, ident):
            nodes.append(element)
        if any(w in names or w in ident for w in FOREIGN_WORDS):
            foreign.append(element)
    return nodes, foreign


def _author(element: Tag, classes: list[str], names: str, ident: str) -> bool:
    if element.name in ELEMENTS or "author" in _words(element.get("itemprop")):
        return True
    if any(w in names for w in CLASS_WORDS) or any(w in ident for w in ID_WORDS):
        return True
    # HTML's rel values are case-insensitive (soupsieve follows the spec's list of such
    # attributes); itemprop, class and id are not.
    if element.name == "a" and "author" in (w.lower() for w in _words(element.get("rel"))):
        return True
    if element.get("itemprop") == "name" and _inside(element, "author"):
        return True
    if any(w in str(element.get(a) or "").lower() for a in DATA_ATTRS for w in DATA_WORDS):
        return True
    return "fn" in classes and any(
        not FN_HOLDERS.isdisjoint(_words(parent.get("class"))) for parent in element.parents
    )


def microdata_name(node: Tag) -> Tag | None:
    """The microdata name of an author in or at ``node``: an ``itemprop="name"`` below an
    ``itemprop="author"`` that is ``node`` or inside it."""
    for inner in node.find_all(itemprop="name", limit=_MICRODATA_NAMES):
        for holder in inner.parents:
            if "author" in _words(holder.get("itemprop")):
                return inner
            if holder is node:
                break
    return None


def _inside(element: Tag, itemprop: str) -> bool:
    return any(itemprop in _words(parent.get("itemprop")) for parent in element.parents)


def _words(value: object) -> list[str]:
    """A multi-valued attribute as bs4 keeps it (a list), or a string split on spaces."""
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value).split() if value else []
