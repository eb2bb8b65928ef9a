"""The answer log: one SQLite file (WAL) holding every answer, its feedback and its verdicts.

`AnswerLog` is the one class other code uses; its parts are the file and its connections
(database.py), the writer that holds answers while the log cannot be written (writer.py, with the
rows an answer becomes in rows.py), feedback and verdicts (feedback.py), backup and pruning
(maintenance.py), and the queries (query.py, stats.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from index.answer.records import LogRecord
from index.log import feedback, maintenance, query
from index.log.database import LogDatabase
from index.log.errors import AnswerLogError, AnswerLogMissing, AnswerLogUnavailable, UnknownAnswer
from index.log.feedback import check_gold
from index.log.query import (
    MIN_ID_PREFIX,
    AnswerDetail,
    AnswerSummary,
    LogFilter,
    Rating,
    VerdictName,
)
from index.log.stats import Embed, Stats, stats_rows, summarize
from index.log.writer import HeldWriter, LogHealth

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
        self._db = LogDatabase(
            self.path,
            create=create,
            busy_timeout_ms=busy_timeout_ms,
            retries=retries,
            retry_backoff_s=retry_backoff_s,
        )
        self._writer = HeldWriter(self._db, max_held=max_held, reopen_interval_s=reopen_interval_s)
        if not create:
            if not self.path.exists():
                raise AnswerLogMissing(self.path)
            self._db.ensure()
            return
        try:
            self._db.ensure()
        except AnswerLogError as exc:  # never stops the caller: writes are held and retried
            self._writer.note_failure(exc)

    # -- holding answers while the log cannot be written --------------------------------------

    def health(self) -> LogHealth:
        return self._writer.health()

    def _record_unwritten(self, count: int, reason: str | None) -> None:
        self._writer.record_unwritten(count, reason)

    # -- writing ------------------------------------------------------------------------------

    def write(self, record: LogRecord, *, at: datetime | None = None) -> bool:
        """Store one answer with its quotes, background and candidates, in one transaction.

        Returns False when the log cannot be written now: the answer is held and written later
        (see the class). Raises `AnswerLogError` only for a record the log refuses (a duplicate
        id) or a closed log; such a record is counted as unwritten.
        """
        return self._writer.write(record, at=at)

    def record_feedback(
        self, answer_id: str, user_hash: str, rating: Rating, reason: str | None = None
    ) -> None:
        """A user's 👍/👎 on an answer; their later click replaces the earlier one."""
        feedback.record_feedback(self._db, answer_id, user_hash, rating, reason)

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
        feedback.record_verdict(
            self._db,
            answer_id,
            verdict,
            note,
            reviewer,
            gold=gold,
            expected_status=expected_status,
        )

    # -- reading ------------------------------------------------------------------------------

    def list_answers(self, flt: LogFilter | None = None) -> list[AnswerSummary]:
        """Answers matching the filter, newest first."""
        return self._db.read(lambda db: query.list_answers(db, flt or LogFilter()))

    def count(self, flt: LogFilter | None = None) -> int:
        return self._db.read(lambda db: query.count_answers(db, flt or LogFilter(limit=None)))

    def resolve_id(self, answer_id: str) -> str:
        """The full id for an id or a unique prefix of at least 6 characters."""
        matches = self._db.read(lambda db: query.ids_with_prefix(db, answer_id))
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
        return self._db.read(lambda db: query.unwritten_total(db, LogFilter(since=since)))

    def get(self, answer_id: str) -> AnswerDetail:
        """One answer with everything logged about it; `UnknownAnswer` if there is none."""
        detail = self._db.read(lambda db: query.get_answer(db, answer_id))
        if detail is None:
            raise UnknownAnswer(answer_id)
        return detail

    def export_rows(self, flt: LogFilter | None = None) -> list[dict]:
        """Flat rows for JSONL/CSV export, oldest first."""
        return self._db.read(lambda db: query.export_rows(db, flt or LogFilter(limit=None)))

    def stats(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        *,
        embed: Embed | None = None,
        source: str | None = None,
    ) -> Stats:
        flt = LogFilter(since=since, until=until, source=source)
        rows = self._db.read(lambda db: stats_rows(db, flt))
        return summarize(rows, embed=embed)

    # -- maintenance --------------------------------------------------------------------------

    def backup(self, target: Path | str) -> Path:
        """A consistent copy of the log at `target` (which must not exist yet), via VACUUM INTO."""
        return maintenance.backup(self._db, target)

    def prune(self, older_than_days: float, *, now: datetime | None = None) -> int:
        """Delete answers (and everything attached) logged more than N days ago; return how many."""
        return maintenance.prune(self._db, older_than_days, now=now)

    def close(self) -> None:
        """Write what is held if the log can be written; say how many answers never were."""
        self._writer.close()
        self._db.close()

    def __enter__(self) -> AnswerLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
