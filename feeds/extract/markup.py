"""What both trees agree on, without either (issue 19): element kinds, limits, the text the
parser reads, and the rules of bs4's HTML tree builder that the lxml paths restate.

The lxml fast paths (``fast_article.py``, ``fast_listing.py``, ``fast_absence.py``) import
from here, not from the bs4 modules, so a poll whose pages they answer never imports
BeautifulSoup and soupsieve (a tenth of a second of a `feeds update`, and some MB).
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit

from feeds.clean import repair_surrogates
from feeds.lazyre import lazy

# Attributes where lazy-loading scripts keep the real image address.
LAZY_SRC_ATTRIBUTES = ("data-src", "data-original", "data-lazy-src", "data-url", "data-echo")
# Deeper elements are folded into their text. Real pages nest a few dozen levels; 100k nested
# <div>s (bs4's fuzz corpus) would make every later tree walk, and nh3, take seconds or more.
MAX_DEPTH = 256
# Elements whose text is never shown as the page's text.
INVISIBLE = frozenset({"script", "style", "noscript", "template", "title", "option", "head"})
# Headings: a headline, or a section's title.
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Elements that continue a line of text rather than start a block.
INLINE = frozenset(
    "a abbr b bdi bdo big cite code data dfn em font i ins del kbd label mark nobr q s samp "  # noqa: SIM905
    "small span strike strong sub sup time tt u var wbr".split()
)
# Never content: removed from whatever block the content comes from.
NOT_CONTENT = "script, style, noscript, template, button, input, select, textarea"
# Always removed from selected content, whatever the rules say: they never belong in a feed.
# A <form> is kept around a block the extractor chose: ASP.NET pages wrap the whole page in one.
ALWAYS_REMOVE = f"{NOT_CONTENT}, form"

# bs4's HTML tree builder (LXMLTreeBuilder, beautifulsoup4 4.12), copied so that the lxml
# paths need no bs4; tests/test_markup.py holds each equal to what bs4 says.
STRING_CONTAINERS = frozenset({"rt", "rp", "style", "script", "template"})  # not get_text's
PRESERVE_WHITESPACE = frozenset({"pre", "textarea"})  # whitespace kept as is inside
VOID = frozenset(
    "area base br col embed hr img input keygen link menuitem meta param source spacer track "  # noqa: SIM905
    "wbr basefont bgsound command frame image isindex nextid".split()
)  # written <br/> when empty
CDATA_LISTS: dict[str, frozenset[str]] = {  # attributes split into words
    "*": frozenset({"class", "accesskey", "dropzone"}),
    "a": frozenset({"rel", "rev"}),
    "link": frozenset({"rel", "rev"}),
    "td": frozenset({"headers"}),
    "th": frozenset({"headers"}),
    "form": frozenset({"accept-charset"}),
    "object": frozenset({"archive"}),
    "area": frozenset({"rel"}),
    "icon": frozenset({"sizes"}),
    "iframe": frozenset({"sandbox"}),
    "output": frozenset({"for"}),
}
ASCII_SPACES = " \n\t\x0c\r"  # BeautifulSoup.ASCII_SPACES

# A numeric reference to a UTF-16 surrogate (decimal 55296-57343, hex D800-DFFF), ";" optional.
_SURROGATE_REF = lazy(
    r"&#(?:[xX]0*([dD][89a-fA-F][0-9a-fA-F]{2})(?![0-9a-fA-F])|0*(5[5-7]\d{3})(?!\d));?"
)


def page_text(text: str) -> str:
    """The text the parser reads: surrogate references and lone surrogates repaired (both
    trees read the same text)."""
    if "&#" in text:
        text = _SURROGATE_REF.sub(_surrogate_character, text)
    return repair_surrogates(text)


def _surrogate_character(match: re.Match[str]) -> str:
    hex_digits, decimal = match.groups()
    code = int(hex_digits, 16) if hex_digits else int(decimal)
    # repair_surrogates then joins a pair and turns a lone half into U+FFFD.
    return chr(code) if 0xD800 <= code <= 0xDFFF else match.group(0)


def split_url(url: str) -> SplitResult | None:
    """``urlsplit(url)``, or None where it raises: a page's links and image addresses are the
    site's text, and one 'http://bad]test/' (a bracket that is no IPv6 host) must not fail
    the whole article (B7, B11)."""
    try:
        return urlsplit(url)
    except ValueError:
        return None
