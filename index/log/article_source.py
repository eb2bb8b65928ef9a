"""Which article text a logged answer's quotes are checked against, and where it came from.

The engine never serves the corpus directory: it serves the corpus snapshot of the live index
version (index/search/snapshot.py), and each logged answer records that version's collection
name (`index_version`). A moderator's view therefore reads, in this order: the snapshot of the
version the answer was logged under, while the store still keeps it (a reindex keeps the new
version and the previous live one); else the live version's snapshot; else the corpus
directory; else nothing. Each step down is said in one line, since the text may then differ
from what was served.

An embedded store that does not exist is not created, and an unreachable server, a missing
index or a damaged snapshot falls back to the directory with its reason: never a crash.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from index.corpus.article import Article, ArticleFormatError, parse_article
from index.corpus.files import ARTICLE_FILE
from index.search.snapshot import SnapshotDamaged, SnapshotMissing, read_snapshot, snapshot_info
from index.search.store import IndexUnavailable, make_client, read_pointer
from index.settings import Settings

log = logging.getLogger(__name__)

Kind = Literal["logged", "live", "corpus", "none"]
_VERSION = re.compile(r"-v(\d+)$")


@dataclass(frozen=True)
class ArticleSource:
    """An article to check quotes against; `note` is the one line that tells a moderator."""

    article: Article | None
    kind: Kind
    note: str
    collection: str | None = None  # the index version whose snapshot it is
    path: Path | None = None  # the article file, when read from the corpus directory

    @property
    def label(self) -> str:
        """Machine-readable: `logged:<collection>`, `live:<collection>`, `corpus:<path>`, `none`."""
        if self.kind in ("logged", "live"):
            return f"{self.kind}:{self.collection}"
        if self.kind == "corpus":
            return f"corpus:{self.path}"
        return "none"

    @property
    def where(self) -> str:
        """What the text was read from, for an error message."""
        if self.kind == "live":
            return f"the article of the live index {short(self.collection)} (its corpus snapshot)"
        if self.kind == "logged":
            return f"the article of index {short(self.collection)} (its corpus snapshot)"
        if self.kind == "corpus":
            return f"the article at {self.path}"
        return "no article"


def short(collection: str | None) -> str:
    """`explainer-all-minilm-l6-v2-v7` -> `v7` (the whole name when it ends in no version)."""
    match = _VERSION.search(collection or "")
    return f"v{match.group(1)}" if match else str(collection)


def logged_article(
    settings: Settings, index_version: str | None, *, client: Any | None = None
) -> ArticleSource:
    """The article the quotes of an answer logged under `index_version` refer to."""
    return _resolve(settings, index_version, client, for_log=True)


def served_article(settings: Settings, *, client: Any | None = None) -> ArticleSource:
    """The article the engine serves now (the live snapshot), for checking gold passages."""
    return _resolve(settings, None, client, for_log=False)


def _resolve(
    settings: Settings, logged: str | None, client: Any | None, *, for_log: bool
) -> ArticleSource:
    why = ""  # why no snapshot is used, said with the corpus-directory fallback
    try:
        client = client if client is not None else _open(settings)
        if client is None:
            why = f"there is no index at {settings.chroma_dir}"
        else:
            pointer = read_pointer(client)
            live = pointer.collection if pointer else None
            gone = ""
            if logged is not None and logged != live:
                article, gone = _snapshot_article(client, logged, None)
                if article is not None:
                    return ArticleSource(article, "logged", _logged_note(logged), logged)
                gone = f"the snapshot of {short(logged)} {gone}"
            if pointer is None or live is None:
                why = "there is no live index"
            else:
                article, problem = _snapshot_article(client, live, pointer.corpus_sha256)
                if article is not None:
                    return _live(article, live, logged, gone, for_log)
                why = f"the live index {short(live)}"
                why += (
                    " has no corpus snapshot" if problem == "is gone" else f"'s snapshot {problem}"
                )
            why = f"{gone} and {why}" if gone else why
    except IndexUnavailable as exc:
        why = f"the index store cannot be read ({_line(exc)})"
    except Exception as exc:  # a moderator's view opens whatever the store does
        log.debug("reading the corpus snapshot failed", exc_info=True)
        why = f"the index store cannot be read ({_line(exc)})"
    return _directory(settings, why, "was served" if for_log else "is served")


def _open(settings: Settings) -> Any | None:
    """A client on the store, or None when the embedded store does not exist (not created)."""
    if not settings.chroma_host and not settings.chroma_dir.is_dir():
        return None
    return make_client(settings)


def _live(
    article: Article, live: str, logged: str | None, gone: str, for_log: bool
) -> ArticleSource:
    v = short(live)
    if not for_log:
        return ArticleSource(article, "live", f"article: the live index {v} (what is served)", live)
    if logged == live:
        return ArticleSource(article, "logged", _logged_note(live), live)
    why = gone or "this answer was logged without an index version"
    note = f"article: the live index {v} — {why}; quotes are checked against {v}'s text"
    return ArticleSource(article, "live", note, live)


def _logged_note(collection: str) -> str:
    return f"article: snapshot of {short(collection)} (the version this answer was logged under)"


def _snapshot_article(
    client: Any, collection: str, expected: str | None
) -> tuple[Article | None, str]:
    """The article of a version's snapshot, or None and what is wrong with the snapshot.

    `expected`: the corpus hash the pointer recorded; None for a version no longer live, whose
    snapshot is then checked against its own record."""
    if expected is None:
        info = snapshot_info(client, collection)
        if info is None:
            return None, "is gone"
        expected = info.corpus_sha256
    try:
        files = read_snapshot(client, collection, expected)
    except SnapshotMissing:
        return None, "is gone"
    except SnapshotDamaged:
        return None, "is damaged"
    if ARTICLE_FILE not in files:
        return None, "holds no article"
    try:
        return parse_article(files[ARTICLE_FILE]), ""
    except ArticleFormatError:
        return None, "holds an article that does not parse"


def _directory(settings: Settings, why: str, served: str) -> ArticleSource:
    path = settings.corpus_dir / ARTICLE_FILE
    try:
        article = parse_article(path.read_text(encoding="utf-8"))
    except (OSError, ArticleFormatError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else _line(exc)
        note = f"article: none — {why}, and {path} cannot be read ({reason})"
        return ArticleSource(None, "none", note)
    note = f"article: the corpus directory {path} — {why}; it may differ from what {served}"
    return ArticleSource(article, "corpus", note, path=path)


def _line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
