"""The SQLite state, the truth the feeds are derived from (sqlite3 is used only here).

WAL mode, a busy timeout, foreign keys, and append-only migrations keyed by
``PRAGMA user_version``. A poll's results are written in one transaction, so an interruption
leaves either all of a poll or none of it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from feeds.errors import StoreError
from feeds.models import StoredItem

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


class Store:
    """One connection to ``<data_dir>/feeds.db``."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        try:
            if isinstance(path, Path):
                path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA busy_timeout=30000")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except (sqlite3.Error, OSError) as e:
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

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(
                f"database {self.path} is from a newer feeds (schema {version})",
                fix="upgrade feeds or point settings.data_dir elsewhere",
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction():
                for statement in script.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number}")

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

    def set_degraded(self, source_id: str, message: str | None) -> None:
        self._db.execute("UPDATE sources SET degraded = ? WHERE id = ?", (message, source_id))

    def record_failure(self, source_id: str, now: datetime, error: str) -> None:
        self._db.execute(
            """UPDATE sources SET last_attempt = ?, last_error = ?,
                 consecutive_failures = consecutive_failures + 1, polls = polls + 1
               WHERE id = ?""",
            (_ts(now), error, source_id),
        )

    # -- items -------------------------------------------------------------------

    def known_keys(self, source_id: str, keys: Iterable[str]) -> set[str]:
        """Which of these keys the store has seen, as an item or as an alias of one."""
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for table in ("items", "aliases"):
                rows = self._db.execute(
                    f"SELECT key FROM {table} WHERE source_id = ? AND key IN ({marks})",
                    (source_id, *chunk),
                )
                found.update(row[0] for row in rows)
        return found

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
