"""`explainer eval` on a fake engine: every set of the project from any directory, per-file and
per-category tables with readable names, and a non-zero exit when nothing was measured."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import ask
from bot.cli.app import app
from index.answer.contract import Answer, Verification
from index.corpus.load import load_corpus
from index.evaluate import default_eval_files, load_cases
from tests.support.core import CORPUS_DIR

runner = CliRunner()


class FakeEngine:
    """Answers every question with the status its case expects, quoting nothing; a question two
    sets ask with different statuses ("When was this article published?") gets each set's in
    the order the cases are asked."""

    mode = "extractive"
    index_version: str | None = "explainer-fake-v1"

    def __init__(self) -> None:
        self.corpus = load_corpus(CORPUS_DIR)
        self.expected: dict[str, list[str]] = {}
        for c in load_cases(default_eval_files()):
            self.expected.setdefault(c.question, []).append(c.status)
        self.log: Any = object()
        self.asked: list[str] = []
        self.closed = False

        class Embedder:
            def embed_query(self, text: str) -> list[float]:
                return [0.0]

        self.embedder = Embedder()

    def answer(self, question: str) -> Answer:
        statuses = self.expected.get(question) or ["answered"]
        status = statuses[self.asked.count(question) % len(statuses)]
        self.asked.append(question)
        return Answer(
            id="x",
            question=question,
            status=status,  # type: ignore[arg-type]
            mode="extractive",
            rendered="r",
            verification=Verification(passed=True),
            timings_ms={"total": 1.0},
        )

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeEngine:
    fake = FakeEngine()
    monkeypatch.setattr(ask, "_engine", lambda settings: fake)
    monkeypatch.chdir(tmp_path)  # anywhere but the repository
    return fake


def test_eval_runs_every_set_of_the_project_from_any_directory(engine: FakeEngine) -> None:
    result = runner.invoke(app, ["eval", "--no-baseline", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data["files"]) == [p.name for p in default_eval_files()]
    assert {"dev-questions.yaml", "out-of-scope.yaml", "robustness.yaml", "heldout-3.yaml"} <= set(
        data["files"]
    )
    assert data["cases"] == len(load_cases(default_eval_files())) == len(engine.asked)
    assert data["total"]["status_accuracy"] == 1.0
    assert data["files"]["out-of-scope.yaml"]["gold_recall"] is None  # no gold: no score
    assert data["files"]["dev-questions.yaml"]["gold_recall"] == 0.0  # quoting nothing
    assert set(data["categories"]) >= {"paraphrase", "spanish", "out_of_scope"}
    assert set(data["categories"]["spanish"]) == {"cases", "gold_recall", "status_accuracy"}
    assert isinstance(engine.log, ask.FaultLog) and engine.closed  # stores no answer


def test_the_table_has_a_column_per_file_and_readable_figure_names(engine: FakeEngine) -> None:
    result = runner.invoke(
        app, ["eval", "--no-baseline", "--no-show-failures"], env={"COLUMNS": "420"}
    )
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if "figure" in line)
    for name in ("dev-questions", "heldout-3", "heldout-4", "out-of-scope", "robustness"):
        assert f" {name} " in header
    for figure in (
        "Gold recall",
        "Status accuracy",
        "MRR",
        "Verbatim share",
        "Allegations shown as established",
    ):
        assert figure in result.stdout
    assert "gold_recall" not in result.stdout
    assert "by category" in result.stdout and "paraphrase" in result.stdout


def test_eval_dir_setting_and_zero_cases_exit_non_zero(engine: FakeEngine, tmp_path: Path) -> None:
    empty = tmp_path / "no-sets"
    empty.mkdir()
    result = runner.invoke(app, ["eval", "--no-baseline"], env={"EXPLAINER_EVAL_DIR": str(empty)})
    assert result.exit_code == 1
    assert "no evaluation cases" in result.stderr and "EXPLAINER_EVAL_DIR" in result.stderr
    assert engine.asked == []
    (empty / "blank.yaml").write_text("# nothing yet\n")
    assert runner.invoke(app, ["eval", str(empty / "blank.yaml")]).exit_code == 1
    (empty / "one.yaml").write_text(
        '- {id: o1, question: "What is the capital of Australia?", status: out_of_scope}\n'
    )
    result = runner.invoke(
        app, ["eval", "--no-baseline", "--json"], env={"EXPLAINER_EVAL_DIR": str(empty)}
    )
    assert result.exit_code == 0, result.output
    assert list(json.loads(result.stdout)["files"]) == ["blank.yaml", "one.yaml"]


def test_a_missing_or_broken_set_is_one_line(engine: FakeEngine, tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "nope.yaml"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: no such question set: nope.yaml"
    broken = tmp_path / "broken.yaml"
    broken.write_text("- {id: x}\n")
    result = runner.invoke(app, ["eval", str(broken)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_eval_refuses_to_measure_without_an_index(engine: FakeEngine) -> None:
    engine.index_version = None
    result = runner.invoke(app, ["eval", "--no-baseline"])
    assert result.exit_code == 2
    assert "no index is loaded" in result.stderr and "explainer reindex" in result.stderr
    assert engine.asked == [] and engine.closed
