"""The store: where the truth lives, opened from one place (``open_store``).

A database is named by a path or a ``sqlite:///`` URL (as SQLAlchemy writes them:
``sqlite:////abs/path``), SQLite by default in ``<data_dir>/feeds.db``, or ``:memory:`` for
a store that keeps nothing (``feeds check``).
A second backend is a module here and a scheme in ``open_store``; everything above it sees
only the ``feeds.models.Store`` protocol.
"""

from __future__ import annotations

from pathlib import Path

from feeds.errors import StoreError
from feeds.store.sqlite import SQLiteStore

__all__ = ["SQLiteStore", "open_store", "sqlite_path"]


def sqlite_path(database: str | Path) -> Path | str:
    """The file of a SQLite database named by a path or a ``sqlite:///`` URL."""
    text = str(database)
    if text == ":memory:":
        return text
    if text.startswith("sqlite:///"):
        return Path(text.removeprefix("sqlite:///"))  # as SQLAlchemy: //// is absolute
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise StoreError(
            f"unsupported database {scheme}://",
            fix="write a file path or sqlite:///path/to/feeds.db",
        )
    return Path(text)


def open_store(database: str | Path) -> SQLiteStore:
    """The store named by ``database`` (a path, ``sqlite:///path`` or ``:memory:``)."""
    return SQLiteStore(sqlite_path(database))
