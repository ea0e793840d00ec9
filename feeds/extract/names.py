"""What listing detection reads in an element's names and place, shared by ``detect.py`` (the
article list) and ``pagination.py`` (the next-page link): the words of its id and classes, the
simple CSS selectors those give (``tag#id``, ``tag.class``, the bare tag), its ancestors; and
the site a URL belongs to.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

import soupsieve
from bs4 import Tag

from feeds.extract.html import attr
from feeds.lazyre import lazy

__all__ = [
    "STATE_CLASSES",
    "ancestor_at",
    "class_names",
    "is_utility",
    "name_words",
    "nth_ancestors",
    "selector_forms",
    "site_of",
]

# Classes that say how an element looks right now or where it sits, not what it is.
STATE_CLASSES = frozenset(
    {"active", "current", "cur", "on", "selected", "sel", "hover", "first", "last", "odd"}
    | {"even", "hot", "new", "top", "show", "hide", "hidden", "open", "visible", "disblock"}
)
_LAYOUT_PREFIXES = frozenset({"has", "with", "without", "no", "show", "hide", "toggle", "open"})
_CAMEL = lazy(r"(?<=[a-z])(?=[A-Z])")
_SPLIT = lazy(r"[^a-z0-9]+")
# Generated ids and class names: digit runs, CSS-in-JS hashes (css-1dbjc4n, sc-bdVaJa).
_UNSTABLE = lazy(r"\d{3,}|^(?:css|sc|jsx|emotion)-|^[a-z]{1,2}\d")
_UTILITY = frozenset({"clearfix", "clear", "cf", "fix", "fl", "fr", "f_l", "f_r", "left", "right"})
# Second-level labels under a country code: 'com' of sina.com.cn is not the site, sina is.
_SECOND_LEVEL = frozenset({"com", "net", "org", "gov", "edu", "ac", "co", "or", "ne", "go"})


def site_of(url: str) -> str:
    """The registrable domain, roughly: 'news.163.com' -> '163.com', 'a.b.com.cn' -> 'b.com.cn'."""
    host = (urlsplit(url).hostname or "").lower()
    labels = host.split(".")
    if len(labels) <= 2 or host.replace(".", "").isdigit():
        return host
    keep = 3 if labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def name_words(el: Tag) -> list[str]:
    """The words of an element's id and classes: 'SearchSideBar side_body' -> search side bar…

    Names that describe the layout around a region rather than the region itself
    (``has-sidebar``, ``no-nav``, ``with-menu``) are left out.
    """
    words = []
    for name in [attr(el, "id") or "", *class_names(el)]:
        parts = [w for w in _SPLIT.split(_CAMEL.sub("-", name).lower()) if w]
        if parts and parts[0] not in _LAYOUT_PREFIXES:
            words.extend(parts)
    return words


def class_names(el: Tag) -> list[str]:
    value = el.get("class")
    if isinstance(value, str):
        return value.split()
    return [str(c) for c in value or []]


def is_utility(form: str) -> bool:
    """tag.clearfix, tag.fl: layout helpers, shared by unrelated elements."""
    return "." in form and form.rsplit(".", 1)[1] in _UTILITY


def ancestor_at(el: Tag, depth: int) -> Tag | None:
    for _ in range(depth):
        parent = el.parent
        if not isinstance(parent, Tag):
            return None
        el = parent
    return el


def nth_ancestors(nodes: Sequence[Tag], depth: int) -> list[Tag]:
    """The ancestor at ``depth`` of each node; [] when one has none below <html>."""
    found = [ancestor_at(node, depth) for node in nodes]
    if any(el is None or el.name in ("html", "[document]") for el in found):
        return []
    return [el for el in found if el is not None]


def selector_forms(els: Sequence[Tag]) -> list[str]:
    """Simple selectors true of every element given: tag#id, tag.class…, then the bare tag.

    Ids and classes that look generated (long digit runs, hashes) or describe state or layout
    are left out or tried last: the next redesign, or the next page, changes them.
    """
    if not els or len({el.name for el in els}) != 1:
        return []
    # Tag names are the page's text too: <o:p>, <fb:like>, <wb:follow-button> must be escaped,
    # or the selector reads ":p" as a pseudo-class and does not compile (issue 15).
    tag = soupsieve.escape(els[0].name or "")
    forms: list[str] = []
    ids = {attr(el, "id") for el in els}
    ident = ids.pop() if len(ids) == 1 else None
    if ident and not _UNSTABLE.search(ident) and len({id(el) for el in els}) == 1:
        forms.append(f"{tag}#{soupsieve.escape(ident)}")
    common = [c for c in class_names(els[0]) if all(c in class_names(el) for el in els[1:])]
    stable = [c for c in common if c not in STATE_CLASSES and not _UNSTABLE.search(c)]
    stable.sort(key=lambda c: (c in _UTILITY, any(ch.isdigit() for ch in c)))
    forms.extend(f"{tag}.{soupsieve.escape(c)}" for c in stable[:3])
    return [*forms, tag]
