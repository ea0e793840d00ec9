"""Scenario "cluster" of `make bench` (issue 16): 1, 2 and 3 `feeds run` instances sharing one
PostgreSQL database, polling the bench portal (50 ms per request).

    .venv/bin/python bench/cluster.py [--sources 1000] [--every 60] [--window 120]

For each instance count: a fresh database, the instances started with every source due soon,
a first round let through (it stores each listing's items), then a window of steady polls
measured: polls per minute (listing requests the portal answered), CPU seconds per poll (the
instances' own, from /proc), PostgreSQL transactions per poll (pg_stat_database; the store and
the queue run in autocommit, so nearly one a statement) and the lag from due to polled
(procrastinate's ``started`` event against the job's ``scheduled_at``, p50 and p99). Sources
read the listing only (``full_text = false``): the poll, not article pages, is measured.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from portal import Portal  # noqa: E402
from run import FEEDS, SOURCE, Table, _free_port, _proc, _status  # noqa: E402

SERVER = "postgresql://postgres@127.0.0.1:5432"


def _admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as db:
        db.execute(statement)  # type: ignore[arg-type]


def _query(url: str, statement: str) -> list[tuple[object, ...]]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        return db.execute(statement).fetchall()  # type: ignore[arg-type]


@contextlib.contextmanager
def database(name: str) -> Iterator[str]:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"{SERVER}/{name}"
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def write_config(work: Path, portal: Portal, url: str, sources: int, every: int) -> Path:
    work.mkdir(parents=True, exist_ok=True)
    text = '[settings]\nbase_url = "http://feeds.example/"\ntimezone = "Asia/Shanghai"\n'
    text += f'output_dir = "{work / "public"}"\ndatabase = "{url}"\n'
    # The bench portal stands for many sites on one address: no per-host cap or spacing.
    text += "host_concurrency = 32\nhost_interval = 0\nheartbeat = 5\n"
    for i in range(sources):
        block = SOURCE.format(id=f"s{i:04d}", url=portal.listing(i), pages=1)
        block = block.replace('every = "1h"', f'every = "{every}s"\nfull_text = false')
        text += block
    path = work / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _xacts(url: str, name: str) -> int:
    (row,) = _query(
        url,
        f"SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '{name}'",
    )
    return int(str(row[0]))


def _lags(url: str, since: float, until: float) -> list[float]:
    rows = _query(
        url,
        "SELECT extract(epoch FROM e.at - j.scheduled_at) FROM procrastinate_jobs j"
        " JOIN procrastinate_events e ON e.job_id = j.id AND e.type = 'started'"
        f" WHERE j.task_name = 'poll' AND e.at >= to_timestamp({since})"
        f" AND e.at < to_timestamp({until})",
    )
    return sorted(float(str(row[0])) for row in rows)


def one_round(
    work: Path, portal: Portal, instances: int, sources: int, every: int, window: int
) -> dict[str, float]:
    name = f"feeds_bench_cluster_{os.getpid()}_{instances}"
    with database(name) as url:
        config = write_config(work / f"n{instances}", portal, url, sources, every)
        ports = [_free_port() for _ in range(instances)]
        procs = [
            subprocess.Popen(
                [str(FEEDS), "run", "--config", str(config), "--listen", f"127.0.0.1:{port}"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for port in ports
        ]
        try:
            deadline = time.time() + 60 + every * 3
            while time.time() < deadline:  # the first round: every source polled once
                with contextlib.suppress(OSError):
                    if sum(1 for s in _status(ports[0]) if s.get("last_success")) >= sources:
                        break
                time.sleep(1)
            time.sleep(every / 2)
            before = (portal.stats(), [_proc(p.pid)[2] for p in procs], _xacts(url, name))
            start = time.time()
            time.sleep(window)
            end = time.time()
            after = (portal.stats(), [_proc(p.pid)[2] for p in procs], _xacts(url, name))
            lags = _lags(url, start, end)
        finally:
            for p in procs:
                p.send_signal(signal.SIGTERM)
            for p in procs:
                p.wait(timeout=60)
    polls = float(str(after[0]["requests"])) - float(str(before[0]["requests"]))
    cpu = sum(after[1]) - sum(before[1])
    return {
        "polls_min": polls / (end - start) * 60,
        "cpu_poll_ms": cpu / polls * 1000 if polls else 0.0,
        "xact_poll": (after[2] - before[2]) / polls if polls else 0.0,
        "lag_p50": statistics.median(lags) if lags else 0.0,
        "lag_p99": lags[int(len(lags) * 0.99)] if lags else 0.0,
        "expected_min": sources / every * 60,
    }


def scenario_cluster(work: Path, sources: int, every: int, window: int) -> list[Table]:
    table = Table(
        f"6. Cluster: {sources} sources every {every} s, 50 ms per request, PostgreSQL, "
        f"{window} s measured",
        [
            "instances",
            "polls/min (due/min)",
            "CPU ms/poll",
            "PG transactions/poll",
            "lag due→polled p50",
            "p99",
        ],
    )
    with Portal(sources=sources, articles=30, per_page=30, delay_ms=50) as portal:
        for n in (1, 2, 3):
            r = one_round(work, portal, n, sources, every, window)
            table.rows.append(
                [
                    str(n),
                    f"{r['polls_min']:.0f} ({r['expected_min']:.0f})",
                    f"{r['cpu_poll_ms']:.1f}",
                    f"{r['xact_poll']:.1f}",
                    f"{r['lag_p50']:.2f} s",
                    f"{r['lag_p99']:.2f} s",
                ]
            )
    return [table]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--every", type=int, default=60)
    parser.add_argument("--window", type=int, default=120)
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory(prefix="feeds-bench-cluster-") as work:
        for table in scenario_cluster(Path(work), args.sources, args.every, args.window):
            print(table.markdown(), flush=True)


if __name__ == "__main__":
    main()
