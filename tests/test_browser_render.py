"""Sources whose list is built by JavaScript, rendered in headless Chromium (issue 17): the
feeds are as complete as the static layout's, and no rendered page reaches an address the
fetcher would refuse. Chromium is Debian's (``make test`` installs it in CI); the tests that
need it skip with a message where it is missing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import destoon_source, feeds, get_json, read_feeds, service, wait_for, write_config
from portal_js import SecretServer, add_script_pages

from feeds.browsing import BrowserOptions, Wait
from feeds.errors import FetchError
from feeds.fetch import Fetcher, HostLimits
from feeds.guard import Scope

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (make test installs it as root in CI)"
)
ITEMS = Wait(selector="div.catlist li")


def fetcher(**browser: object) -> Fetcher:
    options = BrowserOptions(path=CHROMIUM or "chromium", **browser)  # type: ignore[arg-type]
    return Fetcher(user_agent="feeds-test", timeout=10, limits=HostLimits(4, 0), browser=options)


def script_source(id: str, url: str, pages: int) -> str:
    """The static source's selectors, on a page that builds its list with a script."""
    block = destoon_source(url, id=id, include="[]")
    block = block.replace("backfill_pages = 3", f"backfill_pages = {pages}")
    return block.replace("full_text = true", 'full_text = true\nrender = "browser"')


def items(output: Path, feed_id: str) -> list[tuple[str, str, str, str]]:
    feed = read_feeds(output, feed_id)["json"]
    return [
        (i["url"], i["title"], i["date_published"], i.get("content_html", ""))
        for i in feed["items"]  # type: ignore[index]
    ]


@needs_chromium
def test_script_built_lists_give_the_feeds_of_the_static_layout(portal, tmp_path):
    with SecretServer() as secret:
        add_script_pages(portal, secret.url)
        config = write_config(
            tmp_path,
            destoon_source(portal.url("news/"), id="static", include="[]"),
            script_source("script", portal.url("js/list.html"), pages=1).replace(
                'render = "browser"', 'render = "browser"\nrender_articles = true'
            ),
            script_source("more", portal.url("js/more.html"), pages=3),
        )
        run = feeds("update", config=config)
        assert run.code == 0, run.out + run.err
    output = tmp_path / "public"
    static = items(output, "static")
    assert len(static) == 25
    # page one of the script list is the static list's newest ten (their article pages
    # rendered too); three rounds of the "load more" button give every article, as the
    # static pages do
    rendered = items(output, "script")
    assert [item[:3] for item in rendered] == [item[:3] for item in static[:10]]
    for (*_, content), (*_, page) in zip(rendered, static, strict=False):
        # the rendered article holds every line of the static one, and what its scripts
        # add (the sample pages write an advert with document.write)
        assert set(page.splitlines()) - {""} <= set(content.splitlines())
        assert "广告" in content and "广告" not in page
    assert items(output, "more") == static
    assert portal.count("/js/api-3.json") == 1


@needs_chromium
@pytest.mark.parametrize("allow_hosts", [(), ("127.0.0.2",)], ids=["scope", "address"])
def test_a_rendered_page_reaches_no_internal_address(portal, allow_hosts):
    """Through an image, an iframe, fetch(), a redirect, a WebSocket, an EventSource, a
    beacon, a popup and the metadata address: none connects. With 127.0.0.2 allowed as a
    host, the address check at connect time still refuses it."""
    with SecretServer() as secret, fetcher() as client:
        add_script_pages(portal, secret.url)
        url = portal.url("js/evil.html")
        scope = Scope.of([url], allow_hosts=allow_hosts)
        page = client.render(url, wait=ITEMS, scope=scope)
        time.sleep(0.5)  # what the page started after its list was shown
        assert page.text.count("<li>") == 10  # the page itself rendered
        assert portal.count("/js/jump") == 1  # the redirect was asked for, its target refused
        assert secret.connections == 0


@needs_chromium
def test_chromium_alone_cannot_reach_loopback_with_our_flags(tmp_path):
    """The last line of defence, without interception: Chromium started with LAUNCH_ARGS
    connects nowhere; the same command without them does reach the server (the control)."""
    from feeds.fetch.browser import LAUNCH_ARGS

    def dump(secret: SecretServer, *args: str) -> None:
        command = [
            CHROMIUM or "chromium",
            "--headless",
            "--no-sandbox",
            f"--user-data-dir={tmp_path / 'profile'}",
            *args,
            "--dump-dom",
            secret.url + "direct",
        ]
        subprocess.run(command, capture_output=True, timeout=60)

    with SecretServer() as guarded:
        dump(guarded, *LAUNCH_ARGS)
        assert guarded.connections == 0
    with SecretServer() as control:
        dump(control)
        assert control.connections >= 1


def drivers() -> list[int]:
    """Playwright's driver processes of this process (one per running browser)."""
    found = []
    for pid in process_tree(os.getpid()):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue  # ended meanwhile (a renderer of a closed page)
        if b"playwright" in command and b"run-driver" in command:
            found.append(pid)
    return found


@needs_chromium
def test_the_browser_is_restarted_after_its_pages(portal):
    """Pages rendered two at a time from two threads: the browser restarts after every
    second page (recycle = 2), never two browsers at once, no driver left behind; and
    above the memory cap, after every page."""
    from feeds.fetch.browser import Browser, browser_memory, close_browser

    close_browser()  # the shared browser of other tests is not counted here
    add_script_pages(portal, "http://127.0.0.2:9/")
    url = portal.url("js/list.html")
    by_pages = Browser(BrowserOptions(path=CHROMIUM or "chromium", recycle=2, memory_mb=65536))
    by_memory = Browser(BrowserOptions(path=CHROMIUM or "chromium", memory_mb=64))
    # (items on the page, browsers running) per render, appended as one pair: two threads
    # appending the two numbers one by one could interleave them.
    found: list[tuple[int, int]] = []
    try:
        with fetcher() as client:

            def render(browser: Browser) -> None:
                page = browser.render(client.get(url), Scope.of([url]), ITEMS, client)
                found.append((page.text.count("<li>"), len(drivers())))

            with ThreadPoolExecutor(2) as pool:
                list(pool.map(lambda _: render(by_pages), range(4)))
            assert (by_pages.rendered, by_pages.restarts) == (4, 1)
            by_pages.close()
            for _ in range(2):
                render(by_memory)
            assert (by_memory.rendered, by_memory.restarts) == (2, 1)
            assert browser_memory(os.getpid()) > 64 * 1024 * 1024  # what the cap reads
        assert [items for items, _ in found] == [10] * 6  # every page rendered whole
        assert {running for _, running in found} == {1}  # one browser (driver) at a time
    finally:
        by_pages.close()
        by_memory.close()


@needs_chromium
def test_a_list_that_never_comes_fails_at_the_deadline(portal):
    from feeds.fetch.browser import Browser

    add_script_pages(portal, "http://127.0.0.2:9/")
    browser = Browser(BrowserOptions(path=CHROMIUM or "chromium"))
    try:
        with fetcher() as client:
            url = portal.url("js/list.html")
            browser.render(client.get(url), Scope.of([url]), ITEMS, client)  # launched
            browser.options = replace(browser.options, timeout=2)
            started = time.monotonic()
            with pytest.raises(FetchError, match=r"'ul.never' did not appear within 2 s"):
                browser.render(client.get(url), Scope.of([url]), Wait("ul.never"), client)
            assert time.monotonic() - started < 15  # the deadline, not the 30 s wait of a job
    finally:
        browser.close()


def test_without_chromium_the_error_says_what_to_install(portal):
    from feeds.fetch.browser import Browser

    browser = Browser(BrowserOptions(path="/nonexistent/chromium"))
    try:
        with fetcher() as client:
            page = client.get(portal.url("news/"))
            with pytest.raises(FetchError, match="no Chromium") as error:
                browser.render(page, Scope.of([page.url]), ITEMS, client)
            assert "apt-get install chromium" in str(error.value)
    finally:
        browser.close()


def test_without_playwright_the_error_says_what_to_install(portal, monkeypatch):
    monkeypatch.setitem(sys.modules, "feeds.fetch.browser", None)  # as if not installed
    with fetcher() as client, pytest.raises(FetchError, match="needs Playwright") as error:
        client.render(portal.url("news/"), wait=ITEMS)
    assert "pip install 'feeds[browser]'" in str(error.value)


def test_the_static_path_never_loads_playwright():
    script = (
        "import sys, feeds.cli, feeds.service, feeds.pipeline, feeds.fetch\n"
        "print([m for m in sys.modules if m.startswith('playwright')])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr


def process_tree(pid: int) -> set[int]:
    """Every process under ``pid``."""
    children: dict[int, list[int]] = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text(errors="replace")
        except OSError:
            continue
        children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    found: set[int] = set()
    todo = list(children.get(pid, []))
    while todo:
        current = todo.pop()
        found.add(current)
        todo.extend(children.get(current, []))
    return found


@needs_chromium
def test_the_service_renders_and_leaves_no_browser_behind(portal, tmp_path):
    add_script_pages(portal, "http://127.0.0.2:9/")
    source = script_source("script", portal.url("js/list.html"), pages=1)
    config = write_config(tmp_path, source.replace("full_text = true", "full_text = false"))
    with service(config) as proc:
        status = wait_for(lambda: get_json(proc.base + "status.json")["sources"][0]["last_success"])
        assert status
        browsers = process_tree(proc.pid)
        assert browsers, "the service's browser runs under it"
    assert len(items(tmp_path / "public", "script")) == 10
    wait_for(lambda: not [pid for pid in browsers if Path(f"/proc/{pid}").exists()], timeout=15)


@pytest.mark.parametrize(
    ("html", "signs"),
    [
        ('<body><div id="app"></div><script src="/a.js"></script></body>', ["an empty app root"]),
        ("<body><div id='root'>\n </div></body>", ["an empty app root"]),
        (
            '<div id="__next"><ul><li>x</li></ul></div><script id="__NEXT_DATA__">{}</script>',
            ["Next.js page data"],
        ),
        ("<script>window.__INITIAL_STATE__={list:[]}</script>", ["a state object"]),
        ('<div id="app"><ul><li><a href="/a">a</a></li></ul></div>', []),
        ("<div></div><main></main>", []),
    ],
)
def test_script_signs_in_the_served_html(html, signs):
    from feeds.scripted import script_signs

    found = script_signs(html)
    assert len(found) == len(signs)
    assert all(f.startswith(s) for f, s in zip(found, signs, strict=True))


@needs_chromium
def test_discover_renders_a_scripted_page_and_names_its_api(portal):
    add_script_pages(portal, "http://127.0.0.2:9/")
    run = feeds("discover", "--json", portal.url("js/list.html"))
    assert run.code == 0, run.err
    report = json.loads(run.out)
    assert report["script"]["signs"] == ['an empty app root (<div id="app">)']
    assert report["script"]["rendered"] is True  # the list exists only after rendering
    assert report["script"]["apis"] == [portal.url("js/api-1.json")]
    assert len(report["items"]) == 10
    assert 'render = "browser"' in report["config"]
    static = json.loads(feeds("discover", "--json", portal.url("news/")).out)
    assert static["script"] == {"signs": [], "rendered": False, "apis": [], "problem": None}
    assert "render" not in static["config"]


def test_browser_keys_without_render_browser_are_config_errors(tmp_path):
    from feeds.config import load_config
    from feeds.errors import ConfigError

    config = write_config(
        tmp_path,
        destoon_source("http://127.0.0.1:9/").replace(
            "full_text = true", 'full_text = true\nrender_articles = true\nwait_for = "ul li"'
        ),
    )
    with pytest.raises(ConfigError) as error:
        load_config(config)
    assert 'source[1].render_articles: only for render = "browser"' in str(error.value)
    assert 'source[1].wait_for: only for render = "browser"' in str(error.value)
    bad = write_config(
        tmp_path,
        destoon_source("http://127.0.0.1:9/").replace(
            "full_text = true", 'full_text = true\nrender = "chrome"'
        ),
    )
    with pytest.raises(ConfigError, match=r'source\[1\].render: .*"browser"'):
        load_config(bad)
