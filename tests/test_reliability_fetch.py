"""RELIABILITY.md cases of the egress: load held (L1, L3, L4, L8), faults survived (F1-F3,
F9, F10), bad bodies (B1, B2, B8, B9) and the SSRF guard (S1-S5).

Fault behaviours come from ``faults.FaultServer`` (raw sockets on 127.0.0.1); whole polls go
through the sample portal and the real command line.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import urlsplit

import faults
import httpx
import pytest
from faults import FaultServer
from helpers import (
    ROOT,
    destoon_source,
    feeds,
    get_json,
    read_feeds,
    service,
    snapshot,
    stored,
    wait_for,
    write_config,
)

from feeds.errors import FetchError
from feeds.fetch import MAX_REDIRECTS, Fetcher, HostLimits, retry_after
from feeds.guard import Scope, address_problem, registrable_domain, scheme_problem
from feeds.robots import RobotsAnswer, RobotsCache

NOW = datetime(2026, 1, 2, 3, 0, tzinfo=UTC)


def direct(**kwargs):
    """A fetcher on the real network stack (loopback only), as the service builds it."""
    kwargs.setdefault("timeout", 5)
    return Fetcher(user_agent="feeds/test (+tests)", **kwargs)


def open_scope(url: str) -> Scope:
    """The operator's own URL, without robots.txt (the tests of robots are below)."""
    return Scope.of([url], robots=False)


def fetch(url: str, **kwargs):
    with direct(**kwargs) as fetcher:
        return fetcher.get(url, scope=open_scope(url))


def plain_source(id: str, url: str, extra: str = "") -> str:
    return textwrap.dedent(
        f"""
        [[source]]
        id = "{id}"
        url = "{url}"
        {extra}
          [source.listing]
          item = "div.catlist li"
        """
    )


def status_of(tmp_path, source_id: str):
    with stored(tmp_path) as store:
        return store.source_status(source_id)


def item_count(tmp_path, source_id: str) -> int:
    return status_of(tmp_path, source_id).items_seen


# --- A. Load held ---------------------------------------------------------------------------


def test_L1_validators_are_echoed_byte_for_byte_and_a_304_changes_nothing(portal, tmp_path):
    listing = portal.url("news/")
    etag, modified = '"abc"', "Fri, 06 Dec 2024 02:23:00 GMT"
    page = httpx.get(listing).content

    def answer(request: dict[str, str]):
        if request.get("If-None-Match") == etag:
            return 304, {"ETag": etag}, b""
        headers = {"ETag": etag, "Last-Modified": modified, "Content-Type": "text/html"}
        return 200, headers, page

    portal.route("news/", answer)
    config = write_config(tmp_path, destoon_source(listing))
    assert feeds("update", config=config).code == 0
    before = snapshot(tmp_path / "public")
    items = item_count(tmp_path, "sample")
    portal.clear_log()
    run = feeds("update", config=config)
    assert run.code == 0 and "0 new" in run.out and "0 article pages" in run.out
    sent = [
        h
        for (_, path), h in zip(portal.requests, portal.request_headers, strict=False)
        if path == "/news/"
    ]
    assert len(sent) == 1
    assert sent[0]["If-None-Match"] == '"abc"'  # quotes kept
    assert sent[0]["If-Modified-Since"] == modified
    assert snapshot(tmp_path / "public") == before  # no feed rewritten
    assert item_count(tmp_path, "sample") == items


def test_L1_no_validators_means_no_conditional_headers(portal, tmp_path):
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    assert feeds("update", config=config).code == 0
    portal.clear_log()
    assert feeds("update", config=config).code == 0
    for (_, path), headers in zip(portal.requests, portal.request_headers, strict=False):
        assert "If-None-Match" not in headers and "If-Modified-Since" not in headers, path


def test_L3_thirty_sources_on_one_host_keep_to_the_host_limit(portal, tmp_path):
    # 30 zero-config sources on the same portal, polled by one run: whatever the order,
    # never more than host_concurrency requests in flight, starts spaced by host_interval.
    portal.delay = 0.05
    sources = [
        plain_source(f"s{n}", portal.url(f"news/?s={n}"), "full_text = false") for n in range(30)
    ]
    config = write_config(
        tmp_path, *sources, settings="host_concurrency = 2\nhost_interval = 0.02\n"
    )
    started = time.monotonic()
    feeds("update", config=config)
    assert portal.max_in_flight <= 2
    listing_requests = [p for _, p in portal.requests if p.startswith("/news/?s=")]
    assert len(listing_requests) == 30
    assert time.monotonic() - started >= 30 * 0.02


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120),
        (format_datetime(NOW + timedelta(minutes=5), usegmt=True), 300),
        ("99999999", 24 * 3600),
        (format_datetime(NOW + timedelta(days=30), usegmt=True), 24 * 3600),
        (format_datetime(NOW - timedelta(days=1), usegmt=True), 0),
    ],
)
def test_L4_retry_after_seconds_and_dates_are_capped(value, seconds):
    assert retry_after(value, NOW) == NOW + timedelta(seconds=seconds)


def test_L4_retry_after_garbage_is_ignored():
    assert retry_after("soon", NOW) is None and retry_after(None, NOW) is None


@pytest.mark.parametrize("status", [429, 503])
def test_L4_no_request_to_the_host_before_retry_after_even_after_a_restart(
    portal, tmp_path, status
):
    header = (
        "120"
        if status == 429
        else format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    )
    portal.route("news/", "busy", status=status, headers={"Retry-After": header})
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    run = feeds("update", config=config)
    assert run.code == 1 and f"{status}" in run.out and "wait until" in run.out
    with stored(tmp_path) as store:
        ((host, until),) = store.host_holds(datetime.now(UTC)).items()
    assert host == "127.0.0.1"
    left = until - datetime.now(UTC)
    assert timedelta(seconds=60) < left <= timedelta(seconds=121)
    portal.clear_log()
    again = feeds("update", config=config)  # a new process: the hold comes from the store
    assert again.code == 1 and "asked us to wait" in again.out
    assert portal.requests == []


def test_L4_absurd_retry_after_is_capped_at_a_day():
    limits = HostLimits(1)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "99999999"})

    with (
        Fetcher(
            user_agent="t", timeout=5, transport=httpx.MockTransport(handler), limits=limits
        ) as fetcher,
        pytest.raises(FetchError, match="429"),
    ):
        fetcher.get("http://a.example/", scope=open_scope("http://a.example/"))
    until = limits.held_until("http://a.example/other", datetime.now(UTC))
    assert until is not None
    assert until - datetime.now(UTC) <= timedelta(hours=24)


# --- robots.txt (L8) --------------------------------------------------------------------------


@pytest.fixture
def robots_config(portal, tmp_path):
    def make(text: str | None = None, status: int = 200) -> tuple:
        if text is not None or status != 200:
            portal.route("robots.txt", text or "", status=status, content_type="text/plain")
        return write_config(tmp_path, destoon_source(portal.url("news/")))

    return make


def test_L8_disallowed_paths_are_never_fetched(portal, robots_config):
    config = robots_config("User-agent: *\nDisallow: /news\n")
    run = feeds("update", config=config)
    assert run.code == 1 and "robots.txt" in run.out
    assert [p for _, p in portal.requests] == ["/robots.txt"]


def test_L8_a_group_for_our_agent_wins_over_the_star_group(portal, robots_config):
    config = robots_config("User-agent: *\nDisallow: /\n\nUser-agent: feeds\nAllow: /\n")
    assert feeds("update", config=config).code == 0


def test_L8_missing_robots_allows_everything(portal, robots_config):
    config = robots_config()  # the portal answers 404
    assert feeds("update", config=config).code == 0
    assert portal.count("/robots.txt") == 1  # and only once per run, for every page


@pytest.mark.parametrize("status", [500, 503, 429])
def test_L8_server_errors_disallow_everything(portal, robots_config, status):
    config = robots_config(status=status)
    run = feeds("update", config=config)
    assert run.code == 1 and "robots.txt" in run.out
    assert portal.count("/news") == 0


def test_L8_only_the_first_500_kib_are_read(portal, robots_config):
    filler = "# " + "x" * 1000 + "\n"
    text = "User-agent: *\nDisallow: /secret\n" + filler * 620 + "Disallow: /news\n"
    config = robots_config(text)
    assert len(text) > 600 * 1024
    assert feeds("update", config=config).code == 0  # the late Disallow is past 500 KiB


def test_L8_redirects_are_followed_up_to_five_hops(portal, tmp_path):
    def chain(hops: int, rules: str) -> None:
        for n in range(hops):
            target = "/robots-final.txt" if n == hops - 1 else f"/robots-{n + 1}.txt"
            path = "robots.txt" if n == 0 else f"robots-{n}.txt"
            portal.route(path, "", status=301, headers={"Location": target})
        portal.route("robots-final.txt", rules, content_type="text/plain")

    rules = "User-agent: *\nDisallow: /news\n"
    chain(5, rules)  # five redirects: followed, and the rules hold
    with direct() as fetcher, pytest.raises(FetchError, match="robots"):
        fetcher.get(portal.url("news/"), scope=Scope.of([portal.url("news/")]))
    chain(6, rules)  # six: robots.txt counts as unavailable, which allows (RFC 9309 2.3.1.2)
    with direct() as fetcher:
        assert fetcher.get(portal.url("news/"), scope=Scope.of([portal.url("news/")])).text


def test_L8_answers_are_cached_a_day_per_scheme_host_and_port():
    clock = [NOW]
    fetched: list[str] = []

    def fetch_robots(url: str) -> RobotsAnswer:
        fetched.append(url)
        return RobotsAnswer(200, "User-agent: *\nDisallow: /private\n", clock[0])

    cache = RobotsCache(clock=lambda: clock[0])
    assert cache.verdict("http://a.example/news/1", "feeds", fetch_robots)[0] is None
    assert cache.verdict("http://a.example/private/1", "feeds", fetch_robots)[0] is not None
    assert fetched == ["http://a.example/robots.txt"]
    cache.verdict("https://a.example/news/1", "feeds", fetch_robots)
    cache.verdict("http://a.example:8080/news/1", "feeds", fetch_robots)
    assert len(fetched) == 3  # another scheme or port is another robots.txt
    clock[0] = NOW + timedelta(hours=23)
    cache.verdict("http://a.example/news/2", "feeds", fetch_robots)
    assert len(fetched) == 3
    clock[0] = NOW + timedelta(hours=25)
    cache.verdict("http://a.example/news/2", "feeds", fetch_robots)
    assert len(fetched) == 4


def test_L8_a_server_error_reuses_the_stale_copy():
    clock = [NOW]
    answers = [
        RobotsAnswer(200, "User-agent: *\nDisallow: /private\n", NOW),
        RobotsAnswer(503, "", NOW + timedelta(hours=25)),
    ]
    cache = RobotsCache(clock=lambda: clock[0])
    cache.verdict("http://a.example/", "feeds", lambda url: answers[0])
    clock[0] = NOW + timedelta(hours=25)
    assert cache.verdict("http://a.example/news", "feeds", lambda url: answers[1])[0] is None
    refusal = cache.verdict("http://a.example/private", "feeds", lambda url: answers[1])[0]
    assert refusal == "robots.txt of the site disallows it"


def test_L8_robots_can_be_turned_off_for_a_site_the_operator_runs(portal, tmp_path):
    portal.route("robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    source = destoon_source(portal.url("news/")).replace(
        "full_text = true", "full_text = true\nrobots = false"
    )
    config = write_config(tmp_path, source)
    assert feeds("update", config=config).code == 0
    assert portal.count("/robots.txt") == 0


def test_L8_crawl_delay_spaces_requests_to_the_host(portal, robots_config):
    config = robots_config("User-agent: *\nCrawl-delay: 0.2\n")
    started = time.monotonic()
    assert feeds("update", config=config).code == 0
    fetched = len([p for _, p in portal.requests if p != "/robots.txt"])
    assert fetched > 5
    assert time.monotonic() - started >= (fetched - 1) * 0.2


# --- B. Faults survived -------------------------------------------------------------------------


def test_F1_a_trickling_server_is_cut_off_at_the_overall_deadline():
    with FaultServer() as server:
        url = server.on("slow", faults.trickle(0.3))
        started = time.monotonic()
        with pytest.raises(FetchError, match="not received within 2 s"):
            fetch(url, timeout=1)
    assert time.monotonic() - started < 5


def ends_within(seconds: float, call) -> BaseException | None:
    """What ``call()`` raised (None if nothing), failing the test if it is still running after
    ``seconds``: a fetch that hangs for hours must fail here, not hang the suite."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
        except BaseException as e:  # handed to the test thread
            outcome.append(e)
        else:
            outcome.append(None)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert outcome, f"still running after {seconds} s"
    return outcome[0]


@contextlib.contextmanager
def stalled(phase: str):
    """(url, resolver) of a request that stalls in ``phase`` and would never end by itself:
    each step is quicker than the 1 s connect or read timeout, only the deadline stops it."""
    release = threading.Event()
    with FaultServer() as server, contextlib.ExitStack() as stack:
        stack.callback(release.set)  # lets a stalled lookup thread end with the test
        if phase == "name lookup":
            url = f"http://slow-dns.example:{server.port}/page"
            yield url, lambda host, port: release.wait(60) and ["127.0.0.1"]
        elif phase == "connect":
            # One host, many addresses, each dropping SYNs: 1 s of connect timeout per address.
            blackhole = stack.enter_context(contextlib.closing(faults.full_backlog()))
            _, listener = next(blackhole)
            url = f"http://blackhole.example:{listener.getsockname()[1]}/"
            yield url, lambda host, port: ["127.0.0.1"] * 60
        else:
            behaviour = {
                "status line": faults.slow_status(0.3),
                "headers": faults.slow_headers(0.3),
                "body": faults.trickle(0.3),
            }[phase]
            url = server.on("page", behaviour).replace("127.0.0.1", "tarpit.example")
            yield url, lambda host, port: ["127.0.0.1"]


@pytest.mark.parametrize("phase", ["name lookup", "connect", "status line", "headers", "body"])
def test_F1_a_stall_in_any_phase_ends_at_the_overall_deadline(phase):
    # timeout = 1: connect and each read get 1 s, the whole request 2 s, whatever the phase.
    with stalled(phase) as (url, resolver):
        started = time.monotonic()
        error = ends_within(2 + 10, lambda: fetch(url, timeout=1, resolver=resolver))
        elapsed = time.monotonic() - started
    assert isinstance(error, FetchError), error
    message = str(error)
    assert "not received within 2 s, the overall deadline" in message
    assert f"stalled in the {phase}" in message and "raise settings.timeout" in message
    assert elapsed < 2 + 10


def test_F1_the_deadline_belongs_to_the_request_not_the_kept_alive_connection():
    # Two quick pages on one kept-alive connection, the second asked for after longer than a
    # deadline: each request has its own 2 s, so the reused connection is no reason to fail.
    page = faults.head(Content_Length="9") + b"<p>ok</p>"
    with FaultServer() as server:
        first = server.on("a", faults.respond(page), keep_alive=True)
        second = server.on("b", faults.respond(page), keep_alive=True)
        with direct(timeout=1) as fetcher:
            assert fetcher.get(first, scope=open_scope(first)).text == "<p>ok</p>"
            time.sleep(2.5)
            assert fetcher.get(second, scope=open_scope(second)).text == "<p>ok</p>"
        assert server.connections == 1


@pytest.mark.parametrize("tarpit", ["headers", "body"])
def test_F1_a_trickling_source_does_not_hold_up_the_others(portal, tmp_path, tarpit):
    behaviour = faults.slow_headers(0.3) if tarpit == "headers" else faults.trickle(0.3)
    with FaultServer() as server:
        slow = server.on("news/", behaviour)
        config = write_config(
            tmp_path,
            destoon_source(slow, id="slow").replace("full_text", "robots = false\nfull_text"),
            destoon_source(portal.url("news/"), id="fine"),
            settings="timeout = 1\n",
        )
        started = time.monotonic()
        run = feeds("update", config=config)
    assert run.code == 1
    assert "slow: FAILED" in run.out and "not received within 2 s" in run.out
    assert f"stalled in the {tarpit}" in run.out
    assert "fine: ok" in run.out
    assert time.monotonic() - started < 60


def test_F2_a_server_that_never_answers_times_out():
    with FaultServer() as server:
        url = server.on("mute", faults.silent())
        started = time.monotonic()
        with pytest.raises(FetchError, match="timed out after 1 s waiting for the status line"):
            fetch(url, timeout=1)
    assert time.monotonic() - started < 5


def test_F2_a_blackholed_connect_times_out():
    blackhole = faults.full_backlog()
    url, _ = next(blackhole)
    try:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"cannot connect to 127\.0\.0\.1:\d+ \(timed out"):
            fetch(url, timeout=1)
        assert time.monotonic() - started < 5
    finally:
        blackhole.close()


@pytest.mark.parametrize("fault", ["cut", "reset"])
def test_F3_a_body_cut_short_is_a_failure(fault):
    with FaultServer() as server:
        url = server.on("page", faults.cut() if fault == "cut" else faults.reset())
        with pytest.raises(FetchError):
            fetch(url)


def test_F3_a_cut_article_is_not_marked_seen_and_is_retried(portal, tmp_path):
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    assert feeds("update", config=config).code == 0
    new = portal.add_article("英伟达发布新一代AI芯片")
    # The article page promises 50 KB and closes after a few bytes.
    path = f"news/{new.id}.html"
    portal.route(path, lambda request: (200, {"Content-Length": "50000"}, b"<html><h1>half"))
    run = feeds("update", config=config)
    assert "0 new" in run.out and "article" in run.out
    ids = [e.id for e in read_feeds(tmp_path / "public", "sample")["atom"].entries]
    assert not any(f"/{new.id}.html" in i for i in ids)
    portal.unroute(path)
    run = feeds("update", config=config)
    assert "1 new" in run.out
    ids = [e.id for e in read_feeds(tmp_path / "public", "sample")["atom"].entries]
    assert any(f"/{new.id}.html" in i for i in ids)


def nxdomain(host: str, port: int) -> list[str]:
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


def test_F9_unresolvable_hosts_fail_closed():
    with pytest.raises(FetchError, match=r"cannot connect to nx\.example\.invalid"):
        fetch("http://nx.example.invalid/", resolver=nxdomain)


def closed_port() -> int:
    """A loopback port nobody listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("host", "resolver", "reason"),
    [
        ("127.0.0.1:{port}", None, "connection refused"),
        ("nx.example.invalid", nxdomain, "no such host name"),
    ],
)
def test_F9_an_unreachable_site_is_named_as_such_not_as_a_robots_problem(host, resolver, reason):
    # robots.txt is the first request to a site: its failure to connect is the site's.
    url = f"http://{host.format(port=closed_port())}/news/"
    kwargs = {"resolver": resolver} if resolver else {}
    with direct(**kwargs) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get(url, scope=Scope.of([url]))
    message = str(info.value)
    assert message.startswith(f"fetch: cannot connect to {urlsplit(url).netloc} ({reason})")
    assert "check the URL and the network" in message and "robots" not in message


def test_F9_a_refused_connection_in_a_run_says_cannot_connect(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/news/"
    run = feeds("update", config=write_config(tmp_path, destoon_source(url)))
    assert run.code == 1
    assert "cannot connect to 127.0.0.1" in run.out and "(connection refused)" in run.out
    assert "robots" not in run.out and "check the URL and the network" in run.out


def test_F9_a_site_that_comes_back_is_read_at_once():
    # Down on the first request (robots.txt): nothing is remembered that would refuse the
    # next one for an hour once the site is up.
    answers = [["127.0.0.2"], ["127.0.0.1"]]  # the site listens on 127.0.0.1 only

    def resolver(host: str, port: int) -> list[str]:
        return answers.pop(0) if len(answers) > 1 else answers[0]

    with FaultServer() as server, direct(resolver=resolver) as fetcher:
        server.on("news/", faults.respond(faults.head(Content_Length="9") + b"<p>up</p>"))
        url = f"http://site.example:{server.port}/news/"
        with pytest.raises(FetchError, match="connection refused"):
            fetcher.get(url, scope=Scope.of([url]))
        assert fetcher.get(url, scope=Scope.of([url])).text == "<p>up</p>"


def test_F9_a_robots_txt_that_never_answers_is_a_timeout_of_the_site():
    with FaultServer() as server:
        server.on("robots.txt", faults.silent())
        url = server.url("news/")
        with direct(timeout=1) as fetcher, pytest.raises(FetchError) as info:
            fetcher.get(url, scope=Scope.of([url]))
    message = str(info.value)
    assert "timed out after 1 s waiting for the status line" in message
    assert "robots = false" not in message


def test_F9_a_tls_error_fails_that_source_only(portal, tmp_path):
    tls = portal.url("news/").replace("http://", "https://")  # TLS to a plain HTTP port
    config = write_config(
        tmp_path,
        destoon_source(tls, id="tls"),
        destoon_source(portal.url("news/"), id="fine"),
    )
    run = feeds("update", config=config)
    assert run.code == 1 and "tls: FAILED" in run.out and "fine: ok" in run.out
    assert "TLS handshake with 127.0.0.1" in run.out and "http or https" in run.out
    assert "robots" not in run.out


def test_F9_a_self_signed_certificate_is_refused():
    ssl = pytest.importorskip("ssl")
    trustme = pytest.importorskip("trustme")
    authority = trustme.CA()
    cert = authority.issue_cert("127.0.0.1")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    port = listener.getsockname()[1]
    import threading

    def serve() -> None:
        try:
            conn, _ = listener.accept()
            with context.wrap_socket(conn, server_side=True) as tls:
                tls.recv(1024)
        except (OSError, ssl.SSLError):
            pass

    threading.Thread(target=serve, daemon=True).start()
    try:
        with pytest.raises(FetchError, match=r"CERTIFICATE_VERIFY_FAILED|certificate"):
            fetch(f"https://127.0.0.1:{port}/")
    finally:
        listener.close()


@pytest.mark.parametrize("status", [404, 410])
def test_F9_gone_listing_fails_that_source_with_a_fix(portal, tmp_path, status):
    portal.set_status("news/", status)
    config = write_config(
        tmp_path,
        destoon_source(portal.url("news/"), id="gone"),
        destoon_source(portal.url("news/index.html"), id="fine"),
    )
    run = feeds("update", config=config)
    assert run.code == 1 and f"gone: FAILED fetch: {status}" in run.out and "fine: ok" in run.out
    assert "remove or update the URL" in run.out or "check the URL" in run.out
    row = status_of(tmp_path, "gone")
    assert row.consecutive_failures == 1 and str(status) in row.last_error


def test_F9_a_410_listing_stops_polling_and_alerts(portal, tmp_path):
    portal.set_status("news/", 410)
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    run = feeds("update", config=config)
    assert run.code == 1 and "410" in run.out and "polling paused for 7 days" in run.out


def test_F9_a_410_listing_pauses_the_source_in_the_service(portal, tmp_path):
    portal.set_status("news/", 410)
    config = write_config(tmp_path, destoon_source(portal.url("news/")))

    def paused() -> dict | None:
        view = get_json(running.base + "status.json")["sources"][0]
        if not view["next_poll"] or not view["degraded"]:
            return None
        ahead = datetime.fromisoformat(view["next_poll"]) - datetime.now(UTC)
        return view if ahead > timedelta(days=6) else None

    with service(config) as running:
        view = wait_for(paused, timeout=120)
    assert "410 Gone" in view["degraded"] and view["state"] in ("failing", "degraded")


def test_F10_a_redirect_loop_stops_at_the_cap(portal):
    portal.route("a", "", status=302, headers={"Location": "/b"})
    portal.route("b", "", status=302, headers={"Location": "/a"})
    portal.clear_log()
    with pytest.raises(FetchError, match=f"more than {MAX_REDIRECTS} redirects"):
        fetch(portal.url("a"))
    assert len(portal.requests) == MAX_REDIRECTS + 1
    assert MAX_REDIRECTS <= 10


def test_F10_a_long_chain_stops_at_the_cap(portal):
    for n in range(25):
        portal.route(f"hop{n}", "", status=301, headers={"Location": f"/hop{n + 1}"})
    portal.clear_log()
    with pytest.raises(FetchError, match="redirects"):
        fetch(portal.url("hop0"))
    assert len(portal.requests) == MAX_REDIRECTS + 1


def test_F10_a_permanent_redirect_is_reported_not_persisted(portal, tmp_path):
    old = portal.url("old-news/")
    portal.route("old-news/", "", status=301, headers={"Location": portal.url("news/")})
    config = write_config(tmp_path, destoon_source(old))
    before = config.read_text(encoding="utf-8")
    run = feeds("update", config=config)
    assert run.code == 0 and "moved permanently" in run.out and portal.url("news/") in run.out
    assert config.read_text(encoding="utf-8") == before
    portal.clear_log()
    feeds("update", config=config)
    assert ("GET", "/old-news/") in portal.requests  # still asks the configured URL


# --- C. Bad inputs: charsets and sizes --------------------------------------------------------


def test_B1_gb2312_label_is_read_as_gb18030():
    text = "镕盛钢铁 𠀀 € 碁 ⾓"  # GBK-only, a 4-byte GB18030 character, and more
    body = f"<html><head><title>{text}</title></head><body>{text}</body></html>"
    data = body.encode("gb18030")
    with FaultServer() as server:
        url = server.on(
            "gbk",
            faults.respond(
                faults.head(Content_Type="text/html; charset=gb2312", Content_Length=str(len(data)))
                + data
            ),
        )
        page = fetch(url)
    assert page.encoding == "gb18030" and text in page.text and "\ufffd" not in page.text


@pytest.mark.parametrize(
    ("declared", "codec", "text"),
    [
        ("utf-8", "gbk", "中国钢铁工业协会发布最新数据，人工智能芯片需求增长"),
        ("gbk", "utf-8", "中国钢铁工业协会发布最新数据，人工智能芯片需求增长"),
        ("big5", "big5hkscs", "香港特別行政區政府公佈最新數據：佢哋嘅𨋢啲咗嘢㗎"),
    ],
)
def test_B2_a_wrong_declared_charset_is_overridden_by_the_bytes(declared, codec, text):
    data = f"<html><body><p>{text}</p></body></html>".encode(codec)
    response = faults.head(
        Content_Type=f"text/html; charset={declared}", Content_Length=str(len(data))
    )
    with FaultServer() as server:
        page = fetch(server.on("page", faults.respond(response + data)))
    assert text in page.text and "\ufffd" not in page.text


def test_B8_an_endless_page_stops_at_the_cap_while_streaming():
    with FaultServer() as server:
        url = server.on("endless", faults.endless())
        with pytest.raises(FetchError, match="larger than 1 MB"):
            fetch(url, max_bytes=1024 * 1024)


@pytest.mark.slow
def test_B8_peak_memory_stays_near_the_cap():
    # A 10 MB cap against an endless body, in a fresh process: its peak RSS shows the
    # body is never held whole (Python and httpx alone take ~45 MB).
    with FaultServer() as server:
        url = server.on("endless", faults.endless())
        script = textwrap.dedent(
            f"""
            from feeds.fetch import Fetcher
            from feeds.guard import Scope
            with Fetcher(user_agent="t", timeout=30) as f:
                try:
                    f.get({url!r}, scope=Scope.of([{url!r}], robots=False))
                except Exception as e:
                    print(type(e).__name__)
            # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent
            # (pytest, hundreds of MB) across exec, VmHWM belongs to this process alone.
            status = open("/proc/self/status").read()
            print(int(status.split("VmHWM:")[1].split()[0]) // 1024)
            """
        )
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120
        )
    name, peak = done.stdout.split()
    assert name == "FetchError"
    assert int(peak) < 10 + 100, f"peak RSS {peak} MB"


def test_B9_a_gzip_bomb_stops_at_the_decoded_cap():
    body = faults.zeros_gzip(64)  # 64 MB of zeros in ~64 KB
    assert len(body) < 200 * 1024
    with FaultServer() as server:
        url = server.on("bomb", faults.bomb(body, "gzip"))
        with pytest.raises(FetchError, match="larger than 1 MB"):
            fetch(url, max_bytes=1024 * 1024)


def test_B9_every_member_of_a_multi_member_gzip_body_is_read():
    first = "<html><body><ul><li>第一条</li>".encode()
    second = "<li>第二条</li></ul></body></html>".encode()
    padded = gzip.compress(first) + b"\0" * 8 + gzip.compress(second)  # gzip(1) allows NULs
    with FaultServer() as server:
        for path, body in [("two", gzip.compress(first) + gzip.compress(second)), ("pad", padded)]:
            text = fetch(server.on(path, faults.bomb(body, "gzip"))).text
            assert "第一条" in text and "第二条" in text, path


def test_B9_a_bomb_in_a_later_gzip_member_stops_at_the_cap():
    body = gzip.compress(b"<p>small first member</p>") + faults.zeros_gzip(64)
    with FaultServer() as server:
        url = server.on("bomb", faults.bomb(body, "gzip"))
        with pytest.raises(FetchError, match="larger than 1 MB"):
            fetch(url, max_bytes=1024 * 1024)


def test_B9_garbage_after_a_gzip_member_is_a_broken_body():
    body = gzip.compress(b"<p>first</p>") + b"not gzip at all"
    with FaultServer() as server:
        url = server.on("junk", faults.bomb(body, "gzip"))
        with pytest.raises(FetchError, match="broken compressed body"):
            fetch(url)


def test_B9_nested_and_unadvertised_encodings_are_refused():
    inner = gzip.compress(b"<p>hello</p>")
    with FaultServer() as server:
        six = server.on("six", faults.bomb(inner, ", ".join(["gzip"] * 6)))
        brotli = server.on("br", faults.bomb(b"\x1b\x00\x00", "br"))
        zstd = server.on("zstd", faults.bomb(b"\x28\xb5\x2f\xfd", "zstd"))
        with pytest.raises(FetchError, match="6 content encodings"):
            fetch(six)
        with pytest.raises(FetchError, match="unsupported content encoding br"):
            fetch(brotli)
        with pytest.raises(FetchError, match="unsupported content encoding zstd"):
            fetch(zstd)


def test_B9_gzip_and_deflate_pages_are_read_and_br_is_not_advertised(portal):
    html = "<html><body><p>压缩的页面</p></body></html>".encode()
    import zlib

    portal.route("gz", gzip.compress(html), headers={"Content-Encoding": "gzip"})
    portal.route("zl", zlib.compress(html), headers={"Content-Encoding": "deflate"})
    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    portal.route("raw", raw.compress(html) + raw.flush(), headers={"Content-Encoding": "deflate"})
    portal.route(
        "twice", gzip.compress(gzip.compress(html)), headers={"Content-Encoding": "gzip, gzip"}
    )
    for path in ("gz", "zl", "raw", "twice"):
        assert "压缩的页面" in fetch(portal.url(path)).text, path
    accept = portal.request_headers[-1]["Accept-Encoding"]
    assert "br" not in accept and "zstd" not in accept


# --- D. Security: schemes, scope and addresses ------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "gopher://127.0.0.1:70/_x",
        "ftp://example.com/x",
        "data:text/html,<b>x</b>",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
    ],
)
def test_S1_other_schemes_are_refused_before_any_io(url, tmp_path):
    assert scheme_problem(url) is not None
    requests = []
    transport = httpx.MockTransport(lambda r: requests.append(r) or httpx.Response(200))
    with (
        Fetcher(user_agent="t", timeout=5, transport=transport) as fetcher,
        pytest.raises(FetchError, match="refused: only http and https"),
    ):
        fetcher.get(url, scope=Scope.of(["http://example.com/"]))
    assert requests == []
    config = write_config(tmp_path, plain_source("bad", url))
    run = feeds("config", config=config)
    assert run.code == 2 and "source[1].url" in run.err and "http(s) URL" in run.err


BLOCKED_HOSTS = [
    "127.0.0.1:{port}",
    "localhost:{port}",
    "localhost.:{port}",
    "2130706433:{port}",
    "0x7f000001:{port}",
    "0177.0.0.1:{port}",
    "127.1:{port}",
    "0.0.0.0:{port}",
    "[::1]:{port}",
    "[::ffff:127.0.0.1]:{port}",
    "169.254.169.254",
    "10.0.0.1",
    "100.64.0.1",
    "[fd00::1]",
]


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1",
        "::1",
        "::ffff:127.0.0.1",
        "169.254.169.254",
        "10.0.0.1",
        "172.16.0.1",
        "192.168.1.1",
        "100.64.0.1",
        "0.0.0.0",
        "fd00::1",
        "fe80::1",
        "224.0.0.1",
        "240.0.0.1",
        "192.0.2.1",
    ],
)
def test_S2_non_public_addresses_are_refused(ip):
    assert address_problem(ip) is not None


def test_S2_public_addresses_pass():
    assert address_problem("93.184.216.34") is None
    assert address_problem("2606:2800:220:1:248:1893:25c8:1946") is None


def test_S2_links_to_internal_addresses_are_never_connected_to(portal, tmp_path):
    # The portal (127.0.0.1:PORT, configured, trusted as written) links to a second
    # loopback server under every spelling of an internal address; none may be reached.
    with FaultServer() as victim:
        victim.on("secret", faults.respond(faults.head(Content_Length="2") + b"ok"))
        links = "".join(
            f'<li><a href="http://{host.format(port=victim.port)}/secret">文章{n}</a>'
            f"<i>2024-12-0{1 + n % 9}</i></li>"
            for n, host in enumerate(BLOCKED_HOSTS)
        )
        portal.route("evil/", f'<div class="catlist"><ul>{links}</ul></div>')
        config = write_config(tmp_path, destoon_source(portal.url("evil/")))
        feeds("update", config=config)
        assert victim.connections == 0


def test_S3_a_name_resolving_to_loopback_is_refused_without_connecting():
    with FaultServer() as victim:
        victim.on("secret", faults.respond(faults.head(Content_Length="2") + b"ok"))
        lookups: list[str] = []

        def resolver(host: str, port: int) -> list[str]:
            lookups.append(host)
            return ["127.0.0.1"]

        url = f"http://internal.example:{victim.port}/secret"
        scope = Scope.of(["http://news.example/"], allow_hosts=["internal.example"], robots=False)
        with direct(resolver=resolver) as fetcher, pytest.raises(FetchError, match="loopback"):
            fetcher.get(url, scope=scope)
        assert victim.connections == 0 and lookups == ["internal.example"]
        # The same name with private networks allowed: the checked address is the one used.
        with direct(resolver=resolver, allow_private_networks=True) as fetcher:
            assert fetcher.get(url, scope=scope).text == "ok"
        assert victim.connections == 1


def test_S3_rebinding_cannot_slip_between_check_and_connect():
    # One lookup per connection, and the connection goes to the address that was checked:
    # a resolver that answers differently on each call never gets a second question.
    with FaultServer() as victim:
        victim.on("x", faults.respond(faults.head(Content_Length="2") + b"ok"))
        answers = [["127.0.0.1"], ["93.184.216.34"]]
        calls: list[int] = []

        def rebinding(host: str, port: int) -> list[str]:
            calls.append(port)
            return answers[min(len(calls) - 1, 1)]

        scope = Scope.of(["http://news.example/"], allow_hosts=["rebind.example"], robots=False)
        with direct(resolver=rebinding) as fetcher, pytest.raises(FetchError, match="refused"):
            fetcher.get(f"http://rebind.example:{victim.port}/x", scope=scope)
        assert calls == [victim.port] and victim.connections == 0


def test_S4_redirects_to_internal_addresses_are_refused_at_the_hop(portal, tmp_path):
    with FaultServer() as victim:
        victim.on("x", faults.respond(faults.head(Content_Length="2") + b"ok"))
        portal.route("r1", "", status=302, headers={"Location": "http://169.254.169.254/"})
        portal.route("r2", "", status=307, headers={"Location": "file:///etc/passwd"})
        portal.route("r3", "", status=302, headers={"Location": victim.url("x")})
        with direct() as fetcher:
            scope = Scope.of([portal.url("news/")], robots=False)
            for path, words in [("r1", "not one of the source's hosts"), ("r2", "only http")]:
                with pytest.raises(FetchError, match=words):
                    fetcher.get(portal.url(path), scope=scope)
            with pytest.raises(FetchError, match="loopback"):
                fetcher.get(portal.url("r3"), scope=scope)
        assert victim.connections == 0


def admin_server() -> FaultServer:
    """Source A's site on a loopback port: a listing, and an /admin page B must never reach."""
    server = FaultServer()
    item = '<li><a href="/a1.html">甲站文章</a><i>2024-12-01</i></li>'
    listing = f'<div class="catlist"><ul>{item}</ul></div>'
    page = "<html><body><h1>甲站文章</h1><p>正文</p></body></html>"
    for path, html in [("news/", listing), ("a1.html", page), ("admin/secret", "secret")]:
        data = html.encode()
        response = faults.head(Content_Length=str(len(data))) + data
        server.on(path, faults.respond(response), keep_alive=True)
    return server


def test_S6_a_source_never_inherits_the_trust_of_another_in_one_run(portal, tmp_path):
    # B is on 127.0.0.1 too (so the link is in its scope) and links to A's configured port.
    with admin_server() as a_site:
        secret = a_site.url("admin/secret")
        links = f'<li><a href="{secret}">乙站文章</a><i>2024-12-02</i></li>'
        portal.route("b/", f'<div class="catlist"><ul>{links}</ul></div>')
        config = write_config(
            tmp_path,
            destoon_source(a_site.url("news/"), id="a", include="[]"),
            destoon_source(portal.url("b/"), id="b", include="[]"),
        )
        run = feeds("update", config=config)
        assert "/a1.html" in a_site.paths, run.out  # A itself was read
        assert "/admin/secret" not in a_site.paths


def test_S6_a_kept_alive_connection_carries_no_trust_to_another_source():
    # A's request leaves a pooled connection to 127.0.0.1:P; B's request to the same origin
    # must be refused on that connection too, not only when a new one is opened.
    with admin_server() as a_site, direct() as fetcher:
        a_url, secret = a_site.url("news/"), a_site.url("admin/secret")
        assert "甲站文章" in fetcher.get(a_url, scope=Scope.of([a_url], robots=False)).text
        b_scope = Scope.of(["http://127.0.0.1:1/b/"], robots=False)
        with pytest.raises(FetchError, match="loopback"):
            fetcher.get(secret, scope=b_scope)
        assert a_site.paths == ["/news/"] and a_site.connections == 1
        # A keeps its trust, on the same connection.
        assert "甲站文章" in fetcher.get(a_url, scope=Scope.of([a_url], robots=False)).text


def test_S5_links_to_other_hosts_are_kept_as_links_only(portal, tmp_path):
    with FaultServer() as other:
        links = (
            '<li><a href="http://evil.test/a.html">外部文章 AI</a><i>2024-12-01</i></li>'
            '<li><a href="http://intranet/b.html">内部主机 AI</a><i>2024-12-02</i></li>'
            f'<li><a href="{other.url("c.html")}">另一端口 AI</a><i>2024-12-03</i></li>'
        )
        portal.route("mixed/", f'<div class="catlist"><ul>{links}</ul></div>')
        config = write_config(tmp_path, destoon_source(portal.url("mixed/")))
        run = feeds("update", config=config)
        assert run.code == 0, run.out
        assert other.connections == 0
    titles = {e.title: e.link for e in read_feeds(tmp_path / "public", "sample")["atom"].entries}
    assert titles["外部文章 AI"] == "http://evil.test/a.html"
    assert "内部主机 AI" in titles


def test_S5_scope_takes_registrable_domains_and_allow_hosts():
    scope = Scope.of(["https://news.example.com.cn/list/"], allow_hosts=["img.cdn.example"])
    assert scope.problem("https://www.example.com.cn/a.html") is None
    assert scope.problem("http://m.news.example.com.cn/a.html") is None
    assert scope.problem("https://a.img.cdn.example/x") is None
    assert scope.problem("https://other.com.cn/x") is not None
    assert scope.problem("https://example.com.cn.evil.test/x") is not None
    assert registrable_domain("news.example.com.cn") == "example.com.cn"


def test_S5_allow_hosts_must_be_host_names(tmp_path):
    source = plain_source("s", "https://news.example.com/", 'allow_hosts = ["https://x.com/"]')
    run = feeds("config", config=write_config(tmp_path, source))
    assert run.code == 2 and "allow_hosts" in run.err and "host name" in run.err
