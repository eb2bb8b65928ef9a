"""Reading a corpus directory safely: only regular files inside it, within size limits, UTF-8.

What the loader reads, and what a snapshot stores, is exactly this set of files:
`article.md`, `claims.yaml`, `sources.yaml`, `calibration.yaml` and `background/*.md`. Anything
else in the directory (a README, an editor's backup, `background/notes.txt`) is never opened.
A symbolic link is followed only when it stays inside the corpus directory; a FIFO, a device or
a link to one is refused before it is opened (a FIFO would hang, `/dev/zero` would fill memory).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

ARTICLE_FILE = "article.md"
CLAIMS_FILE = "claims.yaml"
SOURCES_FILE = "sources.yaml"
CALIBRATION_FILE = "calibration.yaml"
OFF_TOPIC_FILE = "off_topic.yaml"
BACKGROUND_DIR = "background"
TOP_FILES = (ARTICLE_FILE, CLAIMS_FILE, SOURCES_FILE, CALIBRATION_FILE, OFF_TOPIC_FILE)

DEFAULT_MAX_FILE_BYTES = 1_000_000
DEFAULT_MAX_CORPUS_BYTES = 20_000_000


@dataclass(frozen=True)
class Limits:
    """Size limits: `EXPLAINER_MAX_CORPUS_FILE_BYTES` and `EXPLAINER_MAX_CORPUS_BYTES`."""

    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_corpus_bytes: int = DEFAULT_MAX_CORPUS_BYTES

    @classmethod
    def from_settings(cls, settings: object) -> Limits:
        return cls(
            int(getattr(settings, "max_corpus_file_bytes", DEFAULT_MAX_FILE_BYTES)),
            int(getattr(settings, "max_corpus_bytes", DEFAULT_MAX_CORPUS_BYTES)),
        )


def wanted_files(directory: Path) -> tuple[list[str], list[str]]:
    """The relative paths the loader reads (present or not), and `file:line` errors on the way."""
    errors: list[str] = []
    names = list(TOP_FILES)
    background = directory / BACKGROUND_DIR
    if os.path.lexists(background):
        problem = _outside_or_not(directory, background, want_dir=True)
        if problem:
            errors.append(f"{BACKGROUND_DIR}:1: {problem}")
        elif not background.is_dir():
            errors.append(f"{BACKGROUND_DIR}:1: not a directory; fact cards go in background/*.md")
        else:
            for entry in sorted(os.listdir(background)):
                # Dotfiles are editors' locks and backups (Emacs' `.#card.md` is a dangling link).
                if entry.endswith(".md") and not entry.startswith("."):
                    names.append(f"{BACKGROUND_DIR}/{entry}")
    return names, errors


def read_corpus_dir(
    directory: Path, limits: Limits | None = None
) -> tuple[dict[str, str], list[str]]:
    """`relative path -> text` for every corpus file present, and one error per refused file.

    Text is decoded as strict UTF-8 (a leading byte-order mark is dropped) with line endings
    normalized to `\\n`: the snapshot, the hashes and the loader all see this text.
    """
    limits = limits or Limits()
    directory = Path(directory)
    if not directory.is_dir():
        return {}, [f"{ARTICLE_FILE}:1: no corpus directory at {directory}"]
    names, errors = wanted_files(directory)
    files: dict[str, str] = {}
    total = 0
    for rel in names:
        path = directory / rel
        if not os.path.lexists(path):
            continue
        problem = _outside_or_not(directory, path, want_dir=False)
        if problem:
            errors.append(f"{rel}:1: {problem}")
            continue
        try:
            data = _read_regular(path, limits.max_file_bytes)
        except _Refused as exc:
            errors.append(f"{rel}:1: {exc}")
            continue
        except OSError as exc:
            errors.append(f"{rel}:1: cannot be read ({exc.strerror or exc})")
            continue
        total += len(data)
        if total > limits.max_corpus_bytes:
            errors.append(
                f"{rel}:1: with this file the corpus reaches {total} bytes, over the limit of "
                f"{limits.max_corpus_bytes} (EXPLAINER_MAX_CORPUS_BYTES)"
            )
            break
        text, problem = decode(data)
        if problem:
            errors.append(f"{rel}:{problem}")
            continue
        files[rel] = text
    return files, errors


def decode(data: bytes) -> tuple[str, str | None]:
    """The text, or `(\"\", \"line: what is wrong\")` when the bytes are not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return "", (
            f"{line}: not UTF-8 text (byte 0x{data[exc.start]:02x} at column {column}); "
            "save the file as UTF-8"
        )
    return text.removeprefix("\ufeff").replace("\r\n", "\n"), None


class _Refused(Exception):
    pass


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _outside_or_not(directory: Path, path: Path, *, want_dir: bool) -> str | None:
    """Why `path` may not be read (a link out of the corpus, a dangling link), or None."""
    if not path.is_symlink():
        return None
    root = directory.resolve()
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "a symbolic link to nothing (dangling or looping)"
    if target != root and root not in target.parents:
        return (
            f"a symbolic link out of the corpus directory (to {target}); copy the "
            f"{'directory' if want_dir else 'file'} in instead"
        )
    return None


def _read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes`; anything else raises `_Refused`."""
    before = os.stat(path)
    if not stat.S_ISREG(before.st_mode):
        raise _Refused(f"{_kind(before.st_mode)}, not a file the corpus can hold")
    if before.st_size > max_bytes:
        raise _Refused(_too_big(before.st_size, max_bytes))
    # O_NONBLOCK: should the file be swapped for a FIFO after the check, opening does not hang.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise _Refused(f"{_kind(opened.st_mode)}, not a file the corpus can hold")
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise _Refused(_too_big(None, max_bytes))
        return b"".join(chunks)
    finally:
        os.close(fd)


def _too_big(size: int | None, limit: int) -> str:
    what = f"{size} bytes" if size is not None else f"more than {limit} bytes"
    return f"{what}, over the limit of {limit} per file (EXPLAINER_MAX_CORPUS_FILE_BYTES)"
