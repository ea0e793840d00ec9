"""Database addresses (pure): which backend a ``settings.database`` value names, where it is,
and how it may be shown. A password in a URL is never shown: every message, log line and
`feeds config` output goes through ``masked``.

Written as SQLAlchemy writes them: a file path or ``sqlite:///relative/path`` (four slashes
for an absolute one: ``sqlite:////var/lib/feeds/feeds.db``), or
``postgresql://user:password@host:port/database`` (``postgres://`` too, and libpq's query
parameters such as ``?sslmode=require``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from feeds.lazyre import lazy

POSTGRES_SCHEMES = ("postgresql", "postgres")
FORMS = "write a file path, sqlite:///path/to/feeds.db or postgresql://user@host:5432/feeds"
_PASSWORD_PARAM = lazy(r"(?i)(\b(?:ssl)?password\s*=\s*)[^&\s]*")
# libpq's "host=db dbname=feeds" form would otherwise be taken for a file name.
_KEYWORDS = lazy(r"^\s*(host|hostaddr|dbname|user|port|password)\s*=")


@dataclass(frozen=True)
class Database:
    backend: str  # "sqlite" or "postgresql"
    target: str  # SQLite: the file path (or ":memory:"); PostgreSQL: the URL as written


def parse_database(text: str) -> Database:
    """The backend and target of a database value; ValueError saying what is wrong (fix)."""
    text = text.strip()
    if text == ":memory:" or "://" not in text:
        if _KEYWORDS.match(text):
            raise ValueError(
                f"{masked(text)!r} looks like a libpq key=value string "
                "(write it as a URL: postgresql://user@host:5432/feeds)"
            )
        if not text:
            raise ValueError(f"empty ({FORMS})")
        return Database("sqlite", text)
    scheme, rest = text.split("://", 1)
    if scheme.lower() == "sqlite":
        if not rest.startswith("/") or rest == "/":
            raise ValueError(
                f"{text!r} names no file (write sqlite:///relative/path or sqlite:////absolute/path)"
            )
        return Database("sqlite", rest[1:])
    if scheme.lower() in POSTGRES_SCHEMES:
        _check_postgres(text)
        return Database("postgresql", text)
    raise ValueError(f"{masked(text)!r}: unknown scheme {scheme}:// ({FORMS})")


def _check_postgres(text: str) -> None:
    shown = masked(text)
    try:
        parts = urlsplit(text)
    except ValueError as e:  # "Invalid IPv6 URL"
        raise ValueError(f"{shown!r} is not a well-formed URL ({e}; {FORMS})") from e
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when it is read
    except ValueError as e:
        raise ValueError(f"{shown!r}: the port is not a number from 1 to 65535 ({e})") from e
    if parts.fragment or " " in text:
        raise ValueError(f"{shown!r} is not a well-formed URL (no spaces or #; escape them as %20)")
    name = parts.path.removeprefix("/")
    if "/" in name:
        raise ValueError(
            f"{shown!r}: {name!r} is not a database name (write postgresql://user@host/NAME)"
        )
    if not parts.netloc and not name:
        raise ValueError(f"{shown!r} names no server and no database ({FORMS})")


def database_problem(text: str) -> str | None:
    try:
        parse_database(text)
    except ValueError as e:
        return str(e)
    return None


def resolved(text: str, base: Path) -> str:
    """The value with a relative SQLite path made relative to ``base`` (the config file's
    folder, as for data_dir); a SQLite URL becomes its file path."""
    database = parse_database(text)
    if database.backend != "sqlite" or database.target == ":memory:":
        return database.target
    return str(base / database.target)


def masked(text: str) -> str:
    """The address as it may be shown: a password in a URL or its query replaced by ``***``
    (a file path is shown as it is)."""
    if "://" not in text and not _KEYWORDS.match(text):
        return text
    match = re.match(r"^(\w[\w+.-]*://)([^/?#]*)@", text)
    if match and ":" in match.group(2):
        user = match.group(2).split(":", 1)[0]
        text = f"{match.group(1)}{user}:***@{text[match.end() :]}"
    return _PASSWORD_PARAM.sub(r"\1***", text)
