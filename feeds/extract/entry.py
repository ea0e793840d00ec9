"""The pipeline's way into extraction: the lxml paths first, BeautifulSoup for the pages they
do not answer (issue 19).

``fast_article.py`` and ``fast_listing.py`` give the Article and the ListingPage the bs4
readers would, or None. Only then is the bs4 reader imported: a poll whose pages the lxml
paths answer (selectors that find every field) never loads bs4 or soupsieve, a tenth of a
second of CPU and some MB for a `feeds update`. ``article.extract_article`` and
``listing.extract_listing`` are these same functions.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from feeds.extract.fast_article import fast_article
from feeds.extract.fast_listing import fast_listing
from feeds.extract.markup import ALWAYS_REMOVE
from feeds.models import Article, ArticleRules, ListingPage, ListingRules


def extract_article(
    text: str,
    url: str,
    rules: ArticleRules,
    *,
    now: datetime,
    tz: tzinfo,
    encoding: str | None = None,
) -> Article:
    """Read one article page. ``url`` is where it was fetched from (after redirects)."""
    fast = fast_article(
        text, url, rules, now=now, tz=tz, encoding=encoding, always_remove=ALWAYS_REMOVE
    )
    if fast is not None:
        return fast
    from feeds.extract.article import soup_article

    return soup_article(text, url, rules, now=now, tz=tz, encoding=encoding)


def extract_listing(text: str, page_url: str, rules: ListingRules) -> ListingPage:
    """Read a listing page with its configured selectors."""
    fast = fast_listing(text, page_url, rules)
    if fast is not None:
        return fast
    from feeds.extract.listing import soup_listing

    return soup_listing(text, page_url, rules)
