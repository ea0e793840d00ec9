"""Per-source status, schedule and HTTP validators."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from feeds.models import SourceStatus
from feeds.store.base import Connected, dt, ts


class SourceQueries(Connected):
    def ensure_source(self, source_id: str, now: datetime) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO sources (id, created) VALUES (?, ?)", (source_id, ts(now))
        )

    def source_created(self, source_id: str) -> datetime | None:
        row = self._db.execute("SELECT created FROM sources WHERE id = ?", (source_id,)).fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def source_status(self, source_id: str) -> SourceStatus | None:
        row = self._db.execute("SELECT * FROM sources WHERE id = ?", (source_id,)).fetchone()
        return _status(row) if row is not None else None

    def statuses(self) -> dict[str, SourceStatus]:
        return {row["id"]: _status(row) for row in self._db.execute("SELECT * FROM sources")}

    def polled_sources(self) -> set[str]:
        """Sources with a completed poll: the ones whose feeds the store can (re)build."""
        rows = self._db.execute("SELECT id FROM sources WHERE last_success IS NOT NULL")
        return {row[0] for row in rows}

    def backlog(self, source_id: str) -> int:
        """New entries the last poll left for later ones (its per-poll cap)."""
        row = self._db.execute("SELECT backlog FROM sources WHERE id = ?", (source_id,)).fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def last_listed(self, source_id: str) -> int | None:
        """How many items page one of the listing gave at the last healthy poll."""
        row = self._db.execute(
            "SELECT last_listed FROM sources WHERE id = ?", (source_id,)
        ).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def validators(self, source_id: str, url: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified this source last saw on ``url``: per source, because
        another source reading the same page must still get the page, not a 304."""
        row = self._db.execute(
            "SELECT etag, last_modified FROM validators WHERE source_id = ? AND url = ?",
            (source_id, url),
        ).fetchone()
        return (row["etag"], row["last_modified"]) if row else (None, None)

    # -- schedule ----------------------------------------------------------------------

    def next_runs(self) -> dict[str, datetime]:
        rows = self._db.execute("SELECT source_id, next_run FROM schedule")
        return {row[0]: datetime.fromisoformat(row[1]) for row in rows}

    def next_run(self, source_id: str) -> datetime | None:
        row = self._db.execute(
            "SELECT next_run FROM schedule WHERE source_id = ?", (source_id,)
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def save_next_run(self, source_id: str, when: datetime) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO schedule (source_id, next_run) VALUES (?, ?)",
            (source_id, ts(when)),
        )

    # -- writes, only inside ``apply``'s transaction ------------------------------------

    def _record_success(
        self, source_id: str, now: datetime, new: int, problems: str | None, by: str | None
    ) -> None:
        """A completed poll; ``problems`` keeps per-item problems visible without failing it."""
        self._db.execute(
            """UPDATE sources SET last_attempt = ?, last_success = ?, last_error = ?,
                 consecutive_failures = 0, polls = polls + 1, last_new = ?, polled_by = ?
               WHERE id = ?""",
            (ts(now), ts(now), problems, new, by, source_id),
        )

    def _record_failure(self, source_id: str, now: datetime, error: str, by: str | None) -> None:
        self._db.execute(
            """UPDATE sources SET last_attempt = ?, last_error = ?,
                 consecutive_failures = consecutive_failures + 1, polls = polls + 1,
                 polled_by = ? WHERE id = ?""",
            (ts(now), error, by, source_id),
        )

    def _save_validators(
        self, source_id: str, url: str, validators: tuple[str | None, str | None] | None
    ) -> None:
        etag, last_modified = validators or (None, None)
        if etag is None and last_modified is None:
            self._db.execute(
                "DELETE FROM validators WHERE source_id = ? AND url = ?", (source_id, url)
            )
            return
        self._db.execute(
            """INSERT OR REPLACE INTO validators (source_id, url, etag, last_modified)
               VALUES (?, ?, ?, ?)""",
            (source_id, url, etag, last_modified),
        )


def _status(row: sqlite3.Row) -> SourceStatus:
    return SourceStatus(
        id=row["id"],
        created=datetime.fromisoformat(row["created"]),
        last_attempt=dt(row["last_attempt"]),
        last_success=dt(row["last_success"]),
        last_error=row["last_error"],
        consecutive_failures=row["consecutive_failures"],
        polls=row["polls"],
        last_new=row["last_new"],
        items_seen=row["items_seen"],
        items_published=row["items_published"],
        degraded=row["degraded"],
        polled_by=row["polled_by"],
    )
