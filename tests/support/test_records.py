"""The hand-built records themselves: their quotes are slices of their article."""

from __future__ import annotations

from pathlib import Path

from index.corpus.article import parse_article
from tests.support.records import ARTICLE, MEETING, quote, write_article


def test_quotes_are_slices_of_the_article() -> None:
    q = quote(MEETING, "allegation")
    assert ARTICLE.text[q.start : q.end] == MEETING
    assert q.sentence_ids == ["p1.s2"]
    assert q.paragraph == 1


def test_written_article_parses_to_the_same_text(tmp_path: Path) -> None:
    path = write_article(tmp_path / "corpus")
    assert parse_article(path.read_text(encoding="utf-8")).text == ARTICLE.text
