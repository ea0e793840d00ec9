"""Article pages whose configured selectors give every field, read with lxml alone.

The BeautifulSoup path (``article.py``) builds a bs4 tree and matches with soupsieve: most of
a poll's CPU (bench scenario 3). When a source's rules give a plain selector for every field
(type, class, id and combinators: ``values.PLAIN_SELECTOR``), the page is parsed once by the
libxml2 parser that bs4 drives, the selectors run as XPath compiled by cssselect, and the
fields are read by bs4's own rules restated: ``get_text`` (strings in script, style, template,
rt and rp left out), the whitespace-only strings bs4 folds to one space or newline, its
multi-valued attributes and its serialisation of the content.

Whenever a field would need a fallback of the bs4 path (unless ``fast_absence.py`` proves that
the fallback would find nothing), or the page is one where the two trees could differ, the
answer is None and the caller reads the page the bs4 way: the Article is the
same either way (tests/test_fast_article.py compares both, field by field, on the corpus and
the sample portal).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache

from cssselect import HTMLTranslator
from cssselect.xpath import XPathExpr
from lxml import etree

from feeds.clean import absolute_srcset, absolute_url, plain_text, sanitize_html
from feeds.extract.dates import parse_date
from feeds.extract.fast_absence import may_have_author, may_have_metadata_date
from feeds.extract.labels import author_from, summary_from
from feeds.extract.markup import (
    ASCII_SPACES,
    CDATA_LISTS,
    LAZY_SRC_ATTRIBUTES,
    MAX_DEPTH,
    PRESERVE_WHITESPACE,
    STRING_CONTAINERS,
    VOID,
    page_text,
)
from feeds.lazyre import lazy
from feeds.models import Article, ArticleRules, ParsedDate
from feeds.values import PLAIN_SELECTOR

_RAW_TEXT = frozenset({"script", "style"})  # written unescaped by bs4 (none is left in content)
_WORDS = lazy(r"\S+")
_COMBINATOR = lazy(r"[\s>+~]")
# bs4 splits class="a b" at any Unicode space, XPath's normalize-space only at four ASCII
# ones: the others become spaces before the class test. Those that XML forbids cannot be
# written in an XPath literal, so a page holding one is left to the bs4 path.
_UNICODE_SPACES = [chr(i) for i in range(0x3001) if chr(i).isspace() and chr(i) not in " \t\n\r"]
_NOT_XML = "".join(c for c in _UNICODE_SPACES if ord(c) < 0x20)
_TRANSLATED = "".join(c for c in _UNICODE_SPACES if ord(c) >= 0x20)
# Content after </html>: the tree bs4 builds from the parser's events holds it in a second
# <html>, the tree libxml2 builds drops it.
# (Spelled without IGNORECASE, which would make the search scan every character.)
_HTML_END = lazy(r"</[hH][tT][mM][lL][\s/>]")
_NOTHING_MORE = lazy(r"(?:\s|<!--.*?-->)*", re.DOTALL)
# A doctype past the top of the page: bs4 keeps it, and writes it with a newline after it, in
# the element it stands in; libxml2's tree has no such node.
_DOCTYPE = lazy(r"<![dD][oO][cC][tT][yY][pP][eE]")
_PROLOGUE = lazy(r"(?:\s|<!--.*?-->|<\?xml[^>]*>)*", re.DOTALL)
# An element this deep may be one html.parse folds into text (MAX_DEPTH): left to bs4.
_TOO_DEEP = etree.XPath("boolean(" + "/*" * (MAX_DEPTH // 2 + 1) + ")")
# A date read the same with these page hints (see date_context.Read) needs none.
_ORDERS = (None, "dmy", "mdy")
_FAR_BACK = timedelta(days=366 * 30)


class _Unsupported(Exception):
    """A page or rule this path does not read exactly as the bs4 path would."""


class _Translator(HTMLTranslator):
    def xpath_attrib_includes(self, xpath: XPathExpr, name: str, value: str | None) -> XPathExpr:
        if name == "@class":
            name = f"translate(@class, '{_TRANSLATED}', '{' ' * len(_TRANSLATED)}')"
        return super().xpath_attrib_includes(xpath, name, value)


_TRANSLATOR = _Translator()


@lru_cache(maxsize=512)
def _compiled(selector: str) -> etree.XPath | None:
    """The selector as XPath, or None when it is not a plain one (soupsieve's reading of
    anything else is not restated here)."""
    if not PLAIN_SELECTOR.fullmatch(selector):
        return None
    try:
        return etree.XPath(_TRANSLATOR.css_to_xpath(selector))
    except Exception:  # cssselect's or libxml2's refusal: the bs4 path reads it
        return None


@lru_cache(maxsize=512)
def _scoped(selector: str) -> etree.XPath | None:
    """For a selector without combinators (``script, style``, ``div.ad``): the XPath of its
    matches below the node it runs from. Such a selector matches an element by the element
    alone, so these are the page's matches inside that node; None for other selectors."""
    parts = [part.strip() for part in selector.split(",")]
    if _compiled(selector) is None or any(_COMBINATOR.search(part) for part in parts):
        return None
    return etree.XPath(_TRANSLATOR.css_to_xpath(selector, prefix="descendant::"))


def fast_article(
    text: str,
    url: str,
    rules: ArticleRules,
    *,
    now: datetime,
    tz: tzinfo,
    encoding: str | None,
    always_remove: str,
) -> Article | None:
    """The Article ``article.extract_article`` would return, or None when this path cannot
    promise the same (see the module's docstring). ``always_remove`` is that module's list
    of elements removed from every selected content."""
    selectors = (rules.title, rules.date, rules.author, rules.summary, rules.content)
    if not all(selectors) or any(c in text for c in _NOT_XML):
        return None
    if any(_compiled(s) is None for s in (*selectors, *rules.remove, always_remove) if s):
        return None
    try:
        return _read(text, url, rules, now=now, tz=tz, encoding=encoding, remove=always_remove)
    except _Unsupported:
        return None
    except Exception:  # an optimisation must never fail a page that the bs4 path reads
        return None


def _read(
    text: str,
    url: str,
    rules: ArticleRules,
    *,
    now: datetime,
    tz: tzinfo,
    encoding: str | None,
    remove: str,
) -> Article:
    root = _parse(text)
    base = _base_url(root, url)
    title = plain_text(_raw(root, rules.title))
    date = _date(_raw(root, rules.date), now=now, tz=tz)
    author = author_from(_raw(root, rules.author)) or None
    summary = summary_from(_raw(root, rules.summary))
    if not (title and date and summary):
        raise _Unsupported  # the bs4 path would go on to metadata and the page
    if not date.has_time and may_have_metadata_date(root):
        raise _Unsupported  # the bs4 path would weigh the metadata's date against it
    if author is None and may_have_author(root, title, url):
        raise _Unsupported  # the bs4 path would read the author from metadata or the page
    content = _content(root, rules, base, url, remove)
    language = _attr(root, "lang")
    return Article(
        url=url,
        canonical_url=absolute_url(_canonical_href(root), base),
        title=title,
        date=date,
        metadata_date=None,
        author=author,
        summary=summary,
        content_html=content,
        encoding=encoding,
        language=language,
        origins={
            n: "selector"
            for n in ("title", "date", "author", "summary", "content")
            if n != "author" or author
        },
    )


def _parse(text: str) -> etree._Element:
    """The tree of the parser call bs4 makes (``LXMLTreeBuilder.feed``), built by libxml2."""
    text = page_text(text)
    if text.startswith("\N{BYTE ORDER MARK}"):
        text = text[1:]  # bs4 drops it too (lxml bug 1948551)
    end = _HTML_END.search(text)
    if end is not None:
        close = text.find(">", end.start())
        if close >= 0 and _NOTHING_MORE.fullmatch(text, close + 1) is None:
            raise _Unsupported
    doctype = _DOCTYPE.search(text)
    if doctype is not None and (
        _PROLOGUE.fullmatch(text, 0, doctype.start()) is None
        or _DOCTYPE.search(text, doctype.end()) is not None
    ):
        raise _Unsupported
    parser = etree.HTMLParser(recover=True, huge_tree=False, collect_ids=False)
    parser.feed(text)
    root = parser.close()
    if root is None or root.tag != "html" or _TOO_DEEP(root):
        raise _Unsupported
    return root


def _matches(root: etree._Element, selector: str) -> list[etree._Element]:
    """The selector's matches in the page, in document order."""
    compiled = _compiled(selector)
    found = compiled(root) if compiled is not None else None
    if not isinstance(found, list):
        raise _Unsupported
    return [e for e in found if isinstance(e, etree._Element)]


def _first(root: etree._Element, selector: str | None) -> etree._Element | None:
    found = _matches(root, selector) if selector else []
    return found[0] if found else None


def _raw(root: etree._Element, selector: str | None) -> str | None:
    """bs4's ``get_text(" ")`` of the first match, as ``article._selector_raw``."""
    node = _first(root, selector)
    if node is None:
        return None
    pre = False
    for element in (node, *node.iterancestors()):
        if element.tag in STRING_CONTAINERS:
            raise _Unsupported  # its strings are of another kind in bs4
        pre = pre or element.tag in PRESERVE_WHITESPACE
    parts: list[str] = []
    _strings(node, pre, parts)
    return " ".join(parts)


def _strings(node: etree._Element, pre: bool, out: list[str]) -> None:
    """The strings bs4's get_text joins, in order: text, never comments' or containers'."""
    if node.text:
        out.append(node.text if pre else _folded(node.text))
    for child in node:
        tag = child.tag
        if isinstance(tag, str) and tag not in STRING_CONTAINERS:
            _strings(child, pre or tag in PRESERVE_WHITESPACE, out)
        if child.tail:
            out.append(child.tail if pre else _folded(child.tail))


def _folded(text: str) -> str:
    """As bs4 keeps a string outside <pre>: all ASCII spaces (or none) become one newline or
    space."""
    if text.strip(ASCII_SPACES):
        return text
    return "\n" if "\n" in text else " "


def _date(raw: str | None, *, now: datetime, tz: tzinfo) -> ParsedDate | None:
    """The selector's date when it reads the same whatever the page's hints (the year for a
    year-less date, the order of 04/05/2025), else None."""
    if not raw:
        return None
    date = parse_date(raw, now=now, tz=tz)
    if date is None:
        return None
    # Hints enter parse_date only as near (a year-less date takes the year nearest it, which
    # differs for these two) and order: a reading the same under all six needs none.
    for near in (now, now - _FAR_BACK):
        for order in _ORDERS:
            if (near, order) == (now, None):
                continue  # the reading above
            if parse_date(raw, now=now, tz=tz, near=near, order=order) != date:
                return None
    return date


def _content(
    root: etree._Element, rules: ArticleRules, base: str, url: str, always_remove: str
) -> str | None:
    """As ``article._content`` with a content selector that matches."""
    node = _first(root, rules.content)
    if node is None:
        raise _Unsupported  # the bs4 path would run the content extractor
    around = (node, *node.iterancestors())
    if any(a.tag in STRING_CONTAINERS for a in around):
        raise _Unsupported  # bs4 holds its strings as another kind
    _fold_spaces(node, any(a.tag in PRESERVE_WHITESPACE for a in around))
    for selector in (always_remove, *rules.remove):
        # soupsieve's select(node, …) matches the whole selector against the page and keeps
        # what lies inside node: an XPath from node would not see its ancestors, unless the
        # selector needs none (the costly part is one walk of the page per selector).
        scoped = _scoped(selector)
        if scoped is not None:
            found = scoped(node)
            if not isinstance(found, list):
                raise _Unsupported
            inside = [e for e in found if isinstance(e, etree._Element)]
        else:
            inside = [e for e in _matches(root, selector) if _inside(e, node)]
        for unwanted in inside:
            _drop(unwanted)
    _absolutize(node, base)
    parts: list[str] = []
    _inner_html(node, parts)
    return sanitize_html("".join(parts), page_url=url) or None


def _inside(element: etree._Element, node: etree._Element) -> bool:
    return any(a is node for a in element.iterancestors())


def _drop(element: etree._Element) -> None:
    """Remove the element, keeping the text after it (bs4's decompose; lxml's remove would
    take that text along)."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _fold_spaces(node: etree._Element, pre: bool) -> None:
    """Fold whitespace-only strings as bs4 did when it parsed them (before any removal
    joins two of them)."""
    if node.text and not pre:
        node.text = _folded(node.text)
    for child in node:
        if isinstance(child.tag, str):
            _fold_spaces(child, pre or child.tag in PRESERVE_WHITESPACE)
        if child.tail and not pre:
            child.tail = _folded(child.tail)


def _attr(element: etree._Element, name: str) -> str | None:
    """``html.attr`` of an attribute bs4 keeps as one string."""
    value = element.get(name)
    return value.strip() if value and value.strip() else None


def _absolutize(node: etree._Element, base: str) -> None:
    """As ``html.absolutize``: lazy images resolved, every address absolute."""
    for img in node.iterdescendants("img", "source"):
        for source in LAZY_SRC_ATTRIBUTES:
            real = _attr(img, source)
            if real:
                img.set("src", real)
                break
    for element in node.iterdescendants(etree.Element):
        for name in ("href", "src", "poster"):
            value = _attr(element, name)
            if value is None:
                continue
            url = absolute_url(value, base)
            if url is None:
                del element.attrib[name]
            else:
                element.set(name, url)
        srcset = _attr(element, "srcset")
        if srcset:
            resolved = absolute_srcset(srcset, base)
            if resolved is None:
                del element.attrib["srcset"]
            else:
                element.set("srcset", resolved)


def _inner_html(node: etree._Element, out: list[str]) -> None:
    """bs4's ``decode_contents()`` (formatter "minimal") of the node."""
    if node.text:
        out.append(_escaped(node.text))
    for child in node:
        tag = child.tag
        if isinstance(tag, str):
            if tag in _RAW_TEXT:
                raise _Unsupported
            out.append(f"<{tag}{_attributes(child)}")
            if tag in VOID and not child.text and len(child) == 0:
                out.append("/>")
            else:
                out.append(">")
                _inner_html(child, out)
                out.append(f"</{tag}>")
        elif tag is etree.Comment:
            # nh3 drops comments, but where one stands changes how the HTML parses (text in a
            # <table> before one is moved out of it, after one it is not): written as bs4
            # does, an empty one as <!-- --> (folded as a whitespace-only string).
            out.append(f"<!--{_folded(child.text or '')}-->")
        else:
            raise _Unsupported  # a processing instruction: bs4 writes it otherwise
        if child.tail:
            out.append(_escaped(child.tail))


def _attributes(element: etree._Element) -> str:
    words = CDATA_LISTS.get("*", frozenset()) | CDATA_LISTS.get(str(element.tag), frozenset())
    parts = []
    for key, value in sorted(element.attrib.items()):
        if not isinstance(key, str) or not isinstance(value, str):
            raise _Unsupported  # never from a page parsed from text
        if key in words:
            value = " ".join(_WORDS.findall(value))
        parts.append(f" {key}={_quoted(_escaped(value))}")
    return "".join(parts)


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _quoted(value: str) -> str:
    """bs4's quoting: double quotes, single ones around a value holding only double ones."""
    if '"' in value:
        if "'" in value:
            return '"' + value.replace('"', "&quot;") + '"'
        return f"'{value}'"
    return f'"{value}"'


def _base_url(root: etree._Element, page_url: str) -> str:
    """As ``html.base_url``: the first <base href> in the first <head>."""
    head = next(root.iter("head"), None)
    if head is None:
        return page_url
    base = next((b for b in head.iter("base") if b.get("href") is not None), None)
    href = (base.get("href") or "").strip() if base is not None else ""
    return (absolute_url(href, page_url) or page_url) if href else page_url


def _canonical_href(root: etree._Element) -> str | None:
    """As ``page.canonical_href``: the href of the first <link rel="canonical">."""
    for link in root.iter("link"):
        if link.get("href") is None:
            continue
        if "canonical" in (r.lower() for r in _WORDS.findall(link.get("rel") or "")):
            return _attr(link, "href")
    return None
