"""Who a page names who is not the story's writer, so that metadata naming them is not
read as the author: the editors it labels anywhere ('[ 责编：张倩 ]' under the story; Chinese
CMSs put the editor's name in <meta name="author">), and the makers only its footer credits
('由 Summer 设计和编码', 'Theme by Ann Lee')."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bs4 import BeautifulSoup
from bs4.element import NavigableString

from feeds.extract.labels import EDITOR_LABELS, labelled_editor
from feeds.extract.markup import INVISIBLE
from feeds.extract.page import elsewhere_block
from feeds.lazyre import lazy

__all__ = ["footer_credits", "labelled_editors"]

_EDITOR_WORD = lazy("|".join(EDITOR_LABELS), re.IGNORECASE)
_EDITOR_LINE = 40  # '[ 责编：张倩 ]': a label and a name, not a sentence about an editor


def labelled_editors(soup: BeautifulSoup) -> list[str]:
    """The editors a page labels anywhere, on a short line of their own ('[ 责编：张倩 ]'
    under the story): Chinese CMSs put the editor's name in <meta name="author">."""
    found = []
    for node in soup.find_all(string=_EDITOR_WORD):
        if node.parent is None or node.parent.name in INVISIBLE or len(node) > _EDITOR_LINE:
            continue
        if name := labelled_editor(str(node).strip()):
            found.append(name)
    return found


_FOOTER = frozenset({"footer"})
_CREDITS_READ = 20  # strings looked at for one name


def footer_credits(soup: BeautifulSoup, names: Iterable[str]) -> list[str]:
    """The names the page shows only in its footer ('由 Summer 设计和编码', 'Theme by Ann
    Lee'): a template's <meta name="author"> naming the site's maker, not the story's
    writer, who stands by the headline or in the story if the page shows them at all."""
    body = soup.body or soup
    found = []
    for name in names:
        if len(name) < 2:
            continue
        shown = [
            node
            for node in body.find_all(
                string=lambda s, n=name: s is not None and n in s, limit=_CREDITS_READ
            )
            if type(node) is NavigableString
            and node.parent is not None
            and node.parent.name not in INVISIBLE
        ]
        if shown and all(_in_footer(node) for node in shown):
            found.append(name)
    return found


def _in_footer(node: NavigableString) -> bool:
    block = elsewhere_block(node, _FOOTER)
    return block is not None and block.name not in ("aside", "nav")
