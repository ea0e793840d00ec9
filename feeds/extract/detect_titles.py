"""Where a detected list's titles are when its links do not hold them: for each item, the
element whose text is the item's title. ``detect_selectors`` names those elements by one
selector relative to the items (``listing.title``) and keeps it only when it reads them all.

- Whole-card links (``a.card`` holding an image, an ``h3``, a date and an intro, whether the
  link is the item or inside it): the heading inside each (``card_headings``).
- A headline link that wraps its whole row, date included: the part beside the date
  (``beside_date``).
- A link that only labels the way in, the same words on every item ('Read more »', '[PDF]',
  '详细', '阅读全文'): the item's headline beside it (``beside_label``), the heading, else an
  element named as a title, else bold text, else the one short text of the item that is
  neither a link nor a date. A feed whose every entry is called 'Read more' names nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bs4 import Tag
from bs4.element import NavigableString

from feeds.extract.detect_dates import is_date
from feeds.extract.detect_page import HEADINGS, HEADLINE_UNITS, units
from feeds.extract.html import attr, inside, text_of
from feeds.extract.names import class_names
from feeds.lazyre import lazy

if TYPE_CHECKING:  # detect_groups reads the headlines beside labels through this module
    from feeds.extract.detect_groups import Item

__all__ = ["beside_date", "beside_label", "card_headings", "label_headlines"]

# Longer, and a text is an intro, not a headline.
_TITLE_UNITS = 40.0
_LABEL_KEY = lazy(r"[\W_]+")
_TITLE_CLASS = lazy(r"(?i)title|headline|^tit$|^bt$")
_BOLD = ("b", "strong")
# An item's texts looked at for its headline, which opens it, and the wrappers around one.
_STRINGS_READ = 40
_WRAPPERS = 4


def card_headings(items: Sequence[Item]) -> list[Tag] | None:
    """The heading inside each whole-card link, when every one holds one."""
    headings = [i.link.find(list(HEADINGS)) for i in items]
    found = [h for h in headings if isinstance(h, Tag) and text_of(h)]
    return found if len(found) == len(items) else None


def beside_date(items: Sequence[Item]) -> list[Tag] | None:
    """When each headline link wraps its whole row, date included (``<a><p>title</p>
    <span>2024-12-06</span></a>``) and has no title attribute, its text holds the date too:
    the title is the element beside the date, the largest."""
    if any(i.date is None or not inside(i.date, i.link) or attr(i.link, "title") for i in items):
        return None
    parts = [_title_part(i.link, i.date) for i in items if i.date is not None]
    found = [p for p in parts if p is not None]
    return found if len(found) == len(items) else None


def _title_part(link: Tag, date: Tag) -> Tag | None:
    """The child of the link, beside its date, with the longest text."""
    beside = [
        child
        for child in link.find_all(True, recursive=False)
        if child is not date and not inside(date, child)
    ]
    best = max(beside, key=lambda c: len(text_of(c) or ""), default=None)
    return best if best is not None and text_of(best) else None


def beside_label(items: Sequence[Item]) -> list[Tag] | None:
    """The headlines that ``label_headlines`` found beside the items' links, if it did."""
    found = [i.headline for i in items if i.headline is not None]
    return found if len(found) == len(items) else None


def label_headlines(items: Sequence[tuple[Tag, str, float, str]]) -> list[Tag] | None:
    """For items (element, link text, its units, link URL) whose links all say the same few
    words and lead to as many pages, the headline beside the link in each; None when they
    don't, when an item has no headline or when two items would share a title. (Links that
    say the same and lead to one page name a writer or a section, not the way in.)"""
    keys = {_LABEL_KEY.sub("", title).casefold() for _, title, _, _ in items}
    if len(keys) != 1 or any(size >= HEADLINE_UNITS for _, _, size, _ in items):
        return None
    if len({url for _, _, _, url in items}) != len(items):
        return None
    found = [_headline(node) for node, _, _, _ in items]
    titles = {text_of(t) for t in found if t is not None}
    if None in found or len(titles) != len(items):
        return None
    return [t for t in found if t is not None]


def _headline(member: Tag) -> Tag | None:
    texts: list[Tag] = []
    for string in member.find_all(string=True, limit=_STRINGS_READ):
        node = _holder(string, member) if string.strip() else None
        fresh = node is not None and all(node is not t for t in texts)
        if node is not None and fresh and _title_like(text_of(node) or ""):
            texts.append(node)
    for choose in (_in_heading, _named_title, _bold, _only_text):
        if (found := choose(texts)) is not None:
            return found
    return None


def _holder(string: NavigableString, member: Tag) -> Tag | None:
    """The element that holds a text of the item and nothing else, outside links: of the
    wrappers around it ('<div class="title"><h3><span>标题'), a heading, an element named as a
    title or bold text, else the innermost."""
    node = string.parent
    if type(string) is not NavigableString or node is None or node.name in ("script", "style"):
        return None
    if any(a.name == "a" for a in _up_to(node, member)):
        return None
    chain = [node]
    while len(chain) < _WRAPPERS and (up := chain[-1].parent) is not None and up is not member:
        if any(c is not chain[-1] and (isinstance(c, Tag) or str(c).strip()) for c in up.contents):
            break  # the wrapper holds more than this text
        chain.append(up)
    return next((n for n in chain if _marked(n)), chain[0])


def _up_to(node: Tag, member: Tag) -> list[Tag]:
    chain = [node]
    for parent in node.parents:
        if parent is member:
            return chain
        chain.append(parent)
    return chain


def _marked(node: Tag) -> bool:
    return node.name in HEADINGS or node.name in _BOLD or _named(node)


def _named(node: Tag) -> bool:
    return any(_TITLE_CLASS.search(c) for c in class_names(node))


def _title_like(text: str) -> bool:
    return HEADLINE_UNITS <= units(text) <= _TITLE_UNITS and not is_date(text)


def _in_heading(texts: list[Tag]) -> Tag | None:
    return next((t for t in texts if t.name in HEADINGS), None)


def _named_title(texts: list[Tag]) -> Tag | None:
    return next((t for t in texts if _named(t)), None)


def _bold(texts: list[Tag]) -> Tag | None:
    return next((t for t in texts if t.name in _BOLD), None)


def _only_text(texts: list[Tag]) -> Tag | None:
    """The one text of headline length, counted once however deep its element: '<span
    class="t"><font>标题</font></span>' is one text."""
    outer = [t for t in texts if not any(inside(t, other) for other in texts)]
    return outer[0] if len(outer) == 1 else None
