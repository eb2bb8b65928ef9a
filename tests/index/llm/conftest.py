"""The corpus and a judge without an embedder, once per module, for the sentence-check tests."""

from __future__ import annotations

import pytest

from index.corpus.load import Corpus, load_corpus
from index.llm.judge import Judge
from tests.index.llm.test_evidence import make_judge
from tests.support.llm_stub import CORPUS


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(CORPUS)


@pytest.fixture(scope="module")
def judge(corpus: Corpus) -> Judge:
    return make_judge(corpus, None)
