"""One check per kind of config value: (the value as used, None) or (None, what is wrong
(fix)). Pure; the validators of other stages (cron, selectors, encodings) are loaded only
when a config uses them."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from feeds.keys import Key
from feeds.lazyre import lazy

_ID = lazy(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
# Longer strings are refused before any check reads them: a 1 MB value is a mistake, and
# int() of more than 4300 digits raises.
MAX_TEXT = 4096
_CONTROL = lazy(r"[\x00-\x1f\x7f]")
_DURATION = lazy(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


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


def default_value(key: Key) -> Any:
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


def _urllist(value: Any) -> tuple[Any, str | None]:
    if value == []:
        return [], None
    return _urls(value)


def _choice(modes: dict[str, str]) -> Callable[[Any], tuple[Any, str | None]]:
    """A key that takes one of a few words; the problem names each with what it means."""
    fix = " or ".join(f'"{mode}" ({meaning})' for mode, meaning in modes.items())

    def check(value: Any) -> tuple[Any, str | None]:
        text, problem = _str(value)
        if problem:
            return None, problem
        if text.strip() not in modes:
            return None, f"{text!r}: write {fix}"
        return text.strip(), None

    return check


_error_mode = _choice({"status": "the status page only", "item": "also in the feed"})
_render = _choice({"static": "pages as served", "browser": "headless Chromium"})


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


# Selectors of type, id and class selectors and combinators only (`div.catlist li`,
# `h1#title`, `ul > li, div.list a`): valid CSS by the grammar alone, so they are accepted
# without soupsieve, whose first compile costs ~0.1 s of CPU, most of an idle `feeds update`
# (issue 19). Anything else (attributes, pseudo-classes, non-ASCII names, escapes) is
# compiled by soupsieve, which also gives the message. tests/test_startup.py holds every
# selector this accepts to what soupsieve says.
_IDENT = r"[_a-zA-Z][_a-zA-Z0-9-]*"
_COMPOUND = rf"(?:(?:{_IDENT}|\*)(?:[#.]{_IDENT})*|(?:[#.]{_IDENT})+)"
_COMPLEX = rf"{_COMPOUND}(?:(?: *[>+~] *| +){_COMPOUND})*"
PLAIN_SELECTOR = lazy(rf"{_COMPLEX}(?: *, *{_COMPLEX})*")


def _selector(value: Any) -> tuple[Any, str | None]:
    text, problem = _str(value)
    if problem:
        return None, problem
    # The selector checked is the one kept: str.strip() also takes a no-break space, which
    # CSS reads as part of a name ('\xa00' is a valid type selector, '0' is not).
    text = text.strip()
    if not text:
        return None, "empty selector (give a CSS selector or remove the key)"
    if PLAIN_SELECTOR.fullmatch(text):
        return text, None
    from feeds.extract.selectors import selector_problem  # only when a selector is given

    problem = selector_problem(text)
    return (None, problem) if problem else (text, None)


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


def _database(value: Any) -> tuple[Any, str | None]:
    text, problem = _nonempty(value)
    if problem:
        return None, problem
    from feeds.dburl import database_problem

    if text.strip() == ":memory:":
        return None, "':memory:' keeps nothing between connections (write a file path)"
    problem = database_problem(text)
    return (None, problem) if problem else (text.strip(), None)


_CHECKS: dict[str, Check] = {
    "str": _nonempty,
    "agent": _agent,
    "path": _nonempty,
    "database": _database,
    "url": _url,
    "urls": _urls,
    "urllist": _urllist,
    "on_error": _error_mode,
    "render": _render,
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
