"""One error line for what operators get wrong: settings, the corpus path, bad stdin lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import ask
from bot.cli.app import app
from bot.settings import BotSettings, SaltError, check_salt, settings_error_line
from index.answer.contract import Answer, Verification
from tests.support.core import CORPUS_DIR

runner = CliRunner()

COMMANDS = [
    ["ask", "who?"],
    ["reindex"],
    ["reindex", "--json"],
    ["eval"],
    ["review"],
    ["logs", "list"],
    ["logs", "stats"],
    ["logs", "path"],
    ["bot"],
]


@pytest.fixture(autouse=True)
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_bad_setting_is_one_line_naming_it_in_every_command(command: list[str]) -> None:
    result = runner.invoke(app, command, env={"EXPLAINER_MAX_QUOTES": "20"})
    assert result.exit_code == 2, result.output
    assert result.stderr == "error: EXPLAINER_MAX_QUOTES=20: must be ≤ 10\n"
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_several_bad_settings_share_the_line() -> None:
    result = runner.invoke(
        app,
        ["bot"],
        env={"EXPLAINER_GUILD_ALLOWLIST": "abc", "EXPLAINER_MENTION_REPLY": "dm"},
    )
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "EXPLAINER_GUILD_ALLOWLIST=abc: must be comma-separated numeric ids" in result.stderr
    assert "EXPLAINER_MENTION_REPLY=dm: must be one of thread, inline" in result.stderr


def test_a_secret_value_is_never_echoed() -> None:
    with pytest.raises(Exception) as caught:
        BotSettings(_env_file=None, review_port="not-a-port", llm_api_key=object())  # type: ignore[call-arg]
    line = settings_error_line(caught.value)  # type: ignore[arg-type]
    assert "EXPLAINER_REVIEW_PORT=not-a-port: must be a whole number" in line
    assert "EXPLAINER_LLM_API_KEY:" in line and "object" not in line


@pytest.mark.parametrize("command", [["ask", "who?"], ["reindex"], ["eval", "--no-baseline"]])
def test_a_missing_corpus_names_the_setting(command: list[str], elsewhere: Path) -> None:
    result = runner.invoke(app, command)  # the default `corpus` relative to an empty directory
    assert result.exit_code == 2, result.output
    line = result.stderr.splitlines()[0]
    assert line.startswith("error: no corpus directory at corpus (")
    assert str(elsewhere / "corpus") in line and "set EXPLAINER_CORPUS_DIR" in line


def test_reindex_json_always_prints_an_object(elsewhere: Path) -> None:
    result = runner.invoke(app, ["reindex", "--json"])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["ok"] is False and "EXPLAINER_CORPUS_DIR" in data["errors"][0]


def test_reindex_json_reports_a_store_failure_as_an_object(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kw: object) -> None:
        raise RuntimeError("chroma server unreachable\nat chroma:8000")

    monkeypatch.setattr("index.reindex", broken)
    result = runner.invoke(
        app, ["reindex", "--json"], env={"EXPLAINER_CORPUS_DIR": str(CORPUS_DIR)}
    )
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "ok": False,
        "errors": ["chroma server unreachable at chroma:8000"],
    }
    assert result.stderr.count("\n") == 1


class EchoEngine:
    mode = "extractive"

    def __init__(self) -> None:
        self.asked: list[str] = []

    def answer(self, question: str) -> Answer:
        self.asked.append(question)
        return Answer(
            id="a",
            question=question,
            status="answered",
            mode="extractive",
            rendered=f"answer to {question}",
            verification=Verification(passed=True),
        )

    def close(self) -> None:
        pass


def test_bad_stdin_lines_are_rejected_and_the_batch_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = EchoEngine()
    monkeypatch.setattr(ask, "_engine", lambda settings: engine)
    stdin = b"first?\n\xff\xfe not utf-8\n\xed\xa0\x80 an encoded lone surrogate\nlast?\n"
    result = runner.invoke(app, ["ask", "--json", "-"], input=stdin)
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["status"] for a in answers] == [
        "answered",
        "rejected_input",
        "rejected_input",
        "answered",
    ]
    assert "Line 2 is not valid UTF-8" in answers[1]["rendered"]
    assert engine.asked == ["first?", "last?"]


def test_a_question_argument_with_undecodable_bytes_is_rejected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = EchoEngine()
    monkeypatch.setattr(ask, "_engine", lambda settings: engine)
    result = runner.invoke(app, ["ask", "--json", "who \udcff?"])  # as argv decodes b"\xff"
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "rejected_input"
    assert engine.asked == []


def test_the_bot_refuses_the_default_salt_in_one_line() -> None:
    result = runner.invoke(app, ["bot"], env={"EXPLAINER_DISCORD_TOKEN": "x" * 40})
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "EXPLAINER_USER_HASH_SALT is the default 'change-me'" in result.stderr
    good = runner.invoke(app, ["bot"], env={"EXPLAINER_USER_HASH_SALT": "s" * 32})
    assert good.exit_code == 2  # past the salt: the runner's own check of the Discord token
    assert "EXPLAINER_USER_HASH_SALT" not in good.stderr


@pytest.mark.parametrize(
    ("salt", "refused"),
    [("change-me", True), ("", True), ("   ", True), ("short-salt", True), ("k" * 16, False)],
)
def test_check_salt(salt: str, refused: bool) -> None:
    settings = BotSettings(_env_file=None, user_hash_salt=salt)  # type: ignore[call-arg]
    if refused:
        with pytest.raises(SaltError, match="EXPLAINER_USER_HASH_SALT"):
            check_salt(settings)
    else:
        check_salt(settings)
