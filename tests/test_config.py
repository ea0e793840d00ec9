import math
import socket
import sqlite3
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import feeds
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feeds.config import (
    KEYS,
    effective_toml,
    format_duration,
    load_config,
    parse_config,
    parse_duration,
)
from feeds.decide import backoff_delay
from feeds.errors import ConfigError
from feeds.scheduler import make_trigger

MINIMAL = {
    "source": [{"id": "news", "url": "https://example.com/news/", "listing": {"item": "ul li"}}]
}


def problems_of(raw):
    with pytest.raises(ConfigError) as info:
        parse_config(raw)
    return info.value.problems


def test_minimal_config_gets_every_default():
    config = parse_config(MINIMAL)
    source = config.sources[0]
    assert source.title == "news"
    assert source.urls == ("https://example.com/news/",)
    assert source.every == 1800
    assert source.keep == 50 and source.max_pages == 1 and source.backfill_pages == 1
    assert source.full_text is True
    assert source.timezone == "UTC"
    assert config.settings.base_url == "http://localhost:8080/"
    assert "feeds/" in config.settings.user_agent


def test_sources_are_counted_from_one_as_in_the_file():
    raw = {"source": [{"id": "Bad"}]}
    text = "\n".join(problems_of(raw))
    assert "source[1].id: 'Bad' is not a valid id" in text
    assert "source[1].url: missing" in text
    assert "source[0]" not in text


def test_every_problem_is_reported_at_once_with_its_path():
    raw = {
        "settings": {"timezone": "Mars/Base", "colour": "red"},
        "source": [
            {"id": "ok", "url": "https://example.com/", "listing": {"item": "li"}},
            {
                "id": "Bad Id",
                "url": "ftp://example.com/",
                "every": "soon",
                "include": ["re:("],
                "listing": {"item": "", "date": "li[", "nope": "x"},
                "article": {"remove": "div"},
            },
        ],
    }
    problems = problems_of(raw)
    text = "\n".join(problems)
    assert "settings.timezone: 'Mars/Base' is not a time zone" in text
    assert "settings.colour: unknown key" in text
    assert "source[2].id:" in text
    assert "source[2].url:" in text and "http(s) URL" in text
    assert "source[2].every: 'soon' is not a duration" in text
    assert "source[2].include:" in text and "regex" in text
    assert "source[2].listing.item: empty selector" in text
    assert "source[2].listing.date:" in text and "not a valid CSS selector" in text
    assert "source[2].listing.nope: unknown key" in text
    assert "source[2].article.remove: must be a list" in text
    assert all("(" in p for p in problems), "every problem says how to fix it"


def test_duplicate_ids_and_missing_url():
    raw = {
        "source": [
            {"id": "a", "url": "https://example.com/", "listing": {"item": "li"}},
            {"id": "a", "listing": {"item": "li"}},
        ]
    }
    text = "\n".join(problems_of(raw))
    assert "source[2].url: missing" in text
    assert "used twice" in text


def test_no_sources_and_a_zero_config_source():
    assert any("no sources" in p for p in problems_of({}))
    config = parse_config({"source": [{"id": "a", "url": "https://e.com/"}]})
    assert config.sources[0].listing is None  # detected on each poll
    assert "# no [source.listing]: detected" in effective_toml(config)


def test_durations():
    assert parse_duration("30m") == 1800
    assert parse_duration("1h30m") == 5400
    assert parse_duration("1d") == 86400
    assert parse_duration("90s") == 90
    assert parse_duration("0m") is None
    assert parse_duration("fast") is None
    assert format_duration(5400) == "1h30m"


def test_load_config_file_errors(tmp_path: Path):
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[source]\nid=", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)


def test_paths_are_relative_to_the_config_file(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_text(
        '[[source]]\nid = "a"\nurl = "https://e.com/"\n[source.listing]\nitem = "li"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.settings.output_dir == tmp_path / "public"
    assert config.settings.data_dir == tmp_path / "data"


def test_effective_config_round_trips():
    config = parse_config(MINIMAL)
    again = tomllib.loads(effective_toml(config))
    assert again["source"][0]["every"] == "30m"
    assert again["source"][0]["listing"]["item"] == "ul li"
    assert set(again["settings"]) == {k.name for k in KEYS if k.table == "settings"}


def test_shipped_config_is_valid():
    config = load_config(Path(__file__).parents[1] / "config.toml")
    source = config.source("kub2b-ai")
    assert source.urls == ("https://sicmodule.kub2b.com/news/",)
    assert "人工智能" in source.include


# --------------------------------------------------------------------------- any value, any key


def config_with(key, value):
    """A valid one-source config with ``value`` written for ``key``, in the key's own table."""
    source = {"id": "a", "url": "https://e.com/", "listing": {"item": "li"}}
    raw = {"settings": {}, "source": [source]}
    if key.table == "settings":
        raw["settings"][key.name] = value
    elif key.table == "source":
        if key.name == "urls":
            del source["url"]
        source[key.name] = value
    else:
        source.setdefault(key.table.split(".")[1], {})[key.name] = value
    return raw


HOSTILE = st.one_of(
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, -2, 10**18, 2**63, 10**30, -(10**30), 0.0, -0.5, 1e308, 5e-324]),
    st.text(max_size=30),
    st.sampled_from(["", " ", "x" * 1_000_000, "9" * 4000 + "d", "30", "-1", "1e308"]),
    st.sampled_from(["99999999d", "re:(" * 900, "re:a{99999999999}", "a\x00b", "Ü" * 40, "\n"]),
    st.lists(st.one_of(st.text(max_size=8), st.integers()), max_size=3),
    st.sampled_from([[], [""], ["x" * 1_000_000], [" "], [None]]),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    st.datetimes(),
    st.dates(),
    st.times(),
)


def assert_usable(config):
    """What the scheduler, fetcher and store do with the numbers runs without overflowing."""
    now = datetime.now(UTC)
    settings_ = config.settings
    now + timedelta(seconds=2 * settings_.timeout + settings_.host_interval)
    with socket.socket() as sock:
        sock.settimeout(settings_.timeout)
    with sqlite3.connect(":memory:") as db:
        for source in config.sources:
            trigger = make_trigger(source.id, source.every, source.cron, source.zone)
            trigger.get_next_fire_time(None, now)
            now + timedelta(seconds=backoff_delay(source.every, 30))
            db.execute("SELECT ?, ?, ?", (source.keep, source.max_pages, source.backfill_pages))
    # What `feeds config` prints reads back as the same config.
    assert parse_config(tomllib.loads(effective_toml(config))) == config


@pytest.mark.parametrize("key", KEYS, ids=lambda k: k.path)
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=HOSTILE)
def test_any_value_for_any_key_is_a_config_error_or_a_usable_config(key, value):
    try:
        config = parse_config(config_with(key, value))
    except ConfigError as e:
        assert e.problems
        for problem in e.problems:
            assert problem.startswith(f"{key.path.replace('source', 'source[1]', 1)}: "), problem
            assert problem.rstrip().endswith(")"), f"no fix in {problem!r}"
            assert len(problem) < 5000, "a message quotes at most a bounded value"
        return
    assert_usable(config)


@pytest.mark.parametrize(
    ("table", "name", "value", "expected"),
    [
        ("settings", "timeout", 0, "must be a positive number of seconds (got 0;"),
        ("settings", "timeout", -1, "must be a positive number of seconds (got -1;"),
        ("settings", "timeout", "30", "must be a positive number of seconds (got '30';"),
        ("settings", "timeout", 1e308, "must be at most 3600 (got 1e+308; lower it)"),
        ("settings", "timeout", math.inf, "must be a positive number of seconds (got inf;"),
        ("settings", "timeout", math.nan, "must be a positive number of seconds (got nan;"),
        ("settings", "host_interval", -2, "must be zero or a positive number of seconds"),
        ("settings", "host_concurrency", 10**30, "must be at most 32 (got 1000000000000"),
        ("settings", "user_agent", "feeds 中文", "must be ASCII"),
        ("settings", "data_dir", "a\x00b", "contains the control character U+0000"),
        ("source", "keep", 10**18, "must be at most 10000 (got 1000000000000000000; lower it)"),
        ("source", "keep", 0, "must be at least 1 (got 0; raise it)"),
        ("source", "every", "99999999d", "must be at most 365d (got 99999999d; lower it)"),
        ("source", "every", "9" * 4000 + "d", "must be at most 365d (got 99999"),
        ("source", "title", "x" * 1_000_000, "1000000 characters, more than 4096 (shorten it)"),
        ("source", "include", ["re:" + "(" * 900], "is not a valid regex"),
        ("source", "timezone", "Z" * 300, "is not a time zone"),
        ("source.listing", "title", "a:contains(x)", "write :-soup-contains(…)"),
    ],
)
def test_bad_numbers_and_strings_are_refused_with_the_bound_and_a_fix(table, name, value, expected):
    key = next(k for k in KEYS if k.table == table and k.name == name)
    (problem,) = problems_of(config_with(key, value))
    assert problem.startswith(key.path.replace("source", "source[1]", 1) + ": "), problem
    assert expected in problem, problem


def test_large_values_inside_the_bounds_are_accepted():
    raw = config_with(KEYS[0], "public")
    raw["settings"].update(timeout=3600, host_interval=3600.0, host_concurrency=32)
    raw["source"][0].update(every="365d", keep=10_000, max_pages=1000, backfill_pages=1000)
    config = parse_config(raw)
    assert config.settings.timeout == 3600.0 and config.sources[0].every == 365 * 86400
    assert_usable(config)


@pytest.mark.parametrize(
    ("settings_lines", "expected"),
    [
        ("timeout = 0", "settings.timeout: must be a positive number of seconds (got 0;"),
        ("timeout = -1", "settings.timeout: must be a positive number of seconds (got -1;"),
        ('timeout = "30"', "settings.timeout: must be a positive number of seconds (got '30';"),
        ("host_interval = -2", "settings.host_interval: must be zero or a positive number"),
        ("timeout = 1e308", "settings.timeout: must be at most 3600 (got 1e+308; lower it)"),
    ],
)
def test_the_cli_reports_bad_numbers_with_exit_2_and_no_traceback(
    tmp_path, settings_lines, expected
):
    config = tmp_path / "config.toml"
    config.write_text(
        f'[settings]\n{settings_lines}\n[[source]]\nid = "a"\nurl = "https://e.com/"\n'
        'every = "99999999d"\n',
        encoding="utf-8",
    )
    run = feeds("config", config=config)
    assert run.code == 2, run.err
    assert "Traceback" not in run.err
    assert expected in run.err
    assert "source[1].every: must be at most 365d" in run.err


def test_a_selector_is_checked_as_it_is_kept():
    # Found by the property test above: '\xa00' is a valid CSS name, its stripped '0' is not.
    with pytest.raises(ConfigError, match=r"source\[1\]\.listing\.title: '0' is not a valid"):
        parse_config(
            config_with(next(k for k in KEYS if k.path == "source.listing.title"), "\xa00")
        )
