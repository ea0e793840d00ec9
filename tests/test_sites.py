"""Golden site examples: a snapshot (`feeds check --save`'s format) + config + expected
items, field by field: the snapshot replayed as `feeds test` does, and served over real HTTP
to a whole poll whose stored items are compared with ``expected.json``.

A site without ``expected.json`` fails: a test that wrote its own expected file would pass
against whatever the code does today. ``FEEDS_UPDATE_GOLDEN=1`` writes the files; review the
diff before committing them.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import threading
import tomllib
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest

from feeds import snapshots
from feeds.config import parse_config
from feeds.fetch import Fetcher
from feeds.pipeline import update_source
from feeds.store import open_store

SITES = Path(__file__).parent / "sites"
SITE = "http://site.example"  # the address of every saved site, replaced when served
NOW = datetime(2024, 12, 14, 2, 0, tzinfo=UTC)
UPDATE = os.environ.get("FEEDS_UPDATE_GOLDEN") == "1"


class _Handler(BaseHTTPRequestHandler):
    """Serves a site's snapshot (its ``snapshot.json`` says which file answers which path)
    with the site's address, ``http://site.example``, replaced by this server's own."""

    base = ""
    folder = Path()
    pages: ClassVar[dict[str, dict]] = {}

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        entry = self.pages.get(self.path)
        if entry is None or "file" not in entry:
            self.send_error(404)
            return
        body = (self.folder / entry["file"]).read_bytes().replace(SITE.encode(), self.base.encode())
        self.send_response(200)
        self.send_header("Content-Type", entry["headers"]["Content-Type"] or "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def serve():
    servers = []

    def start(snapshot: Path) -> str:
        meta = json.loads((snapshot / "snapshot.json").read_text("utf-8"))
        pages = {
            urlsplit(entry["url"])._replace(scheme="", netloc="").geturl(): entry
            for entry in meta["pages"]
        }
        handler = type("Handler", (_Handler,), {"folder": snapshot, "pages": pages})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        handler.base = f"http://127.0.0.1:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return handler.base

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def site_config(folder: Path, tmp_path: Path, base: str = SITE):
    raw = tomllib.loads((folder / "config.toml").read_text("utf-8").replace(SITE, base))
    config = parse_config(raw, path=tmp_path / "config.toml")
    (source,) = config.sources
    return config, source


def _record(item, base: str) -> dict:
    record = dataclasses.asdict(item)
    del record["content_hash"]  # a digest of the fields below, which hold the test's port
    for name in ("published", "updated", "first_seen"):
        record[name] = record[name].isoformat()
    text = json.dumps(record, ensure_ascii=False)
    host = base.split("://", 1)[1]  # keys carry the host without the scheme
    return json.loads(text.replace(base, "__BASE__").replace(host, "__HOST__"))


SITE_NAMES = sorted(p.name for p in SITES.iterdir() if p.is_dir())


@pytest.mark.parametrize("site", SITE_NAMES)
def test_site(site, serve, tmp_path):
    """The whole poll over real HTTP, every stored field against expected.json."""
    folder = SITES / site
    _, source = site_config(folder, tmp_path)
    base = serve(folder / "snapshots" / source.id)
    config, source = site_config(folder, tmp_path, base)
    store = open_store(tmp_path / "feeds.db")
    with Fetcher(user_agent="feeds-tests", timeout=10) as fetcher:
        result = update_source(source, config.settings, store, fetcher, now=NOW)
    assert result.ok, result.error
    keys = store._db.execute("SELECT key FROM items ORDER BY published_ts DESC, key").fetchall()
    got = [_record(store.item(source.id, key), base) for (key,) in keys]
    assert_golden(got, folder / "expected.json")
    for fmt in ("rss", "atom", "json"):
        assert (tmp_path / "public" / f"{source.id}.{fmt}").exists()


@pytest.mark.parametrize("site", SITE_NAMES)
def test_site_snapshot(site, tmp_path):
    """The site's snapshot, as `feeds test` reads it: offline, field by field."""
    _, source = site_config(SITES / site, tmp_path)
    outcome = snapshots.run(source, SITES / site / "snapshots" / source.id)
    if UPDATE:
        snapshots.accept(outcome)
    assert outcome.items, "the snapshot gives no entries"
    assert outcome.differences == [] or UPDATE, outcome.differences


def assert_golden(got: list[dict], path: Path) -> None:
    """``got`` equals the reviewed items in ``path``, key order first, then field by field."""
    if UPDATE:
        path.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", "utf-8")
    if not path.exists():
        pytest.fail(
            f"{path} is missing: write it with FEEDS_UPDATE_GOLDEN=1 pytest tests/test_sites.py, "
            "check every item against the saved pages, and commit it"
        )
    expected = json.loads(path.read_text("utf-8"))
    assert [i["key"] for i in got] == [i["key"] for i in expected]
    for mine, theirs in zip(got, expected, strict=True):
        assert mine == theirs, mine["key"]


def test_a_missing_golden_file_fails_and_is_not_written(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "UPDATE", False)
    path = tmp_path / "expected.json"
    with pytest.raises(pytest.fail.Exception, match="missing: write it with FEEDS_UPDATE_GOLDEN=1"):
        assert_golden([{"key": "a"}], path)
    assert not path.exists()


def test_a_golden_file_that_differs_fails(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "UPDATE", False)
    path = tmp_path / "expected.json"
    path.write_text(json.dumps([{"key": "a", "title": "old"}]), "utf-8")
    assert_golden([{"key": "a", "title": "old"}], path)
    with pytest.raises(AssertionError):
        assert_golden([{"key": "a", "title": "new"}], path)
    with pytest.raises(AssertionError):
        assert_golden([{"key": "b", "title": "old"}], path)
