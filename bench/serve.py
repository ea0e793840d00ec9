"""Requests per second of /feeds/<id>.rss, 200 and 304, beside nginx serving the same file.

    .venv/bin/python bench/serve.py [--seconds 10] [--connections 32] [--runs 3]

Needs wrk and nginx (Debian packages). Starts the sample portal of the tests, `feeds run`
against it, and nginx on the same output folder, all on 127.0.0.1; prints one table. The
four measurements take turns, ``--runs`` rounds of them, and the table gives each one's
median: on a shared machine one round can be far off.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from helpers import destoon_source, write_config  # noqa: E402
from portal import SamplePortal  # noqa: E402

NGINX_CONF = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  types {{ application/rss+xml rss; }}
  etag on;
  server {{
    listen 127.0.0.1:{port};
    location /feeds/ {{ alias {output}/; }}
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wrk(url: str, seconds: int, connections: int, etag: str | None) -> float:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if etag:
        command[1:1] = ["-H", f"If-None-Match: {etag}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in out:
        raise SystemExit(f"errors from {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def etag_of(url: str) -> tuple[str, int]:
    with urllib.request.urlopen(url) as response:
        return response.headers["ETag"], len(response.read())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            raise SystemExit(f"{tool} is not installed (apt-get install {tool})")
    work = Path(tempfile.mkdtemp(prefix="feeds-bench-"))
    work.chmod(0o755)  # nginx workers run as an unprivileged user
    with SamplePortal() as portal:
        config = write_config(work, destoon_source(portal.url("news/")))
        port = free_port()
        service = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/feeds"),
                "run",
                "--config",
                str(config),
                "--listen",
                f"127.0.0.1:{port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        nginx_port = free_port()
        (work / "nginx.conf").write_text(
            NGINX_CONF.format(dir=work, port=nginx_port, output=work / "public")
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        subprocess.run([nginx, "-c", str(work / "nginx.conf")], check=True)
        try:
            status = f"http://127.0.0.1:{port}/status.json"
            for _ in range(300):
                try:
                    with urllib.request.urlopen(status) as response:
                        if json.load(response)["sources"][0]["last_success"]:
                            break
                except OSError:
                    pass
                time.sleep(0.2)
            else:
                raise SystemExit("feeds run wrote no feed within 60 s (a loaded machine?)")
            ours = f"http://127.0.0.1:{port}/feeds/sample.rss"
            theirs = f"http://127.0.0.1:{nginx_port}/feeds/sample.rss"
            our_etag, size = etag_of(ours)
            nginx_etag, _ = etag_of(theirs)
            runs: dict[str, list[float]] = {}
            for _ in range(args.runs):
                for label, url, etag in (
                    ("feeds 200", ours, None),
                    ("nginx 200", theirs, None),
                    ("feeds 304", ours, our_etag),
                    ("nginx 304", theirs, nginx_etag),
                ):
                    measured = wrk(url, args.seconds, args.connections, etag)
                    runs.setdefault(label, []).append(measured)
            rows = [(label, statistics.median(rates)) for label, rates in runs.items()]
        finally:
            subprocess.run([nginx, "-c", str(work / "nginx.conf"), "-s", "stop"], check=False)
            service.send_signal(signal.SIGTERM)
            service.wait(timeout=30)
    rate = dict(rows)
    print(
        f"/feeds/sample.rss, {size} bytes, wrk -t2 -c{args.connections} -d{args.seconds}s, "
        f"{os.cpu_count()} cores, median of {args.runs} runs"
    )
    print("| server | requests/s | ratio to nginx |\n|---|---:|---:|")
    for label, value in rows:
        kind = label.split()[1]
        print(f"| {label} | {value:,.0f} | {value / rate['nginx ' + kind]:.2f} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
