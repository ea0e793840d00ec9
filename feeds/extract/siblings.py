"""Paragraphs the extractor dropped though the page marks them up as the story's own: the
paragraphs of the class that the paragraphs it kept share.

trafilatura, favouring precision, deletes a short block that holds a link: on templates that
wrap every paragraph in a block of its own ('<div data-component="text-block"><p>'), a short
paragraph with a link goes ('It has three members, including <a>the chair</a>, …'). The
template names its paragraphs alike, so a paragraph of that class, prose and mostly not
links, outside comments and teasers (``page.elsewhere``), is the story's too, and is put back
after the kept paragraph it follows on the page (before the first, if it comes first). A
template that names no paragraph may cut the body into chunks of one block's class between ad
rails: the paragraphs of those chunks are the story's (``_story_kin``). Only a
paragraph left out whole comes back: trafilatura may keep one but for a link's text, and a
line shorter than a paragraph ('Sharing is caring!') is a widget's.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable

from bs4 import BeautifulSoup, Tag

from feeds.extract.density import prose_and_links, squashed
from feeds.extract.html import attr, parse
from feeds.extract.page import elsewhere

# A kept paragraph is matched by its text, this long at least (shorter texts recur).
_KEPT_MIN = 20
# The class counts as the story's paragraphs' when this many kept paragraphs share it.
_SHARED_BY = 3
# A paragraph with more link text than this share is a teaser or a list of links.
_LINKED_MAX = 0.5


def with_siblings(page: BeautifulSoup, html: str) -> str:
    """``html`` (the extractor's result) with the page's paragraphs of the story's class that
    it dropped put back in page order; ``html`` itself when there are none. ``page`` is only
    read."""
    fragment = parse(html)
    found = squashed(fragment.get_text())
    paragraphs = [(p, squashed(p.get_text())) for p in page.find_all("p")]
    kept = {id(p) for p, key in paragraphs if len(key) >= _KEPT_MIN and key in found}
    kin = _story_kin([p for p, _ in paragraphs if id(p) in kept], paragraphs)
    if kin is None:
        return html
    outputs = [(p, squashed(p.get_text())) for p in fragment.find_all("p")]
    anchor: Tag | None = None
    waiting: list[Tag] = []  # dropped before the first kept paragraph: they go before it
    restored = 0
    for paragraph, key in paragraphs:
        if not kin(paragraph):
            continue
        if id(paragraph) in kept:
            found_at = next((out for out, text in outputs if key in text), None)
            if found_at is not None and anchor is None:
                for added in waiting:
                    found_at.insert_before(added)
                restored += len(waiting)
            anchor = found_at or anchor
        elif _dropped(paragraph, key, found) and _story_prose(paragraph):
            added = copy.copy(paragraph)
            if anchor is None:
                waiting.append(added)
                continue
            anchor.insert_after(added)
            anchor = added
            restored += 1
    result = (fragment.body or fragment).decode_contents() if restored else html
    fragment.decompose()
    return result


def _dropped(paragraph: Tag, key: str, found: str) -> bool:
    """Whether the extractor left out the whole paragraph: not a line of it is in its text (it
    may have kept the paragraph but for a link, which must not bring it back twice). A line
    too short to count as a paragraph of its own ('Sharing is caring!') is not brought back."""
    if len(key) < _KEPT_MIN or key in found:
        return False
    lines = (squashed(str(s)) for s in paragraph.find_all(string=True))
    return not any(len(line) >= _KEPT_MIN and line in found for line in lines)


def _story_kin(kept: list[Tag], paragraphs: list[tuple[Tag, str]]) -> Callable[[Tag], bool] | None:
    """What tells the story's paragraphs: the class most kept paragraphs share; else where
    most of them stand, a block of a class in a block of a class, when the page has several
    such blocks holding paragraphs (a body cut into chunks between ad rails, each a '<div
    class="body__inner-container">' in a '<div class="BodyWrapper">'), of which the
    extractor may keep the first. A teaser's summary in a block of the body's class stands
    in another wrapper ('modTeaser', not 'modBody')."""
    name = _story_class(kept)
    if name is not None:
        return lambda p: _class(p) == name
    holders = Counter(_place(p) for p in kept)
    holders.pop(None, None)
    if not holders:
        return None
    place, count = holders.most_common(1)[0]
    blocks = {id(p.parent) for p, _ in paragraphs if _place(p) == place}
    if count < _SHARED_BY or 2 * count < len(kept) or len(blocks) < 2:
        return None
    return lambda p: _place(p) == place


def _place(paragraph: Tag) -> tuple[str, str] | None:
    """The classes of the paragraph's block and of that block's own, if both have one."""
    block = paragraph.parent
    holder = block.parent if block is not None else None
    if block is None or holder is None or not _class(block) or not _class(holder):
        return None
    return _class(block), _class(holder)


def _class(node: Tag) -> str:
    return attr(node, "class") or ""


def _story_class(kept: list[Tag]) -> str | None:
    """The class most of the kept paragraphs share, if enough do."""
    counts = Counter(_class(p) for p in kept if _class(p))
    if not counts:
        return None
    name, count = counts.most_common(1)[0]
    return name if count >= _SHARED_BY else None


def _story_prose(paragraph: Tag) -> bool:
    prose, linked, total = prose_and_links(paragraph)
    return prose > 0 and linked <= _LINKED_MAX * total and not elsewhere(paragraph)
