"""Feed files written so that readers see the old or the new file, never a mix: every format
re-parsed strictly first, temp file + fsync + rename, identical bytes not rewritten, and the
output folder claimed at start (temp files of interrupted writes removed). Each file can carry
the stamp of what it was rendered from (``stamped``), so that a poll that changed nothing need
not render it again."""

from __future__ import annotations

import os
import stat
import tempfile
from contextlib import suppress
from datetime import datetime
from pathlib import Path

from feeds.errors import RenderError
from feeds.formats import FORMATS
from feeds.lazyre import lazy

# The stamp lives in an extended attribute of the file itself: it goes wherever the file's
# inode goes (a rename keeps it, a replacement drops it), and adds no file a directory listing,
# a web server or a backup would see. Where the file system has none, every poll renders.
STAMP_ATTRIBUTE = "user.feeds.rendered"


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable; without it a crash can bring back the old file.
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, stamp: str | None = None) -> bool:
    """Replace ``path`` with ``data`` so readers see the old or the new file, never a mix.

    Returns False without touching the file (its mtime stays, so HTTP caches stay valid)
    when it already holds exactly ``data``. Creates the parent directory when missing.
    ``stamp`` (what the bytes were made from) is attached to the file, see ``stamped``.
    """
    try:
        current = path.stat()
    except FileNotFoundError:
        current = None
    if current is not None and current.st_size == len(data) and path.read_bytes() == data:
        if stamp is not None:
            _stamp(path, stamp)
        return False
    # Keep the mode of the file we replace; new files get 0644 because mkstemp's 0600
    # would hide them from the web server that serves the directory.
    mode = stat.S_IMODE(current.st_mode) if current is not None else 0o644
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            if stamp is not None:  # before the rename: the file never shows without it
                _stamp(handle.fileno(), stamp)
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(directory)
    return True


def _stamp(file: Path | int, stamp: str) -> None:
    """Attach ``stamp`` with the file's size and mtime: a later write by anything else
    changes them and so voids it. Best effort: without the attribute the file is rendered
    again next time, as it would be without stamps."""
    with suppress(OSError):
        found = os.stat(file)
        value = f"{stamp} {found.st_size} {found.st_mtime_ns}".encode()
        os.setxattr(file, STAMP_ATTRIBUTE, value)


def stamped(output_dir: Path, feed_id: str, stamp: str) -> bool:
    """True when every format's file of the feed exists, unchanged since it was written
    with ``stamp``: rendering the same data again would give the same bytes."""
    for fmt in FORMATS:
        path = output_dir / f"{feed_id}.{fmt}"
        try:
            found = path.stat()
            value = os.getxattr(path, STAMP_ATTRIBUTE)
        except OSError:  # no file, no stamp, or no extended attributes here
            return False
        if value.decode(errors="replace") != f"{stamp} {found.st_size} {found.st_mtime_ns}":
            return False
    return True


def publish(
    output_dir: Path, feed_id: str, rendered: dict[str, bytes], stamp: str | None = None
) -> list[Path]:
    """Write ``<output_dir>/<feed_id>.<fmt>`` for each rendered format, once all of them
    parse (``check_parses``); each carries ``stamp`` when given (see ``stamped``).

    Returns the paths whose content changed (and so were rewritten), in ``FORMATS`` order.
    """
    from feeds.render import check_parses  # lxml: only when there is something to write

    if not feed_id or feed_id.startswith(".") or any(c in feed_id for c in "/\\\0"):
        raise RenderError(
            f"feed id {feed_id!r} cannot be used as a file name",
            fix="use letters, digits, '-', '_' or '.' in feed ids, not starting with '.'",
        )
    unknown = sorted(set(rendered) - set(FORMATS))
    if unknown:
        raise RenderError(f"unknown feed format(s) {', '.join(unknown)} for feed {feed_id}")
    # All formats are checked before any is written, so the three files never disagree.
    check_parses(feed_id, rendered)
    written: list[Path] = []
    for fmt in FORMATS:
        if fmt not in rendered:
            continue
        path = output_dir / f"{feed_id}.{fmt}"
        try:
            if write_atomic(path, rendered[fmt], stamp):
                written.append(path)
        except OSError as exc:
            raise RenderError(
                f"cannot write {path}: {exc.strerror or exc}",
                fix=f"check that {output_dir} is a writable directory with free space",
            ) from exc
    return written


# write_atomic's temp names: "." + the feed file's name + "." + mkstemp's 8 characters + ".tmp".
_TEMP_NAME = lazy(r"\..+\.[a-z0-9_]{8}\.tmp")


_MIRRORED = tuple(f".{name}" for name in FORMATS)


def mirror(output_dir: Path, name: str, data: bytes, when: datetime) -> bool:
    """A feed file another instance published (issue 16), written here when it differs,
    dated as published so Last-Modified agrees too. Names come from our own store, but are
    checked all the same: a bare ``<id>.<format>``, nothing else."""
    if Path(name).name != name or name.startswith(".") or not name.endswith(_MIRRORED):
        return False
    path = output_dir / name
    if not write_atomic(path, data):
        return False
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))
    return True


class OutputClaim:
    """``with OutputClaim(output_dir) as removed:`` write feeds as one of the directory's
    writers, after removing the temp files that dead writers left.

    A writer killed between mkstemp and rename (kill -9, power loss) leaves its temp file.
    Nothing serves it (feeds are looked up by name), but it would pile up, so it is removed at
    startup; only when no other writer is alive, though: a running ``feeds run`` beside a
    ``feeds update`` may be between its own mkstemp and rename. Each writer holds a shared
    flock on the directory inside the block; the cleanup takes the exclusive one, which the
    kernel frees when a writer dies. ``removed`` lists the files deleted; when the directory
    cannot be created or locked nothing is removed (the writes themselves report why).
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._fd: int | None = None

    def __enter__(self) -> list[Path]:
        import fcntl  # POSIX only, like the rename guarantees write_atomic relies on

        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            return []
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another writer is alive (or the file system has no flock)
            with suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_SH)
            return []
        removed: list[Path] = []
        with os.scandir(self.directory) as entries:
            for entry in entries:
                if _TEMP_NAME.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                    with suppress(FileNotFoundError):
                        os.unlink(entry.path)
                        removed.append(Path(entry.path))
        fcntl.flock(self._fd, fcntl.LOCK_SH)  # the cleanup is done: others may start
        return removed

    def __exit__(self, *exc_info: object) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
