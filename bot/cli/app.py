"""The `explainer` command line: a thin adapter over the engine, the index and the answer log."""

from __future__ import annotations

import logging

import typer

from bot.cli import ask, corpus, reindex
from bot.cli.errors import fail, load_settings
from bot.cli.logs import LOGS_HELP
from bot.cli.logs import app as logs_app

app = typer.Typer(
    help="Answer questions about one article (the corpus) with its own words, each claim labelled.",
    no_args_is_help=True,
    add_completion=False,
    # Docstring paragraphs reflow to the terminal; a blank line starts a new one.
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
)
app.command("reindex")(reindex.reindex_command)
app.command("ask")(ask.ask_command)
app.command("eval")(ask.eval_command)
app.add_typer(logs_app, name="logs", help=LOGS_HELP)
app.add_typer(corpus.app, name="corpus")


@app.command("bot")
def bot_command(
    sync_guild: int | None = typer.Option(
        None,
        "--sync-guild",
        min=0,
        max=2**63 - 1,
        help="Sync slash commands to this guild at once (for development).",
    ),
) -> None:
    """Run the Discord bot (token from EXPLAINER_DISCORD_TOKEN or .env)."""
    from bot.settings import SaltError, check_salt, get_bot_settings

    settings = load_settings(get_bot_settings)
    try:
        check_salt(settings)
    except SaltError as exc:
        fail(str(exc), 2)
    from bot.discord_bot.runner import run

    raise typer.Exit(run(sync_guild=sync_guild, settings=settings))


@app.command("review")
def review_command(
    host: str | None = typer.Option(None, help="Bind address (default EXPLAINER_REVIEW_HOST)."),
    port: int | None = typer.Option(
        None, min=0, max=65535, help="Port (default EXPLAINER_REVIEW_PORT)."
    ),
) -> None:
    """Serve the moderators' review page over the answer log."""
    from bot.review.server import serve

    raise typer.Exit(serve(host=host, port=port))


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()
