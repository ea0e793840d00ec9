"""A listing's rules applied to a parsed page, whichever tree holds it: the bs4 tree of
``listing.py`` and the lxml tree of ``fast_listing.py`` answer the same few questions
(``Tree``), so what an entry is, what counts as a problem and what `feeds check` counts are
written once and cannot drift apart."""

from __future__ import annotations

from typing import Protocol, TypeVar

from feeds.clean import absolute_url
from feeds.models import ListingEntry, ListingPage, ListingRules

DEFAULT_LINK = "a[href]"
Node = TypeVar("Node")


class Tree(Protocol[Node]):
    """A parsed page, and the reading of its elements by the rules of ``html.py``."""

    def select(self, selector: str) -> list[Node]:
        """The selector's matches in the page, in page order."""

    def first(self, selector: str) -> Node | None:
        """The selector's first match in the page."""

    def first_inside(self, node: Node, selector: str) -> Node | None:
        """The first match below ``node``, the selector read against the whole page."""

    def link(self, node: Node, selector: str) -> Node | None:
        """The item's link: the first match inside it, else the item itself when it matches."""

    def text(self, node: Node | None) -> str | None:
        """``html.text_of``: the visible text as one line."""

    def attr(self, node: Node, name: str) -> str | None:
        """``html.attr``: the attribute's value stripped, None when empty."""

    def is_anchor(self, node: Node) -> bool:
        """Whether the element is an <a>."""


def read_entries(tree: Tree[Node], page_url: str, base: str, rules: ListingRules) -> ListingPage:
    """The entries the rules read from the page, its next page, the matches of each
    selector and the problems with single items."""
    nodes = tree.select(rules.item)
    matches = {f"item {rules.item}": len(nodes)}
    counts = {"link": 0, "title": 0, "date": 0, "summary": 0}
    entries: list[ListingEntry] = []
    problems: list[str] = []
    for index, node in enumerate(nodes):
        link = tree.link(node, rules.link or DEFAULT_LINK)
        url = absolute_url(tree.attr(link, "href"), base) if link is not None else None
        if link is None or url is None:
            # Spacer rows (Destoon's <li class="sp">) and ads carry no text; they aren't errors.
            if tree.text(node):
                problems.append(
                    f"listing: item {index + 1} has no usable link "
                    f"(check listing.link = {rules.link or DEFAULT_LINK!r})"
                )
            continue
        counts["link"] += 1
        if rules.title:
            title_node = tree.first_inside(node, rules.title)
            title = tree.text(title_node)
            if title_node is not None and tree.is_anchor(title_node):
                # A truncated anchor text ("…") is worse than the full title attribute.
                title = tree.attr(title_node, "title") or title
        else:
            title = tree.attr(link, "title") or tree.text(link)
        date_text = tree.text(tree.first_inside(node, rules.date)) if rules.date else None
        summary = tree.text(tree.first_inside(node, rules.summary)) if rules.summary else None
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
    next_url = None
    if rules.next:
        next_node = tree.first(rules.next)
        matches[f"next {rules.next}"] = int(next_node is not None)
        if next_node is not None:
            next_url = absolute_url(tree.attr(next_node, "href"), base)
            if next_url == page_url:
                next_url = None
    return ListingPage(
        entries=tuple(entries), next_url=next_url, matches=matches, problems=tuple(problems)
    )
