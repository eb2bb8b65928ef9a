"""`off_topic.yaml`: the curated questions a corpus does not answer, optional and validated."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.corpus.load import CorpusInvalid, load_corpus
from tests.support.core import write_synthetic_corpus


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_synthetic_corpus(tmp_path / "corpus")


def test_without_the_file_there_are_none(corpus: Path) -> None:
    assert load_corpus(corpus).off_topic == ()


def test_the_questions_are_loaded_trimmed_and_in_order(corpus: Path) -> None:
    (corpus / "off_topic.yaml").write_text(
        "questions:\n  - ' Will it rain tomorrow? '\n  - Tell me a joke.\n", encoding="utf-8"
    )
    loaded = load_corpus(corpus)
    assert loaded.off_topic == ("Will it rain tomorrow?", "Tell me a joke.")
    assert "off_topic.yaml" in loaded.files  # part of the snapshot and of the corpus hash


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("- a bare list\n", 1, "expected one key, 'questions'"),
        ("questions: [ok]\nextra: 1\n", 1, "expected one key, 'questions'"),
        ("# header\nquestions:\n  - fine\n  - 3\n", 2, "'questions' must be a list"),
        ("questions: just one string\n", 1, "'questions' must be a list"),
    ],
)
def test_a_malformed_file_is_one_error_at_its_line(
    corpus: Path, text: str, line: int, needle: str
) -> None:
    (corpus / "off_topic.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CorpusInvalid) as caught:
        load_corpus(corpus)
    (error,) = caught.value.errors
    assert error.startswith(f"off_topic.yaml:{line}: ") and needle in error
