"""What people say about logged answers: users' 👍/👎 and reviewers' verdicts (with their fix)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from index.answer.contract import LABELS, STATUSES
from index.log.database import LogDatabase
from index.log.errors import UnknownAnswer
from index.log.query import RATINGS, VERDICTS, Rating, VerdictName
from index.log.when import iso


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


def _require(db: sqlite3.Connection, answer_id: str) -> None:
    if db.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone() is None:
        raise UnknownAnswer(answer_id)


def record_feedback(
    database: LogDatabase, answer_id: str, user_hash: str, rating: Rating, reason: str | None = None
) -> None:
    """A user's 👍/👎 on an answer; their later click replaces the earlier one."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {RATINGS}, not {rating!r}")
    now = iso(datetime.now(UTC))

    def upsert(db: sqlite3.Connection) -> None:
        _require(db, answer_id)
        db.execute(
            "INSERT INTO feedback"
            " (answer_id, user_hash, rating, reason, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (answer_id, user_hash) DO UPDATE SET"
            " rating = excluded.rating, reason = excluded.reason,"
            " updated_at = excluded.updated_at",
            (answer_id, user_hash, rating, reason, now, now),
        )

    database.write(upsert)


def record_verdict(
    database: LogDatabase,
    answer_id: str,
    verdict: VerdictName,
    note: str | None = None,
    reviewer: str | None = None,
    *,
    gold: Sequence[dict[str, Any]] | None = None,
    expected_status: str | None = None,
) -> None:
    """`AnswerLog.record_verdict`, on the database."""
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    if expected_status is not None and expected_status not in STATUSES:
        raise ValueError(
            f"expected status must be one of {', '.join(STATUSES)}, not {expected_status!r}"
        )
    gold_json = json.dumps(check_gold(gold), ensure_ascii=False) if gold else None
    now = iso(datetime.now(UTC))

    def insert(db: sqlite3.Connection) -> None:
        _require(db, answer_id)
        db.execute(
            "INSERT INTO verdicts (answer_id, verdict, note, reviewer, created_at,"
            " gold_json, expected_status) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (answer_id, verdict, note or None, reviewer or None, now, gold_json,
             expected_status),
        )  # fmt: skip

    database.write(insert)
