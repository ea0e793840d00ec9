"""Start-up and idle poll (issue 19): the CPU of a `feeds update` that finds nothing new.

    .venv/bin/python bench/startup.py [--runs 7]

Starts the bench portal, runs one `feeds update` to fill the store, then times ``--runs``
idle updates (one 304, nothing parsed, nothing rendered) beside `python -c pass` (the
interpreter's own floor) and `python -c "import feeds.cli"` (what every command pays), runs
alternating, medians reported. CPU is user+sys of the child from /usr/bin/time. Then the
heaviest imports of the idle update by ``python -X importtime``, and which of the libraries
an idle poll must not need were loaded.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from portal import Portal  # noqa: E402
from run import FEEDS, Child, Table, failed, mtimes, write_config, written  # noqa: E402

PYTHON = str(ROOT / ".venv/bin/python")
GOAL_CPU = 0.15  # seconds, issue 19
# What an idle poll has no use for (issue 19); loading one is a regression.
HEAVY = ("trafilatura", "feedgen", "apscheduler", "starlette", "uvicorn", "bs4", "soupsieve")
HEAVY += ("lxml", "htmldate", "justext", "brotli", "nh3")


def importtime(
    command: Sequence[str], top: int, runs: int = 3
) -> tuple[list[tuple[int, str]], set[str]]:
    """The ``top`` heaviest packages a command imports (cumulative µs, the least of ``runs``
    runs: a busy machine only ever adds time), and every top-level package it loaded."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    packages: dict[str, int] = {}
    loaded: set[str] = set()
    for _ in range(runs):
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        seen: dict[str, int] = {}
        for line in done.stderr.splitlines():
            if not line.startswith("import time:") or line.count("|") != 2:
                continue
            _, cumulative, name = line.split("|")
            if not cumulative.strip().isdigit():
                continue  # the header line
            stripped = name.strip()
            top_level = len(name) - len(name.lstrip()) == 1
            package = stripped.split(".")[0]
            loaded.add(package)
            # Whole packages (where first imported) and what the command itself imports.
            if top_level or ("." not in stripped and package != "feeds"):
                seen[stripped] = max(seen.get(stripped, 0), int(cumulative))
        for name, us in seen.items():
            packages[name] = min(packages.get(name, us), us)
    heaviest = sorted(((us, name) for name, us in packages.items() if us), reverse=True)
    return heaviest[:top], loaded


# The idle update in a child that then names the top-level packages in its sys.modules: what
# -X importtime lists includes imports that failed (httpx asks for brotli, which the fetcher
# hides from it), so it cannot say what was loaded.
LOADED = (
    "import sys\nfrom feeds.cli import main\ncode = main(sys.argv[1:])\n"
    "print('\\nLOADED', *sorted({name.split('.')[0] for name in sys.modules}))\nsys.exit(code)\n"
)


def loaded_by(arguments: Sequence[str]) -> set[str]:
    """The top-level packages a `feeds` command has in sys.modules when it ends."""
    done = subprocess.run(
        [PYTHON, "-c", LOADED, *arguments], capture_output=True, text=True, check=False
    )
    _, _, names = done.stdout.rpartition("LOADED ")
    return set(names.split())


def run_child(command: Sequence[str]) -> Child:
    """One command under /usr/bin/time (peak RSS, kept clear of this process's pages), its
    CPU to the microsecond from wait4 (time reaps the command, so its rusage holds both;
    time's own share is a fraction of a millisecond): GNU time prints only hundredths."""
    with (
        tempfile.NamedTemporaryFile(suffix=".time") as usage,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        timed = ["/usr/bin/time", "-q", "-f", "%M", "-o", usage.name, *command]
        started = time.perf_counter()
        process = subprocess.Popen(timed, stdout=out, stderr=err)
        _, status, rusage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Child(
            wall=wall,
            cpu=rusage.ru_utime + rusage.ru_stime,
            rss_mb=int(Path(usage.name).read_text().split()[-1]) / 1024,
            code=process.returncode,
            out=out.read().decode(errors="replace"),
            err=err.read().decode(errors="replace"),
        )


def compile_package() -> None:
    """The package's bytecode, as an installed wheel has it: where PYTHONDONTWRITEBYTECODE is
    set (it is on the development machine) every run would otherwise compile the whole
    package again, which is no cost of ours to a user."""
    compileall.compile_dir(str(ROOT / "feeds"), quiet=1)


def measure(work: Path, runs: int) -> list[Table]:
    compile_package()
    with Portal(articles=30, per_page=30) as portal:
        config = write_config(work, [("bench", portal.listing(0), 1)])
        update = [str(FEEDS), "update", "--config", str(config)]
        first = run_child(update)
        if first.code != 0:
            raise SystemExit(f"the first update failed: {failed(first)}")
        commands = {
            "python -c pass (the floor)": [PYTHON, "-c", "pass"],
            'python -c "import feeds.cli"': [PYTHON, "-c", "import feeds.cli"],
            "feeds update, idle (one 304)": update,
        }
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        wall: dict[str, list[float]] = {name: [] for name in commands}
        rss: dict[str, list[float]] = {name: [] for name in commands}
        before = mtimes(work / "public")
        time.sleep(0.05)  # mtime resolution
        portal.reset()
        for _ in range(runs):  # alternating, so a busy moment of the machine hits all alike
            for name, command in commands.items():
                child = run_child(command)
                if child.code != 0:
                    raise SystemExit(f"{name} failed: {failed(child)}")
                cpu[name].append(child.cpu)
                wall[name].append(child.wall)
                rss[name].append(child.rss_mb)
        stats = portal.stats()
        files = written(before, mtimes(work / "public"))
        idle_import, _ = importtime([PYTHON, "-m", "feeds", *update[1:]], 12)
        loaded = loaded_by(update[1:])
        cli_import, _ = importtime([PYTHON, "-c", "import feeds.cli"], 12)
    floor = statistics.median(cpu["python -c pass (the floor)"])
    table = Table(
        f"Start-up and idle poll: medians of {runs} alternating runs",
        ["command", "CPU s", "× python -c pass", "× goal", "wall s", "peak RSS MB"],
    )
    for name in commands:
        median = statistics.median(cpu[name])
        table.rows.append(
            [
                name,
                f"{median:.3f}",
                f"{median / floor:.1f}" if floor else "-",
                f"{median / GOAL_CPU:.2f}" if name.startswith("feeds") else "",
                f"{statistics.median(wall[name]):.3f}",
                f"{statistics.median(rss[name]):.0f}",
            ]
        )
    kinds = stats["by_kind"]
    assert isinstance(kinds, dict)
    heavy = sorted(name for name in HEAVY if name in loaded)
    table.notes += [
        f"Goal: idle `feeds update` CPU ≤ {GOAL_CPU} s (`× goal` ≤ 1). CPU is user+sys of the "
        "child (/usr/bin/time), interpreter start included.",
        f"The idle updates asked the portal {stats['requests']} times "
        f"({', '.join(f'{k} {v[0]}' for k, v in kinds.items())}) and rewrote {files} files.",
        "Libraries an idle poll should not need, loaded by it: " + (", ".join(heavy) or "none"),
        "Heaviest imports of the idle update (`python -X importtime`, cumulative ms, least "
        "of 3 runs): " + ", ".join(f"{name} {us / 1000:.0f}" for us, name in idle_import),
        "Heaviest imports of `import feeds.cli` (cumulative ms): "
        + ", ".join(f"{name} {us / 1000:.0f}" for us, name in cli_import),
    ]
    return [table]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="feeds-startup-") as work:
        for table in measure(Path(work), args.runs):
            print(table.markdown())


if __name__ == "__main__":
    main()
