"""Every test starts from a known configuration: no `EXPLAINER_*` variable of the shell that runs
pytest (an exported `EXPLAINER_LLM=openai:…` or `EXPLAINER_DATA_DIR=/nonexistent` must not
reach a test), the data dir on a temporary directory, and no `.env` file read from the working
directory (a developer's `.env` must not reach a test either).

Twice: once for the session, since module- and session-scoped fixtures (engines built once per
module) are set up before any function-scoped fixture, and once per test, on its `tmp_path`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import BotSettings
from index.settings import Settings
from tests.support.env import PREFIX


def _isolate(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    for name in list(os.environ):
        if name.startswith(PREFIX):
            monkeypatch.delenv(name)
    monkeypatch.setenv(f"{PREFIX}DATA_DIR", str(data_dir))
    # Settings read `env_file=".env"` when built without `_env_file`: tests build theirs with
    # `_env_file=None`, and the code under test (CLI commands, the runner) is kept off it here.
    for cls in (Settings, BotSettings):
        monkeypatch.setitem(cls.model_config, "env_file", None)


@pytest.fixture(autouse=True, scope="session")
def _isolated_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _isolate(monkeypatch, tmp_path_factory.mktemp("session") / "data")
        yield


@pytest.fixture(autouse=True)
def _isolated_test(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _isolate(monkeypatch, tmp_path / "data")
