"""An article's author when no selector gives one: metadata (people before publishers),
bylines marked up as such, and Chinese reporters' bylines. Labelled fields ('作者：…') are
``labels.py``'s."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString

from feeds.extract.html import attr, select
from feeds.extract.labels import author_from, reporter_from
from feeds.extract.page import INVISIBLE, NEAR_HEADLINE, elsewhere, norm

_AUTHOR_META = (
    "author",
    "article:author",
    "dc.creator",
    "dc:creator",
    "dcterms.creator",
    "citation_author",
    "parsely-author",
    "sailthru.author",
    "byl",
)
_AUTHOR_MARKUP = (
    '[itemprop="author"] [itemprop="name"], a[rel~="author"], [itemprop="author"], '
    ".byline .fn, .author .fn, .vcard .fn, .author-name, .byline-name, .byline, "
    '[class*="author" i], [class*="byline" i], [id*="author" i], [id*="byline" i]'
)
_AUTHOR_MAX = 60  # longer is a sentence or a bio, not a name
_AUTHOR_RAW_MAX = 500  # bounded before any pattern runs (B15)
_AUTHOR_WORDS = 6
# What precedes a name in bylines of the languages we read; 'By' and labels go in labels.py.
_BYLINE_PREFIX = re.compile(
    r"^(?:(?:von|par|por|di|door|av|de|from|written\s+by|posted\s+by|interview)\s*:?\s+"
    r"|interview\s*:\s*)",
    re.IGNORECASE,
)
_DOMAIN_LIKE = re.compile(r"^(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}/?$", re.IGNORECASE)


def metadata_author(
    metas: dict[str, str], ld: list[dict[str, Any]], url: str, *, publishers: bool = False
) -> str | None:
    """The author named by JSON-LD (people first) or meta tags.

    A name that is the publisher's (og:site_name, the JSON-LD publisher or an Organization,
    a domain name such as 'mdr.de') is no byline: it is passed over, so that the page's own
    byline is tried first, and taken only with ``publishers`` (the last resort)."""
    sites = _publisher_names(metas, ld, url)
    persons: list[str] = []  # typed Person in JSON-LD: a person even if the site bears the name
    people: list[str] = []
    organisations: list[str] = []
    by_id = {item["@id"]: item for item in ld if isinstance(item.get("@id"), str)}
    for item in ld:
        for author in _listed(item.get("author")):
            if isinstance(author, dict) and set(author) <= {"@id", "@type"}:
                author = by_id.get(author.get("@id"), author)  # Yoast: {"@id": "#/person/…"}
            name = author.get("name") if isinstance(author, dict) else author
            if not isinstance(name, str) or not (person := _person_name(name)):
                continue
            kind = str(author.get("@type", "")) if isinstance(author, dict) else ""
            if "Person" in kind:
                persons.append(person)
            else:
                (organisations if "Organization" in kind else people).append(person)
    if persons:
        return persons[0]
    people += [v for name in _AUTHOR_META if (v := metas.get(name)) and not _is_url(v)]
    for value in people:
        name = _person_name(value)
        if name and not _publisher_like(name, sites):
            return name
    if publishers:
        return next((n for v in (*people, *organisations) if (n := _person_name(v))), None)
    return None


def markup_author(soup: BeautifulSoup, headline: list[Tag]) -> str | None:
    """A byline marked up as one (rel=author, microdata, hCard, class names with "author" or
    "byline"), not in reader comments or teasers: the first after the headline, else the
    nearest before it."""
    nodes = [n for n in select(soup, _AUTHOR_MARKUP) if not elsewhere(n)]
    if headline:
        following = {id(n) for n in headline[0].find_all_next(True)}
        after = [n for n in nodes if id(n) in following]
        nodes = after + [n for n in reversed(nodes) if id(n) not in following]
    for node in nodes:
        raw = attr(node, "content") if node.name == "meta" else node.get_text(" ")
        name = _person_name(raw)
        if name:
            return name
    return None


def reporter(soup: BeautifulSoup, headline: list[Tag]) -> str | None:
    """A Chinese reporter's byline at the top of the story ('本报记者罗科苏盈发自北京'): in the
    first ``NEAR_HEADLINE`` characters of text after the headline."""
    start = headline[0] if headline else soup.body
    if start is None:
        return None
    seen = 0
    for node in start.next_elements:
        if type(node) is not NavigableString or node.parent is None:
            continue
        if node.parent.name in INVISIBLE:
            continue
        if name := reporter_from(str(node)):
            return name
        seen += len(node)
        if seen > NEAR_HEADLINE:
            break
    return None


def _person_name(raw: str | None) -> str | None:
    """A name from a byline's text: 'By Ann Lee' -> 'Ann Lee'; None for what can't be one
    (a sentence, a bio, a link, a bare date)."""
    name = author_from(raw[:_AUTHOR_RAW_MAX] if raw else None)
    if not name:
        return None
    name = _BYLINE_PREFIX.sub("", name).strip(" ,;:|")
    if not name or len(name) > _AUTHOR_MAX or name.startswith(("http", "@", "www.")):
        return None
    if not any(c.isalpha() for c in name) or len(name.split()) > _AUTHOR_WORDS:
        return None
    if any(c in name for c in '=<>{}"'):  # markup or code that leaked into the text
        return None
    return name


def _listed(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://", "//"))


def _publisher_names(metas: dict[str, str], ld: list[dict[str, Any]], url: str) -> set[str]:
    names = {metas.get("og:site_name"), metas.get("application-name"), metas.get("publisher")}
    for item in ld:
        publisher = item.get("publisher")
        if isinstance(publisher, dict):
            names.add(publisher.get("name"))
        if item.get("@type") in ("Organization", "NewsMediaOrganization", "WebSite"):
            names.add(item.get("name"))
    host = urlsplit(url).hostname or ""
    names.add(host.removeprefix("www."))
    return {norm(n) for n in names if isinstance(n, str) and norm(n)}


def _publisher_like(name: str, sites: set[str]) -> bool:
    """'FOCUS Online' beside og:site_name 'FOCUS Online', 'mdr.de', 'www.yunnan.cn,云南网'."""
    parts = [p.strip() for p in re.split(r"[,;，；]", name) if p.strip()]
    if any(_DOMAIN_LIKE.match(p) for p in parts):
        return True
    words = f" {norm(name)} "
    return any(f" {site} " in words or words.strip() in site.split(" ") for site in sites)
