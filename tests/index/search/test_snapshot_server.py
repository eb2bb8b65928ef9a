"""With a Chroma server, the corpus snapshot lives on the server: a second host, with no
corpus directory and a data directory of its own, serves exactly what the reindex stored."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.answer.engine import Engine
from index.search.reindex import reindex
from index.settings import get_settings
from tests.support.chroma import CHROMA, ChromaServer
from tests.support.core import FAKE_THRESHOLDS, copy_corpus
from tests.support.fakes import FakeEmbedder

QUESTION = "Did the ambassador meet the defense minister Bobbio?"
MEETING = "She met Peru's Minister of Defense Gustavo Bobbio on December 6"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    if not CHROMA.exists():
        pytest.skip(f"the chroma CLI is not installed next to {sys.executable}")
    where = tmp_path_factory.mktemp("chroma-snapshot")
    running = ChromaServer(where / "data", where / "chroma.log")
    running.start()
    try:
        yield running
    finally:
        running.stop()


def host(tmp_path: Path, name: str, server: ChromaServer, corpus: Path):
    return get_settings(
        data_dir=tmp_path / name / "data",
        corpus_dir=corpus,
        chroma_host="127.0.0.1",
        chroma_port=server.port,
        **FAKE_THRESHOLDS,
    )


def labels(engine: Engine) -> dict[str, str]:
    answer = engine.answer(QUESTION)
    assert answer.status == "answered" and answer.verification.passed, answer.rendered
    return {q.text: q.label for q in answer.quotes}


@pytest.mark.slow
def test_a_second_host_serves_the_snapshot_from_the_server(
    tmp_path: Path, server: ChromaServer
) -> None:
    embedder = FakeEmbedder()
    corpus = copy_corpus(tmp_path / "a" / "corpus")
    summary = reindex(host(tmp_path, "a", server, corpus), embedder=embedder)

    other = host(tmp_path, "b", server, tmp_path / "b" / "no-corpus-here")
    engine = Engine.from_settings(other, embedder=embedder, with_log=False)
    assert labels(engine)[MEETING] == "allegation"
    assert engine.index_version == summary.collection

    # Host A's directory is edited and then removed; nothing reindexed it.
    claims = corpus / "claims.yaml"
    claims.write_text(
        claims.read_text(encoding="utf-8").replace("label: allegation", "label: opinion"),
        encoding="utf-8",
    )
    engine.reload()
    assert labels(engine)[MEETING] == "allegation"
    shutil.rmtree(corpus)
    restarted = Engine.from_settings(other, embedder=embedder, with_log=False)
    assert labels(restarted)[MEETING] == "allegation"
    assert restarted.index_version == summary.collection
