"""settings.database and FEEDS_DATABASE: the forms, where a relative path points, the
problems with their path and fix, and a password never shown."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import feeds, write_config

from feeds.app import database, open_state
from feeds.config import load_config, parse_config
from feeds.dburl import masked
from feeds.errors import ConfigError

SOURCE = {"id": "a", "url": "https://e.com/", "listing": {"item": "li"}}


def configured(tmp_path: Path, value: str | None = None, environ=None) -> str:
    settings = {} if value is None else {"database": value}
    raw = {"settings": settings, "source": [SOURCE]}
    return parse_config(raw, path=tmp_path / "config.toml", environ=environ).settings.database


def problems(tmp_path: Path, value: str, environ=None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        configured(tmp_path, value, environ)
    return caught.value.problems


def test_the_default_is_feeds_db_in_data_dir_beside_the_config(tmp_path):
    assert configured(tmp_path) == str(tmp_path / "data" / "feeds.db")
    raw = {"settings": {"data_dir": "state"}, "source": [SOURCE]}
    settings = parse_config(raw, path=tmp_path / "config.toml").settings
    assert database(settings) == str(tmp_path / "state" / "feeds.db")


def test_paths_and_sqlite_urls_are_files_relative_to_the_config(tmp_path):
    assert configured(tmp_path, "db/x.db") == str(tmp_path / "db" / "x.db")
    assert configured(tmp_path, "sqlite:///db/x.db") == str(tmp_path / "db" / "x.db")
    assert configured(tmp_path, "sqlite:////srv/feeds/x.db") == "/srv/feeds/x.db"
    assert configured(tmp_path, "/srv/feeds/x.db") == "/srv/feeds/x.db"


def test_a_postgresql_url_is_kept_as_written(tmp_path):
    url = "postgresql://feeds:pw@db.example:5432/feeds?sslmode=require"
    assert configured(tmp_path, url) == url
    assert configured(tmp_path, "postgres://db.example/feeds") == "postgres://db.example/feeds"


def test_feeds_database_overrides_the_file(tmp_path):
    environ = {"FEEDS_DATABASE": "postgresql://feeds@db/feeds"}
    assert configured(tmp_path, "x.db", environ) == "postgresql://feeds@db/feeds"
    assert configured(tmp_path, None, {"FEEDS_DATABASE": "y.db"}) == str(tmp_path / "y.db")
    assert configured(tmp_path, "x.db", {"FEEDS_DATABASE": ""}) == str(tmp_path / "x.db")
    path = write_config(tmp_path, '[[source]]\nid = "a"\nurl = "https://e.com/"')
    settings = load_config(path, {"FEEDS_DATABASE": "sqlite:///other.db"}).settings
    assert settings.database == str(tmp_path / "other.db")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("mysql://feeds@db/feeds", "unknown scheme mysql:// (write a file path, sqlite:///"),
        ("sqlite://x.db", "names no file (write sqlite:///relative/path or sqlite:////"),
        ("postgresql://db:5x/feeds", "the port is not a number from 1 to 65535"),
        ("postgresql://db/a/b", "'a/b' is not a database name (write postgresql://user@host/NAME)"),
        ("host=db dbname=feeds", "looks like a libpq key=value string (write it as a URL"),
        (":memory:", "keeps nothing between connections (write a file path)"),
        ("", "empty string"),
    ],
)
def test_a_bad_value_is_refused_with_its_path_and_a_fix(tmp_path, value, expected):
    (problem,) = problems(tmp_path, value)
    assert problem.startswith("settings.database: ") and problem.endswith(")"), problem
    assert expected in problem, problem


def test_a_bad_feeds_database_names_the_variable(tmp_path):
    (problem,) = problems(tmp_path, "x.db", {"FEEDS_DATABASE": "mongodb://db/feeds"})
    assert problem.startswith("FEEDS_DATABASE: 'mongodb://db/feeds': unknown scheme mongodb://")
    assert problem.endswith("(or unset it to use settings.database)")


def test_a_password_is_never_shown(tmp_path):
    (problem,) = problems(tmp_path, "postgresql://feeds:hunter2@db:99999/feeds")
    assert "hunter2" not in problem and "feeds:***@db" in problem
    settings = parse_config(
        {"settings": {"database": "postgresql://feeds:hunter2@db/feeds"}, "source": [SOURCE]},
        path=tmp_path / "config.toml",
    ).settings
    assert "hunter2" not in repr(settings)
    assert masked("postgresql://u:p%40ss@h/d?password=x&sslpassword=y") == (
        "postgresql://u:***@h/d?password=***&sslpassword=***"
    )
    assert masked("data/password=x.db") == "data/password=x.db"  # a file is shown as it is


def test_feeds_config_masks_the_password(tmp_path):
    path = write_config(
        tmp_path,
        '[[source]]\nid = "a"\nurl = "https://e.com/"\n  [source.listing]\n  item = "li"',
        settings='database = "postgresql://feeds:hunter2@db.example/feeds"\n',
    )
    run = feeds("config", config=path)
    assert run.code == 0, run.err
    assert 'database = "postgresql://feeds:***@db.example/feeds"' in run.out
    assert "hunter2" not in run.out + run.err


def test_open_state_opens_the_configured_database(tmp_path):
    raw = {"settings": {"database": "elsewhere/state.db"}, "source": [SOURCE]}
    settings = parse_config(raw, path=tmp_path / "config.toml").settings
    with open_state(settings) as store:
        store.ensure_source("a", datetime.now(UTC))
    assert (tmp_path / "elsewhere" / "state.db").exists()
    assert not (tmp_path / "data").exists()
