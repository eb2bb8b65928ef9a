"""The answer log: one SQLite file (WAL) holding every answer, its feedback and its verdicts."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from index.answer.contract import LABELS, STATUSES
from index.answer.records import LogRecord
from index.log import query
from index.log.query import (
    MIN_ID_PREFIX,
    RATINGS,
    VERDICTS,
    AnswerDetail,
    AnswerSummary,
    LogFilter,
    Rating,
    VerdictName,
    iso,
)
from index.log.schema import migrate
from index.log.stats import Embed, Stats, stats_rows, summarize

log = logging.getLogger(__name__)
T = TypeVar("T")

__all__ = [
    "AnswerDetail",
    "AnswerLog",
    "AnswerLogError",
    "AnswerLogMissing",
    "AnswerLogUnavailable",
    "AnswerSummary",
    "LogFilter",
    "LogHealth",
    "UnknownAnswer",
    "check_gold",
]


def check_gold(gold: Sequence[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Reviewed gold passages as stored: [{"text": non-empty, "labels": [known labels]}]."""
    checked = []
    for item in gold or []:
        text = " ".join(str(item.get("text", "")).split())
        if not text:
            raise ValueError("a gold passage needs its text")
        labels = [str(label) for label in item.get("labels") or []]
        unknown = [label for label in labels if label not in LABELS]
        if unknown:
            raise ValueError(f"unknown label {unknown[0]!r}; use one of: {', '.join(LABELS)}")
        checked.append({"text": text, "labels": labels})
    return checked


class AnswerLogError(RuntimeError):
    """The answer log could not be read or written."""


class AnswerLogUnavailable(AnswerLogError):
    """The log cannot be opened or written now: a missing directory, an unreadable, corrupt or
    locked file. Writes are held and retried; reads fail with this error."""


class AnswerLogMissing(AnswerLogUnavailable, FileNotFoundError):
    """No answer log exists yet at the path (nothing has been answered with this data dir)."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"no answers logged yet: there is no answer log at {path}")
        self.path = path


class UnknownAnswer(AnswerLogError, KeyError):
    """No answer with this id is in the log."""

    def __init__(self, answer_id: str, message: str | None = None) -> None:
        super().__init__(message or f"no answer with id {answer_id!r} in the answer log")
        self.answer_id = answer_id

    def __str__(self) -> str:  # KeyError would print the repr of the message
        return str(self.args[0])


@dataclass(frozen=True)
class LogHealth:
    """How the log is doing in this process."""

    path: Path
    failing: str | None  # why the log cannot be written now (None: it can)
    held: int  # answers kept in memory until the log can be written
    lost: int  # answers dropped (too many held) and not yet recorded in the log as unwritten


class AnswerLog:
    """The answer log. Safe to share between threads: each thread gets its own connection.

    Writing an answer never raises because the log is unavailable: the answer is held in memory
    (up to `max_held`) and written when the log can be written again; the first failure is
    logged once. Every operation checks the file's identity (device, inode) and reopens the log
    when the file was deleted or replaced. With `create=False` (the readers) a missing or
    unreadable log raises at once.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        create: bool = True,
        busy_timeout_ms: int = 5000,
        retries: int = 4,
        retry_backoff_s: float = 0.05,
        max_held: int = 500,
        reopen_interval_s: float = 2.0,
    ) -> None:
        self.path = Path(path)
        self._create = create
        self._busy_timeout_ms = busy_timeout_ms
        self._retries = retries
        self._backoff = retry_backoff_s
        self._max_held = max_held
        self._reopen_interval = reopen_interval_s
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._state_lock = threading.RLock()
        self._write_lock = threading.Lock()
        self._closed = False
        self._generation = 0
        self._identity: tuple[int, int] | None = None
        self._held: deque[tuple[LogRecord, datetime]] = deque()
        self._lost = 0
        self._failing: str | None = None
        self._next_try = 0.0
        if not create:
            if not self.path.exists():
                raise AnswerLogMissing(self.path)
            self._ensure()
            return
        try:
            self._ensure()
        except AnswerLogError as exc:  # never stops the caller: writes are held and retried
            self._note_failure(exc)

    # -- opening, reopening -------------------------------------------------------------------

    def _stat(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise AnswerLogUnavailable(f"answer log {self.path}: {exc}") from exc
        return (st.st_dev, st.st_ino)

    def _ensure(self) -> None:
        """Open the log if it is not open, or reopen it if its file was deleted or replaced."""
        if self._closed:
            raise AnswerLogError("the answer log is closed")
        identity = self._stat()
        if identity is not None and identity == self._identity:
            return
        with self._state_lock:
            if identity is not None and identity == self._identity:
                return
            if self._identity is not None:
                what = "deleted" if identity is None else "replaced"
                log.warning("answer log %s was %s; reopening it", self.path, what)
            self._identity = None
            self._generation += 1  # every thread's connection to the old file is dropped
            if identity is None and not self._create:
                raise AnswerLogMissing(self.path)
            if self._create:
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise AnswerLogUnavailable(f"answer log {self.path}: {exc}") from exc
            applied = self._retry(lambda: migrate(self._conn()))
            if applied:
                log.info("answer log %s: applied migrations %s", self.path, ", ".join(applied))
            self._identity = self._stat()

    # -- connections and transactions ---------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        if self._closed:
            raise AnswerLogError("the answer log is closed")
        entry: tuple[sqlite3.Connection, int] | None = getattr(self._local, "conn", None)
        if entry is not None:
            if entry[1] == self._generation:
                return entry[0]
            self._discard(entry[0])
            self._local.conn = None
        # Autocommit mode: every transaction below is begun and ended explicitly.
        conn = sqlite3.connect(
            self.path,
            timeout=self._busy_timeout_ms / 1000,
            isolation_level=None,
            check_same_thread=False,  # only so close() may close it from another thread
        )
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            conn.close()
            raise
        self._local.conn = (conn, self._generation)
        with self._connections_lock:
            self._connections.append(conn)
        return conn

    def _discard(self, conn: sqlite3.Connection) -> None:
        with self._connections_lock:
            if conn in self._connections:
                self._connections.remove(conn)
        with suppress(sqlite3.Error):
            conn.close()

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        # IMMEDIATE takes the write lock up front, so a busy database waits here, not mid-write.
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _retry(self, action: Callable[[], T]) -> T:
        for attempt in range(self._retries + 1):
            try:
                return action()
            except sqlite3.IntegrityError as exc:  # this record is refused; retrying won't help
                raise AnswerLogError(f"answer log {self.path}: {exc}") from exc
            except sqlite3.OperationalError as exc:
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or attempt == self._retries:
                    raise AnswerLogUnavailable(f"answer log {self.path}: {exc}") from exc
                log.warning("answer log busy (%s); retry %d", exc, attempt + 1)
                time.sleep(self._backoff * 2**attempt)
            except (sqlite3.ProgrammingError, sqlite3.InterfaceError) as exc:
                raise AnswerLogError(f"answer log {self.path}: {exc}") from exc
            except sqlite3.DatabaseError as exc:  # not a database, malformed, I/O
                raise AnswerLogUnavailable(f"answer log {self.path}: {exc}") from exc
            except sqlite3.Error as exc:
                raise AnswerLogError(f"answer log {self.path}: {exc}") from exc
            except OSError as exc:
                raise AnswerLogUnavailable(f"answer log {self.path}: {exc}") from exc
        raise AssertionError("unreachable")

    def _write(self, action: Callable[[sqlite3.Connection], T]) -> T:
        def attempt() -> T:
            with self._transaction(write=True) as conn:
                return action(conn)

        self._ensure()
        return self._retry(attempt)

    def _read(self, action: Callable[[sqlite3.Connection], T]) -> T:
        def attempt() -> T:
            # One read transaction: every query sees the same snapshot.
            with self._transaction(write=False) as conn:
                return action(conn)

        self._ensure()
        return self._retry(attempt)

    # -- holding answers while the log cannot be written --------------------------------------

    def health(self) -> LogHealth:
        return LogHealth(self.path, self._failing, len(self._held), self._lost)

    def _note_failure(self, exc: Exception) -> None:
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
                    self._insert(held, at)
                    written += 1
                except AnswerLogUnavailable:
                    raise
                except AnswerLogError as exc:
                    log.error("answer %s could not be written to the log: %s", held.answer.id, exc)
                    self._lost += 1
                self._held.popleft()
            if self._lost:
                self._record_unwritten(self._lost, self._failing)
                self._lost = 0
        except AnswerLogUnavailable as exc:
            self._note_failure(exc)
            return None
        return written

    def _recovered(self, written: int) -> None:
        if self._failing is not None:
            log.warning(
                "answer log %s can be written again (%d held answer(s) written)",
                self.path,
                written,
            )
            self._failing = None

    def _record_unwritten(self, count: int, reason: str | None) -> None:
        self._write(
            lambda db: db.execute(
                "INSERT INTO unwritten (created_at, count, reason) VALUES (?, ?, ?)",
                (iso(datetime.now(UTC)), count, reason),
            )
        )

    # -- writing ------------------------------------------------------------------------------

    def write(self, record: LogRecord, *, at: datetime | None = None) -> bool:
        """Store one answer with its quotes, background and candidates, in one transaction.

        Returns False when the log cannot be written now: the answer is held and written later
        (see the class). Raises `AnswerLogError` only for a record the log refuses (a duplicate
        id) or a closed log; such a record is counted as unwritten.
        """
        at = at or datetime.now(UTC)
        with self._write_lock:
            if self._closed:
                raise AnswerLogError("the answer log is closed")
            written = 0
            if self._held or self._failing is not None:
                drained = self._drain()
                if drained is None:
                    self._hold(record, at)
                    return False
                written = drained
            try:
                self._insert(record, at)
            except AnswerLogUnavailable as exc:
                self._note_failure(exc)
                self._hold(record, at)
                return False
            except AnswerLogError as exc:
                try:
                    self._record_unwritten(1, str(exc))
                except AnswerLogError:
                    self._lost += 1
                raise
            self._recovered(written)
            return True

    def _insert(self, record: LogRecord, at: datetime) -> None:
        answer, context, rejected = record.answer, record.context, record.rejected_answer
        carried = record.carried
        # "Verification failed" covers the answer that was withheld, not only the one sent.
        failures = list(answer.verification.failures)
        passed = answer.verification.passed
        if rejected is not None:
            failures = list(rejected.verification.failures) + failures
            passed = False
        answer_row = (
            answer.id,
            iso(at),
            answer.question,
            answer.status,
            answer.mode,
            answer.rendered,
            answer.summary,
            answer.notice,
            answer.model_dump_json(),
            int(passed),
            json.dumps(failures),
            json.dumps(answer.timings_ms),
            answer.timings_ms.get("total"),
            record.index_version,
            record.embedding_model,
            record.template_hash,
            context.source,
            context.guild_id,
            context.channel_id,
            context.user_hash,
            record.fault,
            rejected.model_dump_json() if rejected is not None else None,
            # m005_conversations
            int(context.private),
            record.language,
            carried.previous_answer_id if carried is not None else None,
            carried.topic if carried is not None else None,
            json.dumps(carried.claim_ids) if carried is not None else None,
            json.dumps(carried.fact_ids) if carried is not None else None,
        )

        def insert(db: sqlite3.Connection) -> None:
            db.execute(
                f"INSERT INTO answers VALUES ({', '.join('?' * len(answer_row))})", answer_row
            )
            db.executemany(
                "INSERT INTO quotes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        answer.id,
                        i,
                        q.text,
                        q.start,
                        q.end,
                        q.label,
                        q.labelled_by,
                        json.dumps(q.claim_ids),
                        q.note,
                        q.paragraph,
                        json.dumps(q.sentence_ids),
                    )
                    for i, q in enumerate(answer.quotes)
                ],
            )
            db.executemany(
                "INSERT INTO background VALUES (?, ?, ?, ?, ?)",
                [
                    (
                        answer.id,
                        i,
                        b.fact_id,
                        b.text,
                        json.dumps([s.model_dump() for s in b.sources]),
                    )
                    for i, b in enumerate(answer.background)
                ],
            )
            db.executemany(
                "INSERT INTO candidates VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (answer.id, c.kind, c.id, c.rank, c.fused, c.dense, c.bm25)
                    for c in record.candidates
                ],
            )
            db.execute(
                "INSERT INTO answers_fts (answer_id, question, rendered) VALUES (?, ?, ?)",
                (answer.id, answer.question, answer.rendered),
            )

        self._write(insert)

    def _require(self, db: sqlite3.Connection, answer_id: str) -> None:
        if db.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone() is None:
            raise UnknownAnswer(answer_id)

    def record_feedback(
        self, answer_id: str, user_hash: str, rating: Rating, reason: str | None = None
    ) -> None:
        """A user's 👍/👎 on an answer; their later click replaces the earlier one."""
        if rating not in RATINGS:
            raise ValueError(f"rating must be one of {RATINGS}, not {rating!r}")
        now = iso(datetime.now(UTC))

        def upsert(db: sqlite3.Connection) -> None:
            self._require(db, answer_id)
            db.execute(
                "INSERT INTO feedback"
                " (answer_id, user_hash, rating, reason, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (answer_id, user_hash) DO UPDATE SET"
                " rating = excluded.rating, reason = excluded.reason,"
                " updated_at = excluded.updated_at",
                (answer_id, user_hash, rating, reason, now, now),
            )

        self._write(upsert)

    def record_verdict(
        self,
        answer_id: str,
        verdict: VerdictName,
        note: str | None = None,
        reviewer: str | None = None,
        *,
        gold: Sequence[dict[str, Any]] | None = None,
        expected_status: str | None = None,
    ) -> None:
        """A reviewer's verdict; every verdict is kept, the latest is the answer's verdict.

        `gold` (passages a good answer quotes: {"text", "labels"}) and `expected_status` are the
        reviewer's fix; only answers so fixed (or judged correct) become evaluation cases.
        """
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
        if expected_status is not None and expected_status not in STATUSES:
            raise ValueError(
                f"expected status must be one of {', '.join(STATUSES)}, not {expected_status!r}"
            )
        gold_json = json.dumps(check_gold(gold), ensure_ascii=False) if gold else None
        now = iso(datetime.now(UTC))

        def insert(db: sqlite3.Connection) -> None:
            self._require(db, answer_id)
            db.execute(
                "INSERT INTO verdicts (answer_id, verdict, note, reviewer, created_at,"
                " gold_json, expected_status) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (answer_id, verdict, note or None, reviewer or None, now, gold_json,
                 expected_status),
            )  # fmt: skip

        self._write(insert)

    # -- reading ------------------------------------------------------------------------------

    def list_answers(self, flt: LogFilter | None = None) -> list[AnswerSummary]:
        """Answers matching the filter, newest first."""
        return self._read(lambda db: query.list_answers(db, flt or LogFilter()))

    def count(self, flt: LogFilter | None = None) -> int:
        return self._read(lambda db: query.count_answers(db, flt or LogFilter(limit=None)))

    def resolve_id(self, answer_id: str) -> str:
        """The full id for an id or a unique prefix of at least 6 characters."""
        matches = self._read(lambda db: query.ids_with_prefix(db, answer_id))
        if matches == [answer_id]:
            return answer_id
        if len(answer_id) < MIN_ID_PREFIX or not matches:
            hint = ""
            if len(answer_id) < MIN_ID_PREFIX:
                hint = f" (an id prefix needs at least {MIN_ID_PREFIX} characters)"
            message = f"no answer with id {answer_id!r} in the answer log{hint}"
            raise UnknownAnswer(answer_id, message)
        if len(matches) > 1:
            raise UnknownAnswer(
                answer_id,
                f"{answer_id!r} is the start of several ids ({', '.join(matches)}"
                f"{', …' if len(matches) >= 5 else ''}); give more characters",
            )
        return matches[0]

    def unwritten(self, since: datetime | None = None) -> tuple[int, str | None, str | None]:
        """Answers recorded as never written: (count, latest time, latest reason)."""
        return self._read(lambda db: query.unwritten_total(db, LogFilter(since=since)))

    def get(self, answer_id: str) -> AnswerDetail:
        """One answer with everything logged about it; `UnknownAnswer` if there is none."""
        detail = self._read(lambda db: query.get_answer(db, answer_id))
        if detail is None:
            raise UnknownAnswer(answer_id)
        return detail

    def export_rows(self, flt: LogFilter | None = None) -> list[dict]:
        """Flat rows for JSONL/CSV export, oldest first."""
        return self._read(lambda db: query.export_rows(db, flt or LogFilter(limit=None)))

    def stats(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        *,
        embed: Embed | None = None,
        source: str | None = None,
    ) -> Stats:
        flt = LogFilter(since=since, until=until, source=source)
        rows = self._read(lambda db: stats_rows(db, flt))
        return summarize(rows, embed=embed)

    # -- maintenance --------------------------------------------------------------------------

    def backup(self, target: Path | str) -> Path:
        """A consistent copy of the log at `target` (which must not exist yet), via VACUUM INTO."""
        target = Path(target)
        if target.exists():
            raise AnswerLogError(f"{target} already exists; choose a new file for the backup")
        target.parent.mkdir(parents=True, exist_ok=True)
        self._ensure()
        self._retry(lambda: self._conn().execute("VACUUM INTO ?", (str(target),)))
        return target

    def prune(self, older_than_days: float, *, now: datetime | None = None) -> int:
        """Delete answers (and everything attached) logged more than N days ago; return how many."""
        if older_than_days < 0:
            raise ValueError("older_than_days must not be negative")
        cutoff = iso((now or datetime.now(UTC)) - timedelta(days=older_than_days))

        def delete(db: sqlite3.Connection) -> int:
            db.execute(
                "DELETE FROM answers_fts WHERE answer_id IN"
                " (SELECT id FROM answers WHERE created_at < ?)",
                (cutoff,),
            )
            # Quotes, background, candidates, feedback and verdicts go by ON DELETE CASCADE.
            return db.execute("DELETE FROM answers WHERE created_at < ?", (cutoff,)).rowcount

        return self._write(delete)

    def close(self) -> None:
        """Write what is held if the log can be written; say how many answers never were."""
        with self._write_lock:
            if not self._closed and (self._held or self._lost):
                self._drain(force=True)
                left = len(self._held) + self._lost
                if left:
                    log.error(
                        "answer log %s: %d answer(s) could not be written (%s)",
                        self.path,
                        left,
                        self._failing,
                    )
                self._held.clear()
                self._lost = 0
        with self._connections_lock:
            self._closed = True
            for conn in self._connections:
                conn.close()
            self._connections.clear()

    def __enter__(self) -> AnswerLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
