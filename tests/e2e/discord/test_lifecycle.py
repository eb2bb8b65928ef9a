"""Start-up failures, gateway resume, compression, graceful shutdown (in-process and SIGTERM)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import zlib

import discord.utils
import pytest

from bot.discord_bot.client import ExplainerBot
from bot.discord_bot.runner import run, serve
from bot.discord_bot.texts import texts
from index.log.store import AnswerLog
from tests.support.discord.fake_discord import FakeDiscord
from tests.support.discord.fake_engine import FakeEngine
from tests.support.discord.harness import BOT_CHILD, make_settings
from tests.support.env import clean_env


async def test_a_rejected_token_is_one_line_on_stderr_and_exit_1(
    fake: FakeDiscord, tmp_path, capsys
):
    settings = make_settings(tmp_path, discord_token="wrong-secret-token")
    bot = ExplainerBot(settings, FakeEngine)
    code = await serve(bot, "wrong-secret-token")
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("explainer bot: Discord rejected the token")
    assert "wrong-secret-token" not in err and "Traceback" not in err


def test_a_missing_token_is_one_line_on_stderr_and_exit_2(tmp_path, capsys):
    code = run(settings=make_settings(tmp_path, discord_token=None))
    err = capsys.readouterr().err
    assert code == 2
    assert (
        err == "explainer bot: no Discord token: set EXPLAINER_DISCORD_TOKEN (or put it in .env)\n"
    )


async def test_an_engine_that_cannot_load_is_one_line_and_exit_1(
    fake: FakeDiscord, tmp_path, capsys
):
    def broken() -> FakeEngine:
        raise RuntimeError("cannot load embedding model 'nope'")

    bot = ExplainerBot(make_settings(tmp_path), broken)
    assert await serve(bot, fake.token) == 1
    assert (
        capsys.readouterr().err
        == "explainer bot: could not start: cannot load embedding model 'nope'\n"
    )


async def test_without_sync_guild_the_commands_are_synced_globally(fake: FakeDiscord, start_bot):
    await start_bot(sync_guild=None)
    assert sorted(c["name"] for c in fake.commands[None]) == [
        "about", "ask", "claims", "quote", "reindex"
    ]  # fmt: skip
    assert fake.guild.id not in fake.commands


async def test_syncing_to_a_server_the_bot_is_not_in_is_one_line_and_exit_1(
    fake: FakeDiscord, tmp_path, capsys
):
    bot = ExplainerBot(make_settings(tmp_path), FakeEngine, sync_guild=42)
    assert await serve(bot, fake.token) == 1
    err = capsys.readouterr().err
    assert err.startswith("explainer bot: Discord refused to register the slash commands")
    assert err.count("\n") == 1


async def test_the_bot_resumes_after_the_socket_drops_mid_answer_and_still_delivers(
    fake: FakeDiscord, start_bot, answer_log
):
    engine = FakeEngine(answer_log)
    engine.hold()
    await start_bot(engine)
    asked = await fake.slash("ask", question="Who arrested Castillo?")
    await asyncio.to_thread(engine.started.wait, 5)
    await fake.drop_gateway()
    # Dispatched while the bot is disconnected: Discord replays it on RESUME.
    missed = await fake.slash("ask", question="Who voted?", user=fake.other_member)
    engine.release.set()

    await fake.wait_for(lambda: fake.gateway.resumes == 1)
    await fake.wait_for(lambda: any(m.components for m in asked.messages))
    await fake.wait_for(lambda: any(m.components for m in missed.messages))
    assert fake.gateway.identifies == 1
    assert answer_log.count() == 2


class _ZlibStream:
    """discord.py's zlib-stream context, used when `zstandard` is not installed
    (discord/utils.py `_ZlibDecompressionContext`)."""

    COMPRESSION_TYPE = "zlib-stream"

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.context = zlib.decompressobj()

    def decompress(self, data: bytes, /) -> str | None:
        self.buffer.extend(data)
        if len(data) < 4 or data[-4:] != b"\x00\x00\xff\xff":
            return None
        msg = self.context.decompress(self.buffer)
        self.buffer = bytearray()
        return msg.decode("utf-8")


@pytest.mark.parametrize("stream", ["zstd-stream", "zlib-stream"])
async def test_the_gateway_speaks_the_compression_the_client_asks_for(
    fake: FakeDiscord, start_bot, monkeypatch, stream
):
    if stream == "zlib-stream":
        monkeypatch.setattr(discord.utils, "_ActiveDecompressionContext", _ZlibStream)
    elif stream != discord.utils._ActiveDecompressionContext.COMPRESSION_TYPE:
        pytest.skip("zstandard is not installed")
    await start_bot()
    asked = await fake.slash("ask", question="Who arrested Castillo?")
    await fake.wait_for(lambda: any(m.components for m in asked.messages))
    assert fake.gateway.compressions == [stream]


async def test_graceful_shutdown_finishes_the_answer_in_progress_and_refuses_new_ones(
    fake: FakeDiscord, start_bot, answer_log
):
    engine = FakeEngine(answer_log)
    engine.hold()
    running = await start_bot(engine)
    asked = await fake.slash("ask", question="Who arrested Castillo?")
    await asyncio.to_thread(engine.started.wait, 5)

    stopping = running.bot.request_shutdown()
    late = await fake.slash("ask", question="Who voted?", user=fake.other_member)
    await fake.wait_for(lambda: late.callbacks)
    assert late.callbacks[0]["data"]["content"] == texts().SHUTTING_DOWN
    engine.release.set()
    await stopping

    assert await running.task == 0
    assert any(m.components for m in asked.messages)
    assert engine.closed
    assert AnswerLog(answer_log.path).count() == 1


async def test_an_answer_past_the_grace_period_is_cancelled_but_still_logged(
    fake: FakeDiscord, start_bot, answer_log
):
    engine = FakeEngine(answer_log)
    engine.hold()
    running = await start_bot(engine)
    asked = await fake.slash("ask", question="Who arrested Castillo?")
    await asyncio.to_thread(engine.started.wait, 5)

    stopping = asyncio.create_task(running.bot.shutdown(grace=0.05))
    await asyncio.sleep(0.3)
    engine.release.set()
    await stopping
    assert not any(m.components for m in asked.messages)
    assert [m.content for m in asked.visible] == [texts().SHUTTING_DOWN]
    assert AnswerLog(answer_log.path).count() == 1


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
async def test_sigterm_during_an_answer_loses_no_log_row(fake: FakeDiscord, tmp_path):
    data = tmp_path / "data"
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        str(BOT_CHILD),
        "--port", str(fake.port),
        "--data", str(data),
        "--guild", str(fake.guild.id),
        "--delay", "1.0",
        stderr=asyncio.subprocess.PIPE,
        env=clean_env(),
    )  # fmt: skip
    try:
        await fake.wait_for(lambda: fake.gateway.identifies and fake.commands, timeout=60)
        await asyncio.sleep(0.2)  # GUILD_CREATE reaches the client's cache
        asked = await fake.slash("ask", question="Who arrested Castillo?")
        await fake.wait_for(lambda: asked.callbacks)
        await asyncio.sleep(0.2)  # the answer is now running in its worker thread
        child.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(child.wait(), 30)
    finally:
        if child.returncode is None:
            child.kill()
    stderr = (await child.stderr.read()).decode() if child.stderr else ""
    assert code == 0, stderr
    assert "Traceback" not in stderr and "Unclosed" not in stderr, stderr
    assert any(m.components for m in asked.messages)
    log = AnswerLog(data / "answers.db")
    [row] = log.list_answers()
    assert row.question == "Who arrested Castillo?"
    assert os.path.getsize(data / "answers.db") > 0
