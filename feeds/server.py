"""The HTTP face of the service: feeds, the index page, OPML, status, health and metrics.

Feeds are looked up by name in a table built from the configured sources (id × format), so
nothing a request says ever becomes a file path. Every answer is built from
``ServiceState``, read on each request, so a config reload shows up at once. Route functions
are plain ``def``: Starlette runs them on its thread pool, where reading the store (through
``state.views()``) and the feed files cannot stall the event loop.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import html
import logging
import os
import re
import stat
import threading
import xml.etree.ElementTree as ET
from collections import OrderedDict
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from feeds.render import FORMATS, clean_text
from feeds.status import ServiceState, SourceView

log = logging.getLogger("feeds.server")

FEED_TYPES = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}
FORMAT_LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}
# Chromium shows application/rss+xml and application/atom+xml as plain text and never runs
# their stylesheet (and offers application/feed+json as a download), but applies the
# stylesheet to application/xml. So a browser opening a feed (one that prefers text/html
# to the feed's type) gets the same bytes as one of these; readers get FEED_TYPES.
BROWSER_TYPES = {"rss": "application/xml", "atom": "application/xml", "json": "application/json"}

# Readers poll a feed no sooner than it can change: half the source's interval, within
# bounds (a minute so that proxies still help, an hour so a new item is never held back long).
MIN_MAX_AGE, MAX_MAX_AGE = 60, 3600
FILE_CACHE_ENTRIES = 256  # three per source; far more than any config holds

# The index page: nothing but its own style sheet, and sandboxed (no scripts, forms or
# plugins, an opaque origin) so that a title from a remote site that ever slipped through
# escaping could still not run (Miniflux CVE-2023-27592).
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"
)
# Every other answer that does not set its own (error bodies, status, OPML, metrics), except
# feeds: a browser turns those into a page with feeds.xsl, which a sandbox (an opaque origin:
# the style sheet becomes cross-origin) or any script-src (XSLT counts as script, and
# Chromium's own notice on XSLT pages runs inline handlers) would break. Feeds carry only
# escaped text, served with nosniff.
DEFAULT_CSP = b"default-src 'none'; frame-ancestors 'none'; sandbox"
# Applied to every answer by _Guard.
ALWAYS_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
NO_STORE = {"Cache-Control": "no-store"}
STATIC_CACHE = {"Cache-Control": "public, max-age=3600"}

STATE_WORDS = {
    "ok": "ok",
    "degraded": "degraded",
    "failing": "failing",
    "pending": "waiting for its first poll",
}

# One entity-tag of an If-None-Match list; the group is the opaque tag, so a weak tag
# (W/"…") compares equal to our strong one, as RFC 9110's weak comparison requires.
_ENTITY_TAG = re.compile(r'(?:W/)?("[^"]*")')

# Shared by the index page and by the feed pages that feeds.xsl builds (as ../style.css).
PAGE_CSS = """\
:root { color-scheme: light dark; --muted: #5f6368; --line: #d0d4d9; --bad: #b3261e;
  --ok: #18794e; --link: #0b57d0; }
@media (prefers-color-scheme: dark) {
  :root { --muted: #a8adb4; --line: #3c4043; --bad: #f28b82; --ok: #81c995; --link: #8ab4f8; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 48rem; padding: 1rem;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
a { color: var(--link); }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 0 0 .5rem; }
h1, h2, dd, code, .error { overflow-wrap: anywhere; }
header p, footer { color: var(--muted); }
.feed { border: 1px solid var(--line); border-radius: .6rem; padding: .8rem 1rem; margin: 1rem 0; }
.subscribe { display: flex; flex-wrap: wrap; gap: .5rem; margin: .5rem 0 .75rem; padding: 0; }
.subscribe a { display: inline-block; border: 1px solid currentColor; border-radius: 1rem;
  padding: .1rem .8rem; text-decoration: none; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; }
.ok { color: var(--ok); }
.failing, .error { color: var(--bad); }
.error { margin: .75rem 0 0; white-space: pre-wrap; }
.notice { border-left: 4px solid var(--link); padding: .5rem .75rem; color: inherit; }
.items { padding-left: 1.5rem; }
.items li { margin: .6rem 0; }
time { color: var(--muted); white-space: nowrap; }
@media (max-width: 32rem) {
  body { padding: .75rem; }
  dl { grid-template-columns: 1fr; }
  dd { margin-bottom: .4rem; }
}
"""

# Turns an RSS 2.0 or Atom 1.0 feed of ours into a page when a browser opens it (the feeds
# link it with <?xml-stylesheet?>; readers ignore it). XSLT 1.0, the version browsers run;
# Atom elements are matched by namespace, RSS 2.0 ones have none. Item links are only made
# links when they are http(s), since they come from remote pages.
FEEDS_XSL = """\
<?xml version="1.0" encoding="UTF-8"?>
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:template match="/">
    <html>
      <xsl:variable name="lang" select="rss/channel/language | atom:feed/@xml:lang"/>
      <xsl:if test="$lang">
        <xsl:attribute name="lang"><xsl:value-of select="$lang"/></xsl:attribute>
      </xsl:if>
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="rss/channel/title | atom:feed/atom:title"/></title>
        <link rel="stylesheet" href="../style.css"/>
      </head>
      <body>
        <xsl:apply-templates select="rss/channel | atom:feed"/>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="channel">
    <xsl:call-template name="heading">
      <xsl:with-param name="title" select="title"/>
      <xsl:with-param name="home" select="link"/>
      <xsl:with-param name="address" select="atom:link[@rel='self']/@href"/>
    </xsl:call-template>
    <ol class="items">
      <xsl:for-each select="item">
        <xsl:call-template name="item">
          <xsl:with-param name="title" select="title"/>
          <xsl:with-param name="link" select="link"/>
          <!-- "Fri, 06 Dec 2024 09:30:00 +0800" shows as "06 Dec 2024 09:30" -->
          <xsl:with-param name="date" select="substring(pubDate, 6, 17)"/>
        </xsl:call-template>
      </xsl:for-each>
    </ol>
    <xsl:if test="not(item)"><p>No items yet.</p></xsl:if>
  </xsl:template>

  <xsl:template match="atom:feed">
    <xsl:call-template name="heading">
      <xsl:with-param name="title" select="atom:title"/>
      <xsl:with-param name="home" select="atom:link[@rel='alternate'][1]/@href"/>
      <xsl:with-param name="address" select="atom:link[@rel='self']/@href"/>
    </xsl:call-template>
    <ol class="items">
      <xsl:for-each select="atom:entry">
        <!-- published, or updated when an entry has no published date -->
        <xsl:variable name="when" select="atom:published | atom:updated[not(../atom:published)]"/>
        <xsl:call-template name="item">
          <xsl:with-param name="title" select="atom:title"/>
          <xsl:with-param name="link" select="atom:link[@rel='alternate' or not(@rel)][1]/@href"/>
          <!-- "2024-12-06T09:30:00+08:00" shows as "2024-12-06 09:30" -->
          <xsl:with-param name="date"
              select="concat(substring($when, 1, 10), ' ', substring($when, 12, 5))"/>
        </xsl:call-template>
      </xsl:for-each>
    </ol>
    <xsl:if test="not(atom:entry)"><p>No items yet.</p></xsl:if>
  </xsl:template>

  <xsl:template name="heading">
    <xsl:param name="title"/>
    <xsl:param name="home"/>
    <xsl:param name="address"/>
    <header>
      <h1><xsl:value-of select="$title"/></h1>
      <p class="notice">This is a feed: copy its address into your reader to subscribe.
        <xsl:if test="$address"><br/><code><xsl:value-of select="$address"/></code></xsl:if>
      </p>
      <p>
        <xsl:if test="starts-with($home, 'http://') or starts-with($home, 'https://')">
          <a href="{$home}">Website</a><xsl:text> · </xsl:text>
        </xsl:if>
        <a href="../">All feeds</a>
      </p>
    </header>
  </xsl:template>

  <xsl:template name="item">
    <xsl:param name="title"/>
    <xsl:param name="link"/>
    <xsl:param name="date"/>
    <li>
      <xsl:choose>
        <xsl:when test="starts-with($link, 'http://') or starts-with($link, 'https://')">
          <a href="{$link}"><xsl:value-of select="$title"/></a>
        </xsl:when>
        <xsl:otherwise><xsl:value-of select="$title"/></xsl:otherwise>
      </xsl:choose>
      <xsl:if test="normalize-space($date)">
        <br/><time><xsl:value-of select="$date"/></time>
      </xsl:if>
    </li>
  </xsl:template>
</xsl:stylesheet>
"""

# The index page; {…} are filled by _html, which escapes every value.
PAGE_TEMPLATE = """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Feeds</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="style.css">
{alternates}</head>
<body>
<header>
<h1>Feeds</h1>
<p>{summary} Subscribe to one below, or import <a href="feeds.opml">all of them (OPML)</a>.</p>
</header>
<main>
{cards}</main>
<footer><p>Machine-readable state: <a href="status.json">status.json</a>.</p></footer>
</body>
</html>
"""


# --- HTML helpers ---------------------------------------------------------------------------


class _Html(str):
    """Text that is already HTML: ``_html`` inserts it as it is."""


def _html(template: str, **values: object) -> _Html:
    """``template`` with its ``{name}`` fields filled, every value escaped unless ``_Html``.

    Titles and errors come from remote sites: escaping by default means a forgotten call
    shows markup as text instead of running it.
    """
    escaped = {
        name: value if isinstance(value, _Html) else html.escape(str(value))
        for name, value in values.items()
    }
    return _Html(template.format(**escaped))


def _join(parts: Iterable[_Html]) -> _Html:
    return _Html("".join(parts))


def _web_url(url: str) -> str | None:
    # Only http(s) addresses become links: a javascript: URL would run in our page.
    return url if urlsplit(url).scheme in ("http", "https") else None


def _feed_href(view: SourceView, fmt: str) -> str:
    # Relative, so the page works behind a reverse proxy that adds a path prefix.
    return f"feeds/{quote(view.id)}.{fmt}"


# --- times ----------------------------------------------------------------------------------


def _aware(value: datetime) -> datetime:
    # The store and the scheduler hand out aware datetimes; a naive one can only be UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _rfc3339(value: datetime) -> str:
    return _aware(value).isoformat(timespec="seconds")


def _span(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes and hours < 6 else f"{hours} h"
    return f"{hours // 24} days"


def since_words(when: datetime, now: datetime) -> str:
    """``when`` (in the past) in words: "just now", "12 min ago", "3 days ago"."""
    seconds = (now - _aware(when)).total_seconds()
    return "just now" if seconds < 60 else f"{_span(seconds)} ago"


def until_words(when: datetime, now: datetime) -> str:
    """``when`` (in the future) in words: "in 12 min"; "due now" once it has passed."""
    seconds = (_aware(when) - now).total_seconds()
    if seconds <= 0:
        return "due now"
    return "in under a minute" if seconds < 60 else f"in {_span(seconds)}"


def _time(when: datetime | None, words: str) -> _Html:
    if when is None:
        return _html("{words}", words=words)
    absolute = _aware(when).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return _html(
        '<time datetime="{iso}" title="{absolute}">{words}</time>',
        iso=_rfc3339(when),
        absolute=absolute,
        words=words,
    )


# --- the index page -------------------------------------------------------------------------


def _alternates(view: SourceView) -> _Html:
    return _join(
        _html(
            '<link rel="alternate" type="{type}" title="{title}" href="{href}">\n',
            type=FEED_TYPES[fmt],
            title=f"{view.title} ({FORMAT_LABELS[fmt]})",
            href=_feed_href(view, fmt),
        )
        for fmt in FORMATS
    )


def _state(view: SourceView) -> _Html:
    words = STATE_WORDS.get(view.state, view.state)
    if view.state == "failing":
        plural = "s" if view.consecutive_failures != 1 else ""
        words += f" ({view.consecutive_failures} failed poll{plural} in a row)"
    return _html('<span class="{cls}">{words}</span>', cls=view.state, words=words)


def _card(view: SourceView, now: datetime) -> _Html:
    links = _join(
        _html(
            '<a href="{href}" type="{type}">{label}</a>',
            href=_feed_href(view, fmt),
            type=FEED_TYPES[fmt],
            label=FORMAT_LABELS[fmt],
        )
        for fmt in FORMATS
    )
    home = _web_url(view.home_url)
    site = _html('<a href="{h}">{h}</a>', h=home) if home else _html("{u}", u=view.home_url)
    last = since_words(view.last_success, now) if view.last_success else "never"
    nxt = until_words(view.next_poll, now) if view.next_poll else "not scheduled"
    error = (
        _html('<p class="error">Last error: {e}</p>', e=view.last_error)
        if view.last_error
        else _Html("")
    )
    if view.degraded:
        error = _html('<p class="error">Needs attention: {d}</p>{e}', d=view.degraded, e=error)
    return _html(
        '<article class="feed" id="feed-{id}">\n<h2>{title}</h2>\n'
        '<p class="subscribe">{links}</p>\n<dl>\n'
        "<dt>Website</dt><dd>{site}</dd>\n<dt>State</dt><dd>{state}</dd>\n"
        "<dt>Last success</dt><dd>{last}</dd>\n<dt>Next poll</dt><dd>{next}</dd>\n"
        "<dt>Items</dt><dd>{items} published</dd>\n</dl>\n{error}</article>\n",
        id=view.id,
        title=view.title,
        links=links,
        site=site,
        state=_state(view),
        last=_time(view.last_success, last),
        next=_time(view.next_poll, nxt),
        items=view.items_published,
        error=error,
    )


def index_page(views: list[SourceView], now: datetime) -> str:
    count = len(views)
    return _html(
        PAGE_TEMPLATE,
        alternates=_join(_alternates(v) for v in views),
        summary=f"{count} feed{'s' if count != 1 else ''}.",
        cards=_join(_card(v, now) for v in views) or _Html("<p>No sources are configured.</p>\n"),
    )


# --- OPML and status ------------------------------------------------------------------------


def opml(views: list[SourceView]) -> bytes:
    """OPML 2.0 listing every feed by its RSS address; ElementTree does the escaping."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "Feeds"
    body = ET.SubElement(root, "body")
    for view in views:
        # clean_text: characters XML cannot carry would make the whole file unreadable.
        title = clean_text(view.title)
        ET.SubElement(
            body,
            "outline",
            type="rss",
            version="RSS2",
            text=title,
            title=title,
            xmlUrl=clean_text(view.feed_urls["rss"]),
            htmlUrl=clean_text(view.home_url),
        )
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _json_value(value: object) -> object:
    return _rfc3339(value) if isinstance(value, datetime) else value


def status_document(views: list[SourceView], healthy: bool) -> dict[str, object]:
    sources = [
        {field.name: _json_value(getattr(view, field.name)) for field in dataclasses.fields(view)}
        for view in views
    ]
    return {"sources": sources, "healthy": healthy}


# --- feed files -----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FeedFile:
    data: bytes
    etag: str  # strong: the bytes' sha256, quoted
    mtime: int  # whole seconds, as Last-Modified carries them


class FileCache:
    """Feed files by path, valid while the path's (mtime_ns, size) stays the same.

    ``publish`` replaces a feed by renaming a new file over it, so a stat tells whether the
    cached bytes are still the file's: a hot feed costs a stat, not a read and a hash. The
    read goes through one open file (fstat + read), so the bytes and their stamp always
    belong together even when a rename happens in between. Keeping one entry per path bounds
    the cache by the number of feeds.

    Only regular files are served, never through a symlink: ``publish`` always writes real
    files, so a link in the output folder was put there by someone else and may point
    anywhere (aiohttp CVE-2024-23334 served files outside the root through one).
    """

    def __init__(self, max_entries: int = FILE_CACHE_ENTRIES) -> None:
        self._lock = threading.Lock()  # route functions run on several threads
        self._entries: OrderedDict[Path, tuple[tuple[int, int], FeedFile]] = OrderedDict()
        self._max_entries = max_entries
        self.reads = 0  # files actually read, for tests

    def get(self, path: Path) -> FeedFile:
        """The file's bytes; FileNotFoundError when it does not exist or is not a regular
        file (a symlink, a folder)."""
        found = _regular(os.lstat(path), path)
        stamp = (found.st_mtime_ns, found.st_size)
        with self._lock:
            hit = self._entries.get(path)
            if hit is not None and hit[0] == stamp:
                self._entries.move_to_end(path)
                return hit[1]
        try:
            # O_NOFOLLOW: a link swapped in after the lstat fails here (ELOOP) rather than
            # being read.
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0))
        except OSError as e:
            if e.errno != errno.ELOOP:
                raise  # gone (FileNotFoundError) or unreadable: not our call to hide
            raise NotAFile(f"{path}: a symlink") from e
        with os.fdopen(fd, "rb") as handle:
            opened = _regular(os.fstat(handle.fileno()), path)
            data = handle.read()
        digest = hashlib.sha256(data).hexdigest()[:32]
        feed = FeedFile(data, f'"{digest}"', opened.st_mtime_ns // 1_000_000_000)
        with self._lock:
            self.reads += 1
            self._entries[path] = ((opened.st_mtime_ns, opened.st_size), feed)
            self._entries.move_to_end(path)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return feed


class NotAFile(FileNotFoundError):
    """The feed's name is taken by a symlink or a folder: answered as a missing feed."""


def _regular(found: os.stat_result, path: Path) -> os.stat_result:
    if not stat.S_ISREG(found.st_mode):
        raise NotAFile(f"{path}: not a regular file")
    return found


def max_age(every: int) -> int:
    return max(MIN_MAX_AGE, min(every // 2, MAX_MAX_AGE))


def etag_matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 If-None-Match: ``*`` or any listed tag equal under weak comparison."""
    if if_none_match.strip() == "*":
        return True  # the feed exists, which is all "*" asks
    return etag in _ENTITY_TAG.findall(if_none_match)


def _http_date(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # RFC 9110: an invalid date means the header is ignored
    return int(_aware(when).timestamp())


def not_modified(headers: Headers, feed: FeedFile) -> bool:
    # If-None-Match wins when present (RFC 9110 §13.2.2): dates are only one-second exact.
    tags = headers.getlist("if-none-match")
    if tags:
        return etag_matches(", ".join(tags), feed.etag)
    since = _http_date(headers.get("if-modified-since"))
    return since is not None and feed.mtime <= since


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0


def prefers_html(accept: str, feed_type: str) -> bool:
    """Whether an Accept header ranks text/html above ``feed_type``: a browser's navigation.

    The feed type's weight comes from its most specific range (``application/rss+xml``,
    then ``application/*``, then ``*/*``), as RFC 9110 asks. Readers that accept HTML too
    (for autodiscovery) still rank the feed types higher, so they keep getting those.
    """
    ranges = {feed_type: 2, feed_type.split("/")[0] + "/*": 1, "*/*": 0}
    html_q, feed_rank, feed_q = 0.0, -1, 0.0
    for part in accept.split(","):
        media, _, params = part.partition(";")
        media, q = media.strip().lower(), _quality(params)
        if media == "text/html":
            html_q = max(html_q, q)
        elif ranges.get(media, -1) > feed_rank:
            feed_rank, feed_q = ranges[media], q
        elif ranges.get(media, -1) == feed_rank:
            feed_q = max(feed_q, q)
    return html_q > feed_q


def _feed_table(intervals: dict[str, int]) -> dict[str, tuple[str, str, int]]:
    """``<id>.<format>`` -> (id, format, every): the only names /feeds/ answers to."""
    return {
        f"{source_id}.{fmt}": (source_id, fmt, every)
        for source_id, every in intervals.items()
        for fmt in FORMATS
    }


def feed_response(request: Request, state: ServiceState, files: FileCache) -> Response:
    # intervals(), not views(): a feed request must not cost a database read.
    found = _feed_table(state.intervals()).get(request.path_params["name"])
    if found is None:
        raise HTTPException(404)
    source_id, fmt, every = found
    path = state.output_dir() / f"{source_id}.{fmt}"
    try:
        feed = files.get(path)
    except FileNotFoundError as e:
        if isinstance(e, NotAFile):
            log.warning(
                "server: %s is not a regular file (a symlink?), not served "
                "(remove it: feeds writes its feeds as plain files)",
                path,
            )
        return PlainTextResponse("not generated yet: this feed has not been polled\n", 404)
    headers = {
        "ETag": feed.etag,  # the same for both types: the bytes are the same
        "Last-Modified": formatdate(feed.mtime, usegmt=True),
        "Cache-Control": f"public, max-age={max_age(every)}",
        "Vary": "Accept",
    }
    if not_modified(request.headers, feed):
        return Response(status_code=304, headers=headers)
    browser = prefers_html(request.headers.get("accept", ""), FEED_TYPES[fmt])
    media_type = BROWSER_TYPES[fmt] if browser else FEED_TYPES[fmt]
    return Response(feed.data, headers=headers, media_type=f"{media_type}; charset=utf-8")


# --- the app --------------------------------------------------------------------------------


class _Guard:
    """Outermost layer: the headers every answer carries, no body for HEAD, and a short
    static 500 for any exception, logged here so that no traceback reaches a client."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        head = scope["method"] == "HEAD"
        feed_path = scope["path"].startswith("/feeds/")

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [*message.get("headers", []), *ALWAYS_HEADERS]
                # A 304 counts too: a cache copies its headers onto the stored feed.
                is_feed = feed_path and message["status"] in (200, 304)
                has_csp = any(name.lower() == b"content-security-policy" for name, _ in headers)
                if not (is_feed or has_csp):
                    headers.append((b"content-security-policy", DEFAULT_CSP))
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and head:
                # Content-Length still tells the size; some servers would send the body.
                message = {**message, "body": b""}
            await send(message)

        try:
            await self.app(scope, receive, guarded_send)
        except Exception:
            if started:
                raise  # too late for a 500; the server closes the connection
            log.exception("server: %s %r failed", scope["method"], scope["path"])
            await PlainTextResponse("internal server error\n", 500)(scope, receive, guarded_send)


def create_app(state: ServiceState) -> Starlette:
    files = FileCache()

    def index(request: Request) -> Response:
        page = index_page(state.views(), datetime.now(UTC))
        headers = {"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-cache"}
        return Response(page, headers=headers, media_type="text/html; charset=utf-8")

    def style(request: Request) -> Response:
        return Response(PAGE_CSS, headers=STATIC_CACHE, media_type="text/css; charset=utf-8")

    def stylesheet(request: Request) -> Response:
        return Response(FEEDS_XSL, headers=STATIC_CACHE, media_type="text/xsl; charset=utf-8")

    def feed(request: Request) -> Response:
        return feed_response(request, state, files)

    def feeds_opml(request: Request) -> Response:
        headers = {"Content-Disposition": 'attachment; filename="feeds.opml"', **NO_STORE}
        return Response(
            opml(state.views()), headers=headers, media_type="text/x-opml; charset=utf-8"
        )

    def status(request: Request) -> Response:
        return JSONResponse(status_document(state.views(), state.healthy()), headers=NO_STORE)

    def healthz(request: Request) -> Response:
        if state.healthy():
            return PlainTextResponse("ok\n", headers=NO_STORE)
        return PlainTextResponse("stopped\n", 503, headers=NO_STORE)

    def metrics(request: Request) -> Response:
        content_type = "text/plain; version=0.0.4; charset=utf-8"
        return Response(state.metrics_text(), headers=NO_STORE, media_type=content_type)

    routes = [
        Route("/", index),
        Route("/style.css", style),
        Route("/feeds.xsl", stylesheet),
        Route("/feeds.opml", feeds_opml),
        Route("/feeds/{name}", feed),
        Route("/status.json", status),
        Route("/healthz", healthz),
        Route("/metrics", metrics),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(_Guard)])
    app.state.files = files  # for tests: how often feed files were actually read
    # A redirect from /feeds/x.rss/ would answer a path we do not serve; 404 is plainer.
    app.router.redirect_slashes = False
    return app
