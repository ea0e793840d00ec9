"""The date that signs an official notice, when the page prints no other.

A government or company announcement (通知, 公告) often shows no dateline: it closes the way a
letter does, with the issuer's name and then the day on a line of its own, set to the right
('某某市工业和信息化局' / '2024年5月13日', or '二〇二四年五月十三日'). That day is the notice's
date, and the one a reader sees. Only a line that is nothing but a full date counts, and only
right after the story's prose: a list of dated links below the story is not a signature."""

from __future__ import annotations

from collections.abc import Sequence

from bs4 import BeautifulSoup

from feeds.extract.date_context import Read
from feeds.extract.dates import CN_NUMERALS
from feeds.extract.density import visible_strings
from feeds.extract.page import elsewhere
from feeds.lazyre import lazy
from feeds.models import ParsedDate

# Nothing but a day with its year: '2024年5月13日', '二〇二四年五月十三日', '2024-05-13'.
_ONLY_DATE = lazy(
    rf"^(?:(?:\d{{4}}|[{CN_NUMERALS}]{{4}})\s*年\s*[\d{CN_NUMERALS}十]{{1,3}}\s*月"
    rf"\s*[\d{CN_NUMERALS}十]{{1,3}}\s*[日号]"
    r"|\d{4}([-./])\d{1,2}\1\d{1,2})$"
)
_PROSE = 40  # characters: a sentence of the story, not a name, a title or a link
_TEXTS_BACK = 8  # texts looked at above the date: the issuer's name, the story's last lines
_STRINGS_MAX = 3000  # texts read from the page's end at most
_TRIED_MAX = 20  # lines that are only a date, looked at from the end


def signed_date(soup: BeautifulSoup, read: Read) -> ParsedDate | None:
    """The date on its own line that closes the story (see the module), else None."""
    # The page's visible texts, each with whether a link or a list item holds it (a teaser's
    # text, not the story's).
    texts = [
        (string, any(a.name in ("a", "li") for a in ancestors))
        for string, ancestors, _ in visible_strings(soup.body or soup)
    ]
    tried = 0
    for at in range(len(texts) - 1, max(len(texts) - _STRINGS_MAX, 0) - 1, -1):
        string, linked = texts[at]
        text = " ".join(string.split())
        if linked or not _ONLY_DATE.match(text):
            continue
        tried += 1
        if tried > _TRIED_MAX:
            break  # a table of dates, not a notice's signature
        if elsewhere(string) or not _after_prose(texts[max(at - _TEXTS_BACK, 0) : at]):
            continue
        return read(text)
    return None


def _after_prose(above: Sequence[tuple[str, bool]]) -> bool:
    """Whether a line of the story's prose, not a link's text, stands among the texts just
    above the date (a link's text counts too: a menu between story and date parts them)."""
    return any(len(text.strip()) >= _PROSE and not linked for text, linked in above)
