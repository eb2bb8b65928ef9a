"""The `explainer` command line: a thin adapter over the engine, the index and the answer log."""

from bot.cli.app import app, main

__all__ = ["app", "main"]
