"""A provider's error body that echoes the API key never reaches the log."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from index.answer.engine import Engine
from index.answer.status import compose_draft
from index.llm.refiner import LLMRefiner, redact
from index.search.reindex import reindex
from index.texts import load_texts
from tests.support.fakes import FakeEmbedder
from tests.support.llm_stub import make_settings

KEY = "sk-test-0123456789abcdef"


class EchoingModel:
    """A chat model whose provider answers 401 with the key in the message."""

    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"Error code: 401 - Incorrect API key provided: {KEY}")

    def bind(self, **kwargs: Any) -> EchoingModel:
        return self


def test_redact_removes_keys_tokens_and_the_configured_secret() -> None:
    text = f'401 {KEY} {{"api_key": "abc"}} Authorization: Bearer xyz custom-secret'
    cleaned = redact(text, ("custom-secret",))
    assert KEY not in cleaned and "abc" not in cleaned and "xyz" not in cleaned
    assert "custom-secret" not in cleaned and cleaned.startswith("401 [redacted]")


def test_the_fault_line_does_not_carry_the_key(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    embedder = FakeEmbedder()
    settings = make_settings(tmp_path, llm_api_key=SecretStr(KEY))
    reindex(settings, embedder=embedder)
    engine = Engine(settings, embedder, None)
    engine.load()
    refiner = LLMRefiner(settings, load_texts(), chat_model=EchoingModel())
    state = engine.snapshot()
    question = "Who is Lisa Kenna?"
    query = engine.parse(state, question)
    hits = state.retriever.search(query.topic)
    draft = compose_draft(state, query, hits, settings, engine.texts)
    with caplog.at_level(logging.INFO, logger="index.llm.refiner"):
        refined = refiner(state, question, hits, draft)
    assert refined.fault and refined.fault.startswith("llm_")
    assert "llm fault" in caplog.text and KEY not in caplog.text
