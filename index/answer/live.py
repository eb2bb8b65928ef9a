"""The live index version an engine answers from: loaded on demand, retried with a backoff while
the store is unavailable, and followed when another process (a CLI reindex, another bot)
switches the pointer."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from langchain_core.embeddings import Embeddings

from index.answer.language import warm as warm_language
from index.answer.pipeline import IndexState
from index.answer.query import IntentRouter, load_intents
from index.search.calibration import thresholds_for
from index.search.items import build_items
from index.search.retrieval import Retriever
from index.search.snapshot import load_live_corpus
from index.search.store import IndexUnavailable, ModelMismatch, make_client, read_pointer
from index.settings import Settings
from index.texts import Texts

log = logging.getLogger(__name__)
RETRY_SECONDS = (1, 2, 5, 10, 30)
POINTER_CHECK_SECONDS = 60.0


class LiveIndex:
    """The loaded state of the live index version (corpus snapshot, retriever, thresholds) and
    the intent router built with it."""

    def __init__(
        self, settings: Settings, embedder: Embeddings, texts: Texts, client: Any | None = None
    ):
        self.settings = settings
        self.embedder = embedder
        self.texts = texts
        self._client = client
        self.state: IndexState | None = None
        self.router: IntentRouter | None = None
        self._load_lock = threading.Lock()
        self._failures = 0
        self._next_try = 0.0
        self._pointer_checked = time.monotonic()

    def load(self) -> None:
        """(Re)load the corpus and the live index version; raises IndexUnavailable/ModelMismatch."""
        with self._load_lock:
            try:
                if self._client is None:
                    self._client = make_client(self.settings)
                pointer = read_pointer(self._client)
                if pointer is None:
                    raise IndexUnavailable(self.texts.lines["no_index"])
                collection = self._client.get_collection(
                    pointer.collection, embedding_function=None
                )
            except (IndexUnavailable, ModelMismatch):
                raise
            except Exception as exc:
                self._client = None
                raise IndexUnavailable(f"the vector store is unavailable: {exc}") from exc
            expected = getattr(self.embedder, "model_id", None)
            if expected and pointer.model_id != expected:
                raise ModelMismatch(
                    f"the index was built with '{pointer.model_id}' but the configured embedding "
                    f"model is '{expected}': run `explainer reindex` or change "
                    "EXPLAINER_EMBEDDING_MODEL"
                )
            # The corpus of the live version, as its reindex stored it: never the corpus
            # directory, which may hold edits nobody reindexed (or be broken, or gone).
            try:
                corpus = load_live_corpus(self._client, pointer, self.settings)
            except IndexUnavailable:
                raise
            except Exception as exc:
                raise IndexUnavailable(
                    f"the corpus snapshot of {pointer.collection} cannot be read: {exc}"
                ) from exc
            thresholds = thresholds_for(pointer.model_id, self.settings, corpus.calibration)
            retriever = Retriever(
                build_items(corpus), collection, self.embedder, thresholds.adapter
            )
            self.state = IndexState.build(corpus, pointer, retriever, thresholds)
            self.router = IntentRouter(
                self.embedder,
                load_intents(),
                cache_dir=self.settings.data_dir,
                embed_query=retriever.query_vector,
            )
            self._failures = 0

    def prepare(self) -> None:
        """Load the live version and build what the first question would otherwise build and
        keep in the data directory: the intents' example vectors and the language model (about
        a second and ~45 MB of peak memory off a new process's first answer)."""
        self.load()
        if self.router is not None:
            self.router.prepare()
        warm_language(self.settings.data_dir)

    def forget(self) -> None:
        """Drop the loaded state: the next `ready()` loads the live version again."""
        self.state = None

    def ready(self) -> IndexState:
        """The live version's state, loading it if needed (not sooner than the backoff allows)."""
        state = self.state
        if state is not None:
            self._follow_pointer(state)
            return self.state or state
        if time.monotonic() < self._next_try:
            raise IndexUnavailable("the index is unavailable")
        try:
            self.load()
        except IndexUnavailable:
            self._next_try = (
                time.monotonic() + RETRY_SECONDS[min(self._failures, len(RETRY_SECONDS) - 1)]
            )
            self._failures += 1
            raise
        assert self.state is not None
        return self.state

    def _follow_pointer(self, state: IndexState) -> None:
        """Pick up an index that another process (a CLI reindex, another bot) switched to."""
        now = time.monotonic()
        if now < self._pointer_checked + POINTER_CHECK_SECONDS:
            return
        self._pointer_checked = now
        try:
            pointer = read_pointer(self._client) if self._client is not None else None
            if pointer is not None and pointer.collection != state.pointer.collection:
                log.info("index switched to %s; reloading", pointer.collection)
                self.load()
        except (IndexUnavailable, ModelMismatch) as exc:
            log.warning("keeping index %s: %s", state.pointer.collection, exc)
        except Exception:
            log.exception("checking the live index version failed; keeping the loaded one")
