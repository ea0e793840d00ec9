"""A PostgreSQL server for the tests: 127.0.0.1:5432, user postgres, trust auth (as on CI's
machine). A test run creates its own databases, feeds_test_<pid>_<random>_<n>, and drops them
at the end. Where no server answers (a laptop), the tests that need one skip with a message;
where CI is set they fail instead, so a server that did not start cannot pass unnoticed
(`make test` starts the machine's server in CI when it is down)."""

from __future__ import annotations

import itertools
import os
import secrets

import pytest

SERVER = "postgresql://postgres@127.0.0.1:5432"
SKIP = "PostgreSQL not reachable at 127.0.0.1:5432: the PostgreSQL store tests are skipped"


def unreachable() -> str | None:
    """Why the server cannot be used, or None."""
    try:
        import psycopg
    except ImportError as e:
        return f"{SKIP} (psycopg is not installed: pip install -e '.[dev]'; {e})"
    try:
        with psycopg.connect(f"{SERVER}/postgres", connect_timeout=3):
            return None
    except psycopg.Error as e:
        return f"{SKIP} ({str(e).strip().splitlines()[0]})"


class Databases:
    """Databases made for this test run, dropped by ``drop_all``."""

    def __init__(self) -> None:
        self.prefix = f"feeds_test_{os.getpid()}_{secrets.token_hex(3)}"
        self.names: list[str] = []
        self._numbers = itertools.count(1)

    def create(self) -> str:
        """A new empty database; its URL."""
        name = f"{self.prefix}_{next(self._numbers)}"
        self._admin(f'CREATE DATABASE "{name}"')
        self.names.append(name)
        return f"{SERVER}/{name}"

    def drop_all(self) -> None:
        from feeds.store.postgres import close_pools

        close_pools()
        for name in self.names:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.names.clear()

    @staticmethod
    def _admin(statement: str) -> None:
        import psycopg

        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as db:
            db.execute(statement)  # type: ignore[arg-type]


def require_server() -> None:
    reason = unreachable()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run them: start PostgreSQL (make test does)")
    pytest.skip(reason)
