"""The SQLite state, the truth the feeds are derived from (sqlite3 is used only here).

WAL mode, a busy timeout, foreign keys, and append-only migrations keyed by
``PRAGMA user_version``. A poll's results are written in one transaction, so an interruption
leaves either all of a poll or none of it.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from feeds.errors import StoreError
from feeds.models import StoredItem
from feeds.robots import RobotsAnswer

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE sources (
        id TEXT PRIMARY KEY,
        created TEXT NOT NULL,
        last_attempt TEXT,
        last_success TEXT,
        last_error TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        polls INTEGER NOT NULL DEFAULT 0,
        last_new INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE items (
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        id TEXT NOT NULL,
        url TEXT NOT NULL,
        title TEXT NOT NULL,
        author TEXT,
        summary TEXT,
        content_html TEXT,
        published TEXT NOT NULL,
        published_ts REAL NOT NULL,
        updated TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        date_precision TEXT NOT NULL,
        status TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        PRIMARY KEY (source_id, key)
    );
    CREATE INDEX items_newest ON items (source_id, status, published_ts DESC);
    CREATE TABLE aliases (
        source_id TEXT NOT NULL,
        key TEXT NOT NULL,
        item_key TEXT NOT NULL,
        PRIMARY KEY (source_id, key),
        FOREIGN KEY (source_id, item_key) REFERENCES items (source_id, key) ON DELETE CASCADE
    );
    CREATE TABLE item_errors (
        source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        url TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        last_error TEXT NOT NULL,
        last_attempt TEXT NOT NULL,
        PRIMARY KEY (source_id, key)
    );
    CREATE TABLE validators (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT
    );
    """,
    """
    CREATE TABLE schedule (
        source_id TEXT PRIMARY KEY,
        next_run TEXT NOT NULL
    );
    """,
    """
    ALTER TABLE sources ADD COLUMN degraded TEXT;
    """,
    """
    CREATE TABLE host_holds (
        host TEXT PRIMARY KEY,
        until TEXT NOT NULL
    );
    CREATE TABLE robots (
        url TEXT PRIMARY KEY,
        status INTEGER NOT NULL,
        body TEXT NOT NULL,
        fetched_at TEXT NOT NULL
    );
    ALTER TABLE items ADD COLUMN listing_sig TEXT;
    CREATE INDEX items_digest ON items (source_id, content_hash);
    """,
    """
    ALTER TABLE sources ADD COLUMN last_listed INTEGER;
    """,
)


@dataclass(frozen=True)
class SourceStatus:
    id: str
    created: datetime
    last_attempt: datetime | None
    last_success: datetime | None
    last_error: str | None
    consecutive_failures: int
    polls: int
    last_new: int
    items_seen: int
    items_published: int
    degraded: str | None = None  # the poll worked around a problem the operator must fix


@dataclass(frozen=True)
class ItemError:
    key: str
    url: str
    attempts: int
    last_error: str


def _ts(value: datetime) -> str:
    return value.isoformat()


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# Seconds a statement waits for another connection's write lock before "database is locked":
# writes are serialized, and a poll's one transaction lasts milliseconds (F7; xorcise#107).
BUSY_TIMEOUT = 30


def _out_of_descriptors(error: Exception) -> bool:
    """Whether opening failed for want of file descriptors (EMFILE/ENFILE). sqlite3 says only
    "unable to open database file", which reads like a permission problem (issue 13.5): so
    try to open a descriptor ourselves."""
    if isinstance(error, OSError):
        return error.errno in (errno.EMFILE, errno.ENFILE)
    try:
        os.close(os.open(os.devnull, os.O_RDONLY))
    except OSError as e:
        return e.errno in (errno.EMFILE, errno.ENFILE)
    return False


class Store:
    """One connection to ``<data_dir>/feeds.db``."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        try:
            if isinstance(path, Path):
                path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._enable_wal()
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT * 1000}")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except (sqlite3.Error, OSError) as e:
            if _out_of_descriptors(e):
                raise StoreError(
                    f"cannot open the database {path}: too many open files",
                    fix="the process has no file descriptors left: raise its open-files "
                    "limit (ulimit -n, systemd LimitNOFILE=) or find what holds them",
                ) from e
            raise StoreError(
                f"cannot open the database {path}: {e}",
                fix="check settings.data_dir is writable and the file is a feeds database",
            ) from e

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
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
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {version + 1}")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- sources -----------------------------------------------------------------

    def ensure_source(self, source_id: str, now: datetime) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO sources (id, created) VALUES (?, ?)", (source_id, _ts(now))
        )

    def source_created(self, source_id: str) -> datetime | None:
        row = self._db.execute("SELECT created FROM sources WHERE id = ?", (source_id,)).fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def source_status(self, source_id: str) -> SourceStatus | None:
        row = self._db.execute(
            """SELECT s.*,
                 (SELECT count(*) FROM items i WHERE i.source_id = s.id) AS items_seen,
                 (SELECT count(*) FROM items i WHERE i.source_id = s.id
                    AND i.status = 'published') AS items_published
               FROM sources s WHERE s.id = ?""",
            (source_id,),
        ).fetchone()
        if row is None:
            return None
        return SourceStatus(
            id=row["id"],
            created=datetime.fromisoformat(row["created"]),
            last_attempt=_dt(row["last_attempt"]),
            last_success=_dt(row["last_success"]),
            last_error=row["last_error"],
            consecutive_failures=row["consecutive_failures"],
            polls=row["polls"],
            last_new=row["last_new"],
            items_seen=row["items_seen"],
            items_published=row["items_published"],
            degraded=row["degraded"],
        )

    def record_success(self, source_id: str, now: datetime, new: int, error: str | None) -> None:
        """A completed poll; ``error`` keeps per-item problems visible without failing it."""
        self._db.execute(
            """UPDATE sources SET last_attempt = ?, last_success = ?, last_error = ?,
                 consecutive_failures = 0, polls = polls + 1, last_new = ? WHERE id = ?""",
            (_ts(now), _ts(now), error, new, source_id),
        )

    def last_listed(self, source_id: str) -> int | None:
        """How many items page one of the listing gave at the last successful poll."""
        row = self._db.execute(
            "SELECT last_listed FROM sources WHERE id = ?", (source_id,)
        ).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def set_last_listed(self, source_id: str, count: int) -> None:
        self._db.execute("UPDATE sources SET last_listed = ? WHERE id = ?", (count, source_id))

    def set_degraded(self, source_id: str, message: str | None) -> None:
        self._db.execute("UPDATE sources SET degraded = ? WHERE id = ?", (message, source_id))

    def record_failure(self, source_id: str, now: datetime, error: str) -> None:
        self._db.execute(
            """UPDATE sources SET last_attempt = ?, last_error = ?,
                 consecutive_failures = consecutive_failures + 1, polls = polls + 1
               WHERE id = ?""",
            (_ts(now), error, source_id),
        )

    def polled_sources(self) -> set[str]:
        """Sources with a completed poll: the ones whose feeds the store can (re)build."""
        rows = self._db.execute("SELECT id FROM sources WHERE last_success IS NOT NULL")
        return {row[0] for row in rows}

    # -- items -------------------------------------------------------------------

    def known_keys(self, source_id: str, keys: Iterable[str]) -> set[str]:
        """Which of these keys the store has seen, as an item or as an alias of one."""
        wanted = list(keys)  # read twice, once per table
        found: set[str] = set()
        for table in ("items", "aliases"):
            query = f"SELECT key FROM {table} WHERE source_id = ? AND key IN ({{marks}})"
            found.update(row[0] for row in self._keyed_rows(query, source_id, wanted))
        return found

    def _keyed_rows(self, query: str, source_id: str, keys: Iterable[str]) -> Iterator[sqlite3.Row]:
        """Rows of ``query`` (with ``{marks}`` where the key list goes) for these keys, in
        chunks below SQLite's limit on bound parameters."""
        wanted = list(dict.fromkeys(keys))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            yield from self._db.execute(
                query.format(marks=",".join("?" * len(chunk))), (source_id, *chunk)
            )

    def has_items(self, source_id: str) -> bool:
        row = self._db.execute("SELECT 1 FROM items WHERE source_id = ? LIMIT 1", (source_id,))
        return row.fetchone() is not None

    def add_item(self, item: StoredItem) -> None:
        """Insert a new item; an existing key is left untouched (ids never change)."""
        self._db.execute(
            """INSERT OR IGNORE INTO items (source_id, key, id, url, title, author, summary,
                 content_html, published, published_ts, updated, first_seen, date_precision,
                 status, content_hash)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                item.source_id,
                item.key,
                item.id,
                item.url,
                item.title,
                item.author,
                item.summary,
                item.content_html,
                _ts(item.published),
                item.published.timestamp(),
                _ts(item.updated),
                _ts(item.first_seen),
                item.date_precision,
                item.status,
                item.content_hash,
            ),
        )
        self._db.execute(
            "DELETE FROM item_errors WHERE source_id = ? AND key = ?", (item.source_id, item.key)
        )

    def add_alias(self, source_id: str, key: str, item_key: str) -> None:
        if key != item_key:
            self._db.execute(
                "INSERT OR IGNORE INTO aliases (source_id, key, item_key) VALUES (?, ?, ?)",
                (source_id, key, item_key),
            )

    def feed_items(self, source_id: str, limit: int) -> list[StoredItem]:
        """The newest published items: by date, then newest first-seen, then insertion."""
        rows = self._db.execute(
            """SELECT * FROM items WHERE source_id = ? AND status = 'published'
               ORDER BY published_ts DESC, first_seen DESC, rowid DESC LIMIT ?""",
            (source_id, limit),
        )
        return [_item(row) for row in rows]

    def item(self, source_id: str, key: str) -> StoredItem | None:
        row = self._db.execute(
            "SELECT * FROM items WHERE source_id = ? AND key = ?", (source_id, key)
        ).fetchone()
        return _item(row) if row else None

    # -- item errors -------------------------------------------------------------

    def record_item_error(
        self, source_id: str, key: str, url: str, error: str, now: datetime
    ) -> int:
        """Count a failed article; returns how many times it has failed so far."""
        self._db.execute(
            """INSERT INTO item_errors (source_id, key, url, attempts, last_error, last_attempt)
               VALUES (?, ?, ?, 1, ?, ?)
               ON CONFLICT (source_id, key) DO UPDATE SET attempts = attempts + 1,
                 last_error = excluded.last_error, last_attempt = excluded.last_attempt""",
            (source_id, key, url, error, _ts(now)),
        )
        row = self._db.execute(
            "SELECT attempts FROM item_errors WHERE source_id = ? AND key = ?", (source_id, key)
        ).fetchone()
        return int(row[0])

    def item_errors(self, source_id: str) -> list[ItemError]:
        rows = self._db.execute(
            "SELECT * FROM item_errors WHERE source_id = ? ORDER BY last_attempt DESC",
            (source_id,),
        )
        return [ItemError(r["key"], r["url"], r["attempts"], r["last_error"]) for r in rows]

    def statuses(self) -> dict[str, SourceStatus]:
        rows = self._db.execute("SELECT id FROM sources").fetchall()
        out = {}
        for (source_id,) in rows:
            status = self.source_status(source_id)
            if status is not None:
                out[source_id] = status
        return out

    # -- schedule ----------------------------------------------------------------

    def next_runs(self) -> dict[str, datetime]:
        rows = self._db.execute("SELECT source_id, next_run FROM schedule")
        return {row[0]: datetime.fromisoformat(row[1]) for row in rows}

    def save_next_run(self, source_id: str, when: datetime) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO schedule (source_id, next_run) VALUES (?, ?)",
            (source_id, _ts(when)),
        )

    # -- HTTP validators ---------------------------------------------------------

    def validators(self, url: str) -> tuple[str | None, str | None]:
        row = self._db.execute(
            "SELECT etag, last_modified FROM validators WHERE url = ?", (url,)
        ).fetchone()
        return (row["etag"], row["last_modified"]) if row else (None, None)

    def save_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        if etag is None and last_modified is None:
            self._db.execute("DELETE FROM validators WHERE url = ?", (url,))
            return
        self._db.execute(
            "INSERT OR REPLACE INTO validators (url, etag, last_modified) VALUES (?, ?, ?)",
            (url, etag, last_modified),
        )

    # -- politeness: Retry-After holds and robots.txt answers ------------------------

    def host_holds(self, now: datetime) -> dict[str, datetime]:
        """Hosts that asked us to wait, with the time they named (expired ones dropped)."""
        self._db.execute("DELETE FROM host_holds WHERE until <= ?", (_ts(now),))
        rows = self._db.execute("SELECT host, until FROM host_holds")
        return {row[0]: datetime.fromisoformat(row[1]) for row in rows}

    def save_host_hold(self, host: str, until: datetime) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO host_holds (host, until) VALUES (?, ?)", (host, _ts(until))
        )

    def robots_answers(self) -> dict[str, RobotsAnswer]:
        # The body column holds the rules of a 2xx answer, else why there are none.
        answers = {}
        for url, status, body, fetched_at in self._db.execute(
            "SELECT url, status, body, fetched_at FROM robots"
        ):
            when = datetime.fromisoformat(fetched_at)
            answer = RobotsAnswer(status, body, when)
            answers[url] = answer if answer.ok else RobotsAnswer(status, "", when, body)
        return answers

    def save_robots(self, url: str, answer: RobotsAnswer) -> None:
        body = answer.text if answer.ok else answer.error
        self._db.execute(
            "INSERT OR REPLACE INTO robots (url, status, body, fetched_at) VALUES (?, ?, ?, ?)",
            (url, answer.status, body, _ts(answer.fetched_at)),
        )

    # -- edits ---------------------------------------------------------------------

    def listing_sigs(self, source_id: str, keys: Iterable[str]) -> dict[str, str | None]:
        """The listing signature of each of ``keys`` that is an item (None: not recorded yet);
        alias keys are not in the result."""
        query = "SELECT key, listing_sig FROM items WHERE source_id = ? AND key IN ({marks})"
        return {row[0]: row[1] for row in self._keyed_rows(query, source_id, keys)}

    def set_listing_sig(self, source_id: str, key: str, sig: str) -> None:
        self._db.execute(
            "UPDATE items SET listing_sig = ? WHERE source_id = ? AND key = ?",
            (sig, source_id, key),
        )

    def twin(self, item: StoredItem) -> str | None:
        """The key of a stored item with the same words on the same day, if any: the same
        article under a URL it did not have before (a site moved to a new path scheme, F11).
        The day keeps apart daily posts that share a title ("今日钢材价格")."""
        row = self._db.execute(
            """SELECT key FROM items WHERE source_id = ? AND content_hash = ?
               AND substr(published, 1, 10) = ? LIMIT 1""",
            (item.source_id, item.content_hash, _ts(item.published)[:10]),
        ).fetchone()
        return str(row[0]) if row else None

    def update_item(self, item: StoredItem) -> None:
        """An edit of a stored item: same key and id, first-seen and published kept."""
        self._db.execute(
            """UPDATE items SET title = ?, author = ?, summary = ?, content_html = ?,
                 updated = ?, content_hash = ? WHERE source_id = ? AND key = ?""",
            (
                item.title,
                item.author,
                item.summary,
                item.content_html,
                _ts(item.updated),
                item.content_hash,
                item.source_id,
                item.key,
            ),
        )


def _item(row: sqlite3.Row) -> StoredItem:
    return StoredItem(
        source_id=row["source_id"],
        key=row["key"],
        id=row["id"],
        url=row["url"],
        title=row["title"],
        author=row["author"],
        summary=row["summary"],
        content_html=row["content_html"],
        published=datetime.fromisoformat(row["published"]),
        updated=datetime.fromisoformat(row["updated"]),
        first_seen=datetime.fromisoformat(row["first_seen"]).astimezone(UTC),
        date_precision=row["date_precision"],
        status=row["status"],
        content_hash=row["content_hash"],
    )
