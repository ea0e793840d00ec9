"""An author's card left at the end of the extracted story: the box many blog and news
templates put under a post (a photo, the writer's name, a few lines about them, links to
their accounts). trafilatura drops the parts whose class says 'author' (the name) and keeps
the rest, so the story ends in 'Patrick Ludolph, photographer from Hamburg … Follow me on
Instagram'. A reader of the feed wants the story, and the writer is the item's author already.

A card is known by its markup: the writer's microdata (``itemprop="author"`` on an
``itemscope``, a Person) or a class or id that names an author's box, bio or profile
('saboxplugin' is the Simple Author Box plugin's own name). As trafilatura drops class names,
the extracted blocks are matched by their text: a block at the content's end whose text is part
of a card's goes. Only at the end, where the cards stand; a writer's card above the story is
trafilatura's to judge, and a block that only quotes a line of the card stays. The card's
picture (the writer's portrait) goes with it: it is known by its address.
"""

from __future__ import annotations

from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag
from bs4.element import PageElement

from feeds.extract.content import blocks_holder
from feeds.extract.density import squashed_text
from feeds.extract.html import attr
from feeds.lazyre import lazy

__all__ = ["strip_author_cards"]

# A class or id naming the box about the writer: 'author-bio', 'about-author', 'authorbox',
# 'post-author-info', 'saboxplugin-wrap'. Not 'author' alone, a byline's class.
_CARD_NAME = lazy(
    r"(?i)(?:^|[-_\s])(?:author|writer)[-_]?(?:bio|box|card|info|about|profile|desc|details|intro)"
    r"|about[-_]?(?:the[-_]?)?(?:author|writer)|saboxplugin"
)
# A card holds a line about the writer, not just the name a byline shows.
_CARD_MIN = 40
# Longer, and the element holds more than a card: a post whose class names its author.
_CARD_MAX = 2000
# A block's text must be this long to be recognised inside a card's (not 'Instagram').
_BLOCK_MIN = 10


def strip_author_cards(root: Tag, page: BeautifulSoup, base: str) -> None:
    """Remove, in place, the blocks at the end of the extracted content ``root`` whose text
    is part of one of the page's (``page``, only read) author cards, or is a card's picture
    (addresses read against ``base``: the extractor writes them absolute)."""
    cards, photos = _cards(page, base)
    if not cards:
        return
    blocks = [c for c in blocks_holder(root).children if isinstance(c, Tag) or str(c).strip()]
    for node in reversed(blocks[1:]):  # the first block stays: it is the story's start
        if not (_photo_of(node, photos, base) or _lines_of(node, cards)):
            break
        node.extract()


def _cards(page: BeautifulSoup, base: str) -> tuple[list[str], set[str]]:
    """The texts of the page's author cards, and the addresses of their pictures."""
    cards: list[str] = []
    photos: set[str] = set()
    for node in page.find_all(True):
        if not _is_card(node):
            continue
        text = squashed_text(node)
        if _CARD_MIN <= len(text) <= _CARD_MAX:
            cards.append(text)
            photos.update(_address(img, base) for img in node.find_all("img"))
    return cards, photos


def _lines_of(node: PageElement, cards: list[str]) -> bool:
    text = squashed_text(node)
    return len(text) >= _BLOCK_MIN and any(text in card for card in cards)


def _photo_of(node: PageElement, photos: set[str], base: str) -> bool:
    """A picture of a card's, alone (the writer's portrait), or wrapped in a text-less link."""
    if not isinstance(node, Tag) or squashed_text(node):
        return False
    images = [node] if node.name == "img" else node.find_all("img")
    return bool(images) and all(_address(img, base) in photos for img in images)


def _address(img: Tag, base: str) -> str:
    try:
        return urljoin(base, attr(img, "src") or "")
    except ValueError:  # urljoin refuses some addresses ("http://[x]/")
        return ""


def _is_card(node: Tag) -> bool:
    itemprop = (attr(node, "itemprop") or "").lower().split()
    if "author" in itemprop and node.has_attr("itemscope"):
        return True
    names = f"{attr(node, 'class') or ''} {attr(node, 'id') or ''}"
    return bool(names.strip()) and _CARD_NAME.search(names) is not None
