"""Parsing and the small DOM helpers the listing and article extractors share."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from feeds.clean import plain_text
from feeds.extract.selectors import compiled

# Attributes where lazy-loading scripts keep the real image address.
LAZY_SRC_ATTRIBUTES = ("data-src", "data-original", "data-lazy-src", "data-url", "data-echo")
_LINK_SCHEMES = ("http", "https")


def parse(text: str) -> BeautifulSoup:
    """Parse once with lxml: fast, and lenient with the broken markup real portals serve."""
    return BeautifulSoup(text, "lxml")


def base_url(soup: BeautifulSoup, page_url: str) -> str:
    """The URL relative links resolve against: <base href> when the page sets one."""
    base = soup.find("base", href=True)
    if isinstance(base, Tag):
        href = str(base.get("href") or "").strip()
        if href:
            return urljoin(page_url, href)
    return page_url


def absolute(href: str | None, base: str) -> str | None:
    """An absolute http(s) URL, or None for javascript:, mailto:, '#' and empty links."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    try:
        url = urljoin(base, href)
        parts = urlsplit(url)
        parts.port  # noqa: B018  raises on a port that isn't a number
    except ValueError:  # "http://bad]test/", "http://[x]/": a broken link, not a broken page
        return None
    if parts.scheme not in _LINK_SCHEMES or not parts.netloc:
        return None
    return url


def select(scope: Tag, selector: str) -> list[Tag]:
    return list(compiled(selector).select(scope))


def select_one(scope: Tag, selector: str) -> Tag | None:
    result = compiled(selector).select_one(scope)
    return result if isinstance(result, Tag) else None


def text_of(node: Tag | None) -> str | None:
    """Visible text of a node as one line, with <br> and blocks as spaces."""
    if node is None:
        return None
    return plain_text(node.get_text(" "))


def attr(node: Tag, name: str) -> str | None:
    value = node.get(name)
    if isinstance(value, list):
        value = " ".join(value)
    return value.strip() if isinstance(value, str) and value.strip() else None


def absolutize(node: Tag, base: str) -> None:
    """Resolve lazy images and make every link and image address absolute, in place."""
    for img in node.find_all(["img", "source"]):
        for lazy in LAZY_SRC_ATTRIBUTES:
            real = attr(img, lazy)
            if real:
                img["src"] = real
                break
    for el in node.find_all(True):
        for name in ("href", "src", "poster"):
            value = attr(el, name)
            if value is None:
                continue
            url = absolute(value, base)
            if url is None:
                del el[name]
            else:
                el[name] = url
        srcset = attr(el, "srcset")
        if srcset:
            el["srcset"] = ", ".join(
                _srcset_entry(entry, base) for entry in srcset.split(",") if entry.strip()
            )


def _srcset_entry(entry: str, base: str) -> str:
    url, _, descriptor = entry.strip().partition(" ")
    resolved = absolute(url, base) or ""
    return f"{resolved} {descriptor}".strip()
