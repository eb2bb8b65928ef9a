"""The hand-built test article of tests/support/records.py as a corpus a real reindex accepts
(the front matter a corpus needs), indexed with the fake embedder: logged answers whose quotes
are then checked against the index's snapshots."""

from __future__ import annotations

from pathlib import Path

from index.search.reindex import reindex
from index.settings import Settings
from tests.support.fakes import FakeEmbedder
from tests.support.records import ARTICLE_MD

INDEXED_ARTICLE_MD = ARTICLE_MD.replace(
    'title: "A Test Article"\n',
    'title: "A Test Article"\nauthors:\n  - Ann Author\npublisher: Test Press\ndate: 2024-01-01\n',
)
assert INDEXED_ARTICLE_MD != ARTICLE_MD


def write_indexed_corpus(corpus_dir: Path) -> Path:
    """A corpus of the test article alone (the records' quotes slice its text as it is)."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    (corpus_dir / "article.md").write_text(INDEXED_ARTICLE_MD, encoding="utf-8")
    return corpus_dir


def index(settings: Settings) -> str:
    """Reindex `settings.corpus_dir`; the live collection, as an answer logs it."""
    return reindex(settings, embedder=FakeEmbedder()).collection


def edit_article(corpus_dir: Path, old: str, new: str) -> None:
    path = corpus_dir / "article.md"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
