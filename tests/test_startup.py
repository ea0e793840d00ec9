"""Start-up (issue 19): a command imports only what it uses, and a poll that changed nothing
renders nothing. The imports are read from ``sys.modules`` of a fresh interpreter."""

from __future__ import annotations

import json
import os
import random
import socket
import ssl
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import soupsieve
from helpers import destoon_source, feeds, snapshot, write_config

from feeds.fetch import Fetcher
from feeds.formats import FORMATS
from feeds.guard import Scope
from feeds.keys import KEYS
from feeds.models import FeedMeta, StoredItem
from feeds.output import publish, stamped
from feeds.publish import render_stamp
from feeds.values import PLAIN_SELECTOR, check_value

# What no idle poll needs: extraction, sanitising, rendering, the service, charset detection,
# brotli (feeds are compressed by the service; httpx's decoder is unused), uuid, which loads
# platform (only a cluster's host slots take an id), and our own modules it does not run: the
# sanitiser, the renderer, the server and the status page's views.
HEAVY = sorted(
    {"trafilatura", "htmldate", "justext", "bs4", "soupsieve", "lxml", "feedgen", "nh3"}
    | {"apscheduler", "starlette", "uvicorn", "charset_normalizer", "brotli", "uuid"}
    | {"feeds.clean", "feeds.render", "feeds.server", "feeds.status", "feeds.extract.html"}
)
REPORT = (
    "\nimport json, sys\n"
    f"heavy = set({HEAVY!r})\n"
    "names = set(sys.modules) | {m.split('.')[0] for m in sys.modules}\n"
    "print('LOADED', json.dumps(sorted(names & heavy)))\n"
)


def run_python(code: str) -> tuple[str, list[str]]:
    """Run ``code`` in a new interpreter: its output, and the heavy packages it loaded."""
    env = {k: v for k, v in os.environ.items() if k != "FEEDS_CONFIG"}
    done = subprocess.run(
        [sys.executable, "-c", code + REPORT],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out, _, loaded = done.stdout.rpartition("LOADED ")
    return out, json.loads(loaded)


def update_in_new_interpreter(config: Path) -> tuple[str, list[str]]:
    return run_python(
        f"from feeds.cli import main\nassert main(['update', '--config', {str(config)!r}]) == 0\n"
    )


def test_importing_the_command_line_loads_no_stage_library():
    _, loaded = run_python("import feeds.cli")
    assert loaded == []


def test_starting_the_service_loads_no_html_parser():
    # `feeds run` imports the service; pages are parsed on the first poll that reads one, and
    # a service whose pages all take the lxml paths never loads bs4 (issue 19: memory).
    _, loaded = run_python("import feeds.service")
    assert not {"bs4", "soupsieve", "trafilatura", "htmldate"} & set(loaded), loaded


def test_validating_a_config_of_plain_selectors_loads_no_parser(tmp_path):
    config = write_config(tmp_path, destoon_source("http://127.0.0.1:9/news/"))
    out, loaded = run_python(
        f"from feeds.cli import main\nassert main(['config', '--config', {str(config)!r}]) == 0\n"
    )
    assert 'item = "div.catlist li"' in out
    assert loaded == []


def test_an_idle_update_fetches_one_304_and_loads_no_parser_renderer_or_service(portal, tmp_path):
    portal.etags = True
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    first = feeds("update", config=config)
    assert first.code == 0, first.out + first.err
    public = tmp_path / "public"
    before = snapshot(public)
    portal.requests.clear()

    out, loaded = update_in_new_interpreter(config)

    assert "sample: ok, 0 new" in out and "0 files written" in out, out
    assert loaded == []
    assert [path for _, path in portal.requests] == ["/news/"]
    assert snapshot(public) == before  # not one byte, not one mtime


def test_a_first_poll_that_the_lxml_paths_answer_loads_no_bs4(portal, tmp_path):
    # Selectors that find every field on every page: the lxml paths answer each listing and
    # article, and bs4 with soupsieve (a tenth of a second, some MB) is never imported.
    config = write_config(tmp_path, destoon_source(portal.url("news/")))

    out, loaded = update_in_new_interpreter(config)

    assert "sample: ok" in out and "article pages fetched" in out, out
    assert not {"bs4", "soupsieve", "trafilatura", "feeds.extract.html"} & set(loaded), loaded


def test_an_idle_update_rewrites_a_feed_file_that_is_gone_or_was_changed(portal, tmp_path):
    portal.etags = True
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    assert feeds("update", config=config).code == 0
    public = tmp_path / "public"
    if not stamped(public, "sample", _stamp_of(public / "sample.rss")):
        pytest.skip(f"{public} has no extended attributes: every poll renders there")
    good = {fmt: (public / f"sample.{fmt}").read_bytes() for fmt in FORMATS}
    (public / "sample.atom").unlink()
    (public / "sample.json").write_bytes(b"{}")  # edited in place: same inode, new bytes

    out, _ = update_in_new_interpreter(config)

    assert "2 files written" in out, out
    assert {fmt: (public / f"sample.{fmt}").read_bytes() for fmt in FORMATS} == good


def _stamp_of(path: Path) -> str:
    try:
        return os.getxattr(path, "user.feeds.rendered").decode().split()[0]
    except OSError:
        return ""


def test_a_request_to_a_configured_url_does_not_load_the_public_suffix_list():
    out, _ = run_python(
        "from feeds.guard import Scope, _suffixes\n"
        "scope = Scope.of(['https://news.example.com.cn/list/'])\n"
        "assert scope.problem('https://news.example.com.cn/list/?page=1') is None\n"
        "print('before', _suffixes.cache_info().currsize)\n"
        "assert scope.problem('https://m.example.com.cn/1.html') is None\n"
        "assert scope.problem('https://example.org/1.html') is not None\n"
        "print('after', _suffixes.cache_info().currsize)\n"
    )
    assert out.split() == ["before", "0", "after", "1"]


# --------------------------------------------------------------------------- stamps

META = FeedMeta(
    id="f",
    title="F",
    home_url="https://example.org/",
    description="d",
    self_urls={fmt: f"https://feeds.example/feeds/f.{fmt}" for fmt in FORMATS},
    updated=datetime(2025, 1, 2, 3, 4, tzinfo=UTC),
)
ITEM = StoredItem(
    source_id="f",
    key="example.org/1",
    id="https://example.org/1",
    url="https://example.org/1",
    title="One",
    author=None,
    summary=None,
    content_html="<p>One</p>",
    published=datetime(2025, 1, 2, 3, 4, tzinfo=UTC),
    updated=datetime(2025, 1, 2, 3, 4, tzinfo=UTC),
    first_seen=datetime(2025, 1, 2, 3, 4, tzinfo=UTC),
    date_precision="time",
)


def test_the_stamp_changes_with_anything_the_feed_shows():
    stamp = render_stamp(META, [ITEM])
    assert render_stamp(META, [ITEM]) == stamp  # deterministic, as the renderer is
    others = [
        render_stamp(META, []),
        render_stamp(META, [replace(ITEM, title="One, edited")]),
        render_stamp(META, [replace(ITEM, content_html="<p>One.</p>")]),
        render_stamp(replace(META, title="G"), [ITEM]),
        render_stamp(replace(META, hubs=("https://hub.example/",)), [ITEM]),
        render_stamp(META, [ITEM, replace(ITEM, key="example.org/2")]),
    ]
    assert stamp not in others and len(set(others)) == len(others)


def test_stamped_files_are_current_until_one_is_touched(tmp_path):
    rendered = {
        "rss": b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>',
        "atom": b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"/>',
        "json": b'{"version": "https://jsonfeed.org/version/1.1", "items": []}',
    }
    assert not stamped(tmp_path, "f", "s1")  # no files yet
    assert len(publish(tmp_path, "f", rendered, "s1")) == 3
    if not _stamp_of(tmp_path / "f.rss"):
        pytest.skip(f"{tmp_path} has no extended attributes: every poll renders there")
    assert stamped(tmp_path, "f", "s1")
    assert not stamped(tmp_path, "f", "s2")
    # The same bytes published again under a new stamp: nothing written, the stamp moves on.
    assert publish(tmp_path, "f", rendered, "s2") == []
    assert stamped(tmp_path, "f", "s2") and not stamped(tmp_path, "f", "s1")
    # Anything else writing a file voids its stamp, even with the very same bytes.
    (tmp_path / "f.atom").write_bytes(rendered["atom"])
    assert not stamped(tmp_path, "f", "s2")
    publish(tmp_path, "f", rendered, "s2")
    assert stamped(tmp_path, "f", "s2")
    (tmp_path / "f.json").unlink()
    assert not stamped(tmp_path, "f", "s2")


# --------------------------------------------------------------------------- selectors

SELECTOR = next(key for key in KEYS if key.kind == "selector")


def test_plain_selectors_skip_soupsieve_only_when_it_would_accept_them():
    plain = ["div.catlist li", "h1#title", "ul > li, div.list a", "*", "a+b ~ c", "#x.y-z_1"]
    assert all(PLAIN_SELECTOR.fullmatch(selector) for selector in plain)
    rng = random.Random(19)
    alphabet = ["a", "div", "h1", "x-y", "_z", "1", "-", ".", "#", " ", ">", "+", "~", ",", "*"]
    accepted = 0
    for _ in range(4000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8)))
        if PLAIN_SELECTOR.fullmatch(text):
            accepted += 1
            soupsieve.compile(text)  # raises if the shortcut took an invalid selector
    assert accepted > 200  # the property was exercised


def test_other_selectors_are_still_checked_by_soupsieve():
    assert check_value(SELECTOR, "div.catlist li") == ("div.catlist li", None)
    assert check_value(SELECTOR, "a:not(.ad)") == ("a:not(.ad)", None)
    _, problem = check_value(SELECTOR, "div..x")
    assert problem is not None and "not a valid CSS selector" in problem
    _, problem = check_value(SELECTOR, "li:contains(AI)")
    assert problem is not None and ":-soup-contains" in problem


# --------------------------------------------------------------------------- TLS


def test_the_tls_roots_are_loaded_at_the_first_https_connection(monkeypatch):
    trustme = pytest.importorskip("trustme")
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    built: list[ssl.SSLContext] = []

    def trusting(**kwargs: object) -> ssl.SSLContext:
        # httpx's context as the fetcher builds it, trusting the test's authority instead
        context = ssl.create_default_context()
        authority.configure_trust(context)
        built.append(context)
        return context

    monkeypatch.setattr(httpx, "create_ssl_context", trusting)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    url = f"https://127.0.0.1:{listener.getsockname()[1]}/"

    def serve() -> None:
        conn, _ = listener.accept()
        with server_context.wrap_socket(conn, server_side=True) as tls:
            tls.recv(4096)
            body = b"<html><body>over TLS</body></html>"
            head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(body)}"
            tls.sendall(head.encode() + b"\r\nConnection: close\r\n\r\n" + body)

    threading.Thread(target=serve, daemon=True).start()
    try:
        with Fetcher(user_agent="feeds/test (+tests)", timeout=5) as fetcher:
            assert built == []  # a fetcher that has made no https connection has no roots
            page = fetcher.get(url, scope=Scope.of([url], robots=False))
    finally:
        listener.close()
    assert "over TLS" in page.text
    (context,) = built
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
