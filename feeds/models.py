"""Plain frozen dataclasses passed between the stages; no behaviour beyond small helpers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from feeds.guard import Scope


# --- the settings and source rules the config file gives (parsed by config.py) ------------

# Defaults that the data types below need themselves; config.KEYS names them for the docs.
HOST_CONCURRENCY = 4
HOST_INTERVAL = 0.5  # seconds: at most two requests a second to one host
MOBILE_HOSTS = ("m", "wap", "mobile")
MOBILE_PATHS = ("/mobile/", "/wap/")


@dataclass(frozen=True)
class Settings:
    output_dir: Path
    data_dir: Path
    base_url: str
    user_agent: str
    timezone: str
    timeout: float
    host_concurrency: int
    host_interval: float
    # A file path or a postgresql:// URL (feeds.dburl); config.py resolves a relative path
    # and the default. Not in the repr: a URL may carry a password.
    database: str = field(default="", repr=False)
    allow_private_networks: bool = False
    # The WebSub hub of `feeds run` (issue 18; feeds/websub.py, feeds/hub.py).
    websub: bool = True
    websub_hubs: tuple[str, ...] = ()  # external hubs pinged after a feed changed
    websub_min_lease: int = 300  # seconds: the shortest lease the hub grants
    # Several instances on one PostgreSQL database (issue 16; feeds/cluster.py).
    heartbeat: float = 10.0
    # The headless browser of sources with render = "browser" (issue 17; fetch/browser.py).
    browser: str = "chromium"  # Chromium: a path, or a command looked up on the PATH
    browser_pages: int = 2
    browser_timeout: float = 30.0
    browser_recycle: int = 100
    browser_memory: int = 1024  # MB


@dataclass(frozen=True)
class ListingRules:
    item: str
    link: str | None = None
    title: str | None = None
    date: str | None = None
    summary: str | None = None
    next: str | None = None


@dataclass(frozen=True)
class ArticleRules:
    title: str | None = None
    date: str | None = None
    author: str | None = None
    summary: str | None = None
    content: str | None = None
    remove: tuple[str, ...] = ()


@dataclass(frozen=True)
class IdentityRules:
    mobile_hosts: tuple[str, ...] = MOBILE_HOSTS
    mobile_paths: tuple[str, ...] = MOBILE_PATHS
    drop_params: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    urls: tuple[str, ...]
    every: int  # seconds
    cron: str | None
    timezone: str
    keep: int
    max_pages: int
    backfill_pages: int
    max_articles: int
    max_content_kb: int
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    full_text: bool
    encoding: str | None
    language: str | None
    listing: ListingRules | None  # None: detect the article list on each poll
    article: ArticleRules
    identity: IdentityRules = field(default_factory=IdentityRules)
    allow_hosts: tuple[str, ...] = ()
    robots: bool = True
    on_error: str = "status"  # or "item": a failing source says so in its feed (issue 18)
    render: str = "static"  # or "browser": listing pages rendered by headless Chromium
    render_articles: bool = False  # article pages rendered too (with render = "browser")
    wait_for: str | None = None  # the selector a rendered page is waited for
    load_more: str | None = None  # the "load more" button of a rendered listing

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def scope(self) -> Scope:
        """Where this source's requests may go (guard.Scope)."""
        from feeds.guard import Scope  # imported here: models load nothing of the project

        return Scope.of(self.urls, allow_hosts=self.allow_hosts, robots=self.robots)


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
    content_type: str | None = None  # the Content-Type header, kept for `feeds check --save`


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
    matches: dict[str, int] = field(default_factory=dict)  # selector -> nodes, `feeds check`
    problems: tuple[str, ...] = ()  # per entry: "listing: item 3 has no link (...)"


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
    hubs: tuple[str, ...] = ()  # WebSub hubs the feed advertises (rel="hub")


@dataclass(frozen=True)
class Listed:
    """A listing entry with its identity and the time its page was fetched."""

    key: str
    entry: ListingEntry
    fetched_at: datetime
    site_description: str | None = None  # the listing page's meta description: the site's


# --- a poll's plan: what the pure decisions (decide.py) hand to the store ------------------


@dataclass(frozen=True)
class NewItem:
    """An item to insert, with the other keys it is known by (mobile URL, listing URL that
    differs from its rel=canonical)."""

    item: StoredItem
    aliases: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ItemFailure:
    """An article page that failed this poll; the store counts its attempts."""

    key: str
    url: str
    error: str


@dataclass(frozen=True)
class PollEnd:
    """How a poll ended: the source's status row. On failure nothing else changes."""

    ok: bool
    error: str | None = None  # the failure, or a summary of per-item problems on success
    added: int = 0
    degraded: str | None = None
    last_listed: int | None = None  # items on page one, kept when the poll was healthy
    # new entries left for later polls (the cap): while any are, polls read backfill_pages
    backlog: int | None = None
    # listing URL -> its validators, or None to forget them (the listing must be read again)
    validators: dict[str, tuple[str | None, str | None] | None] = field(default_factory=dict)
    polled_by: str | None = None  # `host:pid` of the polling process (issue 16: an instance)


@dataclass(frozen=True)
class PollPlan:
    """One transaction of a poll. A poll is one plan, or a few batches of new items and
    then the plan that ends it, so that progress survives a restart (issue 13)."""

    source_id: str
    now: datetime
    new_items: tuple[NewItem, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()  # (key, key of the item it stands for)
    edits: tuple[StoredItem, ...] = ()  # stored items updated in place (same key and id)
    signatures: tuple[tuple[str, str], ...] = ()  # (item key, listing signature)
    failures: tuple[ItemFailure, ...] = ()
    end: PollEnd | None = None

    @property
    def added(self) -> int:
        return sum(new.item.status == "published" for new in self.new_items)

    @property
    def filtered(self) -> int:
        return sum(new.item.status == "filtered" for new in self.new_items)


# --- what the store tells about a source ---------------------------------------------------


@dataclass(frozen=True)
class SourceStatus:
    id: str
    created: datetime
    last_attempt: datetime | None
    last_success: datetime | None
    last_error: str | None
    consecutive_failures: int
    polls: int
    last_new: int
    items_seen: int
    items_published: int
    degraded: str | None = None  # the poll worked around a problem the operator must fix
    polled_by: str | None = None  # `host:pid` of the process of the last poll (issue 16)


@dataclass(frozen=True)
class ItemError:
    key: str
    url: str
    attempts: int
    last_error: str


# --- what a site's robots.txt said (robots.py decides what it means) -----------------------

TTL = timedelta(hours=24)  # a usable answer is kept this long
FAILURE_TTL = timedelta(hours=1)  # a failure is asked again sooner: a bad hour costs an hour


@dataclass(frozen=True)
class RobotsAnswer:
    """What one fetch of robots.txt gave: the status (0 for a broken answer) and the text."""

    status: int
    text: str
    fetched_at: datetime
    error: str = ""  # why it could not be fetched (status 0), for the operator

    @property
    def ok(self) -> bool:
        """A 2xx: ``text`` holds the rules."""
        return 200 <= self.status < 300

    @property
    def usable(self) -> bool:
        """Rules to go by: a 2xx, or a 4xx other than 429 (no rules: all allowed)."""
        return self.ok or (400 <= self.status < 500 and self.status != 429)

    @property
    def expires(self) -> datetime:
        return self.fetched_at + (TTL if self.usable else FAILURE_TTL)


# --- what the WebSub hub keeps, and a source's notice item (issue 18) -----------------------


@dataclass(frozen=True)
class HubIntent:
    """A subscriber's (un)subscription request, acted on once its callback confirms it
    (WebSub 5.1, 5.3). ``lease_seconds`` is the lease granted (0 to unsubscribe)."""

    topic: str
    callback: str
    mode: str  # "subscribe" or "unsubscribe"
    lease_seconds: int
    secret: str | None
    requested: datetime

    @property
    def host(self) -> str:
        return (urlsplit(self.callback).hostname or "").lower()


@dataclass(frozen=True)
class Subscription:
    topic: str
    callback: str
    secret: str | None
    lease_seconds: int
    expires: datetime


@dataclass(frozen=True)
class Delivery:
    """A feed's new document owed to one subscriber; ``changes`` counts the changes queued,
    so one that comes while a delivery is in flight is not lost when it succeeds."""

    subscription: Subscription
    attempts: int  # failed so far
    changes: int


@dataclass(frozen=True)
class HubCounts:
    """Subscriptions and pending requests, for the hub's limits."""

    topic: int  # of this topic
    host: int  # of this callback's host
    known: bool  # this (topic, callback) is already subscribed or pending


@dataclass(frozen=True)
class Notice:
    """What a source's status item says (``source.on_error = "item"``): changed only when
    the state or the reason does, so it does not flap on every poll."""

    state: str  # "failing" or "degraded"
    reason: str
    since: datetime  # when the source entered this state
    changed: datetime  # when the state or the reason last changed


class Store(Protocol):
    """The state every stage reads and the one writer of it (``apply``): SQLite or
    PostgreSQL (``feeds.store``; ``tests/test_store_contract.py`` holds both to these
    promises). Every method raises only ``StoreError`` for problems of the backend (a lock,
    a full disk, a lost server)."""

    # -- reads of a poll
    def has_items(self, source_id: str) -> bool: ...
    def known_keys(self, source_id: str, keys: Iterable[str]) -> set[str]: ...
    def listing_sigs(self, source_id: str, keys: Iterable[str]) -> dict[str, str | None]: ...
    def items(self, source_id: str, keys: Iterable[str]) -> dict[str, StoredItem]: ...
    def twins(self, source_id: str, items: Iterable[StoredItem]) -> dict[str, str]: ...
    def item_attempts(self, source_id: str, keys: Iterable[str]) -> dict[str, int]: ...
    def validators(self, source_id: str, url: str) -> tuple[str | None, str | None]: ...
    def last_listed(self, source_id: str) -> int | None: ...
    def backlog(self, source_id: str) -> int: ...

    # -- the one write of a poll: a plan, in one transaction
    def ensure_source(self, source_id: str, now: datetime) -> None: ...
    def apply(self, plan: PollPlan) -> None: ...

    # -- what feeds and status pages are built from
    def feed_items(self, source_id: str, limit: int) -> list[StoredItem]: ...
    def item(self, source_id: str, key: str) -> StoredItem | None: ...
    def source_created(self, source_id: str) -> datetime | None: ...
    def source_status(self, source_id: str) -> SourceStatus | None: ...
    def statuses(self) -> dict[str, SourceStatus]: ...
    def polled_sources(self) -> set[str]: ...
    def item_errors(self, source_id: str) -> list[ItemError]: ...

    # -- schedule and politeness, shared by the polls of a process (and across restarts)
    def next_runs(self) -> dict[str, datetime]: ...
    def next_run(self, source_id: str) -> datetime | None: ...
    def save_next_run(self, source_id: str, when: datetime) -> None: ...
    def host_holds(self, now: datetime) -> dict[str, datetime]: ...
    def save_host_hold(self, host: str, until: datetime) -> None: ...
    def robots_answers(self) -> dict[str, RobotsAnswer]: ...
    def save_robots(self, url: str, answer: RobotsAnswer) -> None: ...

    # -- issue 18: the WebSub hub's subscriptions and its queue (verifications, deliveries),
    # claimed for a while (``until``) so that two workers never take the same job
    def hub_request(self, intent: HubIntent) -> None: ...
    def hub_counts(self, topic: str, callback: str, now: datetime) -> HubCounts: ...
    def hub_claim_intents(self, now: datetime, until: datetime, limit: int) -> list[HubIntent]: ...
    def hub_verified(self, intent: HubIntent, now: datetime) -> None: ...
    def hub_forget(self, intent: HubIntent) -> None: ...
    def hub_subscriptions(self, now: datetime) -> list[Subscription]: ...
    def hub_queue(self, topics: Iterable[str], now: datetime) -> int: ...
    def hub_claim_deliveries(
        self, now: datetime, until: datetime, limit: int
    ) -> list[Delivery]: ...
    def hub_delivered(self, delivery: Delivery, now: datetime) -> None: ...
    def hub_retry(self, delivery: Delivery, due: datetime, error: str) -> None: ...
    def hub_drop(self, topic: str, callback: str) -> None: ...
    def hub_expire(self, now: datetime) -> int: ...
    # -- issue 18: a source's notice (its status item)
    def notice(self, source_id: str) -> Notice | None: ...
    def save_notice(self, source_id: str, notice: Notice | None) -> None: ...

    def close(self) -> None: ...


# --- what reading one new article gave ---------------------------------------------------


@dataclass(frozen=True)
class Built:
    """A listing entry made into an item (with its article page when one was read)."""

    listed: Listed
    item: StoredItem
    aliases: frozenset[str] = frozenset()  # other keys of the same article
    fetched: int = 0  # article pages fetched for it


@dataclass(frozen=True)
class Failed:
    """A listing entry whose article could not be read this time."""

    listed: Listed
    error: str
    fallback: StoredItem | None  # what its listing shows, published after enough failures
    fetched: int = 1


@dataclass(frozen=True)
class Facts:
    """What the store knows about a batch of outcomes, read just before it is planned."""

    known: frozenset[str] = frozenset()  # final keys already stored, as items or aliases
    twins: dict[str, str] = field(default_factory=dict)  # key -> stored item, same words
    attempts: dict[str, int] = field(default_factory=dict)  # failed key -> failures so far
    stored: dict[str, StoredItem] = field(default_factory=dict)  # reread key -> stored item
