"""The config file: TOML in, frozen ``Config`` out, validated whole before anything runs.

Every key is declared once in ``KEYS`` with its type, default and a line of documentation; the
validator, the defaults, ``feeds config`` and the README test all read that one registry.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from feeds import __version__
from feeds.errors import ConfigError
from feeds.models import (
    HOST_CONCURRENCY,
    HOST_INTERVAL,
    MOBILE_HOSTS,
    MOBILE_PATHS,
    ArticleRules,
    IdentityRules,
    ListingRules,
    Settings,
    Source,
)

__all__ = ["ArticleRules", "IdentityRules", "ListingRules", "Settings", "Source"]

DEFAULT_USER_AGENT = (
    f"feeds/{__version__} (self-hosted feed generator; polls listing pages on a schedule)"
)


@dataclass(frozen=True)
class Key:
    """One config key: where it lives, what it holds, its default and what it is for."""

    table: str  # "settings", "source", "source.listing", "source.article", "source.identity"
    name: str
    kind: str  # "str", "int", "bool", "list", "url", "selector", "duration", "zone", ...
    default: Any
    doc: str
    required: bool = False
    # Bounds of a number (of seconds for a duration): beyond them a value is refused with the
    # bound and a fix, rather than overflow later in the scheduler, fetcher or store.
    low: int | None = None
    high: int | None = None

    @property
    def path(self) -> str:
        return f"{self.table}.{self.name}"


KEYS: tuple[Key, ...] = (
    Key("settings", "output_dir", "path", "public", "folder the feed files are written to"),
    Key("settings", "data_dir", "path", "data", "folder of the SQLite state (feeds.db)"),
    Key(
        "settings",
        "base_url",
        "url",
        "http://localhost:8080/",
        "public address of the server, used in the feeds' self links",
    ),
    Key(
        "settings",
        "user_agent",
        "agent",
        DEFAULT_USER_AGENT,
        "User-Agent sent with every request; keep it honest",
    ),
    Key("settings", "timezone", "zone", "UTC", "time zone of dates that carry none"),
    # A request may take twice the timeout (fetch.py's deadline); an hour is already absurd,
    # and 1e308 seconds overflow the socket timeouts.
    Key("settings", "timeout", "seconds", 30.0, "seconds allowed for one request", high=3600),
    Key(
        "settings",
        "host_concurrency",
        "int",
        HOST_CONCURRENCY,
        "requests in flight at once to one host, shared by every source on it",
        low=1,
        high=32,
    ),
    Key(
        "settings",
        "host_interval",
        "interval",
        HOST_INTERVAL,
        "minimum seconds between the starts of two requests to one host (0 for none)",
        high=3600,
    ),
    Key(
        "settings",
        "allow_private_networks",
        "bool",
        False,
        "let links on pages reach loopback and private addresses (configured URLs always may)",
    ),
    Key("source", "id", "id", None, "[a-z0-9-]+; names the feed files", required=True),
    Key("source", "title", "str", None, "feed title (default: the id)"),
    Key("source", "url", "url", None, "the listing page to poll (or `urls`)"),
    Key("source", "urls", "urls", None, "several listing pages merged into one feed"),
    # Poll slots are datetimes: far beyond a year they leave datetime's range.
    Key(
        "source",
        "every",
        "duration",
        "30m",
        "poll interval: 90s, 30m, 2h, 1d, 1h30m",
        low=1,
        high=365 * 86400,
    ),
    Key(
        "source",
        "cron",
        "cron",
        None,
        "crontab schedule instead of every, e.g. '*/30 * * * *' (in the source's time zone)",
    ),
    Key("source", "timezone", "zone", None, "time zone of the site's dates (default: settings)"),
    # Every reader downloads the whole feed; SQLite integers end at 2**63.
    Key(
        "source", "keep", "int", 50, "how many items the published feed carries", low=1, high=10_000
    ),
    Key(
        "source",
        "max_pages",
        "int",
        1,
        "listing pages followed on each poll (listing.next, or the detected pager)",
        low=1,
        high=1000,
    ),
    Key(
        "source",
        "backfill_pages",
        "int",
        None,
        "listing pages followed on the first poll (default: max_pages)",
        low=1,
        high=1000,
    ),
    Key(
        "source",
        "max_articles",
        "int",
        50,
        "new article pages read per poll, newest first; the rest on the next polls",
        low=1,
        high=10000,
    ),
    Key(
        "source",
        "max_content_kb",
        "int",
        256,
        "an item's content is cut (after a whole element, with a link to the page) above this",
        low=1,
        high=10240,
    ),
    Key(
        "source",
        "include",
        "terms",
        [],
        "keep an item when any term matches title, summary or content; 're:' for a regex",
    ),
    Key("source", "exclude", "terms", [], "drop an item when any term matches"),
    Key(
        "source",
        "full_text",
        "bool",
        True,
        "fetch each new article page (false: the feed carries what the listing shows)",
    ),
    Key(
        "source",
        "encoding",
        "encoding",
        None,
        "force the pages' character encoding when the site declares it wrong",
    ),
    Key("source", "language", "str", None, "language of the feed, e.g. zh-CN"),
    Key(
        "source",
        "allow_hosts",
        "hosts",
        [],
        "other hosts (and their subdomains) the source's links may be fetched from",
    ),
    Key(
        "source",
        "robots",
        "bool",
        True,
        "obey the site's robots.txt; turn off only for a site you run",
    ),
    Key(
        "source.listing",
        "item",
        "selector",
        None,
        "CSS selector of one item on a listing page",
        required=True,
    ),
    Key("source.listing", "link", "selector", None, "the item's link (default: first a[href])"),
    Key(
        "source.listing",
        "title",
        "selector",
        None,
        "the item's title (default: the link's title attribute or text)",
    ),
    Key("source.listing", "date", "selector", None, "the item's date"),
    Key("source.listing", "summary", "selector", None, "the item's summary"),
    Key("source.listing", "next", "selector", None, "link to the next listing page"),
    Key("source.article", "title", "selector", None, "title on the article page"),
    Key("source.article", "date", "selector", None, "date on the article page (labels stripped)"),
    Key(
        "source.article",
        "author",
        "selector",
        None,
        "author on the article page ('作者：qeexh' -> 'qeexh')",
    ),
    Key("source.article", "summary", "selector", None, "summary ('核心提示：' stripped)"),
    Key(
        "source.article",
        "content",
        "selector",
        None,
        "main content (default: automatic main-content extraction)",
    ),
    Key("source.article", "remove", "selectors", [], "selectors removed from the content"),
    Key(
        "source.identity",
        "mobile_hosts",
        "strlist",
        list(MOBILE_HOSTS),
        "host prefixes of mobile variants, folded into the desktop host",
    ),
    Key(
        "source.identity",
        "mobile_paths",
        "strlist",
        list(MOBILE_PATHS),
        "path prefixes of mobile variants, folded into the desktop path",
    ),
    Key(
        "source.identity",
        "drop_params",
        "strlist",
        [],
        "query parameters removed from article URLs besides the tracking ones",
    ),
)

TABLES = ("settings", "source", "source.listing", "source.article", "source.identity")
_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
# Longer strings are refused before any check reads them: a 1 MB value is a mistake, and
# int() of more than 4300 digits raises.
MAX_TEXT = 4096
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def default(path: str) -> Any:
    """The default of a key, from KEYS: defaults live there and nowhere else."""
    return next(key.default for key in KEYS if key.path == path)


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


def parse_duration(text: str) -> int | None:
    """'1h30m' -> 5400 seconds; None when malformed or zero."""
    match = _DURATION.match(text.strip())
    if not match or not any(match.groups()):
        return None
    d, h, m, s = (int(g or 0) for g in match.groups())
    total = ((d * 24 + h) * 60 + m) * 60 + s
    return total or None


def format_duration(seconds: int) -> str:
    """5400 -> '1h30m' (the inverse of parse_duration)."""
    out = ""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            out += f"{count}{unit}"
    return out or "0s"


def config_path(cli_value: str | None, environ: Mapping[str, str]) -> Path:
    """--config, else $FEEDS_CONFIG, else ./config.toml."""
    return Path(cli_value or environ.get("FEEDS_CONFIG") or "config.toml")


def load_config(path: Path) -> Config:
    """Read and validate the whole file; raise ConfigError listing every problem."""
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
    return parse_config(raw, path=path)


def parse_config(raw: Mapping[str, Any], *, path: Path = Path("config.toml")) -> Config:
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
        allow_private_networks=s["allow_private_networks"],
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
            out[name] = _default_value(key)
            continue
        value, problem = check_value(key, table[name])
        if problem:
            problems.append(f"{where}.{name}: {problem}")
            # The default stands in, so the rest of the file is still checked and nothing
            # after validation ever sees a refused value.
            value = _default_value(key)
        out[name] = value
    return out


def check_value(key: Key, value: Any) -> tuple[Any, str | None]:
    """One written value of a key: (the value as used, None) or (None, what is wrong (fix)).

    Every key goes through the same steps: the size and characters of its text, its kind,
    then its bounds."""
    problem = _text_problem(value)
    if problem:
        return None, problem
    checked, problem = _CHECKS[key.kind](value)
    if problem:
        return None, problem
    return checked, _bounds_problem(key, checked)


def _default_value(key: Key) -> Any:
    # Defaults go through the same check, so "30m" becomes seconds like a written value.
    return _CHECKS[key.kind](key.default)[0] if key.default is not None else None


def _text_problem(value: Any) -> str | None:
    for text in value if isinstance(value, list) else [value]:
        if not isinstance(text, str):
            continue
        if len(text) > MAX_TEXT:
            return f"{len(text)} characters, more than {MAX_TEXT} (shorten it)"
        control = _CONTROL.search(text)
        if control:
            code = f"U+{ord(control.group()):04X}"
            return f"contains the control character {code} (remove it; write it on one line)"
    return None


def _bounds_problem(key: Key, value: Any) -> str | None:
    if value is None or (key.low is None and key.high is None):
        return None
    shown = format_duration if key.kind == "duration" else str
    if key.low is not None and value < key.low:
        return f"must be at least {shown(key.low)} (got {_clip(shown(value))}; raise it)"
    if key.high is not None and value > key.high:
        return f"must be at most {shown(key.high)} (got {_clip(shown(value))}; lower it)"
    return None


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


Check = Callable[[Any], tuple[Any, str | None]]


def _str(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str):
        return None, f"must be a string (got {type(value).__name__}: quote it)"
    return value, None


def _nonempty(value: Any) -> tuple[Any, str | None]:
    text, problem = _str(value)
    if problem:
        return None, problem
    if not text.strip():
        return None, "empty string (remove the key or give a value)"
    return text, None


def _id(value: Any) -> tuple[Any, str | None]:
    text, problem = _str(value)
    if problem:
        return None, problem
    if not _ID.match(text):
        return None, f"{text!r} is not a valid id (use lower-case letters, digits and -)"
    return text, None


def _url(value: Any) -> tuple[Any, str | None]:
    text, problem = _str(value)
    if problem:
        return None, problem
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None, f"{text!r} is not an http(s) URL (write it in full: https://host/path)"
    return text.strip(), None


def _urls(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, list) or not value:
        return None, 'must be a non-empty list of URLs (write ["https://…"])'
    out = []
    for item in value:
        url, problem = _url(item)
        if problem:
            return None, problem
        out.append(url)
    return out, None


def _agent(value: Any) -> tuple[Any, str | None]:
    text, problem = _nonempty(value)
    if problem:
        return None, problem
    if not text.isascii():
        # httpx sends header values as ASCII: anything else fails every request.
        return None, "must be ASCII: HTTP headers carry no other characters (transliterate it)"
    return text, None


def _int(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool) or not isinstance(value, int):
        return None, f"must be a whole number (got {_clip(repr(value))}; write e.g. 50)"
    return value, None


def _number(value: Any) -> float | None:
    """A finite int or float as float; None for anything else (TOML has inf and nan)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int beyond 1e308
        return None
    return number if math.isfinite(number) else None


def _seconds(value: Any) -> tuple[Any, str | None]:
    number = _number(value)
    if number is None or number <= 0:
        shown = _clip(repr(value))
        return None, f"must be a positive number of seconds (got {shown}; write e.g. 30)"
    return number, None


def _interval(value: Any) -> tuple[Any, str | None]:
    number = _number(value)
    if number is None or number < 0:
        shown = _clip(repr(value))
        return None, f"must be zero or a positive number of seconds (got {shown}; write e.g. 0.5)"
    return number, None


def _bool(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, bool):
        shown = _clip(repr(value))
        return None, f"must be true or false (got {shown}; write true or false, unquoted)"
    return value, None


def _strlist(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None, 'must be a list of strings (write ["a", "b"])'
    return list(value), None


def _hosts(value: Any) -> tuple[Any, str | None]:
    hosts, problem = _strlist(value)
    if problem:
        return None, problem
    for host in hosts:
        if not re.fullmatch(r"[A-Za-z0-9.-]+", host.strip()):
            return None, f"{host!r} is not a host name (write just the name, e.g. img.example.com)"
    return [h.strip() for h in hosts], None


def _terms(value: Any) -> tuple[Any, str | None]:
    terms, problem = _strlist(value)
    if problem:
        return None, problem
    for term in terms:
        if term.startswith("re:"):
            try:
                re.compile(term[3:])
            # re raises OverflowError for a{99999999999} and RecursionError for deep nesting.
            except (re.error, OverflowError, RecursionError) as e:
                return None, f"{term!r} is not a valid regex: {e} (fix it or drop the 're:')"
        elif not term.strip():
            return None, "empty term (remove it from the list)"
    return terms, None


def _selector(value: Any) -> tuple[Any, str | None]:
    text, problem = _str(value)
    if problem:
        return None, problem
    if not text.strip():
        return None, "empty selector (give a CSS selector or remove the key)"
    from feeds.extract.selectors import selector_problem  # only when a selector is given

    problem = selector_problem(text)
    return (None, problem) if problem else (text.strip(), None)


def _selectors(value: Any) -> tuple[Any, str | None]:
    items, problem = _strlist(value)
    if problem:
        return None, problem
    for item in items:
        _, problem = _selector(item)
        if problem:
            return None, f"{item!r}: {problem}"
    return items, None


def _duration(value: Any) -> tuple[Any, str | None]:
    text, problem = _str(value)
    if problem:
        return None, problem
    seconds = parse_duration(text)
    if seconds is None:
        return None, f"{text!r} is not a duration (write 90s, 30m, 2h, 1d or 1h30m)"
    return seconds, None


def _cron(value: Any) -> tuple[Any, str | None]:
    text, problem = _str(value)
    if problem:
        return None, problem
    from feeds.scheduler import cron_problem  # APScheduler, only when a cron is given

    problem = cron_problem(text.strip())
    return (None, problem) if problem else (text.strip(), None)


def _zone(value: Any) -> tuple[Any, str | None]:
    text, problem = _str(value)
    if problem:
        return None, problem
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        return None, f"{text!r} is not a time zone (use an IANA name such as Asia/Shanghai)"
    return text, None


def _encoding(value: Any) -> tuple[Any, str | None]:
    text, problem = _str(value)
    if problem:
        return None, problem
    from feeds.encoding import is_known_encoding

    if not is_known_encoding(text):
        return None, f"{text!r} is not a known encoding (try gb18030, utf-8, big5)"
    return text, None


_CHECKS: dict[str, Check] = {
    "str": _nonempty,
    "agent": _agent,
    "path": _nonempty,
    "url": _url,
    "urls": _urls,
    "id": _id,
    "int": _int,
    "seconds": _seconds,
    "interval": _interval,
    "bool": _bool,
    "strlist": _strlist,
    "hosts": _hosts,
    "terms": _terms,
    "selector": _selector,
    "selectors": _selectors,
    "duration": _duration,
    "zone": _zone,
    "cron": _cron,
    "encoding": _encoding,
}


def effective_toml(config: Config) -> str:
    """The config with every default filled in, as TOML (``feeds config``)."""
    s = config.settings
    lines = ["[settings]"]
    for key in (k for k in KEYS if k.table == "settings"):
        lines.append(f"{key.name} = {toml_value(getattr(s, key.name))}")
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


def toml_value(value: Any) -> str:
    """One value written as TOML (strings quoted and escaped, lists, numbers, booleans)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Path):
        value = str(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")
