"""Fixtures shared by the answer tests: the shipped corpus, loaded once per module."""

from __future__ import annotations

import pytest

from index.corpus.load import Corpus, load_corpus
from tests.support.core import CORPUS_DIR


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(CORPUS_DIR)
