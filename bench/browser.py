"""What a rendered page costs (issue 17): per page, wall time, CPU and memory of
render = "browser" beside the static path on the same pages; then the memory of a real
`feeds run` over many renders (flat is the goal: within 10 % between the window after the
first 100 renders and the last window).

    .venv/bin/python bench/browser.py                         # 20 pages each, 1,000 renders
    .venv/bin/python bench/browser.py --pages 5 --renders 200 # quick

Needs Chromium (settings.browser, Debian's /usr/bin/chromium) and the browser extra. The
pages are the test suite's sample portal (tests/portal.py, tests/portal_js.py) on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from portal import SamplePortal  # noqa: E402
from portal_js import add_script_pages  # noqa: E402

from feeds.browsing import BrowserOptions, Wait  # noqa: E402
from feeds.extract.listing import extract_listing  # noqa: E402
from feeds.fetch import Fetcher, HostLimits  # noqa: E402
from feeds.fetch.browser import browser_memory, close_browser  # noqa: E402
from feeds.models import ListingRules, Page  # noqa: E402

RULES = ListingRules(item="div.catlist li", link="a", title="a", date="i")
ITEMS = Wait(selector="div.catlist li")
MB = 1024 * 1024


def tree(pid: int) -> list[int]:
    """Every process under ``pid``."""
    children: dict[int, list[int]] = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text(errors="replace")
        except OSError:
            continue
        children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    found, todo = [], list(children.get(pid, []))
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these live processes and of their children that ended (a
    closed page's renderer is counted in its parent's cutime and cstime)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def per_page(portal: SamplePortal, pages: int) -> list[tuple[str, float, float, float, int, int]]:
    """Rows: what, wall ms, our CPU ms, browser CPU ms, our RSS, the browser's peak PSS."""
    fetcher = Fetcher(user_agent="feeds-bench", timeout=30, limits=HostLimits(4, 0.0))
    fetcher.browser = BrowserOptions(recycle=100_000)  # no restart inside a measurement
    static: Callable[[str], Page] = fetcher.get

    def rendered(url: str) -> Page:
        return fetcher.render(url, wait=ITEMS)

    modes = [
        ("static news/ (get)", portal.url("news/"), static),
        ("browser news/ (render)", portal.url("news/"), rendered),
        ("browser js/list.html (render)", portal.url("js/list.html"), rendered),
    ]
    rendered(portal.url("js/list.html"))  # the launch is not a page's cost
    rows = []
    for name, url, get in modes:
        walls, ours, theirs, peak = [], [], [], 0
        for _ in range(pages):
            browsers = tree(os.getpid())
            started, cpu, cpu_browser = time.monotonic(), time.process_time(), cpu_seconds(browsers)
            page = get(url)
            entries = extract_listing(page.text, page.url, RULES).entries
            assert len(entries) == 10, (name, len(entries))
            walls.append(time.monotonic() - started)
            ours.append(time.process_time() - cpu)
            theirs.append(cpu_seconds(browsers) - cpu_browser)
            peak = max(peak, browser_memory(os.getpid()) if get is rendered else 0)
        rows.append(
            (
                name,
                1000 * statistics.median(walls),
                1000 * statistics.median(ours),
                1000 * statistics.median(theirs),
                rss(os.getpid()),
                peak,
            )
        )
    fetcher.close()
    close_browser()
    return rows


def service_memory(portal: SamplePortal, renders: int, sources: int) -> list[tuple[int, int, int]]:
    """A real `feeds run` with ``sources`` browser sources polled every second: (renders so
    far, the service's RSS, its browser's PSS), sampled until ``renders`` pages were rendered."""
    blocks = [
        f'[[source]]\nid = "js-{n}"\nurl = "{portal.url("js/list.html")}?s={n}"\nevery = "1s"\n'
        f'full_text = false\nrender = "browser"\n  [source.listing]\n  item = "div.catlist li"\n'
        '  link = "a"\n  title = "a"\n  date = "i"\n'
        for n in range(sources)
    ]
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.toml"
        config.write_text(
            '[settings]\nbase_url = "http://127.0.0.1:9/"\nhost_interval = 0\n'
            'timezone = "Asia/Shanghai"\n\n' + "\n".join(blocks),
            encoding="utf-8",
        )
        command = [sys.executable, "-m", "feeds", "run", "--config", str(config)]
        process = subprocess.Popen(
            [*command, "--listen", f"127.0.0.1:{free_port()}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=folder,
        )
        samples: list[tuple[int, int, int]] = []
        try:
            done, shown = 0, 0
            while done < renders and process.poll() is None:
                time.sleep(0.5)
                done = portal.count("/js/list.html")
                samples.append((done, rss(process.pid), browser_memory(process.pid)))
                if done >= shown + 100:  # progress, for a run cut short
                    shown = done - done % 100
                    _, ours, theirs = samples[-1]
                    print(
                        f"  {done} renders: service {ours / MB:.0f} MB + browser "
                        f"{theirs / MB:.0f} MB",
                        flush=True,
                    )
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
    return samples


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def window(samples: list[tuple[int, int, int]], low: int, high: int) -> tuple[float, float]:
    """Mean and max of (service RSS + browser PSS) over the samples with low <= renders < high."""
    totals = [ours + theirs for done, ours, theirs in samples if low <= done < high]
    return statistics.fmean(totals) / MB, max(totals) / MB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20, help="pages per mode (default 20)")
    parser.add_argument("--renders", type=int, default=1000, help="renders of feeds run")
    parser.add_argument("--sources", type=int, default=4, help="browser sources of feeds run")
    args = parser.parse_args()
    with SamplePortal() as portal:
        add_script_pages(portal, "http://127.0.0.2:9/")
        print(f"per page (median of {args.pages}; the browser launched beforehand):")
        print(
            f"{'':32} {'wall ms':>8} {'CPU ms':>7} {'+browser CPU ms':>15} {'RSS MB':>7} "
            f"{'browser PSS MB':>14}"
        )
        for name, wall, ours, theirs, ours_rss, peak in per_page(portal, args.pages):
            print(
                f"{name:32} {wall:8.1f} {ours:7.1f} {theirs:15.1f} {ours_rss / MB:7.0f} "
                f"{peak / MB:14.0f}"
            )
        portal.clear_log()
        samples = service_memory(portal, args.renders, args.sources)
    done = samples[-1][0] if samples else 0
    print(
        f"\nfeeds run, {args.sources} browser sources every 1s: {done} renders, "
        "service RSS + browser PSS (browser_recycle = 100):"
    )
    if done < args.renders or done < 200:
        print("  too few renders to compare")
        return
    first = window(samples, 100, 200)
    last = window(samples, done - 100, done + 1)
    print(f"  renders 100-200:      mean {first[0]:6.0f} MB, max {first[1]:6.0f} MB")
    print(f"  renders {done - 100}-{done}: mean {last[0]:6.0f} MB, max {last[1]:6.0f} MB")
    print(f"  last / first: mean {last[0] / first[0]:.3f}, max {last[1] / first[1]:.3f}")
    ours_first = statistics.fmean(o for d, o, _ in samples if 100 <= d < 200) / MB
    ours_last = statistics.fmean(o for d, o, _ in samples if d >= done - 100) / MB
    print(f"  the service's own RSS: {ours_first:.0f} MB -> {ours_last:.0f} MB")


if __name__ == "__main__":
    main()
