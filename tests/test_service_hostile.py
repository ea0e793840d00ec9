"""The service against sites that hang on purpose (issue 13, defects 2 and 3).

A header tarpit accepts the request, sends a status line and then one header byte a second,
forever: the phase httpx's read timeout never ends (each byte restarts it). The service must
keep polling the healthy sources beside such sites, and stop promptly on SIGTERM while a poll
is stuck in one.
"""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from helpers import destoon_source, get_json, service, wait_for, write_config
from portal import SamplePortal

from feeds.store import open_store


@contextmanager
def header_tarpit(host: str) -> Iterator[str]:
    """A server on ``host`` (a loopback address of its own, so that it is a host of its own
    for the per-host limits) that trickles its headers one byte a second to every request."""
    listener = socket.socket()
    listener.bind((host, 0))
    listener.listen(64)
    listener.settimeout(0.1)
    stop = threading.Event()

    def trickle(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                while not stop.wait(1.0):
                    conn.sendall(b"a")
            except OSError:
                return

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=trickle, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{listener.getsockname()[1]}/news/"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def polling_source(url: str, source_id: str, every: str) -> str:
    text = destoon_source(url, id=source_id, include="[]", full_text=False)
    return text.replace("max_pages = 1", f'max_pages = 1\nevery = "{every}"').replace(
        "backfill_pages = 3", "backfill_pages = 1"
    )


def listing_requests(portal: SamplePortal, source_id: str) -> int:
    return sum(1 for _, path in list(portal.requests) if path == f"/news/?src={source_id}")


def test_four_header_tarpits_never_starve_a_healthy_source(portal, tmp_path: Path):
    # Before: four poll threads, all four held by the tarpits' polls; the healthy source
    # got no request in 100 s. A timeout of 60 s keeps the tarpits hanging for the whole test
    # whatever the fetch deadline, so only the service's share of threads can save it.
    with ExitStack() as stack:
        tarpits = [stack.enter_context(header_tarpit(f"127.0.0.{n}")) for n in range(2, 6)]
        sources = [polling_source(url, f"slow-{n}", "2s") for n, url in enumerate(tarpits)]
        sources.append(polling_source(portal.url("news/?src=healthy"), "healthy", "2s"))
        config = write_config(tmp_path, *sources, settings="timeout = 60\n")
        with service(config):
            time.sleep(4)  # the tarpits' first polls are under way and hang
            before = listing_requests(portal, "healthy")
            time.sleep(12)
            after = listing_requests(portal, "healthy")
    # Every 2 s for 12 s: six polls when nothing holds it back; at least three is plenty.
    assert after - before >= 3, (before, after)


def test_sigterm_stops_promptly_while_a_fetch_hangs(portal, tmp_path: Path):
    with header_tarpit("127.0.0.2") as tarpit:
        sources = [
            polling_source(portal.url("news/?src=healthy"), "healthy", "1h"),
            polling_source(tarpit, "slow", "1h"),
        ]
        config = write_config(tmp_path, *sources, settings="timeout = 60\n")
        with service(config) as proc:
            db = tmp_path / "data" / "feeds.db"
            # The healthy source's first poll is done; the slow one's hangs in the headers.
            wait_for(lambda: _status(proc.base, "healthy").get("last_success"), 30)
            time.sleep(3)
            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=60)
            took = time.monotonic() - started
            log = proc.log.read_text()
    # Before: still alive 120 s after SIGTERM. STOP_GRACE is 5 s; the bound is generous.
    assert took < 20, (took, log)
    assert code == 0, log
    assert "abandoned" in log
    # Nothing half-done: the healthy poll stays stored, the slow one left no success, and
    # the store opens cleanly for the next run.
    with open_store(db) as store:
        healthy, slow = store.source_status("healthy"), store.source_status("slow")
    assert healthy is not None and healthy.last_success is not None
    assert slow is None or slow.last_success is None


def _status(base: str, source_id: str) -> dict:
    sources = get_json(base + "status.json")["sources"]
    return next((s for s in sources if s["id"] == source_id), {})
