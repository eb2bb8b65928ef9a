"""`reindex`: validate the corpus, embed what changed, and switch the live index atomically."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from langchain_core.embeddings import Embeddings

from index.corpus.load import CorpusInvalid, load_corpus
from index.search.embeddings import make_embedder, model_id
from index.search.items import build_items
from index.search.store import (
    COLLECTION_PREFIX,
    POINTER_COLLECTION,
    IndexPointer,
    collection_name,
    make_client,
    now_iso,
    read_pointer,
    write_pointer,
)
from index.settings import Settings

__all__ = ["CorpusInvalid", "ReindexSummary", "reindex"]
log = logging.getLogger(__name__)
BATCH = 64

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ReindexSummary:
    added: int
    updated: int
    deleted: int
    skipped: int
    seconds: float
    version: int
    collection: str
    model_id: str
    changed: bool

    def as_dict(self) -> dict:
        return asdict(self)


def reindex(
    settings: Settings,
    *,
    embedder: Embeddings | None = None,
    progress: Progress | None = None,
) -> ReindexSummary:
    """Rebuild the index from `settings.corpus_dir`; raises `CorpusInvalid` before touching it."""
    began = time.perf_counter()
    corpus = load_corpus(settings.corpus_dir)
    mid = getattr(embedder, "model_id", None) or model_id(settings.embedding_model)
    items = build_items(corpus)
    hashes = {item.id: item.content_hash(mid) for item in items}

    client = make_client(settings)
    pointer = read_pointer(client)
    old_hashes: dict[str, str] = {}
    old = None
    if pointer and pointer.model_id == mid:
        old = client.get_collection(pointer.collection, embedding_function=None)
        got = old.get(include=["metadatas"])
        old_hashes = {
            i: str((m or {}).get("content_hash"))
            for i, m in zip(got["ids"], got["metadatas"] or [], strict=False)
        }
    unchanged = [i for i, h in hashes.items() if old_hashes.get(i) == h]
    added = [i for i in hashes if i not in old_hashes]
    updated = [i for i in hashes if i in old_hashes and old_hashes[i] != hashes[i]]
    deleted = [i for i in old_hashes if i not in hashes]
    if pointer and old is not None and not (added or updated or deleted):
        if pointer.corpus_sha256 != corpus.sha256:
            write_pointer(
                client,
                IndexPointer(
                    pointer.collection, mid, corpus.sha256, pointer.version, pointer.built_at
                ),
            )
        return ReindexSummary(
            0,
            0,
            0,
            len(unchanged),
            time.perf_counter() - began,
            pointer.version,
            pointer.collection,
            mid,
            False,
        )

    version = (pointer.version if pointer else 0) + 1
    name = collection_name(mid, version)
    _drop_orphans(client, keep={pointer.collection} if pointer else set())
    new = client.create_collection(
        name,
        embedding_function=None,
        metadata={
            "hnsw:space": "cosine",
            "model_id": mid,
            "corpus_sha256": corpus.sha256,
            "built_at": now_iso(),
        },
    )
    by_id = {item.id: item for item in items}
    total = len(items)
    done = 0
    if progress:
        progress("copy", done, total)
    if unchanged and old is not None:
        for batch in _batches(unchanged):
            got = old.get(ids=batch, include=["embeddings", "metadatas", "documents"])
            new.add(
                ids=got["ids"],
                embeddings=got["embeddings"],
                metadatas=got["metadatas"],
                documents=got["documents"],
            )
            done += len(batch)
            if progress:
                progress("copy", done, total)
    to_embed = added + updated
    if to_embed:
        emb = embedder or make_embedder(settings)
        for batch in _batches(to_embed):
            vectors = emb.embed_documents([by_id[i].embed_text for i in batch])
            new.add(
                ids=batch,
                embeddings=vectors,  # type: ignore[arg-type]
                documents=[by_id[i].text for i in batch],
                metadatas=[
                    {**by_id[i].metadata, "kind": by_id[i].kind, "content_hash": hashes[i]}
                    for i in batch
                ],
            )
            done += len(batch)
            if progress:
                progress("embed", done, total)
    if new.count() != total:
        raise RuntimeError(f"index build incomplete: {new.count()} of {total} items")
    write_pointer(client, IndexPointer(name, mid, corpus.sha256, version, now_iso()))
    _drop_orphans(client, keep={name} | ({pointer.collection} if pointer else set()))
    log.info("index version %s live: %s", version, name)
    return ReindexSummary(
        len(added),
        len(updated),
        len(deleted),
        len(unchanged),
        time.perf_counter() - began,
        version,
        name,
        mid,
        True,
    )


def _batches(ids: list[str]) -> list[list[str]]:
    return [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]


def _drop_orphans(client, keep: set[str]) -> None:
    """Delete collection versions that are neither live nor the one kept for readers."""
    for coll in client.list_collections():
        name = coll if isinstance(coll, str) else coll.name
        if name.startswith(COLLECTION_PREFIX) and name != POINTER_COLLECTION and name not in keep:
            client.delete_collection(name)
