"""`evaluate_sets`: figures per file, overall and per category; default sets beside the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.answer.compose import make_quote
from index.answer.contract import Answer, Verification
from index.corpus.load import Corpus, load_corpus
from index.evaluate import (
    DEFAULT_EVAL_DIR,
    FIGURE_NAMES,
    Case,
    CasesInvalid,
    default_eval_files,
    evaluate,
    evaluate_sets,
    format_figure,
    load_cases,
)
from tests.support.core import CORPUS_DIR, KENNA_MEETING, ROOT


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(CORPUS_DIR)


def reply(corpus: Corpus, status: str, *texts: str) -> Answer:
    quotes = []
    for text in texts:
        start = corpus.article.text.index(text)
        quote = make_quote(corpus, start, start + len(text))
        assert quote is not None
        quotes.append(quote)
    return Answer(
        id="x",
        question="q",
        status=status,  # type: ignore[arg-type]
        mode="extractive",
        quotes=quotes,
        rendered="r",
        verification=Verification(passed=True),
        timings_ms={"total": 5.0},
    )


def test_the_default_sets_are_every_yaml_under_the_projects_evals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # not the repository: the defaults do not depend on the CWD
    assert DEFAULT_EVAL_DIR == ROOT / "evals"
    names = [p.name for p in default_eval_files()]
    assert names == sorted(p.name for p in (ROOT / "evals").glob("*.yaml"))
    assert {"dev-questions.yaml", "out-of-scope.yaml", "robustness.yaml", "heldout-3.yaml"} <= set(
        names
    )
    other = tmp_path / "mine"
    other.mkdir()
    (other / "a.yaml").write_text("[]\n")
    assert default_eval_files(other) == [other / "a.yaml"]


def test_cases_carry_their_file_and_category() -> None:
    cases = load_cases(default_eval_files())
    heldout = [c for c in cases if c.source == "heldout-3.yaml"]
    assert heldout and all(c.category for c in heldout)
    assert all(c.category is None for c in cases if c.source == "dev-questions.yaml")


def test_an_unreadable_set_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: x\n  question: [unclosed\n")
    with pytest.raises(CasesInvalid, match="bad.yaml: cannot be read"):
        load_cases([bad])
    bad.write_text("- {id: x, question: q}\n")
    with pytest.raises(CasesInvalid, match="case 1 needs an id, a question and a status"):
        load_cases([bad])


def test_per_file_overall_and_per_category_figures(corpus: Corpus) -> None:
    gold = [{"text": KENNA_MEETING, "labels": ["allegation"]}]
    cases = [
        Case("a", "q", "answered", gold=gold, source="one.yaml", category="names"),
        Case("b", "q", "out_of_scope", source="one.yaml", category="names"),
        Case("c", "q", "answered", gold=gold, source="two.yaml", category="thin"),
    ]
    answers = [
        reply(corpus, "answered", KENNA_MEETING),
        reply(corpus, "answered"),  # wrong status
        reply(corpus, "answered"),  # misses the gold
    ]
    result = evaluate_sets(cases, answers, corpus)
    assert list(result.files) == ["one.yaml", "two.yaml"]
    assert result.files["one.yaml"].figures["status_accuracy"] == 0.5
    assert result.files["two.yaml"].figures["gold_recall"] == 0.0
    assert result.total.figures["gold_recall"] == 0.5
    assert result.categories["names"].figures["gold_recall"] == 1.0
    assert result.categories["thin"].figures["status_accuracy"] == 1.0
    data = result.to_json()
    assert data["cases"] == 3
    assert data["categories"]["names"] == {"cases": 2, "gold_recall": 1.0, "status_accuracy": 0.5}
    assert data["figure_names"]["mrr"] == "MRR"
    assert "b: status answered, expected out_of_scope" in data["failures"]["one.yaml"]


def test_a_file_without_gold_has_no_gold_recall_not_a_perfect_one(corpus: Corpus) -> None:
    cases = [Case("o", "q", "out_of_scope", source="out.yaml")]
    figures = evaluate_sets(cases, [reply(corpus, "out_of_scope")], corpus).files["out.yaml"]
    assert figures.figures["gold_recall"] is None
    assert figures.figures["verbatim_share"] is None
    assert format_figure("gold_recall", None) == "—"


def test_gold_without_labels_checks_no_label(corpus: Corpus) -> None:
    case = Case("g", "q", "answered", gold=[{"text": KENNA_MEETING, "labels": []}])
    report = evaluate([case], [reply(corpus, "answered", KENNA_MEETING)], corpus)
    assert report.figures["gold_recall"] == 1.0
    assert report.figures["label_accuracy"] is None
    assert report.failures == []


def test_the_baseline_runs_once_per_question_whatever_the_grouping(corpus: Corpus) -> None:
    calls: list[str] = []

    def baseline(question: str, budget: int) -> list[tuple[int, int]]:
        calls.append(question)
        return []

    gold = [{"text": KENNA_MEETING, "labels": ["allegation"]}]
    cases = [Case("a", "first", "answered", gold=gold, source="s.yaml", category="c")]
    evaluate_sets(cases, [reply(corpus, "answered", KENNA_MEETING)], corpus, baseline)
    assert calls == ["first"]


def test_every_figure_has_a_readable_name(corpus: Corpus) -> None:
    report = evaluate([], [], corpus, baseline=lambda q, b: [])
    assert set(report.figures) <= set(FIGURE_NAMES)
    for name in ("Gold recall", "Status accuracy", "MRR", "Verbatim share"):
        assert name in FIGURE_NAMES.values()
    assert FIGURE_NAMES["allegations_as_established"] == "Allegations shown as established"
