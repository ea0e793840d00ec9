"""Every case of RELIABILITY.md (../shared, the test plan of issue 4) has a test named after
its ID (``test_<ID>_…``) somewhere in tests/, fast or slow."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
PLAN = TESTS.parents[1] / "shared" / "RELIABILITY.md"

# The IDs as the plan lists them (kept here too: a user's clone has no ../shared).
CASES = (
    *(f"L{n}" for n in range(1, 11)),
    *(f"F{n}" for n in range(1, 12)),
    *(f"B{n}" for n in range(1, 17)),
    *(f"S{n}" for n in range(1, 12)),
)


def named_tests() -> set[str]:
    found: set[str] = set()
    for path in TESTS.glob("test_*.py"):
        found.update(re.findall(r"^\s*def test_([LFBS]\d+)_", path.read_text("utf-8"), re.M))
    return found


def test_every_case_has_a_test_named_after_it():
    missing = [case for case in CASES if case not in named_tests()]
    assert not missing, f"cases without a test_<ID>_… test: {missing}"


def test_the_list_matches_the_plan():
    if not PLAN.exists():
        pytest.skip("../shared/RELIABILITY.md is not here (a user's clone)")
    listed = re.findall(r"^\| ([LFBS]\d+) \|", PLAN.read_text("utf-8"), re.M)
    assert sorted(listed) == sorted(CASES)
