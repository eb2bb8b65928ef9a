"""m005_conversations: the log keeps the private flag, the language and what a follow-up carried."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from index.answer.contract import Carried
from index.answer.records import AskContext, LogRecord
from index.log.schema import MIGRATIONS, applied_migrations, migrate
from index.log.store import AnswerLog
from tests.support.records import ARREST, DAY1, DAY2, answer, quote, record

CARRIED = Carried(
    previous_answer_id="first",
    topic="Lisa Kenna",
    searched="Who is Lisa Kenna? when?",
    claim_ids=["kenna-bobbio-meeting"],
    fact_ids=["bobbio-account"],
    reason="no_topic",
)

COLUMNS = "private, language, follow_up_of, carried_topic, carried_claim_ids, carried_fact_ids"


def row(path: Path, answer_id: str) -> tuple:
    db = sqlite3.connect(path)
    try:
        return db.execute(f"SELECT {COLUMNS} FROM answers WHERE id = ?", (answer_id,)).fetchone()
    finally:
        db.close()


def test_a_follow_up_its_language_and_its_privacy_are_stored(tmp_path: Path) -> None:
    path = tmp_path / "answers.db"
    with AnswerLog(path) as log:
        log.write(record(answer("first", "Who is Lisa Kenna?")), at=DAY1)
        follow = answer("second", "when?", quotes=(quote(ARREST, "disputed"),))
        follow = follow.model_copy(update={"carried": CARRIED, "language": "es"})
        log.write(
            LogRecord(
                answer=follow,
                context=AskContext(source="discord", channel_id=5, private=True),
                language="es",
                carried=CARRIED,
            ),
            at=DAY2,
        )
        # The answer itself keeps what it carried (the bot reads it back for the next turn).
        assert log.get("second").answer.carried == CARRIED
    assert row(path, "first") == (0, "en", None, None, None, None)
    stored = row(path, "second")
    assert stored[:4] == (1, "es", "first", "Lisa Kenna")
    assert json.loads(stored[4]) == ["kenna-bobbio-meeting"]
    assert json.loads(stored[5]) == ["bobbio-account"]


def test_the_previous_schema_is_upgraded_and_old_answers_read_as_public(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path, isolation_level=None)
    migrate(old, MIGRATIONS[:4])  # the schema before conversations
    old.execute(
        "INSERT INTO answers (id, created_at, question, status, mode, rendered, answer_json,"
        " verification_passed, verification_failures, timings_json, source)"
        " VALUES ('old1', '2024-01-01T00:00:00.000+00:00', 'q?', 'answered', 'extractive',"
        " 'r', ?, 1, '[]', '{}', 'cli')",
        (answer("old1", "q?").model_dump_json(),),
    )
    old.close()
    with AnswerLog(path) as upgraded:
        assert applied_migrations(sqlite3.connect(path))[-1] == "m005_conversations"
        assert upgraded.get("old1").answer.carried is None
        upgraded.write(record(answer("new1", "q2?")), at=DAY2)
    assert row(path, "old1") == (0, None, None, None, None, None)
    assert row(path, "new1")[:2] == (0, "en")
