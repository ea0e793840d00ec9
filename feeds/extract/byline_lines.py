"""Bylines that neither a label with a colon nor markup names: a line of its own under the
headline that opens with a byline's word ('By Ann Lee', 'Von Ann Lee', 'Posted by <a>jdoe</a>',
'文/张三', '作者丨张三'), and an author that metadata gives only as the address of the writer's
page ('article:author' = 'https://site/author/ann-lee'), named by that link's text on the page;
authors a page implies without a byline (a blog's owner, a name before the headline's colon).
``bylines.py`` runs the other rules; ``labels.py`` cleans the names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from feeds.extract.byline_words import (
    ACCOUNT_PAGE,
    BY_WORDS,
    COLON_NAME,
    ORGANISATION,
    OWN_PAGE,
    PERSON_PAGE,
    PROFILE_PATH,
    PROFILE_TEXTS,
    SOURCE_LABEL,
)
from feeds.extract.bylines import DOMAIN_LIKE, publisher_like
from feeds.extract.html import attr, inside, text_of
from feeds.extract.labels import clean_name, reporter_from
from feeds.extract.markup import HEADINGS, INVISIBLE, split_url
from feeds.extract.page import elsewhere, teaser
from feeds.extract.person_names import PARTICLES, UI_WORD, name_shaped, person_name
from feeds.lazyre import lazy

# How many texts after the headline a byline may stand (a kicker, a standfirst and a photo
# caption come first on some pages), and how long its line may be: longer is prose.
_TEXTS_READ = 12
_LINE_MAX = 120
# A Western byline's word opens the line, follows a separator ('June 3, 2021 · By Ann Lee') or
# the date ('Posted on June 3, 2021 by Ann Lee').
_BY = lazy(rf"(?:^|[|•·–—]\s*|(?<=\d)(?=\s))\s*{BY_WORDS}\s+(?=\S)", re.IGNORECASE)
# Where a Western name ends on its line: a date, a separator, 'on 3 June', 'am 3. Juni'.
_NAME_END = lazy(
    r"\s*[|•·–—/]\s*|\s+-\s+|\s+(?:on|am|le|el|il|op|den|vom|at|in|published|updated)\s+|\s*\d",
    re.IGNORECASE,
)
_COMMA = lazy(r",\s+")
# Several writers: 'Ann Lee and Bob Roe', 'Ann Lee, Bob Roe & Cy Doe'.
_AND = lazy(r"\s*(?:,|&|\band\b|\bund\b|\bet\b|\by\b|\ben\b|\be\b|\boch\b)\s*", re.IGNORECASE)
# Chinese bylines without a colon, opening the line or after a space: '文/张三', '文 | 张三',
# '作者丨张三', '【文/张三】', and text and pictures by one hand: '图/文 张三', '文/图：张三';
# with one, labels the info line misses: '撰稿人：张三', '署名：张三', '本文作者：张三'.
ZH_BY = lazy(
    r"(?:^|(?<=[\s|｜丨︱︲·]))\s*[【\[（(]?\s*(?:(?:(?:图|圖)\s*[/／]\s*文|文\s*[/／]\s*(?:图|圖))\s*[/／|｜丨︱︲:：]?"
    r"|(?:文字|文|(?:本文|文章)?作者|撰文|撰稿人?|执笔|執筆|署名|记者|記者|主笔|主筆)\s*[/／|｜丨︱︲:：]"
    # A label in lenticular brackets, no colon: '【作者】张三 【来源】新华网'.
    r"|【\s*(?:(?:本文)?作者|撰文|撰稿人?|执笔|執筆)\s*】"
    # Japanese: '取材・文/山田太郎', '文・写真：山田太郎'.
    r"|(?:取材\s*[・·]\s*)?文\s*[・·]\s*(?:写真|撮影|構成)\s*[/／:：]|取材\s*[・·]\s*文\s*[/／:：])\s*"
)
# A line that is only a name and what it did: '张三/文', '张三 / 文 / 图', '文　张三', and the
# photographer's credit after it: '张三/文 李四/图'.
_ZH_SIGNED = lazy(
    r"^(?:(?P<name>[\u4e00-\u9fff]{2,4})\s*[/／]\s*文(?:\s*[/／]\s*(?:图|圖))?"
    r"(?:\s+[\u4e00-\u9fff]{2,4}\s*[/／]\s*(?:图|圖|摄影|攝影|摄|攝))?"
    r"|文[\s\u3000]+(?P<name2>[\u4e00-\u9fff]{2,4}))$"
)
_HAN_NAME = lazy(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,4}·[\u4e00-\u9fff]{1,5}")
_ZH_NAMES = lazy(r"\s*[、，,\s]\s*")
# A name ends at a gap, a bar, or the next credit on its line: '撰文/张三 摄影/李四'.
_ZH_NAME_END = lazy(
    r"\s{2,}|[\u3000\u00a0]|\s*[|｜丨︱︲【]\s*|\s+(?=[\u4e00-\u9fff]{1,4}\s*[/／:：])"
)
# A forum or blog handle shown as a link ('Posted by <a>jdoe</a>'): a name's length.
_HANDLE = lazy(r"[\w.~-]{2,24}")
_HANDLE_LINE = 40  # a handle, not a sentence
_UI = lazy(r"^(?:admin|administrator|editor|staff|team|redaktion|unknown|anonymous)$", re.I)


def prefixed_byline(headline: list[Tag], sites: set[str]) -> str | None:
    """The name of a short line under the headline that opens with a byline's word: 'By Ann
    Lee | 3 June 2021', 'von Ann Lee', '文/张三', 'Posted by <a>jdoe</a> on …'. A Western
    name must be shaped like one (``name_shaped``, lower-case words only a name's particles)
    or be the text of a link on that line; a medium's or the site's name (``sites``) is none:
    '文/新华社'. Not in headings ('<h2>Von Berlin nach Hamburg</h2>'), comments, sidebars or
    teasers."""
    if not headline:
        return None
    for line, host in lines_after(headline[0]):
        if (signed := _ZH_SIGNED.match(line)) is not None:
            name = clean_name(signed["name"] or signed["name2"])
        elif (match := ZH_BY.search(line)) is not None:
            name = chinese_names(line[match.end() :])
        elif (match := _BY.search(line)) is not None:
            name = _western_names(line[match.end() :], host)
        else:
            continue
        if name is not None and not publisher_like(name, sites):
            return name
    return None


def lines_after(start: Tag) -> Iterator[tuple[str, Tag]]:
    """The short lines of the first ``_TEXTS_READ`` texts after ``start``, each once, with
    the element that holds it."""
    seen: set[int] = set()
    read = 0
    for node in start.next_elements:
        if type(node) is not NavigableString or node.parent is None or not node.strip():
            continue
        if node.parent.name in INVISIBLE or inside(node, start):
            continue
        read += 1
        if read > _TEXTS_READ:
            return
        host = node.parent
        if host.name == "a" and isinstance(host.parent, Tag):
            host = host.parent  # 'By <a>Ann Lee</a>': the line is the link's parent's
        line = " ".join(host.get_text(" ").split())
        if len(line) > _LINE_MAX:
            line, host = " ".join(node.split()), node.parent
        if id(host) in seen or len(line) > _LINE_MAX or host.name in HEADINGS:
            continue
        seen.add(id(host))
        if not elsewhere(host, itself=True) and not teaser(host, start):
            yield line, host


def chinese_names(rest: str) -> str | None:
    """'张三 李四' (up to a gap), '本报记者 张三' (a reporter's byline), 'Ann Lee'."""
    value = _ZH_NAME_END.split(rest.strip(), maxsplit=1)[0]
    if (reporter := reporter_from(value)) is not None:
        return reporter
    name = clean_name(value)
    if name is None:
        return None
    parts = [p for p in _ZH_NAMES.split(name) if p]
    if 1 <= len(parts) <= 3 and all(_HAN_NAME.fullmatch(p) for p in parts):
        return name
    return None


def _western_names(rest: str, host: Tag) -> str | None:
    value = _NAME_END.split(rest, maxsplit=1)[0].strip(" ,;:")
    # The line goes on in lower case after a comma: 'Par Jean Dupont, publié le 1 mai'.
    value = _before_lower_case(value)
    name = clean_name(value) if value else None
    if name is None or len(name) > 60 or _UI.match(name):
        return None
    parts = [p for p in _AND.split(name) if p]
    if parts and all(name_shaped(p) and _particles_only(p) for p in parts):
        return name
    links = {" ".join(a.get_text(" ").split()) for a in host.find_all("a")}
    return name if name in links and _HANDLE.fullmatch(name) else None


def _before_lower_case(value: str) -> str:
    """The text before the first comma that a lower-case word follows."""
    for match in _COMMA.finditer(value):
        if value[match.end() :][:1].islower():
            return value[: match.start()]
    return value


def _particles_only(name: str) -> bool:
    """Whether a name's lower-case words are a name's particles ('Ludwig van Beethoven'), not
    a phrase's ('Berlin nach Hamburg')."""
    return all(w[0].isupper() or w.lower() in PARTICLES for w in name.split())


def linked_author(
    soup: BeautifulSoup, metas: dict[str, str], ld: list[dict[str, Any]], url: str
) -> str | None:
    """The writer that metadata names only by the address of their page ('article:author' =
    'https://site/author/ann-lee', a JSON-LD author's ``url`` or ``@id``): the text of a link
    to that address on the page, shaped like a name."""
    # An address with a fragment ('https://site/#/schema/person/1') names no page of its own.
    targets = {_address(u, url) for u in _author_urls(metas, ld) if "#" not in u} - {None}
    if not targets:
        return None
    for link in soup.find_all("a", href=True):
        if _address(attr(link, "href") or "", url) not in targets or elsewhere(link):
            continue
        name = clean_name(link.get_text(" "))
        if name is not None and name_shaped(name):
            return name
    return None


def _author_urls(metas: dict[str, str], ld: list[dict[str, Any]]) -> Iterator[str]:
    """Where metadata says the writer's page is: meta tags and JSON-LD authors."""
    for key in ("article:author", "author"):
        value = metas.get(key) or ""
        if value.startswith(("http://", "https://", "/")):
            yield value
    for item in ld:
        authors = item.get("author")
        for author in authors if isinstance(authors, list) else [authors]:
            if isinstance(author, dict):
                yield from (v for k in ("url", "@id") if isinstance(v := author.get(k), str))
            elif isinstance(author, str) and author.startswith(("http://", "https://")):
                yield author


def _address(href: str, base: str) -> str | None:
    """An absolute address without fragment or trailing slash; None for what is none, and for
    a site's home page (a link to it is the site's name, not a writer's)."""
    try:
        absolute = urldefrag(urljoin(base, href.strip()))[0]
        path = urlsplit(absolute).path
    except ValueError:
        return None
    if not absolute.startswith(("http://", "https://")) or path.strip("/") == "":
        return None
    return absolute.rstrip("/")


# What a 'twitter:label' says of its 'twitter:data' when that is the writer (Yoast SEO, in the
# site's language): 'Written by', 'Verfasst von', 'Escrito por', 'Écrit par', 'Scritto da'.
_WRITTEN_BY = lazy(
    r"^(?:written\s+by|verfasst\s+von|geschrieben\s+von|escrito\s+por|écrit\s+par|scritto\s+da"
    r"|geschreven\s+door|skrevet\s+af|skriven\s+av|napisane\s+przez|autor|author|作者)$",
    re.IGNORECASE,
)
_TWITTER_PAIRS = 4


def twitter_written_by(metas: dict[str, str]) -> list[str]:
    """The writer a WordPress page names in its Twitter card ('twitter:label1' = 'Written by',
    'twitter:data1' = 'Ann Lee')."""
    found = []
    for n in range(1, _TWITTER_PAIRS + 1):
        label = (metas.get(f"twitter:label{n}") or "").strip()
        if _WRITTEN_BY.match(label) and (value := (metas.get(f"twitter:data{n}") or "").strip()):
            found.append(value)
    return found


def shown_creator(soup: BeautifulSoup, metas: dict[str, str]) -> str | None:
    """The creator's handle in ``twitter:creator`` when the page shows it as the text of a
    link to a person's page: the handle alone may be the site's account; shown as a profile
    link, it is the writer's (a story site's 'by delta201')."""
    handle = (metas.get("twitter:creator") or "").strip().lstrip("@")
    if not handle or len(handle) > _HANDLE_LINE:
        return None
    for link in soup.find_all("a", href=True, string=True):
        if link.get_text().strip() == handle and PROFILE_PATH.search(attr(link, "href") or ""):
            return handle
    return None


def profile_link(headline: list[Tag]) -> str | None:
    """A link to a person's page on the site ('/members/127862', '/author/ann-lee') right
    before or after the headline, its text a handle or a name: the writer's badge, often an
    avatar and the name beside it, that no byline's word or markup names."""
    if not headline:
        return None
    for texts in (headline[0].next_elements, headline[0].previous_elements):
        read = 0
        for node in texts:
            if type(node) is not NavigableString or not node.strip() or node.parent is None:
                continue
            if node.parent.name in INVISIBLE or inside(node, headline[0]):
                continue
            read += 1
            if read > PROFILE_TEXTS:
                break
            link = node.parent if node.parent.name == "a" else node.find_parent("a")
            if link is not None and (name := _profile_name(link, headline[0])) is not None:
                return name
    return None


def _profile_name(link: Tag, headline: Tag) -> str | None:
    href = attr(link, "href") or ""
    own = OWN_PAGE.match(link.get_text())  # 'my38778570 的个人博客': the writer's own blog
    person = PERSON_PAGE.search(href) and not ACCOUNT_PAGE.search(href)
    if not (own or person) or elsewhere(link) or teaser(link, headline):
        return None
    name = clean_name(own[1] if own else link.get_text(" "))
    if name is None or UI_WORD.search(name) or _UI.match(name):
        return None
    return name if name_shaped(name) or _HANDLE.fullmatch(name) else None


# '<title>Headline - owner - 博客园</title>', 'Headline_owner_新浪博客': a blog platform's page
# (and a blog's title, '海姑娘 | blog.wenxuecity.com', for implied_author): its parts.
_TITLE_PARTS = lazy(r"\s*[|｜_]\s*|\s[-–—]\s")
_PLATFORM = lazy(r"博客|blog", re.IGNORECASE)
_OWNER = lazy(r"[\u4e00-\u9fff\w.~-]{2,20}")


def platform_blog_owner(soup: BeautifulSoup) -> str | None:
    """The owner of a blog on a platform, named between the headline and the platform in the
    page's title ('Headline - 张三 - 博客园'), when the page shows that name as a link (the
    blog's header): the writer, though no byline names them."""
    page = soup.title.get_text() if soup.title else ""
    parts = [p for p in _TITLE_PARTS.split(page.strip()) if p]
    if len(parts) != 3 or not _PLATFORM.search(parts[2]) or _PLATFORM.search(parts[1]):
        return None
    owner = parts[1]
    if not _OWNER.fullmatch(owner) or len(parts[0]) <= len(owner):
        return None
    shown = soup.find("a", string=lambda s: s is not None and s.strip() == owner)
    return clean_name(owner) if shown is not None and not elsewhere(shown) else None


# Implied authors: a blog's owner, a name before the headline's colon, a person as source.
_BLOG_OF = lazy(r"^\s*(\S{1,16}?)\s*的(?:博客|博客空间|个人空间|空间|日志|BLOG|Blog|blog)")
_OWNER_HANDLE = lazy(r"[\u4e00-\u9fff]{2,4}|[\w.~-]{3,16}")
_SOURCES_MAX = 20


def implied_author(soup: BeautifulSoup, title: str | None, url: str) -> str | None:
    """An author the page implies without a byline: the blog's owner ('海姑娘 |
    blog.wenxuecity.com', '张三的博客'); the name before the headline's colon when it
    stands alone in the story too ('茉莉：我是怎样卷入八九民运的' … '茉莉'); a person named as
    the source ('来源: 尹娟')."""
    page = text_of(soup.title) if soup.title else None
    return _blog_owner(page, url) or _colon_name(soup, title) or _source_person(soup)


def _blog_owner(page: str | None, url: str) -> str | None:
    if not page:
        return None
    parts = [p.strip() for p in _TITLE_PARTS.split(page) if p.strip()]
    for part in parts:
        if (match := _BLOG_OF.match(part)) and (name := person_name(match[1])):
            return name
    split = split_url(url)
    host_path = f"{split.hostname or ''}{split.path}".lower() if split is not None else ""
    domain = [p for p in parts if DOMAIN_LIKE.match(p) or "blog" in p.lower()]
    if len(parts) != 2 or not ("blog" in host_path or any("blog" in d.lower() for d in domain)):
        return None
    names = [p for p in parts if p not in domain and _OWNER_HANDLE.fullmatch(p)]
    return person_name(names[0]) if len(domain) == 1 and names else None


def _colon_name(soup: BeautifulSoup, title: str | None) -> str | None:
    match = COLON_NAME.match(title or "")
    if match is None:
        return None
    name = match[1]
    body = soup.body or soup
    alone = body.find(string=lambda s: s is not None and s.strip() == name)
    return name if alone is not None and not UI_WORD.search(name) else None


def _source_person(soup: BeautifulSoup) -> str | None:
    body = soup.body or soup
    for string in body.find_all(string=SOURCE_LABEL, limit=_SOURCES_MAX):
        match = SOURCE_LABEL.search(string)
        if match and not ORGANISATION.search(match[1]):
            return match[1]
    return None
