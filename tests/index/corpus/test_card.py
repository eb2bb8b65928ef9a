"""The article's own card links where the article was first published, when that is known."""

from __future__ import annotations

from pathlib import Path

from index.corpus.card import metadata_item
from index.corpus.load import load_corpus
from tests.support.core import write_synthetic_corpus


def test_the_original_url_is_the_first_source(tmp_path: Path) -> None:
    corpus = write_synthetic_corpus(tmp_path / "corpus")
    article = corpus / "article.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace(
            "date: 2024-01-01\n", "date: 2024-01-01\nurl: https://example.org/orchard\n"
        ),
        encoding="utf-8",
    )
    item = metadata_item(load_corpus(corpus))
    assert [(s.publisher, s.url) for s in item.sources] == [
        ("Test Press", "https://example.org/orchard")
    ]


def test_without_url_or_copies_the_card_has_no_source(tmp_path: Path) -> None:
    # What verification makes of that is index/answer's business; the card invents nothing.
    item = metadata_item(load_corpus(write_synthetic_corpus(tmp_path / "corpus")))
    assert item.sources == []
