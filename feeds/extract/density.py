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
from bs4.element import NavigableString, PageElement

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
    """The best block, its score and its visible text without whitespace. ``run`` is set
    when the block is a run of ``node``'s children rather than the whole of it."""

    node: Tag
    score: float
    text: str
    run: tuple[PageElement, ...] = ()

    def html(self) -> str:
        """The block's markup: the element's contents, or its run of children."""
        if not self.run:
            return self.node.decode_contents()
        return "".join(
            n.decode() if isinstance(n, Tag) else n.output_ready("minimal")
            for n in self.run
            if isinstance(n, Tag | NavigableString)
        )


def squashed(text: str) -> str:
    """``text`` without whitespace: how texts are compared, whatever their layout."""
    return _SPACE.sub("", text)


def squashed_text(node: PageElement) -> str:
    """A block's visible text without whitespace (a tag's visible strings, or the string
    itself): how blocks are told apart or found inside others, whatever their layout."""
    if isinstance(node, NavigableString):
        return squashed(str(node))
    if not isinstance(node, Tag):
        return ""
    return "".join(squashed(str(s)) for s, _, _ in visible_strings(node))


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
    and footers; None when nothing weighs more than zero (a page of links).

    An element's best run of children is a candidate too: an old portal's story is often
    loose paragraphs ('<p>' never closed) in the cell that also holds its related links,
    and no element holds the paragraphs alone."""
    body = soup.body or soup
    scores: dict[int, float] = {}
    # What a run is cut by: links only; a heading, a kicker or a dateline (short text
    # outside links) weighs nothing there, so that it stays with its story.
    linked: dict[int, float] = {}
    for string, ancestors, in_link in visible_strings(body):
        value = weight(str(string), in_link)
        cut = value if value > 0 or in_link else 0.0
        scores[id(string)], linked[id(string)] = value, cut
        for ancestor in ancestors:
            scores[id(ancestor)] = scores.get(id(ancestor), 0.0) + value
            linked[id(ancestor)] = linked.get(id(ancestor), 0.0) + cut
    best: Tag | None = None
    best_score = 0.0
    best_run: tuple[PageElement, ...] = ()
    for element in (body, *body.find_all(True)):
        # Document order puts ancestors first: on a tie the outer block wins, so a lead
        # image beside the text (weight 0) stays in.
        score = scores.get(id(element), 0.0)
        run = _best_run(element, linked)
        run_score = sum(scores.get(id(child), 0.0) for child in run)
        if run_score > max(score, best_score) and not _chrome(element, *run):
            best, best_score, best_run = element, run_score, run
        elif score > best_score and not elsewhere(element, _NOT_ARTICLE, itself=True):
            best, best_score, best_run = element, score, ()
    if best is None:
        return None
    parts = best_run or (best,)
    text = "".join(squashed(str(s)) for part in parts for s in _strings(part))
    return Block(best, best_score, text, best_run)


def _best_run(element: Tag, values: dict[int, float]) -> tuple[PageElement, ...]:
    """The run of ``element``'s children that weighs most by ``values`` (the maximum
    subarray), with the children of no weight at its edges (a picture, a blank line); ()
    when the run is one child (that child is a candidate itself) or all of them (the
    element is)."""
    children = list(element.children)
    weights = [values.get(id(child), 0.0) for child in children]
    best = current = 0.0
    start = best_start = best_end = 0
    for at, value in enumerate(weights):
        if current + value < 0:
            current, start = 0.0, at + 1
            continue
        current += value
        if current > best:
            best, best_start, best_end = current, start, at + 1
    while best_end < len(weights) and weights[best_end] == 0:
        best_end += 1
    run = children[best_start:best_end]
    if len(run) == len(children) or sum(_shown(c) for c in run) < 2:
        return ()
    return tuple(run)


def _strings(part: PageElement) -> Iterator[NavigableString]:
    if isinstance(part, Tag):
        yield from (s for s, _, _ in visible_strings(part))
    elif type(part) is NavigableString and part.strip():
        yield part


def _shown(part: PageElement) -> bool:
    return isinstance(part, Tag) or (type(part) is NavigableString and bool(part.strip()))


def _chrome(element: Tag, *run: PageElement) -> bool:
    """Whether the element, or a child in its run, is a comment, menu, footer or notice."""
    parts = (element, *(c for c in run if isinstance(c, Tag)))
    return any(elsewhere(part, _NOT_ARTICLE, itself=True) for part in parts)
