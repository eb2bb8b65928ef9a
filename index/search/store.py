"""The Chroma client (embedded or server), versioned collections and the active-version pointer."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import httpx

from index.settings import Settings

if TYPE_CHECKING:  # chromadb is imported when a client is made: the health check stays light
    import chromadb
    from chromadb.config import Settings as ChromaSettings

POINTER_COLLECTION = "explainer-active"
COLLECTION_PREFIX = "explainer-"
CONNECT_TIMEOUT = 5.0
REQUEST_TIMEOUT = 60.0


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
    """An embedded client on `chroma_dir`, or an HTTP client when `chroma_host` is set.

    In server mode the server is checked first (heartbeat) so a wrong address, a stopped server
    or a refused token each give one clear `IndexUnavailable` line; afterwards every call that
    fails because the server went away raises `IndexUnavailable` too, which the engine turns into
    the "index unavailable" answer and a retry with backoff.
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        return _server_client(settings, chroma_settings)
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def server_url(settings: Settings) -> str:
    scheme = "https" if settings.chroma_ssl else "http"
    return f"{scheme}://{settings.chroma_host}:{settings.chroma_port}"


def server_headers(settings: Settings) -> dict[str, str]:
    if not settings.chroma_token:
        return {}
    return {"Authorization": f"Bearer {settings.chroma_token.get_secret_value()}"}


def check_server(settings: Settings, timeout: float = CONNECT_TIMEOUT) -> None:
    """Raise `IndexUnavailable` with the reason unless the Chroma server answers its heartbeat."""
    url = server_url(settings)
    try:
        resp = httpx.get(
            f"{url}/api/v2/heartbeat", headers=server_headers(settings), timeout=timeout
        )
    except httpx.HTTPError as exc:
        raise IndexUnavailable(
            f"cannot reach the Chroma server at {url} ({_reason(exc)}); is it running? "
            "Check EXPLAINER_CHROMA_HOST and EXPLAINER_CHROMA_PORT"
        ) from exc
    if resp.status_code in (401, 403):
        raise IndexUnavailable(
            f"the Chroma server at {url} refused the request (HTTP {resp.status_code}); "
            "check EXPLAINER_CHROMA_TOKEN"
        )
    if resp.status_code != 200:
        raise IndexUnavailable(
            f"the Chroma server at {url} is not ready (heartbeat HTTP {resp.status_code})"
        )


def _server_client(settings: Settings, chroma_settings: ChromaSettings) -> chromadb.ClientAPI:
    import chromadb

    check_server(settings)
    url = server_url(settings)
    try:
        client = chromadb.HttpClient(
            host=str(settings.chroma_host),
            port=settings.chroma_port,
            ssl=settings.chroma_ssl,
            headers=server_headers(settings),
            settings=chroma_settings,
        )
    except Exception as exc:
        raise IndexUnavailable(
            f"the Chroma server at {url} answered but the client could not start ({exc}); "
            "check EXPLAINER_CHROMA_TOKEN and the server version (1.x)"
        ) from exc
    _limit_wait(client)
    return cast("chromadb.ClientAPI", _Guarded(client, url))


def _limit_wait(client: object) -> None:
    """Chroma's HTTP client waits forever by default; a silent network must not hang answers."""
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(REQUEST_TIMEOUT, connect=CONNECT_TIMEOUT)


def _is_unreachable(exc: BaseException) -> bool:
    if isinstance(exc, httpx.TransportError):  # refused, reset, timed out, DNS
        return True
    text = str(exc).lower()
    return isinstance(exc, ValueError) and "could not connect to a chroma server" in text


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


class _Guarded:
    """Wraps the HTTP client and its collections: a lost server becomes `IndexUnavailable`.

    So does a collection deleted under a reader: another process (a second bot, or
    `explainer reindex`) switched the index twice and dropped the version this one had loaded;
    the engine then reloads from the pointer instead of failing on every question.
    """

    def __init__(self, target: Any, url: str, collection: str | None = None):
        self._target = target
        self._url = url
        self._collection = collection

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                result = attr(*args, **kwargs)
            except Exception as exc:
                if _is_unreachable(exc):
                    raise IndexUnavailable(
                        f"lost the Chroma server at {self._url} ({_reason(exc)})"
                    ) from exc
                if self._collection is not None and type(exc).__name__ == "NotFoundError":
                    raise IndexUnavailable(
                        f"index version {self._collection} was removed from the Chroma server "
                        "(replaced by a newer reindex)"
                    ) from exc
                raise
            return self._wrap(result)

        return call

    def _wrap(self, value: Any) -> Any:
        from chromadb.api.models.Collection import Collection

        if isinstance(value, Collection):
            return _Guarded(value, self._url, value.name)
        if isinstance(value, list) and value and all(isinstance(v, Collection) for v in value):
            return [_Guarded(v, self._url, v.name) for v in value]
        return value

    def __repr__(self) -> str:
        return f"<{type(self._target).__name__} at {self._url}>"


def model_slug(model_id: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", model_id.lower().rsplit("/", 1)[-1])
    return slug[:40].strip("-") or "model"  # a cut id must not end the slug with "-"


def collection_name(model_id: str, version: int) -> str:
    return f"{COLLECTION_PREFIX}{model_slug(model_id)}-v{version}"


def read_pointer(client: chromadb.ClientAPI) -> IndexPointer | None:
    try:
        meta = client.get_collection(POINTER_COLLECTION, embedding_function=None).metadata or {}
    except IndexUnavailable:
        raise
    except Exception as exc:
        if is_not_found(exc):
            return None
        raise
    if "collection" not in meta:
        return None
    return IndexPointer(
        collection=str(meta["collection"]),
        model_id=str(meta["model_id"]),
        corpus_sha256=str(meta["corpus_sha256"]),
        version=int(meta["version"]),
        built_at=str(meta["built_at"]),
    )


def write_pointer(client: chromadb.ClientAPI, pointer: IndexPointer) -> None:
    """Switch the live index to another collection in one metadata write."""
    meta = {
        "collection": pointer.collection,
        "model_id": pointer.model_id,
        "corpus_sha256": pointer.corpus_sha256,
        "version": pointer.version,
        "built_at": pointer.built_at,
    }
    coll = client.get_or_create_collection(POINTER_COLLECTION, embedding_function=None)
    coll.modify(metadata=meta)


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def is_not_found(exc: Exception) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return "notfound" in text or "does not exist" in text or "not found" in text
