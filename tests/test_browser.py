"""The index page and a feed in headless Chromium (Debian's chromium), as a person sees them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import destoon_source, get_json, service, wait_for, write_config

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).parent / "artifacts"  # screenshots; kept out of git

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (make test installs it as root)"
)


def chromium(tmp_path: Path, url: str, screenshot: Path) -> str:
    """Render ``url`` headless; return what Chromium logged (console messages included)."""
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium'}",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=412,915",  # a phone
        f"--screenshot={screenshot}",
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert screenshot.exists(), done.stderr[-2000:]
    return done.stderr


def console_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if ":CONSOLE" in line]


def test_index_page_renders_without_console_errors(portal, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    with service(config) as proc:
        wait_for(lambda: get_json(proc.base + "status.json")["sources"][0]["last_success"])
        index = ARTIFACTS / "index.png"
        assert console_lines(chromium(tmp_path, proc.base, index)) == []
        assert index.stat().st_size > 10_000  # a page, not a blank
        feed = ARTIFACTS / "feed-rss.png"
        log = chromium(tmp_path, proc.base + "feeds/sample.rss", feed)
        errors = [line for line in console_lines(log) if "XSLT" not in line]
        assert errors == []
