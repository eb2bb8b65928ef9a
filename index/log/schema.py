"""The answer log's schema as an ordered list of migrations, recorded inside the database."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

_M001_ANSWERS = """
CREATE TABLE answers (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    status TEXT NOT NULL,
    mode TEXT NOT NULL,
    rendered TEXT NOT NULL,
    summary TEXT,
    notice TEXT,
    answer_json TEXT NOT NULL,
    verification_passed INTEGER NOT NULL,
    verification_failures TEXT NOT NULL,
    timings_json TEXT NOT NULL,
    total_ms REAL,
    index_version TEXT,
    embedding_model TEXT,
    template_hash TEXT,
    source TEXT NOT NULL,
    guild_id INTEGER,
    channel_id INTEGER,
    user_hash TEXT,
    fault TEXT,
    rejected_answer_json TEXT
);
CREATE INDEX answers_created_at ON answers (created_at);
CREATE INDEX answers_status ON answers (status);
CREATE TABLE quotes (
    answer_id TEXT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    label TEXT NOT NULL,
    labelled_by TEXT NOT NULL,
    claim_ids TEXT NOT NULL,
    note TEXT NOT NULL,
    paragraph INTEGER NOT NULL,
    sentence_ids TEXT NOT NULL,
    PRIMARY KEY (answer_id, position)
);
CREATE INDEX quotes_label ON quotes (label);
CREATE TABLE background (
    answer_id TEXT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    fact_id TEXT NOT NULL,
    text TEXT NOT NULL,
    sources TEXT NOT NULL,
    PRIMARY KEY (answer_id, position)
);
CREATE TABLE candidates (
    answer_id TEXT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    candidate_id TEXT NOT NULL,
    rank INTEGER NOT NULL,
    fused REAL NOT NULL,
    dense REAL,
    bm25 REAL
);
CREATE INDEX candidates_answer ON candidates (answer_id, rank);
CREATE TABLE feedback (
    answer_id TEXT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
    user_hash TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (answer_id, user_hash)
);
"""

_M002_VERDICTS_AND_SEARCH = """
CREATE TABLE verdicts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_id TEXT NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
    verdict TEXT NOT NULL CHECK (verdict IN ('correct', 'incorrect', 'needs-fix')),
    note TEXT,
    reviewer TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX verdicts_answer ON verdicts (answer_id, id);
CREATE VIRTUAL TABLE answers_fts USING fts5 (
    answer_id UNINDEXED, question, rendered, tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO answers_fts (answer_id, question, rendered)
    SELECT id, question, rendered FROM answers;
"""

# A reviewer's fix: the passages a good answer quotes (JSON list of {"text", "labels"}) and the
# status it should have had; `explainer logs export --as-eval` turns only fixed answers into cases.
_M003_REVIEWED_GOLD = """
ALTER TABLE verdicts ADD COLUMN gold_json TEXT;
ALTER TABLE verdicts ADD COLUMN expected_status TEXT;
"""

# Answers that could not be written (the log was unavailable and the held answers overflowed,
# or the process ended before the log came back), recorded once the log is writable again.
_M004_UNWRITTEN = """
CREATE TABLE unwritten (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    count INTEGER NOT NULL CHECK (count > 0),
    reason TEXT
);
CREATE INDEX unwritten_created_at ON unwritten (created_at);
"""


# Conversations: an answer shown only to its asker (Discord's ephemeral reply), the language of
# its fixed texts, and what a follow-up carried from the previous answer of its conversation
# (that answer's id, the topic the "About:" line named, the claim and card ids, as JSON lists).
_M005_CONVERSATIONS = """
ALTER TABLE answers ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
ALTER TABLE answers ADD COLUMN language TEXT;
ALTER TABLE answers ADD COLUMN follow_up_of TEXT;
ALTER TABLE answers ADD COLUMN carried_topic TEXT;
ALTER TABLE answers ADD COLUMN carried_claim_ids TEXT;
ALTER TABLE answers ADD COLUMN carried_fact_ids TEXT;
CREATE INDEX answers_follow_up_of ON answers (follow_up_of);
"""

# Append only: a migration that has shipped is never edited, its name is recorded as applied.
MIGRATIONS: list[tuple[str, str]] = [
    ("m001_answers", _M001_ANSWERS),
    ("m002_verdicts_and_search", _M002_VERDICTS_AND_SEARCH),
    ("m003_reviewed_gold", _M003_REVIEWED_GOLD),
    ("m004_unwritten", _M004_UNWRITTEN),
    ("m005_conversations", _M005_CONVERSATIONS),
]


def applied_migrations(db: sqlite3.Connection) -> list[str]:
    exists = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'"
    ).fetchone()
    if not exists:
        return []
    return [row[0] for row in db.execute("SELECT name FROM _migrations ORDER BY rowid")]


def _pending(db: sqlite3.Connection, todo: list[tuple[str, str]]) -> bool:
    done = set(applied_migrations(db))
    return any(name not in done for name, _ in todo)


def migrate(db: sqlite3.Connection, migrations: list[tuple[str, str]] | None = None) -> list[str]:
    """Apply every pending migration in one transaction; return the names applied.

    `db` must be in autocommit mode (isolation_level=None) so the transaction is ours.
    """
    todo = MIGRATIONS if migrations is None else migrations
    if not _pending(db, todo):
        return []  # the common case takes no write lock
    # executescript() would COMMIT first, so statements run one by one inside our transaction.
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute(
            "CREATE TABLE IF NOT EXISTS _migrations"
            " (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        done = set(applied_migrations(db))
        applied: list[str] = []
        for name, script in todo:
            if name in done:
                continue
            for statement in _statements(script):
                db.execute(statement)
            db.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                (name, datetime.now(UTC).isoformat(timespec="milliseconds")),
            )
            applied.append(name)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return applied


def _statements(script: str) -> list[str]:
    """Split a script at the semicolons that end a statement (not those inside strings)."""
    statements: list[str] = []
    start = 0
    for end, char in enumerate(script):
        if char == ";" and sqlite3.complete_statement(script[start : end + 1]):
            statements.append(script[start : end + 1].strip())
            start = end + 1
    if script[start:].strip():
        statements.append(script[start:].strip())
    return statements
