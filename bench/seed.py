"""Bench-only setup: fill a feeds store with history, through the store's own API or, for the
render test's million rows, with ``executemany`` on the same schema. Never used by feeds.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from feeds.models import NewItem, PollPlan, StoredItem
from feeds.store import open_store

# History items carry a realistic article body (the median sanitised content of the bench
# portal's pages is about 2 KB); the million-row render test uses a shorter one to stay fast.
PARAGRAPH = (
    "<p>据了解，相关工作已经启动，具体安排将另行公布。"
    "业内人士表示，这一消息受到市场的广泛关注。</p>"
)


def history_item(
    source_id: str, number: int, when: datetime, *, url: str | None = None, size: int = 2000
) -> StoredItem:
    url = url or f"https://history.example/{source_id}/news/{number}.html"
    content = PARAGRAPH * max(1, size // len(PARAGRAPH.encode()))
    return StoredItem(
        source_id=source_id,
        key=url.split("://", 1)[1],
        id=url,
        url=url,
        title=f"历史资讯 {number}：行业动态与市场行情",
        author="qeexh",
        summary="核心提示：相关工作已经启动。",
        content_html=content,
        published=when,
        updated=when,
        first_seen=when,
        date_precision="time",
        status="published",
        content_hash=hashlib.sha256(f"{source_id}{number}".encode()).hexdigest(),
    )


def seed_sources(
    db: Path,
    listed: dict[str, Sequence[str]],
    per_source: int,
    *,
    first_run: datetime,
) -> int:
    """For each source: its listed URLs (already seen) plus older history, ``per_source`` items
    in all, via ``Store.add_item``; every source's next poll persisted at ``first_run``."""
    now = datetime.now(UTC)
    count = 0
    with open_store(db) as store:
        for source_id, urls in listed.items():
            store.ensure_source(source_id, now - timedelta(days=400))
            items = []
            for number in range(per_source - len(urls)):
                when = now - timedelta(days=30, minutes=37 * (number + 1))
                items.append(NewItem(history_item(source_id, number, when)))
            for offset, url in enumerate(urls):
                when = now - timedelta(days=1, minutes=37 * offset)
                items.append(NewItem(history_item(source_id, 10**6 + offset, when, url=url)))
            store.apply(PollPlan(source_id, now, new_items=tuple(items)))
            count += len(items)
            store.save_next_run(source_id, first_run)
    return count


def _rows(source_id: str, start: int, stop: int, newest: datetime) -> Iterator[tuple[object, ...]]:
    content = PARAGRAPH * 6
    for number in range(start, stop):
        # Older as the number grows: history is appended below the newest items.
        when = newest - timedelta(minutes=7 * number)
        url = f"https://history.example/{source_id}/news/{number}.html"
        stamp = when.isoformat()
        yield (
            source_id,
            url[8:],
            url,
            url,
            f"历史资讯 {number}：行业动态与市场行情",
            "qeexh",
            "核心提示：相关工作已经启动。",
            content,
            stamp,
            when.timestamp(),
            stamp,
            stamp,
            "time",
            "published",
            f"{number:064x}",
        )


def grow_history(db: Path, source_id: str, start: int, stop: int) -> None:
    """Append items ``start`` .. ``stop`` of one source's history, fast (executemany)."""
    with open_store(db) as store:
        store.ensure_source(source_id, datetime(2020, 1, 1, tzinfo=UTC))
    connection = sqlite3.connect(db)
    try:
        connection.execute("PRAGMA synchronous=OFF")
        newest = datetime(2025, 1, 1, tzinfo=UTC)
        with connection:
            connection.executemany(
                """INSERT INTO items (source_id, key, id, url, title, author, summary,
                     content_html, published, published_ts, updated, first_seen,
                     date_precision, status, content_hash)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                _rows(source_id, start, stop, newest),
            )
    finally:
        connection.close()
