"""Turn fetched HTML bytes into text, whatever the page claims about its encoding.

Chinese portals routinely declare gb2312 while serving GBK (or UTF-8), so declarations are
treated as hints that the bytes can overrule; see `decode_html` for the order of evidence.
"""

from __future__ import annotations

import codecs
import re

from feeds.lazyre import lazy

__all__ = ["charset_from_content_type", "decode_html", "is_known_encoding"]

# WHATWG labels that Python's codec registry does not know.
_LABELS = {
    "csgb2312": "gb2312",
    "gb_2312": "gb2312",
    "gb_2312-80": "gb2312",
    "x-gbk": "gbk",
    "unicode-1-1-utf-8": "utf-8",
    "x-sjis": "shift_jis",
    "windows-31j": "cp932",
    "x-mac-cyrillic": "mac-cyrillic",
    "x-euc-jp": "euc_jp",
    "x-x-big5": "big5",
}
# Python codec names renamed after lookup. gb18030 is a superset of the GBK family and real
# pages declaring gb2312 use GBK-only characters (镕, 喆); WHATWG decodes latin-1 and ascii as
# windows-1252.
_NAMES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso8859-1": "windows-1252",
    "ascii": "windows-1252",
}
# Codecs Python knows but no browser does; utf-7 in particular is a known XSS vector.
_NOT_WEB = frozenset({"utf-7", "unicode-escape", "raw-unicode-escape"})
# Multi-byte codecs: their strict failures are usually a few truncated characters, not a wrong
# declaration, so they get a tolerant second chance (see _sniff).
_MULTIBYTE = frozenset(
    {"utf-8", "gb18030", "big5", "big5hkscs", "euc_kr", "shift_jis", "cp932", "euc_jp", "cp949"}
)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEAD = 4096  # declarations live in <head>; 4 KB leaves room for long comments and scripts
_ASCII = bytes(range(128))
# cp1252 with its 5 holes (0x81, 0x8D, ...) decoding to the C1 controls, as browsers do.
_WINDOWS_1252 = "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(256))
_CT_CHARSET = lazy(r"""charset\s*=\s*["']?\s*([^\s"';,]+)""", re.IGNORECASE)
# One pattern for both <meta> forms (charset attribute, or charset= inside content=, quoted or
# not) and the XML declaration, so declarations come back in document order.
_DECLARED = re.compile(
    rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
    rb"""|<\?xml\b[^>]*?encoding\s*=\s*["']\s*([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
# A multi-byte codec "nearly fits" with at most one broken sequence per this many non-ASCII bytes.
_TOLERANCE = 100
# Stricter bar for guessing gb18030 on pages that declare nothing (see _sniff).
_GUESS_TOLERANCE = 500


def _normalise(label: str) -> str | None:
    """Python codec name for an encoding label, or None when it is no usable text encoding."""
    label = label.strip().strip("\"'").lower()
    try:
        name = codecs.lookup(_LABELS.get(label, label)).name
        # bytes.decode refuses bytes-to-bytes codecs (base64, zlib, ...); idna, punycode and
        # "undefined" refuse errors="replace" on non-ASCII: none of them could decode a page.
        b"\x80\xff".decode(name, "replace")
    except (LookupError, UnicodeError, ValueError):  # ValueError: label with a NUL byte
        return None
    if name in _NOT_WEB:
        return None
    if name.startswith("cp125"):  # cp1250..cp1258 under their web names
        return "windows-" + name[2:]
    return _NAMES.get(name, name)


def is_known_encoding(name: str) -> bool:
    """True when `name` can be used as a per-source encoding override."""
    return _normalise(name) is not None


def charset_from_content_type(value: str | None) -> str | None:
    """The charset parameter of a Content-Type header value, lower-cased, or None."""
    match = _CT_CHARSET.search(value or "")
    return match.group(1).lower() if match else None


def _candidates(data: bytes, http_charset: str | None) -> list[str]:
    """Declared codecs, most authoritative first: HTTP header, then in-document declarations."""
    found = [_normalise(http_charset)] if http_charset else []
    for match in _DECLARED.finditer(data[:_HEAD]):
        codec = _normalise((match.group(1) or match.group(2)).decode("ascii"))
        # A declaration readable as ASCII proves the page is not UTF-16/32 (WHATWG prescan).
        if codec and codec.startswith(("utf-16", "utf-32")):
            codec = "utf-8"
        found.append(codec)
    return [codec for codec in dict.fromkeys(found) if codec]


def _decode(data: bytes, codec: str, errors: str = "strict") -> str:
    if codec == "windows-1252":  # WHATWG's windows-1252 has no undefined bytes, Python's has 5
        return codecs.charmap_decode(data, errors, _WINDOWS_1252)[0]
    return data.decode(codec, errors)


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return _decode(data, codec)
    except UnicodeError:
        return None


def _tolerant(data: bytes, codec: str, nonascii: int, tolerance: int) -> tuple[int, str] | None:
    """(errors, text) when `data` is `codec` apart from a few broken sequences, else None."""
    text = data.decode(codec, "replace")
    marker = "\ufffd".encode(codec, "ignore")  # a U+FFFD really present in the page is no error
    errors = text.count("\ufffd") - (data.count(marker) if marker else 0)
    # errors == 0 means the strict decode worked, and the caller already judged that case
    return (errors, text) if errors > 0 and errors * tolerance <= nonascii else None


def _lone_byte_as_windows_1252(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: a lone invalid byte between ASCII bytes is read as windows-1252;
    anything else (a run of bytes, as GBK or a cut character gives) stays an error."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    data, start, end = error.object, error.start, error.end
    after_ascii = start == 0 or data[start - 1] < 0x80
    before_ascii = end == len(data) or data[end] < 0x80
    if end - start != 1 or not (after_ascii and before_ascii):
        raise error
    return _WINDOWS_1252[data[start]], end


codecs.register_error("feeds-lone-windows-1252", _lone_byte_as_windows_1252)


def _repaired_utf8(data: bytes) -> tuple[str, str] | None:
    """A page declared UTF-8 whose only invalid bytes stand alone between ASCII bytes: a stray
    windows-1252 quote ("It\x92s") in a template, or a Western page mislabelled as a whole.
    Those bytes are read as windows-1252; with no valid multi-byte UTF-8 left, the page is
    windows-1252. Detection would guess a rare code page from so little (cp775: "It\xc6s")."""
    try:
        text = data.decode("utf-8", "feeds-lone-windows-1252")
    except UnicodeDecodeError:
        return None
    # Each valid multi-byte sequence gives one character for several bytes; a repaired byte one.
    return text, "utf-8" if len(text) < len(data) else "windows-1252"


def _detect(data: bytes) -> str | None:
    # Loaded here, for the pages nothing else could read: most never need it (issue 19).
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return _normalise(best.encoding) if best else None


def decode_html(
    data: bytes, *, http_charset: str | None = None, override: str | None = None
) -> tuple[str, str]:
    """Decode a fetched page; returns (text, codec). Raises only for an unknown `override`."""
    if override is not None:
        codec = _normalise(override)
        if codec is None:
            raise ValueError(f"unknown encoding {override!r}")
        text = _decode(data, codec, "replace").removeprefix("\ufeff")
    else:
        text, codec = _sniff(data, http_charset)
    if codec == "gb18030":
        # Browsers (WHATWG) read 0xA3A0, a full-width space on old GBK pages, as U+3000;
        # Python's gb18030 gives the private-use U+E5E5, which feed readers show as tofu.
        text = text.replace("\ue5e5", "\u3000")
    return text, codec


def _sniff(data: bytes, http_charset: str | None) -> tuple[str, str]:
    """decode_html without an override: BOM, declarations checked against the bytes, detection."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, "replace"), codec

    declared = _candidates(data, http_charset)
    nonascii = len(data.translate(None, _ASCII))
    # Valid multi-byte UTF-8 is almost never accidental, so it beats any declaration: saved or
    # re-served pages are often transcoded to UTF-8 with their gb2312 <meta> left in place.
    # Pure ASCII decodes the same in every candidate; UTF-8 is the default when none is declared.
    if (nonascii or not declared) and (text := _strict(data, "utf-8")) is not None:
        return text, "utf-8"
    for codec in declared:
        if (text := _strict(data, codec)) is not None:
            return text, codec
    if "utf-8" in declared and (repaired := _repaired_utf8(data)) is not None:
        return repaired

    # One byte-truncated character ("标题..." cut mid-character, common in listings) fails a
    # strict decode, and charset_normalizer then drops the codec altogether and picks a
    # single-byte one, garbling every line. A multi-byte codec the bytes nearly fit is better.
    fits = [
        (fit, codec)
        for codec in dict.fromkeys(("utf-8", *declared))
        if codec in _MULTIBYTE and (fit := _tolerant(data, codec, nonascii, _TOLERANCE))
    ]
    if fits:
        (_, text), codec = min(fits, key=lambda pair: pair[0][0])
        return text, codec
    detected = _detect(data)
    # Same story for undeclared GBK pages (GBK is also the WHATWG fallback for zh-CN locales);
    # the stricter bar keeps Western single-byte pages, which rarely fit GBK this well, intact.
    if detected not in _MULTIBYTE and (
        fit := _tolerant(data, "gb18030", nonascii, _GUESS_TOLERANCE)
    ):
        return fit[1], "gb18030"
    codec = detected or (declared[0] if declared else "utf-8")
    return _decode(data, codec, "replace"), codec
