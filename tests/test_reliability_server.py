"""Reliability cases of the feed server (RELIABILITY.md S10, S11, L9), against a real uvicorn
on 127.0.0.1: raw sockets keep hostile paths exactly as written (``curl --path-as-is``),
and 500 concurrent conditional requests check validators and latency.
"""

from __future__ import annotations

import asyncio
import gzip
import os
import resource
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
import lxml.html
import pytest
from starlette.applications import Starlette
from test_server import ITEMS, SECRET, FakeState, publish_alpha, serve, view

from feeds.server import create_app

# The only bodies a refused path may get: Starlette's 404, ours for a feed not written yet,
# uvicorn's answer to a request line it cannot parse.
STATIC_REFUSALS = {
    b"Not Found",
    b"not generated yet: this feed has not been polled\n",
    b"Invalid HTTP request received.",
}
PASSWD_MARK = b"root:"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names; a repeated header keeps its last value
    body: bytes


def hostile_state(tmp_path: Path) -> FakeState:
    """alpha is written; gamma's "feed" is a symlink planted in the output folder."""
    output = tmp_path / "public"
    publish_alpha(output, ITEMS)
    (tmp_path / "secret.rss").write_bytes(SECRET)
    (output / "gamma.rss").symlink_to(tmp_path / "secret.rss")
    (output / "gamma.atom").symlink_to("/etc/passwd")
    (output / "alpha.rss.gz").symlink_to(tmp_path / "secret.rss")
    (output / "alpha.atom.gz").symlink_to("/etc/passwd")
    (output / "root").symlink_to("/")
    return FakeState(output, [view("alpha"), view("gamma")])


@dataclass
class Site:
    state: FakeState
    app: Starlette
    port: int


@contextmanager
def site(tmp_path: Path) -> Iterator[Site]:
    state = hostile_state(tmp_path)
    app = create_app(state)
    with serve(app) as port:
        yield Site(state, app, port)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One server for the tests that only read (starting one costs 0.2 s)."""
    with site(tmp_path_factory.mktemp("shared")) as started:
        yield started


@pytest.fixture
def port(shared: Site) -> int:
    return shared.port


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Site]:
    """A server of its own, for a test that changes the output folder."""
    with site(tmp_path) as started:
        yield started


def raw(port: int, target: bytes, method: bytes = b"GET", headers: bytes = b"") -> Answer:
    """One request whose target is sent byte for byte: no client normalises it first."""
    request = b"%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sConnection: close\r\n\r\n" % (
        method,
        target,
        headers,
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    fields = {}
    for line in lines:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    return Answer(int(status_line.split()[1]), fields, body)


# --- S10: traversal, encoded separators, symlinks ---------------------------------------------

TRAVERSALS = [
    b"/feeds/../../etc/passwd",
    b"/feeds/../secret.rss",
    b"/feeds/./../secret.rss",
    b"/../../etc/passwd",
    b"/%2e%2e/%2e%2e/etc/passwd",
    b"/feeds/%2e%2e/%2e%2e/etc/passwd",
    b"/feeds/%2e%2e%2fsecret.rss",
    b"/..%2f..%2fetc%2fpasswd",
    b"/feeds/..%2f..%2fetc%2fpasswd",
    b"/feeds/..%2fsecret.rss",
    b"/feeds/..%252fsecret.rss",
    b"/..%5c..%5cetc%5cpasswd",
    b"/feeds/..%5c..%5csecret.rss",
    b"/feeds/..\\..\\secret.rss",
    b"/..%20/..%20/etc/passwd",
    b"/feeds/..%20/secret.rss",
    b"/feeds/x%00.xml",
    b"/feeds/alpha.rss%00.xml",
    b"/feeds/alpha%00.rss",
    b"/feeds/%00",
    b"//evil.com/..%2f..",
    b"//evil.com/%2e%2e%2f%2e%2e",
    b"/feeds//evil.com/",
    b"/feeds/root%2fetc%2fpasswd",
    b"/feeds/root/etc/passwd",
    b"/feeds/alpha.rss/..%2f..%2fsecret.rss",
    b"/feeds/%2Fetc%2Fpasswd",
    b"/feeds/gamma.rss",  # a configured name whose file is a symlink out of the folder
    b"/feeds/gamma.atom",
    b"/feeds/alpha.rss.gz",  # a precompressed variant, planted as a symlink
    b"/feeds/alpha.atom.gz",
    b"/feeds/secret.rss",
    b"/secret.rss",
    b"/public/../secret.rss",
    b"/etc/passwd",
]


@pytest.mark.parametrize("target", TRAVERSALS, ids=lambda t: t.decode("latin-1"))
def test_S10_hostile_paths_are_refused_with_a_static_body(port: int, target: bytes) -> None:
    for method in (b"GET", b"HEAD"):
        answer = raw(port, target, method, b"Accept-Encoding: gzip, br\r\n")
        assert answer.status in (400, 404), (method, answer)
        assert "location" not in answer.headers
        if method == b"GET":
            assert answer.body in STATIC_REFUSALS, answer.body
        else:
            assert answer.body == b""
        assert SECRET not in answer.body and PASSWD_MARK not in answer.body


def test_S10_unparseable_request_lines_are_400(port: int) -> None:
    for target in (b"/feeds/x\x00.xml", b"/feeds/../ secret.rss", b"/feeds/\x7f/../secret.rss"):
        answer = raw(port, target)
        assert answer.status == 400, target
        assert answer.body in STATIC_REFUSALS and SECRET not in answer.body


def test_S10_the_real_feed_is_still_served_and_never_a_gz_variant(shared: Site) -> None:
    # The refusals above are not a server that refuses everything; the gzip answer is the
    # server's own compression of the feed, never the planted alpha.rss.gz.
    answer = raw(shared.port, b"/feeds/alpha.rss", headers=b"Accept-Encoding: gzip\r\n")
    assert answer.status == 200 and answer.headers["content-encoding"] == "gzip"
    body = gzip.decompress(answer.body)
    assert body == (shared.state.output / "alpha.rss").read_bytes()
    assert SECRET not in body


def test_S10_a_symlinked_feed_is_not_followed_even_when_cached_first(
    fresh: Site, caplog: pytest.LogCaptureFixture
) -> None:
    # Served once as a real file, then swapped for a link: the next request must not follow it.
    alpha = fresh.state.output / "alpha.json"
    assert raw(fresh.port, b"/feeds/alpha.json").status == 200
    alpha.unlink()
    alpha.symlink_to(fresh.state.output.parent / "secret.rss")
    answer = raw(fresh.port, b"/feeds/alpha.json")
    assert answer.status == 404 and SECRET not in answer.body
    # The operator is told why a feed went missing.
    assert any("not a regular file" in r.getMessage() for r in caplog.records)


def test_S10_absolute_form_and_foreign_hosts_never_redirect(port: int) -> None:
    for target, host in (
        (b"/feeds/alpha.rss/", b"evil.com"),
        (b"//evil.com/", b"evil.com"),
        (b"http://evil.com/feeds/../secret.rss", b"evil.com"),
    ):
        answer = raw(port, target, headers=b"X-Forwarded-Host: " + host + b"\r\n")
        assert answer.status in (400, 404) and "location" not in answer.headers, target


# --- S11: headers and error paths ---------------------------------------------------------------

FEED_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}


def assert_sandboxed(csp: str) -> None:
    directives = {part.strip().split(" ")[0]: part.strip() for part in csp.split(";")}
    assert directives["default-src"] == "default-src 'none'"
    assert "sandbox" in directives  # no allow-* tokens
    assert directives["sandbox"] == "sandbox"
    assert "script-src" not in directives  # nothing re-allows script


def test_every_format_of_the_registry_has_an_expected_media_type() -> None:
    # The table above is this test's own expectation, written from the specs; the registry
    # drives the code. A format added there must be added here too.
    from feeds.formats import FORMATS

    assert set(FEED_TYPES) == set(FORMATS)


@pytest.mark.parametrize("fmt", list(FEED_TYPES))
def test_S11_feeds_have_their_type_with_utf8_and_nosniff(port: int, fmt: str) -> None:
    answer = raw(port, f"/feeds/alpha.{fmt}".encode())
    assert answer.status == 200
    assert answer.headers["content-type"] == FEED_TYPES[fmt]
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_S11_every_html_page_is_sandboxed_and_every_answer_nosniff(port: int) -> None:
    for target in (b"/", b"/style.css", b"/feeds.opml", b"/status.json"):
        answer = raw(port, target)
        assert answer.status == 200, target
        assert answer.headers["x-content-type-options"] == "nosniff", target
        kind = answer.headers["content-type"]
        assert kind.startswith(("text/", "application/json")), kind
        if kind.startswith("text/"):
            assert kind.endswith("charset=utf-8"), kind
        if kind.startswith("text/html"):
            assert_sandboxed(answer.headers["content-security-policy"])
    index = raw(port, b"/")
    assert lxml.html.fromstring(index.body).xpath("//script") == []
    # A feed opened in a browser is a page of ours too.
    page = raw(port, b"/feeds/alpha.rss", headers=b"Accept: text/html\r\n")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert_sandboxed(page.headers["content-security-policy"])
    assert lxml.html.fromstring(page.body).xpath("//script") == []


@pytest.mark.parametrize(
    "target",
    [
        b"/feeds/<script>alert(1)</script>",
        b"/feeds/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        b"/feeds/%3Cimg%20src=x%20onerror=alert(1)%3E.rss",
        b"/%3Cscript%3Ealert(1)%3C/script%3E",
        b"/feeds/unknown.rss",
        b"/feeds/alpha.html",
    ],
    ids=lambda t: t.decode(),
)
def test_S11_error_answers_are_static_plain_text(port: int, target: bytes) -> None:
    answer = raw(port, target)
    assert answer.status in (400, 404)
    assert answer.body in STATIC_REFUSALS
    assert b"<" not in answer.body and b"script" not in answer.body.lower()
    if answer.status == 404:
        assert answer.headers["content-type"] == "text/plain; charset=utf-8"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert_sandboxed(answer.headers["content-security-policy"])


def test_S11_wrong_methods_are_static_too(port: int) -> None:
    answer = raw(port, b"/feeds/alpha.rss", b"POST", b"Content-Length: 0\r\n")
    assert answer.status == 405 and answer.body == b"Method Not Allowed"
    assert answer.headers["x-content-type-options"] == "nosniff"


class ExplodingState(FakeState):
    """A service whose store is broken: every read raises, with a message that must not leak."""

    def views(self):  # type: ignore[no-untyped-def]
        raise RuntimeError("store: database disk image is malformed at /srv/feeds/secret.db")

    def intervals(self):  # type: ignore[no-untyped-def]
        raise KeyError("<script>alert('intervals')</script>")

    def metrics_text(self) -> str:
        raise ValueError("metrics exploded <b>here</b>")


def test_S11_an_internal_error_is_a_static_500_without_a_traceback(
    shared: Site, caplog: pytest.LogCaptureFixture
) -> None:
    broken = ExplodingState(shared.state.output, shared.state.source_views)
    with serve(create_app(broken)) as bound:
        for target in (b"/", b"/status.json", b"/feeds.opml", b"/metrics", b"/feeds/alpha.rss"):
            answer = raw(bound, target)
            assert answer.status == 500, target
            assert answer.body == b"internal server error\n", answer.body
            assert answer.headers["content-type"] == "text/plain; charset=utf-8"
            assert answer.headers["x-content-type-options"] == "nosniff"
            assert_sandboxed(answer.headers["content-security-policy"])
            head = raw(bound, target, b"HEAD")
            assert head.status == 500 and head.body == b""
    # The operator gets the traceback in the log, the client never.
    logged = [r for r in caplog.records if r.name == "feeds.server"]
    assert logged and all(r.exc_info for r in logged)


# --- L9: many conditional requests --------------------------------------------------------------


@dataclass
class Probe:
    method: str
    fmt: str
    headers: dict[str, str]
    expect: int


def probes(validators: dict[str, tuple[str, str]]) -> list[Probe]:
    """500 requests: mostly If-None-Match (exact, weak, in a list), some If-Modified-Since
    only, some HEAD, some whose stale If-None-Match must win over a matching date."""
    out: list[Probe] = []
    formats = list(validators)
    for index in range(500):
        fmt = formats[index % len(formats)]
        etag, modified = validators[fmt]
        kind = index % 10
        if kind < 5:
            inm = [etag, f"W/{etag}", f'"stale", {etag}'][index % 3]
            out.append(Probe("GET", fmt, {"If-None-Match": inm}, 304))
        elif kind < 7:
            out.append(Probe("GET", fmt, {"If-Modified-Since": modified}, 304))
        elif kind < 8:
            out.append(Probe("HEAD", fmt, {"If-None-Match": etag}, 304))
        elif kind < 9:
            stale = {"If-None-Match": '"stale"', "If-Modified-Since": modified}
            out.append(Probe("GET", fmt, stale, 200))
        else:
            out.append(Probe("HEAD", fmt, {}, 200))
    return out


def raise_fd_limit(wanted: int) -> None:
    # 500 client and 500 server sockets live in this one process.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


async def fire(port: int, batch: list[Probe]) -> list[tuple[Probe, httpx.Response, float]]:
    limits = httpx.Limits(max_connections=len(batch), max_keepalive_connections=0)
    base = f"http://127.0.0.1:{port}/feeds/"
    async with httpx.AsyncClient(limits=limits, timeout=60, trust_env=False) as client:

        async def one(probe: Probe) -> tuple[Probe, httpx.Response, float]:
            started = time.perf_counter()
            url = f"{base}alpha.{probe.fmt}"
            response = await client.request(probe.method, url, headers=probe.headers)
            return probe, response, time.perf_counter() - started

        return await asyncio.gather(*(one(p) for p in batch))


def test_L9_500_concurrent_conditional_requests(fresh: Site) -> None:
    raise_fd_limit(4096)
    full: dict[str, httpx.Response] = {}
    with httpx.Client(trust_env=False) as client:
        for fmt in FEED_TYPES:
            full[fmt] = client.get(f"http://127.0.0.1:{fresh.port}/feeds/alpha.{fmt}")
    validators = {f: (r.headers["etag"], r.headers["last-modified"]) for f, r in full.items()}
    reads_before = fresh.app.state.files.reads
    assert reads_before == len(FEED_TYPES)

    results = asyncio.run(fire(fresh.port, probes(validators)))

    assert len(results) == 500
    for probe, response, _ in results:
        original = full[probe.fmt]
        assert response.status_code == probe.expect, (probe, response.headers)
        assert response.headers["etag"] == original.headers["etag"]
        assert response.headers["cache-control"] == original.headers["cache-control"]
        assert response.headers["last-modified"] == original.headers["last-modified"]
        assert response.headers["vary"] == "Accept, Accept-Encoding"
        parsedate_to_datetime(response.headers["date"])  # present and an HTTP date
        if probe.expect == 304 or probe.method == "HEAD":
            assert response.content == b""
        if probe.expect == 304:
            assert response.headers.get("content-length", "0") == "0"
            assert "content-type" not in response.headers
        else:
            # HEAD is GET minus the body: same length and type; the INM-wins GETs are whole.
            assert response.headers["content-length"] == original.headers["content-length"]
            assert response.headers["content-type"] == original.headers["content-type"]
            if probe.method == "GET":
                assert response.content == original.content
    # Served from the stat-validated cache: no file was read again for any of the 500.
    assert fresh.app.state.files.reads == reads_before
    latencies = sorted(seconds for _, _, seconds in results)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    assert p99 < 5.0, f"p99 {p99:.2f} s"


def test_L9_a_rewritten_feed_is_read_once_and_old_validators_stop_matching(fresh: Site) -> None:
    with httpx.Client(trust_env=False, base_url=f"http://127.0.0.1:{fresh.port}") as client:
        old = client.get("/feeds/alpha.rss")
        reads = fresh.app.state.files.reads
        path = fresh.state.output / "alpha.rss"
        publish_alpha(fresh.state.output, ITEMS[:1])  # a new version, renamed into place
        os.utime(path, (time.time() + 5, time.time() + 5))  # a later second than the old one
        for _ in range(20):
            again = client.get("/feeds/alpha.rss", headers={"If-None-Match": old.headers["etag"]})
            assert again.status_code == 200 and again.content == path.read_bytes()
        assert fresh.app.state.files.reads == reads + 1
        since = client.get("/feeds/alpha.rss", headers={"If-Modified-Since": old.headers["date"]})
        assert since.status_code == 200
