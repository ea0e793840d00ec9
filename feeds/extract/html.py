"""Parsing and the small DOM helpers the listing and article extractors share."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag, XMLParsedAsHTMLWarning
from bs4.element import CData, NavigableString, PageElement

from feeds.clean import absolute_srcset, absolute_url, plain_text
from feeds.extract.markup import INLINE, LAZY_SRC_ATTRIBUTES, MAX_DEPTH, page_text
from feeds.extract.selectors import compiled

# bs4's advice to the programmer, not to the user: an XHTML page served as HTML is parsed as
# HTML on purpose (browsers do), and a page whose text looks like a file name is still a page.
# Filtered here, where bs4 is owned, so they never reach the terminal of `feeds discover`.
warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)
warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)


# The extractors' name for clean.absolute_url: an absolute http(s) URL or None.
absolute = absolute_url


class Soup(BeautifulSoup):
    """A parsed page that remembers whether its deepest elements were folded into text."""

    flattened: bool = False


# Why a page cut at MAX_DEPTH lost what lay deeper, for the error that would otherwise only
# say that nothing was found.
DEPTH_NOTE = (
    f"the page nests elements more than {MAX_DEPTH} levels deep, and what lies deeper is read "
    "as plain text (a bound against pages built to exhaust the parser), so its links are lost"
)


def parse(text: str) -> Soup:
    """Parse once with lxml: fast, and lenient with the broken markup real portals serve.

    Pages that spell an emoji as two surrogate references (``&#55357;&#56832;``) get the
    emoji, not two U+FFFD as HTML parsers give (html2text#310); nesting is bounded.
    """
    soup = Soup(page_text(text), "lxml")
    soup.flattened = _flatten_deep(soup)
    return soup


def _flatten_deep(soup: BeautifulSoup) -> bool:
    """Replace what lies below ``MAX_DEPTH`` with its text; iterative, so no RecursionError.
    True when something was replaced."""
    flattened = False
    stack: list[tuple[Tag, int]] = [(soup, 0)]
    while stack:
        node, depth = stack.pop()
        for child in node.contents:
            if not isinstance(child, Tag):
                continue
            if depth + 1 < MAX_DEPTH:
                stack.append((child, depth + 1))
            elif child.find(True) is not None:
                text = child.get_text()
                child.clear(decompose=True)
                child.append(NavigableString(text))
                flattened = True
    return flattened


def base_url(soup: BeautifulSoup, page_url: str) -> str:
    """The URL relative links resolve against: <base href> when the page's head sets one.

    A <base> in the body is ignored: there it comes from text the site did not write (a
    comment, a pasted article) and would send every relative link elsewhere.
    """
    head = soup.head
    base = head.find("base", href=True) if head is not None else None
    if isinstance(base, Tag):
        href = str(base.get("href") or "").strip()
        if href:
            return absolute_url(href, page_url) or page_url
    return page_url


def select(scope: Tag, selector: str) -> list[Tag]:
    return list(compiled(selector).select(scope))


def select_one(scope: Tag, selector: str) -> Tag | None:
    result = compiled(selector).select_one(scope)
    return result if isinstance(result, Tag) else None


# Elements that run inside a line: their text joins its neighbours' without a space, so
# "简历<em>智能</em>解析" stays one word (get_text(" ") would make it "简历 智能 解析").


def text_of(node: Tag | None, gap: str = " ") -> str | None:
    """Visible text of a node as one line, with <br> and blocks as spaces (or as ``gap``)."""
    if node is None:
        return None
    parts: list[str] = []
    _visible_text(node, parts, gap)
    return plain_text("".join(parts))


def _visible_text(node: Tag, parts: list[str], block: str = " ") -> None:
    for child in node.children:
        if isinstance(child, Tag):
            gap = block if child.name not in INLINE else ""
            parts.append(gap)
            _visible_text(child, parts, block)
            parts.append(gap)
        elif type(child) in (NavigableString, CData):  # not comments, scripts or styles
            parts.append(str(child))


def attr(node: Tag, name: str) -> str | None:
    value = node.get(name)
    if isinstance(value, list):
        value = " ".join(value)
    return value.strip() if isinstance(value, str) and value.strip() else None


def absolutize(node: Tag, base: str) -> None:
    """Resolve lazy images and make every link and image address absolute, in place."""
    for img in node.find_all(["img", "source"]):
        for source in LAZY_SRC_ATTRIBUTES:
            real = attr(img, source)
            if real:
                img["src"] = real
                break
    for el in node.find_all(True):
        for name in ("href", "src", "poster"):
            value = attr(el, name)
            if value is None:
                continue
            url = absolute(value, base)
            if url is None:
                del el[name]
            else:
                el[name] = url
        srcset = attr(el, "srcset")
        if srcset:
            resolved = absolute_srcset(srcset, base)
            if resolved is None:
                del el["srcset"]
            else:
                el["srcset"] = resolved


def inside(node: PageElement, ancestor: Tag) -> bool:
    """Whether ``node`` stands inside ``ancestor``. By identity, never ``in node.parents``:
    bs4 compares tags by their markup, and a page may repeat one (a sticky bar's copy of the
    headline), which ``in`` would take for the ancestor."""
    return any(parent is ancestor for parent in node.parents)


def common_ancestor(nodes: Sequence[Tag], *, below_body: bool = True) -> Tag | None:
    """The nearest element holding every node (by identity, as ``inside``); below <body>
    unless ``below_body`` is False; None when there is none."""
    held = [{id(p) for p in n.parents} for n in nodes[1:]]
    for candidate in nodes[0].parents:
        if below_body and candidate.name in ("body", "html", "[document]"):
            return None
        if all(id(candidate) in ids for ids in held):
            return candidate
    return None
