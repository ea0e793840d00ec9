"""Hostile HTTP clients against the real `feeds run` (issue 13.4, 13.5): huge request heads,
slow and idle connections, a flood that would take every file descriptor, a taken port.

Raw sockets, so that nothing trims what the client sends; the server runs as its own process,
so its peak memory and its open descriptors can be read from /proc.
"""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

import pytest
from helpers import destoon_source, free_port, wait_for, write_config

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="reads peak memory and descriptors from /proc"
)

MB = 1024 * 1024
FEEDS_RUN = (sys.executable, "-m", "feeds", "run", "--config")


@contextmanager
def feeds_run(config: Path, *, nofile: int | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """`feeds run` on a free port, optionally under an open-files limit of ``nofile``."""
    port = free_port()
    log = config.parent / f"service-{port}.log"

    def limit() -> None:
        if nofile is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    with log.open("w") as out:
        process = subprocess.Popen(
            [*FEEDS_RUN, str(config), "--listen", f"127.0.0.1:{port}"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={k: v for k, v in os.environ.items() if k != "FEEDS_CONFIG"},
            preexec_fn=limit,
        )
    process.port = port  # type: ignore[attr-defined]
    process.log = log  # type: ignore[attr-defined]
    try:
        wait_for(lambda: healthz(port) == 200)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def healthz(port: int, timeout: float = 3) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout) as answer:
        return int(answer.status)


def memory_kib(pid: int, field: str) -> int:
    """VmHWM (peak resident memory) or VmRSS of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def raise_own_fd_limit(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def status_of(answer: bytes) -> int | None:
    """The status code of a raw HTTP answer, None when the server closed without one."""
    if not answer.startswith(b"HTTP/1."):
        return None
    return int(answer.split(b" ", 2)[1])


def send_head(port: int, head: bytes, chunk: int = 64 * 1024) -> tuple[int | None, float]:
    """Send ``head`` (a request head, maybe enormous) as fast as the server takes it; return
    the status of the answer (None: closed without one) and the seconds it all took."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        with suppress(OSError):  # the server may stop reading and close: that is an answer
            for start in range(0, len(head), chunk):
                sock.sendall(head[start : start + chunk])
        answer = b""
        with suppress(OSError):
            while part := sock.recv(65536):
                answer += part
    return status_of(answer), time.monotonic() - started


def refused(status: int | None) -> bool:
    # 431 (header fields too large), 414 (request line too long), 400 (the parser's own), or a
    # close without an answer: anything but serving the request.
    return status in (None, 400, 414, 431)


# --- 13.4: request heads are bounded --------------------------------------------------------


def test_huge_request_heads_are_refused_early_with_flat_memory(portal, tmp_path):
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    with feeds_run(config) as proc:
        pid, port = proc.pid, proc.port  # type: ignore[attr-defined]
        ok = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        # A real browser's fat cookie still passes.
        assert send_head(port, ok + b"Cookie: " + b"a=b; " * 800 + b"\r\n\r\n")[0] == 200
        peak_before = memory_kib(pid, "VmHWM")

        one_header = ok + b"X-Big: " + b"a" * (20 * MB) + b"\r\n\r\n"
        status, seconds = send_head(port, one_header)
        assert refused(status), status
        assert seconds < 15, f"{seconds:.1f} s to refuse a 20 MB header"

        many_lines = ok + b"".join(b"X-%d: y\r\n" % i for i in range(200_000)) + b"\r\n"
        assert refused(send_head(port, many_lines)[0])

        long_line = b"GET /" + b"a" * (2 * MB) + b" HTTP/1.1\r\nHost: x\r\n\r\n"
        assert refused(send_head(port, long_line)[0])

        # Eight at once, 10 MB each: refused alike, and memory does not follow the bytes sent.
        results: list[int | None] = []
        big = ok + b"X-Big: " + b"b" * (10 * MB) + b"\r\n\r\n"
        threads = [
            threading.Thread(target=lambda: results.append(send_head(port, big)[0]))
            for _ in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert len(results) == 8 and all(refused(s) for s in results), results

        grown = (memory_kib(pid, "VmHWM") - peak_before) / 1024
        assert grown < 40, f"peak memory grew by {grown:.0f} MB for refused requests"
        assert healthz(port) == 200


# --- 13.5: slow and idle clients, descriptors ---------------------------------------------


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """Whether the server closes ``sock`` (maybe after a 408) within ``within`` seconds."""
    sock.settimeout(within)
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        return False
    except OSError:
        return True  # reset: closed too
    return True


def test_idle_half_sent_and_trickling_clients_are_closed(portal, tmp_path):
    raise_own_fd_limit(4096)
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    with feeds_run(config) as proc, ExitStack() as stack:
        port = proc.port  # type: ignore[attr-defined]
        opened = time.monotonic()
        socks = []
        for index in range(300):
            sock = stack.enter_context(socket.create_connection(("127.0.0.1", port)))
            if index % 3 == 1:
                sock.sendall(b"GET /feeds/sample.rss HTTP/1.1\r\nHost: x\r\n")  # never ends
            socks.append(sock)
        trickling = stack.enter_context(socket.create_connection(("127.0.0.1", port)))
        stop = threading.Event()

        def trickle() -> None:
            # One byte of a header every half second: never idle, never done.
            with suppress(OSError):
                trickling.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                while not stop.wait(0.5):
                    trickling.sendall(b"a")

        threading.Thread(target=trickle, daemon=True).start()
        try:
            assert closed_by_server(trickling, within=40), "a trickling client was never closed"
            for sock in socks:
                left = max(1.0, 40 - (time.monotonic() - opened))
                assert closed_by_server(sock, within=left), "an idle client was never closed"
        finally:
            stop.set()
        assert healthz(port) == 200


def test_a_connection_flood_leaves_descriptors_for_polls_and_healthz(portal, tmp_path):
    raise_own_fd_limit(4096)
    source = destoon_source(portal.url("news/")).replace(
        "max_pages = 1", 'max_pages = 1\nevery = "3s"'
    )
    config = write_config(tmp_path, source)
    with feeds_run(config, nofile=256) as proc, ExitStack() as stack:
        pid, port, log = proc.pid, proc.port, proc.log  # type: ignore[attr-defined]
        wait_for(lambda: "poll ok" in log.read_text(), timeout=60)
        for _ in range(300):  # more than the whole descriptor limit of the service
            with suppress(OSError):
                stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=5))
        assert open_fds(pid) < 200, f"{open_fds(pid)} descriptors open of 256"
        # The service still answers and polls while the flood holds its connections.
        polls = log.read_text().count("poll ok")
        assert healthz(port, timeout=10) == 200
        wait_for(lambda: log.read_text().count("poll ok") > polls, timeout=30)
        assert open_fds(pid) < 200
    text = log.read_text()
    assert "cannot open the database" not in text and "Too many open files" not in text


# --- a taken port ---------------------------------------------------------------------------


def test_a_taken_port_says_so_before_serving(tmp_path):
    config = write_config(tmp_path, destoon_source("http://127.0.0.1:9/news/"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [*FEEDS_RUN, str(config), "--listen", f"127.0.0.1:{port}"],
            capture_output=True,
            text=True,
            timeout=60,
            env={k: v for k, v in os.environ.items() if k != "FEEDS_CONFIG"},
        )
    output = done.stdout + done.stderr
    assert done.returncode not in (0, 3), output
    assert f"127.0.0.1:{port}" in output and "port in use" in output, output
    assert "--listen HOST:PORT" in output, output
    assert "serving on" not in output, output


def test_a_store_out_of_descriptors_says_too_many_open_files(tmp_path):
    # Issue 13.5: "check settings.data_dir is writable" sent the operator the wrong way.
    from feeds.errors import StoreError
    from feeds.store import open_store

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(
        resource.RLIMIT_NOFILE, (max(map(int, os.listdir("/proc/self/fd"))) + 8, hard)
    )
    filler: list[int] = []
    try:
        with suppress(OSError):
            while True:  # take every descriptor left under the limit
                filler.append(os.open(os.devnull, os.O_RDONLY))
        with pytest.raises(StoreError) as caught:
            open_store(tmp_path / "feeds.db")
    finally:
        for fd in filler:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert "too many open files" in str(caught.value)
    assert "data_dir is writable" not in str(caught.value)
