"""Benchmark the Discord bot: N concurrent /ask through the fake Discord, the bot in its own
process. Prints: all answered / all logged, acknowledgement delays, answers per second,
event-loop lag p50/p99 in the bot process (target p99 < 100 ms) and its peak RSS.

    .venv/bin/python scripts/bench_discord.py [--questions 100] [--engine fake|real]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from index.log.store import AnswerLog  # noqa: E402
from tests.support.discord.fake_discord import FakeDiscord  # noqa: E402
from tests.support.discord.fake_payloads import FakeUser, snowflake  # noqa: E402
from tests.support.discord.harness import BOT_CHILD  # noqa: E402

QUESTIONS = (
    "Who arrested Pedro Castillo?",
    "What did Lisa Kenna do before the election?",
    "Who is Mariano Alvarado?",
    "What did Congress vote on December 7?",
    "Did the U.S. recognize the new government?",
)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


async def bench(args: argparse.Namespace) -> int:
    fake = await FakeDiscord().start()
    data = Path(tempfile.mkdtemp(prefix="bench-discord-"))
    lag_file = data / "lag.json"
    if args.engine == "real":
        # A bot starts from a built index: build it in its own process, so that the bot's peak
        # RSS is what serving costs (its own reindex then finds nothing to do).
        env = {
            **os.environ,
            "EXPLAINER_DATA_DIR": str(data),
            "EXPLAINER_CORPUS_DIR": str(ROOT / "corpus"),
        }
        subprocess.run(
            [sys.executable, "-m", "bot", "reindex", "--quiet"], env=env, check=True, cwd=ROOT
        )
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        str(BOT_CHILD),
        "--port", str(fake.port),
        "--data", str(data),
        "--guild", str(fake.guild.id),
        "--delay", str(args.delay),
        "--max-concurrent", str(args.max_concurrent),
        "--engine", args.engine,
        "--lag-out", str(lag_file),
    )  # fmt: skip
    try:
        started = time.perf_counter()
        await fake.wait_for(lambda: fake.gateway.identifies and fake.commands, timeout=600)
        await asyncio.sleep(0.5)
        print(f"bot ready in {time.perf_counter() - started:.1f} s ({args.engine} engine)")

        users = [FakeUser(snowflake(), f"user{i}") for i in range(args.questions)]
        burst_began = time.time()
        t0 = time.perf_counter()
        records = await asyncio.gather(
            *(
                fake.slash("ask", user=u, question=QUESTIONS[i % len(QUESTIONS)])
                for i, u in enumerate(users)
            )
        )
        await fake.wait_for(
            lambda: all(any(m.components for m in r.messages) for r in records), timeout=600
        )
        elapsed = time.perf_counter() - t0
        burst_ended = time.time()
        done_at = [max(m.at for m in r.messages) - r.created for r in records]
        acks = [r.ack_delay or float("inf") for r in records]
    finally:
        if child.returncode is None:
            child.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(child.wait(), 60)
        await fake.stop()

    logged = AnswerLog(data / "answers.db").count()
    report = json.loads(lag_file.read_text())
    lag_all = [lag for _, lag in report["lag_ms"]]
    lag_burst = [lag for t, lag in report["lag_ms"] if burst_began <= t <= burst_ended]
    answered = sum(any(m.components for m in r.messages) for r in records)

    print(f"questions: {len(records)}  answered: {answered}  logged: {logged}  exit code: {code}")
    print(
        f"acknowledged (defer) p50 {percentile(acks, 50) * 1000:.0f} ms, "
        f"p99 {percentile(acks, 99) * 1000:.0f} ms, max {max(acks) * 1000:.0f} ms (limit 3000)"
    )
    print(
        f"answer delivered p50 {percentile(done_at, 50) * 1000:.0f} ms, "
        f"p99 {percentile(done_at, 99) * 1000:.0f} ms"
    )
    print(f"throughput: {len(records) / elapsed:.1f} answers/s ({elapsed:.2f} s for the burst)")
    print(
        f"event-loop lag during the burst: p50 {percentile(lag_burst, 50):.1f} ms, "
        f"p99 {percentile(lag_burst, 99):.1f} ms, max {max(lag_burst, default=0):.1f} ms "
        f"({len(lag_burst)} samples); whole run p99 {percentile(lag_all, 99):.1f} ms"
    )
    print(f"peak RSS of the bot process: {report['peak_rss_kb'] / 1024:.0f} MiB")
    ok = answered == logged == len(records) and code == 0
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--engine", choices=["fake", "real"], default="fake")
    parser.add_argument(
        "--delay", type=float, default=0.02, help="seconds of simulated work per fake answer"
    )
    parser.add_argument("--max-concurrent", type=int, default=4)
    args = parser.parse_args()
    return asyncio.run(bench(args))


if __name__ == "__main__":
    sys.exit(main())
