"""Run the real bot in its own process against a fake Discord (for the SIGTERM test and
scripts/bench_discord.py): `python tests/support/discord/bot_child.py --port P --data DIR [...]`.

Writes event-loop lag samples ([unix time, ms]) and its peak RSS as JSON to --lag-out on exit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT)]  # run as a script: `tests.` and the project importable

LAG_INTERVAL_S = 0.01


async def sample_lag(samples: list[tuple[float, float]]) -> None:
    """How late a 10 ms sleep wakes up: the time the loop was busy elsewhere."""
    loop = asyncio.get_running_loop()
    while True:
        began = loop.time()
        await asyncio.sleep(LAG_INTERVAL_S)
        samples.append((time.time(), (loop.time() - began - LAG_INTERVAL_S) * 1000))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", default="fake-bot-token")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--guild", type=int, required=True)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds each fake answer takes")
    parser.add_argument("--max-concurrent", type=int, default=4)
    parser.add_argument("--queue-timeout", type=float, default=30.0)
    parser.add_argument("--lag-out", type=Path)
    parser.add_argument(
        "--engine",
        choices=["fake", "real"],
        default="fake",
        help="fake: FakeEngine + real answer log; real: the real Engine and embedding model "
        "(the index is built in --data first)",
    )
    args = parser.parse_args()

    import discord.gateway
    import discord.http
    import yarl

    from bot.discord_bot.client import ExplainerBot
    from bot.discord_bot.runner import serve
    from bot.settings import BotSettings
    from index.log.store import AnswerLog
    from tests.support.discord.fake_engine import FakeEngine

    discord.http.Route.BASE = f"http://127.0.0.1:{args.port}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(
        f"ws://127.0.0.1:{args.port}/gateway"
    )
    settings = BotSettings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=args.data,
        discord_token=args.token,
        user_cooldown_seconds=0,
        guild_questions_per_minute=100_000,
        max_concurrent_answers=args.max_concurrent,
        queue_timeout_seconds=args.queue_timeout,
        user_hash_salt="test-salt",
        corpus_dir=ROOT / "corpus",
    )

    def engine() -> Any:
        if args.engine == "fake":
            return FakeEngine(AnswerLog(settings.log_db_path), delay=args.delay)
        from index.answer.engine import Engine
        from index.search.embeddings import make_embedder
        from index.search.reindex import reindex

        embedder = make_embedder(settings)
        reindex(settings, embedder=embedder)
        real = Engine.from_settings(settings, embedder=embedder)
        embedder.embed_query("warm-up")
        return real

    samples: list[tuple[float, float]] = []

    async def run() -> int:
        sampler = asyncio.create_task(sample_lag(samples))
        bot = ExplainerBot(settings, engine, sync_guild=args.guild, guild_ready_timeout=0.05)
        try:
            return await serve(bot, settings.discord_token.get_secret_value())  # type: ignore[union-attr]
        finally:
            sampler.cancel()

    began = time.perf_counter()
    code = asyncio.run(run())
    if args.lag_out:
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        report = {"lag_ms": samples, "seconds": time.perf_counter() - began, "peak_rss_kb": peak_kb}
        args.lag_out.write_text(json.dumps(report))
    return code


if __name__ == "__main__":
    sys.exit(main())
