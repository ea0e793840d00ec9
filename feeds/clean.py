"""Text normalising, absolute URLs and HTML sanitising (nh3 is used only here).

Titles, authors and summaries become plain one-line text; links become absolute http(s) URLs
or nothing; content HTML goes through an allowlist, so nothing a page contains can run
script in a reader or break the feed's XML.
"""

from __future__ import annotations

import html as html_module
import re
import unicodedata
from functools import partial
from urllib.parse import urljoin, urlsplit

from feeds.lazyre import lazy

# XML 1.0 forbids C0 controls (but tab, LF, CR), U+FFFE/U+FFFF and surrogates; the C1
# controls it allows only ever come from mis-decoded text, never as meaning.
_XML_ILLEGAL = lazy("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_SURROGATE_PAIR_OR_LONE = lazy("([\ud800-\udbff][\udc00-\udfff])|[\ud800-\udfff]")
_SPACE = lazy(r"\s+")

# Bidi embeddings, overrides and isolates can make a title read backwards in a reader (a
# known spoof) and, left open, reverse the reader's own text after it (forem#16001).
_BIDI_CONTROLS = lazy("[\u202a-\u202e\u2066-\u2069]")
_BIDI_SPLIT = lazy("([\u202a-\u202e\u2066-\u2069])")
_PDF, _PDI = "\u202c", "\u2069"
# Each opening control (LRE, RLE, LRO, RLO; LRI, RLI, FSI) and the control that closes it.
_BIDI_OPEN = dict.fromkeys("\u202a\u202b\u202d\u202e", _PDF) | dict.fromkeys(
    "\u2066\u2067\u2068", _PDI
)

LINK_SCHEMES = ("http", "https")
_TAB_NEWLINE = lazy("[\t\n\r]")
_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))
# Host code points WHATWG forbids, plus C0 controls and DEL: "http://bad]test/", "http://a b/".
_FORBIDDEN_HOST = lazy(r"[\x00-\x20\x7f#%/:<>?@\[\\\]^|]")
# Characters a URL never holds literally (WHATWG percent-encodes them when it parses one);
# left raw they end the attribute or the link in some readers.
_URL_UNSAFE = str.maketrans({c: f"%{ord(c):02X}" for c in ' "<>`'})
# Attributes whose value is an address; each is made absolute or dropped.
_URL_ATTRIBUTES = frozenset({"href", "src", "poster"})

# nh3 writes every attribute as name="value" with `"`, `<` and `>` escaped, so these
# patterns see whole tags in its output.
_ATTRIBUTE = lazy(r'([^\s="/>]+)="([^"]*)"')
_IMG = lazy(r'<img(?:\s+[^\s="/>]+(?:="[^"]*")?)*\s*/?>')
_IFRAME = lazy(r'<iframe(?:\s+[^\s="/>]+(?:="[^"]*")?)*\s*>.*?</iframe>', re.DOTALL)
_PIXEL_SIZES = frozenset({"0", "1", "0px", "1px"})

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
# Removed with everything inside: their content is code, styling or markup that a
# sanitiser must not turn into text (the noscript mXSS: SonarSource's mXSS cheat sheet).
DROPPED_WITH_CONTENT = {
    "script",
    "style",
    "noscript",
    "template",
    "title",
    "textarea",
    "select",
    "xmp",
    "noembed",
    "noframes",
    "plaintext",
    "svg",
    "object",
    "embed",
    "applet",
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


def repair_surrogates(text: str, *, lone: str = "\ufffd") -> str:
    """``text`` with each surrogate pair as the character it encodes and each lone
    surrogate as ``lone``.

    Surrogates are UTF-16 halves, never characters: pairs come from JSON (``"\ud83d\ude00"``)
    and HTML references (``&#55357;&#56832;``) that spell an emoji in UTF-16 and mean it; a
    lone one encodes nothing, and UTF-8 output (every feed) cannot carry it (html2text#310).
    """
    if not _has_surrogates(text):
        return text

    def fix(match: re.Match[str]) -> str:
        pair = match.group(1)
        return pair.encode("utf-16-le", "surrogatepass").decode("utf-16-le") if pair else lone

    return _SURROGATE_PAIR_OR_LONE.sub(fix, text)


def _has_surrogates(text: str) -> bool:
    """Whether the text holds a surrogate: only those fail UTF-8 encoding, which is several
    times faster than a search on a whole page (html.parse reads every page through here)."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def xml_safe(text: str) -> str:
    """``text`` as XML 1.0 can carry it: surrogates repaired, forbidden characters dropped."""
    return _XML_ILLEGAL.sub("", repair_surrogates(text))


def strip_bidi(text: str) -> str:
    """``text`` without bidi embeddings, overrides and isolates (the letters keep their
    own direction, so Arabic and Hebrew still read right to left)."""
    return _BIDI_CONTROLS.sub("", text)


def close_bidi(text: str) -> str:
    """``text`` with the bidi embeddings, overrides and isolates it opens closed at its end
    (PDF, PDI) and closers that close nothing dropped, so its direction cannot bleed into
    whatever a reader shows after it. Follows the nesting rules of UAX #9 (X6a, X7)."""
    if not _BIDI_CONTROLS.search(text):
        return text
    out: list[str] = []
    opened: list[str] = []  # the closer each open control needs, innermost last
    for part in _BIDI_SPLIT.split(text):
        if part in _BIDI_OPEN:
            opened.append(_BIDI_OPEN[part])
        elif part == _PDF:
            if not opened or opened[-1] != _PDF:
                continue  # closes nothing, or would cross an isolate: ignored by UAX #9
            opened.pop()
        elif part == _PDI:
            if _PDI not in opened:
                continue
            while opened.pop() != _PDI:  # a PDI also ends the embeddings inside its isolate
                pass
        out.append(part)
    return "".join(out) + "".join(reversed(opened))


def plain_text(text: str | None) -> str | None:
    """One line of plain text, or None when nothing visible is left."""
    if text is None:
        return None
    text = strip_bidi(xml_safe(unicodedata.normalize("NFC", text)))
    text = _SPACE.sub(" ", text).strip()
    return text or None


def absolute_url(href: str | None, base: str) -> str | None:
    """``href`` resolved against ``base`` as an absolute http(s) URL, or None for empty and
    fragment-only links, other schemes (``javascript:``, ``data:``, ``mailto:``) and broken
    ones (``http://bad]test/``): a bad link is dropped, never an error."""
    if not href:
        return None
    # As browsers do (WHATWG URL): tabs and newlines inside are ignored, so "java\tscript:"
    # is javascript:, and spaces and controls around the link are trimmed.
    href = _TAB_NEWLINE.sub("", href).strip().strip(_C0_OR_SPACE)
    if not href or href.startswith("#"):
        return None
    try:
        url = urljoin(base, href)
        parts = urlsplit(url)
        parts.port  # noqa: B018  raises on a port that isn't a number
    except ValueError:
        return None
    host = parts.hostname or ""
    if parts.scheme not in LINK_SCHEMES or not host:
        return None
    # urlsplit has checked a bracketed IPv6 host; any other host must be a plain name.
    if not parts.netloc.count("[") and _FORBIDDEN_HOST.search(host):
        return None
    return url.translate(_URL_UNSAFE)


def absolute_srcset(srcset: str, base: str) -> str | None:
    """A ``srcset`` with every candidate's URL made absolute and unsafe candidates left out."""
    candidates: list[str] = []
    for entry in srcset.split(","):
        address, _, descriptor = entry.strip().partition(" ")
        url = absolute_url(address, base)
        if url is not None:
            candidates.append(f"{url} {descriptor.strip()}".strip())
    return ", ".join(candidates) or None


def sanitize_html(html: str, *, page_url: str) -> str:
    """Allowlist-sanitise article HTML, with rules like Miniflux's sanitizer.

    No script, style, event handler or form survives; link and media addresses are absolute
    http(s) (links may be mailto:); iframes only come from the article's own host; tracking
    pixels go; bidi controls are closed. Sanitising twice changes nothing.
    """
    import nh3  # only article content needs it: an idle poll must not load it (issue 19)

    host = (urlsplit(page_url).hostname or "").lower()
    cleaned = nh3.clean(
        xml_safe(html),
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=partial(_filter_attribute, base=page_url, host=host),
    )
    cleaned = _IMG.sub(_without_pixel, _IFRAME.sub(_without_bare_iframe, cleaned))
    # References such as "&#1;" only become characters inside nh3, so check again after it.
    return close_bidi(xml_safe(cleaned).strip())


def _filter_attribute(
    element: str, attribute: str, value: str, *, base: str, host: str
) -> str | None:
    if attribute in _URL_ATTRIBUTES:
        if element == "a" and value.strip().lower().startswith("mailto:"):
            return value.strip()
        url = absolute_url(value, base)
        if url is not None and element == "iframe" and (urlsplit(url).hostname or "") != host:
            return None
        return url
    if attribute == "srcset":
        return absolute_srcset(value, base)
    return value


def _attributes(tag: str) -> dict[str, str]:
    return dict(_ATTRIBUTE.findall(tag))


def _without_pixel(match: re.Match[str]) -> str:
    # A 1x1 (or 0x0) image shows nothing: it is there to tell someone the item was read.
    attributes = _attributes(match.group(0))
    size = (attributes.get("width", "").strip(), attributes.get("height", "").strip())
    return "" if all(value in _PIXEL_SIZES for value in size) else match.group(0)


def _without_bare_iframe(match: re.Match[str]) -> str:
    # The attribute filter removed the src of a foreign frame; the empty frame goes too.
    opening = match.group(0).split(">", 1)[0]
    return match.group(0) if "src" in _attributes(opening) else ""


_TAG = lazy(r"<[^>]*>")
_LINK = lazy(r"<a\b[^>]*>.*?</a>", re.IGNORECASE | re.DOTALL)


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


# --- bounds: what one page can put in a feed (issue 13: a 2 MB h1 became a 95 MB feed) ------

MAX_TITLE = 500  # characters
MAX_AUTHOR = 200
MAX_SUMMARY = 2000
_VOID = frozenset({"br", "hr", "img", "wbr", "source", "track", "area", "col", "embed", "input"})
_TAG_NAME = lazy(r"</?\s*([a-zA-Z][a-zA-Z0-9]*)")


def bound_text(text: str | None, limit: int) -> str | None:
    """At most ``limit`` characters, cut at a space when there is one near the end, with an
    ellipsis to show the cut."""
    if text is None or len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


def bound_html(html: str | None, limit: int, *, more: str) -> tuple[str | None, bool]:
    """Sanitised HTML of at most ``limit`` UTF-8 bytes (and a short notice), cut after the
    last whole element that fits and with every open element closed, so the result is as
    well-formed as the input; a notice with a link to ``more`` says that it was cut.
    Returns the HTML and whether it was cut."""
    if html is None or len(html.encode("utf-8")) <= limit:
        return html, False
    stack: list[str] = []
    size, end, closing, tail = 0, 0, "", ""
    for match in re.finditer(r"<[^>]*>|[^<]+", html):
        token = match.group()
        size += len(token.encode("utf-8"))
        if size + len(closing) > limit:
            if not token.startswith("<"):  # one long text: keep what fits of it
                room = limit - (size - len(token.encode("utf-8"))) - len(closing)
                tail = _text_prefix(token, room)
                end, closing = match.start(), "".join(f"</{n}>" for n in reversed(stack))
            break
        name_match = _TAG_NAME.match(token)
        if name_match is not None:
            name = name_match.group(1).lower()
            if token.startswith("</"):
                if name in stack:
                    del stack[len(stack) - 1 - stack[::-1].index(name) :]
            elif name not in _VOID and not token.endswith("/>"):
                stack.append(name)
                continue  # an element is whole only once it closes
        end, closing = match.end(), "".join(f"</{name}>" for name in reversed(stack))
    href = html_module.escape(more, quote=True)
    words = f"The article is longer than {limit // 1024} KB: read on."
    notice = f'<p>[…] <a href="{href}">{words}</a></p>'
    return html[:end] + tail + closing + notice, True


def _text_prefix(text: str, room: int) -> str:
    """The start of an HTML text node in at most ``room`` bytes, never splitting an entity."""
    prefix = text.encode("utf-8")[: max(room, 0)].decode("utf-8", "ignore")
    amp = prefix.rfind("&")
    if amp != -1 and ";" not in prefix[amp:]:
        prefix = prefix[:amp]
    return prefix
