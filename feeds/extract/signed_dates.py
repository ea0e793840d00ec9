"""The date that signs an official notice, when the page prints no other.

A government or company announcement (通知, 公告) often shows no dateline: it closes the way a
letter does, with the issuer's name and then the day on a line of its own, set to the right
('某某市工业和信息化局' / '2024年5月13日', or '二〇二四年五月十三日'). That day is the notice's
date, and the one a reader sees. Only a line that is nothing but a full date counts, and only
right after the story's prose: a list of dated links below the story is not a signature."""

from __future__ import annotations

from bs4 import BeautifulSoup
from bs4.element import NavigableString

from feeds.extract.date_context import Read
from feeds.extract.markup import INVISIBLE
from feeds.extract.page import elsewhere
from feeds.lazyre import lazy
from feeds.models import ParsedDate

_CN_DIGIT = "〇○零一二三四五六七八九"
# Nothing but a day with its year: '2024年5月13日', '二〇二四年五月十三日', '2024-05-13'.
_ONLY_DATE = lazy(
    rf"^(?:(?:\d{{4}}|[{_CN_DIGIT}]{{4}})\s*年\s*[\d{_CN_DIGIT}十]{{1,3}}\s*月"
    rf"\s*[\d{_CN_DIGIT}十]{{1,3}}\s*[日号]"
    r"|\d{4}([-./])\d{1,2}\1\d{1,2})$"
)
_PROSE = 40  # characters: a sentence of the story, not a name, a title or a link
_TEXTS_BACK = 8  # texts looked at above the date: the issuer's name, the story's last lines
_STRINGS_MAX = 3000  # texts read from the page's end at most
_TRIED_MAX = 20  # lines that are only a date, looked at from the end


def signed_date(soup: BeautifulSoup, read: Read) -> ParsedDate | None:
    """The date on its own line that closes the story (see the module), else None."""
    body = soup.body or soup
    strings = [s for s in body.find_all(string=True) if type(s) is NavigableString]
    tried = 0
    for string in reversed(strings[-_STRINGS_MAX:]):
        text = " ".join(string.split())
        if not text or not _ONLY_DATE.match(text) or _hidden_or_linked(string):
            continue
        tried += 1
        if tried > _TRIED_MAX:
            break  # a table of dates, not a notice's signature
        if elsewhere(string) or not _after_prose(string):
            continue
        return read(text)
    return None


def _after_prose(string: NavigableString) -> bool:
    """Whether a line of the story's prose, not a link's text, stands a few texts above."""
    texts = 0
    for node in string.previous_elements:  # a generator: read no further than needed
        if type(node) is not NavigableString or not node.strip() or _hidden(node):
            continue
        if len(node.strip()) >= _PROSE and not _linked(node):
            return True
        texts += 1  # a link's text counts too: a menu between story and date parts them
        if texts >= _TEXTS_BACK:
            return False
    return False


def _hidden_or_linked(string: NavigableString) -> bool:
    return _hidden(string) or _linked(string)


def _hidden(string: NavigableString) -> bool:
    return any(p.name in INVISIBLE for p in string.parents)


def _linked(string: NavigableString) -> bool:
    """In a link or a list item: a teaser's text, not the story's."""
    return any(p.name in ("a", "li") for p in string.parents)
