"""Writing answers to the log without ever stopping the caller: while the log cannot be written,
answers are held in memory and written later; those that never are get counted in the log."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from index.answer.records import LogRecord
from index.log.database import LogDatabase
from index.log.errors import AnswerLogError, AnswerLogUnavailable
from index.log.rows import insert_record
from index.log.when import iso

log = logging.getLogger("index.log.store")  # the answer log's one logger (the CLI prints it)


@dataclass(frozen=True)
class LogHealth:
    """How the log is doing in this process."""

    path: Path
    failing: str | None  # why the log cannot be written now (None: it can)
    held: int  # answers kept in memory until the log can be written
    lost: int  # answers dropped (too many held) and not yet recorded in the log as unwritten


class HeldWriter:
    """The log's writer: holds answers (up to `max_held`) while the log cannot be written, and
    tries again at most every `reopen_interval_s`; the first failure is logged once."""

    def __init__(self, database: LogDatabase, *, max_held: int, reopen_interval_s: float) -> None:
        self._db = database
        self._max_held = max_held
        self._reopen_interval = reopen_interval_s
        self._write_lock = threading.Lock()
        self._held: deque[tuple[LogRecord, datetime]] = deque()
        self._lost = 0
        self._failing: str | None = None
        self._next_try = 0.0

    # -- holding answers while the log cannot be written --------------------------------------

    def health(self) -> LogHealth:
        return LogHealth(self._db.path, self._failing, len(self._held), self._lost)

    def note_failure(self, exc: Exception) -> None:
        self._next_try = time.monotonic() + self._reopen_interval
        if self._failing is None:
            self._failing = str(exc)
            log.error(
                "%s — answers are still sent; up to %d are kept in memory and written when the "
                "log can be written again",
                exc,
                self._max_held,
            )
        else:
            log.debug("answer log still unavailable: %s", exc)

    def _hold(self, record: LogRecord, at: datetime) -> None:
        if len(self._held) >= self._max_held:
            self._held.popleft()
            self._lost += 1
        self._held.append((record, at))

    def _drain(self, *, force: bool = False) -> int | None:
        """Write the held answers; how many, or None when the log still cannot be written."""
        if self._failing is not None and not force and time.monotonic() < self._next_try:
            return None
        written = 0
        try:
            while self._held:
                held, at = self._held[0]
                try:
                    insert_record(self._db, held, at)
                    written += 1
                except AnswerLogUnavailable:
                    raise
                except AnswerLogError as exc:
                    log.error("answer %s could not be written to the log: %s", held.answer.id, exc)
                    self._lost += 1
                self._held.popleft()
            if self._lost:
                self.record_unwritten(self._lost, self._failing)
                self._lost = 0
        except AnswerLogUnavailable as exc:
            self.note_failure(exc)
            return None
        return written

    def _recovered(self, written: int) -> None:
        if self._failing is not None:
            log.warning(
                "answer log %s can be written again (%d held answer(s) written)",
                self._db.path,
                written,
            )
            self._failing = None

    def record_unwritten(self, count: int, reason: str | None) -> None:
        self._db.write(
            lambda db: db.execute(
                "INSERT INTO unwritten (created_at, count, reason) VALUES (?, ?, ?)",
                (iso(datetime.now(UTC)), count, reason),
            )
        )

    # -- writing ------------------------------------------------------------------------------

    def write(self, record: LogRecord, *, at: datetime | None = None) -> bool:
        """Store one answer, or hold it; see `AnswerLog.write`."""
        at = at or datetime.now(UTC)
        with self._write_lock:
            if self._db.closed:
                raise AnswerLogError("the answer log is closed")
            written = 0
            if self._held or self._failing is not None:
                drained = self._drain()
                if drained is None:
                    self._hold(record, at)
                    return False
                written = drained
            try:
                insert_record(self._db, record, at)
            except AnswerLogUnavailable as exc:
                self.note_failure(exc)
                self._hold(record, at)
                return False
            except AnswerLogError as exc:
                try:
                    self.record_unwritten(1, str(exc))
                except AnswerLogError:
                    self._lost += 1
                raise
            self._recovered(written)
            return True

    def close(self) -> None:
        """Write what is held if the log can be written; say how many answers never were."""
        with self._write_lock:
            if not self._db.closed and (self._held or self._lost):
                self._drain(force=True)
                left = len(self._held) + self._lost
                if left:
                    log.error(
                        "answer log %s: %d answer(s) could not be written (%s)",
                        self._db.path,
                        left,
                        self._failing,
                    )
                self._held.clear()
                self._lost = 0
