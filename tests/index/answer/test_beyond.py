"""The beyond-the-article model: fitted by logistic regression on question vectors, stored per
embedding model, and only ever moving a question from the article to the background."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from index.answer.beyond import Beyond, fit
from index.answer.compose import Signals
from index.answer.engine import Engine
from index.answer.logistic import fit_logistic
from index.answer.status import decide, signals_for
from index.corpus.load import CorpusInvalid, load_corpus
from index.search.calibration import Thresholds, thresholds_for, write_beyond
from tests.support.core import build, make_settings, uncalibrated_corpus

LIMITS = Thresholds(
    article_min_score=0.80,
    background_min_score=0.85,
    no_article_margin=0.05,
    lexical_min_score=100.0,
    ask_min_score=0.90,
    ask_floor=0.82,
)
# The article and a card both match; the card leads by less than the margin: answered.
CLOSE = Signals(article_dense=0.86, article_bm25=0.0, fact_dense=0.88, fact_bm25=0.0, asked=0.95)
MODEL = Beyond(bias=0.0, weights=(1.0, 0.0), min_score=0.7, min_lead=0.0)


def status(signals: Signals, limits: Thresholds = LIMITS, covered: bool = False) -> str:
    return decide(signals, covered=covered, named=False, limits=limits)


def test_fit_separates_what_is_separable_and_is_deterministic() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 3))
    y = x[:, 0] > 0.2
    model = fit(x, y, c=10.0)
    assert fit(x, y, c=10.0) == model
    predicted = np.array([model.probability(v) >= 0.5 for v in x])
    assert (predicted == y).mean() >= 0.95
    assert abs(model.weights[0]) > 5 * max(abs(model.weights[1]), abs(model.weights[2]))


def test_the_penalty_shrinks_the_weights() -> None:
    x = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 0, 1, 1])
    loose = fit_logistic(x, y, ridge=0.01)
    tight = fit_logistic(x, y, ridge=10.0)
    assert abs(tight[0]) < abs(loose[0])


def test_a_question_the_model_says_asks_beyond_the_article_goes_to_the_background() -> None:
    assert status(CLOSE) == "answered"
    with_model = replace(LIMITS, beyond=MODEL)
    assert status(replace(CLOSE, beyond=0.9), with_model) == "no_article_match"
    assert status(replace(CLOSE, beyond=0.6), with_model) == "answered"  # below min_score


def test_a_question_to_the_article_stays_with_the_article_when_it_matches() -> None:
    # "What do the authors say about the ambassador?": what the article says, even when a card
    # matches better.
    with_model = replace(LIMITS, beyond=MODEL)
    far_ahead = replace(CLOSE, fact_dense=0.99, beyond=0.2)  # the card leads by over the margin
    assert decide(far_ahead, covered=False, named=False, limits=with_model) == "no_article_match"
    assert decide(far_ahead, covered=False, named=False, limits=with_model, to_article=True) == (
        "answered"
    )
    unmatched = replace(far_ahead, article_dense=0.5)  # the article does not match: background
    assert decide(unmatched, covered=False, named=False, limits=with_model, to_article=True) == (
        "no_article_match"
    )


def test_a_question_to_the_article_about_what_only_the_background_tells_goes_to_it() -> None:
    # "Do the writers say anything about the charges he faced later?"
    with_model = replace(LIMITS, beyond=MODEL)
    beyond = replace(CLOSE, beyond=0.9)
    assert decide(beyond, covered=False, named=False, limits=with_model, to_article=True) == (
        "no_article_match"
    )
    # Below the model's operating point, or every word of it in the article: the article's.
    below = replace(beyond, beyond=0.6)
    assert decide(below, covered=False, named=False, limits=with_model, to_article=True) == (
        "answered"
    )
    assert decide(beyond, covered=True, named=False, limits=with_model, to_article=True) == (
        "answered"
    )


def test_asking_whether_the_article_names_someone_only_the_background_names() -> None:
    # "Do the authors mention Ann Smith at all?": the background says who she is.
    assert decide(CLOSE, covered=False, named=False, limits=LIMITS, to_article=True) == "answered"
    assert (
        decide(CLOSE, covered=False, named=False, limits=LIMITS, to_article=True, elsewhere=True)
        == "no_article_match"
    )
    # A rare name of the article beside her keeps it with the article.
    assert (
        decide(CLOSE, covered=False, named=True, limits=LIMITS, to_article=True, elsewhere=True)
        == "answered"
    )


def test_the_model_moves_nothing_the_article_matches_better() -> None:
    article_ahead = replace(CLOSE, article_dense=0.90, beyond=0.99)
    assert status(article_ahead, replace(LIMITS, beyond=MODEL)) == "answered"


def test_the_model_never_makes_an_answer_of_an_out_of_scope_question() -> None:
    far = replace(CLOSE, asked=0.5, article_dense=0.5, fact_dense=0.5, beyond=0.0)
    assert status(far, replace(LIMITS, beyond=MODEL)) == "out_of_scope"


def test_a_vector_of_another_size_gets_no_opinion() -> None:
    assert MODEL.probability([1.0, 2.0, 3.0]) == 0.0
    assert MODEL.probability([10.0, 0.0]) > 0.99


def test_the_model_is_stored_and_read_per_embedding_model(tmp_path: Path) -> None:
    corpus = uncalibrated_corpus(tmp_path)
    write_beyond(corpus, "model/a", MODEL)
    settings = make_settings(tmp_path, corpus_dir=corpus)
    assert thresholds_for("model/a", settings).beyond == MODEL
    assert thresholds_for("model/b", settings).beyond is None
    load_corpus(corpus, strict=True)  # a reindex accepts it


@pytest.mark.parametrize(
    "entry", ["beyond: 3", "beyond: {bias: 0, weights: []}", "beyond: {bias: x, weights: [1]}"]
)
def test_a_malformed_model_is_refused_by_reindex_with_its_line(tmp_path: Path, entry: str) -> None:
    corpus = uncalibrated_corpus(tmp_path)
    (corpus / "calibration.yaml").write_text(f"model/a:\n  {entry}\n", encoding="utf-8")
    with pytest.raises(CorpusInvalid) as raised:
        load_corpus(corpus, strict=True)
    assert any("calibration.yaml:2: 'beyond' must hold" in e for e in raised.value.errors)
    settings = make_settings(tmp_path, corpus_dir=corpus)
    assert thresholds_for("model/a", settings).beyond is None


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build(Path(tmp_path_factory.mktemp("beyond"))).engine


def test_the_status_reads_the_vector_the_search_embedded(engine: Engine) -> None:
    state = engine.snapshot()
    query = engine.parse(state, "Who is Lisa Kenna?")
    hits = state.retriever.search(query.topic)
    dim = len(state.retriever.query_vector(query.topic))
    model = Beyond(bias=5.0, weights=(0.0,) * dim, min_score=0.5)
    modelled = replace(state, thresholds=replace(state.thresholds, beyond=model))
    assert signals_for(modelled, query, hits).beyond == pytest.approx(1 / (1 + np.exp(-5.0)))
    assert signals_for(state, query, hits).beyond == 0.0  # no model: no opinion


def test_a_question_one_article_sentence_holds_every_word_of_stays_with_the_article() -> None:
    with_model = replace(LIMITS, beyond=MODEL)
    assert status(replace(CLOSE, beyond=0.99), with_model, covered=True) == "answered"
