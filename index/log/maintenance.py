"""Keeping the log: a consistent backup copy, and pruning answers past their retention."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from index.log.database import LogDatabase
from index.log.errors import AnswerLogError
from index.log.when import iso


def backup(database: LogDatabase, target: Path | str) -> Path:
    """A consistent copy of the log at `target` (which must not exist yet), via VACUUM INTO."""
    target = Path(target)
    if target.exists():
        raise AnswerLogError(f"{target} already exists; choose a new file for the backup")
    target.parent.mkdir(parents=True, exist_ok=True)
    database.ensure()
    database.retry(lambda: database.conn().execute("VACUUM INTO ?", (str(target),)))
    return target


def prune(database: LogDatabase, older_than_days: float, *, now: datetime | None = None) -> int:
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

    return database.write(delete)
