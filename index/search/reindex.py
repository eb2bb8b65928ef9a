"""`reindex`: validate the corpus, embed what changed, and switch the live index atomically.

Each version is a vector collection plus the snapshot of the corpus it was built from
(index/search/snapshot.py), both written before the pointer switch. Any change to the corpus
files makes a new version, even when no item needs embedding (the unchanged vectors are copied):
the version logged with an answer always names the exact data behind it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from langchain_core.embeddings import Embeddings

from index.corpus.files import CLAIMS_FILE, Limits
from index.corpus.load import Corpus, CorpusInvalid, load_corpus
from index.search.embeddings import embed_queries, make_embedder, model_id
from index.search.items import Item, build_items
from index.search.snapshot import (
    SnapshotInfo,
    drop_snapshots,
    snapshot_info,
    snapshot_intact,
    snapshot_name,
    write_snapshot,
)
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
    corpus_sha256: str = ""
    snapshot: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def reindex(
    settings: Settings,
    *,
    embedder: Embeddings | None = None,
    progress: Progress | None = None,
    allow_empty_claims: bool = False,
) -> ReindexSummary:
    """Rebuild the index from `settings.corpus_dir`; raises `CorpusInvalid` before touching it.

    A corpus without claims over a live index that has claims for the same article is refused
    unless `allow_empty_claims` (`explainer reindex --allow-empty-claims`): an emptied or lost
    claims.yaml would otherwise drop every curated label in one run.
    """
    began = time.perf_counter()
    corpus = load_corpus(settings.corpus_dir, limits=Limits.from_settings(settings))
    mid = getattr(embedder, "model_id", None) or model_id(settings.embedding_model)
    items = build_items(corpus)
    hashes = {item.id: item.content_hash(mid) for item in items}

    client = make_client(settings)
    pointer = read_pointer(client)
    live = snapshot_info(client, pointer.collection) if pointer else None
    old_hashes: dict[str, str] = {}
    old = None
    if pointer and pointer.model_id == mid:
        old = client.get_collection(pointer.collection, embedding_function=None)
        got = old.get(include=["metadatas"])
        old_hashes = {
            i: str((m or {}).get("content_hash"))
            for i, m in zip(got["ids"], got["metadatas"] or [], strict=False)
        }
    if not allow_empty_claims and pointer is not None:
        _refuse_dropped_claims(corpus, pointer.collection, live, old_hashes)
    unchanged = [i for i, h in hashes.items() if old_hashes.get(i) == h]
    added = [i for i in hashes if i not in old_hashes]
    updated = [i for i in hashes if i in old_hashes and old_hashes[i] != hashes[i]]
    deleted = [i for i in old_hashes if i not in hashes]
    same_data = pointer is not None and pointer.corpus_sha256 == corpus.sha256
    if pointer and old is not None and not (added or updated or deleted) and same_data:
        if live is None or not snapshot_intact(client, pointer.collection, corpus.sha256):
            # An index built before snapshots (or with a damaged one): the files hash to what it
            # recorded, so they are its data; store them as its snapshot.
            write_snapshot(client, pointer.collection, corpus)
            log.info("stored the corpus snapshot of %s", pointer.collection)
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
            corpus.sha256,
            snapshot_name(pointer.collection),
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
            vectors = _embed(emb, [by_id[i] for i in batch])
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
    snap = write_snapshot(client, name, corpus)
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
        corpus.sha256,
        snap.name,
    )


def _refuse_dropped_claims(
    corpus: Corpus, live_collection: str, live: SnapshotInfo | None, old_hashes: dict[str, str]
) -> None:
    """Refuse a corpus with no claims when the live version has claims for the same article."""
    if corpus.claims:
        return
    if live is not None:
        had = live.claims
        if live.article_sha256 and live.article_sha256 != corpus.article.sha256:
            return  # another article: nothing of the live curation applies to it
    else:  # an index built before snapshots: count the claims it holds
        had = sum(1 for i in old_hashes if i.startswith("claim:"))
    if not had:
        return
    what = "there is no claims.yaml" if CLAIMS_FILE not in corpus.files else "it holds no claims"
    raise CorpusInvalid(
        [
            f"{CLAIMS_FILE}:1: {what}, but the live index ({live_collection}) has {had} curated "
            "claims for this article: every label would fall back to the cues. Restore the "
            "file, or run `explainer reindex --allow-empty-claims` to drop them on purpose"
        ]
    )


def _embed(embedder: Embeddings, items: list[Item]) -> list[list[float]]:
    """Each item's vector, in order: passages as documents, curated questions as questions."""
    passages = [it for it in items if not it.as_query]
    questions = [it for it in items if it.as_query]
    vectors = dict(
        zip(
            [it.id for it in passages] + [it.id for it in questions],
            embedder.embed_documents([it.embed_text for it in passages])
            + embed_queries(embedder, [it.embed_text for it in questions]),
            strict=True,
        )
    )
    return [vectors[it.id] for it in items]


def _batches(ids: list[str]) -> list[list[str]]:
    return [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]


def _drop_orphans(client, keep: set[str]) -> None:
    """Delete collection versions (and their snapshots) neither live nor kept for readers."""
    for coll in client.list_collections():
        name = coll if isinstance(coll, str) else coll.name
        if name.startswith(COLLECTION_PREFIX) and name != POINTER_COLLECTION and name not in keep:
            client.delete_collection(name)
    drop_snapshots(client, keep)
