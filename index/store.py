"""The Chroma client (embedded or server), versioned collections and the active-version pointer."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import chromadb
from chromadb.config import Settings as ChromaSettings

from index.settings import Settings

POINTER_COLLECTION = "explainer-active"
COLLECTION_PREFIX = "explainer-"


class IndexUnavailable(RuntimeError):
    """The vector store cannot be reached or holds no index yet."""


class ModelMismatch(RuntimeError):
    """The index was built with another embedding model than the one configured."""


@dataclass(frozen=True)
class IndexPointer:
    collection: str
    model_id: str
    corpus_sha256: str
    version: int
    built_at: str


def make_client(settings: Settings) -> chromadb.ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        headers = {}
        if settings.chroma_token:
            headers["Authorization"] = f"Bearer {settings.chroma_token.get_secret_value()}"
        try:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, ssl=settings.chroma_ssl,
                headers=headers, settings=chroma_settings,
            )
        except Exception as exc:
            raise IndexUnavailable(
                f"cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port}"
            ) from exc
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def model_slug(model_id: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", model_id.lower().rsplit("/", 1)[-1]).strip("-")
    return slug[:40] or "model"


def collection_name(model_id: str, version: int) -> str:
    return f"{COLLECTION_PREFIX}{model_slug(model_id)}-v{version}"


def read_pointer(client: chromadb.ClientAPI) -> IndexPointer | None:
    try:
        meta = client.get_collection(POINTER_COLLECTION, embedding_function=None).metadata or {}
    except Exception as exc:
        if _is_not_found(exc):
            return None
        raise
    if "collection" not in meta:
        return None
    return IndexPointer(
        collection=str(meta["collection"]), model_id=str(meta["model_id"]),
        corpus_sha256=str(meta["corpus_sha256"]), version=int(meta["version"]),
        built_at=str(meta["built_at"]),
    )


def write_pointer(client: chromadb.ClientAPI, pointer: IndexPointer) -> None:
    """Switch the live index to another collection in one metadata write."""
    meta = {
        "collection": pointer.collection, "model_id": pointer.model_id,
        "corpus_sha256": pointer.corpus_sha256, "version": pointer.version,
        "built_at": pointer.built_at,
    }
    coll = client.get_or_create_collection(POINTER_COLLECTION, embedding_function=None)
    coll.modify(metadata=meta)


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _is_not_found(exc: Exception) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return "notfound" in text or "does not exist" in text or "not found" in text
