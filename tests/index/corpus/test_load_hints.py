"""Validation errors that point at the fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.corpus.load import CorpusInvalid, load_corpus
from tests.support.core import CORPUS_DIR


def test_a_misspelt_label_suggests_the_closest(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, corpus)
    claims = corpus / "claims.yaml"
    claims.write_text(
        claims.read_text(encoding="utf-8").replace("label: allegation", "label: alegation", 1),
        encoding="utf-8",
    )
    with pytest.raises(CorpusInvalid) as caught:
        load_corpus(corpus)
    assert any("did you mean allegation?" in e for e in caught.value.errors)
