"""kill -9 for the crash tests: forked children that report their phase, and output checks.

The parent has imported ``feeds`` already, so a forked child starts a poll in milliseconds
where a new interpreter would spend half a second on imports; hundreds of kills stay cheap.
The child writes one byte to a pipe as it enters each phase of interest, so the parent can
kill it inside a chosen phase, and reads afterwards where the kill landed:

    F  an HTTP fetch starts (listing or article page)
    T  a store transaction began         C  it committed
    W  a feed file write starts          w  it ended (written or skipped as identical)

Rules for forking here: the parent holds no open SQLite connection at fork time (SQLite's
locks are per process and do not survive a fork), and the child leaves with ``os._exit`` so
nothing of pytest runs twice.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import signal
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import feedparser
from lxml import etree

FEED_FILES = ("rss", "atom", "json")
TRANSACTION_HOLD = 0.004  # seconds a traced transaction stays open before its COMMIT
TEMP_NAME = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")  # write_atomic's mkstemp names


@dataclass
class Child:
    """A forked child; ``markers`` collects the phase bytes it wrote so far."""

    pid: int
    fd: int
    started: float
    markers: bytearray = field(default_factory=bytearray)
    eof: bool = False
    status: int | None = None

    def wait_marker(self, marker: bytes, count: int = 1, timeout: float = 30.0) -> bool:
        """Block until the child wrote ``marker`` ``count`` times; False if it ended first."""
        deadline = time.monotonic() + timeout
        while self.markers.count(marker) < count:
            if self.eof:
                return False
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"child {self.pid} never reached {marker!r}: {self.markers}")
            self._read(left)
        return True

    def _read(self, timeout: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            chunk = os.read(self.fd, 4096)
            if chunk:
                self.markers += chunk
            else:
                self.eof = True

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def reap(self, timeout: float = 60.0) -> int:
        """Wait for the child to end; its wait status (also kept in ``status``)."""
        deadline = time.monotonic() + timeout
        while True:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                self.kill()
                os.waitpid(self.pid, 0)
                raise AssertionError(f"child {self.pid} hung; markers {bytes(self.markers)}")
            self._read(0.01)
        while not self.eof:  # what it wrote before dying is still in the pipe
            self._read(1.0)
        os.close(self.fd)
        self.status = status
        return status

    @property
    def killed(self) -> bool:
        assert self.status is not None, "reap() first"
        return os.WIFSIGNALED(self.status) and os.WTERMSIG(self.status) == signal.SIGKILL

    @property
    def exit_code(self) -> int | None:
        assert self.status is not None, "reap() first"
        return os.WEXITSTATUS(self.status) if os.WIFEXITED(self.status) else None


def fork_child(body: Callable[[int], int | None]) -> Child:
    """Run ``body(marker_fd)`` in a forked child; its return value is the exit code.

    An exception in the child prints its traceback to stderr (pytest shows it) and exits 70.
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 70
        try:
            os.close(read_fd)
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the process ends with _exit
            code = body(write_fd) or 0
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(code)
    os.close(write_fd)
    return Child(pid, read_fd, time.monotonic())


def trace_phases(fd: int) -> None:
    """In a child: write the phase markers (see the module docstring) to ``fd``."""
    from feeds import output
    from feeds.fetch import Fetcher
    from feeds.store import SQLiteStore

    transaction = SQLiteStore.transaction
    write_atomic = output.write_atomic
    get = Fetcher.get

    @contextlib.contextmanager
    def traced_transaction(self: SQLiteStore) -> Iterator[None]:
        with transaction(self):
            os.write(fd, b"T")
            yield
            # A poll's transaction takes well under a millisecond: held open a little
            # longer, so that a kill aimed at it lands between BEGIN and COMMIT.
            time.sleep(TRANSACTION_HOLD)
        os.write(fd, b"C")

    def traced_write(path: Path, data: bytes, stamp: str | None = None) -> bool:
        os.write(fd, b"W")
        changed = write_atomic(path, data, stamp)
        os.write(fd, b"w")
        return changed

    def traced_get(self: Fetcher, *args: object, **kwargs: object) -> object:
        os.write(fd, b"F")
        return get(self, *args, **kwargs)

    SQLiteStore.transaction = traced_transaction
    output.write_atomic = traced_write
    Fetcher.get = traced_get


def kill_point(markers: bytes) -> str:
    """Where a child died, from the last phase marker it wrote."""
    last = next((chr(m) for m in reversed(markers) if chr(m) in "TCWw"), None)
    return {
        None: "fetching listing/articles" if b"F" in markers else "starting up",
        "T": "inside a store transaction",
        "C": "after a commit, before the feed writes",
        "W": "inside a feed file write",
        "w": "between or after feed file writes",
    }[last]


def temp_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if TEMP_NAME.fullmatch(p.name))


def check_feed_file(path: Path) -> list[str]:
    """Parse one published file as a reader would; its item ids (any problem fails)."""
    data = path.read_bytes()
    if path.suffix == ".json":
        return [item["id"] for item in json.loads(data)["items"]]
    etree.fromstring(data, etree.XMLParser(recover=False, resolve_entities=False))
    parsed = feedparser.parse(data)
    assert not parsed.bozo, f"{path.name}: {parsed.get('bozo_exception')}"
    return [entry.id for entry in parsed.entries]


def check_output_dir(directory: Path, feed_id: str) -> dict[str, list[str]]:
    """Every file is one of the feed's three, complete and valid; their ids by format."""
    names = sorted(p.name for p in directory.iterdir())
    assert names == sorted(f"{feed_id}.{fmt}" for fmt in FEED_FILES), names
    return {fmt: check_feed_file(directory / f"{feed_id}.{fmt}") for fmt in FEED_FILES}


def check_database(path: Path) -> None:
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        db.close()
