"""`feeds run` as a subprocess: scheduler, server, reader subscriptions, stop and reload."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from datetime import UTC, datetime

import feedparser
from helpers import (
    ROOT,
    destoon_source,
    get_json,
    read_feeds,
    service,
    stored,
    wait_for,
    write_config,
)


def source_status(base: str, source_id: str = "sample") -> dict:
    sources = get_json(base + "status.json")["sources"]
    return next((s for s in sources if s["id"] == source_id), {"last_success": None})


def fast_source(url: str, **kwargs) -> str:
    return destoon_source(url, **kwargs).replace("max_pages = 1", 'max_pages = 1\nevery = "3s"')


def published(output_dir, source_id: str = "sample") -> int:
    """Items in the feed files: the JSON Feed file is written last of the three, atomically."""
    return len(json.loads((output_dir / f"{source_id}.json").read_text("utf-8"))["items"])


def metrics_text(base: str) -> str:
    with urllib.request.urlopen(base + "metrics", timeout=5) as response:
        return response.read().decode()


def test_a_reader_gets_200_then_304_then_exactly_the_new_items(portal, tmp_path):
    config = write_config(tmp_path, fast_source(portal.url("news/")))
    public = tmp_path / "public"
    with service(config) as proc:
        # Wait for what the reader reads: the feed files. The store's status is committed
        # before they are written, so waiting on /status.json raced with the write (issue 12).
        wait_for(lambda: published(public) == 19)
        url = proc.base + "feeds/sample.rss"
        feed = feedparser.parse(url)
        assert feed.status == 200 and not feed.bozo
        assert len(feed.entries) == 19
        again = feedparser.parse(url, etag=feed.etag, modified=feed.modified)
        assert again.status == 304
        portal.add_article("OpenAI 发布新模型", summary="大模型。")
        portal.add_article("英伟达发布新 GPU", summary="算力。")
        wait_for(lambda: published(public) == 21, timeout=30)
        fresh = feedparser.parse(url, etag=feed.etag, modified=feed.modified)
        assert fresh.status == 200
        old_ids = [e.id for e in feed.entries]
        new_ids = [e.id for e in fresh.entries]
        assert len(new_ids) == 21 and new_ids[2:] == old_ids
        assert [e.title for e in fresh.entries[:2]] == ["英伟达发布新 GPU", "OpenAI 发布新模型"]
        for path in ("", "feeds.opml", "metrics"):
            with urllib.request.urlopen(proc.base + path, timeout=5) as response:
                assert response.status == 200
        # The gauges are set after the poll has written its files.
        line = 'feeds_items_published{source="sample"} 21'
        metrics = wait_for(lambda: line in metrics_text(proc.base) and metrics_text(proc.base))
        assert 'feeds_polls_total{source="sample"}' in metrics
        assert 'feeds_fetch_duration_seconds_count{source="sample"}' in metrics
    assert proc.returncode == 0
    log = proc.log.read_text()
    assert "[sample] poll ok" in log and portal.url("news/") in log


def test_sigterm_during_a_poll_leaves_a_consistent_store_and_a_restart_resumes(portal, tmp_path):
    config = write_config(tmp_path, destoon_source(portal.url("news/"), include="[]"))
    portal.delay = 0.2  # 28 requests: the first poll takes several seconds
    with service(config) as proc:
        wait_for(lambda: portal.count("/news/6") >= 3, timeout=30)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    with stored(tmp_path) as store:  # it opens: the file is whole
        status = store.source_status("sample")
    kept = status.items_seen if status else 0
    # Whole batches of 10 (issue 13: a poll cut short keeps what it read), never a part of one.
    assert kept % 10 == 0 or kept == len(portal.articles)
    portal.delay = 0
    with service(config) as proc:
        # The poll's end is stored before its feeds are written (the store is the truth):
        # wait for both, or a loaded machine reads the folder in between.
        public = tmp_path / "public"
        wait_for(
            lambda: source_status(proc.base)["last_success"] and (public / "sample.json").exists(),
            timeout=60,
        )
        items = read_feeds(public, "sample")["json"]["items"]
        assert len(items) == len(portal.articles)
        assert len({i["id"] for i in items}) == len(items)


def test_restart_keeps_the_schedule(portal, tmp_path):
    config = write_config(tmp_path, destoon_source(portal.url("news/")))  # every 30m
    with service(config) as proc:
        status = wait_for(
            lambda: source_status(proc.base)["last_success"] and source_status(proc.base)
        )
        next_poll = status["next_poll"]
        assert next_poll is not None
    portal.clear_log()
    with service(config, "--log-format", "json") as proc:
        time.sleep(3)
        assert source_status(proc.base)["next_poll"] == next_poll
        assert portal.count("/news/") == 0  # not re-polled at start
    lines = [json.loads(line) for line in proc.log.read_text().splitlines()]
    assert lines and all({"time", "level", "message"} <= set(line) for line in lines)


def test_config_reload_adds_sources_and_refuses_a_broken_config(portal, tmp_path):
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    with service(config) as proc:
        wait_for(lambda: source_status(proc.base)["last_success"])
        assert get_json(proc.base + "status.json")["config_refused"] is None
        text = config.read_text()
        config.write_text(text + destoon_source(portal.url("gbk/news/"), id="gbk", include="[]"))
        wait_for(lambda: source_status(proc.base, "gbk")["last_success"], timeout=30)
        config.write_text(text + "\n[[source]]\nid = 'Broken'\n")
        # Issue 12.8: the refusal shows on / and /status.json, not only in the log.
        refused = wait_for(lambda: get_json(proc.base + "status.json")["config_refused"])
        assert any("source[2].id" in problem for problem in refused["problems"])
        assert any("url" in problem for problem in refused["problems"])  # every problem
        assert datetime.fromisoformat(refused["since"]) <= datetime.now(UTC)
        with urllib.request.urlopen(proc.base, timeout=5) as response:
            page = response.read().decode()
        assert 'id="config-refused"' in page and "source[2].id" in page
        ids = [s["id"] for s in get_json(proc.base + "status.json")["sources"]]
        assert ids == ["sample", "gbk"]
        config.write_text(text)
        proc.send_signal(signal.SIGHUP)
        wait_for(
            lambda: [s["id"] for s in get_json(proc.base + "status.json")["sources"]] == ["sample"],
            timeout=15,
        )
        assert get_json(proc.base + "status.json")["config_refused"] is None
    log = proc.log.read_text()
    assert "config reload refused" in log and "source[2].id" in log


def test_make_run_takes_a_port():
    # Issue 12.10: `make run PORT=8081` when 8080 is taken.
    command = ["make", "--no-print-directory", "-n", "run"]
    env = {k: v for k, v in os.environ.items() if k not in ("PORT", "LISTEN")}
    for extra, listen in (([], "127.0.0.1:8080"), (["PORT=8081"], "127.0.0.1:8081")):
        done = subprocess.run(
            [*command, *extra], cwd=ROOT, capture_output=True, text=True, env=env, timeout=60
        )
        run_line = done.stdout.strip().splitlines()[-1]
        assert "feeds run" in run_line and f"--listen {listen}" in run_line, done.stdout
