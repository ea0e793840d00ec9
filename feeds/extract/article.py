"""Article pages: configured selectors first, then page metadata, then a content extractor.

Every field records where its value came from (``Article.origins``), so ``feeds extract``
can show which rule produced it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from feeds.clean import plain_text, sanitize_html
from feeds.config import ArticleRules
from feeds.extract.content import main_content_html
from feeds.extract.dates import parse_date
from feeds.extract.html import (
    absolute,
    absolutize,
    attr,
    base_url,
    parse,
    select,
    select_one,
    text_of,
)
from feeds.extract.labels import author_from, labelled_author, summary_from
from feeds.models import Article, ParsedDate

# Always removed from content, whatever the rules say: they never belong in a feed.
_ALWAYS_REMOVE = "script, style, noscript, template, form, button, input, select, textarea"
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "pubdate",
    "publishdate",
    "publish_date",
    "publication_date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "datepublished",
    "weibo:article:create_at",
)
_AUTHOR_META = ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author")
# Labels that open an article's info line; the line must be short to be one (not a paragraph).
_INFO_LABEL = re.compile(
    r"(?:(?:日期|时间|发布|发表|更新|来源|作者|记者|编辑|Published|Posted|Updated|Date|By)\s*[:：]"
    r"|发表于|发布于|发布日期|发布时间)",
    re.IGNORECASE,
)
_AUTHOR_MARKUP = (
    '[itemprop="author"] [itemprop="name"], a[rel~="author"], [itemprop="author"], '
    ".byline .fn, .author .fn, .vcard .fn, .author-name, .byline-name, .byline"
)
_AUTHOR_MAX = 60  # longer is a sentence or a bio, not a name
_CDATA = re.compile(r"^(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>$")
# A date in the path: /2019/01/01/, /2019-01-01/, /20190101_ (year 1990-2099 first).
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:[/_.-]|$)"
)
_INFO_LINE_MAX = 200
_TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜| - | – | — |-{2,})\s*")


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
    soup = parse(text)
    base = base_url(soup, url)
    metas = _metas(soup)
    ld = list(_json_ld(soup))
    origins: dict[str, str] = {}

    # Each fallback runs only when the ones before it found nothing: with selectors that
    # match, a page costs one parse and a few selects (bench scenario 3).
    title = _pick(
        origins,
        "title",
        ("selector", lambda: _selector_text(soup, rules.title)),
        ("metadata", lambda: plain_text(metas.get("og:title") or _ld_value(ld, "headline"))),
        ("page", lambda: text_of(select_one(soup, "h1"))),
        ("page", lambda: _page_title(soup)),
    )
    date_raw = _selector_raw(soup, rules.date)
    date = parse_date(date_raw, now=now, tz=tz) if date_raw else None
    if date is not None:
        origins["date"] = "selector"
    metadata_date = None
    if date is None or not date.has_time:  # a day-only date may take its time from here
        metadata_date = _metadata_date(soup, metas, ld, now=now, tz=tz)
        if metadata_date is not None:
            origins.setdefault("date", "metadata")
    info_lines = _lazy(lambda: list(_info_lines(soup)))
    if date is None and metadata_date is None:
        # Chinese portals rarely carry date metadata; their info line does: 日期：… 来源：…
        metadata_date = next(
            (d for line in info_lines() if (d := parse_date(line, now=now, tz=tz))), None
        )
        if metadata_date is None:
            metadata_date = _url_date(url, tz)  # /2019/01/01/slug.html, the last resort
        if metadata_date is not None:
            origins.setdefault("date", "page")
    author = _pick(
        origins,
        "author",
        ("selector", lambda: author_from(_selector_raw(soup, rules.author))),
        ("metadata", lambda: _metadata_author(metas, ld)),
        ("page", lambda: _markup_author(soup)),
        ("page", lambda: next((a for line in info_lines() if (a := labelled_author(line))), None)),
    )
    summary = _pick(
        origins,
        "summary",
        ("selector", lambda: summary_from(_selector_raw(soup, rules.summary))),
        ("metadata", lambda: plain_text(metas.get("description") or metas.get("og:description"))),
    )
    content = _content(soup, text, rules, base, url, origins)
    canonical = absolute(_canonical_href(soup), base)
    html_tag = soup.find("html")
    language = attr(html_tag, "lang") if isinstance(html_tag, Tag) else None
    # A parsed page is a web of reference cycles that only the cyclic GC would free, late:
    # break it now, so a poll holds one page at a time (bench scenario 4).
    soup.decompose()
    return Article(
        url=url,
        canonical_url=canonical,
        title=title,
        date=date,
        metadata_date=metadata_date,
        author=author,
        summary=summary,
        content_html=content,
        encoding=encoding,
        language=language,
        origins=origins,
    )


def _info_lines(soup: BeautifulSoup) -> Iterator[str]:
    """Short text blocks that carry labelled fields (日期：, 来源：, 作者：, Published:), in page
    order from the headline on: the info line under an article's title."""
    start = soup.find("h1") or soup.body or soup
    seen: set[int] = set()
    for string in start.find_all_next(string=_INFO_LABEL):
        parent = string.parent
        if parent is None or id(parent) in seen or parent.name in ("script", "style", "a"):
            continue
        seen.add(id(parent))
        line = parent.get_text(" ")
        if len(line) <= _INFO_LINE_MAX:
            yield line


def _markup_author(soup: BeautifulSoup) -> str | None:
    """A byline marked up as one (rel=author, microdata, hCard, common class names)."""
    for node in select(soup, _AUTHOR_MARKUP):
        name = author_from(node.get_text(" "))
        if name and len(name) <= _AUTHOR_MAX and not name.startswith(("http", "@")):
            return name
    return None


def _url_date(url: str, tz: tzinfo) -> ParsedDate | None:
    match = _URL_DATE.search(urlsplit(url).path)
    if match is None:
        return None
    try:
        day = datetime(int(match[1]), int(match[2]), int(match[3]), tzinfo=tz)
    except ValueError:
        return None
    return ParsedDate(value=day, has_time=False)


def _pick(
    origins: dict[str, str], name: str, *candidates: tuple[str, Callable[[], str | None]]
) -> str | None:
    """The first candidate that finds a value, computed in order and no further."""
    for origin, find in candidates:
        value = find()
        if value:
            origins[name] = origin
            return value
    return None


def _lazy(compute: Callable[[], list[str]]) -> Callable[[], list[str]]:
    """``compute`` run once, on first use."""
    cache: list[list[str]] = []

    def get() -> list[str]:
        if not cache:
            cache.append(compute())
        return cache[0]

    return get


def _selector_raw(soup: BeautifulSoup, selector: str | None) -> str | None:
    """Raw text (spacing kept: it separates fields on info lines) of the first match."""
    if not selector:
        return None
    node = select_one(soup, selector)
    return node.get_text(" ") if node is not None else None


def _selector_text(soup: BeautifulSoup, selector: str | None) -> str | None:
    return plain_text(_selector_raw(soup, selector))


def _page_title(soup: BeautifulSoup) -> str | None:
    """<title> minus the site name: '全球最大超算…_企库往' -> '全球最大超算…'."""
    title = text_of(soup.title) if soup.title else None
    if not title:
        return None
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p]
    return max(parts, key=len) if parts else title


def _content(
    soup: BeautifulSoup,
    text: str,
    rules: ArticleRules,
    base: str,
    url: str,
    origins: dict[str, str],
) -> str | None:
    node = select_one(soup, rules.content) if rules.content else None
    if node is not None:
        for selector in (_ALWAYS_REMOVE, *rules.remove):
            for unwanted in select(node, selector):
                unwanted.decompose()
        absolutize(node, base)
        html = node.decode_contents()
        origins["content"] = "selector"
    else:
        extracted = main_content_html(text, url)
        if extracted is None:
            return None
        fragment = parse(extracted)
        body = fragment.body or fragment
        absolutize(body, base)
        html = body.decode_contents()
        fragment.decompose()
        origins["content"] = "extractor"
    cleaned = sanitize_html(html, page_url=url)
    return cleaned or None


def _canonical_href(soup: BeautifulSoup) -> str | None:
    for link in soup.find_all("link", href=True):
        rel = link.get("rel")
        rels: list[str] = list(rel) if isinstance(rel, list) else str(rel or "").split()
        if "canonical" in (r.lower() for r in rels):
            return attr(link, "href")
    return None


def _metas(soup: BeautifulSoup) -> dict[str, str]:
    """name/property/itemprop (lower-case) -> content of the first such meta tag."""
    out: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        content = attr(meta, "content")
        if not content:
            continue
        for key_attr in ("property", "name", "itemprop"):
            key = attr(meta, key_attr)
            if key:
                out.setdefault(key.lower(), content)
    return out


def _json_ld(soup: BeautifulSoup) -> Iterator[dict[str, Any]]:
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            raw = (script.string or "").strip()
            # Some CMSs wrap it for XHTML: <script>//<![CDATA[ {...} //]]></script>
            raw = _CDATA.sub("", raw)
            data = json.loads(raw)
        except (ValueError, TypeError):
            continue  # broken JSON-LD is common; the other fallbacks still apply
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)


def _ld_value(ld: list[dict[str, Any]], key: str) -> str | None:
    for item in ld:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _metadata_date(
    soup: BeautifulSoup,
    metas: dict[str, str],
    ld: list[dict[str, Any]],
    *,
    now: datetime,
    tz: tzinfo,
) -> ParsedDate | None:
    candidates = [metas.get(name) for name in _DATE_META]
    candidates.append(_ld_value(ld, "datePublished"))
    for node in select(soup, '[itemprop="datePublished"], abbr.published, .published[title]'):
        # microdata and hAtom put the machine-readable date in datetime, content or title
        candidates.append(attr(node, "datetime") or attr(node, "content") or attr(node, "title"))
    candidates.append(_ld_value(ld, "uploadDate"))
    time_tag = soup.find("time", datetime=True)
    if isinstance(time_tag, Tag):
        candidates.append(attr(time_tag, "datetime"))
    for value in candidates:
        if value:
            parsed = parse_date(value, now=now, tz=tz)
            if parsed is not None:
                return parsed
    return None


def _metadata_author(metas: dict[str, str], ld: list[dict[str, Any]]) -> str | None:
    for name in _AUTHOR_META:
        value = metas.get(name)
        if value and not value.startswith(("http://", "https://")):
            return plain_text(value)
    for item in ld:
        author = item.get("author")
        authors = author if isinstance(author, list) else [author]
        names = [a.get("name") if isinstance(a, dict) else a for a in authors]
        text = ", ".join(n.strip() for n in names if isinstance(n, str) and n.strip())
        if text:
            return plain_text(text)
    return None


def article_matches(text: str, rules: ArticleRules) -> dict[str, int]:
    """How many nodes each configured article selector matches (for ``feeds check``)."""
    soup = parse(text)
    out: dict[str, int] = {}
    for name in ("title", "date", "author", "summary", "content"):
        selector = getattr(rules, name)
        if selector:
            out[f"{name} {selector}"] = len(select(soup, selector))
    for selector in rules.remove:
        out[f"remove {selector}"] = len(select(soup, selector))
    return out
