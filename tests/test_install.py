"""The container's install steps, replayed outside Docker (CI has no Docker engine).

The Dockerfile's builder stage copies pyproject.toml, README.md and feeds/, builds a wheel of
feeds with ``pip wheel --no-deps`` and wheels of its dependencies; the runtime stage installs
them all with ``pip install --no-index --no-deps`` and runs ``feeds run``. This test does the same
in a fresh venv (dependencies come from PyPI, or pip's cache when there is one) and runs the
installed command against the sample portal as the container would.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import feedparser
from helpers import destoon_source, feeds, free_port, write_config

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
IMAGE_CONFIG = ROOT / "docker" / "config.toml"
BUILD_INPUTS = ("pyproject.toml", "README.md", "feeds")  # what the builder stage copies
PIP_TIMEOUT = 600  # seconds per pip step: dependencies may come from PyPI


def test_the_dockerfile_has_the_steps_this_test_replays():
    text = DOCKERFILE.read_text(encoding="utf-8")
    copies = " ".join(line for line in text.splitlines() if line.startswith("COPY "))
    for name in BUILD_INPUTS:
        assert name in copies, f"the Dockerfile does not copy {name}"
    for step in (
        "FROM python:${PYTHON_VERSION}-slim AS builder",
        "pip wheel --no-deps",
        "pip wheel --wheel-dir /wheels /wheels/feeds-",
        "--no-index --no-deps /wheels/*.whl",
        "pip check",
        "COPY docker/config.toml /config/config.toml",
        "FEEDS_CONFIG=/config/config.toml",
        'VOLUME ["/config", "/data"]',
        "EXPOSE 8080",
        'CMD ["feeds", "healthcheck"]',
        'CMD ["feeds", "run", "--listen", "0.0.0.0:8080"]',
    ):
        assert step in text, f"the Dockerfile lacks {step!r}"
    users = [line.split()[1] for line in text.splitlines() if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for name in (".git", ".venv", "public", "data"):
        assert name in ignored, f".dockerignore lacks {name}"


def test_the_image_config_is_valid_and_keeps_its_state_under_data():
    settings = tomllib.loads(IMAGE_CONFIG.read_text(encoding="utf-8"))["settings"]
    for key in ("output_dir", "data_dir"):
        assert settings[key].startswith("/data/"), f"settings.{key} is not under /data"
    run = feeds("config", config=IMAGE_CONFIG)
    assert run.code == 0, run.err


def check(
    command: list[str | Path], *, env: dict[str, str], cwd: Path, timeout: float = PIP_TIMEOUT
) -> str:
    """Run one step; cwd is outside the repo, whose feeds/ would shadow the installed one."""
    done = subprocess.run(
        [str(c) for c in command],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        cwd=cwd,
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.status == 200
        return response.read()


def test_the_wheel_installs_in_a_fresh_venv_and_runs_the_service(portal, tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("FEEDS_CONFIG", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"

    # builder stage: the inputs the Dockerfile copies, a wheel of feeds, wheels of its dependencies
    # (resolved by the project's current pip, as the builder upgrades its pip)
    src, wheels = tmp_path / "src", tmp_path / "wheels"
    src.mkdir()
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, src / name)
    pip = [sys.executable, "-m", "pip"]
    check([*pip, "wheel", "--no-deps", "--wheel-dir", wheels, src], env=env, cwd=tmp_path)
    (wheel,) = wheels.glob("feeds-*.whl")
    check([*pip, "wheel", "--wheel-dir", wheels, wheel], env=env, cwd=tmp_path)

    # runtime stage: a fresh venv (its bundled pip, maybe old) gets exactly those wheels
    venv = tmp_path / "venv"
    check([sys.executable, "-m", "venv", venv], env=env, cwd=tmp_path, timeout=120)
    python, command = venv / "bin" / "python", venv / "bin" / "feeds"
    install = [python, "-m", "pip", "install", "--no-index", "--no-deps", *sorted(wheels.iterdir())]
    check(install, env=env, cwd=tmp_path)
    check([python, "-m", "pip", "check"], env=env, cwd=tmp_path)
    where = check(
        [python, "-c", "import feeds; print(feeds.__file__)"], env=env, cwd=tmp_path
    ).strip()
    assert Path(where).is_relative_to(venv), f"feeds imported from {where}, not the venv"

    source = destoon_source(portal.url("news/")).replace(
        "[[source]]\n", '[[source]]\nevery = "1h"\n'
    )
    config = write_config(tmp_path, source)
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    log = tmp_path / "service.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [command, "run", "--config", config, "--listen", f"127.0.0.1:{port}"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=tmp_path,
        )

    def wait_for(predicate: Callable[[], Any], timeout: float = 60.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert process.poll() is None, f"feeds run exited:\n{log.read_text()}"
            try:
                value = predicate()
            except OSError:
                value = None
            if value:
                return value
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {predicate}:\n{log.read_text()}")

    def polled() -> bool:
        sources = json.loads(get(base + "status.json"))["sources"]
        return bool(next(s for s in sources if s["id"] == "sample")["last_success"])

    try:
        assert wait_for(lambda: get(base + "healthz")).strip() == b"ok"
        wait_for(polled)
        body = wait_for(lambda: get(base + "feeds/sample.rss"))
        feed = feedparser.parse(body)
        assert feed.bozo == 0, feed.get("bozo_exception")
        assert len(feed.entries) > 0
        assert (tmp_path / "public" / "sample.rss").exists()

        health = [command, "healthcheck", "--url", base + "healthz"]
        check(health, env=env, cwd=tmp_path, timeout=30)

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0, log.read_text()
        down = subprocess.run(
            [str(c) for c in health], capture_output=True, env=env, cwd=tmp_path, timeout=30
        )
        assert down.returncode == 1
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
