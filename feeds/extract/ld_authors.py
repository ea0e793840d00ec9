"""The authors a page's JSON-LD names, sorted by what it says they are: typed Person,
untyped, or typed Organization (``bylines.metadata_author`` decides between them). Not a
photo's author (the photographer), not a comment's or a review's (readers)."""

from __future__ import annotations

from typing import Any

from feeds.extract.person_names import person_name
from feeds.lazyre import lazy

# JSON-LD items whose author is a photographer or a film-maker.
_MEDIA = lazy(r"ImageObject|VideoObject|AudioObject|MediaObject|Photograph|ImageGallery")
_STORY = lazy(r"Article|Posting|Report")


def ld_authors(ld: list[dict[str, Any]]) -> tuple[list[str], list[str], list[str]]:
    """The JSON-LD authors' names: (typed Person, untyped, typed Organization)."""
    persons: list[str] = []  # typed Person in JSON-LD: a person even if the site bears the name
    people: list[str] = []
    organisations: list[str] = []
    # A story given as a page's main entity ('{"@type": "WebPage", "mainEntity": {…}}'), or
    # listed under another key ('"entries": [{"@type": "Article", …}]', a live blog's updates).
    ld = ld + [e for item in ld if isinstance(e := item.get("mainEntity"), dict)]
    nested = [e for item in ld for e in _nested(item)]
    ld = ld + [e for e in nested if _STORY.search(str(e.get("@type", "")))]
    by_id = {item["@id"]: item for item in ld + nested if isinstance(item.get("@id"), str)}
    for item in ld:
        if _MEDIA.search(str(item.get("@type", ""))):
            continue  # a photo's or a video's author is its photographer, not the writer
        for author in _listed(item.get("author") or _story_creator(item)):
            if isinstance(author, dict) and set(author) <= {"@id", "@type"}:
                author = by_id.get(author.get("@id"), author)  # Yoast: {"@id": "#/person/…"}
            kind = str(author.get("@type", "")) if isinstance(author, dict) else ""
            for name in _ld_names(author):
                if not (person := person_name(name)):
                    continue
                if "Person" in kind:
                    persons.append(person)
                else:
                    (organisations if "Organization" in kind else people).append(person)
    return persons, people, organisations


def _nested(item: dict[str, Any]) -> list[dict[str, Any]]:
    """The typed items an item lists under any key of its own, one level down; not comments or
    reviews, whose authors are readers."""
    found = []
    for key, value in item.items():
        if key in ("@graph", "mainEntity", "comment", "review"):
            continue
        for entry in _listed(value):
            if isinstance(entry, dict) and "@type" in entry:
                found.append(entry)
    return found


def _ld_names(author: object, depth: int = 0) -> list[str]:
    """A JSON-LD author's names: the string, its ``name`` (a string, a list of them, or a
    Person again), else its given and family names."""
    if isinstance(author, str):
        return [author]
    if isinstance(author, list) and depth < 2:
        return [n for a in author for n in _ld_names(a, depth + 1)]
    if not isinstance(author, dict) or depth >= 2:
        return []
    if name := author.get("name"):
        return _ld_names(name, depth + 1)
    parts = [author.get(k) for k in ("givenName", "additionalName", "familyName")]
    given = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    return [given] if given else []


def _story_creator(item: dict[str, Any]) -> object:
    """A story's ``creator`` (asahi.com's JSON-LD names the writer so), not an image's: that
    is the photographer."""
    return item.get("creator") if _STORY.search(str(item.get("@type", ""))) else None


def _listed(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]
