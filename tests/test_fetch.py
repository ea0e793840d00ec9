"""The fetcher with httpx.MockTransport: validators, caps, errors that say what to do."""

from __future__ import annotations

import itertools

import httpx
import pytest

from feeds.errors import FetchError
from feeds.fetch import Fetcher
from feeds.guard import Scope


def fetcher(handler, **kwargs):
    """A fetcher on ``handler``; robots.txt is absent (404) unless the handler is asked."""

    def site(request):
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return handler(request)

    return Fetcher(
        user_agent="feeds-test/1", timeout=10, transport=httpx.MockTransport(site), **kwargs
    )


def test_conditional_get_echoes_validators_byte_for_byte():
    seen = {}

    def handler(request):
        seen.update(request.headers)
        if request.headers.get("If-None-Match") == 'W/"abc"':
            return httpx.Response(304)
        return httpx.Response(
            200,
            text="<p>x</p>",
            headers={"ETag": 'W/"abc"', "Last-Modified": "Fri, 06 Dec 2024 02:23:00 GMT"},
        )

    with fetcher(handler) as f:
        page = f.get("https://e.com/")
        assert page.etag == 'W/"abc"' and not page.not_modified
        again = f.get("https://e.com/", etag=page.etag, last_modified=page.last_modified)
    assert again.not_modified and again.status == 304 and again.text == ""
    assert seen["if-none-match"] == 'W/"abc"'
    assert seen["if-modified-since"] == "Fri, 06 Dec 2024 02:23:00 GMT"
    assert seen["user-agent"] == "feeds-test/1"


@pytest.mark.parametrize(
    ("status", "words"),
    [(403, "settings.user_agent"), (404, "check the URL"), (429, "every"), (503, "retried")],
)
def test_http_errors_name_status_url_and_fix(status, words):
    with fetcher(lambda r: httpx.Response(status)) as f, pytest.raises(FetchError) as info:
        f.get("https://e.com/x")
    message = str(info.value)
    assert message.startswith(f"fetch: {status}")
    assert "https://e.com/x" in message and words in message
    assert info.value.status == status


def test_size_cap_stops_big_pages():
    big = httpx.Response(200, content=b"a" * 5000)
    with fetcher(lambda r: big, max_bytes=1000) as f, pytest.raises(FetchError, match="larger"):
        f.get("https://e.com/")


def test_non_html_is_refused():
    response = httpx.Response(200, content=b"%PDF", headers={"Content-Type": "application/pdf"})
    with fetcher(lambda r: response) as f, pytest.raises(FetchError, match="not an HTML page"):
        f.get("https://e.com/a.pdf")


def test_timeouts_and_connection_errors_are_fetch_errors():
    def slow(request):
        raise httpx.ReadTimeout("slow", request=request)

    def down(request):
        raise httpx.ConnectError("refused", request=request)

    with fetcher(slow) as f, pytest.raises(FetchError, match=r"timed out.*settings\.timeout"):
        f.get("https://e.com/")
    with fetcher(down) as f, pytest.raises(FetchError, match=r"cannot connect to e\.com \(refused"):
        f.get("https://e.com/")


def test_a_404_fix_fits_a_url_given_on_the_command_line_too():
    # `feeds extract URL` has no config: the fix must not send the user to one.
    with fetcher(lambda r: httpx.Response(404)) as f, pytest.raises(FetchError) as info:
        f.get("https://e.com/gone")
    assert info.value.fix == "the page is gone; check the URL"
    assert "config" not in str(info.value)


def test_gbk_is_decoded_from_the_header():
    body = "<title>镕盛钢铁</title>".encode("gbk")
    response = httpx.Response(200, content=body, headers={"Content-Type": "text/html; charset=gbk"})
    with fetcher(lambda r: response) as f:
        page = f.get("https://e.com/")
    assert page.encoding == "gb18030" and "镕盛钢铁" in page.text


def test_a_trickling_server_is_cut_off_at_the_deadline():
    import socket
    import threading
    import time

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    stop = threading.Event()

    def trickle():
        conn, _ = server.accept()
        conn.recv(4096)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
        )
        while not stop.is_set():
            try:
                conn.sendall(b"a")
            except OSError:
                break
            time.sleep(0.3)  # each read well under the read timeout
        conn.close()

    threading.Thread(target=trickle, daemon=True).start()
    started = time.monotonic()
    try:
        with Fetcher(user_agent="t", timeout=1) as f, pytest.raises(FetchError, match="within 2 s"):
            url = f"http://127.0.0.1:{port}/"
            f.get(url, scope=Scope.of([url], robots=False))
    finally:
        stop.set()
        server.close()
    assert time.monotonic() - started < 5


def test_host_limits_cap_requests_in_flight_per_host_across_fetchers():
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from feeds.fetch import HostLimits

    lock = threading.Lock()
    state = {"now": 0, "max": 0}

    def slow(request):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        return httpx.Response(200, text="<p>x</p>", headers={"Content-Type": "text/html"})

    limits = HostLimits(concurrency=2)
    fetchers = [fetcher(slow, limits=limits) for _ in range(2)]  # two sources, one host
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: fetchers[i % 2].get(f"https://e.com/{i}"), range(12)))
    assert state["max"] == 2


def test_host_interval_spaces_request_starts():
    import time

    from feeds.fetch import HostLimits

    starts = []

    def record(request):
        starts.append(time.monotonic())
        return httpx.Response(200, text="<p>x</p>", headers={"Content-Type": "text/html"})

    with fetcher(record, limits=HostLimits(concurrency=4, interval=0.1)) as f:
        for i in range(4):
            f.get(f"https://e.com/{i}")
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 0.09
