"""Questions about the article as a whole, and names the article uses only once or twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.answer import compose, vocabulary
from index.answer.engine import Engine
from index.answer.query import topic_of
from index.corpus.load import Corpus
from tests.support.core import build, copy_corpus


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build(Path(tmp_path_factory.mktemp("intents"))).engine


@pytest.mark.parametrize(
    "question",
    [
        "What is the article's main argument?",
        "What is this article about?",
        "Can you summarize the piece?",
        "What is the authors' thesis?",
    ],
)
def test_overview_questions_are_recognised(engine: Engine, question: str) -> None:
    assert engine.parse(engine.snapshot(), question).intent == "overview"


@pytest.mark.parametrize("question", ["Who arrested Castillo?", "What did Kenna tweet?"])
def test_ordinary_questions_are_not_overviews(engine: Engine, question: str) -> None:
    assert engine.parse(engine.snapshot(), question).intent == "topic"


def test_an_overview_quotes_the_curated_thesis_in_the_articles_order(engine: Engine) -> None:
    answer = engine.answer("What is the article's main argument?")
    assert answer.status == "answered" and answer.verification.passed
    corpus = engine.snapshot().corpus
    thesis = sorted((c for c in corpus.claims if c.thesis), key=lambda c: c.start)
    assert len(thesis) >= 3
    assert [q.claim_ids for q in answer.quotes] == [[c.id] for c in thesis]
    assert answer.quotes[0].text == "The U.S. Egged On The Coup In Peru"
    assert answer.quotes[0].label == "allegation"
    assert sum(len(q.text) for q in answer.quotes) <= engine.settings.max_quote_chars


def test_an_overview_is_the_thesis_whatever_the_wording(engine: Engine) -> None:
    asked = [
        engine.answer(q)
        for q in ("What is this article about?", "tl;dr?", "Can you summarize the piece?")
    ]
    assert all(a.status == "answered" for a in asked)
    assert len({tuple(q.text for q in a.quotes) for a in asked}) == 1


def test_an_overview_keeps_to_the_quote_budget(tmp_path: Path) -> None:
    built = build(tmp_path / "data", max_quote_chars=300)
    answer = built.engine.answer("What is this article about?")
    chars = [len(q.text) for q in answer.quotes]
    assert answer.status == "answered" and sum(chars) <= 300 and len(chars) >= 2
    assert answer.quotes[0].text == "The U.S. Egged On The Coup In Peru"


def test_without_a_curated_thesis_an_overview_is_the_title_and_the_claims_nearest_it(
    tmp_path: Path,
) -> None:
    # "What is it about?" has no topic of its own: its claims are those nearest the title.
    corpus_dir = copy_corpus(tmp_path / "corpus")
    claims = corpus_dir / "claims.yaml"
    text = claims.read_text(encoding="utf-8")
    assert "    thesis: true\n" in text
    claims.write_text(text.replace("    thesis: true\n", ""), encoding="utf-8")
    engine = build(tmp_path / "data", corpus_dir).engine
    asked = [engine.answer(q) for q in ("What is this article about?", "tl;dr?")]
    assert len({tuple(q.text for q in a.quotes) for a in asked}) == 1
    quotes = asked[0].quotes
    assert quotes[0].text == "The U.S. Egged On The Coup In Peru"
    assert {q.label for q in quotes} <= {"allegation", "opinion", "disputed"}
    state = engine.snapshot()
    hits = state.retriever.search(state.corpus.article.title)
    thesis = compose.score_segments(state.segments, hits, state.fact_claims)
    best = [s for s in thesis if s.segment.paragraph > 0][0]
    assert state.corpus.article.text[best.segment.start : best.segment.end] in [
        q.text for q in quotes
    ]


def test_rare_names_are_the_names_used_once_or_twice(corpus: Corpus) -> None:
    names = vocabulary.rare_names(corpus)
    assert {"rejas", "mendieta", "bobbio", "rospigliosi", "montesinos"} <= names
    assert "castillo" not in names  # in most sentences: says nothing about a passage
    # Titles are no names: the corpus writes them in lower case too ("the military", a card's
    # "prime minister"), though the article capitalizes them before a name.
    assert not {"military", "ambassador", "minister", "prime"} & names


def test_names_are_found_in_lower_case_questions(engine: Engine) -> None:
    assert engine.parse(engine.snapshot(), "who is pedro rejas").names == {"rejas"}


def test_a_rare_name_keeps_the_article_in_the_answer(tmp_path: Path) -> None:
    # A margin this low sends every question the background matches to no_article_match ...
    eager = build(tmp_path, no_article_margin=-10.0).engine
    assert eager.answer("Who became president after the vote?").status == "no_article_match"
    # ... except one naming someone the article itself names.
    answer = eager.answer("Who is Pedro Rejas?")
    assert answer.status == "answered"
    assert any("Rejas" in q.text for q in answer.quotes)


@pytest.mark.parametrize(
    "question",
    ["Is the article biased?", "Can I trust this article?", "What did the authors claim?"],
)
def test_questions_judging_the_article_get_its_argument_labelled(
    engine: Engine, question: str
) -> None:
    answer = engine.answer(question)
    assert answer.status == "answered" and answer.verification.passed
    assert answer.quotes[0].paragraph == 0  # the title: the thesis being judged
    overview = engine.answer("What is this article about?")
    assert [q.text for q in answer.quotes] == [q.text for q in overview.quotes]
    assert {"allegation", "opinion"} <= {q.label for q in answer.quotes}


def test_a_strong_word_match_in_the_background_is_not_out_of_scope(tmp_path: Path) -> None:
    # Cosine thresholds no question clears: only the lexical gate can let the background in.
    engine = build(tmp_path, article_min_score=2.0, background_min_score=2.0).engine
    answer = engine.answer("What did the armed forces and police say in their joint statement?")
    assert answer.status == "no_article_match"
    assert any(b.fact_id == "armed-forces-statement" for b in answer.background)
    assert engine.answer("How do I bake sourdough bread?").status == "out_of_scope"


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("What does the article say about Ollanta Humala?", "Ollanta Humala?"),
        ("Does the article mention Mexico?", "Mexico?"),
        (
            "Does the article say the oligarchy was against Castillo?",
            "the oligarchy was against Castillo?",
        ),
        ("According to the article, who arrested Castillo?", "who arrested Castillo?"),
        ("What does the article say?", "What does the article say?"),  # nothing else to search
        ("Who arrested Castillo?", "Who arrested Castillo?"),
    ],
)
def test_retrieval_searches_the_topic_not_the_reference_to_the_article(
    question: str, topic: str
) -> None:
    assert topic_of(question) == topic


def test_a_question_whose_words_one_sentence_holds_is_covered(engine: Engine) -> None:
    state = engine.snapshot()

    def covered(question: str) -> bool:
        return state.retriever.covered(engine.parse(state, question).tokens)

    assert covered("What does the article say about Ollanta Humala?")
    assert covered("who arested castillo")  # typo corrected first
    assert not covered("What's the weather like in Lima today?")
    assert not covered("Humala?")  # one word says too little


def test_a_covered_question_is_answered_from_the_article(tmp_path: Path) -> None:
    # Thresholds no cosine or BM25 score clears: only coverage can keep the article in.
    engine = build(tmp_path, article_min_score=2.0, lexical_min_score=1000.0).engine
    answer = engine.answer("What does the article say about Ollanta Humala?")
    assert answer.status == "answered"
    assert any("Humala" in q.text for q in answer.quotes)
