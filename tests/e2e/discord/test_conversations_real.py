"""Through the real Engine (an index built with the fake embedder) and the real answer log: a
pronoun follow-up in the bot's thread carries the topic and finds the passage; a Spanish
question gets the Spanish fixed texts."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bot.discord_bot.texts import texts
from index.answer.engine import Engine
from index.log.store import AnswerLog
from index.search.reindex import reindex
from index.texts import load_texts
from tests.support.core import CORPUS_DIR, FAKE_THRESHOLDS, KENNA_MEETING
from tests.support.discord.fake_discord import FakeDiscord, Sent
from tests.support.discord.harness import make_settings
from tests.support.fakes import FakeEmbedder

ENGLISH = load_texts()
SPANISH = load_texts(language="es")
SPANISH_QUESTION = "¿Quién es Lisa Kenna?"
REAL = {"corpus_dir": CORPUS_DIR, "embedding_model": FakeEmbedder.model_id}


@pytest.fixture
def real_engine(tmp_path: Path) -> Engine:
    settings = make_settings(tmp_path, **REAL, **FAKE_THRESHOLDS)
    embedder = FakeEmbedder()
    reindex(settings, embedder=embedder)
    return Engine.from_settings(
        settings, embedder=embedder, answer_log=AnswerLog(settings.log_db_path)
    )


def answers_in(fake: FakeDiscord, channel_id: int) -> list[Sent]:
    return [m for m in fake.channel_messages.get(channel_id, []) if m.components]


def labels(message: Sent) -> list[str]:
    return [c.get("label") for row in message.components for c in row["components"]]


async def test_a_pronoun_follow_up_in_the_thread_gets_the_carried_topic_and_the_right_quote(
    fake: FakeDiscord, start_bot, real_engine: Engine
):
    await start_bot(real_engine, **REAL)
    asked = await fake.user_message(
        "Did the U.S. ambassador meet Peru's defense minister Bobbio?", mention_bot=True
    )
    thread_id = int(asked["id"])
    await fake.wait_for(lambda: answers_in(fake, thread_id), timeout=30)

    await fake.user_message("So was that ever confirmed??", channel_id=thread_id)
    await fake.wait_for(lambda: len(answers_in(fake, thread_id)) == 2, timeout=30)
    reply = answers_in(fake, thread_id)[-1].content
    about = ENGLISH.lines["follow_up_about"].format(
        topic="U.S. ambassador meet Peru's defense minister Bobbio"
    )
    assert f"_{about}_" in reply
    assert f"> {KENNA_MEETING}\n" in reply

    log = AnswerLog(real_engine.settings.log_db_path)
    second, first = log.list_answers()
    answer = log.get(second.id).answer
    assert answer.carried is not None and answer.carried.previous_answer_id == first.id
    assert answer.verification.passed
    db = sqlite3.connect(log.path)
    row = db.execute(
        "SELECT follow_up_of, carried_topic, carried_claim_ids, language FROM answers WHERE id = ?",
        (second.id,),
    ).fetchone()
    assert row[:2] == (first.id, answer.carried.topic)
    assert json.loads(row[2])[0] == "kenna-bobbio-meeting"
    assert row[3] == "en"


async def test_a_spanish_question_gets_spanish_labels_lines_and_buttons(
    fake: FakeDiscord, start_bot, real_engine: Engine
):
    await start_bot(real_engine, **REAL)
    record = await fake.slash("ask", question=SPANISH_QUESTION)
    message = await fake.wait_for(
        lambda: next((m for m in record.messages if m.components), None), timeout=30
    )
    assert any(f"\n{tag} · " in message.content for tag in SPANISH.tags.values())
    assert not any(tag in message.content for tag in ENGLISH.tags.values())
    assert SPANISH.lines["notes_in_english"] in message.content
    assert labels(message)[-2:] == [
        texts("es").FEEDBACK_UP_LABEL,
        texts("es").FEEDBACK_DOWN_LABEL,
    ]
    answer = AnswerLog(real_engine.settings.log_db_path).list_answers()[0]
    assert AnswerLog(real_engine.settings.log_db_path).get(answer.id).answer.language == "es"


async def test_a_server_language_fixes_the_answers_language(
    fake: FakeDiscord, start_bot, real_engine: Engine
):
    await start_bot(real_engine, language="en", **REAL)
    record = await fake.slash("ask", question=SPANISH_QUESTION)
    message = await fake.wait_for(
        lambda: next((m for m in record.messages if m.components), None), timeout=30
    )
    assert any(f"\n{tag} · " in message.content for tag in ENGLISH.tags.values())
    assert SPANISH.lines["notes_in_english"] not in message.content
    assert labels(message)[-2:] == [texts().FEEDBACK_UP_LABEL, texts().FEEDBACK_DOWN_LABEL]
