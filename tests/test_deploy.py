"""The deploy files agree with the code: .env.example, the Dockerfile, health checks, scripts.

Every setting the deploy files name exists and .env.example documents each with its default; the
Dockerfile builds from the project and its health check runs here; the install scripts parse and
docs/deploy.md covers the operations. The compose file is checked in test_deploy_compose.py.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.settings import BotSettings as Settings
from tests.support.env import clean_env

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
ENV_NAME = re.compile(r"\bEXPLAINER_[A-Z0-9_]+\b")
SETTING_NAMES = {f"EXPLAINER_{name.upper()}" for name in Settings.model_fields}


@pytest.fixture(autouse=True)
def _no_explainer_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The defaults checked here are those of an empty environment: not even the data dir the
    root conftest sets."""
    for name in list(os.environ):
        if name.startswith("EXPLAINER_"):
            monkeypatch.delenv(name)


def documented() -> dict[str, list[str]]:
    """`# EXPLAINER_NAME=value` lines of .env.example: name → the values given."""
    found: dict[str, list[str]] = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        m = re.match(r"^#?\s?(EXPLAINER_[A-Z0-9_]+)=(.*)$", line)
        if m:
            found.setdefault(m.group(1), []).append(m.group(2).strip())
    return found


# -- settings names ---------------------------------------------------------------------------


def test_every_env_name_in_the_deploy_files_is_a_setting() -> None:
    for path in (COMPOSE, ENV_EXAMPLE, DOCKERFILE, ROOT / "docs" / "deploy.md"):
        unknown = set(ENV_NAME.findall(path.read_text())) - SETTING_NAMES
        assert not unknown, f"{path.name} names settings that index/settings.py lacks: {unknown}"


def _plain(value: object) -> object:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, Path):
        return str(value)
    return value


def test_env_example_documents_every_setting_with_its_default() -> None:
    found = documented()
    missing = SETTING_NAMES - set(found)
    assert not missing, f".env.example lacks {sorted(missing)}"
    twice = {k for k, v in found.items() if len(v) > 1}
    assert not twice, f".env.example lists {twice} more than once"
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    for name, (value,) in found.items():
        field = name.removeprefix("EXPLAINER_").lower()
        default = getattr(defaults, field)
        if default is None or default == []:
            assert value == "", f"{name}: the default is unset, .env.example shows {value!r}"
            continue
        parsed = getattr(Settings(_env_file=None, **{field: value}), field)  # type: ignore[call-arg]
        assert _plain(parsed) == _plain(default), (
            f"{name}: .env.example shows {value!r} but the default is {_plain(default)!r}"
        )


def test_env_example_comments_every_setting_and_sets_nothing() -> None:
    lines = ENV_EXAMPLE.read_text().splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^EXPLAINER_", line):
            pytest.fail(f".env.example line {i + 1} is active; keep every line commented out")
        if re.match(r"^# ?EXPLAINER_[A-Z0-9_]+=", line):
            above = lines[i - 1]
            assert above.startswith("#") and not re.match(r"^# ?EXPLAINER_", above), (
                f".env.example line {i + 1}: no comment explains {line}"
            )


# -- Dockerfile -------------------------------------------------------------------------------


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = pending + line
        pending = ""
        keyword, _, args = full.partition(" ")
        out.append((keyword.upper(), args.strip()))
    return out


def _ignored_by_dockerignore(path: str) -> bool:
    patterns = [
        p.strip()
        for p in (ROOT / ".dockerignore").read_text().splitlines()
        if p.strip() and not p.startswith("#") and not p.startswith("!")
    ]
    top = path.strip("/").split("/")[0]
    return any(p.strip("/") in (path.strip("/"), top) for p in patterns)


def test_dockerfile_builds_from_the_project() -> None:
    steps = instructions()
    keywords = [k for k, _ in steps]
    base = next(args for k, args in steps if k == "ARG" and args.startswith("PYTHON_IMAGE="))
    assert re.fullmatch(r"PYTHON_IMAGE=python:3\.11-slim(-\w+)?", base)
    assert [args for k, args in steps if k == "FROM"] == ["${PYTHON_IMAGE}"]

    copies = [args.split() for k, args in steps if k == "COPY"]
    assert copies
    for parts in copies:
        parts = [p for p in parts if not p.startswith("--")]
        for source in parts[:-1]:
            assert (ROOT / source).exists(), f"COPY {source}: no such path in the project"
            assert not _ignored_by_dockerignore(source), f"COPY {source} is in .dockerignore"
    copied = {p.rstrip("/") for parts in copies for p in parts[:-1]}
    assert {"bot", "index", "prompts", "corpus", "pyproject.toml"} <= copied

    cmd = json.loads(next(args for k, args in steps if k == "CMD"))
    assert cmd == ["explainer", "bot"]
    users = [args for k, args in steps if k == "USER"]
    assert users and users[-1] not in ("root", "0"), "run as a non-root user"
    assert keywords.index("USER") < keywords.index("CMD")
    assert any(k == "VOLUME" and "/data" in args for k, args in steps)
    assert "HEALTHCHECK" in keywords


def test_dockerfile_installs_cpu_torch_and_runs_offline() -> None:
    text = DOCKERFILE.read_text()
    pins = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    torch_pin = next(p for p in pins if p.startswith("torch=="))
    assert f"TORCH_VERSION={torch_pin.removeprefix('torch==')}" in text, "torch pin drifted"
    assert "https://download.pytorch.org/whl/cpu" in text
    assert text.index("download.pytorch.org") < text.index('pip install ".'), (
        "CPU torch must be installed before the project, or pip pulls the CUDA build"
    )
    assert "HF_HUB_OFFLINE=1" in text
    assert "EXPLAINER_DATA_DIR=/data" in text


def _healthcheck_command() -> list[str]:
    args = next(a for k, a in instructions() if k == "HEALTHCHECK")
    return json.loads(args[args.index("CMD") + 3 :].strip())


def test_dockerfile_healthcheck_runs_here(tmp_path: Path) -> None:
    cmd = _healthcheck_command()
    assert cmd[0] == "python"
    run = [sys.executable, *cmd[1:]]
    env = clean_env()
    env["PYTHONPATH"] = str(ROOT)
    ok = subprocess.run(
        run,
        cwd=tmp_path,
        env={**env, "EXPLAINER_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    down = subprocess.run(
        run,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **env,
            "EXPLAINER_DATA_DIR": str(tmp_path),
            "EXPLAINER_CHROMA_HOST": "127.0.0.1",
            "EXPLAINER_CHROMA_PORT": str(port),
        },
    )
    assert down.returncode != 0
    assert "cannot reach the Chroma server" in down.stderr


# -- scripts and docs -------------------------------------------------------------------------


def _fake_apt(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A PATH where apt-get only records how it was called."""
    calls = tmp_path / "calls"
    fake = tmp_path / "bin"
    fake.mkdir()
    for name in ("apt-get", "sudo"):
        tool = fake / name
        body = 'exec "$@"' if name == "sudo" else f'echo "$*" >> {calls}'
        tool.write_text(f"#!/usr/bin/env bash\n{body}\n")
        tool.chmod(0o755)
    return clean_env(PATH=f"{fake}:{os.environ['PATH']}"), calls


def test_apt_ensure_installs_only_when_the_check_fails(tmp_path: Path) -> None:
    env, calls = _fake_apt(tmp_path)
    ensure = str(ROOT / "scripts" / "apt-ensure.sh")
    subprocess.run([ensure, "true", "docker-compose"], env=env, check=True, timeout=20)
    assert not calls.exists()
    subprocess.run([ensure, "false", "docker-compose"], env=env, check=True, timeout=20)
    assert calls.read_text().splitlines() == [
        "update",
        "install -y --no-install-recommends docker-compose",
    ]


@pytest.mark.parametrize("script", ["install-compose.sh", "install-browser.sh"])
def test_install_scripts_are_executable_shell(script: str) -> None:
    path = ROOT / "scripts" / script
    assert os.access(path, os.X_OK)
    assert subprocess.run(["bash", "-n", str(path)]).returncode == 0


def test_deploy_doc_covers_the_operations() -> None:
    doc = (ROOT / "docs" / "deploy.md").read_text()
    for needed in (
        "docker compose up",
        "docker compose run --rm reindex",
        "EXPLAINER_REVIEW_TOKEN",
        "EXPLAINER_CHROMA_HOST",
        "answers.db",
        "shard",
    ):
        assert needed in doc, f"docs/deploy.md does not mention {needed!r}"
    for command in re.findall(r"^\s*(docker compose [^\n#]+)", doc, re.M):
        shlex.split(command)  # every documented command at least parses as a shell line
