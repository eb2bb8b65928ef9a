"""Figures over the answer log: volumes, feedback, latency, most asked questions, coverage gaps."""

from __future__ import annotations

import math
import re
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from index.log.query import (
    GAP_STATUSES,
    LATEST_VERDICT_SQL,
    LogFilter,
    count_answers,
    unwritten_total,
    where_clause,
)

Embed = Callable[[list[str]], list[list[float]]]

JACCARD_THRESHOLD = 0.6
COSINE_THRESHOLD = 0.85
_WORD = re.compile(r"\w+", re.UNICODE)
# Words that say nothing about what was asked: two questions sharing only these are not alike.
STOP_WORDS = frozenset(
    "a an and are as at be but by can could did do does for from had has have he her his how i if"
    " in into is it its me my of on or our she so that the their them there they this to was we"
    " were what when where which who whom whose why will with would you your"
    " el la los las de del que y en un una por con se es".split()
)


def normalize_question(text: str) -> str:
    """Case, accents and punctuation folded away; what makes two wordings 'the same question'."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(_WORD.findall(folded))


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Nearest-rank percentile (the smallest value with at least `pct`% of values at or below)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class StatsRows:
    """The raw figures `answerlog_stats.summarize` turns into a report."""

    per_day: list[tuple[str, int]]
    statuses: dict[str, int]
    feedback: dict[str, int]
    verdicts: dict[str, int]
    unreviewed: int
    verification_failures: int
    totals_ms: list[float]
    questions: list[tuple[str, str]]  # (question, status), oldest first
    unwritten: int = 0  # answers recorded as never written to the log


def stats_rows(db: sqlite3.Connection, flt: LogFilter) -> StatsRows:
    period = LogFilter(since=flt.since, until=flt.until, source=flt.source, limit=None)
    where, params = where_clause(period)

    def pairs(sql: str) -> list[tuple[Any, Any]]:
        return [(r[0], r[1]) for r in db.execute(sql, params)]

    return StatsRows(
        per_day=pairs(
            f"SELECT substr(a.created_at, 1, 10) AS day, count(*) FROM answers a{where}"
            " GROUP BY day ORDER BY day"
        ),
        statuses=dict(pairs(f"SELECT a.status, count(*) FROM answers a{where} GROUP BY a.status")),
        feedback=dict(
            pairs(
                "SELECT f.rating, count(*) FROM feedback f JOIN answers a ON a.id = f.answer_id"
                f"{where} GROUP BY f.rating"
            )
        ),
        verdicts=dict(
            pairs(
                f"SELECT verdict, count(*) FROM (SELECT {LATEST_VERDICT_SQL} AS verdict"
                f" FROM answers a{where}) WHERE verdict IS NOT NULL GROUP BY verdict"
            )
        ),
        unreviewed=count_answers(db, replace(period, unreviewed=True)),
        verification_failures=count_answers(db, replace(period, verification_failed=True)),
        totals_ms=[
            r[0]
            for r in db.execute(
                f"SELECT a.total_ms FROM answers a{where}"
                + (" AND" if where else " WHERE")
                + " a.total_ms IS NOT NULL",
                params,
            )
        ],
        questions=pairs(
            f"SELECT a.question, a.status FROM answers a{where} ORDER BY a.created_at, a.rowid"
        ),
        unwritten=unwritten_total(db, flt)[0],
    )


@dataclass
class QuestionGroup:
    """Near-duplicate questions; `question` is the most frequent wording of the largest variant."""

    question: str
    count: int
    variants: list[str] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)


def group_questions(
    questions: Sequence[tuple[str, str]], embed: Embed | None = None
) -> list[QuestionGroup]:
    """Group (question, status) pairs by token Jaccard >= 0.6, or by cosine >= 0.85 with `embed`.

    Greedy: normalized wordings, most frequent first, join the first group whose leading
    wording is similar enough. Groups come back most frequent first.
    """
    by_norm: dict[str, list[tuple[str, str]]] = {}
    for question, status in questions:
        by_norm.setdefault(normalize_question(question), []).append((question, status))
    norms = sorted(by_norm, key=lambda n: (-len(by_norm[n]), n))
    similar = _cosine_similar(norms, embed) if embed else _jaccard_similar(norms)

    leaders: list[str] = []
    members: dict[str, list[str]] = {}
    for norm in norms:
        leader = next((lead for lead in leaders if similar(lead, norm)), None)
        if leader is None:
            leaders.append(norm)
            members[norm] = [norm]
        else:
            members[leader].append(norm)

    groups = []
    for leader in leaders:
        asked = [pair for norm in members[leader] for pair in by_norm[norm]]
        wordings = Counter(q for q, _ in by_norm[leader])
        variants = list(dict.fromkeys(q for q, _ in asked))
        groups.append(
            QuestionGroup(
                question=wordings.most_common(1)[0][0],
                count=len(asked),
                variants=variants,
                statuses=dict(Counter(status for _, status in asked)),
            )
        )
    groups.sort(key=lambda g: -g.count)
    return groups


def content_words(norm: str) -> set[str]:
    """A normalized question's words minus the stop words (all of them if nothing is left)."""
    words = set(norm.split())
    return (words - STOP_WORDS) or words


def _jaccard_similar(norms: list[str]) -> Callable[[str, str], bool]:
    tokens = {n: content_words(n) for n in norms}
    return lambda a, b: jaccard(tokens[a], tokens[b]) >= JACCARD_THRESHOLD


def _cosine_similar(norms: list[str], embed: Embed) -> Callable[[str, str], bool]:
    vectors = dict(zip(norms, embed(norms) if norms else [], strict=True))

    def cosine(a: str, b: str) -> float:
        va, vb = vectors[a], vectors[b]
        dot = sum(x * y for x, y in zip(va, vb, strict=True))
        na = math.sqrt(sum(x * x for x in va))
        nb = math.sqrt(sum(y * y for y in vb))
        return dot / (na * nb) if na and nb else 0.0

    return lambda a, b: cosine(a, b) >= COSINE_THRESHOLD


@dataclass
class Stats:
    total: int
    per_day: list[tuple[str, int]]
    statuses: dict[str, int]
    feedback_up: int
    feedback_down: int
    feedback_up_ratio: float | None
    verdicts: dict[str, int]
    unreviewed: int
    verification_failures: int
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    top_questions: list[QuestionGroup]
    coverage_gaps: list[QuestionGroup]
    unwritten: int = 0

    def to_json(self) -> dict[str, Any]:
        def groups(items: list[QuestionGroup]) -> list[dict[str, Any]]:
            return [g.__dict__ for g in items]

        return {
            **{
                k: v
                for k, v in self.__dict__.items()
                if k not in ("top_questions", "coverage_gaps")
            },
            "per_day": [{"day": d, "answers": n} for d, n in self.per_day],
            "top_questions": groups(self.top_questions),
            "coverage_gaps": groups(self.coverage_gaps),
        }


def summarize(rows: StatsRows, *, embed: Embed | None = None, top: int = 10) -> Stats:
    up = rows.feedback.get("up", 0)
    down = rows.feedback.get("down", 0)
    gaps = [(q, s) for q, s in rows.questions if s in GAP_STATUSES]
    return Stats(
        total=sum(rows.statuses.values()),
        per_day=rows.per_day,
        statuses=rows.statuses,
        feedback_up=up,
        feedback_down=down,
        feedback_up_ratio=(up / (up + down)) if up + down else None,
        verdicts=rows.verdicts,
        unreviewed=rows.unreviewed,
        verification_failures=rows.verification_failures,
        latency_p50_ms=percentile(rows.totals_ms, 50),
        latency_p95_ms=percentile(rows.totals_ms, 95),
        top_questions=group_questions(rows.questions, embed)[:top],
        coverage_gaps=group_questions(gaps, embed)[:top],
        unwritten=rows.unwritten,
    )
