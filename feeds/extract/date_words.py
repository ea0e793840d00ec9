"""The meta names the date fallbacks read that the lxml path's proofs read too (issue 19):
kept apart from ``page_dates.py``, a bs4 module, so that ``fast_absence.py`` knows a name it
learns without importing bs4."""

from __future__ import annotations

import re

from feeds.lazyre import lazy

# Meta names (property, name or itemprop, lower-cased) of the page's published date.
DATE_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "article.published",
    "published_time",
    "pubdate",
    "publishdate",
    "publish_date",
    "publish-date",
    "published-date",
    "publication_date",
    "citation_publication_date",
    "citation_date",
    "bepress_citation_date",
    "date",
    "dc.date",
    "dc:date",
    "dc.date.issued",
    "dc.date.created",
    "dcterms.date",
    "dcterms.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "datepublished",
    "datecreated",
    "weibo:article:create_at",
    "weibo: article:create_at",  # as Sina writes it, a space after the first colon
    "og:release_date",  # Tencent's and Toutiao's news pages
)
# Any other meta name that says "publication date" (CMS-prefixed: sw-pubdate, cXenseParse:…).
DATE_META_LIKE = lazy(r"pub(?:lish(?:ed)?|lication)?[-_.:]?(?:date|time)", re.IGNORECASE)
