"""Answers in the member's language: detected with a kept library, fixed texts from prompts/es/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from index.answer.engine import Engine
from index.answer.followup import FollowUp
from index.answer.language import detect_language
from index.answer.names import name_words
from index.texts import PROMPTS_DIR, TextsInvalid, available_languages, load_lines, load_texts
from tests.support.core import Built, build

ENGLISH = load_texts()
SPANISH = load_texts(language="es")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("language") / "data")


@pytest.fixture(scope="module")
def engine(built: Built) -> Engine:
    return built.engine


def test_spanish_is_shipped_with_the_english_keys() -> None:
    assert available_languages() == ("en", "es")
    assert SPANISH.language == "es"
    assert set(SPANISH.lines) == set(ENGLISH.lines)
    assert set(SPANISH.tags) == set(ENGLISH.tags)
    assert SPANISH.tags["allegation"] != ENGLISH.tags["allegation"]


def test_a_language_file_missing_a_line_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "prompts"
    shutil.copytree(PROMPTS_DIR, target)
    path = target / "es" / "texts.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["lines"]["follow_up_about"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TextsInvalid, match="lines: missing follow_up_about"):
        load_texts(target, language="es")


def test_a_language_without_texts_is_refused() -> None:
    with pytest.raises(TextsInvalid, match="no texts for language 'fr'"):
        load_texts(language="fr")
    with pytest.raises(TextsInvalid, match="not a language code"):
        load_texts(language="../x")


def test_load_lines_reads_a_languages_copy_of_a_file(tmp_path: Path) -> None:
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Two:
        A: str
        B: str

    (tmp_path / "es").mkdir()
    (tmp_path / "x.yaml").write_text("A: one\nB: two\n")
    (tmp_path / "es" / "x.yaml").write_text("A: uno\nB: dos\n")
    assert load_lines(Two, "x.yaml", tmp_path) == Two("one", "two")
    assert load_lines(Two, "x.yaml", tmp_path, language="es") == Two("uno", "dos")
    (tmp_path / "es" / "x.yaml").write_text("A: uno\n")
    with pytest.raises(TextsInvalid, match="missing B"):
        load_lines(Two, "x.yaml", tmp_path, language="es")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("¿Quién es Lisa Kenna?", "es"),
        ("¿Qué dijo la embajada de Estados Unidos?", "es"),
        ("Who is Lisa Kenna?", "en"),
        ("What did the embassy say about the coup?", "en"),
    ],
)
def test_questions_are_told_apart(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_names_say_nothing_and_a_short_question_keeps_the_conversations_language(
    engine: Engine,
) -> None:
    names = name_words(engine.corpus)
    assert detect_language("Pedro Castillo Lima", names=names) == "en"
    assert detect_language("¿y Kenna?", names=names, fallback="es") == "es"
    assert detect_language("¿y Kenna?", names=names) == "en"


def test_a_spanish_question_gets_spanish_fixed_texts_and_english_notes(engine: Engine) -> None:
    answer = engine.answer("¿Quién es Lisa Kenna?")
    assert answer.language == "es"
    assert answer.status == "answered" and answer.quotes
    assert answer.verification.passed
    quote = answer.quotes[0]
    assert f"> {quote.text}\n{SPANISH.tag(quote.label, quote.labelled_by)}" in answer.rendered
    assert not any(tag in answer.rendered for tag in ENGLISH.tags.values())
    # The quotes stay the article's exact (English) words; the notes are the curated ones.
    assert quote.text in engine.corpus.article.text
    assert answer.notice is not None and SPANISH.lines["notes_in_english"] in answer.notice


def test_a_fixed_language_overrides_the_detection(engine: Engine) -> None:
    answer = engine.answer("¿Quién es Lisa Kenna?", language="en")
    assert answer.language == "en"
    assert answer.notice is None or ENGLISH.lines["notes_in_english"] not in answer.notice


def test_a_spanish_status_line_and_a_spanish_follow_up(engine: Engine) -> None:
    empty = engine.answer("   ", language="es")
    assert empty.status == "rejected_input"
    assert empty.rendered == SPANISH.lines["empty"]
    first = engine.answer("¿Quién es Lisa Kenna?")
    then = engine.answer("¿y cuándo?", follow_up=FollowUp.from_answer(first))
    assert then.language == "es" and then.carried is not None
    assert then.notice is not None
    assert then.notice.startswith(SPANISH.lines["follow_up_about"].format(topic="Lisa Kenna"))
