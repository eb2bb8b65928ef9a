"""The root conftest keeps the shell's `EXPLAINER_*` variables and a `.env` file out of tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.settings import get_bot_settings
from index.settings import get_settings
from tests.support.env import clean_env


def test_no_explainer_variable_but_the_data_dir_on_tmp_path(tmp_path: Path) -> None:
    names = {name for name in os.environ if name.startswith("EXPLAINER_")}
    assert names == {"EXPLAINER_DATA_DIR"}
    assert Path(os.environ["EXPLAINER_DATA_DIR"]).is_relative_to(tmp_path)
    assert get_settings().data_dir.is_relative_to(tmp_path)
    assert get_settings().llm == "none"


def test_a_dotenv_in_the_working_directory_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text(
        "EXPLAINER_LLM=openai:gpt-4o-mini\nEXPLAINER_REVIEW_PORT=1234\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert get_settings().llm == "none"
    assert get_bot_settings().review_port == 8787


def test_a_child_process_gets_no_explainer_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPLAINER_LLM", "openai:gpt-4o-mini")
    env = clean_env(EXPLAINER_CORPUS_DIR="corpus")
    assert {k for k in env if k.startswith("EXPLAINER_")} == {"EXPLAINER_CORPUS_DIR"}
