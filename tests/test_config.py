from pathlib import Path

import pytest

from feeds.config import (
    KEYS,
    effective_toml,
    format_duration,
    load_config,
    parse_config,
    parse_duration,
)
from feeds.errors import ConfigError

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
    assert "source[1].id:" in text
    assert "source[1].url:" in text and "http(s) URL" in text
    assert "source[1].every: 'soon' is not a duration" in text
    assert "source[1].include:" in text and "regex" in text
    assert "source[1].listing.item: empty selector" in text
    assert "source[1].listing.date:" in text and "not a valid CSS selector" in text
    assert "source[1].listing.nope: unknown key" in text
    assert "source[1].article.remove: must be a list" in text
    assert all("(" in p for p in problems), "every problem says how to fix it"


def test_duplicate_ids_and_missing_url():
    raw = {
        "source": [
            {"id": "a", "url": "https://example.com/", "listing": {"item": "li"}},
            {"id": "a", "listing": {"item": "li"}},
        ]
    }
    text = "\n".join(problems_of(raw))
    assert "source[1].url: missing" in text
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
    import tomllib

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
