"""A local OpenAI-compatible server (`POST /v1/chat/completions`) that answers as scripted."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from index.llm.guards import sentences as split
from index.settings import Settings

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
GOOD, SLOW, RATE_LIMITED, SERVER_ERROR, GARBAGE = "good", "slow", "429", "500", "garbage"
# Answers 422 to a request with `response_format` (as llama-cpp-python does to `json_schema`).
NO_FORMAT = "no-format"


@dataclass
class ChatStub:
    """Set `behaviour` (and `reply`, `delay`) before each call; `requests` records the bodies."""

    behaviour: str = GOOD
    reply: str = ""
    delay: float = 3.0
    requests: list[dict] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    base_url: str = ""

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(await request.json())
        if self.behaviour == SLOW:
            await asyncio.sleep(self.delay)
        if self.behaviour == RATE_LIMITED:
            return web.json_response(
                {"error": {"message": "slow down", "type": "rate_limit"}}, status=429
            )
        if self.behaviour == SERVER_ERROR:
            return web.json_response({"error": {"message": "boom", "type": "server"}}, status=500)
        if self.behaviour == GARBAGE:
            return web.Response(text="<html>upstream went away", content_type="text/html")
        if self.behaviour == NO_FORMAT and "response_format" in self.requests[-1]:
            detail = "body -> response_format -> type: Input should be 'text' or 'json_object'"
            return web.json_response({"detail": [{"msg": detail}]}, status=422)
        return web.json_response(_completion(self.reply))

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}/v1"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


def _completion(content: str) -> dict:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "stub-model",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content},
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


@contextmanager
def stub_in_thread() -> Iterator[ChatStub]:
    """Run a stub on its own event loop in a daemon thread (for synchronous tests)."""
    stub = ChatStub()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(stub.start(), loop).result(timeout=10)
    try:
        yield stub
    finally:
        asyncio.run_coroutine_threadsafe(stub.stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


def reply_json(summary: str, article: list[str], facts: list[str] | None = None) -> str:
    """A reply whose every sentence of `summary` cites all of `article` and `facts`."""
    cites = [*article, *(facts or [])]
    return json.dumps({"sentences": [{"text": s, "cites": cites} for s in split(summary)]})


def reply_sentences(*sentences: tuple[str, list[str]]) -> str:
    """A reply of sentences, each with the ids it cites."""
    return json.dumps({"sentences": [{"text": t, "cites": c} for t, c in sentences]})


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Test settings: the repo's corpus, no `.env` file, thresholds the fake embedder clears."""
    values: dict[str, Any] = {
        "corpus_dir": CORPUS,
        "article_min_score": 0.15,
        "background_min_score": 0.15,
        **overrides,
    }
    return Settings(_env_file=None, data_dir=data_dir, **values)  # type: ignore[call-arg]
