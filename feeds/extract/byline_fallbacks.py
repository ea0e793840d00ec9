"""Last bylines before the site's own name stands for the author (issue 15): a line under the
headline marked up as a name ('<div class="name">AFP, MANILA</div>'), and the source a
story credits at its end ('Quelle: kathpress'). Both are read only when nothing else names a
writer: a news agency or a partner that wrote the story says more than the publisher."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from feeds.extract.byline_lines import lines_after
from feeds.extract.byline_words import SOURCE_WORD
from feeds.extract.html import attr
from feeds.extract.labels import clean_name
from feeds.extract.markup import INVISIBLE
from feeds.extract.page import elsewhere, longer_than
from feeds.extract.person_names import person_name
from feeds.lazyre import lazy

_WORDS = lazy(r"[^a-z]+")
_NAME_LINE = 60
# 'Quelle: kathpress', 'Source : AFP', 'Fuente: EFE': the story's credit line, short.
_SOURCE = lazy(r"^\s*(?:quelle|source|fuente|fonte|bron)\s*[:：]\s*(\S.{0,40})$", re.I)
_SOURCE_LINES = 20  # credit lines read after the headline
_SOURCE_LINE = 80


def named_line(headline: list[Tag]) -> str | None:
    """The first short line under the headline whose element (or its parent) is called a
    'name' ('<div class="name">', '<span class="author-box name">')."""
    if not headline:
        return None
    for line, host in lines_after(headline[0]):
        if len(line) <= _NAME_LINE and any(_called_name(e) for e in (host, host.parent)):
            return person_name(line)
    return None


def _called_name(element: Tag | None) -> bool:
    if element is None:
        return False
    return "name" in _WORDS.split(f"{attr(element, 'class') or ''}".lower())


def credited_source(soup: BeautifulSoup, headline: list[Tag]) -> str | None:
    """The source the story credits on a line of its own after the headline: 'Quelle:
    kathpress' -> 'kathpress'. The last such line, outside comments and sidebars."""
    start = headline[0] if headline else soup.body
    if start is None:
        return None
    found = None
    for node in start.find_all_next(string=SOURCE_WORD, limit=_SOURCE_LINES):
        if type(node) is not NavigableString or node.parent is None:
            continue
        if node.parent.name in INVISIBLE:
            continue
        host = node.parent if node.parent.name != "a" else node.parent.parent
        if not isinstance(host, Tag) or longer_than(host, _SOURCE_LINE):
            continue
        line = " ".join(host.get_text(" ").split())
        if (match := _SOURCE.match(line)) and not elsewhere(host, itself=True):
            found = clean_name(match[1]) or found
    return found
