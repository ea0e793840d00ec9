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
import json
import logging
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from feeds.feedfiles import FeedFile, FileCache, NotAFile, PageCache
from feeds.formats import FORMATS, REGISTRY
from feeds.negotiate import max_age, not_modified, pick_coding, prefers_html
from feeds.pages import PAGE_CSS, feed_page, index_page, rfc3339
from feeds.render import clean_text
from feeds.status import HubFace, InstanceView, RefusedConfig, ServiceState, SourceView
from feeds.websub import HUB_PATH, REQUEST_BYTES

log = logging.getLogger("feeds.server")

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


def _json_fields(view: SourceView | InstanceView) -> dict[str, object]:
    return {
        field.name: _json_value(getattr(view, field.name)) for field in dataclasses.fields(view)
    }


def status_document(
    views: list[SourceView],
    healthy: bool,
    refused: RefusedConfig | None = None,
    instances: list[InstanceView] | None = None,
) -> dict[str, object]:
    sources = [_json_fields(view) for view in views]
    config_refused = (
        None
        if refused is None
        else {"since": rfc3339(refused.since), "problems": list(refused.problems)}
    )
    document: dict[str, object] = {
        "sources": sources,
        "healthy": healthy,
        "config_refused": config_refused,
    }
    if instances:  # several instances on one database (issue 16)
        document["instances"] = [_json_fields(row) for row in instances]
        document["configs_differ"] = not all(row.same_config for row in instances)
    return document


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
    request: Request,
    state: ServiceState,
    files: FileCache,
    pages: PageCache,
    hub: HubFace | None = None,
) -> Response:
    # intervals(), not views(): a feed request must not cost a database read.
    found = _feed_table(state.intervals()).get(request.path_params["name"])
    if found is None:
        raise HTTPException(404)
    source_id, fmt, every = found
    browser = prefers_html(request.headers.get("accept", ""), REGISTRY[fmt].media_type)
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
    links = hub.links(source_id, fmt) if hub is not None else None
    if links:
        headers["Link"] = links  # WebSub discovery (§4): the hubs and the topic's own URL
    if browser:
        headers["Content-Security-Policy"] = PAGE_CSP  # on a 304 too: caches copy headers
    conditions = request.headers.getlist("if-none-match"), request.headers.get("if-modified-since")
    if not_modified(*conditions, body.etag, feed.mtime):
        return Response(status_code=304, headers=headers)
    if coding is not None:
        headers["Content-Encoding"] = coding
    media_type = "text/html" if browser else REGISTRY[fmt].media_type
    return Response(body.data, headers=headers, media_type=f"{media_type}; charset=utf-8")


# --- the feed route's fast path -------------------------------------------------------------

RawHeaders = list[tuple[bytes, bytes]]
# A made answer: status, headers, body (empty for a 304).
Answer = tuple[int, RawHeaders, bytes]
ANSWERS_KEPT = 1024  # made answers kept (a few per feed); all dropped when there are more
KEPT_HEAD_BYTES = 2048  # a request whose headers are longer is answered, not remembered


class FeedFront:
    """GET and HEAD of /feeds/<id>.<ext> answered from memory, in front of Starlette.

    A reader's request for a feed whose bytes are in ``files`` and still the file's (one
    lstat, ``FileCache.cached``) is answered here on the event loop, 200 or 304: no routing,
    middleware, thread-pool hop or Response object per request (issue 19: they were most of
    its cost). The headers are those ``feed_response`` and ``_Guard`` give, made once per
    (version of the file, coding, interval, Link header) and kept. Everything else, a
    browser's page, a file not read yet or changed on disk, a missing feed, an unknown name,
    any error, goes on to the app, which answers it as before and fills the cache.
    """

    def __init__(self, state: ServiceState, files: FileCache, hub: HubFace | None) -> None:
        self._state, self._files, self._hub = state, files, hub
        self._answers: dict[tuple[object, ...], tuple[FeedFile, Answer, Answer]] = {}
        # Each feed's path, made once: building a Path per request cost as much as the lstat.
        self._paths: dict[tuple[Path, str], Path] = {}
        # The answer to a request path and headers seen before, with what it was made from:
        # a reader asks again with the same headers, and then only those inputs are looked
        # at again (the folder, the interval, the file's lstat, the Link header), not the
        # negotiation and the conditions.
        self._given: dict[tuple[object, ...], _Given] = {}

    def answer(self, scope: Scope) -> Answer | None:
        """The whole answer to ``scope``, or None when the app must make it."""
        if scope["method"] not in ("GET", "HEAD") or not scope["path"].startswith("/feeds/"):
            return None
        try:
            return self._from_memory(scope)
        except Exception:  # the app answers, and logs what it cannot answer
            return None

    def _from_memory(self, scope: Scope) -> Answer | None:
        request = (scope["path"], *scope["headers"])
        given = self._given.get(request)
        if given is not None and self._still(given):
            return given.answer
        made = self._make(scope)
        if made is None:
            return None
        # Heads of up to 32 KiB are let in: only a reader's usual few hundred bytes are kept.
        if sum(len(name) + len(value) for name, value in scope["headers"]) <= KEPT_HEAD_BYTES:
            if len(self._given) >= ANSWERS_KEPT:
                self._given.clear()
            self._given[request] = made
        return made.answer

    def _still(self, given: _Given) -> bool:
        """Whether what ``given`` was made from is still what an answer would be made from:
        the folder and intervals (a reload replaces them), the file's bytes (a new version
        is a new FeedFile) and the Link header."""
        folder = self._state.output_dir()
        return (
            (folder is given.folder or folder == given.folder)
            and self._files.cached(
                given.path if folder is given.folder else self._path(folder, given.name)
            )
            is given.feed
            and self._state.intervals().get(given.source_id) == given.every
            and self._links(given.source_id, given.fmt) == given.links
        )

    def _links(self, source_id: str, fmt: str) -> str | None:
        return self._hub.links(source_id, fmt) if self._hub is not None else None

    def _path(self, folder: Path, name: str) -> Path:
        path = self._paths.get((folder, name))
        if path is None:
            if len(self._paths) >= ANSWERS_KEPT:
                self._paths.clear()
            path = self._paths[(folder, name)] = folder / name
        return path

    def _make(self, scope: Scope) -> _Given | None:
        """The answer to ``scope`` with what it was made from; None when the app must
        answer."""
        name = scope["path"][len("/feeds/") :]
        # The same names as _feed_table's (formats have no dot, so the split is unique) and
        # as the route's ({name} never holds a slash).
        source_id, _, fmt = name.rpartition(".")
        if "/" in name:
            return None
        every = self._state.intervals().get(source_id) if fmt in REGISTRY else None
        if every is None:
            return None
        accept, encoding, tags, since = _conditions(scope["headers"])
        if prefers_html(accept, REGISTRY[fmt].media_type):
            return None  # a browser: its page is made from the JSON Feed file, by the app
        folder = self._state.output_dir()
        path = self._path(folder, name)
        feed = self._files.cached(path)
        if feed is None:
            return None
        coding = pick_coding(encoding, feed.encoded)
        links = self._links(source_id, fmt)
        key = (name, coding, every, links)
        made = self._answers.get(key)
        if made is None or made[0] is not feed:
            if len(self._answers) >= ANSWERS_KEPT:
                self._answers.clear()
            made = (feed, *_feed_answers(feed, fmt, coding, every, links))
            self._answers[key] = made
        _, whole, unchanged = made
        etag = feed.body(coding).etag
        answer = unchanged if not_modified(tags, since, etag, feed.mtime) else whole
        return _Given(source_id, fmt, name, folder, path, every, feed, links, answer)


@dataclasses.dataclass(slots=True)
class _Given:
    """An answer the front gave, with what it was made from besides the request."""

    source_id: str
    fmt: str
    name: str
    folder: Path
    path: Path
    every: int
    feed: FeedFile
    links: str | None
    answer: Answer


def _conditions(headers: RawHeaders) -> tuple[str, str, list[str], str | None]:
    """Accept, Accept-Encoding, every If-None-Match and If-Modified-Since of a request, as
    Starlette's Headers reads them (the first of a repeated header, latin-1)."""
    accept = encoding = since = None
    tags = []
    for name, value in headers:
        if name == b"accept-encoding":
            encoding = value.decode("latin-1") if encoding is None else encoding
        elif name == b"if-none-match":
            tags.append(value.decode("latin-1"))
        elif name == b"accept":
            accept = value.decode("latin-1") if accept is None else accept
        elif name == b"if-modified-since":
            since = value.decode("latin-1") if since is None else since
    return accept or "", encoding or "", tags, since


def _feed_answers(
    feed: FeedFile, fmt: str, coding: str | None, every: int, links: str | None
) -> tuple[Answer, Answer]:
    """The 200 and the 304 of one representation, header for header what ``feed_response``
    (through Starlette's Response) and ``_Guard`` send, in the same order."""
    body = feed.body(coding)
    common = [
        (b"etag", body.etag.encode("latin-1")),
        (b"last-modified", formatdate(feed.mtime, usegmt=True).encode("latin-1")),
        (b"cache-control", f"public, max-age={max_age(every)}".encode("latin-1")),
        (b"vary", FEED_VARY.encode("latin-1")),
    ]
    if links:
        common.append((b"link", links.encode("latin-1")))
    guard = [*ALWAYS_HEADERS, (b"content-security-policy", DEFAULT_CSP)]
    whole = [
        *common,
        *([(b"content-encoding", coding.encode("latin-1"))] if coding is not None else []),
        (b"content-length", str(len(body.data)).encode("latin-1")),
        (b"content-type", f"{REGISTRY[fmt].media_type}; charset=utf-8".encode("latin-1")),
        *guard,
    ]
    return (200, whole, body.data), (304, [*common, *guard], b"")


class FeedsApp(Starlette):
    """The Starlette app with ``FeedFront`` before it."""

    front: FeedFront | None = None

    def answer_now(self, scope: Scope) -> Answer | None:
        """The front's whole answer, for the listener to write without the app; None when
        the app must answer. Read per request, so a front switched off is off at once."""
        return self.front.answer(scope) if self.front is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = self.front.answer(scope) if self.front and scope["type"] == "http" else None
        if answer is None:
            await super().__call__(scope, receive, send)
            return
        status, headers, body = answer
        await send({"type": "http.response.start", "status": status, "headers": headers})
        # HEAD: Content-Length still tells the size, as _Guard does it.
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )


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


async def hub_response(request: Request, hub: HubFace) -> Response:
    """A WebSub subscription request: the body read up to its cap, the rest off the loop."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > REQUEST_BYTES:
            text = f"a subscription request is at most {REQUEST_BYTES} bytes\n"
            return PlainTextResponse(text, 413, headers=NO_STORE)
    content_type = request.headers.get("content-type", "")
    status, text = await run_in_threadpool(hub.answer, body, content_type)
    return PlainTextResponse(text + "\n", status, headers=NO_STORE)


def create_app(state: ServiceState, hub: HubFace | None = None) -> FeedsApp:
    """The app over ``state``; with ``hub``, feeds name it and /hub takes subscriptions."""
    files = FileCache()
    pages = PageCache()

    def index(request: Request) -> Response:
        now = datetime.now(UTC)
        page = index_page(state.views(), now, state.refused_config(), state.instances())
        headers = {"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-cache"}
        return Response(page, headers=headers, media_type="text/html; charset=utf-8")

    def style(request: Request) -> Response:
        return Response(PAGE_CSS, headers=STATIC_CACHE, media_type="text/css; charset=utf-8")

    def feed(request: Request) -> Response:
        return feed_response(request, state, files, pages, hub)

    def feeds_opml(request: Request) -> Response:
        headers = {"Content-Disposition": 'attachment; filename="feeds.opml"', **NO_STORE}
        return Response(
            opml(state.views()), headers=headers, media_type="text/x-opml; charset=utf-8"
        )

    def status(request: Request) -> Response:
        document = status_document(
            state.views(), state.healthy(), state.refused_config(), state.instances()
        )
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
    if hub is not None:
        face = hub

        async def subscribe(request: Request) -> Response:
            return await hub_response(request, face)

        routes.append(Route(f"/{HUB_PATH}", subscribe, methods=["POST"]))
    app = FeedsApp(routes=routes, middleware=[Middleware(_Guard)])
    app.front = FeedFront(state, files, hub)
    app.state.files = files  # for tests: how often feed files were actually read
    app.state.pages = pages  # and browser pages built
    # A redirect from /feeds/x.rss/ would answer a path we do not serve; 404 is plainer.
    app.router.redirect_slashes = False
    return app
