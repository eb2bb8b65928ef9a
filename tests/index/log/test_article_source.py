"""The article a logged answer's quotes are checked against: the snapshot of the version it was
logged under while the store keeps it, else the live snapshot, else the corpus directory, else
none; each said in one line. Real indexes built in a tmp dir with the fake embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.log.article_source import logged_article, served_article, short
from index.log.context import quote_matches
from index.search.snapshot import snapshot_name
from index.search.store import make_client
from index.settings import Settings
from tests.support.chroma import free_port
from tests.support.core import make_settings
from tests.support.indexed import edit_article, index, write_indexed_corpus
from tests.support.records import MEETING, quote

MET = quote(MEETING, "allegation")  # as the engine sliced it from the indexed text


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data", write_indexed_corpus(tmp_path / "corpus"))


def test_an_answer_logged_under_the_live_version_reads_its_snapshot(settings: Settings) -> None:
    v1 = index(settings)
    source = logged_article(settings, v1)
    assert (source.kind, source.collection, source.label) == ("logged", v1, f"logged:{v1}")
    assert source.article is not None and quote_matches(source.article, MET)
    assert source.note == "article: snapshot of v1 (the version this answer was logged under)"


def test_an_edit_on_disk_without_reindex_changes_nothing_read(settings: Settings) -> None:
    v1 = index(settings)
    edit_article(settings.corpus_dir, "ambassador met", "envoy met")
    for source in (logged_article(settings, v1), served_article(settings)):
        assert source.collection == v1
        assert source.article is not None and quote_matches(source.article, MET)
        assert "envoy" not in source.article.text


def test_the_previous_version_kept_by_a_reindex_is_read(settings: Settings) -> None:
    v1 = index(settings)
    edit_article(settings.corpus_dir, "ambassador met", "envoy met")
    v2 = index(settings)
    assert v2 != v1
    old, new = logged_article(settings, v1), logged_article(settings, v2)
    assert (old.kind, old.collection) == ("logged", v1)
    assert old.article is not None and quote_matches(old.article, MET)
    assert (new.kind, new.collection) == ("logged", v2)
    assert new.article is not None and not quote_matches(new.article, MET)
    served = served_article(settings)
    assert (served.kind, served.collection) == ("live", v2)
    assert served.note == "article: the live index v2 (what is served)"
    assert served.where == "the article of the live index v2 (its corpus snapshot)"


def test_a_dropped_version_falls_back_to_the_live_one_and_says_so(settings: Settings) -> None:
    v1 = index(settings)
    edit_article(settings.corpus_dir, "ambassador met", "envoy met")
    index(settings)
    edit_article(settings.corpus_dir, "envoy met", "diplomat met")
    v3 = index(settings)  # keeps v3 and v2; v1's snapshot is dropped
    source = logged_article(settings, v1)
    assert (source.kind, source.collection) == ("live", v3)
    assert source.article is not None and "diplomat met" in source.article.text
    assert source.note == (
        "article: the live index v3 — the snapshot of v1 is gone; "
        "quotes are checked against v3's text"
    )


def test_an_answer_logged_without_a_version_reads_the_live_one(settings: Settings) -> None:
    v1 = index(settings)
    source = logged_article(settings, None)
    assert (source.kind, source.collection) == ("live", v1)
    assert "logged without an index version" in source.note


def test_a_live_version_without_a_snapshot_falls_back_to_the_directory(
    settings: Settings,
) -> None:
    v1 = index(settings)
    make_client(settings).delete_collection(snapshot_name(v1))  # as built before snapshots
    source = logged_article(settings, v1)
    assert (source.kind, source.path) == ("corpus", settings.corpus_dir / "article.md")
    assert source.note.startswith(f"article: the corpus directory {source.path} — ")
    assert "the live index v1 has no corpus snapshot" in source.note


def test_no_store_reads_the_directory_and_creates_no_store(settings: Settings) -> None:
    source = logged_article(settings, "explainer-fake-hash-256-v4")
    assert source.kind == "corpus"
    assert source.article is not None and quote_matches(source.article, MET)
    assert f"there is no index at {settings.chroma_dir}" in source.note
    assert "it may differ from what was served" in source.note
    assert not settings.chroma_dir.exists()


def test_an_unreachable_server_reads_the_directory(tmp_path: Path, settings: Settings) -> None:
    remote = settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": free_port()})
    for source in (logged_article(remote, "explainer-x-v2"), served_article(remote)):
        assert source.kind == "corpus"
        assert source.article is not None and quote_matches(source.article, MET)
        assert "the index store cannot be read (cannot reach the Chroma server" in source.note
        assert source.where == f"the article at {settings.corpus_dir / 'article.md'}"


def test_an_empty_store_reads_the_directory(settings: Settings) -> None:
    make_client(settings)  # creates the embedded store, with no index in it
    source = logged_article(settings, "explainer-x-v2")
    assert source.kind == "corpus"
    assert "there is no live index" in source.note


def test_nothing_readable_is_none_with_the_reason(tmp_path: Path) -> None:
    bare = make_settings(tmp_path / "data", tmp_path / "no-corpus")
    source = logged_article(bare, "explainer-x-v2")
    assert (source.kind, source.article, source.label) == ("none", None, "none")
    assert source.note.startswith("article: none — there is no index at ")
    assert "no-corpus/article.md cannot be read" in source.note


@pytest.mark.parametrize(
    ("collection", "expected"),
    [("explainer-all-minilm-l6-v2-v7", "v7"), ("explainer-fake-v12", "v12"), ("idx-1", "idx-1")],
)
def test_short_names_the_version(collection: str, expected: str) -> None:
    assert short(collection) == expected
