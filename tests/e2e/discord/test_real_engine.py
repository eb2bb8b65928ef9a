"""Through the real Engine (index built on a tmp data dir with the fake embedder) and the real
answer log and reindex: what members see is the engine's rendering, quotes whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.discord_bot.rendering.splitter import DISCORD_LIMIT, message_length
from index.answer.engine import Engine
from index.log.store import AnswerLog
from index.search.reindex import reindex
from tests.support.core import CORPUS_DIR, FAKE_THRESHOLDS
from tests.support.discord.fake_discord import FakeDiscord
from tests.support.discord.harness import make_settings
from tests.support.fakes import FakeEmbedder


@pytest.fixture
def real_engine(tmp_path: Path) -> Engine:
    settings = make_settings(
        tmp_path, corpus_dir=CORPUS_DIR, embedding_model=FakeEmbedder.model_id, **FAKE_THRESHOLDS
    )
    embedder = FakeEmbedder()
    reindex(settings, embedder=embedder)
    return Engine.from_settings(
        settings, embedder=embedder, answer_log=AnswerLog(settings.log_db_path)
    )


async def test_ask_through_the_real_engine_shows_its_quotes_whole_and_logs_the_answer(
    fake: FakeDiscord, start_bot, real_engine: Engine
):
    await start_bot(real_engine, corpus_dir=CORPUS_DIR, embedding_model=FakeEmbedder.model_id)
    asked = await fake.slash("ask", question="Who is Lisa Kenna?")
    await fake.wait_for(lambda: any(m.components for m in asked.messages), timeout=30)

    log = AnswerLog(real_engine.settings.log_db_path)
    [summary] = log.list_answers()
    answer = log.get(summary.id).answer
    assert answer.status == "answered" and answer.quotes
    messages = [m.content for m in asked.visible]
    assert all(message_length(m) <= DISCORD_LIMIT for m in messages)
    for quote in answer.quotes:
        # Shown whole in the messages when the default rendering has it; every one in the full.
        block = f"> {quote.text}\n"
        assert sum(block in m for m in messages) == (block in answer.rendered)
        assert block in (answer.rendered_detail or answer.rendered)
    assert f"> {answer.quotes[0].text}\n" in answer.rendered
    buttons = [c["custom_id"] for row in asked.visible[-1].components for c in row["components"]]
    more = [f"more:{answer.id}"] if answer.rendered_detail else []
    assert buttons == [*more, f"fb:up:{answer.id}", f"fb:down:{answer.id}"]
    assert log.get(summary.id).user_hash is not None


async def test_reindex_through_the_real_reindex_reuses_the_engines_embedder(
    fake: FakeDiscord, start_bot, real_engine: Engine
):
    await start_bot(real_engine, corpus_dir=CORPUS_DIR, embedding_model=FakeEmbedder.model_id)
    embedded_before = len(real_engine.embedder.embedded)
    record = await fake.slash("reindex", user=fake.admin)
    await fake.wait_for(lambda: len(record.messages) >= 2, timeout=30)
    assert record.messages[-1].content.startswith("Nothing changed in the corpus")
    assert len(real_engine.embedder.embedded) == embedded_before
