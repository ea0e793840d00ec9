"""An article's date from the page when no selector gives one: metadata, the date printed
nearest the headline, the URL (the weaker hints after it are ``late_dates.py``'s and
``signed_dates.py``'s). Parsing a date's text is ``dates.py``'s; this module finds where it
is."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from typing import Any

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from feeds.extract.date_context import Read, ago, hover_date, hover_in
from feeds.extract.date_words import DATE_META, DATE_META_LIKE
from feeds.extract.dates import parse_date, relative_text
from feeds.extract.html import attr, inside, select
from feeds.extract.markup import INVISIBLE, split_url
from feeds.extract.page import (
    NEAR_HEADLINE,
    elsewhere,
    elsewhere_block,
    ld_value,
    teaser,
)
from feeds.lazyre import lazy
from feeds.models import ParsedDate

# Generic dates a CMS stamps on every page it renders: the record's creation or last save
# (TYPO3's <meta name="date">), not always the day the story shows. Read after the page's
# own published date when there is one, and checked against the date printed by the headline.
_WEAK_DATE_META = frozenset(
    {"date", "dc.date", "dc:date", "dc.date.created", "dcterms.date", "dcterms.created"}
    | {"datecreated"}
)
# Meta names of the page's last change: article:modified_time, og:updated_time,
# dc.date.modified, CMS-prefixed ones (zdf:modificationdate), last-modified.
MODIFIED_META = lazy(r"modifi|updated?[-_.:]?(?:time|date|at)|last[-_]?modified", re.I)
# Class or id words of an element that holds the publication date, in English, German
# (datum, zeit), Spanish (fecha), Italian/Portuguese (data) and the usual CMS names.
_DATE_CUE = lazy(
    r"date|datum|fecha|\bdata\b|time|zeit|publi|posted|created|submitted|dateline|meta|info",
    re.IGNORECASE,
)
# How far from the headline (in characters of visible text) a date may stand: dates marked
# up as such (class "date", <time>) may sit further away than dates in plain text.
_NEAR_MARKED = NEAR_HEADLINE
_NEAR_PLAIN = 700
DATE_TEXT_MAX = 200  # longer text is a paragraph that mentions a date, not a dateline
# A date in the path: /2019/01/01/, /2019-01-01/, /20190101_ (year 1990-2099 first). Between
# separators the month and day may have one digit: '/art/2024/5/13/art_1229_5912.html', the
# path of the CMS behind many Chinese government sites.
_URL_DATE = lazy(
    r"/((?:19|20)\d\d)(?:[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])"
    r"|([/-])(0?[1-9]|1[0-2])\4(0?[1-9]|[12]\d|3[01]))(?:[/_.-]|$)"
)
LINKS_MAX = 2000
# A header block holds the headline, a kicker and a lede; a story column holds far more.
_HEADER_TEXT_MAX = 500
_BYLINE_LABEL = lazy(r"作者|来源|來源|记者|記者|编辑|編輯|by\b|author|source", re.IGNORECASE)
# A machine-readable date that names its offset or zone.
_ZONED = lazy(r"(?:\d\d:?\d\d|\d)\s*(?:Z|[+-]\d\d:?\d\d|GMT|UTC)\b|[+-]\d\d:?\d\d$", re.I)
# A shown time that names its zone ('04:01 PM EDT').
_ZONE_WORD = lazy(r"\b(?:[ECMP][SD]T|UTC|GMT|CES?T|BST|IST|JST|KST|AEST|AEDT)\b")
# Chinese prose: a text longer than a dateline, with sentence punctuation.
_DATELINE_SHORT = 20
_PROSE_PUNCTUATION = lazy(r"[，。！？；]")
_HAS_YEAR_OR_CLOCK = lazy(r"(?<!\d)(?:19|20)\d\d(?!\d)|\d年|\d:\d\d|日[电電]")
# A time counted back ('3小时前', '2 天前') makes a dateline of a short text only; '今天',
# '昨日' or '前' alone in a sentence are the story's ('国家统计局今天发布数据显示，今年前四个
# 月…'), and beside a clock the clock says it.
_RELATIVE_DAY = lazy(r"\d\s*(?:秒|分|小时|小時|天|日|周|週|星期|个月|個月|月|年)前|刚刚|剛剛")
_RELATIVE_SHORT = 40


def metadata_date(
    soup: BeautifulSoup,
    metas: dict[str, str],
    ld: list[dict[str, Any]],
    *,
    now: datetime,
    tz: tzinfo,
    weak: bool = True,
) -> ParsedDate | None:
    """The publication date the page's metadata gives: named meta tags, JSON-LD, microdata,
    a single <time pubdate>. Without ``weak``, only the named meta tags that say "published"
    and JSON-LD: not the generic dates (``_WEAK_DATE_META``) that a CMS stamps on every page,
    nor microdata, which a list of teasers carries too."""
    candidates = [metas.get(name) for name in DATE_META if weak or name not in _WEAK_DATE_META]
    candidates += [v for k, v in metas.items() if DATE_META_LIKE.search(k)]
    candidates += [ld_value(ld, "datePublished"), ld_value(ld, "dateCreated")]
    if not weak:
        return _first_date(candidates, now=now, tz=tz)
    published = '[itemprop="datePublished"], abbr.published, .published[title]'
    for node in select(soup, published):
        # microdata and hAtom put the machine-readable date in datetime, content or title
        candidates.append(attr(node, "datetime") or attr(node, "content") or attr(node, "title"))
    candidates.append(ld_value(ld, "uploadDate"))
    # The <time> that says it holds the publication date, when it is the only one (teasers
    # carry theirs too); any other <time> may date a teaser or a comment: visible_date
    # weighs its place.
    pubdates = [
        node
        for node in soup.find_all("time", datetime=True)
        if node.has_attr("pubdate") or "pubdate" in (attr(node, "class") or "").lower()
    ]
    if len(pubdates) == 1 and not elsewhere(pubdates[0]):
        candidates.append(attr(pubdates[0], "datetime"))
    return _first_date(candidates, now=now, tz=tz)


def last_saved(
    found: ParsedDate, metas: dict[str, str], ld: list[dict[str, Any]], *, now: datetime, tz: tzinfo
) -> bool:
    """Whether a published stamp is to the second the page's last change as well
    (article:modified_time, dateModified): a CMS that writes the time its record was last
    saved into both, not the day the story went out (a story shown on the 19th, stamped
    published and modified on the 20th at 09:49:32)."""
    if not found.has_time:
        return False
    for text in modified_texts(metas, ld):
        other = parse_date(text, now=now, tz=tz) if text else None
        if other is not None and other.has_time and other.value == found.value:
            return True
    return False


def modified_texts(metas: dict[str, str], ld: list[dict[str, Any]]) -> list[str | None]:
    """The page's last change as its metadata writes it (article:modified_time, …, then
    JSON-LD's dateModified), in that order."""
    texts: list[str | None] = [v for k, v in metas.items() if MODIFIED_META.search(k)]
    texts.append(ld_value(ld, "dateModified"))
    return texts


def _first_date(candidates: list[str | None], *, now: datetime, tz: tzinfo) -> ParsedDate | None:
    parsed = [(v, p) for v in candidates if v and (p := parse_date(v, now=now, tz=tz))]
    if not parsed:
        return None
    first_text, first = parsed[0]
    if first.has_time and not _ZONED.search(first_text):
        # '2024-11-22 16:55:35' beside '2024-11-22T16:55:35+08:00': the same wall clock,
        # and the second says where.
        for text, other in parsed[1:]:
            if _ZONED.search(text) and _wall(other) == _wall(first):
                return other
    return first


def _wall(found: ParsedDate) -> datetime:
    return found.value.replace(tzinfo=None)


# On a line that gives both, the day it was first published is the article's date, whichever
# comes first: '更新时间：2024-12-08 发布时间：2024-12-06', 'Updated Dec 8 · Published Dec 6'.
_UPDATED_LABEL = lazy(
    r"更新|修改|修訂|updated|modifi|aktualisiert|mis à jour|aggiornato|actualizado|atualizado"
    r"|bijgewerkt|uppdaterad|oppdatert|opdateret|aktualiz|päivitetty|güncelle|geändert",
    re.I,
)
_PUBLISHED_LABEL = lazy(
    r"发布|發布|發佈|发表|發表|published|posted|veröffentlicht|publié|publicado|pubblicato"
    r"|gepubliceerd|geplaatst|publicer|publisert|opublikowano|publikováno|julkaistu|yayınlan",
    re.I,
)


def updated_only(line: str) -> bool:
    """Whether a line labels its date as the last update and names no publication."""
    return bool(_UPDATED_LABEL.search(line)) and not _PUBLISHED_LABEL.search(line)


def _published_part(line: str) -> str:
    """The line from its published label on, when an updated date stands before it."""
    updated, published = _UPDATED_LABEL.search(line), _PUBLISHED_LABEL.search(line)
    if updated and published and updated.start() < published.start():
        return line[published.start() :]
    return line


def info_line_date(
    lines: list[str], read: Read, *, below_headline: bool, full_only: bool = False
) -> ParsedDate | None:
    """The date of the page's info line: the first line below the headline with a full
    date; with no headline found, the first that also names the author or the source (the
    byline's line, not a sidebar's '更新：2005-08-11'). A year-less date ('12月10日晚 …
    时间：7:00', an agenda's line) only when no line has a year, and not ``full_only``."""
    first: ParsedDate | None = None
    updated: ParsedDate | None = None  # 'Updated: August 22, 2019': after any other line
    for line in lines:
        part = _published_part(line)
        found = read(part) or (read(line) if part is not line else None)
        if found is None:
            continue
        if updated_only(line):
            updated = updated if updated is not None or full_only else found
            continue
        full = str(found.value.year) in line
        if full and (below_headline or _BYLINE_LABEL.search(line)):
            return found
        if full or not full_only:
            first = first or found
    return first or updated


def visible_date(
    soup: BeautifulSoup, headline: list[Tag], read: Read, *, marked_only: bool = False
) -> ParsedDate | None:
    """The date printed nearest the headline: in a <time>, an element classed as a date
    ('date', 'datum', 'fecha', 'published', 'meta'…) or plain text, not in comments or
    teasers. Marked dates may stand up to ``_NEAR_MARKED`` characters of text from the
    headline, plain ones ``_NEAR_PLAIN``; text above the headline counts double, since the
    dateline mostly follows it. Without a headline only marked dates count. Plain text must
    read as a dateline, not as the story's prose ('就在6月4 日，一场大雨…')."""
    body = soup.body or soup
    anchor = headline[0] if headline else None
    found: list[tuple[int, NavigableString | Tag]] = []
    offset, start, end = 0, 0, 0
    in_headline = False
    for node in body.descendants:
        if isinstance(node, Tag):
            if node is anchor:
                start, in_headline = offset, True
            elif node.name == "time" and node.has_attr("datetime"):
                found.append((offset, node))
            continue
        if type(node) is not NavigableString or node.parent is None:
            continue  # comments, CDATA, doctype
        if node.parent.name in INVISIBLE:
            continue
        text = node.strip()
        if not text:
            continue
        if in_headline and anchor is not None and not inside(node, anchor):
            end, in_headline = offset, False
        if len(text) <= DATE_TEXT_MAX and any(c.isdigit() for c in text):
            found.append((offset, node))
        offset += len(text)
    if in_headline:
        end = offset
    best: tuple[int, ParsedDate] | None = None
    relative: tuple[int, ParsedDate] | None = None  # only when no other date is near
    clocked: list[ParsedDate] = []  # marked dates near enough, with their time
    for position, node in found:
        if start <= position < end and anchor is not None and inside(node, anchor):
            continue  # a date in the headline itself names an event, not the publication
        distance = position - end if position >= end else 2 * (start - position)
        marked = _marked(node)
        if not marked and (anchor is None or marked_only):
            continue
        if distance > (_NEAR_MARKED if marked else _NEAR_PLAIN):
            continue
        if not marked and (not dateline_like(str(node)) or _caption(node)):
            continue
        score = distance if marked else 3 * distance
        if _aside(node, anchor) or teaser(node, anchor):
            continue
        if best is not None and score >= best[0]:
            if marked and (later := _node_date(node, marked, read)) and later.has_time:
                clocked.append(later)
            continue
        parsed = _node_date(node, marked, read)
        if (stamp := hover_date(node, read)) is not None:
            best = (score, stamp)  # '1周前' over a title that holds the day it stands for
        elif parsed is not None and isinstance(node, NavigableString) and _weak_text(node):
            # '3 weeks ago' beside 'October 17, 2023': counted from when the page was cached;
            # 'Updated: August 22, 2019' beside the day it was first published
            if relative is None or score < relative[0]:
                relative = (score, parsed)
        elif parsed is not None:
            best = (score, parsed)
    best = best or relative
    if best is not None and not best[1].has_time:
        # The day alone (a caption's 'Monday, Oct. 17, 2022') beside the <time> that gives
        # that day with its clock: the time is the story's.
        day = best[1].value.date()
        best = next(((best[0], c) for c in clocked if c.value.date() == day), best)
    if best is not None or marked_only:
        return best[1] if best is not None else None
    return _far_date(found, anchor, end, read)


def _far_date(
    found: list[tuple[int, NavigableString | Tag]], anchor: Tag | None, end: int, read: Read
) -> ParsedDate | None:
    """A <time> far from the headline (an author box at the end); without a headline, the
    first date with its clock time (a forum post's header: '2005-06-14 03:25:55'); the first
    full date marked as one after the story ('<p class="date">5 gennaio 2025</p>' under a
    long story, before its comments), or anywhere without a headline."""
    for position, node in found:
        parsed = None
        if isinstance(node, Tag) or anchor is None:
            parsed = _node_date(node, isinstance(node, Tag), read)
            if parsed is not None and parsed.has_time and not elsewhere(node):
                return parsed
        if isinstance(node, Tag) or position < end or not _after_story(node, anchor):
            continue
        parsed = parsed or _node_date(node, True, read)
        if parsed is not None and str(parsed.value.year) in node:
            return parsed
    return None


def _after_story(node: NavigableString, anchor: Tag | None) -> bool:
    """Whether a text below the story reads as its own date line: marked as a date, not in
    a teaser, a caption, a sidebar or the comments."""
    if not _marked(node) or not dateline_like(str(node)) or _caption(node):
        return False
    return not _aside(node, anchor) and not teaser(node, anchor)


def _weak_text(node: NavigableString) -> bool:
    return relative_text(node) or updated_only(node)


def _node_date(node: NavigableString | Tag, marked: bool, read: Read) -> ParsedDate | None:
    if isinstance(node, Tag):  # <time datetime>: the machine-readable value, else its text
        return _time_element(attr(node, "datetime") or "", node.get_text(" "), read)
    parsed = read(str(node))
    if parsed is None and marked:
        # '<div class="date"><span>26</span> Okt 2018</div>': the date spans several strings
        for element in list(node.parents)[:3]:
            text = " ".join(element.get_text(" ").split())
            if len(text) > DATE_TEXT_MAX:
                break
            # 'Dec 28 Sat 2013 00:28' (a span each): the weekday's name between its parts;
            # '2024 05 / 13 08:17:21' (Xinhua's year, day and clock a span each) is 2024/05/13
            if (
                parsed := read(text)
                or read(_SPAN_WEEKDAY.sub(" ", text))
                or _year_apart(text, read)
            ):
                # '<span>创建于 <span title="2024-05-13 18:25:18">1周前</span></span>'
                parsed = (hover_in(element, read) if ago(text) else None) or parsed
                break
    return parsed


def _time_element(machine: str, shown: str, read: Read) -> ParsedDate | None:
    """A <time>'s date: its ``datetime`` value, else its text. A value without an offset
    ('2022-10-17 16:01:26') takes the one its text states for the same clock ('10/17/2022
    04:01 PM EDT'): the page's own zone, not the source's."""
    value = read(machine)
    if value is None:
        return read(shown)
    if not value.has_time or _ZONED.search(machine.strip()):
        return value
    text = read(shown) if _ZONE_WORD.search(shown) else None
    if text is None or not text.has_time or text.value.tzinfo == value.value.tzinfo:
        return value
    if text.value.replace(tzinfo=None) != value.value.replace(tzinfo=None, second=0, microsecond=0):
        return value
    return ParsedDate(value.value.replace(tzinfo=text.value.tzinfo), True)


def _year_apart(text: str, read: Read) -> ParsedDate | None:
    joined = _YEAR_APART.sub(r"\1\3\2\3\4", _SEPARATOR.sub(r"\1", text))
    return read(joined) if joined != text else None


# A separator between two figures, spaced by the spans around them: '05 / 13', '08 : 17'.
_SEPARATOR = lazy(r"(?<=\d)\s*([/.:-])\s*(?=\d)")
# The year apart from the month and day after it: '2024 05/13'.
_YEAR_APART = lazy(r"(?<!\d)((?:19|20)\d\d)\s+(\d{1,2})([/.-])(\d{1,2})(?![\d/.-])")
_SPAN_WEEKDAY = lazy(r"(?<![a-z])(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}\.?,?(?![a-z])", re.I)


def _aside(node: NavigableString | Tag, anchor: Tag | None) -> bool:
    """Whether the node stands in a sidebar, footer or comments (``elsewhere``), unless that
    block is the headline's own: it holds a copy of the headline (the header set in a
    'sidebar' column) or the headline's block stands right before it or one of its two
    nearest containers (TYPO3 news puts its date line in <div class="footer"> under <div
    class="header"><h3>; a page builder sets each part of the header in a 'widget' of its
    own, one after the other)."""
    block = elsewhere_block(node)
    if block is None or anchor is None:
        return block is not None
    for element in (block, *list(block.parents)[:2]):
        if anchor in element.descendants:
            break
        before = element.find_previous_sibling(True)
        # The headline's own header block, not the whole story column beside a sidebar.
        own = before is not None and (before is anchor or anchor in before.descendants)
        if own and before is not None and len(before.get_text()) <= _HEADER_TEXT_MAX:
            return False
    title = " ".join(anchor.get_text(" ").split())
    for string in block.find_all(string=True, limit=LINKS_MAX):
        if " ".join(string.split()) == title and string.find_parent("a") is None:
            return False
    return True


def _caption(node: NavigableString | Tag) -> bool:
    """Whether the text is a photo's caption ('… in Shah Alam on November 19, 2024'): the
    day the picture was taken, not the story's. A <figcaption>, or a block named 'caption'
    beside a picture: some CMSs call the dateline under the headline a caption too."""
    for element in list(node.parents)[:3]:
        if element.name == "figcaption":
            return True
        if "caption" in f"{attr(element, 'class') or ''} {attr(element, 'id') or ''}".lower():
            around = element.parent
            return element.find_parent("figure") is not None or (
                around is not None and around.find("img") is not None
            )
    return False


def dateline_like(text: str) -> bool:
    """Whether a text reads as a dateline, not as Chinese prose that mentions a day ('就在6月4
    日，一场大雨…'): it is short, or shows a year, a clock, a relative day or a wire's '电'."""
    text = text.strip()
    if len(text) <= _DATELINE_SHORT or _HAS_YEAR_OR_CLOCK.search(text):
        return True
    if len(text) <= _RELATIVE_SHORT and _RELATIVE_DAY.search(text):
        return True
    return not _PROSE_PUNCTUATION.search(text)


def _marked(node: NavigableString | Tag) -> bool:
    """Whether the node or one of its three nearest ancestors says it holds a date."""
    element = node if isinstance(node, Tag) else node.parent
    for _ in range(4):
        if element is None or element.name in ("body", "html"):
            return False
        if element.name == "time" or "date" in (attr(element, "itemprop") or "").lower():
            return True
        if _DATE_CUE.search(f"{attr(element, 'class') or ''} {attr(element, 'id') or ''}"):
            return True
        element = element.parent
    return False


def url_date(url: str, tz: tzinfo) -> ParsedDate | None:
    split = split_url(url)
    match = _URL_DATE.search(split.path) if split is not None else None
    if match is None:
        return None
    try:
        month, day_ = (match[2], match[3]) if match[2] else (match[5], match[6])
        day = datetime(int(match[1]), int(month), int(day_), tzinfo=tz)
    except ValueError:
        return None
    return ParsedDate(value=day, has_time=False)


def stamp_texts(soup: BeautifulSoup) -> list[str]:
    """Where a page keeps its machine-readable timestamps: script data, meta and time tags."""
    texts = [node.get_text() for node in soup.find_all("script")]
    texts += [attr(node, "content") or "" for node in soup.find_all("meta", content=True)]
    texts += [attr(node, "datetime") or "" for node in soup.find_all("time", datetime=True)]
    return texts
