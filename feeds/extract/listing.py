"""Listing pages: the configured selectors applied to each item node."""

from __future__ import annotations

from dataclasses import replace

from bs4 import BeautifulSoup, Tag

from feeds.extract.entry import extract_listing
from feeds.extract.html import DEPTH_NOTE, Soup, attr, base_url, parse, select, select_one, text_of
from feeds.extract.listing_rules import DEFAULT_LINK, read_entries
from feeds.extract.selectors import compiled
from feeds.models import ListingPage, ListingRules

__all__ = ["DEFAULT_LINK", "extract_listing", "item_link", "read_listing", "soup_listing"]


def item_link(node: Tag, selector: str) -> Tag | None:
    """The item's link: the first match inside it, else the item itself when it matches (a
    card that is one link, ``div.grid > a.card``; links one after another between ``<br>``)."""
    found = select_one(node, selector)
    if found is None and compiled(selector).match(node):
        return node
    return found


def soup_listing(text: str, page_url: str, rules: ListingRules) -> ListingPage:
    """The listing read on a bs4 tree, where the lxml path (``entry.extract_listing``) does
    not answer."""
    soup = parse(text)
    listing = read_listing(soup, page_url, rules)
    soup.decompose()  # free the page now rather than at the next cyclic GC
    return listing


def read_listing(soup: BeautifulSoup, page_url: str, rules: ListingRules) -> ListingPage:
    """The listing read from a parsed page, which it leaves unchanged (detection reads each
    candidate's selectors back from the page's one tree)."""
    listing = read_entries(_SoupTree(soup), page_url, base_url(soup, page_url), rules)
    if not listing.entries and isinstance(soup, Soup) and soup.flattened:
        # Why the selectors found nothing.
        return replace(listing, problems=(*listing.problems, f"listing: {DEPTH_NOTE}"))
    return listing


class _SoupTree:
    """The bs4 tree, as ``listing_rules.Tree``."""

    def __init__(self, soup: BeautifulSoup) -> None:
        self.soup = soup

    def select(self, selector: str) -> list[Tag]:
        return select(self.soup, selector)

    def first(self, selector: str) -> Tag | None:
        return select_one(self.soup, selector)

    def first_inside(self, node: Tag, selector: str) -> Tag | None:
        return select_one(node, selector)

    def link(self, node: Tag, selector: str) -> Tag | None:
        return item_link(node, selector)

    def text(self, node: Tag | None) -> str | None:
        return text_of(node)

    def attr(self, node: Tag, name: str) -> str | None:
        return attr(node, name)

    def is_anchor(self, node: Tag) -> bool:
        return node.name == "a"
