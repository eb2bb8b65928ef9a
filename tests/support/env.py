"""The environment for a child process: this one's without any `EXPLAINER_*` variable."""

from __future__ import annotations

import os

PREFIX = "EXPLAINER_"


def clean_env(**settings: str) -> dict[str, str]:
    """`os.environ` minus every `EXPLAINER_*` variable, plus `settings` (given as full names)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX)}
    env.update(settings)
    return env
