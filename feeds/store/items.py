"""Items, their aliases, listing signatures and article errors."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime

from feeds.models import ItemError, StoredItem
from feeds.store.base import Connected, ts


class ItemQueries(Connected):
    def known_keys(self, source_id: str, keys: Iterable[str]) -> set[str]:
        """Which of these keys the store has seen, as an item or as an alias of one."""
        wanted = list(keys)  # read twice, once per table
        found: set[str] = set()
        for table in ("items", "aliases"):
            query = f"SELECT key FROM {table} WHERE source_id = ? AND key IN ({{marks}})"
            found.update(row[0] for row in self._keyed_rows(query, source_id, wanted))
        return found

    def has_items(self, source_id: str) -> bool:
        row = self._db.execute("SELECT 1 FROM items WHERE source_id = ? LIMIT 1", (source_id,))
        return row.fetchone() is not None

    def items(self, source_id: str, keys: Iterable[str]) -> dict[str, StoredItem]:
        query = "SELECT * FROM items WHERE source_id = ? AND key IN ({marks})"
        return {row["key"]: _item(row) for row in self._keyed_rows(query, source_id, keys)}

    def item(self, source_id: str, key: str) -> StoredItem | None:
        return self.items(source_id, [key]).get(key)

    def feed_items(self, source_id: str, limit: int) -> list[StoredItem]:
        """The newest published items: by date, then newest first-seen, then insertion."""
        rows = self._db.execute(
            """SELECT * FROM items WHERE source_id = ? AND status = 'published'
               ORDER BY published_ts DESC, first_seen DESC, rowid DESC LIMIT ?""",
            (source_id, limit),
        )
        return [_item(row) for row in rows]

    def listing_sigs(self, source_id: str, keys: Iterable[str]) -> dict[str, str | None]:
        """The listing signature of each of ``keys`` that is an item (None: not recorded yet);
        alias keys are not in the result."""
        query = "SELECT key, listing_sig FROM items WHERE source_id = ? AND key IN ({marks})"
        return {row[0]: row[1] for row in self._keyed_rows(query, source_id, keys)}

    def twins(self, source_id: str, items: Iterable[StoredItem]) -> dict[str, str]:
        """For each item, the key of a stored item with the same words on the same day, if
        any: the same article under a URL it did not have before (a site moved to a new path
        scheme, F11). The day keeps apart daily posts that share a title ("今日钢材价格")."""
        found: dict[str, str] = {}
        for item in items:
            row = self._db.execute(
                """SELECT key FROM items WHERE source_id = ? AND content_hash = ?
                   AND substr(published, 1, 10) = ? LIMIT 1""",
                (source_id, item.content_hash, ts(item.published)[:10]),
            ).fetchone()
            if row is not None:
                found[item.key] = str(row[0])
        return found

    def item_attempts(self, source_id: str, keys: Iterable[str]) -> dict[str, int]:
        query = "SELECT key, attempts FROM item_errors WHERE source_id = ? AND key IN ({marks})"
        return {row[0]: int(row[1]) for row in self._keyed_rows(query, source_id, keys)}

    def item_errors(self, source_id: str) -> list[ItemError]:
        rows = self._db.execute(
            "SELECT * FROM item_errors WHERE source_id = ? ORDER BY last_attempt DESC",
            (source_id,),
        )
        return [ItemError(r["key"], r["url"], r["attempts"], r["last_error"]) for r in rows]

    # -- writes, only inside ``apply``'s transaction ----------------------------------

    def _add_item(self, item: StoredItem) -> bool:
        """Insert a new item; an existing key is left untouched (ids never change)."""
        cursor = self._db.execute(
            """INSERT OR IGNORE INTO items (source_id, key, id, url, title, author, summary,
                 content_html, published, published_ts, updated, first_seen, date_precision,
                 status, content_hash)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                *(item.source_id, item.key, item.id, item.url, item.title, item.author),
                *(item.summary, item.content_html, ts(item.published)),
                item.published.timestamp(),
                *(ts(item.updated), ts(item.first_seen), item.date_precision, item.status),
                item.content_hash,
            ),
        )
        self._db.execute(
            "DELETE FROM item_errors WHERE source_id = ? AND key = ?", (item.source_id, item.key)
        )
        return cursor.rowcount > 0

    def _add_alias(self, source_id: str, key: str, item_key: str) -> None:
        if key != item_key:
            self._db.execute(
                "INSERT OR IGNORE INTO aliases (source_id, key, item_key) VALUES (?, ?, ?)",
                (source_id, key, item_key),
            )

    def _update_item(self, item: StoredItem) -> None:
        """An edit of a stored item: same key and id, first-seen and published kept."""
        self._db.execute(
            """UPDATE items SET title = ?, author = ?, summary = ?, content_html = ?,
                 updated = ?, content_hash = ? WHERE source_id = ? AND key = ?""",
            (
                *(item.title, item.author, item.summary, item.content_html),
                *(ts(item.updated), item.content_hash, item.source_id, item.key),
            ),
        )

    def _set_listing_sig(self, source_id: str, key: str, sig: str) -> None:
        self._db.execute(
            "UPDATE items SET listing_sig = ? WHERE source_id = ? AND key = ?",
            (sig, source_id, key),
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
