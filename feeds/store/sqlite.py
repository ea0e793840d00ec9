"""The SQLite store: the truth the feeds are derived from (sqlite3 is used only in this
package).

WAL mode, a busy timeout, foreign keys, and the migrations of ``schema``. A poll writes only
through ``apply``, one plan in one transaction, so an interruption leaves either all of a
plan or none of it. Every sqlite3 error is wrapped once, here, as a chained ``StoreError``
(reader's ``wrap_exceptions``), so a locked or full database fails the poll that met it,
never the process.
"""

from __future__ import annotations

import errno
import functools
import os
import sqlite3
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from feeds.errors import StoreError
from feeds.models import ItemFailure, NewItem, PollEnd, PollPlan
from feeds.store.base import ts
from feeds.store.hub import HubQueries
from feeds.store.items import ItemQueries
from feeds.store.politeness import PolitenessQueries
from feeds.store.portable import ORDER, TABLES, Dump, Row
from feeds.store.schema import MIGRATIONS
from feeds.store.sources import SourceQueries

# Seconds a statement waits for another connection's write lock before "database is locked":
# writes are serialized, and a poll's one transaction lasts milliseconds (F7; xorcise#107).
BUSY_TIMEOUT = 30

T = TypeVar("T")


def out_of_descriptors(error: BaseException) -> bool:
    """Whether a failure was for want of file descriptors (EMFILE/ENFILE). sqlite3 says only
    "unable to open database file", which reads like a permission problem (issue 13.5): so
    try to open a descriptor ourselves."""
    if isinstance(error, OSError):
        return error.errno in (errno.EMFILE, errno.ENFILE)
    if "unable to open" not in str(error):
        return False
    try:
        os.close(os.open(os.devnull, os.O_RDONLY))
    except OSError as e:
        return e.errno in (errno.EMFILE, errno.ENFILE)
    return False


def store_error(e: BaseException, what: str) -> StoreError:
    """What went wrong with the database, and what to try."""
    text = str(e)
    if out_of_descriptors(e):
        text = "too many open files"
        fix = (
            "the process has no file descriptors left: raise its open-files limit "
            "(ulimit -n, systemd LimitNOFILE=) or find what holds them"
        )
    elif "locked" in text or "busy" in text:
        fix = "another process holds the database too long; it is retried on the next poll"
    elif "disk" in text or "full" in text or (isinstance(e, OSError) and e.errno == errno.ENOSPC):
        fix = "the disk is full; free space under settings.data_dir"
    elif "readonly" in text or "read-only" in text:
        fix = "settings.data_dir is not writable by this user"
    else:
        fix = "check settings.data_dir is writable and the file is a feeds database"
    return StoreError(f"{what}: {text}", fix=fix)


def _wrapped(method: Callable[..., T]) -> Callable[..., T]:
    @functools.wraps(method)
    def call(self: SQLiteStore, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as e:
            raise store_error(e, f"{method.__name__} failed") from e

    return call


class SQLiteStore(ItemQueries, SourceQueries, PolitenessQueries, HubQueries):
    """One connection to a SQLite database (a file, or ``:memory:`` for a dry run)."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        try:
            if isinstance(path, Path):
                path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT, isolation_level=None)
        except (sqlite3.Error, OSError) as e:
            raise store_error(e, f"cannot open the database {path}") from e
        try:
            self._db.row_factory = sqlite3.Row
            self._enable_wal()
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT * 1000}")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except (sqlite3.Error, OSError) as e:
            error = store_error(e, f"cannot open the database {path}")  # before close frees one
            self._db.close()
            raise error from e

    def close(self) -> None:
        self._db.close()

    def exclusive(self, key: int) -> AbstractContextManager[None]:
        """One process writes a SQLite file at a time anyway: nothing to take."""
        return nullcontext()

    def save_feed_docs(self, docs: dict[str, bytes]) -> None:
        """One process serves a SQLite store's feeds: its files are the only copy."""

    def feed_docs_since(self, after: datetime) -> list[tuple[str, bytes, datetime]]:
        return []

    def beat(self, name: str, config: str, polls: int) -> None:
        """One process on a SQLite file: no others to tell."""

    def instances(self, silent_for: float) -> list[tuple[str, str, datetime, int, float]]:
        return []

    def polling(self, source_id: str) -> AbstractContextManager[bool]:
        """One process polls from a SQLite file: it may always."""
        return nullcontext(True)

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _enable_wal(self) -> None:
        """WAL, so readers never wait for the poll that writes (and the other way round).

        Turning a new database to WAL needs it alone, and SQLite then answers "database is
        locked" at once instead of calling the busy handler: the first opens of a service's
        threads, or a ``feeds update`` started beside it, would fail without this wait.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or time.monotonic() > deadline:
                    raise
            time.sleep(0.01)

    def _version(self) -> int:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > len(MIGRATIONS):
            raise StoreError(
                f"database {self.path} is from a newer feeds (schema {version})",
                fix="upgrade feeds or point settings.data_dir elsewhere",
            )
        return version

    def _migrate(self) -> None:
        # The version is read again inside each transaction: another process (or thread)
        # opening the same new database may have applied the migration since, and running
        # it twice fails ("table sources already exists").
        while self._version() < len(MIGRATIONS):
            with self.transaction():
                version = self._version()
                if version == len(MIGRATIONS):
                    break
                MIGRATIONS[version](self._db)
                self._db.execute(f"PRAGMA user_version = {version + 1}")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise store_error(e, "cannot start a transaction") from e
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as e:
            self._db.execute("ROLLBACK")
            raise store_error(e, "cannot commit") from e

    # -- the one write of a poll ----------------------------------------------------

    def apply(self, plan: PollPlan) -> None:
        """Write one plan in one transaction: all of it, or (on any error) none of it."""
        with self.transaction():
            for failure in plan.failures:
                self._record_item_error(plan, failure)
            for new in plan.new_items:
                self._insert(new)
            for key, item_key in plan.aliases:
                self._add_alias(plan.source_id, key, item_key)
            for edit in plan.edits:
                self._update_item(edit)
            for key, signature in plan.signatures:
                self._set_listing_sig(plan.source_id, key, signature)
            if plan.end is not None:
                self._end_poll(plan.source_id, plan.now, plan.end)

    def _insert(self, new: NewItem) -> None:
        item = new.item
        if self._add_item(item):
            published = int(item.status == "published")
            self._db.execute(
                """UPDATE sources SET items_seen = items_seen + 1,
                     items_published = items_published + ? WHERE id = ?""",
                (published, item.source_id),
            )
        for alias in new.aliases:
            self._add_alias(item.source_id, alias, item.key)

    def _record_item_error(self, plan: PollPlan, failure: ItemFailure) -> None:
        self._db.execute(
            """INSERT INTO item_errors (source_id, key, url, attempts, last_error, last_attempt)
               VALUES (?, ?, ?, 1, ?, ?)
               ON CONFLICT (source_id, key) DO UPDATE SET attempts = attempts + 1,
                 last_error = excluded.last_error, last_attempt = excluded.last_attempt""",
            (plan.source_id, failure.key, failure.url, failure.error, ts(plan.now)),
        )

    def _end_poll(self, source_id: str, now: datetime, end: PollEnd) -> None:
        if end.ok:
            self._record_success(source_id, now, end.added, end.error, end.polled_by)
        else:
            self._record_failure(source_id, now, end.error or "failed", end.polled_by)
        if end.ok or end.degraded is not None:  # a failure leaves the last verdict standing
            self._db.execute(
                "UPDATE sources SET degraded = ? WHERE id = ?", (end.degraded, source_id)
            )
        if end.backlog is not None:
            self._db.execute(
                "UPDATE sources SET backlog = ? WHERE id = ?", (end.backlog, source_id)
            )
        if end.last_listed is not None:
            self._db.execute(
                "UPDATE sources SET last_listed = ? WHERE id = ?", (end.last_listed, source_id)
            )
        for url, validators in end.validators.items():
            self._save_validators(source_id, url, validators)

    # -- `feeds migrate`: the whole store out and in (portable.Backend) ----------------

    def count_items(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM items").fetchone()[0])

    def dump(self) -> Generator[tuple[str, Iterator[Row]]]:
        """Every table, read in one transaction: a poll committing meanwhile is in the dump
        whole or not at all."""
        try:
            self._db.execute("BEGIN")
            try:
                for table, columns in TABLES.items():
                    order = ORDER.get(table, "rowid")  # items: in the order they came
                    query = f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}"
                    yield table, _rows(self._db.execute(query))
            finally:
                self._db.execute("COMMIT")
        except sqlite3.Error as e:
            raise store_error(e, "dump failed") from e

    def load(self, dump: Dump) -> dict[str, int]:
        """Replace everything with ``dump``, in one transaction; rows written per table."""
        counts: dict[str, int] = {}
        with self.transaction():
            for table in reversed(TABLES):
                self._db.execute(f"DELETE FROM {table}")
            for table, rows in dump:
                columns = TABLES[table]
                query = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({{marks}})"
                marks = ", ".join("?" * len(columns))
                counts[table] = self._db.executemany(query.format(marks=marks), rows).rowcount
        return counts


def _rows(cursor: sqlite3.Cursor) -> Iterator[Row]:
    try:
        for row in cursor:
            yield tuple(row)
    except sqlite3.Error as e:
        raise store_error(e, "dump failed") from e


def _wrap_public_methods(cls: type[SQLiteStore]) -> None:
    """Every public query of every mixin raises StoreError, chained, and nothing else."""
    for name in dir(cls):
        attribute = getattr(cls, name)
        if name.startswith("_") or name == "transaction" or not callable(attribute):
            continue
        setattr(cls, name, _wrapped(attribute))


_wrap_public_methods(SQLiteStore)
