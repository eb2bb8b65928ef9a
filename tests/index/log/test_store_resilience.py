"""The answer log never stops an answer: corrupt, unwritable, deleted or replaced files."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from index.answer.engine import Engine
from index.log.schema import MIGRATIONS, applied_migrations, migrate
from index.log.store import AnswerLog, AnswerLogUnavailable
from tests.support.core import FAKE_THRESHOLDS, make_settings
from tests.support.fakes import FakeEmbedder
from tests.support.records import answer, record

GARBAGE = b"this is not an SQLite database, only a damaged header" * 100


def corrupt(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(GARBAGE)
    return path


def opened(path: Path, **kw) -> AnswerLog:
    return AnswerLog(path, reopen_interval_s=0, **kw)


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def stored_ids(path: Path) -> list[str]:
    with AnswerLog(path, create=False) as reader:
        return sorted(s.id for s in reader.list_answers())


def test_a_corrupt_log_is_reported_once_and_writes_are_held(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = corrupt(tmp_path / "answers.db")
    log = opened(path)  # does not raise
    assert "not a database" in (log.health().failing or "")
    assert [log.write(record(answer(f"x{i}", "q?"))) for i in range(3)] == [False] * 3
    assert log.health().held == 3
    failures = errors(caplog)
    assert len(failures) == 1, failures
    assert str(path) in failures[0] and "answers are still sent" in failures[0]
    # The operator puts a good log in its place (a new inode): the held answers are written.
    os.remove(path)
    with AnswerLog(tmp_path / "fresh.db"):
        pass
    shutil.move(tmp_path / "fresh.db", path)
    assert log.write(record(answer("x3", "q?"))) is True
    assert log.health().held == 0 and log.health().failing is None
    log.close()
    assert stored_ids(path) == ["x0", "x1", "x2", "x3"]


def test_a_wal_file_that_cannot_be_created_holds_answers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "answers.db"
    (tmp_path / "answers.db-wal").mkdir()  # where SQLite must create its WAL file
    log = opened(path)
    assert log.health().failing
    assert log.write(record(answer("w1", "q?"))) is False
    (tmp_path / "answers.db-wal").rmdir()
    assert log.write(record(answer("w2", "q?"))) is True
    log.close()
    assert stored_ids(path) == ["w1", "w2"]
    assert len(errors(caplog)) == 1


def test_a_data_dir_that_cannot_be_made_does_not_raise(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data directory should be")
    log = opened(blocker / "answers.db")
    assert log.write(record(answer("d1", "q?"))) is False
    with pytest.raises(AnswerLogUnavailable):
        log.list_answers()  # readers are told
    log.close()


def test_a_deleted_log_is_noticed_by_inode_and_recreated(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "answers.db"
    with opened(path) as log:
        assert log.write(record(answer("before", "q?")))
        os.remove(path)
        with caplog.at_level(logging.WARNING):
            for i in range(5):
                assert log.write(record(answer(f"after{i}", "q?")))
        assert any("was deleted; reopening" in m for m in caplog.messages)
    # Nothing went to the unlinked file: every later answer is in the file on disk.
    assert stored_ids(path) == [f"after{i}" for i in range(5)]


def test_a_replaced_log_is_reopened(tmp_path: Path) -> None:
    path = tmp_path / "answers.db"
    with opened(path) as log:
        log.write(record(answer("old", "q?")))
        log.backup(tmp_path / "copy.db")
        os.replace(tmp_path / "copy.db", path)  # a restore from backup: same content, new inode
        log.write(record(answer("new", "q?")))
        assert sorted(s.id for s in log.list_answers()) == ["new", "old"]
    assert stored_ids(path) == ["new", "old"]


def test_answers_beyond_the_held_limit_are_counted_and_recorded(tmp_path: Path) -> None:
    path = corrupt(tmp_path / "answers.db")
    log = opened(path, max_held=2)
    for i in range(5):
        log.write(record(answer(f"o{i}", "q?")))
    assert (log.health().held, log.health().lost) == (2, 3)
    os.remove(path)
    assert log.write(record(answer("o5", "q?")))
    assert log.unwritten()[0] == 3
    assert log.stats().unwritten == 3
    log.close()
    assert stored_ids(path) == ["o3", "o4", "o5"]


def test_closing_with_answers_still_held_says_how_many(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    log = opened(corrupt(tmp_path / "answers.db"))
    log.write(record(answer("c1", "q?")))
    log.write(record(answer("c2", "q?")))
    caplog.clear()
    log.close()
    assert any("2 answer(s) could not be written" in m for m in errors(caplog))


def test_an_engine_answers_with_a_corrupt_log(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path / "data", log_db=corrupt(tmp_path / "data" / "answers.db"), **FAKE_THRESHOLDS
    )
    engine = Engine.from_settings(settings, embedder=FakeEmbedder())  # does not raise
    answer_ = engine.answer("Who arrested Castillo?")
    assert answer_.rendered
    assert engine.log is not None and engine.log.health().held == 1
    engine.close()


def test_the_reviewed_gold_migration_upgrades_the_previous_schema(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path, isolation_level=None)
    migrate(old, MIGRATIONS[:2])  # the schema before reviewed gold and unwritten counts
    old.execute(
        "INSERT INTO answers (id, created_at, question, status, mode, rendered, answer_json,"
        " verification_passed, verification_failures, timings_json, source)"
        " VALUES ('old1', '2024-01-01T00:00:00.000+00:00', 'q?', 'answered', 'extractive',"
        " 'r', ?, 1, '[]', '{}', 'cli')",
        (answer("old1", "q?").model_dump_json(),),
    )
    old.execute(
        "INSERT INTO verdicts (answer_id, verdict, note, reviewer, created_at)"
        " VALUES ('old1', 'needs-fix', 'an old verdict', 'mod', '2024-01-02T00:00:00.000+00:00')"
    )
    old.close()
    with AnswerLog(path) as upgraded:
        assert applied_migrations(sqlite3.connect(path))[2:4] == [
            "m003_reviewed_gold",
            "m004_unwritten",
        ]
        [kept] = upgraded.get("old1").verdicts
        assert (kept.note, kept.gold, kept.expected_status) == ("an old verdict", None, None)
        upgraded.record_verdict(
            "old1",
            "needs-fix",
            gold=[{"text": "a  passage ", "labels": ["allegation"]}],
            expected_status="answered",
        )
        latest = upgraded.get("old1").verdicts[-1]
        assert latest.gold == [{"text": "a passage", "labels": ["allegation"]}]
        assert latest.expected_status == "answered"
        assert upgraded.unwritten() == (0, None, None)


def test_reviewed_gold_with_an_unknown_label_or_status_is_refused(tmp_path: Path) -> None:
    with AnswerLog(tmp_path / "a.db") as log:
        log.write(record(answer("g1", "q?")))
        with pytest.raises(ValueError, match="unknown label 'rumour'"):
            log.record_verdict("g1", "needs-fix", gold=[{"text": "x", "labels": ["rumour"]}])
        with pytest.raises(ValueError, match="expected status must be one of"):
            log.record_verdict("g1", "needs-fix", expected_status="fine")


def test_an_id_prefix_resolves_when_unique(tmp_path: Path) -> None:
    with AnswerLog(tmp_path / "a.db") as log:
        for answer_id in ("abcdef111111", "abcdef222222", "fedcba333333"):
            log.write(record(answer(answer_id, "q?")))
        assert log.resolve_id("fedcba") == "fedcba333333"
        assert log.resolve_id("abcdef1") == "abcdef111111"
        with pytest.raises(KeyError, match="start of several ids"):
            log.resolve_id("abcdef")
        with pytest.raises(KeyError, match="at least 6 characters"):
            log.resolve_id("fedcb")
        with pytest.raises(KeyError, match="no answer with id"):
            log.resolve_id("zzzzzz")
