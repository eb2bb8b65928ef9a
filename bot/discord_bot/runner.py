"""`explainer bot`: check the settings, run the client until a stop signal, return an exit code."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable

import aiohttp
import discord
from pydantic import ValidationError

from bot.discord_bot.client import ExplainerBot
from bot.discord_bot.service import EngineLike
from bot.settings import BotSettings, get_bot_settings

log = logging.getLogger(__name__)

EngineFactory = Callable[[BotSettings], EngineLike]


def _fail(message: str) -> None:
    print(f"explainer bot: {message}", file=sys.stderr)


def load_engine(settings: BotSettings) -> EngineLike:
    """The real engine, with its embedding model loaded now rather than on the first question."""
    from index import Engine
    from index.answer.language import warm

    engine = Engine.from_settings(settings)
    engine.embedder.embed_query("warm-up")
    warm(settings.data_dir)  # the language detector's model, before the first question
    return engine


def run(
    sync_guild: int | None = None,
    *,
    settings: BotSettings | None = None,
    engine_factory: EngineFactory = load_engine,
) -> int:
    """Run the bot until SIGINT/SIGTERM. Problems are one line on stderr and a non-zero code."""
    if settings is None:
        try:
            settings = get_bot_settings()
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "settings"
            _fail(f"invalid setting {where}: {first['msg']}")
            return 2
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not token:
        _fail("no Discord token: set EXPLAINER_DISCORD_TOKEN (or put it in .env)")
        return 2
    bot = ExplainerBot(settings, lambda: engine_factory(settings), sync_guild=sync_guild)
    return asyncio.run(serve(bot, token))


async def serve(bot: ExplainerBot, token: str) -> int:
    """Connect and serve until the client closes; stop signals shut down gracefully."""
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        loop.add_signal_handler(sig, bot.request_shutdown)
    try:
        async with bot:
            await bot.start(token)
    except discord.LoginFailure:
        _fail(
            "Discord rejected the token: check EXPLAINER_DISCORD_TOKEN "
            "(Developer Portal → Bot → Reset Token)"
        )
        return 1
    except discord.PrivilegedIntentsRequired:
        _fail(
            "Discord refused the Message Content intent: enable it in the Developer Portal "
            "(Bot → Privileged Gateway Intents), or set EXPLAINER_MENTIONS=false"
        )
        return 1
    except discord.Forbidden:
        _fail(
            "Discord refused to register the slash commands: invite the bot with the "
            "applications.commands scope (docs/discord.md) and, with --sync-guild, check that "
            "the bot is in that server"
        )
        return 1
    except (discord.HTTPException, discord.GatewayNotFound, aiohttp.ClientError, OSError) as exc:
        log.debug("connection failure", exc_info=True)
        _fail(f"cannot reach Discord: {_one_line(exc)}")
        return 1
    except Exception as exc:
        if bot.stopping:
            # Stopped while still starting (e.g. Ctrl-C during the model load): not a failure.
            log.debug("stopped during start-up", exc_info=True)
            return 0
        log.debug("start-up failure", exc_info=True)
        _fail(f"could not start: {_one_line(exc)}")
        return 1
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
        await bot.service.close()
    return 0


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
