"""The core: corpus, search, the answer pipeline, the LLM layer and the answer log.

This module is the surface the adapters (`bot/`) use. Names load on first use, so that a command
that needs only the log does not import the vector store or the embedding model.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from index.answer.contract import LABELS, STATUSES, Answer
    from index.answer.engine import Engine
    from index.answer.records import AskContext, hash_user_id
    from index.corpus.load import CorpusInvalid
    from index.llm.client import LLMConfigError
    from index.log.store import AnswerLog
    from index.search.reindex import reindex
    from index.settings import Settings, get_settings

_WHERE = {
    "LABELS": "index.answer.contract",
    "STATUSES": "index.answer.contract",
    "Answer": "index.answer.contract",
    "Engine": "index.answer.engine",
    "AskContext": "index.answer.records",
    "hash_user_id": "index.answer.records",
    "CorpusInvalid": "index.corpus.load",
    "LLMConfigError": "index.llm.client",
    "AnswerLog": "index.log.store",
    "reindex": "index.search.reindex",
    "Settings": "index.settings",
    "get_settings": "index.settings",
}
__all__ = [
    "LABELS",
    "STATUSES",
    "Answer",
    "AnswerLog",
    "AskContext",
    "CorpusInvalid",
    "Engine",
    "LLMConfigError",
    "Settings",
    "get_settings",
    "hash_user_id",
    "reindex",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'index' has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)
