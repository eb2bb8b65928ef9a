"""The review page: list and read logged answers beside the article, record verdicts."""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pydantic import ValidationError

from bot.review.security import (
    AccessLog,
    Csrf,
    HostGate,
    ReviewConfigError,
    TokenGate,
    access_log,
    check_token,
    is_loopback,
    same_origin,
)
from bot.settings import BotSettings, get_bot_settings, settings_error_line
from index import LABELS, STATUSES
from index.log.article_source import logged_article, served_article
from index.log.context import highlight
from index.log.query import FEEDBACK_FILTERS, MAX_ID, VERDICTS
from index.log.store import AnswerLog, AnswerLogError, LogFilter, UnknownAnswer
from index.log.when import parse_when
from index.texts import load_texts

# The most answers one page lists.
MAX_PAGE = 500
DEFAULT_PAGE = 100

log = logging.getLogger(__name__)
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def discord_markdown(text: str) -> Markup:
    """The answer as the member saw it: its Markdown rendered, raw HTML never passed through
    (CommonMark with `html` off escapes it; markdown-it refuses javascript: links)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("strikethrough")
    return Markup(md.render(text))  # markdown-it escapes every character of the input


def _templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["discord_markdown"] = discord_markdown
    return Jinja2Templates(env=env)


def _blank(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def _int(name: str, value: str | None, high: int = MAX_ID, low: int = 0) -> int | None:
    value = _blank(value)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()):
        raise ValueError(f"{name} must be a number, not {value[:40]!r}")
    number = int(value) if len(value) <= 20 else high + 1
    if not low <= number <= high:
        raise ValueError(f"{name} must be from {low} to {high}, not {value[:40]}")
    return number


def parse_gold_lines(text: str) -> list[dict[str, Any]]:
    """The form's gold field: one passage per line, optionally `label[,label]: passage`."""
    passages = []
    for line in text.splitlines():
        if not line.strip():
            continue
        head, sep, rest = line.partition(":")
        labels = [w.strip() for w in head.split(",")] if sep else []
        if sep and labels and all(label in LABELS for label in labels) and rest.strip():
            passages.append({"text": " ".join(rest.split()), "labels": labels})
        else:
            passages.append({"text": " ".join(line.split()), "labels": []})
    return passages


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
        limit=_int("limit", params.get("limit"), high=MAX_PAGE, low=1) or DEFAULT_PAGE,
    )


def create_app(settings: BotSettings, *, answer_log: AnswerLog | None = None) -> FastAPI:
    """The review app; refuses a non-loopback host without `review_token`, and a weak token."""
    token = settings.review_token.get_secret_value() if settings.review_token else None
    check_token(token)
    if not is_loopback(settings.review_host) and not token:
        raise ReviewConfigError(
            f"refusing to serve the review page on {settings.review_host} without a token: "
            "set EXPLAINER_REVIEW_TOKEN, or bind to 127.0.0.1"
        )
    allowed_hosts = settings.allowed_review_hosts()
    if answer_log is None:
        answer_log = AnswerLog(settings.log_db_path)
        failing = answer_log.health().failing
        if failing:
            answer_log.close()
            raise AnswerLogError(failing)
    answers = answer_log
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
    # Added last, so it runs first: a request with a foreign Host never reaches the token check.
    app.middleware("http")(HostGate(allowed_hosts))
    app.add_middleware(AccessLog)

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
        unwritten = answers.unwritten()
        try:
            flt = filter_from_query(params)
        except ValueError as exc:
            return page(request, "list.html", 400, rows=[], params=params, problem=str(exc),
                        unwritten=unwritten, more=0, **_choices())  # fmt: skip
        rows = answers.list_answers(flt)
        more = 0
        if len(rows) == flt.limit:
            more = answers.count(replace(flt, limit=None)) - len(rows)
        return page(request, "list.html", rows=rows, params=params, problem=None,
                    unwritten=unwritten, more=more, **_choices())  # fmt: skip

    @app.get("/answers/{answer_id}", response_class=HTMLResponse)
    def detail_page(request: Request, answer_id: str) -> Response:
        try:
            detail = answers.get(answer_id)
        except UnknownAnswer as exc:
            return error(request, str(exc), 404)
        source = logged_article(settings, detail.index_version)
        article = source.article
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
            article_note=source.note,
            article_fallback=source.kind != "logged",
            label_words=[texts.label_line(q.label, q.labelled_by) for q in detail.answer.quotes],
            verdicts=VERDICTS,
            statuses=STATUSES,
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
        gold: str = Form(""),
        expected_status: str = Form(""),
        csrf_token: str = Form(""),
    ) -> Response:
        if not same_origin(request, allowed_hosts) or not csrf.check(
            f"verdict:{answer_id}", csrf_token
        ):
            return error(request, "This form has expired or did not come from this page.", 403)
        passages = parse_gold_lines(gold)
        # Checked against what the engine serves (the live snapshot), else the corpus directory.
        source = served_article(settings) if passages else None
        for passage in passages:
            if source and source.article and passage["text"] not in source.article.text:
                message = f"Gold passage not in {source.where}: {passage['text'][:80]!r}"
                return error(request, message, 400)
        try:
            answers.record_verdict(
                answer_id, verdict,  # type: ignore[arg-type]
                note=_blank(note), reviewer=_blank(reviewer),
                gold=passages or None, expected_status=_blank(expected_status),
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
    try:
        settings = get_bot_settings(**{k: v for k, v in overrides.items() if v is not None})
        app = create_app(settings)
    except ValidationError as exc:
        print(f"error: {settings_error_line(exc)}", file=sys.stderr)
        return 2
    except (ReviewConfigError, AnswerLogError) as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    print(
        f"Review page on http://{settings.review_host}:{settings.review_port}/"
        + (" (token required)" if settings.review_token else "")
        + f"; answering to {', '.join(settings.allowed_review_hosts())}",
        file=sys.stderr,
    )
    # uvicorn's own access log would print `?token=…`; AccessLog prints paths only.
    if not access_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("INFO:     %(message)s"))
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False
    uvicorn.run(
        app,
        host=settings.review_host,
        port=settings.review_port,
        log_level="info",
        access_log=False,
    )
    return 0
