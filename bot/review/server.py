"""The review page: list and read logged answers beside the article, record verdicts."""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.review.security import Csrf, ReviewConfigError, TokenGate, is_loopback, same_origin
from bot.settings import BotSettings, get_bot_settings
from index import LABELS, STATUSES
from index.log.context import highlight, load_article
from index.log.query import FEEDBACK_FILTERS, VERDICTS, parse_when
from index.log.store import AnswerLog, AnswerLogError, LogFilter, UnknownAnswer
from index.texts import load_texts

log = logging.getLogger(__name__)
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def _templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return Jinja2Templates(env=env)


def _blank(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def _int(name: str, value: str | None) -> int | None:
    value = _blank(value)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {value!r}") from None


def filter_from_query(params: dict[str, str]) -> LogFilter:
    """The list page's form fields as a LogFilter (the same one `explainer logs list` builds)."""
    since, until = _blank(params.get("since")), _blank(params.get("until"))
    verdict = _blank(params.get("verdict"))
    return LogFilter(
        since=parse_when(since) if since else None,
        until=parse_when(until, end_of_day=True) if until else None,
        status=_blank(params.get("status")),
        label=_blank(params.get("label")),
        feedback=_blank(params.get("feedback")),  # type: ignore[arg-type]
        verdict=None if verdict == "unreviewed" else verdict,  # type: ignore[arg-type]
        unreviewed=verdict == "unreviewed",
        verification_failed=bool(_blank(params.get("verification_failed"))),
        guild_id=_int("server", params.get("guild")),
        channel_id=_int("channel", params.get("channel")),
        search=_blank(params.get("q")),
        limit=_int("limit", params.get("limit")) or 100,
    )


def create_app(settings: BotSettings, *, answer_log: AnswerLog | None = None) -> FastAPI:
    """The review app; refuses a non-loopback host without `review_token`."""
    token = settings.review_token.get_secret_value() if settings.review_token else None
    if not is_loopback(settings.review_host) and not token:
        raise ReviewConfigError(
            f"refusing to serve the review page on {settings.review_host} without a token: "
            "set EXPLAINER_REVIEW_TOKEN, or bind to 127.0.0.1"
        )
    answers = answer_log or AnswerLog(settings.log_db_path)
    csrf = Csrf()
    templates = _templates()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        answers.close()

    app = FastAPI(
        title="explainer review", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    if token:
        app.middleware("http")(TokenGate(token))

    def page(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    def error(request: Request, message: str, status_code: int) -> Response:
        return page(request, "error.html", status_code, message=message)

    @app.get("/healthz", response_class=PlainTextResponse)
    def healthz() -> str:
        return "ok"

    @app.get("/", response_class=HTMLResponse)
    def list_page(request: Request) -> Response:
        params = dict(request.query_params)
        try:
            flt = filter_from_query(params)
        except ValueError as exc:
            return page(request, "list.html", 400, rows=[], params=params, problem=str(exc),
                        **_choices())  # fmt: skip
        rows = answers.list_answers(flt)
        return page(request, "list.html", rows=rows, params=params, problem=None, **_choices())

    @app.get("/answers/{answer_id}", response_class=HTMLResponse)
    def detail_page(request: Request, answer_id: str) -> Response:
        try:
            detail = answers.get(answer_id)
        except UnknownAnswer as exc:
            return error(request, str(exc), 404)
        article = load_article(settings.corpus_dir)
        segments, missing = highlight(article, detail.answer.quotes) if article else ([], [])
        texts = load_texts()
        return page(
            request,
            "detail.html",
            d=detail,
            a=detail.answer,
            segments=segments,
            missing=missing,
            article_found=article is not None,
            label_words=[texts.label_line(q.label, q.labelled_by) for q in detail.answer.quotes],
            verdicts=VERDICTS,
            csrf=csrf.token(f"verdict:{answer_id}"),
            saved=request.query_params.get("saved") == "1",
        )

    @app.post("/answers/{answer_id}/verdict")
    def record_verdict(
        request: Request,
        answer_id: str,
        verdict: str = Form(""),
        note: str = Form(""),
        reviewer: str = Form(""),
        csrf_token: str = Form(""),
    ) -> Response:
        if not same_origin(request) or not csrf.check(f"verdict:{answer_id}", csrf_token):
            return error(request, "This form has expired or did not come from this page.", 403)
        try:
            answers.record_verdict(
                answer_id, verdict,  # type: ignore[arg-type]
                note=_blank(note), reviewer=_blank(reviewer),
            )  # fmt: skip
        except UnknownAnswer as exc:
            return error(request, str(exc), 404)
        except ValueError as exc:
            return error(request, str(exc), 400)
        return RedirectResponse(f"/answers/{quote(answer_id, safe='')}?saved=1", status_code=303)

    @app.exception_handler(AnswerLogError)
    async def log_error(request: Request, exc: AnswerLogError) -> Response:
        log.error("answer log error: %s", exc)
        return error(request, "The answer log could not be read; see the server log.", 503)

    return app


def _choices() -> dict[str, Any]:
    return {
        "statuses": STATUSES,
        "labels": LABELS,
        "feedbacks": FEEDBACK_FILTERS,
        "verdicts": (*VERDICTS, "unreviewed"),
    }


def serve(host: str | None = None, port: int | None = None) -> int:
    """Run the review page with uvicorn until stopped; return the exit code."""
    import uvicorn

    overrides = {"review_host": host, "review_port": port}
    settings = get_bot_settings(**{k: v for k, v in overrides.items() if v is not None})
    try:
        app = create_app(settings)
    except (ReviewConfigError, AnswerLogError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"Review page on http://{settings.review_host}:{settings.review_port}/"
        + (" (token required)" if settings.review_token else ""),
        file=sys.stderr,
    )
    uvicorn.run(app, host=settings.review_host, port=settings.review_port, log_level="info")
    return 0
