"""An article's author when no selector gives one: metadata (people before publishers),
bylines marked up as such, and Chinese reporters' bylines. Labelled fields ('作者：…') are
``labels.py``'s."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from feeds.extract import byline_markup
from feeds.extract.byline_words import (
    CLASS_WORDS,
    DATA_ATTRS,
    ELEMENTS,
    ID_WORDS,
    NAME_OVER_DATE,
    name_over_texts,
)
from feeds.extract.html import attr, inside, select
from feeds.extract.labels import (
    labelled_author,
    labelled_editor,
    reporter_at,
)
from feeds.extract.ld_authors import ld_authors
from feeds.extract.markup import INVISIBLE
from feeds.extract.names import site_of
from feeds.extract.page import NEAR_HEADLINE, elsewhere, longer_than, teaser
from feeds.extract.person_names import PARTICLES, name_shaped, person_name
from feeds.extract.title_words import norm
from feeds.lazyre import lazy

_AUTHOR_META = (
    "author",
    "article:author",
    "dc.creator",
    "dc:creator",
    "dcterms.creator",
    "citation_author",
    "citation_authors",
    "parsely-author",
    "sailthru.author",
    "byl",
)
# Any other meta tag whose name ends in 'author(s)' ('lrt_authors', 'its_author'): a site's own
# name for the same field; account ids among them are refused like any other.
_AUTHOR_KEY = lazy(r"(?:^|[_:.-])authors?$")
# An app banner's 'author' ('<meta name="smartbanner:author" content="Jetzt in der App">'): the
# app's maker or a slogan, not the story's writer.
_APP_BANNER = ("smartbanner:", "apple-itunes", "al:")
# What byline markup is, as CSS: byline_markup.markup finds the same elements in one walk
# (tests/test_byline_markup.py holds the two equal).
AUTHOR_MARKUP = (
    '[itemprop~="author"] [itemprop="name"], a[rel~="author"], [itemprop~="author"], '
    ".byline .fn, .author .fn, .vcard .fn, .author-name, .byline-name, .byline, "
    '[class*="author" i], [class*="byline" i], [class*="contributor" i], [id*="author" i], '
    '[class*="writer" i], [class*="submitted-by" i], [class*="posted-by" i], [class*="authi" i], '
    '[class*="username" i], '
    '[data-testid*="author" i], [data-testid*="byline" i], [data-component*="author" i], '
    '[data-component*="byline" i], [id*="byline" i], address, author'
)
# The same in the page's language (Autor, autore, auteur; 作者 and 记者 in pinyin), as a whole
# word of the class or id: 'autoresize', 'autorefresh' are a script's.
FOREIGN_MARKUP = (
    '[class*="autor" i], [class*="auteur" i], [class*="zuozhe" i], [class*="jizhe" i], '
    '[id*="autor" i], [id*="auteur" i], [id*="zuozhe" i], [id*="jizhe" i]'
)
_FOREIGN_WORD = lazy(
    r"(?<![a-z])(?:autor(?:e|es|en|in|a)?|auteurs?|zuozhe|jizhe)(?![a-z])", re.IGNORECASE
)
# A byline block whose whole text is no name ('Written by <a>Ann Lee</a> in <a>Tech</a> on 1 June
# 2019 · <a>51 Comments</a>', three authors side by side): its first element that is one name.
_BYLINE_PARTS = "a, span, strong, b"
# Where byline markup names someone else: a photo's credit, a quote's speaker, a control. Not
# by the class words 'credit' or 'caption': sites name their bylines so too.
_CREDIT_TAGS = frozenset({"figure", "figcaption", "blockquote", "button"})
_QUOTE_WORDS = frozenset({"quote", "blockquote"})
_CREDIT_DEPTH = 8
_OWN_LEVELS = 4  # containers of the headline looked in for its own bylines
_BYLINE_BLOCK_MAX = 300
# How far after the headline (characters of text) a story's last line may stand.
_STORY_MAX = 20000
_LINE = 200
# A signed story: how many bold elements after the headline are read; how many paragraphs of
# at least ``_STORY_LINE`` characters make a story.
_SIGNED_BOLDS = 60
_STORY_PARAGRAPHS = 3
_STORY_LINE = 80
# What may follow a byline on its line: '山东冠县报道', a closing bracket.
_AFTER_BYLINE = 12
_POSTED_BY = lazy(r"由\s*$|^\s*于|发表于")
# A Chinese name that is a medium's, not a person's ('网易', '中央通訊社', '华商报'), a portal's
# channel ('新浪财经', '腾讯科技') or a newsroom's team ('新浪财经综合', '编辑部'): passed over
# like the publisher's, so that the byline is read first.
_MEDIUM = lazy(
    r"^(?=[\u4e00-\u9fff]{2,12}$).*(?:[网網报報社刊]|通[讯訊]|新[闻聞]|[电電][视視]|[广廣]播|在线"
    r"|频道|頻道|[传傳]媒|媒[体體]|[杂雜]志|出版|[财財][经經]|科技|[体體]育|[娱娛]乐|[娱娛]樂"
    r"|汽[车車]|[资資][讯訊]|[头頭]条|[头頭]條|[编編][辑輯]部|[团團][队隊]|小[组組]|工作室|[综綜]合"
    r"|[编編][译譯])"
)
# A login box's words ('我的跟贴', '账号'), marked up with 'author' classes by some templates.
_ACCOUNT_UI = lazy(
    r"我的|[账帐賬]号|[账帐賬]號|密[码碼]|登[录錄]|注[册冊]|退出|(?<![\w])(?:log\s?in|sign\s?in"
    r"|log\s?out|register|my\s+account)(?![\w])",
    re.IGNORECASE,
)
# A class or id word that holds 'author' but names a permission: a page header's
# 'unauthorized' (a visitor not logged in), 'authority', 'authorize'. No byline.
_PERMISSION_WORD = lazy(r"authori[sz]|authorit", re.IGNORECASE)
DOMAIN_LIKE = lazy(r"^(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}/?$", re.IGNORECASE)
# An account's id, not its holder's name: 'L_104485', 'qq_41234567', '1234567'.
_ACCOUNT_ID = lazy(r"^[a-z]{0,12}\d{0,2}[_-]?\d{4,}$", re.IGNORECASE)
# A company's name (the CMS vendor or the site's operator that a template puts in
# <meta name="author">): a legal form or a trade at its end.
_COMPANY = lazy(
    r"(?:有限公司|公司|集团|网络|科技|软件|信息技术|技术|工作室|出版社|(?<![\w])(?:gmbh|inc|ltd|llc|corp"
    r"|co|ag|s\.?a|s\.?l|b\.?v|oy|ab|plc|limited|corporation|company|publishers?|publishing)\.?)"
    r"(?:$|\s*[,，])",
    re.IGNORECASE,
)


# A content management system or blog platform a template names as the page's author
# ('<meta name="author" content="WordPress">'): software, never the writer.
_CMS = lazy(
    r"^(?:powered\s+by\s+.*"  # 'Powered by DedeCMS': a template's credit line
    r"|(?:wordpress|drupal|joomla!?|blogger|blogspot|typo3|ghost|wix|squarespace|weebly|tumblr"
    r"|webflow|jimdo|hugo|jekyll|contao|concrete5?|plone|umbraco|sitecore|liferay|hubspot|shopify"
    r"|discuz!?|phpwind|phpcms|dedecms|empirecms|帝国cms|织梦cms?|z-blog|typecho|emlog|destoon"
    r"|metinfo|pbootcms|eyoucms|shopex|ecshop|thinkphp)"
    r"(?:\.(?:com|org|net|cn))?(?:\s+(?:cms|\d[\d.]*))?"
    # the software by what it is: '织梦内容管理系统', '某某建站系统'
    r"|.{0,12}(?:内容管理系统|管理系统|建站系统|网站系统|content\s+management\s+system))$",
    re.IGNORECASE,
)


# A newsroom, a desk or a team signing for the staff: no person, though a site may sign so.
_NEWSROOM = lazy(
    r"(?<![\w])(?:staff|desk|team|newsroom|newsdesk|editors|redaktion|rédaction|redacción"
    r"|redazione|redactie|redakcja|redakce)(?![\w])",
    re.IGNORECASE,
)


def metadata_author(
    metas: dict[str, str],
    ld: list[dict[str, Any]],
    url: str,
    *,
    publishers: bool = False,
    editors: Sequence[str] = (),
    meta_authors: Sequence[str] | None = None,
    named: Iterable[str] = (),
) -> str | None:
    """The author named by JSON-LD (people first) or meta tags.

    A name that is the publisher's (og:site_name, the JSON-LD publisher or an Organization,
    a domain name such as 'mdr.de') is no byline: it is passed over, so that the page's own
    byline is tried first, and taken only with ``publishers`` (the last resort). Nor is an
    account id, a company (the CMS vendor), or a name the page shows as its editor's
    (``editors``: Chinese CMSs put the editor's account in <meta name="author">).
    ``meta_authors`` (see ``meta_author_values``) are every author meta tag's values; without
    them, the first of each name in ``metas``. ``named``: more of the site's names (the
    parts of <title> beside the headline)."""
    sites = site_names(metas, ld, url) | {norm(n) for n in named}
    persons, people, organisations = ld_authors(ld)
    # The editor a page labels is not its writer, whatever the JSON-LD calls him.
    persons = [p for p in persons if not any(e in p or p in e for e in editors)]
    if persons:
        return persons[0]
    if meta_authors is None:
        meta_authors = [v for name in _AUTHOR_META if (v := metas.get(name))]
    people += [v for v in meta_authors if not _is_url(v)]
    names = [
        n
        for v in people
        if (n := person_name(v)) and not _ACCOUNT_ID.match(n) and not _CMS.match(n)
    ]
    names = [n for n in names if not any(e in n or n in e for e in editors)]
    for name in names:
        if _writer_like(name, sites) and not _COMPANY.search(name) and not _phrase(name):
            return name
    if publishers:
        # The site's own name may stand for its staff; a company named nowhere else (the
        # CMS vendor) may not.
        named = [n for n in names if _site_named(n, sites) or not _COMPANY.search(n)]
        return next(iter(named + organisations), None)
    return None


def _writer_like(name: str, sites: set[str]) -> bool:
    """Whether a meta tag's name may be the writer's, before the page's byline is read: not
    the publisher's, not a newsroom's ('Example News Desk', 'Staff'). Those are taken only as
    the last resort (``publishers``)."""
    return not publisher_like(name, sites) and not _NEWSROOM.search(name)


def _phrase(name: str) -> bool:
    """'deinen Hochzeitsbloggern' (a site's 'your wedding bloggers'), 'the editors': words
    that open with a lower-case word no name opens with. Handles ('fri.juli') are one word."""
    first, *rest = name.split() or [""]
    return bool(rest) and first.isalpha() and first.islower() and first not in PARTICLES


def meta_author_values(soup: BeautifulSoup) -> list[str]:
    """Every author meta tag's value, the usual names first (``_AUTHOR_META``'s order), then
    the site's own ('lrt_authors'), in page order: a page may carry two, the site's name and
    the writer's ('<meta name="author" content="한국일보">', then '… content="신현주 기자">').
    Some templates put the value in ``value``, not ``content``."""
    found: list[tuple[int, str]] = []
    for meta in soup.find_all("meta"):
        value = attr(meta, "content") or attr(meta, "value")
        keys = [k.lower() for a in ("name", "property", "itemprop") if (k := attr(meta, a))]
        keys = [k for k in keys if not k.startswith(_APP_BANNER)]
        ranks = [_AUTHOR_META.index(k) if k in _AUTHOR_META else len(_AUTHOR_META) for k in keys]
        if (
            value
            and value.strip()
            and any(
                r < len(_AUTHOR_META) or _AUTHOR_KEY.search(k)
                for r, k in zip(ranks, keys, strict=True)
            )
        ):
            found.append((min(ranks), value.strip()))
    return [value for _, value in sorted(found, key=lambda pair: pair[0])]


def marked_bylines(soup: BeautifulSoup, headline: list[Tag]) -> list[str]:
    """The names of bylines marked up as such (rel=author, microdata, hCard, class names with
    "author" or "byline"), not in reader comments or teasers: those after the headline
    first, then those before it, nearest first."""
    anchor = headline[0] if headline else None
    nodes, foreign_markup = byline_markup.markup(soup)  # AUTHOR_MARKUP, FOREIGN_MARKUP
    foreign = [n for n in foreign_markup if _FOREIGN_WORD.search(_names_of(n))]
    if foreign:  # rare: only then the cost of reading both in the page's order
        kept = {id(n) for n in nodes} | {id(n) for n in foreign}
        nodes = [n for n in soup.find_all(True) if id(n) in kept]
    nodes = [n for n in nodes if not elsewhere(n)]
    nodes = [n for n in nodes if not teaser(n, anchor) and not _credit_or_control(n)]
    nodes = [n for n in nodes if not permission_markup(n)]
    if anchor is not None:
        following = {id(n) for n in anchor.find_all_next(True)}
        after = [n for n in nodes if id(n) in following]
        nodes = _own_first(after + [n for n in reversed(nodes) if id(n) not in following], anchor)
    names = []
    for node in nodes:
        if node.name == "meta":
            name = person_name(attr(node, "content"))
        elif (inner := byline_markup.microdata_name(node)) is not None:
            # '<div itemprop="author"><span itemprop="name">Ann Lee</span><span
            # itemprop="jobTitle">…': the name, not the job or the bio beside it; so too in a
            # block around it that a class names ('<div class="authorCol">', a Docusaurus
            # author card: the name over '微众银行开发工程师').
            name = person_name(attr(inner, "content") or inner.get_text(" "))
        elif node.name == "address":
            # The article's contact: a writer's name only in a name's shape, not a street.
            name = person_name(node.get_text(" "))
            name = name if name and name_shaped(name) else _first_name_part(node)
        elif labelled_editor(text := node.get_text(" ")) and not labelled_author(text):
            continue  # '<span class="author">责任编辑：王五</span>': an editor, no writer
        else:
            name = person_name(text) or _first_name_part(node)
        if name and not _ACCOUNT_UI.search(name):
            names.append(name)
    return names


def _own_first(nodes: list[Tag], anchor: Tag) -> list[Tag]:
    """The bylines of the headline's own block first: a forum's first post names its poster
    above its title, and the next post's poster comes after it."""
    for block in list(anchor.parents)[:_OWN_LEVELS]:
        own = {id(n) for n in nodes if inside(n, block)}
        if own:
            return [n for n in nodes if id(n) in own] + [n for n in nodes if id(n) not in own]
    return nodes


def _credit_or_control(node: Tag) -> bool:
    """Whether byline markup is a photo's credit, a quote's attribution or a button ('<div
    role="button" class="author-info__more">Mehr</div>'): not the story's byline."""
    for depth, element in enumerate((node, *node.parents)):
        if depth >= _CREDIT_DEPTH or element.name in ("article", "main", "body"):
            break
        if element.name in _CREDIT_TAGS or attr(element, "role") == "button":
            return True
    return elsewhere(node, _QUOTE_WORDS, itself=True)


def permission_markup(node: Tag) -> bool:
    """Whether byline markup is so only by a class or id word about permission: '<header
    class="main-header unauthorized">' around the site's menu, whose first link ('沸点', a
    channel) is no writer. Markup with any other sign of a byline stays."""
    if node.name in ELEMENTS or attr(node, "itemprop") or attr(node, "rel"):
        return False
    if any(attr(node, name) for name in DATA_ATTRS):
        return False
    words = [str(w).lower() for w in node.get("class") or []]
    hits = [w for w in words if any(k in w for k in CLASS_WORDS)]
    ident = (attr(node, "id") or "").lower()
    if any(k in ident for k in ID_WORDS):
        hits.append(ident)
    return bool(hits) and all(_PERMISSION_WORD.search(w) for w in hits)


def _names_of(node: Tag) -> str:
    return f"{attr(node, 'class') or ''} {attr(node, 'id') or ''}"


def _first_name_part(node: Tag) -> str | None:
    """The first link or span of a short byline block that is one name and shaped like one:
    'Written by <a>Ann Lee</a> in <a>Tech</a> on 1 June 2019', three names side by side."""
    if longer_than(node, _BYLINE_BLOCK_MAX):
        return None
    for part in select(node, _BYLINE_PARTS):
        if (name := person_name(part.get_text(" "))) and name_shaped(name):
            return name
    return None


def markup_author(names: list[str], sites: set[str], *, publishers: bool = False) -> str | None:
    """The first of ``marked_bylines`` that is not the site's own name (``sites``, see
    ``site_names``); with ``publishers`` (a last resort), the first that is: 'par Attac
    France' on Attac France's site."""
    return next((n for n in names if publishers == publisher_like(n, sites)), None)


def reporter(soup: BeautifulSoup, headline: list[Tag]) -> str | None:
    """A Chinese reporter's byline in the story: at its top ('本报记者罗科苏盈发自北京') or at
    its end ('新京报记者 彭冲 山东冠县报道'), or a forum post's ('本贴由<b>大卫</b>于…'), in
    the first ``_STORY_MAX`` characters of text after the headline, outside links, comments
    and teasers. Far below the headline, only a byline that ends its line counts, not a
    reporter the story's prose names ('美国记者赫德里克·史密斯在他那本书中…')."""
    start = headline[0] if headline else soup.body
    if start is None:
        return None
    seen = 0
    for node in start.next_elements:
        if type(node) is not NavigableString or node.parent is None:
            continue
        if node.parent.name in INVISIBLE or node.find_parent("a") is not None:
            continue  # a link's text is a menu's or a teaser's, not the story's byline
        line = str(node)
        found = reporter_at(line)
        if found is None and _POSTED_BY.search(line) and len(node.parent.get_text()) <= _LINE:
            line = node.parent.get_text()  # '本贴由<b>大卫</b>于…': the name in its own element
            found = reporter_at(line)
        if found and (seen < NEAR_HEADLINE or _ends_line(line, found[1], node)):
            return found[0]
        seen += len(node)
        if seen > _STORY_MAX:
            break
    return None


def name_over_date(soup: BeautifulSoup, headline: list[Tag]) -> str | None:
    """A name alone right below the headline, the date next ('谢若含 · 2017-03-01 14:27:02',
    '管不饿 [关注] 2024-05-08 23:23'): a blog's or a community site's byline that no label
    or markup names."""
    if not headline:
        return None
    texts: list[str] = []
    for node in headline[0].next_elements:
        if type(node) is not NavigableString or node.parent is None:
            continue
        if node.parent.name in INVISIBLE or inside(node, headline[0]):
            continue
        if text := node.strip():
            texts.append(text)
            if len(texts) >= NAME_OVER_DATE:
                break
    return name_over_texts(texts)


def signed_paragraph(soup: BeautifulSoup, headline: list[Tag]) -> str | None:
    """A story signed in a paragraph of its own, all bold, first or last among the story's
    paragraphs ('<p><strong>Lê Phương</strong></p>' after the last line): a name's shape only."""
    start = headline[0] if headline else soup.body
    if start is None:
        return None
    for bold in start.find_all_next(("strong", "b"), limit=_SIGNED_BOLDS):
        para = bold.parent
        if not isinstance(para, Tag) or para.name != "p" or elsewhere(para):
            continue
        text = " ".join(bold.get_text(" ").split())
        if " ".join(para.get_text(" ").split()) != text or not name_shaped(text):
            continue
        before = [_text_len(p) for p in para.find_previous_siblings("p")]
        after = [_text_len(p) for p in para.find_next_siblings("p")]
        at_edge = not any(after) or not any(before)  # the story's first or last paragraph
        if at_edge and sum(n >= _STORY_LINE for n in before + after) >= _STORY_PARAGRAPHS:
            return person_name(text)
    return None


def _text_len(tag: Tag) -> int:
    return len(tag.get_text(strip=True))


def _ends_line(line: str, end: int, node: NavigableString) -> bool:
    """Whether a byline that ends at ``end`` ends its line too (a place and '报道' may
    follow), outside comments and teasers."""
    return len(line.rstrip()) - end <= _AFTER_BYLINE and not elsewhere(node)


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://", "//"))


# What a copyright line says besides its holder's name.
_COPYRIGHT_WORDS = lazy(
    r"copyright|\(c\)|©|\ball rights reserved\b|\b(?:19|20)\d\d\b|[-–,.]", re.IGNORECASE
)


def site_names(metas: dict[str, str], ld: list[dict[str, Any]], url: str) -> set[str]:
    """The publisher's names (normalised): og:site_name, the JSON-LD publisher, the holder
    its copyright meta names ('Copyright (c) Condé Nast 2022'), the host."""
    names = {metas.get("og:site_name"), metas.get("application-name"), metas.get("publisher")}
    for key in ("copyright", "dc.rights", "rights"):
        names.add(_COPYRIGHT_WORDS.sub(" ", metas.get(key) or ""))
    for item in ld:
        publisher = item.get("publisher")
        if isinstance(publisher, dict):
            names.add(publisher.get("name"))
        if item.get("@type") in ("Organization", "NewsMediaOrganization", "WebSite"):
            names.add(item.get("name"))
    host = urlsplit(url).hostname or ""
    names.add(host.removeprefix("www."))
    return {norm(n) for n in names if isinstance(n, str) and norm(n)}


# A link to the site's front page: its text is the site's name ('<a href="http://www.yeeyan.org">
# 译言</a>' in the header), whatever <meta name="author"> says.
_HOME_PATHS = frozenset({"", "/", "/index.html", "/index.htm", "/index.php", "/index.shtml"})
_HOME_TEXT_MAX = 30


def home_names(soup: BeautifulSoup, url: str) -> set[str]:
    """The names (normalised) the page gives links to its own site's front page: a header's
    logo link says the site's name, so a meta author that is only that is the site's."""
    site = site_of(url)
    names = set()
    for link in soup.find_all("a", href=True):
        try:
            parts = urlsplit(urljoin(url, str(link["href"]).strip()))
        except ValueError:
            continue
        if parts.path in _HOME_PATHS and not parts.query and site_of(parts.geturl()) == site:
            text = norm(link.get_text(" "))
            if text and len(text) <= _HOME_TEXT_MAX:
                names.add(text)
    return names


def publisher_like(name: str, sites: set[str]) -> bool:
    """'FOCUS Online' beside og:site_name 'FOCUS Online', 'mdr.de', 'www.yunnan.cn,云南网'."""
    parts = [p.strip() for p in re.split(r"[,;，；]", name) if p.strip()]
    return any(_MEDIUM.match(p) for p in parts) or _site_named(name, sites)


def _site_named(name: str, sites: set[str]) -> bool:
    """Whether the name is one of ``sites`` or a domain name."""
    parts = [p.strip() for p in re.split(r"[,;，；]", name) if p.strip()]
    if any(DOMAIN_LIKE.match(p) for p in parts):
        return True
    words = f" {norm(name)} "
    return any(f" {site} " in words or words.strip() in site.split(" ") for site in sites)
