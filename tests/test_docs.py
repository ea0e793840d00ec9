"""The README documents every command and every config key (sqlite-utils' test_docs idea)."""

import re
from pathlib import Path

import pytest

from feeds.cli import COMMANDS, build_parser
from feeds.config import KEYS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_documented(command):
    assert f"`feeds {command}" in README, f"README lacks `feeds {command} …`"


def test_commands_table_matches_the_parser():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) == set(COMMANDS)


@pytest.mark.parametrize("key", [k.path for k in KEYS])
def test_every_config_key_is_documented(key):
    assert f"| `{key}` |" in README, f"README's config table lacks `{key}`"


def mentions(text: str, name: str) -> bool:
    """Whether ``text`` names the module ``name`` as a whole word: 'dates.py' is not
    mentioned by 'page_dates.py', and 'html.py' not by 'xhtml.pyi'."""
    return re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", text) is not None


def test_mentions_matches_whole_names_only():
    assert mentions("`dates.py` parses dates", "dates.py")
    assert mentions("see extract/dates.py.", "dates.py")
    assert not mentions("`page_dates.py` the date", "dates.py")
    assert not mentions("`old-dates.py`, `dates.pyc`, `x.dates.py`", "dates.py")


def test_architecture_names_every_module():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for path in sorted((ROOT / "feeds").rglob("*.py")):
        if path.name == "__init__.py":
            continue
        name = path.relative_to(ROOT / "feeds").as_posix()
        short = name.split("/")[-1]
        assert mentions(text, short) or mentions(text, name), f"ARCHITECTURE.md lacks {name}"


def test_every_dependency_is_explained():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for requirement in project["dependencies"]:
        name = requirement.split(">")[0].split("=")[0].strip()
        assert mentions(README.lower(), name.lower()), f"README lacks {name}"
