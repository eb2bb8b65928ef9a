"""The engine follows the live index when another process (a CLI reindex) replaces it."""

from __future__ import annotations

from pathlib import Path

from index.answer import live as live_module
from index.answer.engine import Engine
from index.search.reindex import reindex
from tests.support.core import build, copy_corpus

QUESTION = "Who arrested Castillo?"


def _edit_fact(corpus: Path, n: int) -> None:
    card = corpus / "background" / "kenna-term.md"
    card.write_text(card.read_text(encoding="utf-8") + f"\nEdit {n}.\n", encoding="utf-8")


def test_answers_after_the_loaded_version_is_deleted(tmp_path: Path, monkeypatch) -> None:
    """The loaded version's vectors and corpus are held in memory: deleting it from the store
    stops nothing, and the next pointer check moves to the live version."""
    corpus = copy_corpus(tmp_path / "corpus")
    built = build(tmp_path / "data", corpus)
    first = built.engine.index_version
    for n in (1, 2):  # two rebuilds: the second deletes the version the engine has loaded
        _edit_fact(corpus, n)
        summary = reindex(built.settings, embedder=built.embedder)
    assert built.engine.answer(QUESTION).status == "answered"
    assert built.engine.index_version == first
    monkeypatch.setattr(live_module, "POINTER_CHECK_SECONDS", 0.0)
    assert built.engine.answer(QUESTION).status == "answered"
    assert built.engine.index_version == summary.collection


def test_picks_up_a_new_version_on_the_pointer_check(tmp_path: Path, monkeypatch) -> None:
    corpus = copy_corpus(tmp_path / "corpus")
    built = build(tmp_path / "data", corpus)
    first = built.engine.index_version
    _edit_fact(corpus, 1)
    summary = reindex(built.settings, embedder=built.embedder)
    built.engine.answer(QUESTION)
    assert built.engine.index_version == first  # not checked again yet
    monkeypatch.setattr(live_module, "POINTER_CHECK_SECONDS", 0.0)
    built.engine.answer(QUESTION)
    assert built.engine.index_version == summary.collection


def test_a_corpus_that_no_longer_loads_changes_nothing_served(tmp_path: Path) -> None:
    """A restarted engine serves the live version's corpus snapshot, not the directory (the
    fault cases are in tests/index/search/test_snapshot.py)."""
    corpus = copy_corpus(tmp_path / "corpus")
    built = build(tmp_path / "data", corpus)
    (corpus / "article.md").unlink()
    restarted = Engine.from_settings(built.settings, embedder=built.embedder, with_log=False)
    answer = restarted.answer(QUESTION)
    assert answer.status == "answered" and answer.verification.passed
    assert restarted.index_version == built.engine.index_version
