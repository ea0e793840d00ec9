"""The shape of the package, measured (issue 14): data flows one way, each third-party library
has one owner, and functions and modules stay small enough to read."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "feeds"
MODULES = sorted(PACKAGE.rglob("*.py"))

# The modules above the config: they read the file and run the stages below.
TOP = {"cli.py", "service.py", "__main__.py"}

# Each library and where it may be imported (modules, or packages ending in "/").
OWNERS: dict[str, str | tuple[str, ...]] = {
    "httpx": "fetch/",
    "httpcore": "fetch/",
    "bs4": "extract/",
    "soupsieve": "extract/",
    "trafilatura": "extract/content.py",
    "sqlite3": "store/",
    "psycopg": "store/",
    "psycopg_pool": "store/",
    "procrastinate": "cluster.py",
    "feedgen": "render.py",
    # render.py re-parses what it wrote; the fast paths read pages without bs4, and so does
    # head_meta.py, which reads every listing page's head on every poll.
    "lxml": (
        "render.py",
        "extract/fast_article.py",
        "extract/fast_listing.py",
        "extract/fast_absence.py",
        "extract/head_meta.py",
    ),
    "cssselect": ("extract/fast_article.py", "extract/fast_listing.py"),
    "apscheduler": "scheduler.py",
    "nh3": "clean.py",
    "charset_normalizer": "encoding.py",
    "protego": "robots.py",
    "publicsuffixlist": "guard.py",
    "uvicorn": "listener.py",
    "httptools": "listener.py",
    "brotli": "feedfiles.py",
    "playwright": "fetch/browser.py",
}


def relative(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, by its full dotted name."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", MODULES, ids=relative)
def test_nothing_below_the_config_imports_it(path: Path) -> None:
    if relative(path) in TOP:
        return
    assert "feeds.config" not in imported(path), (
        f"{relative(path)} imports feeds.config: data flows down (take models.Settings/Source)"
    )


@pytest.mark.parametrize("path", MODULES, ids=relative)
def test_each_library_has_one_owner(path: Path) -> None:
    where = relative(path)
    for name in imported(path):
        owners = OWNERS.get(name.split(".")[0])
        if owners is None:
            continue
        owners = (owners,) if isinstance(owners, str) else owners
        allowed = any(where.startswith(o) if o.endswith("/") else where == o for o in owners)
        assert allowed, f"{where} imports {name}, which only {' and '.join(owners)} may use"


def test_every_third_party_import_has_an_owner() -> None:
    stray = {
        name.split(".")[0]
        for path in MODULES
        for name in imported(path)
        if name.split(".")[0] not in sys.stdlib_module_names
        and not name.startswith("feeds")
        and name.split(".")[0] not in OWNERS
    }
    # starlette is the HTTP face: server.py and the listener that serves it.
    assert stray <= {"starlette"}, f"libraries without an owner in OWNERS: {sorted(stray)}"


@pytest.mark.parametrize(
    "module", ["feeds.identity", "feeds.models", "feeds.decide", "feeds.formats", "feeds.store"]
)
def test_pure_modules_load_no_third_party_package(module: str) -> None:
    script = (
        "import sys\n"
        f"import {module}\n"
        "loaded = {m.split('.')[0] for m in sys.modules}\n"
        "print(sorted(m for m in loaded if m not in sys.stdlib_module_names "
        "and m not in ('feeds', '__main__', '_distutils_hack') and not m.startswith('_')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", f"import {module} loads {done.stdout.strip()}"


@pytest.mark.parametrize("path", MODULES, ids=relative)
def test_functions_fit_on_a_screen(path: Path) -> None:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            assert length <= 80, f"{relative(path)}: {node.name} is {length} lines (at most 80)"


@pytest.mark.parametrize("path", MODULES, ids=relative)
def test_modules_stay_readable(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    limit = 300 if relative(path) == "pipeline.py" else 500
    assert lines <= limit, f"{relative(path)} has {lines} lines (at most {limit})"
