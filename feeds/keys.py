"""Every config key, declared once: where it lives, its kind, default, bounds and a line of
documentation. The validator (``values``), the defaults, ``feeds config`` and the README test
all read this one registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from feeds import __version__
from feeds.models import HOST_CONCURRENCY, HOST_INTERVAL, MOBILE_HOSTS, MOBILE_PATHS

DEFAULT_USER_AGENT = (
    f"feeds/{__version__} (self-hosted feed generator; polls listing pages on a schedule)"
)


@dataclass(frozen=True)
class Key:
    """One config key: where it lives, what it holds, its default and what it is for."""

    table: str  # "settings", "source", "source.listing", "source.article", "source.identity"
    name: str
    kind: str  # "str", "int", "bool", "list", "url", "selector", "duration", "zone", ...
    default: Any
    doc: str
    required: bool = False
    # Bounds of a number (of seconds for a duration): beyond them a value is refused with the
    # bound and a fix, rather than overflow later in the scheduler, fetcher or store.
    low: int | None = None
    high: int | None = None

    @property
    def path(self) -> str:
        return f"{self.table}.{self.name}"


KEYS: tuple[Key, ...] = (
    Key("settings", "output_dir", "path", "public", "folder the feed files are written to"),
    Key("settings", "data_dir", "path", "data", "folder of the SQLite state (feeds.db)"),
    Key(
        "settings",
        "database",
        "database",
        None,
        "where the state lives: a file path, sqlite:///path or postgresql://user@host:5432/db "
        "(default: <data_dir>/feeds.db; the FEEDS_DATABASE variable overrides it)",
    ),
    Key(
        "settings",
        "base_url",
        "url",
        "http://localhost:8080/",
        "public address of the server, used in the feeds' self links",
    ),
    Key(
        "settings",
        "user_agent",
        "agent",
        DEFAULT_USER_AGENT,
        "User-Agent sent with every request; keep it honest",
    ),
    Key("settings", "timezone", "zone", "UTC", "time zone of dates that carry none"),
    # A request may take twice the timeout (fetch.py's deadline); an hour is already absurd,
    # and 1e308 seconds overflow the socket timeouts.
    Key("settings", "timeout", "seconds", 30.0, "seconds allowed for one request", high=3600),
    Key(
        "settings",
        "host_concurrency",
        "int",
        HOST_CONCURRENCY,
        "requests in flight at once to one host, shared by every source on it",
        low=1,
        high=32,
    ),
    Key(
        "settings",
        "host_interval",
        "interval",
        HOST_INTERVAL,
        "minimum seconds between the starts of two requests to one host (0 for none)",
        high=3600,
    ),
    Key(
        "settings",
        "heartbeat",
        "seconds",
        10.0,
        "seconds between the heartbeats of a `feeds run` on a PostgreSQL database; the polls "
        "of an instance silent for two are taken over by the others",
        low=1,
        high=600,
    ),
    Key(
        "settings",
        "allow_private_networks",
        "bool",
        False,
        "let links on pages reach loopback and private addresses (configured URLs always may)",
    ),
    Key(
        "settings",
        "websub",
        "bool",
        True,
        "`feeds run` is a WebSub hub at <base_url>hub: feeds name it and push new items "
        "to subscribed readers",
    ),
    Key(
        "settings",
        "websub_hubs",
        "urllist",
        [],
        "external WebSub hubs the feeds also name, pinged (hub.mode=publish) when one changes",
    ),
    Key(
        "settings",
        "websub_min_lease",
        "duration",
        "5m",
        "the shortest subscription the hub grants (leases: 1d unless asked, at most 10d)",
        low=1,
        high=86400,
    ),
    Key(
        "settings",
        "browser",
        "path",
        "chromium",
        'the Chromium that renders sources with render = "browser": a path, or a command '
        "looked up on the PATH (Debian's /usr/bin/chromium)",
    ),
    Key(
        "settings",
        "browser_pages",
        "int",
        2,
        "pages the browser renders at once, for all sources (each also within host_concurrency)",
        low=1,
        high=16,
    ),
    Key(
        "settings",
        "browser_timeout",
        "seconds",
        30.0,
        "seconds allowed to render one page, its requests, waiting and load more included",
        high=600,
    ),
    Key(
        "settings",
        "browser_recycle",
        "int",
        100,
        "the browser is restarted after rendering this many pages",
        low=1,
        high=100_000,
    ),
    Key(
        "settings",
        "browser_memory",
        "int",
        1024,
        "MB: the browser is restarted when its processes hold more than this",
        low=64,
        high=65536,
    ),
    Key("source", "id", "id", None, "[a-z0-9-]+; names the feed files", required=True),
    Key("source", "title", "str", None, "feed title (default: the id)"),
    Key("source", "url", "url", None, "the listing page to poll (or `urls`)"),
    Key("source", "urls", "urls", None, "several listing pages merged into one feed"),
    # Poll slots are datetimes: far beyond a year they leave datetime's range.
    Key(
        "source",
        "every",
        "duration",
        "30m",
        "poll interval: 90s, 30m, 2h, 1d, 1h30m",
        low=1,
        high=365 * 86400,
    ),
    Key(
        "source",
        "cron",
        "cron",
        None,
        "crontab schedule instead of every, e.g. '*/30 * * * *' (in the source's time zone)",
    ),
    Key("source", "timezone", "zone", None, "time zone of the site's dates (default: settings)"),
    # Every reader downloads the whole feed; SQLite integers end at 2**63.
    Key(
        "source", "keep", "int", 50, "how many items the published feed carries", low=1, high=10_000
    ),
    Key(
        "source",
        "max_pages",
        "int",
        1,
        "listing pages followed on each poll (listing.next, or the detected pager)",
        low=1,
        high=1000,
    ),
    Key(
        "source",
        "backfill_pages",
        "int",
        None,
        "listing pages followed on the first poll (default: max_pages)",
        low=1,
        high=1000,
    ),
    Key(
        "source",
        "max_articles",
        "int",
        50,
        "new article pages read per poll, newest first; the rest on the next polls",
        low=1,
        high=10000,
    ),
    Key(
        "source",
        "max_content_kb",
        "int",
        256,
        "an item's content is cut (after a whole element, with a link to the page) above this",
        low=1,
        high=10240,
    ),
    Key(
        "source",
        "include",
        "terms",
        [],
        "keep an item when any term matches title, summary or content; 're:' for a regex",
    ),
    Key("source", "exclude", "terms", [], "drop an item when any term matches"),
    Key(
        "source",
        "full_text",
        "bool",
        True,
        "fetch each new article page (false: the feed carries what the listing shows)",
    ),
    Key(
        "source",
        "encoding",
        "encoding",
        None,
        "force the pages' character encoding when the site declares it wrong",
    ),
    Key("source", "language", "str", None, "language of the feed, e.g. zh-CN"),
    Key(
        "source",
        "allow_hosts",
        "hosts",
        [],
        "other hosts (and their subdomains) the source's links may be fetched from",
    ),
    Key(
        "source",
        "robots",
        "bool",
        True,
        "obey the site's robots.txt; turn off only for a site you run",
    ),
    Key(
        "source",
        "on_error",
        "on_error",
        "status",
        '"status": failures show on the status page; "item": also as one item in the feed',
    ),
    Key(
        "source",
        "render",
        "render",
        "static",
        '"static": pages as served; "browser": listing pages rendered by headless Chromium '
        "(pages that build their list with JavaScript; needs feeds[browser])",
    ),
    Key(
        "source",
        "render_articles",
        "bool",
        False,
        'with render = "browser", article pages are rendered too',
    ),
    Key(
        "source",
        "wait_for",
        "selector",
        None,
        "a rendered page is ready when this matches (default: listing.item, else the "
        "network going quiet)",
    ),
    Key(
        "source",
        "load_more",
        "selector",
        None,
        'the "load more" button of a rendered listing, clicked up to max_pages - 1 times '
        "(default: a button that says so, else scrolling)",
    ),
    Key(
        "source.listing",
        "item",
        "selector",
        None,
        "CSS selector of one item on a listing page",
        required=True,
    ),
    Key("source.listing", "link", "selector", None, "the item's link (default: first a[href])"),
    Key(
        "source.listing",
        "title",
        "selector",
        None,
        "the item's title (default: the link's title attribute or text)",
    ),
    Key("source.listing", "date", "selector", None, "the item's date"),
    Key("source.listing", "summary", "selector", None, "the item's summary"),
    Key("source.listing", "next", "selector", None, "link to the next listing page"),
    Key("source.article", "title", "selector", None, "title on the article page"),
    Key("source.article", "date", "selector", None, "date on the article page (labels stripped)"),
    Key(
        "source.article",
        "author",
        "selector",
        None,
        "author on the article page ('作者：qeexh' -> 'qeexh')",
    ),
    Key("source.article", "summary", "selector", None, "summary ('核心提示：' stripped)"),
    Key(
        "source.article",
        "content",
        "selector",
        None,
        "main content (default: automatic main-content extraction)",
    ),
    Key("source.article", "remove", "selectors", [], "selectors removed from the content"),
    Key(
        "source.identity",
        "mobile_hosts",
        "strlist",
        list(MOBILE_HOSTS),
        "host prefixes of mobile variants, folded into the desktop host",
    ),
    Key(
        "source.identity",
        "mobile_paths",
        "strlist",
        list(MOBILE_PATHS),
        "path prefixes of mobile variants, folded into the desktop path",
    ),
    Key(
        "source.identity",
        "drop_params",
        "strlist",
        [],
        "query parameters removed from article URLs besides the tracking ones",
    ),
)

TABLES = ("settings", "source", "source.listing", "source.article", "source.identity")


def default(path: str) -> Any:
    """The default of a key, from KEYS: defaults live there and nowhere else."""
    return next(key.default for key in KEYS if key.path == path)
