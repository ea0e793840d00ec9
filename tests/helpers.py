"""Shared test helpers: run the real CLI, read feeds back as readers do."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import feedparser
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]

DESTOON_SOURCE = """
[[source]]
id = "{id}"
title = "Sample portal"
url = "{url}"
timezone = "Asia/Shanghai"
language = "zh-CN"
keep = {keep}
max_pages = 1
backfill_pages = 3
include = {include}
full_text = {full_text}
  [source.listing]
  item = "div.catlist li"
  link = "a"
  title = "a"
  date = "i"
  next = "div.pages a.next"
  [source.article]
  title = "h1#title"
  date = "div.info"
  author = "div.info"
  summary = "div.introduce"
  content = "div#content"
  remove = ["div.keytags", "script"]
"""

AI_TERMS = '["AI", "人工智能", "大模型", "算力", "GPU", "英伟达", "OpenAI", "xAI", "Grok"]'


def destoon_source(
    url: str, *, id: str = "sample", keep: int = 50, include: str = AI_TERMS, full_text=True
) -> str:
    return DESTOON_SOURCE.format(
        id=id, url=url, keep=keep, include=include, full_text=str(full_text).lower()
    )


def write_config(tmp_path: Path, *sources: str, settings: str = "") -> Path:
    """A config of these [[source]] blocks; ``settings`` adds lines to [settings]."""
    path = tmp_path / "config.toml"
    # host_interval 0: the sample portal runs on this machine, and the default spacing (for
    # real sites) would only slow the suite; tests of spacing set their own.
    head = "[settings]\n" + (
        "" if "base_url" in settings else 'base_url = "http://feeds.example/"\n'
    )
    head += 'timezone = "Asia/Shanghai"\n' + (
        "" if "host_interval" in settings else "host_interval = 0\n"
    )
    path.write_text(head + settings + "\n" + "\n".join(sources), encoding="utf-8")
    return path


@dataclass
class Run:
    code: int
    out: str
    err: str


def feeds(*args: str, config: Path | None = None) -> Run:
    """Run the real command line in a subprocess, as a user would."""
    command = [sys.executable, "-m", "feeds", *args]
    if config is not None:
        command += ["--config", str(config)]
    env = {k: v for k, v in os.environ.items() if k != "FEEDS_CONFIG"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    return Run(done.returncode, done.stdout, done.stderr)


def read_feeds(output_dir: Path, feed_id: str) -> dict[str, object]:
    """Parse all three files strictly and with feedparser; fail on any bozo."""
    parsed: dict[str, object] = {}
    for fmt in ("rss", "atom"):
        data = (output_dir / f"{feed_id}.{fmt}").read_bytes()
        etree.fromstring(data, etree.XMLParser(recover=False, resolve_entities=False))
        feed = feedparser.parse(data)
        assert not feed.bozo, f"{fmt}: {feed.get('bozo_exception')}"
        parsed[fmt] = feed
    parsed["json"] = json.loads((output_dir / f"{feed_id}.json").read_text(encoding="utf-8"))
    return parsed


def snapshot(output_dir: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(output_dir.iterdir())}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def wait_for(predicate, timeout=60.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {predicate}")


def start_service(config: Path, *extra: str, port: int | None = None) -> subprocess.Popen:
    """``feeds run`` on 127.0.0.1, started and not waited for; its output goes to a log beside
    the config (``process.log``), its address is ``process.base``."""
    port = port or free_port()
    log = config.parent / f"service-{port}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "feeds", "run", "--config", str(config)),
                *("--listen", f"127.0.0.1:{port}", *extra),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={k: v for k, v in os.environ.items() if k != "FEEDS_CONFIG"},
        )
    process.base = f"http://127.0.0.1:{port}/"  # type: ignore[attr-defined]
    process.log = log  # type: ignore[attr-defined]
    return process


@contextmanager
def service(config: Path, *extra: str, port: int | None = None):
    """``feeds run`` on 127.0.0.1 (on ``port`` when given: a config whose base_url names it)."""
    process = start_service(config, *extra, port=port)
    base = process.base  # type: ignore[attr-defined]
    try:
        wait_for(lambda: urllib.request.urlopen(base + "healthz", timeout=2).status == 200)
        yield process
    finally:
        stop_service(process)


def stop_service(process: subprocess.Popen) -> None:
    """SIGTERM, as a service manager stops it; killed if it is still alive 30 s later."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def stored(where: Path):
    """The store a test's run wrote (``where``: the test's folder, or the database file),
    read through the store's own API: tests never open the SQLite file behind it."""
    from feeds.store import open_store

    path = where if where.suffix == ".db" else where / "data" / "feeds.db"
    store = open_store(path)
    try:
        yield store
    finally:
        store.close()
