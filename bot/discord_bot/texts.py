"""The Discord adapter's own lines, read lazily from `prompts/discord.yaml`.

Used as `texts.COOLDOWN`; the engine's lines are in `prompts/texts.yaml`.
"""

from __future__ import annotations

from functools import lru_cache

import yaml

from index.texts import PROMPTS_DIR


@lru_cache(maxsize=1)
def _lines() -> dict[str, str]:
    data = yaml.safe_load((PROMPTS_DIR / "discord.yaml").read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


def __getattr__(name: str) -> str:
    try:
        return _lines()[name]
    except KeyError:
        raise AttributeError(f"no Discord text named {name!r} in prompts/discord.yaml") from None
