"""Feed files and their browser pages as the server serves them: read once per version of
the file, with an ETag per representation and the compressed forms made once (brotli is used
only here)."""

from __future__ import annotations

import dataclasses
import errno
import gzip
import hashlib
import logging
import os
import stat
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from contextlib import suppress
from pathlib import Path

import brotli

log = logging.getLogger("feeds.server")

FILE_CACHE_ENTRIES = 256  # three per source; far more than any config holds
# Brotli's best quality costs ~0.5 s per MB: worth it for a feed of normal size, compressed
# once per version; a huge one gets a quicker quality.
BROTLI_BEST_UP_TO = 1024 * 1024


# --- representations ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Body:
    data: bytes
    etag: str  # strong, quoted; differs per content coding


@dataclasses.dataclass(frozen=True)
class FeedFile:
    """One representation (a feed file, or a feed's browser page) and its compressed forms."""

    data: bytes
    etag: str  # strong: the bytes' sha256, quoted
    mtime: int  # whole seconds, as Last-Modified carries them
    encoded: Mapping[str, Body] = dataclasses.field(default_factory=dict)  # coding -> body

    def body(self, coding: str | None) -> Body:
        return self.encoded[coding] if coding else Body(self.data, self.etag)


def represent(data: bytes, mtime: int) -> FeedFile:
    """``data`` with its ETag, gzipped and brotli-compressed (each kept only when smaller)."""
    digest = hashlib.sha256(data).hexdigest()[:32]
    quality = 11 if len(data) <= BROTLI_BEST_UP_TO else 6
    compressed = {
        # mtime=0: the same bytes give the same gzip bytes, so the ETag says the truth.
        "gzip": gzip.compress(data, compresslevel=9, mtime=0),
        "br": brotli.compress(data, quality=quality),
    }
    encoded = {
        coding: Body(packed, f'"{digest}-{coding}"')
        for coding, packed in compressed.items()
        if len(packed) < len(data)
    }
    return FeedFile(data, f'"{digest}"', mtime, encoded)


# What tells one version of a file from the next: a rename gives a new inode, a rewrite in
# place a new mtime or size.
Stamp = tuple[int, int, int]


class FileCache:
    """Feed files by path, valid while the path's (inode, mtime_ns, size) stays the same.

    ``publish`` replaces a feed by renaming a new file over it (and so do the other instances
    of a cluster, through ``feeds.shared``), so a stat tells whether the cached bytes are still
    the file's: a hot feed costs a stat, not a read, a hash and two compressions. The read
    goes through one open file (fstat + read), so the bytes and their stamp always belong
    together even when a rename happens in between. Keeping one entry per path bounds the
    cache by the number of feeds.

    Only regular files are served, never through a symlink: ``publish`` always writes real
    files, so a link in the output folder was put there by someone else and may point
    anywhere (aiohttp CVE-2024-23334 served files outside the root through one).
    """

    def __init__(self, max_entries: int = FILE_CACHE_ENTRIES) -> None:
        self._lock = threading.Lock()  # route functions run on several threads
        # Keyed by the path's text: Path objects made per request compare in Python, and a
        # hit compared keys twice (get, move_to_end), as much as the lstat (issue 19).
        self._entries: OrderedDict[str, tuple[Stamp, FeedFile]] = OrderedDict()
        self._max_entries = max_entries
        self.reads = 0  # files actually read, for tests

    def cached(self, path: Path) -> FeedFile | None:
        """The file's bytes when they are in memory and still the file's (one lstat, no
        read: cheap enough for the event loop); None when they must be read. Raises
        FileNotFoundError like ``get``."""
        key = os.fspath(path)
        stamp = _stamp(_regular(os.lstat(key), path))
        # No lock: asked on the event loop per request, and each of these two calls is one
        # step of the dict under the GIL; ``get`` may evict the key between them.
        hit = self._entries.get(key)
        if hit is None or hit[0] != stamp:
            return None
        with suppress(KeyError):
            self._entries.move_to_end(key)
        return hit[1]

    def get(self, path: Path) -> FeedFile:
        """The file's bytes; FileNotFoundError when it does not exist or is not a regular
        file (a symlink, a folder)."""
        hit = self.cached(path)
        if hit is not None:
            return hit
        try:
            # O_NOFOLLOW: a link swapped in after the lstat fails here (ELOOP) rather than
            # being read.
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0))
        except OSError as e:
            if e.errno != errno.ELOOP:
                raise  # gone (FileNotFoundError) or unreadable: not our call to hide
            raise NotAFile(f"{path}: a symlink") from e
        with os.fdopen(fd, "rb") as handle:
            opened = _regular(os.fstat(handle.fileno()), path)
            data = handle.read()
        feed = represent(data, opened.st_mtime_ns // 1_000_000_000)
        with self._lock:
            self.reads += 1
            key = os.fspath(path)
            self._entries[key] = (_stamp(opened), feed)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return feed


class PageCache:
    """Browser pages of feeds by (source id, format), rebuilt only when what they are made
    from (the JSON Feed file's ETag, the feed's public address) changes."""

    def __init__(self, max_entries: int = FILE_CACHE_ENTRIES) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, str], tuple[tuple[str, str], FeedFile]] = (
            OrderedDict()
        )
        self._max_entries = max_entries
        self.builds = 0  # pages actually built, for tests

    def get(
        self, key: tuple[str, str], made_from: tuple[str, str], mtime: int, build: Callable[[], str]
    ) -> FeedFile:
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and hit[0] == made_from:
                self._entries.move_to_end(key)
                return hit[1]
        page = represent(build().encode("utf-8"), mtime)
        with self._lock:
            self.builds += 1
            self._entries[key] = (made_from, page)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return page


class NotAFile(FileNotFoundError):
    """The feed's name is taken by a symlink or a folder: answered as a missing feed."""


def _stamp(found: os.stat_result) -> Stamp:
    return (found.st_ino, found.st_mtime_ns, found.st_size)


def _regular(found: os.stat_result, path: Path) -> os.stat_result:
    if not stat.S_ISREG(found.st_mode):
        raise NotAFile(f"{path}: not a regular file")
    return found


# --- negotiation and validators (pure) ------------------------------------------------------
