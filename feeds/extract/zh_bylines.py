"""Chinese bylines that carry no label (issue 15): a name after the date on the info line
under the headline ('2021-06-03 10:00 张三', '发布时间：2024-12-06 09:30 张三 阅读：123'), and a
sign-off in brackets at the story's end ('（张三）', '……他说。（张三 李四）'); the writer
linked after the date of a blog's 'posted @' line (cnblogs').

Neither says it is a name, so only a name's shape is read: two to four Han characters that
open with a common surname (or a two-part name with '·'), not a place, a weekday, a medium or
a placeholder. A wrong author is worse than none: '（完）', '（图）', '（编辑：李四）' (an editor),
'（本文来源：新华社）' (a source), '2021-06-03 江苏' (a place) give nothing."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from feeds.extract.byline_lines import ZH_BY, chinese_names, lines_after
from feeds.extract.byline_words import (
    CELL_LABELS,
    CELLS,
    DATE_TEXT,
    NAME,
    SIGN_OFF_OPENER,
    han_person,
)
from feeds.extract.bylines import publisher_like
from feeds.extract.labels import clean_name, labelled_author
from feeds.extract.markup import INVISIBLE
from feeds.extract.page import elsewhere, short_match, teaser
from feeds.lazyre import lazy

_DATE_LABEL = (
    r"(?:(?:发布|發佈|发表|發表|更新|上传|上傳)?(?:时间|時間|日期)\s*[:：]\s*|发表于\s*|发布于\s*)?"
)
# The name may stand in brackets ('2004年7月16日08:19 [ 黄宇 ] 来源：…', an old portal's).
_DATE_NAME_LINE = lazy(
    rf"^{_DATE_LABEL}{DATE_TEXT}[\s|｜·]+(?P<open>[\[【]\s*)?(?P<name>{NAME}(?:\s+{NAME}){{0,2}})"
    r"(?(open)\s*[\]】])"
    r"(?=\s*$|\s*[|｜]|\s+[\w\u4e00-\u9fff]{1,6}\s*[:：(（]|\s+(?:阅读|閱讀|浏览|瀏覽|点击|點擊|评论|評論|人气|人氣)\s*\d)"
)
# Characters of a private-use area: a GBK page's own glyphs, shown as blanks or boxes.
_PRIVATE_USE = lazy(r"[\ue000-\uf8ff]")


_WORDS_READ = 12  # of the line that holds the date's element


def name_after_date(headline: list[Tag]) -> str | None:
    """The name that follows the date on a short line under the headline, labelled nowhere:
    '2021-06-03 10:00 张三', '发布时间：2024-12-06 09:30 张三 阅读：123', '2024-12-06 张三 李四'."""
    if not headline:
        return None
    for line, host in lines_after(headline[0]):
        # '<span>2024-12-06</span> <span>张三</span>': the date's element holds the date only.
        whole = host.parent.get_text(" ") if host.parent is not None else ""
        for text in (line, " ".join(whole.split()[:_WORDS_READ])):
            text = " ".join(_PRIVATE_USE.sub(" ", text).split())
            match = _DATE_NAME_LINE.match(text)
            names = match["name"].split() if match is not None else []
            if names and all(han_person(n) for n in names):
                return " ".join(names)  # '2024-12-06 张三 李四': two writers
    return None


# A sign-off: a line that is only names in brackets, or brackets closing the story's last
# sentence. A reporter's word may open it ('（记者 张三）' is read by bylines.reporter too).
_NAMES = rf"(?P<names>{NAME}(?:\s*[、，,\s]\s*{NAME}){{0,2}})"
_SIGN_OFF = lazy(rf"(?:^|(?<=[。！？!?”」]))\s*[（(]\s*{SIGN_OFF_OPENER}{_NAMES}\s*[)）]\s*$")
_SPLIT = lazy(r"\s*[、，,\s]\s*")
_LINE_MAX = 40  # a line that is only a sign-off is short
_SIGN_OFFS_READ = 200  # bracketed strings looked at after the headline


def sign_off(soup: BeautifulSoup, headline: list[Tag]) -> str | None:
    """The last sign-off after the headline, outside sidebars and comments: '（张三）' on a
    line of its own, or '……他说。（张三）' ending a paragraph. Each name a person's shape."""
    start = headline[0] if headline else soup.body
    if start is None:
        return None
    found = None
    for node in start.find_all_next(string=_bracketed, limit=_SIGN_OFFS_READ):
        if type(node) is not NavigableString or node.parent is None:
            continue
        if node.parent.name in INVISIBLE or node.find_parent("a") is not None:
            continue
        text = node.parent.get_text()
        whole = len(text) <= _LINE_MAX  # the element's text is the line, else the string's
        line = text if whole else str(node)
        if (match := _SIGN_OFF.search(line)) is None or elsewhere(node.parent, itself=True):
            continue
        if _after_link(node.parent if whole else node):
            continue  # '<a>另一篇的标题</a><span>(房产)</span>': the link's tag, no sign-off
        names = [n for n in _SPLIT.split(match["names"]) if n]
        if names and all(han_person(n) for n in names):
            found = " ".join(names)
    return found


_CREDITS_READ = 400  # strings after the headline looked at for a writer's credit


def closing_credit(soup: BeautifulSoup, headline: list[Tag], sites: set[str]) -> str | None:
    """The writer a credit line at the story's end names, with a bar or a slash for its colon
    ('作者︱春春' under '出品︱网易科学人栏目组', '文/张三'): a short line of its own that opens
    with the credit, outside links, sidebars and comments; read after the page's bylines, and
    before the editor the page labels, who is no writer. A medium's or the site's name
    (``sites``) is none: '文/图：新华社'."""
    start = headline[0] if headline else soup.body
    if start is None:
        return None
    for node in start.find_all_next(string=short_match(ZH_BY, _LINE_MAX), limit=_CREDITS_READ):
        if type(node) is not NavigableString or node.parent is None:
            continue
        if node.parent.name in INVISIBLE or node.find_parent("a") is not None:
            continue
        text = " ".join(node.parent.get_text(" ").split())
        line = text if len(text) <= _LINE_MAX else " ".join(node.split())
        match = ZH_BY.match(line)
        if match is None or elsewhere(node.parent, itself=True) or teaser(node.parent, start):
            continue  # a related story's teaser: '<li><a>另一篇文章的标题</a> 文/李四</li>'
        name = chinese_names(line[match.end() :])
        if name is not None and not publisher_like(name, sites):
            return name
    return None


# cnblogs' line under each post: 'posted @ <span>2024-05-13 08:17</span> <a href=…>张三</a>
# 阅读(123) 评论(0) 编辑 收藏'. The writer is the link after the date.
_POSTED_AT = lazy(rf"^\s*posted\s*@\s*(?:{DATE_TEXT})?\s*$", re.IGNORECASE)
_POSTED_LINE = lazy(rf"^posted\s*@\s*{DATE_TEXT}\s+(?P<name>\S[^|｜]{{0,30}}?)\s", re.IGNORECASE)
_POSTS_READ = 400  # strings after the headline looked at for the line


def posted_at(soup: BeautifulSoup, headline: list[Tag], sites: set[str]) -> str | None:
    """The writer of a 'posted @ DATE NAME' line (cnblogs'): the link after the date, not a
    medium's or the site's name, outside sidebars and comments."""
    start = headline[0] if headline else soup.body
    if start is None:
        return None
    for node in start.find_all_next(string=short_match(_POSTED_AT, _LINE_MAX), limit=_POSTS_READ):
        line = node.parent
        if type(node) is not NavigableString or line is None or elsewhere(line, itself=True):
            continue
        link = line.find("a")
        text = " ".join(line.get_text(" ").split())
        match = _POSTED_LINE.match(f"{text} ")
        if link is None or match is None or match["name"] != " ".join(link.get_text().split()):
            continue
        name = clean_name(match["name"])
        if name is not None and not publisher_like(name, sites):
            return name
    return None


def _after_link(node: Tag | NavigableString) -> bool:
    """Whether a link comes right before ``node`` (blank text between apart)."""
    before = node.previous_sibling
    while isinstance(before, NavigableString) and not before.strip():
        before = before.previous_sibling
    return isinstance(before, Tag) and before.name == "a"


def _bracketed(text: str | None) -> bool:
    return text is not None and (")" in text or "）" in text)


_VALUE_CELLS = ("td", "dd")  # not a column header's neighbour
_CELLS_READ = 200
_VALUE_MAX = 30
_NO_SPACE = lazy(r"\s+")


def label_cell(soup: BeautifulSoup, headline: list[Tag]) -> str | None:
    """The writer a label cell without a colon names in the next cell, read as a labelled
    value ('作者：张三') and shaped like a Chinese name, outside sidebars and comments."""
    start = headline[0] if headline else soup.body
    if start is None:
        return None
    for cell in start.find_all_next(CELLS, limit=_CELLS_READ):
        if _NO_SPACE.sub("", cell.get_text()) not in CELL_LABELS:
            continue
        value_cell = cell.find_next_sibling(_VALUE_CELLS)
        value = " ".join(value_cell.get_text(" ").split()) if value_cell is not None else ""
        if not value or len(value) > _VALUE_MAX or elsewhere(cell, itself=True):
            continue
        name = labelled_author(f"作者：{value}")
        # A data table's header row ('作者 | 出版社') names no writer: a person's name only.
        if name is not None and all(han_person(n) for n in _SPLIT.split(name) if n):
            return name
    return None
