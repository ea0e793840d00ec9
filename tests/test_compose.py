"""compose.yaml read as Docker Compose reads it, checked against the Dockerfile and the config
it mounts. No Docker engine runs here, so the cluster it describes is started by
tests/test_cluster.py as plain processes; this test makes sure the file wires those same parts
together: the replicas reach the database service with its own credentials, mount the config
where the image looks for it, and each gets a port of its own."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import yaml

from feeds.config import load_config
from feeds.dburl import database_problem

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def dockerfile_env(name: str) -> str:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    return text.split(f"{name}=", 1)[1].split()[0]


def test_the_replicas_reach_the_database_service_with_its_own_credentials():
    services = compose()["services"]
    db, feeds = services["db"], services["feeds"]
    url = feeds["environment"]["FEEDS_DATABASE"]
    assert database_problem(url) is None
    parts = urlsplit(url)
    assert parts.hostname in services, "FEEDS_DATABASE names a host that is no service"
    assert (parts.username, parts.password) == (
        db["environment"]["POSTGRES_USER"],
        db["environment"]["POSTGRES_PASSWORD"],
    )
    assert parts.path.lstrip("/") == db["environment"]["POSTGRES_DB"]
    # The replicas start once the database answers, not merely once its container runs.
    assert feeds["depends_on"]["db"]["condition"] == "service_healthy"
    assert "pg_isready" in db["healthcheck"]["test"]


def test_each_replica_gets_a_host_port_of_its_own():
    feeds = compose()["services"]["feeds"]
    replicas = feeds["deploy"]["replicas"]
    assert replicas >= 2
    host, container = feeds["ports"][0].split(":")
    first, _, last = host.partition("-")
    assert int(last or first) - int(first) + 1 >= replicas
    assert container == "8080"  # the port of the image's CMD
    assert "0.0.0.0:8080" in (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_the_config_is_mounted_where_the_image_reads_it_and_is_valid():
    feeds = compose()["services"]["feeds"]
    image_config = Path(dockerfile_env("FEEDS_CONFIG"))
    mounts = {target: source for source, target, *_ in (v.split(":") for v in feeds["volumes"])}
    folder = mounts[str(image_config.parent)]
    local = ROOT / folder / image_config.name
    config = load_config(local)
    assert config.sources, "the mounted config has no source"
    # The state and the files live on the /data volume, which outlives the containers.
    assert "/data" in mounts
    for path in (config.settings.output_dir, config.settings.data_dir):
        assert Path(path).is_relative_to("/data")
