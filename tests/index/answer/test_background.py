"""Which background cards an answer carries: the best match, then what its quotes rest on."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.answer.compose import make_quote, select_background
from index.corpus.load import Claim, Corpus, load_corpus
from index.search.calibration import Thresholds
from tests.support.core import CORPUS_DIR, make_settings


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(CORPUS_DIR)


def cards_for(corpus: Corpus, claim: Claim, tmp_path: Path) -> list[str]:
    """The cards of an answer quoting `claim` alone, with no card matching the question."""
    quote = make_quote(corpus, claim.start, claim.end)
    assert quote is not None and claim.id in quote.claim_ids and quote.label == claim.label
    cards = select_background(corpus, [], [quote], make_settings(tmp_path), Thresholds())
    return [b.fact_id for b in cards]


def test_an_established_quote_brings_the_card_it_rests_on(corpus: Corpus, tmp_path: Path) -> None:
    claim = next(c for c in corpus.claims if c.label == "established" and c.supported_by)
    assert cards_for(corpus, claim, tmp_path) == [claim.supported_by[0]]


def test_a_disputed_quote_brings_its_sources_first(corpus: Corpus, tmp_path: Path) -> None:
    claim = next(c for c in corpus.claims if c.label == "disputed" and c.fact_ids)
    assert cards_for(corpus, claim, tmp_path)[0] == claim.fact_ids[0]
