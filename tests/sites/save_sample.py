"""Save pages of the sample portal as a golden site's snapshot (run from tests/: README.md).

    PYTHONPATH=.:.. python sites/save_sample.py destoon-sample
    PYTHONPATH=.:.. python sites/save_sample.py destoon-gbk

The site's ``config.toml`` (its listing on ``http://site.example``) is read with the sample
portal's address in its place, and the check's stages run against the portal with every
page kept, as `feeds check --save` keeps them, at the golden tests' fixed time. The portal's
address is then written back as ``http://site.example``. The expected files are written by
``FEEDS_UPDATE_GOLDEN=1 pytest tests/test_sites.py``: read their diff before committing.
"""

from __future__ import annotations

import json
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

from portal import SamplePortal

from feeds import snapshots
from feeds.check import check_source
from feeds.config import parse_config
from feeds.fetch import Fetcher, HostLimits

HERE = Path(__file__).resolve().parent
SITE = "http://site.example"
NOW = datetime(2024, 12, 14, 2, 0, tzinfo=UTC)  # test_sites.NOW


def main(name: str) -> None:
    folder = HERE / name
    text = (folder / "config.toml").read_text("utf-8")
    with SamplePortal() as portal:
        base = portal.base_url.rstrip("/")
        config = parse_config(tomllib.loads(text.replace(SITE, base)), path=folder / "config.toml")
        (source,) = config.sources
        fetched: list = []
        with Fetcher(user_agent="feeds-tests", timeout=10, limits=HostLimits(4, 0)) as fetcher:
            fetcher.on_page = lambda url, page: fetched.append((url, page))
            report = check_source(source, fetcher, limit=source.max_articles, now=NOW)
    target = snapshots.folder_of(snapshots.root_of(folder / "config.toml"), source.id)
    snapshots.save(target, report, fetched, saved=NOW, limit=source.max_articles)
    meta = json.loads((target / "snapshot.json").read_text("utf-8"))
    for entry in meta["pages"]:
        if "file" in entry:
            entry["fetched_at"] = NOW.isoformat()
            page = target / entry["file"]
            page.write_bytes(page.read_bytes().replace(base.encode(), SITE.encode()))
    index = json.dumps(meta, ensure_ascii=False, indent=2).replace(base, SITE)
    (target / "snapshot.json").write_text(index + "\n", "utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
