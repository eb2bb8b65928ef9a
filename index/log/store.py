"""The answer log: one SQLite file (WAL) holding every answer, its feedback and its verdicts."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from index.answer.records import LogRecord
from index.log import query
from index.log.query import (
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
    "AnswerSummary",
    "LogFilter",
    "UnknownAnswer",
]


class AnswerLogError(RuntimeError):
    """The answer log could not be read or written."""


class AnswerLogMissing(AnswerLogError, FileNotFoundError):
    """No answer log exists yet at the path (nothing has been answered with this data dir)."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"no answers logged yet: there is no answer log at {path}")
        self.path = path


class UnknownAnswer(AnswerLogError, KeyError):
    """No answer with this id is in the log."""

    def __init__(self, answer_id: str) -> None:
        super().__init__(f"no answer with id {answer_id!r} in the answer log")
        self.answer_id = answer_id

    def __str__(self) -> str:  # KeyError would print the repr of the message
        return str(self.args[0])


class AnswerLog:
    """The answer log. Safe to share between threads: each thread gets its own connection."""

    def __init__(
        self,
        path: Path | str,
        *,
        create: bool = True,
        busy_timeout_ms: int = 5000,
        retries: int = 4,
        retry_backoff_s: float = 0.05,
    ) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise AnswerLogMissing(self.path)
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._busy_timeout_ms = busy_timeout_ms
        self._retries = retries
        self._backoff = retry_backoff_s
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._closed = False
        applied = self._retry(lambda: migrate(self._conn()))
        if applied:
            log.info("answer log %s: applied migrations %s", self.path, ", ".join(applied))

    # -- connections and transactions ---------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        if self._closed:
            raise AnswerLogError("the answer log is closed")
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # Autocommit mode: every transaction below is begun and ended explicitly.
            conn = sqlite3.connect(
                self.path,
                timeout=self._busy_timeout_ms / 1000,
                isolation_level=None,
                check_same_thread=False,  # only so close() may close it from another thread
            )
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._local.conn = conn
            with self._connections_lock:
                self._connections.append(conn)
        return conn

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
            except sqlite3.OperationalError as exc:
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or attempt == self._retries:
                    raise AnswerLogError(f"answer log {self.path}: {exc}") from exc
                log.warning("answer log busy (%s); retry %d", exc, attempt + 1)
                time.sleep(self._backoff * 2**attempt)
            except sqlite3.Error as exc:
                raise AnswerLogError(f"answer log {self.path}: {exc}") from exc
        raise AssertionError("unreachable")

    def _write(self, action: Callable[[sqlite3.Connection], T]) -> T:
        def attempt() -> T:
            with self._transaction(write=True) as conn:
                return action(conn)

        return self._retry(attempt)

    def _read(self, action: Callable[[sqlite3.Connection], T]) -> T:
        def attempt() -> T:
            # One read transaction: every query sees the same snapshot.
            with self._transaction(write=False) as conn:
                return action(conn)

        return self._retry(attempt)

    # -- writing ------------------------------------------------------------------------------

    def write(self, record: LogRecord, *, at: datetime | None = None) -> None:
        """Store one answer with its quotes, background and candidates, in one transaction."""
        answer, context, rejected = record.answer, record.context, record.rejected_answer
        # "Verification failed" covers the answer that was withheld, not only the one sent.
        failures = list(answer.verification.failures)
        passed = answer.verification.passed
        if rejected is not None:
            failures = list(rejected.verification.failures) + failures
            passed = False
        answer_row = (
            answer.id,
            iso(at or datetime.now(UTC)),
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
    ) -> None:
        """A reviewer's verdict; every verdict is kept, the latest is the answer's verdict."""
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
        now = iso(datetime.now(UTC))

        def insert(db: sqlite3.Connection) -> None:
            self._require(db, answer_id)
            db.execute(
                "INSERT INTO verdicts (answer_id, verdict, note, reviewer, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (answer_id, verdict, note or None, reviewer or None, now),
            )

        self._write(insert)

    # -- reading ------------------------------------------------------------------------------

    def list_answers(self, flt: LogFilter | None = None) -> list[AnswerSummary]:
        """Answers matching the filter, newest first."""
        return self._read(lambda db: query.list_answers(db, flt or LogFilter()))

    def count(self, flt: LogFilter | None = None) -> int:
        return self._read(lambda db: query.count_answers(db, flt or LogFilter(limit=None)))

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
    ) -> Stats:
        rows = self._read(lambda db: stats_rows(db, LogFilter(since=since, until=until)))
        return summarize(rows, embed=embed)

    # -- maintenance --------------------------------------------------------------------------

    def backup(self, target: Path | str) -> Path:
        """A consistent copy of the log at `target` (which must not exist yet), via VACUUM INTO."""
        target = Path(target)
        if target.exists():
            raise AnswerLogError(f"{target} already exists; choose a new file for the backup")
        target.parent.mkdir(parents=True, exist_ok=True)
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
        with self._connections_lock:
            self._closed = True
            for conn in self._connections:
                conn.close()
            self._connections.clear()

    def __enter__(self) -> AnswerLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
