"""Plain frozen dataclasses passed between the stages; no behaviour beyond small helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class ParsedDate:
    """A date read from a page. ``has_time`` is False for day-only values such as ``2024-12-06``:
    their clock time is unknown, and must not be presented as midnight."""

    value: datetime  # timezone-aware; for day-only values, midnight in the source's time zone
    has_time: bool


@dataclass(frozen=True)
class Page:
    """A fetched (or read from disk) HTML page, decoded."""

    url: str  # final URL after redirects
    text: str
    encoding: str  # the codec actually used, e.g. "gb18030", "utf-8"
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: datetime | None = None
    not_modified: bool = False  # a 304 answer to a conditional request: text is empty
    content: bytes = b""  # the raw body, kept for hashing and saving
    moved_to: str | None = None  # the requested URL answered a permanent redirect to this


@dataclass(frozen=True)
class ListingEntry:
    """One article link as a listing page shows it."""

    url: str  # absolute
    title: str | None = None
    date_text: str | None = None
    summary: str | None = None
    position: int = 0  # order on the listing page (0 = first)


@dataclass(frozen=True)
class ListingPage:
    entries: tuple[ListingEntry, ...]
    next_url: str | None
    # selector -> how many nodes it matched on this page, for `feeds check`
    matches: dict[str, int] = field(default_factory=dict)
    # per-entry problems ("listing: item 3 has no link (...)")
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    """What an article page yields. Text fields are plain text; ``content_html`` is sanitised."""

    url: str
    canonical_url: str | None = None
    title: str | None = None
    date: ParsedDate | None = None  # from the article's date selector
    metadata_date: ParsedDate | None = None  # from meta tags, JSON-LD or <time>
    author: str | None = None
    summary: str | None = None
    content_html: str | None = None
    encoding: str | None = None
    language: str | None = None
    # field -> where its value came from: "selector", "metadata", "extractor", "page"
    origins: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredItem:
    """An item as the store keeps it; the renderer reads these."""

    source_id: str
    key: str  # canonical article key (identity.article_key)
    id: str  # published id; never changes once stored
    url: str
    title: str
    author: str | None
    summary: str | None
    content_html: str | None
    published: datetime  # aware
    updated: datetime  # aware; > published when the article was edited
    first_seen: datetime  # aware, UTC
    date_precision: str  # "time", "day" or "none"
    status: str = "published"  # or "filtered"
    content_hash: str = ""


@dataclass(frozen=True)
class FeedMeta:
    """What a feed says about itself."""

    id: str
    title: str
    home_url: str  # the site page the feed stands for (alternate link)
    description: str
    self_urls: dict[str, str]  # "rss"/"atom"/"json" -> public URL of that file
    updated: datetime  # newest item's updated time (or the source's creation time)
    language: str | None = None
    generator: str = "feeds"
