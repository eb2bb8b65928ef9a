"""Plain records passed between the engine, its adapters and the answer log."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Literal

from index.answer.contract import Answer, Carried

CandidateKind = Literal["sentence", "window", "claim", "fact", "ask", "question"]


@dataclass(frozen=True)
class AskContext:
    """Where a question came from. Discord user ids arrive here only as salted hashes."""

    source: str = "cli"
    guild_id: int | None = None
    channel_id: int | None = None
    user_hash: str | None = None
    # Shown only to the member who asked (Discord: an ephemeral reply).
    private: bool = False


@dataclass(frozen=True)
class Candidate:
    """One retrieved unit with the scores that ranked it (kept for the log)."""

    kind: CandidateKind
    id: str
    fused: float
    rank: int
    dense: float | None = None
    bm25: float | None = None


@dataclass(frozen=True)
class LogRecord:
    """Everything the answer log stores about one answer, written in one transaction."""

    answer: Answer
    context: AskContext = field(default_factory=AskContext)
    candidates: tuple[Candidate, ...] = ()
    index_version: str | None = None
    embedding_model: str | None = None
    template_hash: str | None = None
    # Set when the verifier rejected the composed answer and `answer` is the safe replacement.
    rejected_answer: Answer | None = None
    fault: str | None = None
    # The language of the answer's fixed texts, and what a follow-up carried from the previous
    # answer of its conversation (None: the question was read alone).
    language: str = "en"
    carried: Carried | None = None


def hash_user_id(user_id: int, salt: str) -> str:
    """Salted hash of a Discord user id; the raw id is never stored."""
    return hmac.new(salt.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()[:32]
