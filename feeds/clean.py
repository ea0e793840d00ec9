"""Text normalising and HTML sanitising (nh3 is used only here).

Titles, authors and summaries become plain one-line text; content HTML goes through an
allowlist, so nothing a page contains can run script in a reader or break the feed's XML.
"""

from __future__ import annotations

import html as html_module
import re
import unicodedata
from functools import partial
from urllib.parse import urlsplit

import nh3

# XML 1.0 forbids C0 controls (but tab, LF, CR), U+FFFE/U+FFFF and lone surrogates.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Bidi overrides and isolates can make a title read backwards in a reader (a known spoof).
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "iframe",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "picture",
    "pre",
    "q",
    "s",
    "small",
    "source",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "video",
    "audio",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "srcset", "alt", "title", "width", "height"},
    "source": {"src", "srcset", "type", "media"},
    "video": {"src", "poster", "controls", "width", "height"},
    "audio": {"src", "controls"},
    "iframe": {"src", "width", "height", "allowfullscreen"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "ol": {"start"},
}


def xml_safe(text: str) -> str:
    """Drop the characters XML 1.0 cannot carry."""
    return _XML_ILLEGAL.sub("", text)


def plain_text(text: str | None) -> str | None:
    """One line of plain text, or None when nothing visible is left."""
    if text is None:
        return None
    text = _BIDI_CONTROLS.sub("", xml_safe(unicodedata.normalize("NFC", text)))
    text = _SPACE.sub(" ", text).strip()
    return text or None


def sanitize_html(html: str, *, page_url: str) -> str:
    """Allowlist-sanitise article HTML; iframes survive only from the article's own host."""
    host = (urlsplit(page_url).hostname or "").lower()
    cleaned = nh3.clean(
        xml_safe(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=partial(_filter_attribute, host=host),
    )
    return cleaned.strip()


def _filter_attribute(element: str, attribute: str, value: str, *, host: str) -> str | None:
    if element == "iframe" and attribute == "src":
        src_host = (urlsplit(value).hostname or "").lower()
        return value if src_host and src_host == host else None
    return value


_TAG = re.compile(r"<[^>]*>")
_LINK = re.compile(r"<a\b[^>]*>.*?</a>", re.IGNORECASE | re.DOTALL)


def html_text(html: str | None, *, without_links: bool = False) -> str:
    """Rough visible text of sanitised HTML, good enough to match filter terms against.

    ``without_links`` drops link texts: inside an article body they mostly name other
    articles ("延伸阅读：<a>…</a>"), and must not make a steel-price article match "AI".
    """
    if not html:
        return ""
    if without_links:
        html = _LINK.sub(" ", html)
    return _SPACE.sub(" ", html_module.unescape(_TAG.sub(" ", html))).strip()
