"""The compose file agrees with the code: valid, its services wired, volumes, ports, health checks.

`docker-compose config -q` needs the docker-compose binary (scripts/install-compose.sh installs
Debian's v1; no Docker engine is needed); the chroma probe needs bash and the chroma CLI; the other
checks only read the file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.env import clean_env

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"


@pytest.fixture(autouse=True)
def _no_explainer_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in test_deploy.py: an empty environment, not even the data dir the root conftest sets."""
    for name in list(os.environ):
        if name.startswith("EXPLAINER_"):
            monkeypatch.delenv(name)


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def services() -> dict:
    return compose()["services"]


# -- docker-compose ---------------------------------------------------------------------------


def _compose_dir(tmp_path: Path) -> Path:
    """The compose file with the .env it requires (copied from .env.example), nothing else."""
    shutil.copy(COMPOSE, tmp_path / "docker-compose.yml")
    shutil.copy(ENV_EXAMPLE, tmp_path / ".env")
    return tmp_path


def _docker_compose() -> list[str]:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    pytest.skip("no docker-compose binary: run scripts/install-compose.sh (Debian's v1 suffices)")


def test_compose_file_is_valid(tmp_path: Path) -> None:
    cmd = _docker_compose()
    where = _compose_dir(tmp_path)
    env = clean_env()
    check = subprocess.run(
        [*cmd, "-f", "docker-compose.yml", "config", "-q"],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stderr
    resolved = subprocess.run(
        [*cmd, "-f", "docker-compose.yml", "config"],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert resolved.returncode == 0, resolved.stderr
    svc = yaml.safe_load(resolved.stdout)["services"]
    for name in ("bot", "reindex", "review"):
        environment = svc[name]["environment"]
        assert environment["EXPLAINER_CHROMA_HOST"] == "chroma", name
        assert str(environment["EXPLAINER_CHROMA_PORT"]) == "8000", name
        assert environment["EXPLAINER_DATA_DIR"] == "/data", name


def test_compose_services_and_their_wiring() -> None:
    svc = services()
    assert {"bot", "chroma", "reindex", "review", "ollama"} <= set(svc)

    chroma = svc["chroma"]
    assert re.fullmatch(r"chromadb/chroma:1\.\d+\.\d+", chroma["image"]), "pin a 1.x tag"
    assert "test" in chroma["healthcheck"]
    assert any(v.split(":")[1] == "/data" for v in chroma["volumes"]), "chroma persists in /data"

    bot = svc["bot"]
    assert bot["command"] == ["explainer", "bot"]
    assert bot["depends_on"]["chroma"]["condition"] == "service_healthy"
    assert bot["env_file"] == ".env" or ".env" in bot["env_file"]
    assert "ports" not in bot, "the bot only dials out to Discord"

    reindex = svc["reindex"]
    assert reindex["command"] == ["explainer", "reindex"]
    assert "tools" in reindex["profiles"]
    assert reindex["image"] == bot["image"]
    assert reindex["depends_on"]["chroma"]["condition"] == "service_healthy"

    review = svc["review"]
    assert review["command"][:2] == ["explainer", "review"]
    assert review["command"][review["command"].index("--host") + 1] == "0.0.0.0"
    assert review.get("profiles"), "off by default: it needs EXPLAINER_REVIEW_TOKEN"
    assert "/healthz" in " ".join(review["healthcheck"]["test"])

    ollama = svc["ollama"]
    assert ollama["image"].startswith("ollama/ollama:") and ollama["profiles"] == ["ollama"]
    assert any(v.endswith(":/root/.ollama") for v in ollama["volumes"])


def test_named_volumes_hold_the_index_and_the_answer_log() -> None:
    spec = compose()
    declared = set(spec["volumes"])
    for name, svc in spec["services"].items():
        for volume in svc.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/")):
                assert source in declared, f"{name}: volume {source} is not declared"
            else:
                assert volume.endswith(":ro"), f"{name}: bind mount {volume} should be read-only"
                assert (ROOT / source).exists(), f"{name}: {source} does not exist"
    for name in ("bot", "reindex", "review"):
        svc = spec["services"][name]
        data_dir = svc["environment"]["EXPLAINER_DATA_DIR"]
        mounts = {v.split(":")[1]: v.split(":")[0] for v in svc["volumes"]}
        assert mounts.get(data_dir) in declared, f"{name}: {data_dir} is not a named volume"
    assert "EXPLAINER_LOG_DB" not in spec["services"]["bot"]["environment"], (
        "the answer log must stay in the data volume the review page also mounts"
    )


def test_ports_are_bound_to_loopback() -> None:
    published = 0
    for name, svc in services().items():
        for port in svc.get("ports", []):
            published += 1
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond localhost"
    assert published >= 2  # chroma 8000, review 8787
    assert "127.0.0.1:8787:8787" in services()["review"]["ports"]


@pytest.mark.slow
def test_chroma_healthcheck_probe_works_against_a_real_server(tmp_path: Path) -> None:
    from tests.support.chroma import CHROMA, ChromaServer

    if not CHROMA.exists() or not shutil.which("bash"):
        pytest.skip("needs bash and the chroma CLI")
    test = services()["chroma"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "/bin/bash", "-c"]
    server = ChromaServer(tmp_path / "chroma", tmp_path / "chroma.log")
    # Compose unescapes $$ to $; the container port 8000 becomes this server's port.
    script = test[3].replace("$$", "$").replace("/8000", f"/{server.port}")
    server.start()
    try:
        up = subprocess.run(["bash", "-c", script], capture_output=True, timeout=20)
    finally:
        server.stop()
    down = subprocess.run(["bash", "-c", script], capture_output=True, timeout=20)
    assert up.returncode == 0, up.stderr
    assert down.returncode != 0
