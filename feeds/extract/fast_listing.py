"""Listing pages whose rules are plain selectors, read with lxml alone (issue 19).

``listing.extract_listing`` parses the page into a bs4 tree and matches with soupsieve: on a
poll of a changed listing that is most of the CPU, and a poll whose article pages take the
lxml path (``fast_article``) would build no bs4 tree at all but for it. When every selector
of the rules is plain (``values.PLAIN_SELECTOR``, or the default link ``a[href]``), the page
is parsed by the libxml2 parser bs4 drives, the selectors run as XPath compiled by
cssselect, and the entries are read by ``listing_rules.read_entries``, as on the bs4 tree,
with ``html.py``'s text and attribute rules restated on lxml. Whenever
the two trees could differ the answer is None and the bs4 path reads the page: the
ListingPage is the same either way (tests/test_fast_listing.py compares both on the corpus,
the golden sites and the sample portal).
"""

from __future__ import annotations

from cssselect.xpath import ExpressionError
from lxml import etree

from feeds.clean import plain_text
from feeds.extract.fast_article import (
    _NOT_XML,
    _TRANSLATOR,
    _attr,
    _base_url,
    _compiled,
    _parse,
    _Unsupported,
)
from feeds.extract.listing_rules import DEFAULT_LINK, read_entries
from feeds.extract.markup import INLINE, STRING_CONTAINERS
from feeds.models import ListingPage, ListingRules

_DEFAULT_LINK_XPATH = etree.XPath(_TRANSLATOR.css_to_xpath(DEFAULT_LINK))


def fast_listing(text: str, page_url: str, rules: ListingRules) -> ListingPage | None:
    """The ListingPage ``listing.extract_listing`` would return, or None when this path
    cannot promise the same."""
    selectors = (rules.item, rules.link, rules.title, rules.date, rules.summary, rules.next)
    if any(s and _compiled(s) is None for s in selectors) or any(c in text for c in _NOT_XML):
        return None
    try:
        page = _Page(text)
        return read_entries(page, page_url, _base_url(page.root, page_url), rules)
    except (_Unsupported, ExpressionError):
        return None
    except Exception:  # an optimisation must never fail a page that the bs4 path reads
        return None


class _Page:
    """The parsed page, as ``listing_rules.Tree``; each selector's matches found once."""

    def __init__(self, text: str) -> None:
        self.root = _parse(text)
        self._found: dict[str, tuple[list[etree._Element], set[etree._Element]]] = {}

    def _matches(self, selector: str) -> tuple[list[etree._Element], set[etree._Element]]:
        if selector not in self._found:
            compiled = _DEFAULT_LINK_XPATH if selector == DEFAULT_LINK else _compiled(selector)
            found = compiled(self.root) if compiled is not None else None
            if not isinstance(found, list):
                raise _Unsupported
            elements = [e for e in found if isinstance(e, etree._Element)]
            self._found[selector] = (elements, set(elements))
        return self._found[selector]

    def select(self, selector: str) -> list[etree._Element]:
        return self._matches(selector)[0]

    def first(self, selector: str) -> etree._Element | None:
        found = self._matches(selector)[0]
        return found[0] if found else None

    def first_inside(self, node: etree._Element, selector: str) -> etree._Element | None:
        """soupsieve's ``select_one(node, selector)``: the first element below node that the
        selector matches, read against the whole page."""
        _, matched = self._matches(selector)
        return next((e for e in node.iterdescendants() if e in matched), None)

    def link(self, node: etree._Element, selector: str) -> etree._Element | None:
        """As ``listing.item_link``: the first match inside the item, else the item itself."""
        found = self.first_inside(node, selector)
        if found is None and node in self._matches(selector)[1]:
            return node
        return found

    def text(self, node: etree._Element | None) -> str | None:
        return _text_of(node)

    def attr(self, node: etree._Element, name: str) -> str | None:
        return _attr(node, name)

    def is_anchor(self, node: etree._Element) -> bool:
        return node.tag == "a"


def _text_of(node: etree._Element | None) -> str | None:
    """``html.text_of`` on the lxml tree: text, never comments', scripts' or styles'; blocks
    and <br> as spaces."""
    if node is None:
        return None
    if any(a.tag in STRING_CONTAINERS for a in (node, *node.iterancestors())):
        raise _Unsupported  # bs4 holds its strings as another kind
    parts: list[str] = []
    _visible_text(node, parts)
    return plain_text("".join(parts))


def _visible_text(node: etree._Element, parts: list[str]) -> None:
    if node.text:
        parts.append(node.text)
    for child in node:
        tag = child.tag
        if isinstance(tag, str):
            gap = " " if tag not in INLINE else ""
            parts.append(gap)
            if tag not in STRING_CONTAINERS:  # bs4 keeps their strings as another kind
                _visible_text(child, parts)
            parts.append(gap)
        if child.tail:
            parts.append(child.tail)
