"""The answer log's errors: unavailable, missing, an unknown answer."""

from __future__ import annotations

from pathlib import Path


class AnswerLogError(RuntimeError):
    """The answer log could not be read or written."""


class AnswerLogUnavailable(AnswerLogError):
    """The log cannot be opened or written now: a missing directory, an unreadable, corrupt or
    locked file. Writes are held and retried; reads fail with this error."""


class AnswerLogMissing(AnswerLogUnavailable, FileNotFoundError):
    """No answer log exists yet at the path (nothing has been answered with this data dir)."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"no answers logged yet: there is no answer log at {path}")
        self.path = path


class UnknownAnswer(AnswerLogError, KeyError):
    """No answer with this id is in the log."""

    def __init__(self, answer_id: str, message: str | None = None) -> None:
        super().__init__(message or f"no answer with id {answer_id!r} in the answer log")
        self.answer_id = answer_id

    def __str__(self) -> str:  # KeyError would print the repr of the message
        return str(self.args[0])
