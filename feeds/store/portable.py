"""What every backend can hand to another (`feeds migrate`): the tables, their columns in one
order, and the ``Backend`` protocol (the ``Store`` of the stages plus ``dump`` and ``load``).

Rows travel as plain values: text, numbers, None. Dates stay the text the pipeline wrote
(an item's dates keep their source's offset, which the feeds show); instants (the columns of
``INSTANTS``) are ISO 8601 text too, which SQLite stores as is and PostgreSQL reads into
``timestamptz``. Items travel in the order they were inserted, which is the last tie-break
of a feed's order.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

from feeds.models import Store

Row = tuple[Any, ...]
Dump = Iterable[tuple[str, Iterable[Row]]]

# Parents before children (foreign keys); a load empties them in the reverse order.
TABLES: dict[str, tuple[str, ...]] = {
    "sources": (
        *("id", "created", "last_attempt", "last_success", "last_error"),
        *("consecutive_failures", "polls", "last_new", "degraded", "last_listed"),
        *("items_seen", "items_published", "backlog", "polled_by"),
    ),
    "items": (
        *("source_id", "key", "id", "url", "title", "author", "summary", "content_html"),
        *("published", "published_ts", "updated", "first_seen", "date_precision", "status"),
        *("content_hash", "listing_sig"),
    ),
    "aliases": ("source_id", "key", "item_key"),
    "item_errors": ("source_id", "key", "url", "attempts", "last_error", "last_attempt"),
    "validators": ("source_id", "url", "etag", "last_modified"),
    "schedule": ("source_id", "next_run"),
    "host_holds": ("host", "until"),
    "robots": ("url", "status", "body", "fetched_at"),
    # issue 18: the WebSub hub and the notice items
    "hub_subscriptions": ("topic", "callback", "host", "secret", "lease_seconds", "expires"),
    "hub_intents": (
        *("topic", "callback", "host", "mode", "secret", "lease_seconds", "requested", "due"),
    ),
    "hub_deliveries": ("topic", "callback", "due", "attempts", "changes", "last_error"),
    "notices": ("source_id", "state", "reason", "since", "changed"),
}
# Columns that hold a moment (timestamptz in PostgreSQL), as opposed to an item's dates.
INSTANTS = frozenset(
    {"created", "last_attempt", "last_success", "next_run", "until", "fetched_at"}
    | {"expires", "requested", "due", "since", "changed"}
)
# How each table is read for a dump: stable, and items in insertion order.
ORDER = {
    "sources": "id",
    "aliases": "source_id, key",
    "item_errors": "source_id, key",
    "validators": "source_id, url",
    "schedule": "source_id",
    "host_holds": "host",
    "robots": "url",
    "hub_subscriptions": "topic, callback",
    "hub_intents": "topic, callback",
    "hub_deliveries": "topic, callback",
    "notices": "source_id",
}


class Backend(Store, Protocol):
    """A store as ``open_store`` hands it out."""

    def count_items(self) -> int:
        """Items of every source."""
        ...

    def dump(self) -> Generator[tuple[str, Iterator[Row]]]:
        """Every table's rows (``TABLES`` order, columns as listed), read in one consistent
        snapshot; each table's rows must be consumed before the next table is asked for."""
        ...

    def load(self, dump: Dump) -> dict[str, int]:
        """Replace everything this store holds with ``dump``, in one transaction; the rows
        written per table."""
        ...

    def exclusive(self, key: int) -> AbstractContextManager[None]:
        """Held by one process of those sharing the database at a time."""
        ...

    def polling(self, source_id: str) -> AbstractContextManager[bool]:
        """Whether this process may poll the source now, held for the block: one process
        at a time of those sharing the database."""
        ...

    def save_feed_docs(self, docs: dict[str, bytes]) -> None:
        """Feed files as published, for the other instances to serve (PostgreSQL only)."""
        ...

    def feed_docs_since(self, after: datetime) -> list[tuple[str, bytes, datetime]]:
        """Feed files published after ``after``, oldest first: (name, bytes, when)."""
        ...

    def beat(self, name: str, config: str, polls: int) -> None:
        """This `feeds run` is alive, with its config file's digest (PostgreSQL only)."""
        ...

    def instances(self, silent_for: float) -> list[tuple[str, str, datetime, int, float]]:
        """The instances heard from within ``silent_for`` seconds: (name, config digest,
        last heartbeat, polls, seconds since that heartbeat)."""
        ...

    def __enter__(self) -> Backend: ...
    def __exit__(self, *exc_info: object) -> None: ...
