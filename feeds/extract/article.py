"""Article pages: configured selectors first, then page metadata, then what the page shows
(``titles.py``, ``page_dates.py``, ``bylines.py``), then a content extractor (``content.py``).

Every field records where its value came from (``Article.origins``), so ``feeds extract``
can show which rule produced it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date as Day
from datetime import datetime, tzinfo
from functools import partial
from typing import Any, TypeVar

from bs4 import BeautifulSoup, Tag

from feeds.clean import html_text, plain_text, sanitize_html
from feeds.extract import (
    byline_fallbacks,
    byline_lines,
    bylines,
    date_choice,
    date_context,
    date_zones,
    late_dates,
    not_writers,
    page,
    page_dates,
    signed_dates,
    titles,
    zh_bylines,
)
from feeds.extract.author_cards import strip_author_cards
from feeds.extract.content import (
    main_content_html,
    menu_like,
    strip_captions,
    strip_edges,
    strip_menus,
)
from feeds.extract.entry import extract_article
from feeds.extract.html import absolute, absolutize, attr, base_url, parse, select, select_one
from feeds.extract.labels import author_from, labelled_author, labelled_editor, summary_from
from feeds.extract.markup import ALWAYS_REMOVE, NOT_CONTENT, split_url
from feeds.models import Article, ArticleRules, ParsedDate

__all__ = ["extract_article", "soup_article"]

_T = TypeVar("_T")
# A host's label this long may name the site in its description ('nachtkritik' of
# www.nachtkritik.de); shorter ones are 'www', 'news', 'de'.
_HOST_LABEL = 5


def soup_article(
    text: str,
    url: str,
    rules: ArticleRules,
    *,
    now: datetime,
    tz: tzinfo,
    encoding: str | None = None,
) -> Article:
    """Read one article page on a bs4 tree, where the lxml path (``entry.extract_article``)
    does not answer. ``url`` is where it was fetched from (after redirects)."""
    soup = parse(text)
    base = base_url(soup, url)
    metas = page.metas(soup)
    ld = list(page.json_ld(soup))
    origins: dict[str, str] = {}

    # Each fallback runs only when the ones before it found nothing: with selectors that
    # match, a page costs one parse and a few selects (bench scenario 3).
    title = _pick(origins, "title", ("selector", lambda: _selector_text(soup, rules.title)))
    if title is None:
        agreed = titles.agreed_title(soup, metas, ld, partial(bylines.home_names, soup, url))
        if agreed is not None:
            title, origins["title"] = agreed
    title = title or _pick(origins, "title", ("page", lambda: titles.page_title(soup)))
    headline = _lazy(lambda: [h] if (h := titles.headline(soup, title)) is not None else [])
    info_lines = _lazy(lambda: list(page.info_lines(soup, headline())))
    parts = split_url(url)  # a page's address may be unsplittable (B7): no host then
    host = (parts.hostname if parts is not None else None) or ""
    read = date_context.Read(soup, page_dates.url_date(url, tz), now=now, tz=tz, host=host)
    date, metadata_date = _dates(soup, rules, metas, ld, url, headline, info_lines, read, origins)
    author = _author(soup, rules, metas, ld, url, title, headline, info_lines, origins)
    summary = _pick(
        origins, "summary", ("selector", lambda: summary_from(_selector_raw(soup, rules.summary)))
    )
    content = _content(soup, text, rules, base, url, origins)
    if summary is None:
        summary = _pick(
            origins,
            "summary",
            ("metadata", lambda: _description(soup, metas, ld, url, title, content)),
        )
    canonical = absolute(page.canonical_href(soup), base)
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


def _description(
    soup: BeautifulSoup,
    metas: dict[str, str],
    ld: list[dict[str, Any]],
    url: str,
    title: str | None,
    content: str | None,
) -> str | None:
    """The page's meta description, unless it is the site's: one that names the site and
    shares little with the article ('松花江网，是经国家互联网信息办公室批准的…' on every page)."""
    description = plain_text(metas.get("description") or metas.get("og:description"))
    if description is not None and menu_like(description):
        return None  # a CMS that describes every page by its navigation bar
    if description is None or content is None:
        return description
    host = (split_url(url) or split_url("http://x/")).hostname or ""  # type: ignore[union-attr]
    labels = {label for label in host.split(".") if len(label) >= _HOST_LABEL}
    sites = bylines.site_names(metas, ld, url) | titles.site_names(soup) | labels
    article = f"{title or ''} {html_text(content)}"
    return None if page.site_wide(description, article, sites) else description


def _dates(
    soup: BeautifulSoup,
    rules: ArticleRules,
    metas: dict[str, str],
    ld: list[dict[str, Any]],
    url: str,
    headline: Callable[[], list[Tag]],
    info_lines: Callable[[], list[str]],
    read: date_context.Read,
    origins: dict[str, str],
) -> tuple[ParsedDate | None, ParsedDate | None]:
    """(the selector's date, the page's): metadata, then what the page shows."""
    date_raw = _selector_raw(soup, rules.date)
    date = read(date_raw) if date_raw else None
    if date is not None:
        origins["date"] = "selector"
    if date is not None and date.has_time:
        return date, None
    tz = read.tz
    found = page_dates.metadata_date(soup, metas, ld, now=read.now, tz=tz)
    strong = found and page_dates.metadata_date(soup, metas, ld, now=read.now, tz=tz, weak=False)
    saved = strong is not None and page_dates.last_saved(strong, metas, ld, now=read.now, tz=tz)
    if found is not None and (strong is None or saved):
        # Only a CMS's generic date, or a published stamp that is the last save's: the day
        # printed by the headline, marked as a date, wins (before that last save).
        shown = page_dates.visible_date(soup, headline(), read, marked_only=True)
        if shown is not None and _day(shown).timetuple()[1:3] == _day(found).timetuple()[1:3]:
            # The same day of the year: the page's year-less 'April 19' (hAtom's <abbr
            # title="2019-04-19…">), whose year only the metadata knows.
            shown = None
        earlier = shown is not None and _day(shown) < _day(found)
        if shown is not None and (earlier if saved else _day(shown) != _day(found)):
            origins.setdefault("date", "page")
            return date, shown
    if strong is not None and not saved:
        # A story put out again that shows only its update, which its modified stamp confirms
        shown = date_choice.updated_day(soup, strong, metas, ld, read)
        if shown is not None:
            origins.setdefault("date", "page")
            return date, shown
    if found is not None:
        origins.setdefault("date", "metadata")
        # A UTC stamp takes the publisher's day from the URL or the page, if they say.
        if date_zones.is_utc(found):
            day = page_dates.url_date(url, tz) or page_dates.visible_date(soup, headline(), read)
            if day is not None:
                found = date_zones.publisher_day(found, day)
            else:  # else the day in the page's own offset, if its other stamps agree on
                # one, else in the source's zone: UTC is where the stamp was written, not
                # where the story came out
                offset = date_zones.page_offset(page_dates.stamp_texts(soup))
                found = date_zones.local_day(found, offset or tz)
        return date, found
    if date is not None:
        return date, None
    below = bool(headline())
    # Chinese portals rarely carry date metadata; their info line does: 日期：… 来源：…
    # (a year-less one, '销售时间：5月12日-5月18日', only after the date by the headline)
    # Else the date printed nearest the headline, else the one in the URL, else the day that
    # signs a notice, else weaker hints: the page's own entry in a list, a labelled date
    # anywhere, the image's path.
    found = (
        page_dates.info_line_date(info_lines(), read, below_headline=below, full_only=True)
        or page_dates.visible_date(soup, headline(), read)
        or page_dates.info_line_date(info_lines(), read, below_headline=below)
        or page_dates.url_date(url, tz)
        or signed_dates.signed_date(soup, read)
        or late_dates.self_link_date(soup, url, read)
        or late_dates.labelled_date(soup, read)
        or page_dates.url_date(metas.get("og:image") or metas.get("twitter:image") or "", tz)
        or late_dates.script_date(soup, read)
    )
    if found is not None:
        origins.setdefault("date", "page")
        found = date_zones.local_day(found, tz)
    return date, found


def _day(found: ParsedDate) -> Day:
    return found.value.date()


def _author(
    soup: BeautifulSoup,
    rules: ArticleRules,
    metas: dict[str, str],
    ld: list[dict[str, Any]],
    url: str,
    title: str | None,
    headline: Callable[[], list[Tag]],
    info_lines: Callable[[], list[str]],
    origins: dict[str, str],
) -> str | None:
    """The writer: the selector's, then metadata's person, a byline marked up as one, a
    labelled one ('作者：'), a reporter's; then an editor the page labels, else the site."""
    editors = _lazy(lambda: [e for line in info_lines() if (e := labelled_editor(line))])
    # Not the writer, wherever the page labels them: the editor's name in <meta name="author">.
    labelled = _lazy(lambda: editors() + not_writers.labelled_editors(soup))
    sites = _lazy(lambda: [bylines.site_names(metas, ld, url)])
    # The editor a page labels is no writer, in byline markup either ('<span class="author">
    # 责任编辑：王五</span>').
    marked = _lazy(
        lambda: [n for n in bylines.marked_bylines(soup, headline()) if n not in labelled()]
    )
    meta_authors = _lazy(
        lambda: bylines.meta_author_values(soup) + byline_lines.twitter_written_by(metas)
    )
    return _pick(
        origins,
        "author",
        ("selector", lambda: author_from(_selector_raw(soup, rules.author))),
        (
            "metadata",
            lambda: bylines.metadata_author(
                metas,
                ld,
                url,
                editors=labelled() + not_writers.footer_credits(soup, meta_authors()),
                meta_authors=meta_authors(),
                named=titles.site_names(soup) | bylines.home_names(soup, url),
            ),
        ),
        ("page", lambda: byline_lines.linked_author(soup, metas, ld, url)),
        ("page", lambda: bylines.markup_author(marked(), sites()[0])),
        ("page", lambda: _labelled(info_lines(), sites()[0])),
        ("page", lambda: zh_bylines.label_cell(soup, headline())),
        ("page", lambda: byline_lines.prefixed_byline(headline(), sites()[0])),
        ("page", lambda: bylines.reporter(soup, headline())),
        ("page", lambda: bylines.name_over_date(soup, headline())),
        ("page", lambda: bylines.signed_paragraph(soup, headline())),
        ("page", lambda: zh_bylines.name_after_date(headline())),
        ("page", lambda: zh_bylines.posted_at(soup, headline(), sites()[0])),
        ("page", lambda: zh_bylines.closing_credit(soup, headline(), sites()[0])),
        ("page", lambda: next(iter(editors()), None)),
        # A bare name in brackets at the end signs the story, or is the editor's again ('（张三）'
        # under '编辑：张三'): after the editor the page labels.
        ("page", lambda: zh_bylines.sign_off(soup, headline())),
        ("page", lambda: byline_lines.shown_creator(soup, metas)),
        ("page", lambda: byline_lines.profile_link(headline())),
        ("page", lambda: byline_lines.implied_author(soup, title, url)),
        ("page", lambda: byline_lines.platform_blog_owner(soup)),
        ("page", lambda: byline_fallbacks.named_line(headline())),
        ("page", lambda: byline_fallbacks.credited_source(soup, headline())),
        (
            "metadata",
            lambda: bylines.metadata_author(
                metas, ld, url, publishers=True, meta_authors=meta_authors()
            ),
        ),
        ("page", lambda: bylines.markup_author(marked(), sites()[0], publishers=True)),
        ("page", lambda: _labelled(info_lines(), sites()[0], publishers=True)),
    )


def _labelled(lines: list[str], sites: set[str], *, publishers: bool = False) -> str | None:
    """The first author an info line labels ('作者：张三'), unless it is a medium's or the
    site's name ('作者：新京报'): the reporter's byline in the story is read first. With
    ``publishers`` (the last resort), the first that is."""
    names = (name for line in lines if (name := labelled_author(line)))
    return next((n for n in names if bylines.publisher_like(n, sites) == publishers), None)


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


def _lazy(compute: Callable[[], list[_T]]) -> Callable[[], list[_T]]:
    """``compute`` run once, on first use."""
    cache: list[list[_T]] = []

    def get() -> list[_T]:
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
        for selector in (ALWAYS_REMOVE, *rules.remove):
            for unwanted in select(node, selector):
                unwanted.decompose()
        absolutize(node, base)
        html = node.decode_contents()
        origins["content"] = "selector"
    else:
        extracted = main_content_html(soup, text, url)
        if extracted is None:
            return None
        fragment = parse(extracted)
        body = fragment.body or fragment
        for unwanted in select(body, NOT_CONTENT):
            unwanted.decompose()
        strip_menus(body)
        strip_captions(body, soup)
        strip_author_cards(body, soup, base)
        strip_edges(body)
        absolutize(body, base)
        html = body.decode_contents()
        fragment.decompose()
        origins["content"] = "extractor"
    cleaned = sanitize_html(html, page_url=url)
    return cleaned or None


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
