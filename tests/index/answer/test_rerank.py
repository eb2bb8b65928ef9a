"""The passage re-ranker: features from the same hits, an order from fitted weights, no new text."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.answer.compose import ScoredSegment, Segment, select_quotes
from index.answer.rerank import FEATURES, features, probability, rerank
from index.corpus.article import Sentence
from index.corpus.load import Corpus, CorpusInvalid, load_corpus
from index.search.calibration import Thresholds, thresholds_for, write_calibration, write_rerank
from index.search.items import Item
from index.search.retrieval import Hit
from index.search.text import words
from tests.support.core import CORPUS_DIR, make_settings, uncalibrated_corpus


def seg(n: int, claim: str | None = None) -> Segment:
    return Segment(n * 100, n * 100 + 50, (f"s{n}",), n, claim)


def hit(item_id: str, kind: str, dense: float, **meta: str) -> Hit:
    return Hit(Item(item_id, kind, "text", dict(meta)), 0.0, 1, dense, None)  # type: ignore[arg-type]


HITS = [
    hit("claim:c1", "claim", 0.81, claim_id="c1"),
    hit("sentence:s1", "sentence", 0.80),
    hit("sentence:s2", "sentence", 0.90),
    hit("window:s1+s2", "window", 0.85, sentence_ids="s1,s2"),
    hit("question:claim:c1#1", "question", 0.95, target="claim:c1"),
]
RANKED = [ScoredSegment(seg(1, "c1"), 0.30, 0.81, 2.0), ScoredSegment(seg(2), 0.20, 0.90, 0.0)]


def test_features_come_from_the_hits_of_each_passage() -> None:
    first, second = features(RANKED, HITS)
    assert set(first) == set(FEATURES)
    assert first["claim_dense"] == 0.81 and first["sentence_dense"] == 0.80
    assert first["asked"] == 0.95 and second["asked"] == 0.0  # a curated question for c1 only
    assert first["window_dense"] == second["window_dense"] == 0.85
    assert first["has_claim"] == 1.0 and second["has_claim"] == 0.0
    assert first["fused"] == 0.30


def test_without_weights_the_fused_order_stays() -> None:
    assert rerank(RANKED, HITS, {}) == RANKED


def test_weights_reorder_and_keep_the_fused_scores() -> None:
    by_sentence = {"sentence_dense": 50.0, "bias": -40.0}
    assert probability(features(RANKED, HITS)[1], by_sentence) > 0.5
    reordered = rerank(RANKED, HITS, by_sentence)
    assert [s.segment for s in reordered] == [RANKED[1].segment, RANKED[0].segment]
    assert [s.score for s in reordered] == [0.20, 0.30]  # what the quote cutoff compares
    assert rerank(RANKED, HITS, {"fused": 50.0}) == RANKED


def three_segments() -> tuple[Corpus, list[Sentence], list[Segment]]:
    """The corpus, three of its article's sentences, and a one-sentence segment of each."""
    corpus = load_corpus(CORPUS_DIR)
    sentences = corpus.article.quotable()[1:4]
    return (
        corpus,
        sentences,
        [Segment(s.start, s.end, (s.id,), s.paragraph, None) for s in sentences],
    )


def test_quote_selection_measures_its_cutoff_from_the_best_score_not_the_first(
    tmp_path: Path,
) -> None:
    corpus, sentences, segments = three_segments()
    # Re-ranked: the first is not the best-scored; the one below the cutoff of the best is left.
    ranked = [
        ScoredSegment(segments[0], 0.6),
        ScoredSegment(segments[1], 1.0),
        ScoredSegment(segments[2], 0.1),
    ]
    settings = make_settings(tmp_path)
    quotes = select_quotes(corpus, ranked, settings)
    assert [q.start for q in quotes] == [segments[0].start, segments[1].start]
    # The re-ranker's first choice is quoted first even when its fused score is low.
    low_first = [ScoredSegment(segments[2], 0.1), ScoredSegment(segments[1], 1.0)]
    quotes = select_quotes(corpus, low_first, settings)
    assert [q.start for q in quotes] == [segments[2].start, segments[1].start]


def test_a_passage_holding_a_rare_name_of_the_question_is_quoted_whatever_its_score(
    tmp_path: Path,
) -> None:
    corpus, sentences, segments = three_segments()
    ranked = [ScoredSegment(segments[0], 1.0), ScoredSegment(segments[2], 0.1)]
    settings = make_settings(tmp_path)
    assert [q.start for q in select_quotes(corpus, ranked, settings)] == [segments[0].start]
    name = next(w for w in words(sentences[2].text) if w not in words(sentences[0].text))
    quotes = select_quotes(corpus, ranked, settings, names=frozenset({name}))
    assert [q.start for q in quotes] == [segments[0].start, segments[2].start]


def test_weights_and_thresholds_are_stored_side_by_side_per_model(tmp_path: Path) -> None:
    corpus = uncalibrated_corpus(tmp_path)
    write_calibration(corpus, "model/a", Thresholds(0.8, 0.9))
    write_rerank(corpus, "model/a", {"fused": 2.0, "bias": -1.0})
    write_calibration(corpus, "model/a", Thresholds(0.7, 0.9))  # refitting keeps the weights
    limits = thresholds_for("model/a", make_settings(tmp_path, corpus_dir=corpus))
    assert limits.article_min_score == 0.7
    assert limits.rerank_weights == {"fused": 2.0, "bias": -1.0}
    assert thresholds_for("model/b", make_settings(tmp_path, corpus_dir=corpus)).rerank == ()
    assert load_corpus(corpus).calibration["model/a"]["rerank"] == {"fused": 2.0, "bias": -1.0}


def test_weights_that_are_not_numbers_are_a_corpus_error(tmp_path: Path) -> None:
    corpus = uncalibrated_corpus(tmp_path)
    (corpus / "calibration.yaml").write_text("model/a:\n  rerank: {fused: high}\n")
    with pytest.raises(CorpusInvalid) as raised:
        load_corpus(corpus)
    assert raised.value.errors == ["calibration.yaml:2: 'rerank' must map feature names to numbers"]
