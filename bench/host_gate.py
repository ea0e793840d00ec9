"""What the shared per-host limits cost a request on PostgreSQL (issue 16): the three
statements ``HostLimits`` sends around each request of a cluster (take a slot, reserve a
start, give the slot back), timed with the tables as shipped (UNLOGGED) and, side by side in
the same run, made LOGGED; and a take refused because every slot is held (what a waiter
repeats every 10-40 ms).

    .venv/bin/python bench/host_gate.py [--requests 500] [--rounds 3]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust); a database of its own is made and
dropped.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import time

SERVER = "postgresql://postgres@127.0.0.1:5432"


def _admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as db:
        db.execute(statement)  # type: ignore[arg-type]


def _per_request(gate, requests: int) -> float:
    started = time.perf_counter()
    for n in range(requests):
        slot = gate.take_host_slot("a.example", 4, str(n), 60)
        gate.reserve_host_start("a.example", 0.001)
        gate.give_host_slot("a.example", slot, str(n))
    return (time.perf_counter() - started) / requests * 1000


def _logged(gate, logged: bool) -> None:
    word = "LOGGED" if logged else "UNLOGGED"
    for table in ("host_slots", "host_pace"):
        gate._run(f"ALTER TABLE {table} SET {word}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from feeds.store import open_cluster
    from feeds.store.postgres import close_pools

    name = f"feeds_bench_gate_{secrets.token_hex(3)}"
    _admin(f'CREATE DATABASE "{name}"')
    try:
        gate = open_cluster(f"{SERVER}/{name}")
        gate.give_host_slot("a.example", gate.take_host_slot("a.example", 4, "seed", 60), "seed")
        unlogged, logged = [], []
        for _ in range(args.rounds):  # alternated, so the machine's load weighs on both
            unlogged.append(_per_request(gate, args.requests))
            _logged(gate, True)
            logged.append(_per_request(gate, args.requests))
            _logged(gate, False)
        for n in range(4):
            gate.take_host_slot("a.example", 4, f"held{n}", 60)
        started = time.perf_counter()
        for _ in range(args.requests):
            gate.take_host_slot("a.example", 4, "waiter", 60)
        refused = (time.perf_counter() - started) / args.requests * 1000
    finally:
        close_pools()
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"| ms per request ({args.requests} x {args.rounds}, median) | UNLOGGED | LOGGED |")
    print("|---|---|---|")
    print(
        f"| take + reserve + give | {statistics.median(unlogged):.2f} "
        f"| {statistics.median(logged):.2f} |"
    )
    print(f"| a refused take (all slots held) | {refused:.2f} | |")


if __name__ == "__main__":
    main()
