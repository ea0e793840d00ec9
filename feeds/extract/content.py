"""Main-content fallback for pages without a content selector: trafilatura (used only here),
checked against the densest block of prose (``density.py``).

trafilatura is careful on modern pages, but on old table-layout portals it often falls back
to most of the page (navigation bars, teaser lists, footers) or finds nothing. The densest
block is taken instead only when that is clearly the case: trafilatura found nothing, or its
text holds the whole block plus only link lists and fragments. Any prose that trafilatura
found outside the block (a lead paragraph, a standfirst) keeps its result.
"""

from __future__ import annotations

from collections import Counter

from bs4 import BeautifulSoup

from feeds.extract.density import Block, densest_block, squashed, visible_strings, weight
from feeds.extract.html import parse

# A block that weighs less (about two sentences) is no article on its own.
_BLOCK_MIN = 100
# The share of the block's characters that trafilatura's text must hold for it to count as
# "the block plus more".
_INSIDE = 0.95
# The block must be at least this share of trafilatura's text: a cookie notice beside a page
# of links is the densest prose there, but not what the page is about.
_SHARE = 0.5
# Prose that trafilatura has beyond the block, as a share of the block's score, up to which
# it is taken for teaser snippets and not for part of the article.
_EXTRA_PROSE = 0.2


def main_content_html(page: BeautifulSoup, text: str, url: str) -> str | None:
    """The article body as HTML, without navigation, sidebars and footers; None if none found.

    ``page`` is ``text`` parsed; it is only read."""
    extracted = _trafilatura(text, url)
    block = densest_block(page)
    if block is None or block.score < _BLOCK_MIN:
        return extracted
    if extracted is None or block_is_better(block, extracted):
        return block.node.decode_contents()
    return extracted


def block_is_better(block: Block, extracted: str) -> bool:
    """Whether trafilatura's result is the block plus chrome: it holds (nearly) all the
    block's text, the block is at least half of it, and what it has beyond the block weighs
    less than nothing (links, fragments) with little prose among it."""
    fragment = parse(extracted)
    strings = [(squashed(str(s)), str(s), in_link) for s, _, in_link in visible_strings(fragment)]
    fragment.decompose()
    found = "".join(key for key, _, _ in strings)
    if not _SHARE * len(found) <= len(block.text) < len(found):
        return False
    held = sum((Counter(block.text) & Counter(found)).values())
    if held < _INSIDE * len(block.text):
        return False
    extra = prose = 0.0
    for key, string, in_link in strings:
        if key not in block.text:
            value = weight(string, in_link)
            extra += value
            prose += max(value, 0.0)
    return extra < 0 and prose <= _EXTRA_PROSE * block.score


def _trafilatura(text: str, url: str) -> str | None:
    # Imported here: it costs 70 ms and memory at start, and sources with a content
    # selector never need it.
    import trafilatura

    try:
        result = trafilatura.extract(
            text,
            url=url,
            output_format="html",
            include_images=True,
            include_links=True,
            include_tables=True,
            include_comments=False,
            favor_precision=True,
        )
    except Exception:  # trafilatura raises anything on odd markup; a miss is not an error
        return None
    return result if isinstance(result, str) and result.strip() else None
