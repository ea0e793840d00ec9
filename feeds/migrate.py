"""`feeds migrate --to DATABASE`: the state copied from the configured store to another one,
every id, key and date as it is, so that settings.database can point there next (SQLite to
PostgreSQL, or back). The configured store is only read; the target is replaced whole in one
transaction, so an interrupted copy leaves it as it was and running it again is safe."""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from feeds.app import database
from feeds.dburl import masked, parse_database
from feeds.errors import MigrateError
from feeds.models import Settings
from feeds.store import has_state, open_store


@dataclass(frozen=True)
class Copied:
    origin: str  # both as they may be shown: no password
    target: str
    counts: dict[str, int]  # table -> rows copied


def migrate(settings: Settings, target: str, *, force: bool = False) -> Copied:
    """Copy the store of ``settings`` to ``target`` (a path, relative to the current
    folder, or a URL); a target holding items is refused unless ``force``."""
    origin = database(settings)
    try:
        kind = parse_database(target)
    except ValueError as e:
        raise MigrateError(f"--to {e}") from e
    if kind.backend == "sqlite":
        target = str(Path(kind.target).absolute())
    if _same(origin, target):
        raise MigrateError(
            f"--to names the configured database {masked(origin)}",
            fix="name the database to copy it to",
        )
    if not has_state(origin):
        raise MigrateError(
            f"nothing to copy: {masked(origin)} does not exist",
            fix="check settings.database (or FEEDS_DATABASE) and --config",
        )
    with open_store(origin) as source, open_store(target) as destination:
        held = destination.count_items()
        if held and not force:
            raise MigrateError(
                f"{masked(target)} already holds {held} items",
                fix="name an empty database, or add --force to replace everything it holds",
            )
        with closing(source.dump()) as dump:
            counts = destination.load(dump)
    return Copied(masked(origin), masked(target), counts)


def report(copied: Copied) -> list[str]:
    """What `feeds migrate` prints: the rows per table and the next step."""
    lines = [f"copied {copied.origin} to {copied.target}:"]
    lines += [f"  {count:8d} {table}" for table, count in copied.counts.items()]
    lines.append(
        f'next: set settings.database = "{copied.target}" (or FEEDS_DATABASE) and restart '
        f"feeds; {copied.origin} is left as it was"
    )
    return lines


def _same(origin: str, target: str) -> bool:
    kinds = parse_database(origin), parse_database(target)
    if kinds[0].backend != kinds[1].backend:
        return False
    if kinds[0].backend == "sqlite":
        return Path(kinds[0].target).resolve() == Path(kinds[1].target).resolve()
    return origin == target
