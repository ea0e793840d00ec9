"""markup.py copies the rules of bs4's HTML tree builder so that the lxml paths need no bs4
(issue 19): each copy must stay what the installed bs4 says, or the two trees part."""

from __future__ import annotations

from bs4 import BeautifulSoup
from bs4.builder._lxml import LXMLTreeBuilder

from feeds.extract import markup


def test_the_copied_tree_builder_rules_are_bs4s() -> None:
    builder = LXMLTreeBuilder()
    assert frozenset(builder.string_containers) == markup.STRING_CONTAINERS
    assert frozenset(builder.preserve_whitespace_tags) == markup.PRESERVE_WHITESPACE
    assert frozenset(builder.empty_element_tags or ()) == markup.VOID
    assert {
        tag: frozenset(names) for tag, names in builder.cdata_list_attributes.items()
    } == markup.CDATA_LISTS
    assert markup.ASCII_SPACES == BeautifulSoup.ASCII_SPACES


def test_a_bad_address_is_none_not_an_error() -> None:
    assert markup.split_url("http://bad]test/") is None
    assert markup.split_url("https://example.com/a?b#c").hostname == "example.com"  # type: ignore[union-attr]


def test_the_parser_reads_surrogate_references_repaired() -> None:
    assert markup.page_text("a&#xD83D;&#xDE00;b") == "a\U0001f600b"
    assert markup.page_text("&#55357;") == "\ufffd"
    assert markup.page_text("&#x41;") == "&#x41;"  # no surrogate: left to the parser
