"""Chinese bylines that carry no label (issue 15): a name after the date on the info line
under the headline ('2021-06-03 10:00 张三', '发布时间：2024-12-06 09:30 张三 阅读：123'), and a
sign-off in brackets at the story's end ('（张三）', '……他说。（张三 李四）').

Neither says it is a name, so only a name's shape is read: two to four Han characters that
open with a common surname (or a two-part name with '·'), not a place, a weekday, a medium or
a placeholder. A wrong author is worse than none: '（完）', '（图）', '（编辑：李四）' (an editor),
'（本文来源：新华社）' (a source), '2021-06-03 江苏' (a place) give nothing."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from feeds.extract.byline_lines import ORGANISATION, lines_after
from feeds.extract.labels import labelled_author
from feeds.extract.markup import INVISIBLE
from feeds.extract.page import elsewhere
from feeds.extract.person_names import UI_WORD
from feeds.extract.zh_names import COMPOUND, opens_with_surname
from feeds.lazyre import lazy

_HAN = r"[\u4e00-\u9fff]"
# A name: two to four Han characters, or two parts joined by '·' ('阿卜杜·热合曼').
NAME = rf"(?:{_HAN}{{2,4}}|{_HAN}{{1,4}}·{_HAN}{{1,5}})"
# What opens with a surname's character and names no person: places, weekdays, parts of a day.
_NOT_PERSON = lazy(
    r"^(?:周[一二三四五六日天末]|星期|江苏|江蘇|江西|安徽|云南|雲南|吉林|苏州|蘇州|常州|温州|溫州|郑州|鄭州"
    r"|沈阳|瀋陽|成都|武汉|武漢|宁波|寧波|宁夏|寧夏|石家庄|金华|金華|海南|海口|海淀|南京|南宁|南昌|南通"
    r"|高新|明天|明日|全国|全國|全文|原文|原创|原創|原标题|时评|時評|史上|文章|文字|农历|農曆|和平|国际|國際)"
    r"|[州市县縣区區省镇鎮乡鄉村报報社网網台刊站讯訊稿图圖完续續]$"
)
_PLACEHOLDER = lazy(r"本站|本网|本網|佚名|匿名|未知|不详|管理员|小编|小編|编辑|編輯|记者|記者|作者")


def han_person(name: str) -> bool:
    """Whether a bare Han text is shaped like a person's name: opens with a common surname,
    is no place, weekday, medium, organisation or placeholder."""
    if not re.fullmatch(NAME, name):
        return False
    if "·" in name:
        return not (ORGANISATION.search(name) or UI_WORD.search(name))
    compound = re.match(COMPOUND, name)
    if not opens_with_surname(name) or (len(name) == 4 and compound is None):
        return False  # four characters with one of a surname: a phrase ('黄金价格', '王者荣耀')
    if _NOT_PERSON.search(name) or _PLACEHOLDER.search(name) or UI_WORD.search(name):
        return False
    # An organisation's word after the surname: '司' opens '司马', and names no company there.
    return ORGANISATION.search(name[compound.end() :] if compound else name) is None


# The info line: an optional date label, a full date (and clock), the name, then the line's end
# or its next field ('阅读：123', '| 浏览 45', '来源：xx'). lines_after gives each run of spaces
# as one space.
_DATE = (
    r"(?:19|20)\d\d\s*(?:[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}|年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)"
    r"(?:\s*\d{1,2}:\d\d(?::\d\d)?)?"
)
_DATE_LABEL = (
    r"(?:(?:发布|發佈|发表|發表|更新|上传|上傳)?(?:时间|時間|日期)\s*[:：]\s*|发表于\s*|发布于\s*)?"
)
# The rule's date and name, unanchored: what fast_absence.py looks for in the page's text.
_DATE_THEN_NAME = lazy(rf"{_DATE}[\s|｜·]+(?P<name>{NAME})(?=\s|[|｜]|$)")
_DATE_NAME_LINE = lazy(
    rf"^{_DATE_LABEL}{_DATE}[\s|｜·]+(?P<name>{NAME}(?:\s+{NAME}){{0,2}})"
    r"(?=\s*$|\s*[|｜]|\s+[\w\u4e00-\u9fff]{1,6}\s*[:：(（]|\s+(?:阅读|閱讀|浏览|瀏覽|点击|點擊|评论|評論|人气|人氣)\s*\d)"
)


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
            match = _DATE_NAME_LINE.match(text)
            names = match["name"].split() if match is not None else []
            if names and all(han_person(n) for n in names):
                return " ".join(names)  # '2024-12-06 张三 李四': two writers
    return None


# A sign-off: a line that is only names in brackets, or brackets closing the story's last
# sentence. A reporter's word may open it ('（记者 张三）' is read by bylines.reporter too).
_NAMES = rf"(?P<names>{NAME}(?:\s*[、，,\s]\s*{NAME}){{0,2}})"
_OPENER = r"(?:(?:记者|記者|作者|文|撰稿|撰文|执笔|執筆)\s*[:：/／]?\s*)?"
_SIGN_OFF = lazy(rf"(?:^|(?<=[。！？!?”」]))\s*[（(]\s*{_OPENER}{_NAMES}\s*[)）]\s*$")
# The same brackets on a text with all spaces removed (fast_absence.py), the opener apart.
_SIGN_OFF_SQUEEZED = lazy(rf"[（(]{_OPENER}(?P<names>{_HAN}[\u4e00-\u9fff·、，,]{{1,40}})[)）]")
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
        line = text if len(text) <= _LINE_MAX else str(node)
        if (match := _SIGN_OFF.search(line)) is None or elsewhere(node.parent, itself=True):
            continue
        names = [n for n in _SPLIT.split(match["names"]) if n]
        if names and all(han_person(n) for n in names):
            found = " ".join(names)
    return found


def _bracketed(text: str | None) -> bool:
    return text is not None and (")" in text or "）" in text)


def may_name_after_date(spaced: str) -> bool:
    """False only when ``name_after_date`` finds nothing in any line of ``spaced`` (a page's
    text, each run of spaces one space): no date there is followed by a person's name."""
    return any(han_person(m["name"]) for m in _DATE_THEN_NAME.finditer(spaced))


def may_sign_off(squeezed: str) -> bool:
    """False only when ``sign_off`` finds nothing in ``squeezed`` (a page's text, spaces
    removed): no brackets hold a text that opens with a surname or has a '·' in it."""
    for match in _SIGN_OFF_SQUEEZED.finditer(squeezed):
        names = match["names"]
        if "·" in names or opens_with_surname(names):
            return True
    return False


# A table's or a definition list's label cell, no colon: '<td>作者</td><td>张三</td>' (a
# government site's info table), '<dt>作者</dt><dd>张三</dd>'. The whole cell is the label.
CELL_LABELS = frozenset(
    {"作者", "撰稿", "撰稿人", "撰文", "执笔", "執筆", "记者", "記者", "文章作者"}
)
CELLS = ("td", "th", "dt")
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
