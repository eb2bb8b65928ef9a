"""The one query layer over the answer log, shared by `explainer logs` and the review page."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from index.answer.contract import LABELS, STATUSES, Answer
from index.log.when import EARLIEST, LATEST, aware, iso

Rating = Literal["up", "down"]
VerdictName = Literal["correct", "incorrect", "needs-fix"]
FeedbackFilter = Literal["up", "down", "none"]
RATINGS: tuple[Rating, ...] = ("up", "down")
VERDICTS: tuple[VerdictName, ...] = ("correct", "incorrect", "needs-fix")
FEEDBACK_FILTERS: tuple[FeedbackFilter, ...] = ("up", "down", "none")
# The statuses that mean the corpus had nothing (or nothing in the article) for the question.
GAP_STATUSES = ("no_article_match", "out_of_scope")

# Discord ids (and SQLite integers) are below 2**63.
MAX_ID = 2**63 - 1
# The most rows one listing returns (the CLI's --limit, the review page's limit).
MAX_LIMIT = 10_000
MIN_ID_PREFIX = 6
_FTS_TOKEN = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str:
    """Words of free text as an FTS5 query (every word must occur), immune to FTS syntax."""
    words = _FTS_TOKEN.findall(text)
    return " ".join(f'"{w}"' for w in words)


@dataclass(frozen=True)
class LogFilter:
    """What `logs list`, `logs export` and the review page's form can narrow by."""

    since: datetime | None = None
    until: datetime | None = None
    status: str | None = None
    label: str | None = None
    feedback: FeedbackFilter | None = None
    verdict: VerdictName | None = None
    unreviewed: bool = False
    verification_failed: bool = False
    guild_id: int | None = None
    channel_id: int | None = None
    search: str | None = None
    limit: int | None = 50
    source: str | None = None

    def __post_init__(self) -> None:
        checks = (
            ("status", self.status, STATUSES),
            ("label", self.label, LABELS),
            ("feedback", self.feedback, FEEDBACK_FILTERS),
            ("verdict", self.verdict, VERDICTS),
        )
        for name, value, allowed in checks:
            if value is not None and value not in allowed:
                raise ValueError(f"unknown {name} {value!r}; use one of: {', '.join(allowed)}")
        if self.verdict and self.unreviewed:
            raise ValueError("a verdict filter and 'unreviewed' exclude each other")
        if self.limit is not None and not 1 <= self.limit <= MAX_ID:
            raise ValueError(f"limit must be between 1 and {MAX_ID}")
        for place, number in (("server", self.guild_id), ("channel", self.channel_id)):
            if number is not None and not 0 <= number <= MAX_ID:
                raise ValueError(f"{place} id out of range: {number} (ids are below 2**63)")
        for name, moment in (("since", self.since), ("until", self.until)):
            if moment is not None and not EARLIEST <= aware(moment) <= LATEST:
                raise ValueError(f"{name} out of range: {moment.isoformat()}")


@dataclass(frozen=True)
class AnswerSummary:
    """One line of a listing."""

    id: str
    created_at: str
    question: str
    status: str
    mode: str
    source: str
    guild_id: int | None
    channel_id: int | None
    verification_passed: bool
    total_ms: float | None
    labels: list[str]
    feedback_up: int
    feedback_down: int
    verdict: str | None


@dataclass(frozen=True)
class CandidateRow:
    kind: str
    id: str
    rank: int
    fused: float
    dense: float | None
    bm25: float | None


@dataclass(frozen=True)
class FeedbackRow:
    rating: str
    reason: str | None
    user_hash: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class VerdictRow:
    verdict: str
    note: str | None
    reviewer: str | None
    created_at: str
    # The reviewer's fix: the passages a good answer quotes, and the status it should have had.
    gold: list[dict[str, Any]] | None = None
    expected_status: str | None = None


@dataclass(frozen=True)
class AnswerDetail:
    """Everything the log holds about one answer."""

    summary: AnswerSummary
    answer: Answer
    rejected_answer: Answer | None
    verification_failures: list[str]
    index_version: str | None
    embedding_model: str | None
    template_hash: str | None
    user_hash: str | None
    fault: str | None
    candidates: list[CandidateRow] = field(default_factory=list)
    feedback: list[FeedbackRow] = field(default_factory=list)
    verdicts: list[VerdictRow] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            **_summary_json(self.summary),
            "answer": self.answer.model_dump(mode="json"),
            "rejected_answer": (
                self.rejected_answer.model_dump(mode="json") if self.rejected_answer else None
            ),
            "verification_failures": self.verification_failures,
            "index_version": self.index_version,
            "embedding_model": self.embedding_model,
            "template_hash": self.template_hash,
            "fault": self.fault,
            "candidates": [c.__dict__ for c in self.candidates],
            "feedback": [
                {"rating": f.rating, "reason": f.reason, "at": f.updated_at} for f in self.feedback
            ],
            "verdicts": [v.__dict__ for v in self.verdicts],
        }


def _summary_json(summary: AnswerSummary) -> dict[str, Any]:
    return dict(summary.__dict__)


LATEST_VERDICT_SQL = (
    "(SELECT v.verdict FROM verdicts v WHERE v.answer_id = a.id ORDER BY v.id DESC LIMIT 1)"
)
_SUMMARY_COLUMNS = f"""
    a.id, a.created_at, a.question, a.status, a.mode, a.source, a.guild_id, a.channel_id,
    a.verification_passed, a.total_ms,
    (SELECT group_concat(label, ',') FROM (
        SELECT DISTINCT q.label FROM quotes q WHERE q.answer_id = a.id ORDER BY q.label
    )) AS labels,
    (SELECT count(*) FROM feedback f WHERE f.answer_id = a.id AND f.rating = 'up') AS up,
    (SELECT count(*) FROM feedback f WHERE f.answer_id = a.id AND f.rating = 'down') AS down,
    {LATEST_VERDICT_SQL} AS verdict
"""


def where_clause(flt: LogFilter) -> tuple[str, list[Any]]:
    """SQL conditions on `answers a` for a filter, with their parameters."""
    conditions: list[str] = []
    params: list[Any] = []
    if flt.since is not None:
        conditions.append("a.created_at >= ?")
        params.append(iso(flt.since))
    if flt.until is not None:
        conditions.append("a.created_at < ?")
        params.append(iso(flt.until))
    if flt.status:
        conditions.append("a.status = ?")
        params.append(flt.status)
    if flt.label:
        conditions.append(
            "EXISTS (SELECT 1 FROM quotes q WHERE q.answer_id = a.id AND q.label = ?)"
        )
        params.append(flt.label)
    if flt.feedback == "none":
        conditions.append("NOT EXISTS (SELECT 1 FROM feedback f WHERE f.answer_id = a.id)")
    elif flt.feedback:
        conditions.append(
            "EXISTS (SELECT 1 FROM feedback f WHERE f.answer_id = a.id AND f.rating = ?)"
        )
        params.append(flt.feedback)
    if flt.verdict:
        conditions.append(f"{LATEST_VERDICT_SQL} = ?")
        params.append(flt.verdict)
    if flt.unreviewed:
        conditions.append("NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.answer_id = a.id)")
    if flt.verification_failed:
        conditions.append("a.verification_passed = 0")
    if flt.guild_id is not None:
        conditions.append("a.guild_id = ?")
        params.append(flt.guild_id)
    if flt.channel_id is not None:
        conditions.append("a.channel_id = ?")
        params.append(flt.channel_id)
    if flt.source:
        conditions.append("a.source = ?")
        params.append(flt.source)
    if flt.search and flt.search.strip():
        query = fts_query(flt.search)
        if query:
            conditions.append(
                "a.id IN (SELECT answer_id FROM answers_fts WHERE answers_fts MATCH ?)"
            )
            params.append(query)
        else:
            conditions.append("0")  # punctuation only: nothing can match
    return (" WHERE " + " AND ".join(conditions) if conditions else ""), params


def _summary(row: sqlite3.Row) -> AnswerSummary:
    return AnswerSummary(
        id=row["id"],
        created_at=row["created_at"],
        question=row["question"],
        status=row["status"],
        mode=row["mode"],
        source=row["source"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        verification_passed=bool(row["verification_passed"]),
        total_ms=row["total_ms"],
        labels=row["labels"].split(",") if row["labels"] else [],
        feedback_up=row["up"],
        feedback_down=row["down"],
        verdict=row["verdict"],
    )


def list_answers(db: sqlite3.Connection, flt: LogFilter) -> list[AnswerSummary]:
    where, params = where_clause(flt)
    sql = f"SELECT {_SUMMARY_COLUMNS} FROM answers a{where}"
    sql += " ORDER BY a.created_at DESC, a.rowid DESC"
    if flt.limit is not None:
        sql += " LIMIT ?"
        params.append(flt.limit)
    return [_summary(row) for row in db.execute(sql, params)]


def count_answers(db: sqlite3.Connection, flt: LogFilter) -> int:
    where, params = where_clause(flt)
    return int(db.execute(f"SELECT count(*) FROM answers a{where}", params).fetchone()[0])


def get_answer(db: sqlite3.Connection, answer_id: str) -> AnswerDetail | None:
    row = db.execute(
        f"SELECT {_SUMMARY_COLUMNS}, a.answer_json, a.rejected_answer_json, a.index_version,"
        " a.embedding_model, a.template_hash, a.user_hash, a.fault, a.verification_failures"
        " FROM answers a WHERE a.id = ?",
        (answer_id,),
    ).fetchone()
    if row is None:
        return None
    rejected = row["rejected_answer_json"]
    return AnswerDetail(
        summary=_summary(row),
        answer=Answer.model_validate_json(row["answer_json"]),
        rejected_answer=Answer.model_validate_json(rejected) if rejected else None,
        verification_failures=json.loads(row["verification_failures"]),
        index_version=row["index_version"],
        embedding_model=row["embedding_model"],
        template_hash=row["template_hash"],
        user_hash=row["user_hash"],
        fault=row["fault"],
        candidates=[
            CandidateRow(r["kind"], r["candidate_id"], r["rank"], r["fused"], r["dense"], r["bm25"])
            for r in db.execute(
                "SELECT * FROM candidates WHERE answer_id = ? ORDER BY rank, rowid", (answer_id,)
            )
        ],
        feedback=[
            FeedbackRow(r["rating"], r["reason"], r["user_hash"], r["created_at"], r["updated_at"])
            for r in db.execute(
                "SELECT * FROM feedback WHERE answer_id = ? ORDER BY updated_at", (answer_id,)
            )
        ],
        verdicts=[
            VerdictRow(
                r["verdict"],
                r["note"],
                r["reviewer"],
                r["created_at"],
                json.loads(r["gold_json"]) if r["gold_json"] else None,
                r["expected_status"],
            )
            for r in db.execute(
                "SELECT * FROM verdicts WHERE answer_id = ? ORDER BY id", (answer_id,)
            )
        ],
    )


def export_rows(db: sqlite3.Connection, flt: LogFilter) -> list[dict[str, Any]]:
    """One flat dict per answer (CSV columns); `answer`, the latest verdict's note, reviewer,
    gold and expected status, and the feedback reasons ride along for JSONL and eval cases."""
    where, params = where_clause(flt)
    latest = "(SELECT v.{} FROM verdicts v WHERE v.answer_id = a.id ORDER BY v.id DESC LIMIT 1)"
    sql = (
        f"SELECT {_SUMMARY_COLUMNS}, a.rendered, a.answer_json, a.index_version,"
        " a.embedding_model, a.template_hash, a.verification_failures,"
        f" {latest.format('note')} AS verdict_note,"
        f" {latest.format('reviewer')} AS verdict_reviewer,"
        f" {latest.format('gold_json')} AS verdict_gold,"
        f" {latest.format('expected_status')} AS verdict_expected_status"
        f" FROM answers a{where} ORDER BY a.created_at, a.rowid"
    )
    if flt.limit is not None:
        sql += " LIMIT ?"
        params.append(flt.limit)
    rows = []
    for row in db.execute(sql, params):
        item = _summary_json(_summary(row))
        item.update(
            rendered=row["rendered"],
            index_version=row["index_version"],
            embedding_model=row["embedding_model"],
            template_hash=row["template_hash"],
            verification_failures=json.loads(row["verification_failures"]),
            verdict_note=row["verdict_note"],
            verdict_reviewer=row["verdict_reviewer"],
            verdict_gold=json.loads(row["verdict_gold"]) if row["verdict_gold"] else None,
            verdict_expected_status=row["verdict_expected_status"],
            feedback_reasons=[
                {"rating": r[0], "reason": r[1]}
                for r in db.execute(
                    "SELECT rating, reason FROM feedback WHERE answer_id = ?"
                    " AND reason IS NOT NULL AND trim(reason) != '' ORDER BY updated_at",
                    (row["id"],),
                )
            ],
            answer=json.loads(row["answer_json"]),
        )
        rows.append(item)
    return rows


def ids_with_prefix(db: sqlite3.Connection, prefix: str, limit: int = 5) -> list[str]:
    """Ids that are `prefix` exactly, else that start with it (compared exactly, no wildcards)."""
    if db.execute("SELECT 1 FROM answers WHERE id = ?", (prefix,)).fetchone():
        return [prefix]
    return [
        r[0]
        for r in db.execute(
            "SELECT id FROM answers WHERE substr(id, 1, ?) = ? ORDER BY id LIMIT ?",
            (len(prefix), prefix, limit),
        )
    ]


def unwritten_total(db: sqlite3.Connection, flt: LogFilter) -> tuple[int, str | None, str | None]:
    """Answers recorded as never written in the period: (count, latest time, latest reason)."""
    conditions, params = [], []
    if flt.since is not None:
        conditions.append("created_at >= ?")
        params.append(iso(flt.since))
    if flt.until is not None:
        conditions.append("created_at < ?")
        params.append(iso(flt.until))
    where = (" WHERE " + " AND ".join(conditions)) if conditions else ""
    total = db.execute(f"SELECT coalesce(sum(count), 0) FROM unwritten{where}", params).fetchone()
    last = db.execute(
        f"SELECT created_at, reason FROM unwritten{where} ORDER BY id DESC LIMIT 1", params
    ).fetchone()
    return int(total[0]), (last[0] if last else None), (last[1] if last else None)
