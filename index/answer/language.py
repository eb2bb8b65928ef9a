"""Which language a question is in, among those `prompts/` has texts for (a kept library).

`py3langid` (langid.py's model, shipped inside the package) ranks the languages by their
character n-grams. Names are no evidence of a language (a string of Spanish names reads as
Spanish, whatever the question around it), so the corpus's names are taken out first; a
question with too few words left, or one the model is unsure of, has no language of its own
and keeps the fallback (the conversation's language, else English).

The model ships LZMA-compressed (4.5 MB); decompressing it costs the first question of a process
about 0.7 s. Given a cache directory (the data directory), the model restricted to the supported
languages is kept there uncompressed (written atomically, keyed by the library's version and the
languages; a damaged file is rebuilt) and later processes read it in a few hundredths of a second.
Its tokenizer's transition table (39 MB, of which a question reads a few hundred entries) is a
file of its own, memory-mapped rather than read: reading it cost every process ~40 MB of memory
and ~60 MB at its peak.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from array import array
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from index.search.text import fold
from index.texts import DEFAULT_LANGUAGE, available_languages

# The model's normalized probability a language must reach; below it the fallback stands.
MIN_PROBABILITY = 0.9
# Fewer words than this (after names) say too little to tell two languages apart.
MIN_WORDS = 2
# Bumped when the kept files change shape (2: the transition table in a file of its own).
CACHE_FORMAT = 2
_WORD = re.compile(r"[^\W\d_]+")
_LOCK = threading.Lock()
log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def _identifier(languages: tuple[str, ...], cache_dir: Path | None = None) -> Any:
    path = _cache_file(languages, cache_dir)
    identifier = _cached(path) if path is not None else None
    if identifier is None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        identifier.set_languages(list(languages))
        if path is not None:
            _store(path, identifier)
    return identifier


def _cache_file(languages: tuple[str, ...], cache_dir: Path | None) -> Path | None:
    if cache_dir is None:
        return None
    key = f"{version('py3langid')}\0{','.join(languages)}\0{CACHE_FORMAT}"
    return cache_dir / f"langid-{hashlib.sha256(key.encode()).hexdigest()[:20]}.npz"


def _table_file(path: Path) -> Path:
    """The transition table kept beside the model file `path` (`langid-KEY.nextmove.npy`)."""
    return path.with_suffix(".nextmove.npy")


def _cached(path: Path) -> Any | None:
    """The identifier kept at `path`, or None (absent, or not a whole model: rebuilt)."""
    table = _table_file(path)
    if not path.is_file() or not table.is_file():
        return None
    from py3langid.langid import LanguageIdentifier

    try:
        with np.load(path, allow_pickle=False) as data:
            mapped = np.load(table, mmap_mode="r", allow_pickle=False)
            typecode = str(data["nextmove_type"])
            if mapped.shape != (int(data["nextmove_size"]),) or mapped.dtype != np.dtype(typecode):
                raise ValueError(f"the table {table.name} does not match the model")
            # A memoryview reads the mapped pages as an array.array would, item by item.
            nextmove = memoryview(mapped)
            row = array(str(data["row_type"]), data["row"].tobytes())
            return LanguageIdentifier(
                data["ptc"],
                data["pc"],
                [str(c) for c in data["classes"]],
                nextmove,
                data["output"].tolist(),
                norm_probs=True,
                tk_row=row,
            )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring the language model in %s: %s", path, exc)
        return None


def _store(path: Path, identifier: Any) -> None:
    nextmove = identifier.tk_nextmove
    table = np.frombuffer(nextmove, dtype=np.dtype(nextmove.typecode))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # The table first: the model file, written last, says both are whole.
        _write(_table_file(path), lambda out: np.save(out, table, allow_pickle=False))
        _write(
            path,
            lambda out: np.savez(
                out,
                ptc=np.asarray(identifier.nb_ptc),
                pc=np.asarray(identifier.nb_pc),
                classes=np.array(identifier.nb_classes),
                nextmove_size=np.array(len(table)),
                nextmove_type=np.array(nextmove.typecode),
                row=np.frombuffer(identifier.tk_row, dtype=np.uint8),
                row_type=np.array(identifier.tk_row.typecode),
                output=np.asarray(identifier.tk_output),
            ),
        )
    except OSError as exc:  # a read-only data directory: decompress again next time
        log.warning("cannot keep the language model in %s: %s", path, exc)
        return
    # A model file without its table is of the first format, which read the whole table in.
    for stale in path.parent.glob("langid-*.npz"):
        if not _table_file(stale).exists():
            try:
                stale.unlink(missing_ok=True)
            except OSError as exc:  # left there, never read
                log.warning("cannot remove the old language model %s: %s", stale, exc)


def _write(path: Path, save: Callable[[BinaryIO], None]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as out:
        save(out)
    os.replace(tmp, path)  # a reader sees no file or the whole one


def detect_language(
    text: str,
    *,
    names: Iterable[str] = (),
    fallback: str | None = None,
    languages: tuple[str, ...] | None = None,
    cache_dir: Path | None = None,
) -> str:
    """The language of `text` (a code of `available_languages()`), or the fallback.

    `names`: folded words that are names (the article's); they are ignored. `cache_dir`: where
    the decompressed model is kept between processes.
    """
    supported = languages or available_languages()
    default = fallback if fallback in supported else DEFAULT_LANGUAGE
    if len(supported) < 2:
        return default
    skip = set(names)
    kept = [w for w in _WORD.findall(text) if fold(w) not in skip]
    if len(kept) < MIN_WORDS:
        return default
    with _LOCK:  # the identifier keeps no state per call, but its first load must happen once
        identifier = _identifier(tuple(supported), cache_dir)
    code, probability = identifier.classify(" ".join(kept))
    return str(code) if probability >= MIN_PROBABILITY and code in supported else default


def warm(cache_dir: Path | None = None) -> None:
    """Load the model now rather than on the first question."""
    supported = available_languages()
    if len(supported) > 1:
        with _LOCK:
            _identifier(tuple(supported), cache_dir)
