"""Pagination: the link to the next page of a listing page, on the listing's site only.

Evidence, strongest first: ``rel=next``, then a pager link named "下一页"/"Next"/"Older", then a
link classed ``next`` in a pager, then a pager arrow ("›", then "»"), then the numbered link whose
URL follows the current one (``news/`` -> ``news/list-2.html``, ``list-2`` -> ``list-3``); with a
selector that reads it back, for ``[source.listing] next``. A pure function of the page, like
detection (``detect.py``), which calls it once it knows where the article list starts.
"""

from __future__ import annotations

import re
from typing import Protocol
from urllib.parse import urldefrag, urlsplit

import soupsieve
from bs4 import BeautifulSoup, Tag

from feeds.extract.html import absolute, attr, select_one, text_of
from feeds.extract.names import is_utility, name_words, nth_ancestors, selector_forms, site_of
from feeds.lazyre import lazy

__all__ = ["ParsedPage", "next_page", "pager_positions"]


class ParsedPage(Protocol):
    """What pagination reads of the page detection has parsed (``detect._Page``)."""

    soup: BeautifulSoup
    url: str
    base: str  # the URL links resolve against (<base href>, else the page's)
    site: str  # the page's registrable domain (names.site_of)
    order: dict[int, int]  # id(element) -> position in the document

    def link_count(self, el: Tag) -> int:
        """How many usable links an element holds."""
        ...


# Link texts that name the next page of a list, lowercased, with arrows and brackets stripped
# ("下一页 >", "Next »" and "Older posts" all count).
_NEXT_WORDS = frozenset(
    {"下一页", "下页", "下一頁", "下頁", "后页", "後頁", "后一页", "次へ", "次のページ", "다음"}
    | {"next", "next page", "nextpage", "older", "older posts", "older entries", "older articles"}
    | {"suivant", "page suivante", "weiter", "nächste", "nächste seite", "siguiente", "volgende"}
    | {"следующая", "próxima", "successiva"}
)
_DECORATION = lazy(r"[\s\u00a0<>«»‹›→〈〉《》\[\]【】()（）.…·|:：]+")
# An arrow alone, in a pager. "»" and ">>" name the last page in some pagers, so they rank after
# the single arrows.
_NEXT_ARROWS = ("›", "→", ">", "〉", "＞")
_FAR_ARROWS = ("»", ">>", "》")
_PAGE_NUMBER = lazy(r"\d{1,4}")
# Class words of pagers: page, pages, pager, pagination, paging, pagenavi, pagelist…
_PAGER_WORD = lazy(r"^pag(?:e|es|er|ing|ination|enav|enavi|elist|ebar)?\d*$")
_NEXT_CLASS = frozenset({"next", "nextpage", "pagenext", "nextlink", "nextpostslink"})
# The part of a page-one URL that names page two: list-2.html, index_1.html, page/2/, ?page=2.
_PAGE_TWO_TAIL = lazy(r"[^\d/]{0,12}/?([12])[^\d]{0,8}")
_PAGER_LINKS = 40  # an ancestor holding more links than this is the page, not its pager
# Evidence that a link leads to the next page, strongest first.
_REL_NEXT, _NEXT_WORD, _NEXT_CLASSED, _ARROW, _FAR_ARROW, _NUMBERED = range(6)


def next_page(
    page: ParsedPage, list_start: int, listed: frozenset[str]
) -> tuple[str | None, str | None]:
    """The URL of the next listing page and a selector that reads it back, or (None, None).

    Only links on the listing's own site count: a "next" that leaves the site is an ad or a
    partner, and a poll must never be walked off the source. Among equally strong links the
    first after the start of the article list wins: pagers sit under their list.
    """
    here = urldefrag(page.url).url
    best: tuple[tuple[int, bool, int], Tag, str] | None = None
    for el in page.soup.find_all(["a", "link"], href=True):
        url = absolute(attr(el, "href"), page.base)
        if url is None or urldefrag(url).url == here or url in listed:
            continue  # "#page=2" and a last page's "next" to itself go nowhere
        if site_of(url) != page.site:
            continue
        rank = _next_rank(el, url, page)
        if rank is not None:
            position = page.order[id(el)]
            key = (rank, position < list_start, position)
            if best is None or key < best[0]:
                best = (key, el, url)
    if best is None:
        return None, None
    (rank, _, _), el, url = best
    return url, _next_selector(el, url, rank, page)


def pager_positions(page: ParsedPage) -> list[int]:
    """Where the page's pagers are: the positions, in page order, of on-site links that name
    another page of a list (a number, "下一页"/"Next", an arrow) inside a pager. A list with
    a pager right under it is the page's list, not a box beside it (``detect_score``)."""
    found = []
    for el in page.soup.find_all("a", href=True):
        shown = "".join((text_of(el) or "").split())
        named = _DECORATION.sub(" ", text_of(el) or "").strip().lower() in _NEXT_WORDS
        if not (
            named
            or _PAGE_NUMBER.fullmatch(shown)
            or shown in _NEXT_ARROWS
            or shown in _FAR_ARROWS
            or any(word in _NEXT_CLASS for word in name_words(el))
        ):
            continue
        url = absolute(attr(el, "href"), page.base)
        if url and site_of(url) == page.site and _in_pager(el, page):
            found.append(page.order[id(el)])
    return found


def _next_rank(el: Tag, url: str, page: ParsedPage) -> int | None:
    """How strongly a link says it leads to the next page; None when it doesn't."""
    if "next" in (attr(el, "rel") or "").lower().split():
        return _REL_NEXT
    if el.name != "a":
        return None
    shown = text_of(el) or ""
    named = (shown, attr(el, "title") or "", attr(el, "aria-label") or "")
    if any(_DECORATION.sub(" ", text).strip().lower() in _NEXT_WORDS for text in named if text):
        return _NEXT_WORD
    # Weaker evidence only counts inside a pager: a carousel's "›" or a "next" button of a
    # slideshow must not send the poll to an article.
    shown = "".join(shown.split())
    classed = any(word in _NEXT_CLASS for word in name_words(el))
    numbered = _PAGE_NUMBER.fullmatch(shown) is not None
    if not (classed or shown in _NEXT_ARROWS or shown in _FAR_ARROWS or numbered):
        return None
    if not _in_pager(el, page):
        return None
    if classed:
        return _NEXT_CLASSED
    if shown in _NEXT_ARROWS:
        return _ARROW
    if shown in _FAR_ARROWS:
        return _FAR_ARROW
    return _NUMBERED if shown in _next_labels(page.url, url) else None


def _in_pager(el: Tag, page: ParsedPage) -> bool:
    """Is the link in a pager: a small block named page/pager/pagination or holding numbers?"""
    scope = el
    for _ in range(3):
        parent = scope.parent
        if not isinstance(parent, Tag) or page.link_count(parent) > _PAGER_LINKS:
            return False
        scope = parent
        if any(_PAGER_WORD.match(word) for word in name_words(scope)):
            return True
        numbers = (s for s in scope.find_all(string=True) if _PAGE_NUMBER.fullmatch(s.strip()))
        if next(numbers, None) is not None and next(numbers, None) is not None:
            return True
    return False


def _next_labels(current: str, url: str) -> frozenset[str]:
    """The page numbers a link to ``url`` may show when ``url`` follows ``current`` in a
    numbered sequence ({} when it doesn't): list-2.html -> list-3.html shows 3; on page one,
    news/ -> news/list-2.html, index.html -> index_1.html (page one unnumbered) show 2."""
    here, there = urlsplit(current), urlsplit(url)
    if here.hostname != there.hostname:
        return frozenset()
    mine = here.path + (f"?{here.query}" if here.query else "")
    theirs = there.path + (f"?{there.query}" if there.query else "")
    old, new = re.split(r"(\d+)", mine), re.split(r"(\d+)", theirs)
    if len(old) == len(new) and old[::2] == new[::2]:
        changed = [(int(a), int(b)) for a, b in zip(old[1::2], new[1::2], strict=True) if a != b]
        if len(changed) == 1 and changed[0][1] == changed[0][0] + 1:
            number = changed[0][1]
            return frozenset({str(number), str(number + 1)})
        return frozenset()
    stems = {mine}
    if not here.query:  # news/index.html is page one of news/ and of news/index
        stems |= {here.path.rsplit("/", 1)[0] + "/", re.sub(r"\.\w+$", "", here.path)}
    for stem in stems:
        if theirs.startswith(stem) and _PAGE_TWO_TAIL.fullmatch(theirs[len(stem) :]):
            return frozenset({"2"})
    return frozenset()


def _next_selector(el: Tag, url: str, rank: int, page: ParsedPage) -> str | None:
    """A selector whose first match on the page is a link to ``url`` (as extract_listing reads
    ``listing.next``): the pager's class and the link's, its rel, its words, or its place
    after the current page's number; None when none reads it back."""
    tag = el.name or "a"
    own = [form for form in selector_forms([el])[:-1] if not is_utility(form)]
    if rank == _REL_NEXT:
        own.append(f"{tag}[rel~=next]")
    words = " ".join(s.strip() for s in el.find_all(string=True, recursive=False) if s.strip())
    if rank == _NEXT_WORD and words and not any(c in words for c in '"\\\n'):
        own.append(f'{tag}:-soup-contains-own("{words}")')
    previous = el.find_previous_sibling(True)
    if rank == _NUMBERED and isinstance(previous, Tag):
        own.extend(f"{form} + {tag}" for form in selector_forms([previous]))
    qualifiers = [
        form
        for depth in (1, 2, 3)
        for form in selector_forms(nth_ancestors([el], depth))[:-1]
        if not is_utility(form)
    ]
    options = [f"{q} {o}" for q in qualifiers for o in (*own, tag)] + own
    for option in options:
        try:
            found = select_one(page.soup, option)
        except (soupsieve.SelectorSyntaxError, ValueError):
            continue
        if found is not None and absolute(attr(found, "href"), page.base) == url:
            return option
    return None
