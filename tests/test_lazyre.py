"""Module-level patterns compile on first use (issue 19): the same answers as re.compile,
every one of them valid, and none compiled at import."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import feeds
from feeds.lazyre import _Lazy, lazy

PACKAGE = Path(feeds.__file__).parent


def test_the_source_is_known_without_compiling() -> None:
    pattern = lazy(r"(\d+)-(\d+)", re.IGNORECASE)
    assert pattern.pattern == r"(\d+)-(\d+)"
    assert "search" not in vars(pattern)


def test_answers_as_re_compile_and_keeps_the_methods_after_first_use() -> None:
    source, text = r"(?P<year>\d{4})年\s*(\d{1,2})月", "发布 2024年 12月6日, 2023年1月"
    pattern, compiled = lazy(source), re.compile(source)
    assert pattern.search(text)[0] == compiled.search(text)[0] == "2024年 12月"  # type: ignore[index]
    assert "search" in vars(pattern)
    assert pattern.findall(text) == compiled.findall(text) == [("2024", "12"), ("2023", "1")]
    assert pattern.sub("-", text) == compiled.sub("-", text)
    assert (pattern.groups, pattern.groupindex) == (2, {"year": 1})
    assert pattern.flags == compiled.flags


def test_a_bad_pattern_fails_when_first_used() -> None:
    pattern = lazy(r"(unclosed")
    with pytest.raises(re.error):
        pattern.search("x")


def _modules() -> Iterator[Any]:
    for info in pkgutil.walk_packages([str(PACKAGE)], "feeds."):
        if info.name == "feeds.__main__":
            continue
        yield importlib.import_module(info.name)


def _lazies(value: object, depth: int = 0) -> Iterator[_Lazy]:
    """Stand-ins held by a module: as globals or in a module-level tuple, list or dict."""
    if isinstance(value, _Lazy):
        yield value
    elif depth < 2 and isinstance(value, tuple | list | frozenset | set):
        for item in value:
            yield from _lazies(item, depth + 1)
    elif depth < 2 and isinstance(value, dict):
        for item in value.values():
            yield from _lazies(item, depth + 1)


def test_every_module_level_pattern_compiles() -> None:
    found = 0
    for module in _modules():
        for value in vars(module).values():
            for pattern in _lazies(value):
                found += 1
                try:
                    pattern.groups  # noqa: B018 - the first use compiles
                except re.error as error:
                    pytest.fail(f"{module.__name__}: {pattern!r}: {error}")
    assert found > 150  # the extraction modules alone hold about 160


def _eager_module_patterns(path: Path) -> list[int]:
    """Lines of module-level ``re.compile`` calls on text patterns."""
    lines: list[int] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            if (
                isinstance(child, ast.Call)
                and ast.unparse(child.func) == "re.compile"
                and not (
                    isinstance(child.args[0], ast.Constant)
                    and isinstance(child.args[0].value, bytes)
                )
            ):
                lines.append(child.lineno)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return lines


# Where a library takes only a real re.Pattern (Playwright's get_by_role).
_HANDED_TO_A_LIBRARY = {"fetch/browser.py": 1}


def test_module_level_text_patterns_are_lazy() -> None:
    eager = {
        name: lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "lazyre.py"
        and (lines := _eager_module_patterns(path))
        and len(lines) != _HANDED_TO_A_LIBRARY.get(name := path.relative_to(PACKAGE).as_posix())
    }
    assert not eager, f"use feeds.lazyre.lazy for module-level patterns (issue 19): {eager}"
