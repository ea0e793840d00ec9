"""Proofs on the lxml tree that a fallback of the bs4 path would find nothing (issue 19).

``fast_article.py`` answers a page only when the Article is the one ``article.py`` would
build. Where that path would consult a fallback, restating the fallback on lxml is often too
large; proving that it cannot find anything is small: every fallback reads a fixed kind of
markup, and a page without any such markup gives it nothing to read. Each check here is a
superset of what its fallback looks at (more markup answers "maybe" than the fallback would
read), so "absent" is a proof and "maybe" sends the page to the bs4 path.
"""

from __future__ import annotations

from lxml import etree

from feeds.extract import page_dates

# What page_dates.metadata_date reads, for each kind of markup:
# - <meta> named by property, name or itemprop as a date (DATE_META, DATE_META_LIKE);
# - JSON-LD (datePublished, dateCreated, uploadDate): any script typed as JSON;
# - microdata and hAtom: '[itemprop="datePublished"], abbr.published, .published[title]';
# - <time datetime pubdate> or <time class="… pubdate …">.
_META_KEYS = etree.XPath("//meta/@property | //meta/@name | //meta/@itemprop")
_TYPES = etree.XPath("//script/@type")
_ITEMPROPS = etree.XPath("//@itemprop")
_CLASSES = etree.XPath("//@class")
_PUBDATE_TIMES = etree.XPath("boolean(//time[@pubdate])")
_TIME_CLASSES = etree.XPath("//time/@class")


def may_have_metadata_date(root: etree._Element) -> bool:
    """False only when ``page_dates.metadata_date`` must return None on this page (with or
    without ``weak``): none of the markup it reads is there, whatever its values."""
    keys, types, props, classes, times = (
        _values(xpath, root) for xpath in (_META_KEYS, _TYPES, _ITEMPROPS, _CLASSES, _TIME_CLASSES)
    )
    if keys is None or types is None or props is None or classes is None or times is None:
        return True
    # page.metas keys a value by the attribute stripped and lower-cased.
    if any(k in page_dates.DATE_META or page_dates.DATE_META_LIKE.search(k) for k in keys):
        return True
    return (
        any("json" in kind for kind in types)
        or any("datepublished" in prop for prop in props)
        or any("published" in words for words in classes)
        or any("pubdate" in words for words in times)
        or _PUBDATE_TIMES(root) is not False
    )


def _values(xpath: etree.XPath, root: etree._Element) -> list[str] | None:
    """The attribute values an XPath finds, stripped and lower-cased; None (anything may be
    there) for an answer that is no list of strings, which a page parsed from text never
    gives."""
    found = xpath(root)
    if not isinstance(found, list):
        return None
    values = [v.strip().lower() for v in found if isinstance(v, str)]
    return values if len(values) == len(found) else None
