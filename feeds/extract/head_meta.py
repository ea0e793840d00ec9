"""The meta description of a listing page, read from its <head> alone.

A portal gives every page the same description, its own slogan ('松花江网，是经国家互联网
信息办公室批准的…'). An article page's description that is the listing page's too says
nothing of the article, so it is no summary (``articles.make_item``). Only the head is
parsed: the listing itself was already read, by whichever tree its rules needed."""

from __future__ import annotations

from lxml import etree, html

from feeds.clean import plain_text

_HEAD_MAX = 65_536  # characters: a head larger than this is not one a CMS wrote
_END = "</head>"


def head_description(text: str) -> str | None:
    """The page's <meta name="description"> (else og:description), as plain text."""
    end = text.find(_END, 0, _HEAD_MAX)
    if end < 0:
        end = text.lower().find(_END, 0, _HEAD_MAX)
    if end < 0:
        return None
    try:
        root = html.document_fromstring(text[:end] + _END)
    except (etree.ParserError, ValueError):
        return None
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").strip().lower()
        content = meta.get("content")
        if key in ("description", "og:description") and content and key not in found:
            found[key] = content
    return plain_text(found.get("description") or found.get("og:description"))


def same_text(a: str, b: str) -> bool:
    """Whether two descriptions say the same, whitespace and case aside, or one is the
    other cut short (a CMS that bounds the article's copy of the site's description)."""
    x, y = ("".join(s.split()).casefold().rstrip(".…。") for s in (a, b))
    short, long = sorted((x, y), key=len)
    return bool(short) and (short == long or (len(short) >= 20 and long.startswith(short)))
