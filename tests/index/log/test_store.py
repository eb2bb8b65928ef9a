"""The answer log: writing, migrations, feedback, verdicts, filters, concurrency, maintenance."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from index.log.schema import MIGRATIONS, applied_migrations, migrate
from index.log.store import AnswerLog, AnswerLogError, AnswerLogMissing, LogFilter, UnknownAnswer
from tests.support.records import (
    ARREST,
    DAY1,
    DAY2,
    DAY3,
    FACT,
    MEETING,
    answer,
    fill,
    quote,
    record,
)


@pytest.fixture
def log(tmp_path: Path):
    with AnswerLog(tmp_path / "answers.db") as opened:
        yield opened


@pytest.fixture
def filled(log: AnswerLog) -> AnswerLog:
    fill(log)
    return log


def raw(log: AnswerLog) -> sqlite3.Connection:
    return sqlite3.connect(log.path)


def ids(log: AnswerLog, **kw) -> list[str]:
    return sorted(s.id for s in log.list_answers(LogFilter(**kw)))


def test_write_then_get_returns_the_answer_and_its_rows(log: AnswerLog) -> None:
    sent = answer(
        "x1", "Who arrested him?", quotes=(quote(ARREST, "disputed"),), background=(FACT,)
    )
    log.write(record(sent), at=DAY1)
    detail = log.get("x1")
    assert detail.answer == sent
    assert detail.summary.created_at == "2024-05-01T10:00:00.000+00:00"
    assert [(c.kind, c.id, c.rank, c.dense, c.bm25) for c in detail.candidates] == [
        ("sentence", "p1.s2", 1, 0.71, 4.2),
        ("claim", "ambassador-meeting", 2, 0.55, None),
    ]
    assert (detail.template_hash, detail.index_version, detail.embedding_model) == (
        "tmpl-abc",
        "idx-1",
        "fake-embedder",
    )
    db = raw(log)
    q = sent.quotes[0]
    assert db.execute(
        "SELECT text, char_start, char_end, label, sentence_ids FROM quotes WHERE answer_id = 'x1'"
    ).fetchall() == [(q.text, q.start, q.end, "disputed", '["p2.s1"]')]
    assert db.execute("SELECT fact_id FROM background").fetchall() == [("escort",)]
    assert db.execute("SELECT user_hash, guild_id FROM answers").fetchall() == [("u" * 32, 1)]


def test_a_failure_mid_write_leaves_no_partial_rows(log: AnswerLog) -> None:
    db = raw(log)
    db.execute(
        "CREATE TRIGGER boom BEFORE INSERT ON candidates BEGIN SELECT RAISE(ABORT, 'x'); END"
    )
    db.commit()
    with pytest.raises(AnswerLogError):
        log.write(record(answer("x1", "q?", quotes=(quote(MEETING, "allegation"),))))
    for table in ("answers", "quotes", "background", "candidates", "answers_fts"):
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table


def test_a_duplicate_id_is_refused_and_the_first_answer_kept(log: AnswerLog) -> None:
    log.write(record(answer("x1", "first?")))
    with pytest.raises(AnswerLogError):
        log.write(record(answer("x1", "second?")))
    assert log.get("x1").answer.question == "first?"


def test_the_database_is_in_wal_mode(log: AnswerLog) -> None:
    assert raw(log).execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_blank_database_gets_every_migration(log: AnswerLog) -> None:
    assert applied_migrations(raw(log)) == [name for name, _ in MIGRATIONS]


def test_reopening_applies_nothing_and_keeps_the_data(tmp_path: Path) -> None:
    with AnswerLog(tmp_path / "a.db") as first:
        first.write(record(answer("x1", "q?")))
    with AnswerLog(tmp_path / "a.db") as second:
        assert [s.id for s in second.list_answers()] == ["x1"]
        assert len(applied_migrations(raw(second))) == len(MIGRATIONS)


def test_a_database_at_the_previous_schema_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path, isolation_level=None)
    migrate(old, MIGRATIONS[:1])
    old.execute(
        "INSERT INTO answers (id, created_at, question, status, mode, rendered, answer_json,"
        " verification_passed, verification_failures, timings_json, source)"
        " VALUES ('old1', '2024-01-01T00:00:00.000+00:00', 'Where is Avenida España?',"
        " 'answered', 'extractive', 'rendered text', ?, 1, '[]', '{}', 'cli')",
        (answer("old1", "Where is Avenida España?").model_dump_json(),),
    )
    old.close()
    with AnswerLog(path) as upgraded:
        assert applied_migrations(raw(upgraded))[-1] == MIGRATIONS[-1][0]
        # m002 indexed the rows that were already there, and added the verdicts table.
        assert ids(upgraded, search="espana") == ["old1"]
        upgraded.record_verdict("old1", "correct")
        assert upgraded.get("old1").summary.verdict == "correct"


def test_pending_migrations_apply_in_one_transaction(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    broken = [*MIGRATIONS[:1], ("m999_broken", "CREATE TABLE t (a); SELECT * FROM missing;")]
    with pytest.raises(sqlite3.OperationalError):
        migrate(db, broken)
    assert applied_migrations(db) == []
    tables = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert ("answers",) not in tables and ("t",) not in tables


def test_opening_a_missing_log_without_create_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(AnswerLogMissing, match="no answers logged yet.*nothing.db"):
        AnswerLog(tmp_path / "nothing.db", create=False)
    assert not (tmp_path / "nothing.db").exists()


def test_a_users_second_click_replaces_the_first(log: AnswerLog) -> None:
    log.write(record(answer("x1", "q?")))
    log.record_feedback("x1", "user-a", "up")
    log.record_feedback("x1", "user-a", "down", "wrong label")
    log.record_feedback("x1", "user-b", "up")
    feedback = log.get("x1").feedback
    assert sorted((f.user_hash, f.rating, f.reason) for f in feedback) == [
        ("user-a", "down", "wrong label"),
        ("user-b", "up", None),
    ]
    summary = log.get("x1").summary
    assert (summary.feedback_up, summary.feedback_down) == (1, 1)


def test_feedback_on_an_unknown_answer_is_a_clear_key_error(log: AnswerLog) -> None:
    with pytest.raises(KeyError, match="no answer with id 'nope'"):
        log.record_feedback("nope", "user-a", "up")
    with pytest.raises(UnknownAnswer):
        log.record_verdict("nope", "correct")


def test_a_rating_outside_up_down_is_refused(log: AnswerLog) -> None:
    log.write(record(answer("x1", "q?")))
    with pytest.raises(ValueError):
        log.record_feedback("x1", "user-a", "meh")  # type: ignore[arg-type]


def test_every_verdict_is_kept_and_the_latest_is_shown(log: AnswerLog) -> None:
    log.write(record(answer("x1", "q?")))
    log.record_verdict("x1", "incorrect", note="wrong label", reviewer="ana")
    log.record_verdict("x1", "correct", reviewer="ben")
    detail = log.get("x1")
    assert [(v.verdict, v.reviewer) for v in detail.verdicts] == [
        ("incorrect", "ana"),
        ("correct", "ben"),
    ]
    assert detail.summary.verdict == "correct"
    assert ids(log, verdict="correct") == ["x1"]
    assert ids(log, verdict="incorrect") == []


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        ({}, ["a1", "a2", "a3", "a4", "a5"]),
        ({"label": "allegation"}, ["a1"]),
        ({"label": "established"}, ["a2", "a4"]),
        ({"status": "out_of_scope"}, ["a3"]),
        ({"feedback": "down"}, ["a1"]),
        ({"feedback": "up"}, ["a2"]),
        ({"feedback": "none"}, ["a3", "a4", "a5"]),
        ({"verdict": "needs-fix"}, ["a1"]),
        ({"unreviewed": True}, ["a3", "a4", "a5"]),
        ({"verification_failed": True}, ["a4"]),
        ({"guild_id": 2}, ["a3", "a4"]),
        ({"channel_id": 10}, ["a1", "a5"]),
        ({"since": DAY2}, ["a2", "a3", "a4", "a5"]),
        ({"until": DAY2}, ["a1"]),
        ({"since": DAY2, "until": DAY3}, ["a2", "a3"]),
        ({"search": "president"}, ["a2", "a4"]),
        ({"search": "espana"}, ["a5"]),
        ({"search": "minister ambassador"}, ["a1"]),
        ({"search": 'minister" OR (NEAR'}, []),
        ({"search": "?!"}, []),
        ({"guild_id": 1, "label": "disputed"}, ["a5"]),
    ],
)
def test_each_filter_narrows_the_listing(filled: AnswerLog, flt: dict, expected: list[str]) -> None:
    assert ids(filled, **flt) == expected


def test_listing_is_newest_first_and_limited(filled: AnswerLog) -> None:
    assert [s.id for s in filled.list_answers(LogFilter(limit=2))] == ["a5", "a4"]
    assert filled.count(LogFilter(limit=None, guild_id=1)) == 3


def test_an_unknown_filter_value_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown label"):
        LogFilter(label="rumour")


def test_a_writer_and_readers_run_at_once_without_lock_errors(log: AnswerLog) -> None:
    errors: list[BaseException] = []
    done = threading.Event()

    def writer(prefix: str) -> None:
        try:
            for i in range(150):
                log.write(record(answer(f"{prefix}{i}", f"question {i}?")))
        except BaseException as exc:
            errors.append(exc)

    def reader() -> None:
        try:
            while not done.is_set():
                log.list_answers(LogFilter(search="question", limit=20))
                log.count()
        except BaseException as exc:
            errors.append(exc)

    writers = [threading.Thread(target=writer, args=(p,)) for p in ("w", "v")]
    readers = [threading.Thread(target=reader) for _ in range(2)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    done.set()
    for t in readers:
        t.join()
    assert errors == []
    assert log.count() == 300


def test_prune_deletes_old_answers_and_everything_attached(filled: AnswerLog) -> None:
    deleted = filled.prune(older_than_days=1.5, now=DAY3 + timedelta(hours=1))
    assert deleted == 1
    assert ids(filled) == ["a2", "a3", "a4", "a5"]
    db = raw(filled)
    for table in ("quotes", "candidates", "feedback", "verdicts", "answers_fts"):
        column = "answer_id"
        assert db.execute(f"SELECT count(*) FROM {table} WHERE {column} = 'a1'").fetchone() == (0,)


def test_backup_is_a_complete_copy_and_never_overwrites(filled: AnswerLog, tmp_path: Path) -> None:
    target = filled.backup(tmp_path / "backups" / "copy.db")
    with AnswerLog(target, create=False) as copy:
        assert ids(copy) == ["a1", "a2", "a3", "a4", "a5"]
        assert copy.get("a1").verdicts[0].note == "label ok, quote short"
    with pytest.raises(AnswerLogError, match="already exists"):
        filled.backup(target)


def test_a_closed_log_refuses_work(tmp_path: Path) -> None:
    closed = AnswerLog(tmp_path / "a.db")
    closed.close()
    with pytest.raises(AnswerLogError, match="closed"):
        closed.list_answers()
