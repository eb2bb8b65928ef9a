"""The language detector's model is kept decompressed in the data directory between processes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from py3langid.langid import LanguageIdentifier

from index.answer import language
from index.answer.language import detect_language

LANGUAGES = ("en", "es")
QUESTIONS = [
    "¿Quién es la embajadora y qué hizo el 6 de diciembre?",
    "Who met the defence minister the day before?",
    "que paso con el congreso",
    "what did the authors say about the generals",
    "¿Por qué huyó hacia la embajada de México?",
]


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    """Each test starts as a new process would: nothing loaded yet."""
    language._identifier.cache_clear()
    yield
    language._identifier.cache_clear()


def detect_all(cache_dir: Path | None) -> list[str]:
    return [detect_language(q, languages=LANGUAGES, cache_dir=cache_dir) for q in QUESTIONS]


def no_decompressing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the compressed model was loaded")

    monkeypatch.setattr(LanguageIdentifier, "from_model_file", classmethod(refuse))


def test_the_first_load_keeps_the_model_and_the_next_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = detect_all(None)
    assert expected == ["es", "en", "es", "en", "es"]
    language._identifier.cache_clear()
    assert detect_all(tmp_path) == expected
    (kept,) = tmp_path.glob("langid-*.npz")
    language._identifier.cache_clear()
    no_decompressing(monkeypatch)
    assert detect_all(tmp_path) == expected  # from the file: the same answers
    assert list(tmp_path.glob("langid-*.npz")) == [kept]
    assert not list(tmp_path.glob(".*tmp"))


def test_other_languages_get_a_file_of_their_own(tmp_path: Path) -> None:
    detect_language("¿Quién es?", languages=LANGUAGES, cache_dir=tmp_path)
    detect_language("Qui est-ce ?", languages=("en", "es", "fr"), cache_dir=tmp_path)
    assert len(list(tmp_path.glob("langid-*.npz"))) == 2


def test_a_damaged_file_is_ignored_and_rewritten(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    detect_all(tmp_path)
    (kept,) = tmp_path.glob("langid-*.npz")
    kept.write_bytes(b"not a model")
    language._identifier.cache_clear()
    with caplog.at_level(logging.WARNING, logger="index.answer.language"):
        assert detect_all(tmp_path) == ["es", "en", "es", "en", "es"]
    assert "ignoring the language model" in caplog.text
    language._identifier.cache_clear()
    no_decompressing(monkeypatch)
    assert detect_all(tmp_path) == ["es", "en", "es", "en", "es"]  # rewritten whole


def test_a_directory_it_cannot_write_still_answers(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the directory would be")
    assert detect_all(blocked / "data") == ["es", "en", "es", "en", "es"]


def test_the_transition_table_is_mapped_and_rebuilt_when_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    detect_all(tmp_path)
    (table,) = tmp_path.glob("langid-*.nextmove.npy")
    language._identifier.cache_clear()
    identifier = language._identifier(LANGUAGES, tmp_path)
    assert isinstance(identifier.tk_nextmove, memoryview)  # mapped from the file, not read
    table.unlink()
    language._identifier.cache_clear()
    assert detect_all(tmp_path) == ["es", "en", "es", "en", "es"]  # decompressed again
    assert table.is_file()
    language._identifier.cache_clear()
    no_decompressing(monkeypatch)
    assert detect_all(tmp_path) == ["es", "en", "es", "en", "es"]


def test_a_model_file_of_the_first_format_is_removed(tmp_path: Path) -> None:
    old = tmp_path / "langid-0123456789abcdef0123.npz"  # format 1: no table beside it
    old.write_bytes(b"a first-format model")
    detect_all(tmp_path)
    assert not old.exists()
    assert len(list(tmp_path.glob("langid-*.npz"))) == 1
