"""One logged answer as the log's rows: the answer, its quotes, background, candidates and
its full-text entry."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from index.answer.records import LogRecord
from index.log.database import LogDatabase
from index.log.when import iso


def insert_record(database: LogDatabase, record: LogRecord, at: datetime) -> None:
    """Store one answer with its quotes, background and candidates, in one transaction."""
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
        db.execute(f"INSERT INTO answers VALUES ({', '.join('?' * len(answer_row))})", answer_row)
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

    database.write(insert)
