"""Per-source snapshots as regression tests (issue 18): `feeds check --save`, `feeds test`
(offline, field by field, exit 1 on a difference, --update) and the service refusing a
reload that breaks a snapshot."""

from __future__ import annotations

import json
import re
import urllib.request

from helpers import destoon_source, feeds, get_json, service, wait_for, write_config

from feeds.snapshots import compare

TITLE = '  title = "h1#title"'
BROKEN = '  title = "div.introduce"'  # the article's summary box, not its headline


def saved(tmp_path, portal):
    config = write_config(tmp_path, destoon_source(portal.url("news/"), include="[]"))
    run = feeds("check", "sample", "--save", "--limit", "3", config=config)
    assert run.code == 0, run.err
    return config


def test_check_save_keeps_the_pages_as_fetched_and_the_fields(portal, tmp_path):
    saved(tmp_path, portal)
    folder = tmp_path / "snapshots" / "sample"
    meta = json.loads((folder / "snapshot.json").read_text("utf-8"))
    assert meta["source"] == "sample" and meta["limit"] == 3
    listing, *articles = meta["pages"]
    assert listing["url"] == portal.url("news/") and len(articles) == 3
    assert listing["headers"]["Content-Type"] == "text/html; charset=utf-8"
    with urllib.request.urlopen(portal.url("news/"), timeout=10) as response:
        assert (folder / listing["file"]).read_bytes() == response.read()
    expected = json.loads((folder / "expected.json").read_text("utf-8"))
    assert len(expected) == portal.per_page
    first = expected[0]
    assert set(first) == {"key", "link", "title", "date", "author", "summary", "content", "status"}
    assert first["status"] == "article" and first["author"] == "qeexh"
    assert re.fullmatch(r"\d+ chars, sha256 [0-9a-f]{16}", first["content"])
    assert expected[-1]["status"] == "listing only (beyond --limit 3)"


def test_feeds_test_is_offline_and_finds_what_a_selector_edit_breaks(portal, tmp_path):
    config = saved(tmp_path, portal)
    # The site changes and goes down: the snapshot is what is read, not the site.
    portal.add_article("快照之后的新文章")
    portal.set_status("/news/", 503)
    portal.clear_log()
    run = feeds("test", config=config)
    assert run.code == 0, run.out + run.err
    assert f"sample: ok, {portal.per_page} items as saved" in run.out
    assert portal.requests == []

    config.write_text(config.read_text("utf-8").replace(TITLE, BROKEN), "utf-8")
    run = feeds("test", "sample", config=config)
    assert run.code == 1
    assert "difference(s) from the snapshot" in run.out
    assert "    title: '英伟达发布新一代 Blackwell Ultra GPU" in run.out
    assert "-> '核心提示：英伟达发布新一代" in run.out
    assert "`feeds test --update` accepts it" in run.out

    run = feeds("test", "--update", config=config)
    assert run.code == 0 and "snapshot updated" in run.out
    assert feeds("test", config=config).code == 0  # the new output is what it should give
    assert portal.requests == []


def test_feeds_test_without_snapshots(portal, tmp_path):
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    run = feeds("test", config=config)
    assert run.code == 0 and "no snapshots" in run.out
    run = feeds("test", "sample", config=config)
    assert run.code == 1 and "feeds check sample --save" in run.out


def test_compare_says_what_changed_entry_by_entry():
    old = [
        {"key": "a", "title": "A", "date": "2024-12-06 (day)", "content": "10 chars, sha256 1"},
        {"key": "b", "title": "B"},
    ]
    new = [
        {"key": "a", "title": "A", "date": "2024-12-06 10:00+08:00", "content": None},
        {"key": "c", "title": "C"},
    ]
    assert compare(old, new) == [
        ("b", "gone (was 'B')"),
        ("c", "new: 'C'"),
        ("a", "date: '2024-12-06 (day)' -> '2024-12-06 10:00+08:00'"),
        ("a", "content: '10 chars, sha256 1' -> none"),
    ]
    assert compare(old, list(reversed(old))) == [("", "the entries come in another order")]
    assert compare(old, old) == []


def test_the_service_refuses_a_reload_that_breaks_a_snapshot(portal, tmp_path):
    config = saved(tmp_path, portal)
    with service(config) as proc:
        wait_for(lambda: get_json(proc.base + "status.json")["sources"][0]["last_success"])
        text = config.read_text("utf-8")
        config.write_text(text.replace(TITLE, BROKEN), "utf-8")
        refused = wait_for(lambda: get_json(proc.base + "status.json")["config_refused"])
        (problem,) = refused["problems"]
        assert "source sample: the new config breaks its snapshot" in problem
        assert "feeds test sample" in problem
        # A change that keeps the snapshot's fields loads.
        config.write_text(text.replace("keep = 50", "keep = 40"), "utf-8")
        wait_for(lambda: get_json(proc.base + "status.json")["config_refused"] is None)
    assert "config reloaded" in proc.log.read_text()
