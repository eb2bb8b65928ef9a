"""/reindex: Manage Server (and the admin allowlist) checked at run time, one at a time,
answers keep flowing from the old index meanwhile."""

from __future__ import annotations

import asyncio
import threading

from bot.discord_bot.texts import texts
from index.corpus.load import CorpusInvalid
from index.search.reindex import ReindexSummary
from tests.support.discord.fake_discord import FakeDiscord


class FakeReindex:
    def __init__(self, *, errors: list[str] | None = None):
        self.calls: list[dict] = []
        self.errors = errors
        self.release = threading.Event()
        self.release.set()
        self.started = threading.Event()

    def __call__(self, settings, *, embedder=None, progress=None) -> ReindexSummary:
        self.calls.append({"settings": settings, "embedder": embedder})
        self.started.set()
        self.release.wait(10)
        if self.errors:
            raise CorpusInvalid(self.errors)
        return ReindexSummary(3, 1, 2, 40, 1.25, 7, "explainer-v7", "fake-model", True)


async def test_a_member_without_manage_server_is_refused(fake: FakeDiscord, start_bot):
    reindex = FakeReindex()
    await start_bot(reindex_fn=reindex)
    record = await fake.slash("reindex", user=fake.member)
    await fake.wait_for(lambda: record.callbacks)
    assert record.callbacks[0]["data"]["content"] == texts().REINDEX_NOT_ADMIN
    assert record.callbacks[0]["data"]["flags"] & 64
    assert reindex.calls == []


async def test_the_command_is_registered_for_managers_only_and_not_in_dms(
    fake: FakeDiscord, start_bot
):
    await start_bot()
    [command] = [c for c in fake.commands[fake.guild.id] if c["name"] == "reindex"]
    assert int(command["default_member_permissions"]) == 1 << 5
    assert command["contexts"] == [0]


async def test_an_admin_runs_it_and_the_engine_reloads(fake: FakeDiscord, start_bot):
    reindex = FakeReindex()
    running = await start_bot(reindex_fn=reindex)
    record = await fake.slash("reindex", user=fake.admin)
    await fake.wait_for(lambda: len(record.messages) >= 2)

    assert record.callbacks[0]["data"]["content"] == texts().REINDEX_STARTED
    report = record.messages[-1]
    assert report.ephemeral
    assert report.content.startswith(
        "Reindexed in 1.2 s: 3 added, 1 updated, 2 deleted, 40 unchanged"
    )
    assert "version 7" in report.content
    assert running.engine.reloads == 1
    assert reindex.calls[0]["settings"] is running.settings


async def test_the_admin_allowlist_narrows_who_may_reindex(fake: FakeDiscord, start_bot):
    reindex = FakeReindex()
    await start_bot(reindex_fn=reindex, admin_user_ids=str(fake.member.id))
    record = await fake.slash("reindex", user=fake.admin)
    await fake.wait_for(lambda: record.callbacks)
    assert record.callbacks[0]["data"]["content"] == texts().REINDEX_NOT_ADMIN
    assert reindex.calls == []


async def test_a_manager_with_an_allowlisted_role_may_reindex(fake: FakeDiscord, start_bot):
    reindex = FakeReindex()
    await start_bot(reindex_fn=reindex, admin_role_ids=f"{fake.admin_role},99")
    record = await fake.slash("reindex", user=fake.admin)
    await fake.wait_for(lambda: len(record.messages) >= 2)
    assert record.callbacks[0]["data"]["content"] == texts().REINDEX_STARTED
    assert len(reindex.calls) == 1


async def test_validation_errors_are_reported_and_nothing_reloads(fake: FakeDiscord, start_bot):
    reindex = FakeReindex(
        errors=["claims.yaml:12: quote not found in the article", "facts/x.md:3: no url"]
    )
    running = await start_bot(reindex_fn=reindex)
    record = await fake.slash("reindex", user=fake.admin)
    await fake.wait_for(lambda: len(record.messages) >= 2)
    report = record.messages[-1].content
    assert report.startswith(texts().REINDEX_INVALID)
    assert "claims.yaml:12: quote not found in the article" in report
    assert "facts/x.md:3: no url" in report
    assert running.engine.reloads == 0


async def test_a_second_reindex_is_refused_while_answers_keep_coming(fake: FakeDiscord, start_bot):
    reindex = FakeReindex()
    reindex.release.clear()
    await start_bot(reindex_fn=reindex)
    first = await fake.slash("reindex", user=fake.admin)
    await asyncio.to_thread(reindex.started.wait, 5)

    second = await fake.slash("reindex", user=fake.admin)
    await fake.wait_for(lambda: second.callbacks)
    assert second.callbacks[0]["data"]["content"].startswith("A reindex is already running")

    question = await fake.slash("ask", question="Who arrested Castillo?")
    await fake.wait_for(lambda: any(m.components for m in question.messages))

    reindex.release.set()
    await fake.wait_for(lambda: len(first.messages) >= 2)
    assert len(reindex.calls) == 1
