"""The question parsed once: the topic searched, names found, and questions about the article."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.answer.engine import Engine
from index.answer.query import load_intents, parse, topic_of
from tests.support.core import build


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build(Path(tmp_path_factory.mktemp("query"))).engine


def intent(engine: Engine, question: str) -> str:
    return engine.parse(engine.snapshot(), question).intent


@pytest.mark.parametrize(
    "question",
    ["What does the author claim about Kenna?", "What do the writers say about the phone call?"],
)
def test_naming_the_author_does_not_make_a_byline_question(engine: Engine, question: str) -> None:
    query = engine.parse(engine.snapshot(), question)
    assert query.intent == "topic"
    assert "author" not in query.topic and "writers" not in query.topic


@pytest.mark.parametrize(
    "question",
    ["Who wrote this?", "Who is Vijay Prashad?", "who are the authors", "¿Quién escribió esto?"],
)
def test_who_wrote_it_is_a_byline_question(engine: Engine, question: str) -> None:
    assert intent(engine, question) == "byline"


def test_the_publisher_named_alone_is_a_byline_question(engine: Engine) -> None:
    publisher = engine.corpus.article.meta["publisher"]
    assert intent(engine, f"What is {publisher}?") == "byline"


@pytest.mark.parametrize("question", ["help", "what is this bot", "What can you do?"])
def test_help_questions_are_recognised(engine: Engine, question: str) -> None:
    assert intent(engine, question) == "help"


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("How does the article's author describe Vladimiro Montesinos?", "Vladimiro Montesinos?"),
        ("According to the piece's writers, who disliked Castillo?", "who disliked Castillo?"),
        ("How does the author portray Kenna?", "Kenna?"),
    ],
)
def test_the_articles_authors_and_how_they_describe_are_references(
    question: str, topic: str
) -> None:
    assert topic_of(question) == topic


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("¿Qué dice el artículo sobre Lisa Kenna?", "Lisa Kenna?"),
        ("Según los autores, ¿quién arrestó a Castillo?", "¿quién arrestó a Castillo?"),
    ],
)
def test_spanish_references_to_the_article_are_cut_too(question: str, topic: str) -> None:
    assert topic_of(question) == topic


AUTHORS = frozenset({"vijay", "prashad", "jose", "carlos", "llerena", "robles"})


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("What does Vijay Prashad claim about Lisa Kenna's past?", "Lisa Kenna's past?"),
        ("According to Prashad and Llerena Robles, who arrested him?", "who arrested him?"),
        ("Does Prashad mention the CIA?", "the CIA?"),
        ("Según José Carlos Llerena Robles, ¿quién lo arrestó?", "¿quién lo arrestó?"),
        ("¿Qué dice Prashad sobre Kenna?", "Kenna?"),
        # Not pointing at the article: the names stay (a byline or a topic question).
        ("Who is Vijay Prashad?", "Who is Vijay Prashad?"),
        ("What else has Prashad written?", "What else has Prashad written?"),
        # Someone else's claims are the topic.
        ("What does Kenna say about Castillo?", "What does Kenna say about Castillo?"),
    ],
)
def test_the_authors_named_point_at_the_article_like_the_authors(question: str, topic: str) -> None:
    assert topic_of(question, authors=AUTHORS) == topic


def test_without_the_authors_names_their_names_are_not_cut() -> None:
    question = "What does Vijay Prashad claim about Lisa Kenna's past?"
    assert topic_of(question) == question


def test_the_engine_cuts_its_own_authors_names(engine: Engine) -> None:
    state = engine.snapshot()
    author = str(engine.corpus.article.meta["authors"][0])
    assert engine.parse(state, f"What does {author} claim about Kenna?").topic == "Kenna?"


def test_names_are_found_with_accents_folded(engine: Engine) -> None:
    state = engine.snapshot()
    assert "espana" in state.names  # "Avenida España", used once
    assert "espana" in engine.parse(state, "what happened on avenida espana").names


def test_without_a_router_a_wordless_question_stays_a_topic_question() -> None:
    query = parse(
        "What is the article about?", names=frozenset(), front_matter_words=frozenset(), router=None
    )
    assert query.intent == "topic"


def test_every_intent_has_examples_and_the_file_hash_is_recorded() -> None:
    patterns = load_intents()
    assert set(patterns.examples) == {"byline", "overview", "help"}
    assert all(patterns.examples.values()) and len(patterns.sha256) == 64


def test_byline_help_and_overview_answers_quote_the_title(engine: Engine) -> None:
    for question in ("Who wrote this?", "help", "What is the article about?"):
        answer = engine.answer(question)
        assert answer.status == "answered" and answer.verification.passed
        assert answer.quotes and answer.quotes[0].paragraph == 0


def test_who_wrote_it_quotes_the_credit_line_and_the_author_bio(engine: Engine) -> None:
    article = engine.corpus.article
    answer = engine.answer("Who wrote this article?")
    assert answer.status == "answered" and answer.verification.passed
    parts = {
        article.part_of(s.id)
        for q in answer.quotes
        for s in article.sentences_overlapping(q.start, q.end)
    }
    assert {"title", "production", "bio"} <= parts


def test_quote_falls_back_to_the_literal_words(tmp_path: Path) -> None:
    # Thresholds nothing clears: only the literal search can find the passage.
    engine = build(tmp_path, article_min_score=2.0, lexical_min_score=1000.0).engine
    answer = engine.quote("Bobbio")
    assert answer.status == "answered"
    assert all("Bobbio" in q.text for q in answer.quotes)
    assert engine.quote("zanzibar").status == "no_article_match"


@pytest.mark.parametrize(
    "question",
    [
        "Do the writers suggest the embassy was involved?",
        "What's Ann Smith's role in this story?",
        "¿Quién es Ann Smith según los autores?",
        "In the authors' view, who gave the order?",
        "According to the article, who gave the order?",
        "What does the piece say about the phone call?",
    ],
)
def test_a_question_naming_the_article_or_its_writers_is_to_the_article(question: str) -> None:
    query = parse(question, names=frozenset(), front_matter_words=frozenset(), router=None)
    assert query.to_article


@pytest.mark.parametrize(
    "question",
    ["Who is Ann Smith?", "Is she still in prison?", "Tell me the history of the army."],
)
def test_a_question_that_names_no_article_is_not(question: str) -> None:
    query = parse(question, names=frozenset(), front_matter_words=frozenset(), router=None)
    assert not query.to_article
