"""The corpus snapshot of each index version, stored in the vector store beside its vectors.

A reindex that passes validation stores the corpus files exactly as it loaded them (article.md,
claims.yaml, sources.yaml, calibration.yaml, background/*.md) as the documents of one Chroma
collection, `explainer_corpus-<model>-v<N>` for the vector collection `explainer-<model>-v<N>`,
before it switches the pointer. The engine loads its corpus from the live version's snapshot
only: a broken, edited or deleted corpus directory changes nothing that is served until the next
successful reindex, and the index version logged with an answer names exactly the data behind it.

Why Chroma and not the data directory: the snapshot then lives wherever the index lives. With a
Chroma server, every bot host reads the same snapshot through the same client (no shared
filesystem needed), a backup of the store is a backup of both, and a snapshot is pruned with its
collection. A snapshot is written under a temporary name, read back and checked against the
corpus hash, then renamed: no reader ever sees half of one.

An index built before snapshots existed has none: the engine then serves the corpus directory
only if its hash still equals the one the index recorded, and the next reindex stores a snapshot.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.corpus.files import Limits
from index.corpus.load import Corpus, CorpusInvalid, corpus_digest, load_corpus, load_corpus_files
from index.search.store import (
    COLLECTION_PREFIX,
    IndexPointer,
    IndexUnavailable,
    is_not_found,
    now_iso,
)
from index.settings import Settings

log = logging.getLogger(__name__)

SNAPSHOT_PREFIX = "explainer_corpus-"
_TEMP_PREFIX = f"{SNAPSHOT_PREFIX}tmp-"
SNAPSHOT_KIND = "explainer-corpus-snapshot"
PART_CHARS = 200_000  # one document holds at most this much of a file
BATCH_CHARS = 2_000_000  # and one request at most this much
BATCH_RECORDS = 256
_MAX_NAME = 63  # Chroma's limit on collection names


class SnapshotMissing(LookupError):
    """The index version has no corpus snapshot (it was built before snapshots existed)."""


class SnapshotDamaged(IndexUnavailable):
    """The snapshot does not read back whole or does not hash to what the pointer recorded."""


@dataclass(frozen=True)
class SnapshotInfo:
    """What a snapshot's collection metadata records."""

    name: str
    collection: str
    corpus_sha256: str
    files: int
    parts: int
    claims: int
    article_sha256: str
    source_dir: str
    built_at: str


def snapshot_name(collection: str) -> str:
    """`explainer-<model>-v3` -> `explainer_corpus-<model>-v3` (hashed when that is too long)."""
    rest = collection.removeprefix(COLLECTION_PREFIX)
    name = f"{SNAPSHOT_PREFIX}{rest}"
    if len(name) <= _MAX_NAME:
        return name
    return f"{SNAPSHOT_PREFIX}{hashlib.sha256(collection.encode()).hexdigest()[:40]}"


def is_snapshot(name: str) -> bool:
    return name.startswith(SNAPSHOT_PREFIX)


def _info(name: str, meta: dict[str, Any] | None) -> SnapshotInfo:
    meta = meta or {}
    return SnapshotInfo(
        name=name,
        collection=str(meta.get("collection", "")),
        corpus_sha256=str(meta.get("corpus_sha256", "")),
        files=int(meta.get("files", 0)),
        parts=int(meta.get("parts", 0)),
        claims=int(meta.get("claims", 0)),
        article_sha256=str(meta.get("article_sha256", "")),
        source_dir=str(meta.get("source_dir", "")),
        built_at=str(meta.get("built_at", "")),
    )


def _get(client: Any, name: str) -> Any | None:
    try:
        return client.get_collection(name, embedding_function=None)
    except IndexUnavailable:
        raise
    except Exception as exc:
        if is_not_found(exc):
            return None
        raise


def _delete(client: Any, name: str) -> None:
    try:
        client.delete_collection(name)
    except IndexUnavailable:
        raise
    except Exception as exc:
        if not is_not_found(exc):
            raise


def snapshot_info(client: Any, collection: str) -> SnapshotInfo | None:
    """The metadata of a version's snapshot, or None when it has none."""
    coll = _get(client, snapshot_name(collection))
    if coll is None:
        return None
    return _info(coll.name, coll.metadata)


def _parts(files: dict[str, str]) -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for rel in sorted(files):
        text = files[rel]
        chunks = [text[i : i + PART_CHARS] for i in range(0, len(text), PART_CHARS)] or [""]
        for n, chunk in enumerate(chunks):
            out.append((f"{rel}#{n:05d}", chunk, {"path": rel, "part": n}))
    return out


def _batches(parts: list[tuple[str, str, dict[str, Any]]]) -> list[list[tuple[str, str, dict]]]:
    batches: list[list[tuple[str, str, dict]]] = [[]]
    size = 0
    for part in parts:
        if batches[-1] and (size + len(part[1]) > BATCH_CHARS or len(batches[-1]) >= BATCH_RECORDS):
            batches.append([])
            size = 0
        batches[-1].append(part)
        size += len(part[1])
    return [b for b in batches if b]


def _read_files(coll: Any) -> tuple[dict[str, str], int]:
    got = coll.get(include=["documents", "metadatas"])
    pieces: dict[str, list[tuple[int, str]]] = {}
    for doc, meta in zip(got["documents"] or [], got["metadatas"] or [], strict=True):
        pieces.setdefault(str(meta["path"]), []).append((int(meta["part"]), doc or ""))
    files = {rel: "".join(text for _, text in sorted(parts)) for rel, parts in pieces.items()}
    return files, len(got["ids"])


def write_snapshot(client: Any, collection: str, corpus: Corpus) -> SnapshotInfo:
    """Store `corpus.files` as the snapshot of `collection`; return what was recorded.

    Written under a temporary name, read back and compared with the corpus hash, then renamed
    over any previous snapshot of the same version: a reader sees the old one or the new one.
    """
    files = dict(corpus.files)
    if corpus_digest(files) != corpus.sha256:
        raise RuntimeError("the corpus files do not match the corpus hash; not snapshotting them")
    parts = _parts(files)
    name = snapshot_name(collection)
    temp = f"{_TEMP_PREFIX}{uuid.uuid4().hex[:16]}"
    meta: dict[str, Any] = {
        "kind": SNAPSHOT_KIND,
        "collection": collection,
        "corpus_sha256": corpus.sha256,
        "files": len(files),
        "parts": len(parts),
        "claims": len(corpus.claims),
        "article_sha256": corpus.article.sha256,
        "source_dir": str(corpus.directory),
        "built_at": now_iso(),
    }
    coll = client.create_collection(temp, embedding_function=None, metadata=meta)
    try:
        for batch in _batches(parts):
            coll.add(
                ids=[p[0] for p in batch],
                documents=[p[1] for p in batch],
                metadatas=[p[2] for p in batch],
                # The store wants a vector per record; nothing ever searches these.
                embeddings=[[1.0] for _ in batch],
            )
        back, count = _read_files(coll)
        if count != len(parts) or corpus_digest(back) != corpus.sha256:
            raise RuntimeError(
                f"the corpus snapshot for {collection} did not read back whole "
                f"({count} of {len(parts)} parts)"
            )
        _delete(client, name)
        coll.modify(name=name)
    except BaseException:
        _delete(client, temp)
        raise
    return _info(name, meta)


def read_snapshot(client: Any, collection: str, expected_sha256: str) -> dict[str, str]:
    """The files of a version's snapshot, checked against the hash its pointer recorded."""
    coll = _get(client, snapshot_name(collection))
    if coll is None:
        raise SnapshotMissing(collection)
    info = _info(coll.name, coll.metadata)
    files, count = _read_files(coll)
    digest = corpus_digest(files)
    if count != info.parts or digest != info.corpus_sha256 or digest != expected_sha256:
        raise SnapshotDamaged(
            f"the corpus snapshot of {collection} is damaged ({count} of {info.parts} parts, "
            f"hash {digest[:12]} for {expected_sha256[:12]}); run `explainer reindex`"
        )
    return files


def snapshot_intact(client: Any, collection: str, expected_sha256: str) -> bool:
    """Whether the version has a snapshot that reads back whole, with the expected hash."""
    try:
        read_snapshot(client, collection, expected_sha256)
    except (SnapshotMissing, SnapshotDamaged):
        return False
    return True


def drop_snapshots(client: Any, keep: set[str]) -> None:
    """Delete the snapshots (and stale temporary ones) of versions not in `keep`."""
    for coll in client.list_collections():
        name = coll if isinstance(coll, str) else coll.name
        if not is_snapshot(name):
            continue
        if name.startswith(_TEMP_PREFIX):
            _delete(client, name)
            continue
        meta = getattr(coll, "metadata", None)
        if meta is None:
            got = _get(client, name)
            meta = got.metadata if got is not None else {}
        if str((meta or {}).get("collection", "")) not in keep:
            _delete(client, name)


def load_live_corpus(client: Any, pointer: IndexPointer, settings: Settings) -> Corpus:
    """The corpus of the live index version: its snapshot, never files nobody reindexed."""
    try:
        files = read_snapshot(client, pointer.collection, pointer.corpus_sha256)
    except SnapshotMissing:
        return _legacy_corpus(pointer, settings)
    info = snapshot_info(client, pointer.collection)
    try:
        return load_corpus_files(
            files,
            directory=Path(info.source_dir if info else "."),
            strict=False,
            snapshot=pointer.collection,
        )
    except CorpusInvalid as exc:
        raise IndexUnavailable(
            f"the corpus snapshot of {pointer.collection} does not load ({exc.errors[0]}); "
            "run `explainer reindex`"
        ) from exc


def _legacy_corpus(pointer: IndexPointer, settings: Settings) -> Corpus:
    """An index built before snapshots: the directory, only while it is what was indexed."""
    stale = (
        f"index version {pointer.collection} has no corpus snapshot (it was built before "
        f"snapshots existed) and the corpus in {settings.corpus_dir} is not the one it indexed"
    )
    try:
        corpus = load_corpus(
            settings.corpus_dir, limits=Limits.from_settings(settings), strict=False
        )
    except CorpusInvalid as exc:
        raise IndexUnavailable(f"{stale} ({exc.errors[0]}); run `explainer reindex`") from exc
    if corpus.sha256 != pointer.corpus_sha256:
        raise IndexUnavailable(f"{stale}; run `explainer reindex`")
    log.warning(
        "index version %s has no corpus snapshot; serving %s, which matches it. "
        "Run `explainer reindex` to store one.",
        pointer.collection,
        settings.corpus_dir,
    )
    return corpus
