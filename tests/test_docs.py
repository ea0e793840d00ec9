"""The README documents every command and every config key (sqlite-utils' test_docs idea)."""

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


def test_architecture_names_every_module():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for path in sorted((ROOT / "feeds").rglob("*.py")):
        if path.name == "__init__.py":
            continue
        name = path.relative_to(ROOT / "feeds").as_posix()
        short = name.split("/")[-1]
        assert short in text or name in text, f"ARCHITECTURE.md does not mention {name}"


def test_every_dependency_is_explained():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for requirement in project["dependencies"]:
        name = requirement.split(">")[0].split("=")[0].strip()
        assert name.lower() in README.lower(), f"README lacks {name}"
