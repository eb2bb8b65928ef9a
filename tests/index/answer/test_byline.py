"""The byline answer comes from the front matter, with or without published copies."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.core import build, copy_corpus


def test_a_corpus_without_copies_still_answers_who_wrote_it(tmp_path: Path) -> None:
    corpus = copy_corpus(tmp_path / "corpus")
    article = corpus / "article.md"
    text = article.read_text(encoding="utf-8")
    # Drop the `copies:` list from the front matter (the body, and so its hash, is untouched).
    article.write_text(re.sub(r"(?m)^copies:\n(?:  .*\n)+", "", text, count=1), encoding="utf-8")
    engine = build(tmp_path / "data", corpus).engine
    assert "copies" not in engine.corpus.article.meta
    answer = engine.answer("Who wrote this?")
    assert answer.status == "answered" and answer.verification.passed
    assert any(b.fact_id == "article-metadata" for b in answer.background)
