"""What the query mixins of the SQLite store share: the connection and key lookups."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime

# SQLite allows 999 bound parameters in old builds; chunks stay well below.
CHUNK = 500


def ts(value: datetime) -> str:
    return value.isoformat()


def dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class Connected:
    _db: sqlite3.Connection

    def _keyed_rows(self, query: str, source_id: str, keys: Iterable[str]) -> Iterator[sqlite3.Row]:
        """Rows of ``query`` (with ``{marks}`` where the key list goes) for these keys, in
        chunks below SQLite's limit on bound parameters."""
        wanted = list(dict.fromkeys(keys))
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            yield from self._db.execute(
                query.format(marks=",".join("?" * len(chunk))), (source_id, *chunk)
            )
