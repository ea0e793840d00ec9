"""The process's one headless Chromium, for sources with render = "browser" (issue 17).

Playwright (the ``browser`` extra) drives the system's Chromium; no browser is downloaded.
It is owned here and loaded only when a source renders, so the static path never imports it.

**Safe.** Chromium opens no connection of its own: every request of every page (documents,
frames, scripts, XHR, fetch) is intercepted and answered by ``Fetcher.resource``, under the
rules of every fetch (scheme allowlist, the source's scope, robots.txt, redirects followed
hop by hop, internal addresses refused at connect time); images, fonts, media and the rest
are refused unread, WebSockets are answered by nobody, service workers are blocked, and
WebRTC is removed. In case something escapes interception anyway, Chromium is started behind
a proxy that does not exist, loopback included, and with no name resolution: it cannot reach
127.0.0.0/8 or the metadata address by itself. Dialogs are dismissed, downloads refused, new
windows closed, permissions never granted; each page gets a fresh context (no cookies kept).

**Bounded.** One browser per process, on a thread of its own running Playwright's asyncio
API; at most ``pages`` pages at once (their requests also keep to the per-host limits); a
deadline per page; the browser is restarted (Playwright's driver with it) after ``recycle``
pages or when its processes hold more than ``memory_mb``.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import re
import shutil
import threading
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from playwright.async_api import Browser as Chromium
from playwright.async_api import (
    BrowserContext,
    Locator,
    Playwright,
    Route,
    WebSocketRoute,
    async_playwright,
)
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page as Tab

from feeds.browsing import BrowserOptions, Wait
from feeds.errors import FeedsError, FetchError
from feeds.guard import Scope
from feeds.models import Page

if TYPE_CHECKING:
    from feeds.fetch.client import Fetcher

# Never loaded: what an article list does not need, and what trackers are made of.
REFUSED_TYPES = frozenset(
    {"image", "media", "font", "texttrack", "manifest", "eventsource", "websocket", "other"}
)
# Kept from the page's request when it is made again by the fetcher (no cookies: no state).
PASSED_HEADERS = ("accept", "content-type", "x-requested-with")
# The last line of defence: no proxy answers there, and `<-loopback>` sends loopback through
# it too (Chromium bypasses proxies for loopback by default); no host name resolves.
LAUNCH_ARGS = (
    "--proxy-server=http://127.0.0.1:1",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-dev-shm-usage",  # containers give /dev/shm 64 MB
    "--no-first-run",
    "--blink-settings=imagesEnabled=false",
    "--disable-gpu",
    "--disable-software-rasterizer",
    "--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication",
)
# WebRTC's ICE and WebTransport send UDP outside of any request a route sees.
NO_RAW_SOCKETS = """
for (const name of ['RTCPeerConnection', 'webkitRTCPeerConnection', 'RTCDataChannel',
                    'WebTransport']) { try { delete window[name]; } catch (e) {} }
"""
# A button that loads the next items, by what it says (a link would leave the page). Compiled
# now: Playwright takes only a real re.Pattern (and this module loads with the browser only).
MORE_WORDS = re.compile(
    r"(load|show|view|see) more|more (posts|articles|news|stories)|加载更多|查看更多|"
    r"显示更多|点击加载|更多",
    re.IGNORECASE,
)
PAGER = 'a[rel~="next"], link[rel~="next"]'  # a next page, without a configured listing.next
GROWTH_WAIT = 5.0  # seconds a load more may take to add items before the list is complete


class Browser:
    """The headless Chromium of the process; ``render`` may be called from any thread."""

    def __init__(self, options: BrowserOptions) -> None:
        self.options = options
        self.rendered = 0  # pages rendered since the process started
        self.restarts = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="browser", daemon=True)
        self._thread.start()
        # The page's requests are made by the (blocking) fetcher on these threads.
        self._requests = ThreadPoolExecutor(4 * options.pages, thread_name_prefix="browser-fetch")
        self._playwright: Playwright | None = None
        self._chromium: Chromium | None = None
        self._since_start = 0
        self._active = 0
        # Made on the browser's loop, by its first page.
        self._slots: asyncio.Semaphore | None = None
        self._idle: asyncio.Condition | None = None
        self._starting: asyncio.Lock | None = None

    def render(self, document: Page, scope: Scope, wait: Wait, fetcher: Fetcher) -> Page:
        """``document`` (as fetched) run in the browser until ``wait`` is met; the Page
        returned holds the rendered DOM as UTF-8."""
        job = asyncio.run_coroutine_threadsafe(
            self._render(document, scope, wait, fetcher), self._loop
        )
        try:
            html = job.result(timeout=self.options.timeout + 30)  # a launch may come first
        except FutureTimeout as e:
            job.cancel()
            raise _late(document.url, self.options.timeout) from e
        data = html.encode("utf-8")
        return replace(
            document,
            text=html,
            encoding="utf-8",
            content=data,
            content_type="text/html; charset=utf-8",
        )

    def close(self) -> None:
        if not self._loop.is_running():
            return
        done = asyncio.run_coroutine_threadsafe(self._stop(), self._loop)
        with contextlib.suppress(Exception):  # best effort: the driver dies with the process
            done.result(timeout=15)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._requests.shutdown(wait=False, cancel_futures=True)

    # --- on the browser thread -----------------------------------------------------------

    async def _render(self, document: Page, scope: Scope, wait: Wait, fetcher: Fetcher) -> str:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.options.pages)
            self._idle = asyncio.Condition()
            self._starting = asyncio.Lock()
        async with self._slots:
            chromium = await self._ready(document.url)
            try:
                context = await _context(chromium, fetcher)
                try:
                    return await asyncio.wait_for(
                        self._load(context, document, scope, wait, fetcher), self.options.timeout
                    )
                except TimeoutError as e:
                    raise _late(document.url, self.options.timeout, wait) from e
                except PlaywrightError as e:
                    raise FetchError(
                        f"rendering failed: {_first_line(e)}",
                        url=document.url,
                        fix="the page breaks in the browser; check it with `feeds check`",
                    ) from e
                finally:
                    await _quietly(context.close())
            finally:
                self._since_start += 1
                self.rendered += 1
                assert self._idle is not None
                async with self._idle:
                    self._active -= 1
                    self._idle.notify_all()

    async def _ready(self, url: str) -> Chromium:
        """The running browser, claimed for one page; restarted first when it has rendered
        ``recycle`` pages or holds more than ``memory_mb``, once the pages it is rendering
        are done. One page at a time gets here, so two never start a browser each."""
        assert self._idle is not None and self._starting is not None
        async with self._starting:
            if self._chromium is not None and self._worn():
                async with self._idle:
                    await self._idle.wait_for(lambda: self._active == 0)
                await self._stop()
                self.restarts += 1
            if self._chromium is None:
                self._chromium = await self._launch(url)
                self._since_start = 0
            self._active += 1  # claimed under the lock: a restart waits for this page
            return self._chromium

    def _worn(self) -> bool:
        if self._since_start >= self.options.recycle:
            return True
        return browser_memory(os.getpid()) > self.options.memory_mb * 1024 * 1024

    async def _launch(self, url: str) -> Chromium:
        path = shutil.which(self.options.path)
        if path is None:
            raise FetchError(
                f"no Chromium at {self.options.path!r}",
                url=url,
                fix="install Chromium (Debian: apt-get install chromium) or set settings.browser "
                "to its path",
            )
        try:
            self._playwright = await async_playwright().start()
            return await self._playwright.chromium.launch(
                executable_path=path, headless=True, args=list(LAUNCH_ARGS)
            )
        except PlaywrightError as e:
            await self._stop()
            raise FetchError(
                f"the browser did not start: {_first_line(e)}",
                url=url,
                fix=f"check that {path} runs (`{path} --headless --version`)",
            ) from e

    async def _stop(self) -> None:
        chromium, playwright = self._chromium, self._playwright
        self._chromium = self._playwright = None
        if chromium is not None:
            await _quietly(chromium.close())
        if playwright is not None:
            await _quietly(playwright.stop())

    async def _load(
        self, context: BrowserContext, document: Page, scope: Scope, wait: Wait, fetcher: Fetcher
    ) -> str:
        served = asyncio.Event()

        async def route(route: Route) -> None:
            await self._answer(route, document, scope, fetcher, served)

        await context.route("**/*", route)
        tab = await context.new_page()
        context.on("page", _popup)  # after our own tab: every page from now on is a popup
        tab.on("dialog", lambda dialog: _later(dialog.dismiss()))
        await tab.goto(document.url, wait_until="domcontentloaded")
        await settle(tab, wait)
        if wait.more > 0 and not await tab.locator(wait.pager or PAGER).count():
            await load_more(tab, wait)  # no pager to follow: the page loads its next items
        return await tab.content()

    async def _answer(
        self, route: Route, document: Page, scope: Scope, fetcher: Fetcher, served: asyncio.Event
    ) -> None:
        """One request of the page: the document as fetched, a refusal, or the fetcher's."""
        request = route.request
        if request.is_navigation_request() and not served.is_set():
            served.set()  # the main document, fetched already (redirects and all)
            await route.fulfill(
                status=document.status,
                body=document.content,
                content_type=document.content_type or "text/html",
            )
            return
        if request.resource_type in REFUSED_TYPES or request.method not in ("GET", "POST"):
            await route.abort("blockedbyclient")
            return
        headers = {k: v for k, v in request.headers.items() if k.lower() in PASSED_HEADERS}
        fetch = partial(
            fetcher.resource,
            request.url,
            scope=scope,
            method=request.method,
            body=request.post_data_buffer or b"",
            headers=headers,
        )
        try:
            got = await asyncio.get_running_loop().run_in_executor(self._requests, fetch)
        except FeedsError:
            await _quietly(route.abort("blockedbyclient"))  # refused or failed: as a browser
            return
        except Exception:  # never leave the page waiting on a request nobody answers
            await _quietly(route.abort("failed"))
            raise
        await _quietly(route.fulfill(status=got.status, headers=got.headers, body=got.body))


async def _context(chromium: Chromium, fetcher: Fetcher) -> BrowserContext:
    """A fresh context per page: no cookies or storage carried from one page to the next."""
    context = await chromium.new_context(
        service_workers="block",
        accept_downloads=False,
        user_agent=fetcher.user_agent,
        java_script_enabled=True,
    )
    await context.add_init_script(NO_RAW_SOCKETS)
    await context.route_web_socket("**/*", _no_socket)
    return context


async def _no_socket(socket: WebSocketRoute) -> None:
    await _quietly(socket.close(code=1008, reason="feeds: no WebSockets"))


def _popup(tab: Tab) -> None:
    """A page the page opened (window.open, target=_blank) is closed: one tab per render."""
    _later(tab.close())


async def settle(tab: Tab, wait: Wait) -> None:
    """Until the selector is in the DOM; without one, until the network goes quiet."""
    if wait.selector:
        await tab.wait_for_selector(wait.selector, state="attached", timeout=0)
        return
    await tab.wait_for_load_state("networkidle", timeout=0)


async def load_more(tab: Tab, wait: Wait) -> None:
    """Up to ``wait.more`` rounds of "load more": the button clicked (``wait.load_more``, or
    one that says so), else the page scrolled to its end; done when a round adds nothing."""
    count = f"document.querySelectorAll({_js_string(wait.selector or 'a[href]')}).length"
    for _ in range(wait.more):
        before = await tab.evaluate(count)
        button = tab.locator(wait.load_more).first if wait.load_more else _more_button(tab)
        try:
            if await button.is_visible():
                await button.click(timeout=2000)
            else:
                await tab.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            await tab.wait_for_function(f"{count} > {before}", timeout=GROWTH_WAIT * 1000)
        except PlaywrightError:
            return  # nothing more came: the list is complete


def _more_button(tab: Tab) -> Locator:
    return tab.get_by_role("button", name=MORE_WORDS).first


def _js_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def browser_memory(pid: int) -> int:
    """Bytes held by the Playwright processes under ``pid`` (its driver and every Chromium
    process), read from /proc: proportional set sizes, so that the pages Chromium's
    processes share are counted once; 0 where /proc is not."""
    children: dict[int, list[int]] = {}
    try:
        entries = [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]
    except OSError:
        return 0
    for entry in entries:
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(entry)
    todo = [child for child in children.get(pid, []) if b"playwright" in _read(child, "cmdline")]
    total = 0
    while todo:
        current = todo.pop()
        total += _pss(current)
        todo.extend(children.get(current, []))
    return total


def _pss(pid: int) -> int:
    for line in _read(pid, "smaps_rollup").splitlines():
        if line.startswith(b"Pss:"):
            return int(line.split()[1]) * 1024
    return 0


def _read(pid: int, name: str) -> bytes:
    try:
        with open(f"/proc/{pid}/{name}", "rb") as f:
            return f.read()
    except OSError:
        return b""


def _late(url: str, seconds: float, wait: Wait | None = None) -> FetchError:
    what = f"{wait.selector!r} did not appear" if wait is not None and wait.selector else "not done"
    return FetchError(
        f"rendered page {what} within {seconds:g} s",
        url=url,
        fix="check the selector (source.wait_for, listing.item) in the browser's devtools; "
        "a slow page needs a higher settings.browser_timeout",
    )


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]


async def _quietly(step: object) -> None:
    """An awaitable whose failure changes nothing (closing what is already gone)."""
    with contextlib.suppress(Exception):
        await step  # type: ignore[misc]


_background: set[asyncio.Future[None]] = set()


def _later(step: Coroutine[object, object, None]) -> None:
    """Runs ``step`` on the browser's loop without waiting for it (kept until done)."""
    task = asyncio.ensure_future(_quietly(step))
    _background.add(task)
    task.add_done_callback(_background.discard)


_lock = threading.Lock()
_shared: list[Browser] = []


def shared_browser(options: BrowserOptions) -> Browser:
    """The process's one browser; started on first use, its options those of the newest
    config (they take effect at its next restart)."""
    with _lock:
        if not _shared:
            _shared.append(Browser(options))
        _shared[0].options = options
        return _shared[0]


def close_browser() -> None:
    """Closes the process's browser, if one was started (at exit, and when the service stops)."""
    with _lock:
        browsers, _shared[:] = list(_shared), []
    for browser in browsers:
        browser.close()


atexit.register(close_browser)
