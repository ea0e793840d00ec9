"""The config file: TOML in, frozen ``Config`` out, validated whole before anything runs.

Every key is declared once in ``keys.KEYS``; each value goes through ``values.check_value``;
every problem is collected with its path and a fix, then reported at once.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from feeds.dburl import masked, resolved
from feeds.errors import ConfigError
from feeds.keys import KEYS, TABLES, Key, default
from feeds.models import (
    ArticleRules,
    IdentityRules,
    ListingRules,
    Settings,
    Source,
)
from feeds.values import check_value, default_value, format_duration, parse_duration, toml_value

# Re-exported: the names a user of the config module reads, wherever they are defined.
__all__ = [
    "KEYS",
    "ArticleRules",
    "IdentityRules",
    "Key",
    "ListingRules",
    "Settings",
    "Source",
    "default",
    "format_duration",
    "parse_duration",
]


@dataclass(frozen=True)
class Config:
    path: Path
    settings: Settings
    sources: tuple[Source, ...]

    def source(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        known = ", ".join(s.id for s in self.sources) or "none"
        raise ConfigError([f"source {source_id!r}: not in {self.path} (known: {known})"])


def config_path(cli_value: str | None, environ: Mapping[str, str]) -> Path:
    """--config, else $FEEDS_CONFIG, else ./config.toml."""
    return Path(cli_value or environ.get("FEEDS_CONFIG") or "config.toml")


def load_config(path: Path, environ: Mapping[str, str] | None = None) -> Config:
    """Read and validate the whole file; raise ConfigError listing every problem.
    ``environ`` (default: the process's) may override keys: FEEDS_DATABASE."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ConfigError(
            [f"{path}: file not found (pass --config PATH or set FEEDS_CONFIG)"]
        ) from e
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError([f"{path}: cannot be read: {e} (save it as UTF-8)"]) from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError([f"{path}: not valid TOML: {e} (fix the syntax at that line)"]) from e
    return parse_config(raw, path=path, environ=os.environ if environ is None else environ)


def parse_config(
    raw: Mapping[str, Any],
    *,
    path: Path = Path("config.toml"),
    environ: Mapping[str, str] | None = None,
) -> Config:
    problems: list[str] = []
    base = path.parent
    _unknown(raw, {"settings", "source"}, "", problems, "top-level keys are [settings], [[source]]")
    settings_raw = _table(raw.get("settings", {}), "settings", problems)
    s = _values("settings", settings_raw, "settings", problems)
    settings = Settings(
        output_dir=base / s["output_dir"],
        data_dir=base / s["data_dir"],
        base_url=s["base_url"] if s["base_url"].endswith("/") else s["base_url"] + "/",
        user_agent=s["user_agent"],
        timezone=s["timezone"],
        timeout=s["timeout"],
        host_concurrency=s["host_concurrency"],
        host_interval=s["host_interval"],
        database=_database(s, environ or {}, base, problems),
        allow_private_networks=s["allow_private_networks"],
        websub=s["websub"],
        websub_hubs=tuple(s["websub_hubs"]),
        websub_min_lease=s["websub_min_lease"],
        heartbeat=s["heartbeat"],
        browser=s["browser"],
        browser_pages=s["browser_pages"],
        browser_timeout=s["browser_timeout"],
        browser_recycle=s["browser_recycle"],
        browser_memory=s["browser_memory"],
    )
    sources_raw = raw.get("source", [])
    if not isinstance(sources_raw, list):
        problems.append("source: must be an array of tables (write [[source]], not [source])")
        sources_raw = []
    if not sources_raw:
        problems.append("source: no sources (add a [[source]] table with id and url)")
    sources: list[Source] = []
    seen_ids: set[str] = set()
    # Counted from 1, as a reader counts the [[source]] tables of the file.
    for number, entry in enumerate(sources_raw, start=1):
        where = f"source[{number}]"
        table = _table(entry, where, problems)
        source_id = table.get("id")
        if isinstance(source_id, str) and source_id in seen_ids:
            problems.append(f"{where}.id: {source_id!r} is used twice (ids name files: rename one)")
        seen_ids.add(str(source_id))
        source = _source(table, where, settings, problems)
        if source is not None:
            sources.append(source)
    if problems:
        raise ConfigError(problems)
    return Config(path=path, settings=settings, sources=tuple(sources))


def _database(
    s: Mapping[str, Any], environ: Mapping[str, str], base: Path, problems: list[str]
) -> str:
    """settings.database, or FEEDS_DATABASE over it, with a relative path made relative to
    the config file; by default <data_dir>/feeds.db."""
    value = s["database"] or str(Path(s["data_dir"]) / "feeds.db")
    override = environ.get("FEEDS_DATABASE", "").strip()
    if override:
        key = next(k for k in KEYS if k.path == "settings.database")
        value, problem = check_value(key, override)
        if problem:
            problems.append(f"FEEDS_DATABASE: {problem} (or unset it to use settings.database)")
            return ""
    return resolved(value, base)


def _source(
    table: Mapping[str, Any], where: str, settings: Settings, problems: list[str]
) -> Source | None:
    before = len(problems)
    v = _values("source", table, where, problems)
    urls: list[str] = []
    if v["url"] and v["urls"]:
        problems.append(f"{where}: both url and urls given (keep one)")
    urls = [v["url"]] if v["url"] else list(v["urls"] or [])
    if not urls and "url" not in table and "urls" not in table:
        problems.append(f"{where}.url: missing (add the listing page's address)")
    for name in ("render_articles", "wait_for", "load_more"):
        if v[name] and v["render"] != "browser":
            problems.append(
                f'{where}.{name}: only for render = "browser" (set it, or remove {name})'
            )
    # Without [source.listing] the article list is detected on each poll (extract/detect.py).
    listing_raw = table.get("listing")
    listing = None
    if listing_raw is not None:
        listing = _values(
            "source.listing",
            _table(listing_raw, f"{where}.listing", problems),
            f"{where}.listing",
            problems,
        )
    article = _values(
        "source.article",
        _table(table.get("article", {}), f"{where}.article", problems),
        f"{where}.article",
        problems,
    )
    identity = _values(
        "source.identity",
        _table(table.get("identity", {}), f"{where}.identity", problems),
        f"{where}.identity",
        problems,
    )
    if len(problems) > before:
        return None
    return Source(
        id=v["id"],
        title=v["title"] or v["id"],
        urls=tuple(urls),
        every=v["every"],
        cron=v["cron"],
        timezone=v["timezone"] or settings.timezone,
        keep=v["keep"],
        max_pages=v["max_pages"],
        backfill_pages=v["backfill_pages"] or v["max_pages"],
        max_articles=v["max_articles"],
        max_content_kb=v["max_content_kb"],
        include=tuple(v["include"]),
        exclude=tuple(v["exclude"]),
        full_text=v["full_text"],
        encoding=v["encoding"],
        language=v["language"],
        allow_hosts=tuple(v["allow_hosts"]),
        robots=v["robots"],
        on_error=v["on_error"],
        render=v["render"],
        render_articles=v["render_articles"],
        wait_for=v["wait_for"],
        load_more=v["load_more"],
        listing=ListingRules(**listing) if listing is not None else None,
        article=ArticleRules(**{**article, "remove": tuple(article["remove"])}),
        identity=IdentityRules(**{k: tuple(x) for k, x in identity.items()}),
    )


def _table(value: Any, where: str, problems: list[str]) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    name = re.sub(r"\[\d+\]", "", where)  # source[2].listing -> source.listing
    header = "[[source]]" if name == "source" else f"[{name}]"
    problems.append(f"{where}: must be a table (write {header})")
    return {}


def _unknown(
    table: Mapping[str, Any], allowed: set[str], where: str, problems: list[str], hint: str
) -> None:
    for name in table:
        if name not in allowed:
            known = ", ".join(sorted(allowed))
            prefix = f"{where}." if where else ""
            problems.append(f"{prefix}{name}: unknown key (known here: {known}; {hint})")


def _values(
    table_name: str, table: Mapping[str, Any], where: str, problems: list[str]
) -> dict[str, Any]:
    """Check every key of one table against KEYS; return name -> value with defaults filled."""
    keys = {k.name: k for k in KEYS if k.table == table_name}
    subtables = {t.rsplit(".", 1)[1] for t in TABLES if t.startswith(table_name + ".")}
    _unknown(table, set(keys) | subtables, where, problems, "see the README's config section")
    out: dict[str, Any] = {}
    for name, key in keys.items():
        if name not in table:
            if key.required:
                problems.append(f"{where}.{name}: missing ({key.doc})")
            out[name] = default_value(key)
            continue
        value, problem = check_value(key, table[name])
        if problem:
            problems.append(f"{where}.{name}: {problem}")
            # The default stands in, so the rest of the file is still checked and nothing
            # after validation ever sees a refused value.
            value = default_value(key)
        out[name] = value
    return out


def effective_toml(config: Config) -> str:
    """The config with every default filled in, as TOML (``feeds config``)."""
    s = config.settings
    lines = ["[settings]"]
    for key in (k for k in KEYS if k.table == "settings"):
        value = getattr(s, key.name)
        if key.kind == "duration":
            value = format_duration(value)
        lines.append(
            f"{key.name} = {toml_value(masked(value) if key.kind == 'database' else value)}"
        )
    for source in config.sources:
        lines += ["", "[[source]]"]
        for key in (k for k in KEYS if k.table == "source"):
            if key.name == "url":
                continue
            value = getattr(source, key.name)
            if key.name == "every":
                value = format_duration(value)
            if value is not None:
                lines.append(f"{key.name} = {toml_value(value)}")
        for sub in ("listing", "article", "identity"):
            rules = getattr(source, sub)
            if rules is None:
                lines += ["", f"  # no [source.{sub}]: detected on each poll (feeds discover URL)"]
                continue
            lines += ["", f"  [source.{sub}]"]
            for key in (k for k in KEYS if k.table == f"source.{sub}"):
                value = getattr(rules, key.name)
                if value is not None:
                    lines.append(f"  {key.name} = {toml_value(value)}")
    return "\n".join(lines) + "\n"
