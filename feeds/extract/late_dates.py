"""The last of an article's dates from the page, for pages that show none near the headline
and have none in the URL: the date beside a link to this very page (its own entry in a
'latest' list), a short text anywhere that labels its date ('Stand: 04.05.2021', '发布于 2天前'),
and a date a script holds for the page. ``page_dates.py`` reads the rest."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from bs4.element import NavigableString

from feeds.extract.date_context import Read
from feeds.extract.html import attr
from feeds.extract.markup import INVISIBLE, split_url
from feeds.extract.page import elsewhere, short_match
from feeds.extract.page_dates import DATE_TEXT_MAX, LINKS_MAX, dateline_like, updated_only
from feeds.lazyre import lazy
from feeds.models import ParsedDate

# Words that say a date is the page's: published, posted, last edited/updated, in the languages
# of dates.py's month names and Chinese.
_DATE_WORDS = lazy(
    r"published|posted|last\s+(?:edited|updated|modified)|updated|veröffentlicht|erstellt"
    r"|aktualisiert|\bstand\b|publié|mis à jour|publicado|actualizado|pubblicato"
    r"|aggiornato|gepubliceerd|letzte\s+änderung|geändert|发布|发表|更新"
    r"|modifi(?:é|cado|cato|ca\s+il)|atualizado|bijgewerkt|geplaatst|publicerad|publisert"
    r"|publiceret|uppdaterad|oppdatert|opdateret|opublikowano|aktualizacja|aktualizováno"
    r"|publikováno|julkaistu|päivitetty|yayınlanma|güncelleme",
    re.IGNORECASE,
)
_SCRIPTS_MAX = 200
_SCRIPT_TEXT_MAX = 200_000
_SCRIPT_KEY_DATE = lazy(
    r"[\"']?(?:date_?published|published_?(?:at|date|time|on)|pub_?(?:date|time)|publish_?(?:date|time)"
    r"|publication_?(?:date|time)|date_?of_?publication|date_?created|created_?at|post_?date)"
    r"[\"']?\s*[:=]\s*[\"']"
    r"(\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:[T ]\d{1,2}:\d\d(?::\d\d)?(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)?)",
    re.IGNORECASE,
)
# The same keys holding a Unix time ('"publish_time": 1715559441'), and WeChat's 'var ct =
# "1715559441"': the only date its article pages carry, the one its script shows.
_SCRIPT_KEY_EPOCH = lazy(
    r"(?:\bvar\s+ct|[\"']?(?:create_?time|date_?published|published_?(?:at|time)|publish_?time"
    r"|pub_?time)[\"']?)\s*[:=]\s*[\"']?(\d{10})(?![\d.])",
    re.IGNORECASE,
)
_SCRIPT_STAMP = lazy(r"[\"'(]\s*(\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d(?::\d\d)?)")


def self_link_date(soup: BeautifulSoup, url: str, read: Read) -> ParsedDate | None:
    """The date beside a link to this very page: the page's own entry in a 'latest' list
    or a teaser strip, where a page without a dateline still shows its date."""
    page = split_url(url)
    path = page.path.rstrip("/") if page is not None else ""
    if page is None or not path:
        return None
    for link in soup.find_all("a", href=True, limit=LINKS_MAX):
        href = split_url(attr(link, "href") or "")
        if href is None or href.path.rstrip("/") != path:
            continue
        if href.netloc and href.netloc != page.netloc:
            continue
        for block in (link, *list(link.parents)[:2]):
            text = " ".join(block.get_text(" ").split())
            if len(text) > DATE_TEXT_MAX * 2:
                break
            if found := read(text):
                return found
    return None


def labelled_date(soup: BeautifulSoup, read: Read) -> ParsedDate | None:
    """A short text anywhere that says what its date is ('last edited 2019-11-10', 'Stand:
    04.05.2021', 'Publié le …'): on pages with no dateline near the headline."""
    body = soup.body or soup
    later: ParsedDate | None = None
    for string in body.find_all(string=short_match(_DATE_WORDS, DATE_TEXT_MAX), limit=LINKS_MAX):
        parent = string.parent
        if type(string) is not NavigableString or parent is None or parent.name in INVISIBLE:
            continue
        if elsewhere(parent) or not dateline_like(string):
            continue  # not the story's prose either ('国家统计局今天发布数据显示，…')
        # The sentence may say it all ('This entry was posted on Wednesday, November 27th,
        # 2019 at 3:21 pm and is filed under <a>…</a>'); else the label may be an element of
        # its own beside the date's ('<label>Letzte Änderung:</label><div>14.01.2022 um
        # 09:25</div>'): then their common parent says both.
        found = read(str(string))
        for block in (parent, parent.parent) if found is None else ():
            text = " ".join(block.get_text(" ").split()) if block is not None else ""
            if len(text) > DATE_TEXT_MAX:
                break
            if found := read(text):
                break
        if found is not None and not updated_only(str(string)):
            return found
        later = later or found
    # A date labelled only as the last update ('Updated: August 22, 2019'), when no other
    # is labelled.
    return later


def script_date(soup: BeautifulSoup, read: Read) -> ParsedDate | None:
    """The last resort: a date a script holds for the page, under a key that says it is the
    publication's ('"published_at":"2019-03-02T06:22:28+01:00"', '"publish_time": 1715559441'),
    else the first timestamp
    with its clock that a script writes out ('showDate("2020/04/17 01:43:09")')."""
    stamps: list[str] = []
    for script in soup.find_all("script", limit=_SCRIPTS_MAX):
        code = (script.string or "")[:_SCRIPT_TEXT_MAX]
        if "ld+json" in (attr(script, "type") or "") or not code:
            continue  # JSON-LD is metadata_date's
        for key in (_SCRIPT_KEY_DATE, _SCRIPT_KEY_EPOCH):
            if (match := key.search(code)) and (found := read(match[1])):
                return found
        stamps += _SCRIPT_STAMP.findall(code)[:1]
    return next((found for stamp in stamps if (found := read(stamp))), None)
