"""Listing pages: the configured selectors applied to each item node."""

from __future__ import annotations

from bs4 import Tag

from feeds.extract.fast_listing import DEFAULT_LINK, fast_listing
from feeds.extract.html import (
    DEPTH_NOTE,
    absolute,
    attr,
    base_url,
    parse,
    select,
    select_one,
    text_of,
)
from feeds.extract.selectors import compiled
from feeds.models import ListingEntry, ListingPage, ListingRules

__all__ = ["DEFAULT_LINK", "extract_listing", "item_link"]


def item_link(node: Tag, selector: str) -> Tag | None:
    """The item's link: the first match inside it, else the item itself when it matches (a
    card that is one link, ``div.grid > a.card``; links one after another between ``<br>``)."""
    found = select_one(node, selector)
    if found is None and compiled(selector).match(node):
        return node
    return found


def extract_listing(text: str, page_url: str, rules: ListingRules) -> ListingPage:
    fast = fast_listing(text, page_url, rules)  # the same ListingPage, without a bs4 tree
    if fast is not None:
        return fast
    soup = parse(text)
    base = base_url(soup, page_url)
    nodes = select(soup, rules.item)
    matches = {f"item {rules.item}": len(nodes)}
    counts = {"link": 0, "title": 0, "date": 0, "summary": 0}
    entries: list[ListingEntry] = []
    problems: list[str] = []
    for index, node in enumerate(nodes):
        link = item_link(node, rules.link or DEFAULT_LINK)
        url = absolute(attr(link, "href"), base) if link is not None else None
        if url is None:
            # Spacer rows (Destoon's <li class="sp">) and ads carry no text; they aren't errors.
            if text_of(node):
                problems.append(
                    f"listing: item {index + 1} has no usable link "
                    f"(check listing.link = {rules.link or DEFAULT_LINK!r})"
                )
            continue
        counts["link"] += 1
        assert link is not None
        title_node = select_one(node, rules.title) if rules.title else None
        title = text_of(title_node) if rules.title else attr(link, "title") or text_of(link)
        if rules.title and title_node is not None and title_node.name == "a":
            # A truncated anchor text ("…") is worse than the full title attribute.
            title = attr(title_node, "title") or title
        date_text = text_of(select_one(node, rules.date)) if rules.date else None
        summary = text_of(select_one(node, rules.summary)) if rules.summary else None
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
        next_node = select_one(soup, rules.next)
        matches[f"next {rules.next}"] = int(next_node is not None)
        if next_node is not None:
            next_url = absolute(attr(next_node, "href"), base)
            if next_url == page_url:
                next_url = None
    if not entries and soup.flattened:
        problems.append(f"listing: {DEPTH_NOTE}")  # why the selectors found nothing
    soup.decompose()  # free the page now rather than at the next cyclic GC
    return ListingPage(
        entries=tuple(entries), next_url=next_url, matches=matches, problems=tuple(problems)
    )
