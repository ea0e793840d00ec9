"""Listing pages whose rules are plain selectors, read with lxml alone (issue 19).

``listing.extract_listing`` parses the page into a bs4 tree and matches with soupsieve: on a
poll of a changed listing that is most of the CPU, and a poll whose article pages take the
lxml path (``fast_article``) would build no bs4 tree at all but for it. When every selector
of the rules is plain (``values.PLAIN_SELECTOR``, or the default link ``a[href]``), the page
is parsed by the libxml2 parser bs4 drives, the selectors run as XPath compiled by
cssselect, and the entries are read by ``listing.py``'s rules restated on lxml. Whenever
the two trees could differ the answer is None and the bs4 path reads the page: the
ListingPage is the same either way (tests/test_fast_listing.py compares both on the corpus,
the golden sites and the sample portal).
"""

from __future__ import annotations

from cssselect.xpath import ExpressionError
from lxml import etree

from feeds.clean import plain_text
from feeds.extract.fast_article import (
    _CONTAINERS,
    _NOT_XML,
    _TRANSLATOR,
    _attr,
    _base_url,
    _compiled,
    _parse,
    _Unsupported,
)
from feeds.extract.html import INLINE, absolute
from feeds.models import ListingEntry, ListingPage, ListingRules

DEFAULT_LINK = "a[href]"  # listing.DEFAULT_LINK, without importing bs4 through it
_DEFAULT_LINK_XPATH = etree.XPath(_TRANSLATOR.css_to_xpath(DEFAULT_LINK))


def fast_listing(text: str, page_url: str, rules: ListingRules) -> ListingPage | None:
    """The ListingPage ``listing.extract_listing`` would return, or None when this path
    cannot promise the same."""
    selectors = (rules.item, rules.link, rules.title, rules.date, rules.summary, rules.next)
    if any(s and _compiled(s) is None for s in selectors) or any(c in text for c in _NOT_XML):
        return None
    try:
        return _read(text, page_url, rules)
    except (_Unsupported, ExpressionError):
        return None
    except Exception:  # an optimisation must never fail a page that the bs4 path reads
        return None


class _Page:
    """The parsed page and each selector's matches in it, found once."""

    def __init__(self, text: str) -> None:
        self.root = _parse(text)
        self._found: dict[str, tuple[list[etree._Element], set[etree._Element]]] = {}

    def matches(self, selector: str) -> tuple[list[etree._Element], set[etree._Element]]:
        if selector not in self._found:
            compiled = _DEFAULT_LINK_XPATH if selector == DEFAULT_LINK else _compiled(selector)
            found = compiled(self.root) if compiled is not None else None
            if not isinstance(found, list):
                raise _Unsupported
            elements = [e for e in found if isinstance(e, etree._Element)]
            self._found[selector] = (elements, set(elements))
        return self._found[selector]

    def first_inside(self, node: etree._Element, selector: str) -> etree._Element | None:
        """soupsieve's ``select_one(node, selector)``: the first element below node that the
        selector matches, read against the whole page."""
        _, matched = self.matches(selector)
        return next((e for e in node.iterdescendants() if e in matched), None)


def _read(text: str, page_url: str, rules: ListingRules) -> ListingPage:
    page = _Page(text)
    base = _base_url(page.root, page_url)
    nodes, _ = page.matches(rules.item)
    matches = {f"item {rules.item}": len(nodes)}
    counts = {"link": 0, "title": 0, "date": 0, "summary": 0}
    entries: list[ListingEntry] = []
    problems: list[str] = []
    for index, node in enumerate(nodes):
        link = _item_link(page, node, rules.link or DEFAULT_LINK)
        url = absolute(_attr(link, "href"), base) if link is not None else None
        if url is None:
            if _text_of(node):
                problems.append(
                    f"listing: item {index + 1} has no usable link "
                    f"(check listing.link = {rules.link or DEFAULT_LINK!r})"
                )
            continue
        counts["link"] += 1
        assert link is not None
        title_node = page.first_inside(node, rules.title) if rules.title else None
        title = _text_of(title_node) if rules.title else _attr(link, "title") or _text_of(link)
        if rules.title and title_node is not None and title_node.tag == "a":
            title = _attr(title_node, "title") or title
        date_node = page.first_inside(node, rules.date) if rules.date else None
        date_text = _text_of(date_node) if rules.date else None
        summary_node = page.first_inside(node, rules.summary) if rules.summary else None
        summary = _text_of(summary_node) if rules.summary else None
        counts["title"] += title is not None
        counts["date"] += date_text is not None
        counts["summary"] += summary is not None
        entries.append(
            ListingEntry(
                url=url, title=title, date_text=date_text, summary=summary, position=len(entries)
            )
        )
    for field in ("link", "title", "date", "summary"):
        selector = getattr(rules, field)
        label = f"{field} {selector}" if selector else f"{field} (default)"
        if selector or field in ("link", "title"):
            matches[label] = counts[field]
    return ListingPage(
        entries=tuple(entries),
        next_url=_next_url(page, rules, base, page_url, matches),
        matches=matches,
        problems=tuple(problems),
    )


def _item_link(page: _Page, node: etree._Element, selector: str) -> etree._Element | None:
    """As ``listing.item_link``: the first match inside the item, else the item itself."""
    found = page.first_inside(node, selector)
    if found is None and node in page.matches(selector)[1]:
        return node
    return found


def _next_url(
    page: _Page, rules: ListingRules, base: str, page_url: str, matches: dict[str, int]
) -> str | None:
    if not rules.next:
        return None
    found, _ = page.matches(rules.next)
    matches[f"next {rules.next}"] = int(bool(found))
    if not found:
        return None
    next_url = absolute(_attr(found[0], "href"), base)
    return None if next_url == page_url else next_url


def _text_of(node: etree._Element | None) -> str | None:
    """``html.text_of`` on the lxml tree: text, never comments', scripts' or styles'; blocks
    and <br> as spaces."""
    if node is None:
        return None
    if any(a.tag in _CONTAINERS for a in (node, *node.iterancestors())):
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
            if tag not in _CONTAINERS:  # bs4 keeps their strings as another kind
                _visible_text(child, parts)
            parts.append(gap)
        if child.tail:
            parts.append(child.tail)
