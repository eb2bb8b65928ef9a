"""LLM mode through a real Engine when the model's reply cannot be used or something fails.

Each gives the extractive answer with a notice naming the fault (or reads what small models send);
the scripted Engine and its fixtures are in conftest.py, what ships is in test_refiner.py.
"""

from __future__ import annotations

import json
import logging
import threading

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from index.answer.engine import Engine
from index.answer.status import compose_draft
from index.llm.refiner import LLMRefiner, make_refiner
from index.texts import load_texts
from tests.index.llm.test_refiner import (
    ATTRIBUTED,
    MEETING,
    MEETING_Q,
    NOTICES,
    assert_extractive_fallback,
)
from tests.support.llm_stub import reply_json, reply_sentences

# -- replies that cannot be used ----------------------------------------------------------------


@pytest.mark.parametrize(
    "replies, kind, notice",
    [
        (
            ['{"sentences": [{"text": "The authors allege', "still not json"],
            "unparseable",
            "unparseable",
        ),
        (["Castillo was a teacher.", "Castillo was a teacher."], "unparseable", "unparseable"),
        ([""], "empty", "empty"),
        (['{"sentences": []}'], "empty", "empty"),
        (["I'm sorry, but I can't help with that request."], "refusal", "refused"),
        (
            [AIMessage(content="", additional_kwargs={"refusal": "I cannot comply."})],
            "refusal",
            "refused",
        ),
    ],
)
def test_unusable_reply_gives_the_extractive_answer_and_a_notice_naming_it(
    ask, extractive, caplog, replies, kind, notice
):
    with caplog.at_level(logging.WARNING, logger="index.llm.refiner"):
        answer = ask(MEETING_Q, *replies)
    assert_extractive_fallback(answer, extractive, MEETING_Q, NOTICES[notice])
    assert f"llm fault {kind}" in caplog.text
    assert NOTICES[notice] != NOTICES["unavailable"]


def test_an_unreadable_reply_is_repaired_once(ask, scripted):
    _, model = scripted
    good = reply_sentences((ATTRIBUTED, [MEETING]))
    answer = ask(MEETING_Q, "Here is my answer: the authors allege a meeting.", good)
    assert answer.summary == ATTRIBUTED
    assert next(model.messages, None) is None  # both scripted replies were used


@pytest.mark.parametrize(
    "reply",
    [
        # Qwen2.5-Coder-0.5B closed its JSON this way.
        '{"sentences": [{"text": "' + ATTRIBUTED + '", "cites": ["' + MEETING + '"]}]]}]',
        "```json\n{'sentences': [{'text': \""
        + ATTRIBUTED
        + "\", 'cites': ['"
        + MEETING
        + "']}]}\n```",
        f"{ATTRIBUTED} [{MEETING}]",
        json.dumps({"summary": ATTRIBUTED, "points": [{"article": [MEETING], "facts": []}]}),
    ],
)
def test_what_small_models_send_is_read(ask, reply):
    answer = ask(MEETING_Q, reply)
    assert answer.summary == ATTRIBUTED, answer.notice


def test_fallback_draft_carries_the_fault_kind(settings, extractive):
    model = GenericFakeChatModel(messages=iter(["not json", "still not json"]))
    refiner = LLMRefiner(settings, load_texts(), chat_model=model)
    state = extractive.snapshot()
    query = extractive.parse(state, MEETING_Q)
    hits = state.retriever.search(query.topic)
    draft = compose_draft(state, query, hits, extractive.settings, extractive.texts)
    refined = refiner(state, MEETING_Q, hits, draft)
    assert refined.fault == "llm_unparseable"
    assert refined.quotes == draft.quotes and refined.summary is None


def test_the_first_question_waits_for_the_client_no_longer_than_the_timeout(
    settings, extractive, monkeypatch, caplog
):
    """The client is built in the background; a question it is not ready for gets the
    extractive answer with a timeout fault, not a wait for the import."""
    release = threading.Event()

    def slow_build(_settings):
        release.wait(30)
        return GenericFakeChatModel(messages=iter([reply_sentences((ATTRIBUTED, [MEETING]))]))

    monkeypatch.setattr("index.llm.refiner.make_chat_model", slow_build)
    refiner = make_refiner(settings.model_copy(update={"llm": "openai:x", "llm_timeout": 0.2}))
    engine = Engine(settings, extractive.embedder, None, refiner=refiner)
    engine.load()
    try:
        with caplog.at_level(logging.WARNING, logger="index.llm.refiner"):
            first = engine.answer(MEETING_Q)
        assert first.notice == NOTICES["unavailable"] and first.summary is None
        assert "llm fault timeout" in caplog.text and "still being set up" in caplog.text
    finally:
        release.set()
    assert refiner.chat_model(timeout=30) is not None


def test_a_fault_while_composing_still_gives_the_whole_extractive_answer(
    ask, extractive, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("guard bug")

    monkeypatch.setattr("index.llm.refiner.assemble_quotes", broken)
    answer = ask(MEETING_Q, reply_json(ATTRIBUTED, [MEETING]))
    assert_extractive_fallback(answer, extractive, MEETING_Q, NOTICES["unavailable"])
