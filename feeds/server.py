"""The HTTP face of the service: feeds, the index page, OPML, status, health and metrics.

Feeds are looked up by name in a table built from the configured sources (id × format), so
nothing a request says ever becomes a file path. Every answer is built from
``ServiceState``, read on each request, so a config reload shows up at once. Route functions
are plain ``def``: Starlette runs them on its thread pool, where reading the store (through
``state.views()``) and the feed files cannot stall the event loop.

A feed has up to six representations, each with its own ETag (RFC 9110 §8.8.3): the file as
it is, gzip and brotli (for clients that ask), and for a browser (a request that prefers
text/html) an HTML page made from the feed's JSON Feed file, again plain or compressed. All of
them are built once per version of the files (``FileCache``, ``PageCache``), never per request.
"""

from __future__ import annotations

import dataclasses
import errno
import gzip
import hashlib
import json
import logging
import os
import re
import stat
import threading
import xml.etree.ElementTree as ET
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

import brotli
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from feeds.pages import FEED_TYPES, PAGE_CSS, feed_page, index_page, rfc3339
from feeds.render import FORMATS, clean_text
from feeds.status import RefusedConfig, ServiceState, SourceView

log = logging.getLogger("feeds.server")

# Readers poll a feed no sooner than it can change: half the source's interval, within
# bounds (a minute so that proxies still help, an hour so a new item is never held back long).
MIN_MAX_AGE, MAX_MAX_AGE = 60, 3600
FILE_CACHE_ENTRIES = 256  # three per source; far more than any config holds

# Content codings we send, best first on a tie of the client's weights: brotli is smaller.
CODINGS = ("br", "gzip")
# Brotli's best quality costs ~0.5 s per MB: worth it for a feed of normal size, compressed
# once per version; a huge one gets a quicker quality.
BROTLI_BEST_UP_TO = 1024 * 1024

# HTML pages (the index, a feed in a browser): nothing but the server's own style sheet, and
# sandboxed (no scripts, forms or plugins, an opaque origin) so that a title from a remote
# site that ever slipped through escaping could still not run (Miniflux CVE-2023-27592).
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"
)
# Every other answer that does not set its own (feeds, error bodies, status, OPML, metrics).
DEFAULT_CSP = b"default-src 'none'; frame-ancestors 'none'; sandbox"
# Applied to every answer by _Guard.
ALWAYS_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
NO_STORE = {"Cache-Control": "no-store"}
STATIC_CACHE = {"Cache-Control": "public, max-age=3600"}
# A feed's answer depends on both: the browser page or the feed, compressed or not.
FEED_VARY = "Accept, Accept-Encoding"

# One entity-tag of an If-None-Match list; the group is the opaque tag, so a weak tag
# (W/"…") compares equal to our strong one, as RFC 9110's weak comparison requires.
_ENTITY_TAG = re.compile(r'(?:W/)?("[^"]*")')


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
    return rfc3339(value) if isinstance(value, datetime) else value


def status_document(
    views: list[SourceView], healthy: bool, refused: RefusedConfig | None = None
) -> dict[str, object]:
    sources = [
        {field.name: _json_value(getattr(view, field.name)) for field in dataclasses.fields(view)}
        for view in views
    ]
    config_refused = (
        None
        if refused is None
        else {"since": rfc3339(refused.since), "problems": list(refused.problems)}
    )
    return {"sources": sources, "healthy": healthy, "config_refused": config_refused}


# --- representations ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Body:
    data: bytes
    etag: str  # strong, quoted; differs per content coding


@dataclasses.dataclass(frozen=True)
class FeedFile:
    """One representation (a feed file, or a feed's browser page) and its compressed forms."""

    data: bytes
    etag: str  # strong: the bytes' sha256, quoted
    mtime: int  # whole seconds, as Last-Modified carries them
    encoded: Mapping[str, Body] = dataclasses.field(default_factory=dict)  # coding -> body

    def body(self, coding: str | None) -> Body:
        return self.encoded[coding] if coding else Body(self.data, self.etag)


def represent(data: bytes, mtime: int) -> FeedFile:
    """``data`` with its ETag, gzipped and brotli-compressed (each kept only when smaller)."""
    digest = hashlib.sha256(data).hexdigest()[:32]
    quality = 11 if len(data) <= BROTLI_BEST_UP_TO else 6
    compressed = {
        # mtime=0: the same bytes give the same gzip bytes, so the ETag says the truth.
        "gzip": gzip.compress(data, compresslevel=9, mtime=0),
        "br": brotli.compress(data, quality=quality),
    }
    encoded = {
        coding: Body(packed, f'"{digest}-{coding}"')
        for coding, packed in compressed.items()
        if len(packed) < len(data)
    }
    return FeedFile(data, f'"{digest}"', mtime, encoded)


class FileCache:
    """Feed files by path, valid while the path's (mtime_ns, size) stays the same.

    ``publish`` replaces a feed by renaming a new file over it, so a stat tells whether the
    cached bytes are still the file's: a hot feed costs a stat, not a read, a hash and two
    compressions. The read goes through one open file (fstat + read), so the bytes and their
    stamp always belong together even when a rename happens in between. Keeping one entry per
    path bounds the cache by the number of feeds.

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
        feed = represent(data, opened.st_mtime_ns // 1_000_000_000)
        with self._lock:
            self.reads += 1
            self._entries[path] = ((opened.st_mtime_ns, opened.st_size), feed)
            self._entries.move_to_end(path)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return feed


class PageCache:
    """Browser pages of feeds by (source id, format), rebuilt only when what they are made
    from (the JSON Feed file's ETag, the feed's public address) changes."""

    def __init__(self, max_entries: int = FILE_CACHE_ENTRIES) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, str], tuple[tuple[str, str], FeedFile]] = (
            OrderedDict()
        )
        self._max_entries = max_entries
        self.builds = 0  # pages actually built, for tests

    def get(
        self, key: tuple[str, str], made_from: tuple[str, str], mtime: int, build: Callable[[], str]
    ) -> FeedFile:
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and hit[0] == made_from:
                self._entries.move_to_end(key)
                return hit[1]
        page = represent(build().encode("utf-8"), mtime)
        with self._lock:
            self.builds += 1
            self._entries[key] = (made_from, page)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return page


class NotAFile(FileNotFoundError):
    """The feed's name is taken by a symlink or a folder: answered as a missing feed."""


def _regular(found: os.stat_result, path: Path) -> os.stat_result:
    if not stat.S_ISREG(found.st_mode):
        raise NotAFile(f"{path}: not a regular file")
    return found


# --- negotiation and validators (pure) ------------------------------------------------------


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
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp())


def not_modified(headers: Headers, etag: str, mtime: int) -> bool:
    # If-None-Match wins when present (RFC 9110 §13.2.2): dates are only one-second exact.
    tags = headers.getlist("if-none-match")
    if tags:
        return etag_matches(", ".join(tags), etag)
    since = _http_date(headers.get("if-modified-since"))
    return since is not None and mtime <= since


def _weights(header: str) -> dict[str, float]:
    """Media ranges or codings of an Accept-style header with their q weights (the highest
    when one is listed twice)."""
    weights: dict[str, float] = {}
    for part in header.split(","):
        name, _, params = part.partition(";")
        name = name.strip().lower()
        if name:
            weights[name] = max(weights.get(name, 0.0), _quality(params))
    return weights


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
    weights = _weights(accept)
    html_q = weights.get("text/html", 0.0)
    for media in (feed_type, feed_type.split("/")[0] + "/*", "*/*"):
        if media in weights:
            return html_q > weights[media]
    return html_q > 0.0


def pick_coding(accept_encoding: str, available: Collection[str]) -> str | None:
    """The content coding to send (None: the bytes as they are), per RFC 9110 §12.5.3.

    The client's best-weighted coding among ``available``, brotli before gzip on a tie;
    identity wins only when the client weighs it higher. No header: identity, as servers do.
    """
    weights = _weights(accept_encoding)
    if "x-gzip" in weights:  # RFC 9110 §8.4.1.3: the same as gzip
        weights["gzip"] = max(weights.get("gzip", 0.0), weights.pop("x-gzip"))
    star = weights.get("*")
    best, best_q = None, 0.0
    for coding in CODINGS:
        q = weights.get(coding, star if star is not None else 0.0)
        if coding in available and q > best_q:
            best, best_q = coding, q
    identity_q = weights.get("identity", 0.0 if star == 0.0 else 1.0)
    return best if best is not None and best_q >= identity_q else None


# --- feeds ----------------------------------------------------------------------------------


def _feed_table(intervals: dict[str, int]) -> dict[str, tuple[str, str, int]]:
    """``<id>.<format>`` -> (id, format, every): the only names /feeds/ answers to."""
    return {
        f"{source_id}.{fmt}": (source_id, fmt, every)
        for source_id, every in intervals.items()
        for fmt in FORMATS
    }


def _browser_page(
    state: ServiceState, files: FileCache, pages: PageCache, source_id: str, fmt: str
) -> FeedFile:
    """The feed as a page, made from its JSON Feed file (ours, so its items are the same as
    every format's) and nothing else: no database read for a feed request."""
    source = files.get(state.output_dir() / f"{source_id}.json")
    address = f"{state.base_url()}feeds/{source_id}.{fmt}"

    def build() -> str:
        return feed_page(source_id, fmt, json.loads(source.data), address)

    return pages.get((source_id, fmt), (source.etag, address), source.mtime, build)


def feed_response(
    request: Request, state: ServiceState, files: FileCache, pages: PageCache
) -> Response:
    # intervals(), not views(): a feed request must not cost a database read.
    found = _feed_table(state.intervals()).get(request.path_params["name"])
    if found is None:
        raise HTTPException(404)
    source_id, fmt, every = found
    browser = prefers_html(request.headers.get("accept", ""), FEED_TYPES[fmt])
    path = state.output_dir() / f"{source_id}.{fmt}"
    try:
        feed = _browser_page(state, files, pages, source_id, fmt) if browser else files.get(path)
    except FileNotFoundError as e:
        if isinstance(e, NotAFile):
            log.warning(
                "server: %s (a symlink?), not served "
                "(remove it: feeds writes its feeds as plain files)",
                e,
            )
        return PlainTextResponse("not generated yet: this feed has not been polled\n", 404)
    coding = pick_coding(request.headers.get("accept-encoding", ""), feed.encoded)
    body = feed.body(coding)
    headers = {
        "ETag": body.etag,
        "Last-Modified": formatdate(feed.mtime, usegmt=True),
        "Cache-Control": f"public, max-age={max_age(every)}",
        "Vary": FEED_VARY,
    }
    if browser:
        headers["Content-Security-Policy"] = PAGE_CSP  # on a 304 too: caches copy headers
    if not_modified(request.headers, body.etag, feed.mtime):
        return Response(status_code=304, headers=headers)
    if coding is not None:
        headers["Content-Encoding"] = coding
    media_type = "text/html" if browser else FEED_TYPES[fmt]
    return Response(body.data, headers=headers, media_type=f"{media_type}; charset=utf-8")


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

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [*message.get("headers", []), *ALWAYS_HEADERS]
                if not any(name.lower() == b"content-security-policy" for name, _ in headers):
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
    pages = PageCache()

    def index(request: Request) -> Response:
        page = index_page(state.views(), datetime.now(UTC), state.refused_config())
        headers = {"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-cache"}
        return Response(page, headers=headers, media_type="text/html; charset=utf-8")

    def style(request: Request) -> Response:
        return Response(PAGE_CSS, headers=STATIC_CACHE, media_type="text/css; charset=utf-8")

    def feed(request: Request) -> Response:
        return feed_response(request, state, files, pages)

    def feeds_opml(request: Request) -> Response:
        headers = {"Content-Disposition": 'attachment; filename="feeds.opml"', **NO_STORE}
        return Response(
            opml(state.views()), headers=headers, media_type="text/x-opml; charset=utf-8"
        )

    def status(request: Request) -> Response:
        document = status_document(state.views(), state.healthy(), state.refused_config())
        return JSONResponse(document, headers=NO_STORE)

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
        Route("/feeds.opml", feeds_opml),
        Route("/feeds/{name}", feed),
        Route("/status.json", status),
        Route("/healthz", healthz),
        Route("/metrics", metrics),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(_Guard)])
    app.state.files = files  # for tests: how often feed files were actually read
    app.state.pages = pages  # and browser pages built
    # A redirect from /feeds/x.rss/ would answer a path we do not serve; 404 is plainer.
    app.router.redirect_slashes = False
    return app
