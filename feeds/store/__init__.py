"""The store: where the truth lives, opened from one place (``open_store``).

A database is named by a path or a ``sqlite:///`` URL (as SQLAlchemy writes them:
``sqlite:////abs/path``), SQLite by default in ``<data_dir>/feeds.db``, or ``:memory:`` for
a store that keeps nothing (``feeds check``); or by a ``postgresql://`` URL (``postgres.py``,
loaded with psycopg only then: ``pip install 'feeds[postgres]'``).
Everything above this package sees only the ``feeds.models.Store`` protocol (``Backend``
adds what `feeds migrate` needs).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from feeds.dburl import Database, masked, parse_database
from feeds.errors import StoreError
from feeds.store.portable import Backend
from feeds.store.sqlite import SQLiteStore

if TYPE_CHECKING:
    from feeds.store.postgres import PostgresStore

__all__ = ["Backend", "SQLiteStore", "has_state", "open_cluster", "open_store", "sqlite_path"]

POSTGRES_EXTRA = "pip install 'feeds[postgres]'"


def sqlite_path(database: str | Path) -> Path | str:
    """The file of a SQLite database named by a path or a ``sqlite:///`` URL."""
    parsed = _parse(database)
    if parsed.backend != "sqlite":
        raise StoreError(
            f"{masked(str(database))} is not a SQLite database",
            fix="write a file path or sqlite:///path/to/feeds.db",
        )
    return parsed.target if parsed.target == ":memory:" else Path(parsed.target)


def open_store(database: str | Path) -> Backend:
    """The store named by ``database``: a path, ``sqlite:///path``, ``:memory:`` or
    ``postgresql://user@host:port/db``."""
    parsed = _parse(database)
    if parsed.backend == "sqlite":
        return SQLiteStore(sqlite_path(database))
    try:
        from feeds.store.postgres import PostgresStore
    except ImportError as e:
        if not (e.name or "").startswith("psycopg") and "psycopg" not in str(e):
            raise
        raise StoreError(
            f"{masked(parsed.target)} needs the PostgreSQL support, which is not installed ({e})",
            fix=f"{POSTGRES_EXTRA}, or point settings.database at a SQLite file",
        ) from e
    return PostgresStore(parsed.target)


def open_cluster(database: str | Path) -> PostgresStore:
    """The PostgreSQL store with what only several instances use beyond ``Store``: the
    shared per-host request slots and start times (``fetch.politeness.ClusterGate``)."""
    store = open_store(database)
    from feeds.store.postgres import PostgresStore

    if not isinstance(store, PostgresStore):
        raise StoreError(
            f"{masked(str(database))} is not a PostgreSQL database",
            fix="only instances sharing a postgresql:// database share host limits",
        )
    return store


def has_state(database: str | Path) -> bool:
    """Whether opening ``database`` finds a store rather than creating one: a SQLite file
    that exists; a PostgreSQL database always (the server holds it)."""
    parsed = _parse(database)
    if parsed.backend != "sqlite":
        return True
    return parsed.target != ":memory:" and Path(parsed.target).exists()


def _parse(database: str | Path) -> Database:
    if isinstance(database, Path):
        return Database("sqlite", str(database))
    try:
        return parse_database(database)
    except ValueError as e:
        raise StoreError(f"database {e}") from e
