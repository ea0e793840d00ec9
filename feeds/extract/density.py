"""The densest block of prose on a page: a main-content finder that counts characters, not
words, so it reads Chinese as well as English.

Every visible string gets a weight: prose (a sentence with punctuation, or a long run of
text) counts plus its length; link text and short fragments (menus, labels, dates, ads)
count minus. A block's score is the sum over the strings inside it, and the best block is
the one with the highest score: the tightest container around the article's paragraphs,
since taking in the menus around them costs more than it brings.

``content.py`` uses it beside trafilatura: on table-layout portals trafilatura often keeps
whole navigation bars and teaser lists, or finds nothing at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from feeds.extract.markup import INVISIBLE
from feeds.extract.page import ELSEWHERE, elsewhere
from feeds.lazyre import lazy

# Text inside these is never shown as prose (form controls), on top of markup.INVISIBLE.
_SKIPPED = INVISIBLE | {"textarea", "select", "button"}
# Sentence punctuation, full-width (。，；！？、：“”) and ASCII; '.' and ':' only before a space
# or at the end, so '3.5' and '10:30' are not sentences.
_PUNCTUATION = lazy(r"[。，；！？、：“”,;!?]|[.:](?=\s|$)")
_SPACE = lazy(r"\s+")
_PROSE_MIN = 10  # a shorter string is a label even with punctuation ('来源：', 'Home, ')
_PROSE_LONG = 40  # a longer string is prose even without punctuation
_FRAGMENT_WEIGHT = 0.5  # short unlinked text is chrome, but less surely than a link
# Class and id words of blocks whose prose is not the article, beyond page.ELSEWHERE's:
# menus with teasers, cookie and consent notices, disclaimers.
_NOT_ARTICLE = ELSEWHERE | {
    "menu", "submenu", "nav", "navigation", "navbar", "cookie", "cookies", "consent", "gdpr",
    "disclaimer",
}  # fmt: skip


@dataclass(frozen=True)
class Block:
    """The best block, its score and its visible text without whitespace."""

    node: Tag
    score: float
    text: str


def squashed(text: str) -> str:
    """``text`` without whitespace: how texts are compared, whatever their layout."""
    return _SPACE.sub("", text)


def weight(text: str, in_link: bool) -> float:
    """How much a visible string says "article": + its length for prose, - for the rest."""
    length = len(squashed(text))
    if in_link:
        return -length
    if length >= _PROSE_LONG or (length >= _PROSE_MIN and _PUNCTUATION.search(text)):
        return length
    return -_FRAGMENT_WEIGHT * length


def prose_and_links(root: Tag) -> tuple[float, int, int]:
    """(the weight of the prose under ``root``, the length of its link text, the length of
    all its visible text): what says whether a block is the story's or a list of links."""
    prose = 0.0
    linked = total = 0
    for string, _, in_link in visible_strings(root):
        length = len(squashed(str(string)))
        total += length
        linked += length if in_link else 0
        prose += max(weight(str(string), in_link), 0.0)
    return prose, linked, total


def visible_strings(root: Tag) -> Iterator[tuple[NavigableString, list[Tag], bool]]:
    """Each visible non-blank string under ``root``, with its ancestors up to ``root`` and
    whether it is link text."""
    for string in root.find_all(string=True):
        if type(string) is not NavigableString or not string.strip():
            continue  # comments, CDATA, doctype, whitespace between tags
        ancestors: list[Tag] = []
        for parent in string.parents:
            ancestors.append(parent)
            if parent is root:
                break
        if not any(a.name in _SKIPPED for a in ancestors):
            yield string, ancestors, any(a.name == "a" for a in ancestors)


def densest_block(soup: BeautifulSoup) -> Block | None:
    """The element under <body> whose strings weigh most, outside comments, teasers, menus
    and footers; None when nothing weighs more than zero (a page of links)."""
    body = soup.body or soup
    scores: dict[int, float] = {}
    for string, ancestors, in_link in visible_strings(body):
        value = weight(str(string), in_link)
        for ancestor in ancestors:
            scores[id(ancestor)] = scores.get(id(ancestor), 0.0) + value
    best: Tag | None = None
    best_score = 0.0
    for element in (body, *body.find_all(True)):
        # Document order puts ancestors first: on a tie the outer block wins, so a lead
        # image beside the text (weight 0) stays in.
        score = scores.get(id(element), 0.0)
        if score > best_score and not elsewhere(element, _NOT_ARTICLE, itself=True):
            best, best_score = element, score
    if best is None:
        return None
    text = "".join(squashed(str(s)) for s, _, _ in visible_strings(best))
    return Block(best, best_score, text)
