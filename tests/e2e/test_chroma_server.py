"""Server mode: a real `chroma run` server, reached through Chroma's HTTP client.

The slow tests start the server of the venv's `chroma run` CLI on a free 127.0.0.1 port, index the
real corpus with a deterministic fake embedder, and stop/start the server (same data path) to
show the faults the deployment must survive: the engine answers "index unavailable" while the
server is down and resumes without a restart; a reindex cut off by the server leaves the previous
collection version live.
"""

from __future__ import annotations

import http.server
import logging
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.answer import live as live_module
from index.answer.engine import Engine
from index.search.reindex import reindex
from index.search.store import IndexUnavailable, make_client, read_pointer
from index.settings import get_settings
from index.texts import load_texts
from tests.support.chroma import CHROMA, ChromaServer, free_port
from tests.support.fakes import FakeEmbeddings

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
QUESTION = "Who is Lisa Kenna?"
UNAVAILABLE = load_texts().lines["index_unavailable"]


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """One server for the module (starting one costs seconds); each test gets it emptied."""
    if not CHROMA.exists():
        pytest.skip(f"the chroma CLI is not installed next to {sys.executable}")
    where = tmp_path_factory.mktemp("chroma-server")
    server = ChromaServer(where / "data", where / "chroma.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def chroma_server(shared_server: ChromaServer) -> ChromaServer:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    if not shared_server.alive():  # a previous test stopped it and failed before restarting
        shared_server.start()
    client = chromadb.HttpClient(
        host="127.0.0.1",
        port=shared_server.port,
        settings=ChromaSettings(anonymized_telemetry=False),
    )
    for coll in client.list_collections():
        client.delete_collection(coll.name)
    return shared_server


# The fake embedder's cosine scores are lower than the real model's: thresholds to match it.
FAKE_THRESHOLDS = {"article_min_score": 0.05, "background_min_score": 0.05}


def server_settings(tmp_path: Path, server: ChromaServer, corpus: Path = CORPUS):
    return get_settings(
        data_dir=tmp_path / "data",
        corpus_dir=corpus,
        chroma_host="127.0.0.1",
        chroma_port=server.port,
        **FAKE_THRESHOLDS,
    )


def wait_for_answer(engine: Engine, timeout: float = 45.0):
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        answer = engine.answer(QUESTION)
        if answer.status != "error":
            return answer, time.monotonic() - began
        time.sleep(0.1)
    raise AssertionError(f"the engine did not resume within {timeout}s")


# -- without a server: the connection check ---------------------------------------------------


def test_no_server_gives_one_clear_line(tmp_path: Path) -> None:
    settings = get_settings(
        data_dir=tmp_path, corpus_dir=CORPUS, chroma_host="127.0.0.1", chroma_port=free_port()
    )
    with pytest.raises(IndexUnavailable) as info:
        make_client(settings)
    message = str(info.value)
    assert f"cannot reach the Chroma server at http://127.0.0.1:{settings.chroma_port}" in message
    assert "EXPLAINER_CHROMA_HOST" in message
    assert not (tmp_path / "chroma").exists(), "server mode must not create an embedded store"


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[str | None] = []
    status = 403

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        type(self).seen.append(self.headers.get("Authorization"))
        self.send_response(self.status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_token_is_sent_and_a_refusal_names_the_setting(tmp_path: Path) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings = get_settings(
            data_dir=tmp_path,
            corpus_dir=CORPUS,
            chroma_host="127.0.0.1",
            chroma_port=server.server_address[1],
            chroma_token="s3cret",
        )
        with pytest.raises(IndexUnavailable) as info:
            make_client(settings)
    finally:
        server.shutdown()
        server.server_close()
    assert _Recorder.seen[-1] == "Bearer s3cret"
    assert "HTTP 403" in str(info.value) and "EXPLAINER_CHROMA_TOKEN" in str(info.value)
    assert "s3cret" not in str(info.value)


# -- a real server ----------------------------------------------------------------------------


@pytest.mark.slow
def test_reindex_and_ask_through_the_http_client(tmp_path: Path, chroma_server) -> None:
    fake = FakeEmbeddings()
    settings = server_settings(tmp_path, chroma_server)
    assert settings.chroma_mode == "server"

    summary = reindex(settings, embedder=fake)
    assert summary.changed and summary.version == 1 and summary.added > 0
    assert not settings.chroma_dir.exists(), "the index must live on the server, not on disk"

    pointer = read_pointer(make_client(settings))
    assert pointer is not None and pointer.collection == summary.collection
    assert pointer.model_id == "fake-hash-256"

    engine = Engine.from_settings(settings, embedder=fake, with_log=False)
    answer = engine.answer(QUESTION)
    assert answer.status != "error", answer.rendered
    assert "Kenna" in answer.rendered
    assert engine.index_version == summary.collection

    again = reindex(settings, embedder=fake)
    assert not again.changed and again.collection == summary.collection

    # The same corpus indexed embedded gives the same answer: the store is the only difference.
    local = get_settings(data_dir=tmp_path / "local", corpus_dir=CORPUS, **FAKE_THRESHOLDS)
    reindex(local, embedder=fake)
    embedded = Engine.from_settings(local, embedder=fake, with_log=False).answer(QUESTION)
    assert embedded.rendered == answer.rendered


@pytest.mark.slow
def test_engine_answers_through_a_server_outage_and_a_cold_one_waits_for_it(
    tmp_path: Path, chroma_server, caplog, monkeypatch
) -> None:
    """A loaded version (its corpus snapshot and vectors) is held in memory: the engine answers
    through an outage, its pointer check failing fast; an engine started during one says the
    index is unavailable and picks the server up when it is back."""
    fake = FakeEmbeddings()
    settings = server_settings(tmp_path, chroma_server)
    built = reindex(settings, embedder=fake)
    engine = Engine.from_settings(settings, embedder=fake, with_log=False)
    assert engine.answer(QUESTION).status != "error"

    chroma_server.stop()
    monkeypatch.setattr(live_module, "POINTER_CHECK_SECONDS", 0.0)  # check on every question
    for _ in range(3):
        began = time.monotonic()
        during = engine.answer(QUESTION)
        assert during.status == "answered" and "Kenna" in during.rendered
        assert time.monotonic() - began < 5.0, "a dead server must fail fast, not hang"
    assert engine.index_version == built.collection
    monkeypatch.undo()
    chroma_server.start()
    assert "Kenna" in engine.answer(QUESTION).rendered

    # Down at start: the engine is built anyway, says why, and picks the server up later.
    chroma_server.stop()
    with caplog.at_level(logging.WARNING, logger="index.answer.engine"):
        cold = Engine.from_settings(settings, embedder=fake, with_log=False)
    assert "cannot reach the Chroma server" in caplog.text
    first = cold.answer(QUESTION)
    assert first.status == "error" and UNAVAILABLE in first.rendered
    boot = chroma_server.start()
    answer, waited = wait_for_answer(cold)
    assert "Kenna" in answer.rendered
    print(f"server up in {boot:.2f}s; cold engine answered {waited:.2f}s after its heartbeat")


def _changed_corpus(tmp_path: Path, edits: int = 1) -> Path:
    """A copy of the corpus with `edits` sentences added to one background page."""
    corpus = tmp_path / "corpus"
    if not corpus.exists():
        shutil.copytree(CORPUS, corpus)
    page = corpus / "background" / "kenna-term.md"
    for n in range(edits):
        page.write_text(page.read_text() + f"\nShe met officials in Lima ({n}).\n")
    return corpus


@pytest.mark.slow
def test_reindex_cut_off_by_the_server_keeps_the_previous_version(
    tmp_path: Path, chroma_server
) -> None:
    fake = FakeEmbeddings()
    first = reindex(server_settings(tmp_path, chroma_server), embedder=fake)
    settings = server_settings(tmp_path, chroma_server, corpus=_changed_corpus(tmp_path))

    class KillingEmbedder(FakeEmbeddings):
        """Kills the server mid-build (SIGKILL: no clean shutdown), then returns its vectors."""

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            chroma_server.stop(kill=True)
            return super().embed_documents(texts)

    with pytest.raises(IndexUnavailable, match="lost the Chroma server"):
        reindex(settings, embedder=KillingEmbedder())

    chroma_server.start()
    client = make_client(settings)
    pointer = read_pointer(client)
    assert pointer is not None and pointer.collection == first.collection
    assert pointer.version == first.version
    engine = Engine.from_settings(settings, embedder=fake, with_log=False)
    answer = engine.answer(QUESTION)
    assert answer.status != "error" and engine.index_version == first.collection

    # The next reindex replaces the half-built version and switches over.
    second = reindex(settings, embedder=fake)
    assert second.changed and second.version == first.version + 1 and second.updated == 1
    names = {c.name for c in make_client(settings).list_collections()}
    assert second.collection in names


@pytest.mark.slow
def test_an_engine_whose_version_is_dropped_by_another_process_reloads(
    tmp_path: Path, chroma_server, monkeypatch
) -> None:
    """Scale-out: another process reindexes twice; this engine's loaded version is deleted. It
    answers from the copy it holds, and its next pointer check moves it to the live version."""
    fake = FakeEmbeddings()
    corpus = _changed_corpus(tmp_path, edits=0)
    settings = server_settings(tmp_path, chroma_server, corpus=corpus)
    v1 = reindex(settings, embedder=fake)
    engine = Engine.from_settings(settings, embedder=fake, with_log=False)
    assert engine.answer(QUESTION).status != "error"

    _changed_corpus(tmp_path)
    v2 = reindex(settings, embedder=fake)  # keeps v1 for readers like this engine
    assert engine.answer(QUESTION).status != "error" and engine.index_version == v1.collection

    _changed_corpus(tmp_path)
    v3 = reindex(settings, embedder=fake)  # drops v1
    assert v3.version == v2.version + 1
    dropped = engine.answer(QUESTION)
    assert dropped.status == "answered" and engine.index_version == v1.collection
    monkeypatch.setattr(live_module, "POINTER_CHECK_SECONDS", 0.0)
    assert engine.answer(QUESTION).status == "answered"
    assert engine.index_version == v3.collection
