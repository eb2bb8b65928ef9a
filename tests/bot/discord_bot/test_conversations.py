"""The adapter's conversation pieces on their own: answer ids in buttons, what is remembered, the
new settings, the Spanish lines and the buttons under an answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from bot.discord_bot import conversations
from bot.discord_bot.answering import deliver
from bot.discord_bot.conversations import Conversations, answer_id_of
from bot.discord_bot.texts import DiscordTexts, locale_language, texts
from bot.discord_bot.views import feedback_view
from index.answer.contract import Answer, Verification
from tests.support.discord.harness import make_settings


class Item:
    def __init__(self, custom_id: str | None) -> None:
        self.custom_id = custom_id


class Row:
    def __init__(self, *ids: str | None) -> None:
        self.children = [Item(i) for i in ids]


def test_the_answer_id_is_read_from_any_of_the_answers_buttons() -> None:
    assert answer_id_of([Row("more:a1", "fb:up:a1")]) == "a1"
    assert answer_id_of([Row(None, "help:b2")]) == "b2"
    assert answer_id_of([Row("cl:all:2")]) is None
    assert answer_id_of([]) is None


def test_a_public_answer_becomes_its_threads_previous_answer_a_private_one_does_not() -> None:
    memory = Conversations()
    memory.started(10, starter_id=7)
    memory.answered(10, "a1", [100, 101], public=True)
    memory.answered(10, "p1", [102], public=False)
    assert memory.last_answer(10) == "a1"
    assert memory.starter(10) == 7
    assert memory.answer_of_message(101) == "a1"
    assert memory.answer_of_message(102) == "p1"
    memory.started(10, starter_id=8)  # restarted knowledge keeps the previous answer
    assert memory.last_answer(10) == "a1"


def test_each_forum_post_is_claimed_once_and_memory_is_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(conversations, "REMEMBERED", 3)
    memory = Conversations()
    assert memory.claim_post(1) and not memory.claim_post(1)
    for n in range(10):
        memory.answered(n, f"a{n}", [1000 + n], public=True)
    assert memory.last_answer(0) is None and memory.last_answer(9) == "a9"
    assert memory.answer_of_message(1000) is None


def test_the_conversation_settings(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path,
        forum_channel_ids="11, 12",
        modlog_channel_id="",
        review_url="https://review.example.org/",
    )
    assert settings.forum_channel_ids == [11, 12]
    assert settings.modlog_channel_id is None
    assert settings.answer_review_link("x1") == "https://review.example.org/answers/x1"
    defaults = make_settings(tmp_path)
    assert (defaults.thread_replies, defaults.private_by_default, defaults.language) == (
        "starter",
        False,
        "auto",
    )
    assert defaults.answer_review_link("x1") is None
    for bad in ({"thread_replies": "everyone"}, {"language": "fr"}, {"review_url": "ftp://x"}):
        with pytest.raises(ValidationError):
            make_settings(tmp_path, **bad)


def test_spanish_lines_have_every_key_and_a_locale_picks_them() -> None:
    assert texts("es") != texts() and isinstance(texts("es"), DiscordTexts)
    assert texts("fr") == texts()
    assert locale_language("es-ES") == locale_language("es-419") == "es"
    assert locale_language("pt-BR") == locale_language(None) == "en"


def answer(language: str = "en") -> Answer:
    return Answer(
        id="a1",
        question="q",
        status="answered",
        mode="extractive",
        rendered="The lead.",
        verification=Verification(passed=True),
        language=language,
    )


def labels(view: Any) -> list[str]:
    return [item.item.label for item in view.children]


def test_still_need_help_comes_last_and_buttons_speak_the_answers_language() -> None:
    view = feedback_view("a1", more=True, help=True, language="es")
    assert [item.custom_id for item in view.children] == [
        "more:a1",
        "fb:up:a1",
        "fb:down:a1",
        "help:a1",
    ]
    assert labels(view) == [
        texts("es").MORE_LABEL,
        texts("es").FEEDBACK_UP_LABEL,
        texts("es").FEEDBACK_DOWN_LABEL,
        texts("es").HELP_LABEL,
    ]
    assert "help:a1" not in [i.custom_id for i in feedback_view("a1").children]


async def test_a_private_answer_is_sent_ephemeral_in_the_answers_language() -> None:
    sent: list[dict[str, Any]] = []

    async def send(**kwargs: Any) -> str:
        sent.append(kwargs)
        return "message"

    returned = await deliver(send, answer("es"), ephemeral=True, help=True)
    assert returned == ["message"]
    assert sent[0]["ephemeral"] is True
    assert labels(sent[0]["view"])[-1] == texts("es").HELP_LABEL
