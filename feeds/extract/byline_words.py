"""The byline fallbacks' words and the rules they apply to plain text, not to a tree (issue
19): the bs4 modules that walk the page (``byline_markup.py``, ``byline_lines.py``,
``byline_fallbacks.py``, ``bylines.py``, ``zh_bylines.py``) read them from here, and so do
``fast_absence.py``'s proofs on lxml's tree, which therefore never import bs4, and know any
word or rule a fallback learns."""

from __future__ import annotations

import itertools
import re

from feeds.extract.labels import clean_name
from feeds.extract.person_names import UI_WORD, name_shaped, person_name
from feeds.extract.zh_names import COMPOUND, opens_with_surname
from feeds.lazyre import lazy

# '[class*="author" i]', '[id*="author" i]' …: words anywhere in the class or the id.
# 'writer', 'submitted-by', 'posted-by': what readability and trafilatura read as bylines too.
# 'authi' (author info): where Discuz, the forum software of most Chinese boards, puts a
# post's poster ('<div class="authi"><a class="xw1">NAME</a>'); 'username': where phpBB,
# vBulletin, XenForo and Flarum put it.
CLASS_WORDS = (
    *("author", "byline", "contributor", "writer", "submitted-by", "posted-by"),
    *("authi", "username"),
)
ID_WORDS = ("author", "byline")
ELEMENTS = ("address", "author")  # bylines whatever their attributes
# '.byline .fn, .author .fn, .vcard .fn': hCard's name inside a byline.
FN_HOLDERS = frozenset({"byline", "author", "vcard"})
FOREIGN_WORDS = ("autor", "auteur", "zuozhe", "jizhe")
# Script-rendered pages name their parts in data attributes: '<div data-component="Byline">',
# '<a data-testid="AuthorURL">'.
DATA_ATTRS = ("data-testid", "data-component")
DATA_WORDS = ("author", "byline")
# Western bylines: the word that opens them (byline_lines._BY). Not 'de', 'di': they open
# sentences and place names too often ('De Madrid a Sevilla'). The Scandinavian 'af', 'av'
# open a sentence with a lower-case word after them ('Av og til'), never a name's shape.
# It opens the line, follows a separator ('June 3, 2021 · By Ann Lee') or the date ('Posted on
# June 3, 2021 by Ann Lee').
BY_WORDS = (
    r"(?:(?:written|posted|post|words|story|reported|text)\s+by|by|von|par|por"
    # The participle in the site's language: 'Escrito por', 'Skrevet av', 'Testo di'.
    r"|(?:escrito|publicado|redactado)\s+por|(?:scritto|pubblicato)\s+da|testo\s+di"
    # 'Un texte de Frédéric Zalac', 'Texto de Ana Gil', 'Ein Text von Anna Berg'.
    r"|(?:un\s+)?texte\s+de|texto\s+de|(?:ein\s+)?text\s+von"
    r"|(?:skrevet|skrivet)\s+a[vf]|(?:geschrieben|verfasst|veröffentlicht)\s+von"
    r"|(?:écrit|publié|rédigé)\s+par|(?:geschreven|geplaatst)\s+door|napisał[a]?"
    r"|door|af|av)"
)
# A name over the date: how many texts after the headline are read; what may stand between.
NAME_OVER_DATE = 6
# The date under the name stands on a line of its own, a label or a counter beside it at most:
# a longer text is the story's first sentence naming some day ('得益于社区活跃的支持，2020 年 3 月
# 25 日 我们发布了…'), under a tag's name ('Tags: Release Notes').
_DATE_LINE = 60
_HANDLE_MAX = 20
_COUNTER = lazy(r"(?:阅读|閱讀|浏览|瀏覽|点击|點擊|评论|評論)\s*[:：(（]?\s*\d")
_SEPARATORS = lazy(r"^[\s|｜·,\-–—]+|[\s|｜·,\-–—]+$")
_FOLLOW = lazy(r"[+＋]?\s*(?:加)?关注|[+＋]?\s*follow|[+＋]|·|\|", re.IGNORECASE)
_FULL_DATE = lazy(
    r"(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}|\d{1,2}\s*[-/月]\s*\d{1,2}\D{0,3}\d{1,2}:\d\d"
    r"|\b\d{1,2}[./]\d{1,2}[./](?:19|20)\d\d\b"
)


# A host's name printed where a byline stands ('BUSINESS.SOHU.COM' above the date): a site,
# never a person. Only a common top-level label counts, so that 'J.Smith' stays a name.
_HOST_NAME = lazy(
    r"(?:www\.)?(?:[a-z0-9-]+\.)+(?:com|net|org|edu|gov|info|biz|io|co|cc|tv|me|cn|hk|tw|jp|kr"
    r"|sg|uk|de|fr|it|es|nl|ru|us|ca|au)",
    re.IGNORECASE,
)


def name_over_texts(texts: list[str]) -> str | None:
    """``name_over_date`` on the first ``NAME_OVER_DATE`` texts after the headline (stripped,
    none blank): fast_absence.py reads them from lxml's tree."""
    texts = [t for t in texts if not _FOLLOW.fullmatch(t)]
    if texts and (name := _name_then_date(texts[0])) is not None:
        return name  # 'zboygirl 阅读(1660) 2024-05-08 23:23': one line
    # Right below the headline, any handle; after a summary or a kicker, a name's shape only.
    for at, (text, after) in enumerate(itertools.pairwise(texts)):
        if len(after) > _DATE_LINE or not _FULL_DATE.search(after) or _FULL_DATE.search(text):
            continue
        name = person_name(text)
        alone = _SEPARATORS.sub("", text)
        if name is None or name != alone or not _handle(name):
            continue
        if at == 0 or name_shaped(name):
            return name
    return None


def _handle(name: str) -> bool:
    """Whether a name read where a byline stands may be a person's handle: short, no word of
    the page's furniture, no host's name."""
    return len(name) <= _HANDLE_MAX and not UI_WORD.search(name) and not _HOST_NAME.fullmatch(name)


def _name_then_date(text: str) -> str | None:
    """The handle that opens a line whose rest is a date or a counter: 'zboygirl 阅读(1660)
    评论(3) 2024-05-08 23:23', 'Ann Lee · 2017-03-01'."""
    name = person_name(clean_name(text))  # not the label-reader: '23:23' reads as a label
    if name is None or not _handle(name):
        return None
    rest = text.strip()
    if not rest.startswith(name):
        return None
    rest = _SEPARATORS.sub("", rest[len(name) :])
    return name if _FULL_DATE.match(rest) or _COUNTER.match(rest) else None


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
DATE_TEXT = (
    r"(?:19|20)\d\d\s*(?:[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}|年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)"
    r"(?:\s*\d{1,2}:\d\d(?::\d\d)?)?"
)
# The rule's date and name, unanchored: what fast_absence.py looks for in the page's text.
_DATE_THEN_NAME = lazy(
    rf"{DATE_TEXT}[\s|｜·]+[\[【]?\s*(?P<name>{NAME})(?=\s|[|｜\]】\ue000-\uf8ff]|$)"
)
# A reporter's or writer's word that may open a sign-off ('（记者 张三）', zh_bylines.sign_off).
SIGN_OFF_OPENER = r"(?:(?:记者|記者|作者|文|撰稿|撰文|执笔|執筆)\s*[:：/／]?\s*)?"
# The same brackets on a text with all spaces removed (fast_absence.py), the opener apart.
_SIGN_OFF_SQUEEZED = lazy(
    rf"[（(]{SIGN_OFF_OPENER}(?P<names>{_HAN}[\u4e00-\u9fff·、，,]{{1,40}})[)）]"
)


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
# A link to a person's page on the site: '/profile/142450', '/author/jane-doe', '/u/delta201',
# a newsroom's '/staff/ann-lee', '/about/editors/jon-fingas/', '/people/ann-lee'.
PROFILE_PATH = lazy(
    r"/(?:profiles?|users?|authors?|members?|u|staff|editors?|writers?|contributors?|people"
    r"|journalists?|reporters?|columnists?)/",
    re.I,
)
# How many texts on either side of the headline a profile link may stand; what its address
# may end in that is an account's page, not a person's.
PROFILE_TEXTS = 6
PERSON_PAGE = lazy(rf"{PROFILE_PATH.pattern}[^/?#]+", re.I)  # not the list of all
ACCOUNT_PAGE = lazy(r"/(?:login|logout|register|signin|signup|edit|settings|me)/?$", re.I)
# A link to a writer's own page named by its text, whatever its address: 'my38778570 的个人博客'
# ('my38778570's blog') beside the headline of a post on a platform. OWN_PAGE_WORD is what the
# lxml proof looks for (fast_absence: any link text that holds it may be one).
OWN_PAGE_WORD = lazy(r"的(?:个人|個人)?(?:博客|部落格|主页|主頁|专栏|專欄)")
OWN_PAGE = lazy(rf"^\s*([\w\u4e00-\u9fff.~-]{{2,24}}?)\s*{OWN_PAGE_WORD.pattern}\s*$")
COLON_NAME = lazy(r"^([\u4e00-\u9fff]{2,3})[:：]\s*\S")
SOURCE_LABEL = lazy(r"来\s*源\s*[:：]\s*([\u4e00-\u9fff]{2,3})\s*$")
# What an organisation's name holds, never a person's: 新华网, 人民日报, 本站, 原创, 综合.
ORGANISATION = lazy(
    r"[网網报報社台刊站局部委会會院所厅廳处處室署司校馆館团團办辦]|中心|新闻|新聞|日报|时报|晚报"
    r"|在线|频道|原创|转载|網絡|网络|综合|編譯|编译|供稿|作者|本站|互联|政府|官方"
)
# A source's label in the languages of Europe (byline_fallbacks.credited_source).
SOURCE_WORD = lazy(r"(?:quelle|source|fuente|fonte|bron)\s*[:：]", re.I)
