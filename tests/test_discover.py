"""`feeds discover` on saved pages: the address a page gives itself, the date column, and a
terminal free of library warnings (issue 12.9, 12.10)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from helpers import feeds

from feeds.cli import main
from feeds.config import parse_config

SITE = "https://news.example.com"
STORIES = [
    (f"/2024/05/0{n}/story-number-{n}-of-the-day.html", f"A long headline for story number {n}")
    for n in range(1, 9)
]


def saved_page(head: str = "", dates: list[str] | None = None, prolog: str = "") -> str:
    """A listing whose articles are linked relatively, beside an ad block of absolute links
    to another site with headline-long texts and article-like paths."""
    when = dates or [f"2024-05-0{n} 10:2{n}" for n in range(1, 9)]
    rows = "".join(
        f'<li><a href="{href}">{title}</a> <span class="time">{date}</span></li>'
        for (href, title), date in zip(STORIES, when, strict=True)
    )
    ads = "".join(
        f'<li><a href="https://ads.example.net/2024/offer-{n}-for-you.html">'
        f"Great offer number {n} for readers of this site</a></li>"
        for n in range(1, 5)
    )
    return (
        f"{prolog}<!doctype html><html><head><title>Latest</title>{head}</head><body>"
        f'<div class="ads"><ul>{ads}</ul></div><div class="main"><ul class="news">{rows}</ul>'
        "</div></body></html>"
    )


@pytest.fixture
def discover(tmp_path, monkeypatch, capsys):
    """Run `feeds discover FILE --json` in-process, with no config file around."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FEEDS_CONFIG", raising=False)

    def run(text: str, *args: str) -> tuple[int, dict]:
        path = tmp_path / "saved.html"
        path.write_text(text, encoding="utf-8")
        code = main(["discover", str(path), "--json", *args])
        return code, json.loads(capsys.readouterr().out)

    return run


@pytest.mark.parametrize(
    ("head", "address", "found_at"),
    [
        (f'<link rel="canonical" href="{SITE}/latest/">', f"{SITE}/latest/", "rel=canonical"),
        (f'<meta property="og:url" content="{SITE}/latest/">', f"{SITE}/latest/", "og:url"),
        (f'<base href="{SITE}/latest/">', f"{SITE}/latest/", "<base href>"),
        (f'<base href="{SITE}/"><link rel="canonical" href="latest/">', f"{SITE}/latest/", None),
    ],
)
def test_a_saved_page_is_read_at_the_address_it_gives_itself(discover, head, address, found_at):
    code, report = discover(saved_page(head))
    assert code == 0
    assert report["url"] == address
    if found_at:
        assert report["address"] == found_at
    assert [item["url"] for item in report["items"]] == [SITE + href for href, _ in STORIES]
    source = parse_config(tomllib.loads(report["config"])).sources[0]  # `feeds config` takes it
    assert source.urls == (address,)
    assert source.listing is not None and source.listing.item == "ul.news li"


def test_a_saved_page_without_an_address_gets_no_block_but_the_fix(discover):
    code, report = discover(saved_page())
    assert code == 1
    assert report["config"] is None
    assert "pass --base-url URL" in report["config_problem"]
    assert "file://" not in json.dumps(report["config"])


def test_base_url_wins_over_what_the_page_says(discover):
    head = '<link rel="canonical" href="https://elsewhere.example.org/x/">'
    code, report = discover(saved_page(head), "--base-url", f"{SITE}/latest/")
    assert code == 0
    assert report["url"] == f"{SITE}/latest/" and report["address"] == "--base-url"
    assert f'url = "{SITE}/latest/"' in report["config"]


def test_dates_show_minutes_in_the_zone_the_page_states(tmp_path):
    dates = [f"2024-05-0{n}T10:2{n}:33.123456+08:00" for n in range(1, 9)]
    page = tmp_path / "page.html"
    page.write_text(saved_page(f'<link rel="canonical" href="{SITE}/">', dates), "utf-8")
    run = feeds("discover", str(page), "--config", str(tmp_path / "none.toml"))
    assert run.code == 0, run.err
    assert "date (UTC+08:00)" in run.out
    rows = [line for line in run.out.splitlines() if re.match(r"\s+\d+  \d{4}-", line)]
    assert len(rows) == 8
    assert rows[0].split()[1:3] == ["2024-05-01", "10:21"]
    assert not re.search(r"\d\d:\d\d:\d\d|\.\d{6}|\+00:00", run.out)


def test_relative_dates_show_minutes_in_the_configured_zone(discover, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(
        f'[[source]]\nid = "n"\nurl = "{SITE}/latest/"\ntimezone = "Asia/Shanghai"\n', "utf-8"
    )
    dates = ["刚刚", "3分钟前", "5 minutes ago", "1小时前", "2024-05-01", "-", "-", "-"]
    head = f'<link rel="canonical" href="{SITE}/latest/">'
    code, report = discover(saved_page(head, dates), "--config", str(config))
    assert code == 0 and report["zone"] == "Asia/Shanghai"
    shown = [item["date"] for item in report["items"]]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", d) for d in shown[:4])
    assert shown[4] == "2024-05-01"


def test_library_warnings_stay_off_the_terminal(tmp_path):
    """An XHTML page with an XML declaration made bs4 print XMLParsedAsHTMLWarning."""
    page = tmp_path / "page.html"
    head = f'<link rel="canonical" href="{SITE}/"/>'
    page.write_text(saved_page(head, prolog='<?xml version="1.0" encoding="utf-8"?>\n'), "utf-8")
    run = feeds("discover", str(page), "--config", str(tmp_path / "none.toml"))
    assert run.code == 0, run.err
    assert run.err == ""


def test_contains_is_a_config_problem_not_a_warning(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text(
        '[[source]]\nid = "n"\nurl = "https://e.com/"\n[source.listing]\nitem = "li:contains(x)"\n',
        "utf-8",
    )
    run = feeds("config", config=config)
    assert run.code == 2
    assert "source[1].listing.item:" in run.err and ":-soup-contains(" in run.err
    assert "Warning" not in run.err
