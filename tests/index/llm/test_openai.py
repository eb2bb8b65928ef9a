"""LLM mode through the real langchain-openai client against a local OpenAI-compatible stub."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from index.answer.engine import Engine
from index.llm.prompt import load_llm_texts
from index.search.reindex import reindex
from index.settings import Settings
from tests.support.fakes import FakeEmbedder
from tests.support.llm_stub import (
    GARBAGE,
    GOOD,
    NO_FORMAT,
    RATE_LIMITED,
    SERVER_ERROR,
    SLOW,
    ChatStub,
    make_settings,
    reply_json,
    stub_in_thread,
)

QUESTION = "Did the U.S. ambassador meet Peru's defense minister before the coup?"
SUMMARY = "The authors allege that the U.S. ambassador met the defense minister the day before."
TIMEOUT = 1.0
NOTICES = load_llm_texts().notices


@pytest.fixture(scope="module")
def embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, embedder: FakeEmbedder) -> Path:
    path = tmp_path_factory.mktemp("llm-openai")
    reindex(llm_settings(path, "http://127.0.0.1:9/v1"), embedder=embedder)
    return path


def llm_settings(data_dir: Path, base_url: str) -> Settings:
    return make_settings(
        data_dir,
        llm="openai:stub-model",
        llm_base_url=base_url,
        llm_api_key=SecretStr("dummy"),
        llm_timeout=TIMEOUT,
    )


@pytest.fixture(scope="module")
def stub() -> Iterator[ChatStub]:
    with stub_in_thread() as running:
        yield running


@pytest.fixture(scope="module")
def engine(stub: ChatStub, data_dir: Path, embedder: FakeEmbedder) -> Engine:
    return Engine.from_settings(
        llm_settings(data_dir, stub.base_url), embedder=embedder, with_log=False
    )


def test_good_reply_is_used(engine, stub):
    stub.behaviour, stub.reply = GOOD, reply_json(SUMMARY, ["kenna-bobbio-meeting"])
    answer = engine.answer(QUESTION)
    assert answer.verification.passed, answer.verification.failures
    assert answer.mode == "llm:openai:stub-model"
    assert answer.summary == SUMMARY and answer.notice is None
    assert ["kenna-bobbio-meeting"] in [q.claim_ids for q in answer.quotes]
    sent = stub.requests[-1]
    assert sent["model"] == "stub-model"
    assert "<question>\n" + QUESTION in sent["messages"][-1]["content"]
    # The cap reaches llama.cpp's server, and the schema lists only the ids shown.
    assert sent["max_tokens"] == engine.settings.llm_max_tokens
    assert sent["response_format"]["type"] == "json_object"
    cites = sent["response_format"]["schema"]["properties"]["sentences"]["items"]
    assert "kenna-bobbio-meeting" in cites["properties"]["cites"]["items"]["enum"]


def test_a_server_that_rejects_response_format_is_asked_again_without_it(
    stub, data_dir, embedder, caplog
):
    engine = Engine.from_settings(
        llm_settings(data_dir, stub.base_url), embedder=embedder, with_log=False
    )
    stub.behaviour, stub.reply = NO_FORMAT, reply_json(SUMMARY, ["kenna-bobbio-meeting"])
    calls = len(stub.requests)
    with caplog.at_level(logging.WARNING, logger="index.llm.refiner"):
        first = engine.answer(QUESTION)
        second = engine.answer(QUESTION)
    assert first.summary == SUMMARY and second.summary == SUMMARY
    sent = stub.requests[calls:]
    assert ["response_format" in r for r in sent] == [True, False, False]
    assert "rejected response_format" in caplog.text


@pytest.mark.parametrize(
    "behaviour, kind",
    [
        (SLOW, "timeout"),
        (RATE_LIMITED, "rate_limited"),
        (SERVER_ERROR, "server_error"),
        (GARBAGE, "bad_response"),
    ],
)
def test_server_faults_give_the_extractive_answer(engine, stub, caplog, behaviour, kind):
    stub.behaviour, stub.reply = behaviour, reply_json(SUMMARY, ["kenna-bobbio-meeting"])
    calls = len(stub.requests)
    began = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="index.llm.refiner"):
        answer = engine.answer(QUESTION)
    elapsed = time.monotonic() - began
    assert answer.verification.passed, answer.verification.failures
    assert answer.status == "answered" and answer.quotes
    assert answer.summary is None
    assert answer.notice == NOTICES["unavailable"]
    assert f"llm fault {kind}" in caplog.text
    assert len(stub.requests) == calls + 1  # no retries
    assert elapsed < TIMEOUT + 1.5


async def test_event_loop_stays_responsive_while_the_model_times_out(data_dir, embedder):
    stub = ChatStub(behaviour=SLOW, delay=3 * TIMEOUT)
    await stub.start()  # served by this very loop: a blocked loop could not even time out
    try:
        engine = Engine.from_settings(
            llm_settings(data_dir, stub.base_url), embedder=embedder, with_log=False
        )
        lag = 0.0
        done = asyncio.Event()

        async def ticker() -> None:
            nonlocal lag
            while not done.is_set():
                before = time.monotonic()
                await asyncio.sleep(0.01)
                lag = max(lag, time.monotonic() - before - 0.01)

        ticking = asyncio.create_task(ticker())
        began = time.monotonic()
        answer = await asyncio.to_thread(engine.answer, QUESTION)
        elapsed = time.monotonic() - began
        done.set()
        await ticking
    finally:
        await stub.stop()
    assert answer.notice == NOTICES["unavailable"]
    assert elapsed < 3 * TIMEOUT
    assert lag < 0.5 * TIMEOUT
