"""What the article fallbacks read from a whole page: its meta tags and JSON-LD, the info
lines under the headline, and which blocks are not the article (comments, teasers, sidebars).
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from feeds.extract.html import attr, inside
from feeds.extract.title_words import norm
from feeds.lazyre import lazy

# How far after the headline (in characters of visible text) a field marked up as such, a
# dated element or a reporter's byline, may stand.
NEAR_HEADLINE = 3000
# Class or id words of a block that is not the article's own (reader comments, teasers).
ELSEWHERE = frozenset(
    {
        "comment", "comments", "commentlist", "related", "recommend", "recommended", "sidebar",
        "widget", "footer", "promo", "popular", "trending", "mostread", "newsletter",
        "breadcrumb", "breadcrumbs",
    }
)  # fmt: skip
_CLASS_WORDS = lazy(r"[^a-z]+")
# A footer the story's own markup names so ('post-footer', 'entry-footer', 'article-footer'):
# where blog platforms print 'Posted by …', part of the story, not the page's footer.
_OWN_FOOTER = frozenset({"post", "entry", "article", "story"})
# A teaser: a block of at most this much text around a link of a headline's length (this many
# Chinese or Japanese characters, or words), within this many levels of the node.
_TEASER_TEXT = 300
_TEASER_CJK = 10
_TEASER_WORDS = 5
_TEASER_DEPTH = 4
_TEASER_LINKS = 8
# A description that shares less than this with the article may be the site's.
_DESCRIPTION_SHARED = 0.35
_BARE_PHRASE_WORDS = 6
_ARTICLE_MIN = 200
_BARE_ARTICLE = 500  # a bare phrase is judged against a real article only
_CJK_RUN = lazy(r"[\u3040-\u30ff\u4e00-\u9fff]+")
_LONG_WORD = lazy(r"[^\W\d_]{4,}")
# A site name that is a bare top-level domain or 'www' says nothing ('com', 'de').
_DOMAIN_PART = lazy(r"[a-z]{2,3}|www")
_BLOCK_DEPTH = 8
_ENTITY = lazy(r"&(?:#\d{2,6}|#x[0-9a-f]{2,5}|amp|quot|apos|lt|gt|nbsp);", re.IGNORECASE)
_CDATA = lazy(r"^(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>$")
# Labels that open an article's info line; the line must be short to be one (not a paragraph).
_INFO_LABEL = lazy(
    r"(?:(?:日[\s\u3000]{0,3}期|时[\s\u3000]{0,3}间|時間|发布|发表|發佈|發表|更新|来[\s\u3000]{0,3}源|來源"
    r"|作[\s\u3000]{0,3}者|撰文|记者|記者|编辑|編輯|责编|发布者|發布者|发信人|發信人|楼主|樓主|发帖人|发贴人"
    r"|发布人|發布人|投稿人|撰稿人?|执笔|執筆|通讯员|通訊員|主笔|主筆|录入|錄入|Published|Posted|Updated|Date|By|Authors?|Autor(?:in|en|es|i)?|Auteurs?|Autore"
    r"|Text|Tekst|Texto|Testo|Yazar|Автор[иы]?|Editor|Penulis|Reporter|Wartawan|Kirjoittaja"
    r"|Teksti|Szerző|Írta|Текст|Autorzy|Autoři|Autorius|Autors|Συντάκτης|بقلم|كتب|供稿"
    r"|整理|编译|編譯|采写|採寫|图文|圖文|撰写|撰寫)\s*[:：]|(?:^|(?<=\s))文\s*[:：]|发表于|发布于"
    r"|發表於|发布日期|发布时间)",
    re.IGNORECASE,
)
_INFO_LINE_MAX = 200
# A footer's credits, not the article's info line: 'Copyright © 2004 … Rewrited by:yaoayao'.
_CREDIT = lazy(r"copyright|©|版权所有|powered\s+by|技术支持|rewrit|designed\s+by", re.IGNORECASE)
# A label whose value stands in the next element: '<b>作者：</b><a>芊草凡凡</a>'.
_LABEL_ONLY = lazy(r"[:：]\s*$")
_LABEL_HOLDERS = 3


def metas(soup: BeautifulSoup) -> dict[str, str]:
    """name/property/itemprop (lower-case) -> content of the first such meta tag (some
    templates write it in ``value``, as ``bylines.meta_author_values`` reads too). A value a
    CMS escaped twice ('Australian &#039;megablaze&#039;') is unescaped once more."""
    out: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        content = attr(meta, "content") or attr(meta, "value")
        if not content:
            continue
        if _ENTITY.search(content):
            content = html.unescape(content)
        for key_attr in ("property", "name", "itemprop"):
            key = attr(meta, key_attr)
            if key:
                out.setdefault(key.lower(), content)
    return out


def json_ld(soup: BeautifulSoup) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object of the page, nested lists and ``@graph`` members included."""
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            raw = (script.string or "").strip()
            # Some CMSs wrap it for XHTML: <script>//<![CDATA[ {...} //]]></script>
            raw = _CDATA.sub("", raw)
            data = json.loads(raw, strict=False)  # raw line breaks inside strings are common
        except (ValueError, TypeError):
            continue  # broken JSON-LD is common; the other fallbacks still apply
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)


def ld_value(ld: list[dict[str, Any]], key: str) -> str | None:
    """The first non-blank string value of ``key`` among the JSON-LD objects."""
    for item in ld:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def canonical_href(soup: BeautifulSoup) -> str | None:
    """The raw href of <link rel="canonical">, if any."""
    for link in soup.find_all("link", href=True):
        rel = link.get("rel")
        rels: list[str] = list(rel) if isinstance(rel, list) else str(rel or "").split()
        if "canonical" in (r.lower() for r in rels):
            return attr(link, "href")
    return None


def info_lines(soup: BeautifulSoup, headline: list[Tag]) -> Iterator[str]:
    """Short text blocks that carry labelled fields (日期：, 来源：, 作者：, Published:), in page
    order from the headline on: the info line under an article's title."""
    start = headline[0] if headline else soup.body or soup
    seen: set[int] = set()
    for string in start.find_all_next(string=short_match(_INFO_LABEL, _INFO_LINE_MAX)):
        parent = string.parent
        if type(string) is not NavigableString or parent is None:
            continue  # comments, CDATA
        if id(parent) in seen or parent.name in ("script", "style", "a"):
            continue
        seen.add(id(parent))
        line = parent.get_text(" ")
        host: Tag | NavigableString = parent
        if len(line) > _INFO_LINE_MAX:
            # A label in a long block of <br>-separated text: '…<br>文：眉间尺<br>…'.
            line, host = str(string), string
            seen.discard(id(parent))
        if _LABEL_ONLY.search(line):
            line += " " + _value_after(host, _INFO_LINE_MAX - len(line))
        if len(line) <= _INFO_LINE_MAX and not _CREDIT.search(line):
            yield line


def _value_after(element: Tag | NavigableString, limit: int) -> str:
    """The text after a label that stands alone: beside it, or, when nothing follows it in its
    element, after the element that holds the label only ('<td><b>作者：</b></td><td>芊草凡凡
    </td>', '<p>作者：</p><p>芊草凡凡</p>'), up to ``_LABEL_HOLDERS`` levels up."""
    label = element.get_text() if isinstance(element, Tag) else str(element)
    for _ in range(_LABEL_HOLDERS):
        if (value := _following_text(element, limit)).strip():
            return value
        parent = element.parent
        if parent is None or parent.name in ("body", "html"):
            break
        if parent.get_text().strip() != label.strip():
            break
        element = parent
    return _following_text(element, limit)


def _following_text(element: Tag | NavigableString, limit: int) -> str:
    """The text after ``element`` within its parent, up to about ``limit`` characters."""
    parts: list[str] = []
    size = 0
    for sibling in element.next_siblings:
        if isinstance(sibling, Tag):
            if sibling.name in ("script", "style") or size + len(sibling.get_text()) > limit:
                break
            # Its own words: '<small>作者:</small>王芳<small>点击:</small>' is '王芳 点击:'.
            text = f" {sibling.get_text(' ')} "
        else:
            text = str(sibling)
        parts.append(text)
        size += len(text)
        if size >= limit:
            break
    return "".join(parts)[: max(limit, 0)]


def short_match(pattern: re.Pattern[str], limit: int) -> Callable[[str | None], bool]:
    """A string filter that runs ``pattern`` on short strings only: a long one is a paragraph,
    never a dateline or an info line, and a hostile 32 KB one must cost nothing (B15)."""
    return lambda text: text is not None and len(text) <= limit and bool(pattern.search(text))


def elsewhere(
    node: NavigableString | Tag, words: frozenset[str] = ELSEWHERE, *, itself: bool = False
) -> bool:
    """Whether the node sits in a block that is not the article: reader comments, related
    teasers, a sidebar, the footer (``words``, the class and id words that say so; with
    ``itself``, the node's own count too). Class and id words count whole ('comment-meta', not
    'wsidebar'), up to the article's own <article> or <main>, and only the nearest
    ``_BLOCK_DEPTH`` ancestors: further up, 'right-sidebar' names a page layout."""
    return elsewhere_block(node, words, itself=itself) is not None


def elsewhere_block(
    node: NavigableString | Tag, words: frozenset[str] = ELSEWHERE, *, itself: bool = False
) -> Tag | None:
    """The nearest block that makes ``elsewhere`` true for the node, if any."""
    chain = node.parents if not (itself and isinstance(node, Tag)) else (node, *node.parents)
    for depth, element in enumerate(chain):
        if depth >= _BLOCK_DEPTH or element.name in ("article", "main", "body", "html"):
            return None
        names = f"{attr(element, 'class') or ''} {attr(element, 'id') or ''}".lower()
        found = words.intersection(_CLASS_WORDS.split(names))
        if found <= {"footer"} and not _OWN_FOOTER.isdisjoint(_CLASS_WORDS.split(names)):
            continue  # the story's own footer ('post-footer', 'entry-footer'): its byline
        if element.name in ("nav", "footer"):
            return element
        if element.name == "aside" and element.find_parent(("article", "main")) is None:
            return element  # a page's sidebar; one inside the story is a box of its own
        if found:
            return element
    return None


def teaser(node: NavigableString | Tag, headline: Tag | None) -> bool:
    """Whether the node stands in a teaser of another page: a list item or a short block
    that also holds a link with a headline's length ('<li><a>Another story's headline</a>
    <span class="date">…</span></li>'), not the page's own headline."""
    element = node if isinstance(node, Tag) else node.parent
    for _ in range(_TEASER_DEPTH):
        if element is None or element.name in ("article", "main", "body", "html"):
            return False
        if longer_than(element, _TEASER_TEXT):
            return False
        links = element.find_all("a", href=True, limit=_TEASER_LINKS)
        for link in [element, *links] if element.name == "a" else links:
            if headline is not None and (link is headline or headline in link.parents):
                continue
            if node is not link and _headline_like(link, node):
                return True
        if element.name in ("li", "tr", "dd"):
            return False
        element = element.parent
    return False


def longer_than(element: Tag, limit: int) -> bool:
    """Whether the element's text is longer than ``limit``, read no further than that."""
    size = 0
    for string in element.strings:
        size += len(string)
        if size > limit:
            return True
    return False


def _headline_like(link: Tag, node: NavigableString | Tag) -> bool:
    """Whether the link's text, without the node's own (a date inside its self-link,
    '<a>2024年01月25日 18:03:35 来自内蒙古自治区</a>'), is as long as a headline."""
    text = " ".join(link.get_text(" ").split())
    if inside(node, link):
        own = node.get_text(" ") if isinstance(node, Tag) else str(node)
        text = " ".join(text.replace(" ".join(own.split()), " ").split())
    cjk = sum("\u4e00" <= c <= "\u9fff" or "\u3040" <= c <= "\u30ff" for c in text)
    words = [w for w in text.split() if sum(c.isalpha() for c in w) >= 2]
    return cjk >= _TEASER_CJK or len(words) >= _TEASER_WORDS


def site_wide(description: str, article: str, sites: set[str]) -> bool:
    """Whether a meta description is the site's, not the article's: it shares little with
    the article's title and text (Chinese character pairs, longer words), and names the site
    (``sites``, normalised) or is a bare phrase with nothing of the article in it."""
    own = _tokens(description)
    if not own or len(article) < _ARTICLE_MIN:
        return False  # too little article to tell
    shared = len(own & _tokens(article)) / len(own)
    if shared >= _DESCRIPTION_SHARED:
        return False
    said = f" {norm(description)} "
    squashed = said.replace(" ", "")
    if any(
        f" {site} " in said or (len(site) >= 2 and site.replace(" ", "") in squashed)
        for site in sites
        if not _DOMAIN_PART.fullmatch(site)
    ):
        return True
    bare = len(description.split()) <= _BARE_PHRASE_WORDS
    return shared == 0 and bare and len(article) > _BARE_ARTICLE


def _tokens(text: str) -> set[str]:
    """Character pairs of Chinese and Japanese runs, and the words of four or more letters."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    out: set[str] = set()
    for run in _CJK_RUN.findall(folded):
        out.update(run[i : i + 2] for i in range(len(run) - 1))
    out.update(w for w in _LONG_WORD.findall(folded) if not _CJK_RUN.match(w))
    return out
