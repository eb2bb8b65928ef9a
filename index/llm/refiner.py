"""LLM mode: a refiner that lets a chat model choose the passages and write a checked summary.

The model never supplies quote text, labels, headings or sources: it cites ids of the passages
and facts it was shown, and the answer is rebuilt from the store. Its prose goes through the
guards in `index.llm.guards`; any fault gives back the extractive draft with a one-line notice.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
import time
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from index.answer.pipeline import Draft, IndexState
from index.corpus.card import METADATA_FACT_ID
from index.corpus.load import Corpus
from index.llm.guards import (
    build_background,
    build_quotes,
    guard_summary,
    needs_attribution,
    resolve_citations,
)
from index.llm.prompt import (
    Context,
    Reply,
    ReplyError,
    build_context,
    message_text,
    parse_reply,
    render_messages,
)
from index.search.retrieval import Hit
from index.settings import Settings
from index.texts import PROMPTS_DIR, Texts, load_prompts, load_texts

log = logging.getLogger(__name__)

# Retries would multiply the timeout a member waits; the extractive answer is the retry.
MAX_RETRIES = 0
# Provider → (integration package, the project's extra that installs it).
PROVIDERS = {
    "openai": ("langchain_openai", "openai"),
    "anthropic": ("langchain_anthropic", "anthropic"),
    "ollama": ("langchain_ollama", "ollama"),
}
# The two notices; prompts/texts.yaml may override them (keys llm_unavailable, llm_unchecked).
NOTICES = {
    "llm_unavailable": "The model was unavailable; showing the article's passages.",
    "llm_unchecked": "The model's summary did not pass our checks; showing the article's passages.",
}
_REFUSAL_STOPS = frozenset({"content_filter", "refusal"})


class LLMConfigError(ValueError):
    """EXPLAINER_LLM names a model this installation cannot use."""


def parse_spec(spec: str) -> tuple[str, str]:
    """'provider:model' → (provider, model); the model part may itself hold colons."""
    provider, sep, model = spec.strip().partition(":")
    if not sep or not provider.strip() or not model.strip():
        raise LLMConfigError(
            f"EXPLAINER_LLM={spec!r}: use 'none' or 'provider:model', "
            "e.g. 'openai:gpt-4o-mini' or 'ollama:llama3.1'"
        )
    return provider.strip().lower(), model.strip()


def check_provider(provider: str) -> None:
    """Fail at start-up, not at the first question, when the provider's package is missing."""
    package, extra = PROVIDERS.get(provider, (f"langchain_{provider}", ""))
    if importlib.util.find_spec(package) is not None:
        return
    how = (
        f"pip install 'explainer[{extra}]'" if extra else f"pip install {package.replace('_', '-')}"
    )
    raise LLMConfigError(
        f"the '{provider}' model provider needs the {package.replace('_', '-')} "
        f"package, which is not installed: {how}"
    )


def model_kwargs(provider: str, settings: Settings) -> dict[str, Any]:
    """The settings in each provider's own parameter names."""
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    kwargs: dict[str, Any] = {"temperature": settings.llm_temperature}
    if settings.llm_base_url:
        kwargs["base_url"] = settings.llm_base_url
    if provider == "ollama":
        # ChatOllama names the cap num_predict and passes the timeout to its HTTP client.
        kwargs.update(
            num_predict=settings.llm_max_tokens, client_kwargs={"timeout": settings.llm_timeout}
        )
        return kwargs
    kwargs.update(
        max_tokens=settings.llm_max_tokens, timeout=settings.llm_timeout, max_retries=MAX_RETRIES
    )
    if key:
        kwargs["api_key"] = key
    return kwargs


def make_chat_model(settings: Settings) -> Any:
    provider, model = parse_spec(settings.llm)
    check_provider(provider)
    from langchain.chat_models import init_chat_model

    try:
        return init_chat_model(model, model_provider=provider, **model_kwargs(provider, settings))
    except Exception as exc:  # an unknown provider, a missing key …: the same fix, the settings
        raise LLMConfigError(f"cannot set up the model {settings.llm!r}: {exc}") from exc


def fault_kind(exc: BaseException) -> str:
    """A short name for what went wrong, the same across providers."""
    if isinstance(exc, ReplyError):
        return exc.kind
    if isinstance(exc, LLMConfigError):
        return "config"
    names = [cls.__name__ for cls in type(exc).__mro__]
    status = getattr(exc, "status_code", None)
    if status is None:
        status = getattr(getattr(exc, "response", None), "status_code", None)
    if isinstance(exc, TimeoutError) or any("Timeout" in n for n in names):
        return "timeout"
    if isinstance(status, int):
        if status == 429:
            return "rate_limited"
        return "server_error" if status >= 500 else "http_error"
    if isinstance(exc, ConnectionError) or any("Connect" in n for n in names):
        return "connection"
    if isinstance(exc, ValueError | TypeError | KeyError):
        return "malformed"
    return "error"


def read_message(message: BaseMessage) -> Reply:
    """The reply in a model message, or ReplyError (refusal, empty, malformed)."""
    meta = {**message.additional_kwargs, **message.response_metadata}
    if (
        meta.get("refusal")
        or meta.get("finish_reason") in _REFUSAL_STOPS
        or meta.get("stop_reason") in _REFUSAL_STOPS
    ):
        raise ReplyError(
            "refusal",
            str(meta.get("refusal") or meta.get("finish_reason") or meta.get("stop_reason"))[:120],
        )
    return parse_reply(message_text(message.content))


class LLMRefiner:
    """The engine's `Refiner` for LLM mode: `refiner(state, question, hits, draft) -> Draft`."""

    def __init__(
        self,
        settings: Settings,
        texts: Texts,
        *,
        chat_model: Any | None = None,
        spec: str | None = None,
        prompts_dir: Path = PROMPTS_DIR,
    ):
        self.settings = settings
        self.spec = spec or (
            settings.llm if chat_model is None else f"custom:{type(chat_model).__name__}"
        )
        self.mode = f"llm:{self.spec}"
        self._model = chat_model
        self._prompts_dir = prompts_dir
        self._texts = texts
        self._lock = threading.Lock()

    @property
    def template_hash(self) -> str:
        """The hash of the prompt files this refiner sends (first 16 hex digits)."""
        return load_prompts(self._prompts_dir).sha256[:16]

    def chat_model(self) -> Any:
        """The chat model, built on first use (no network at start-up)."""
        with self._lock:
            if self._model is None:
                self._model = make_chat_model(self.settings)
            return self._model

    def __call__(self, state: IndexState, question: str, hits: list[Hit], draft: Draft) -> Draft:
        if any(b.fact_id == METADATA_FACT_ID for b in draft.background):
            return draft  # the byline answer comes from the article's metadata alone
        began = time.perf_counter()
        try:
            corpus = state.corpus
            context = build_context(
                corpus,
                state.segments,
                hits,
                draft.quotes,
                draft.background,
                with_article=draft.status == "answered",
            )
            system, user = render_messages(
                load_prompts(self._prompts_dir), corpus, context, question
            )
            message = self.chat_model().invoke([SystemMessage(system), HumanMessage(user)])
            reply = read_message(message)
        except Exception as exc:
            kind = fault_kind(exc)
            log.warning(
                "llm fault %s after %.0f ms (%s): %s",
                kind,
                _ms(began),
                self.spec,
                _one_line(exc),
                exc_info=kind == "error",
            )
            return self._fallback(draft, kind, "llm_unavailable")
        log.info("llm replied in %.0f ms (%s)", _ms(began), self.spec)
        try:
            return self._compose(corpus, context, reply, draft, state)
        except Exception:
            log.exception("llm fault error: the reply could not be composed")
            return self._fallback(draft, "error", "llm_unavailable")

    def _compose(
        self, corpus: Corpus, context: Context, reply: Reply, draft: Draft, state: IndexState
    ) -> Draft:
        cited = resolve_citations(reply, context)
        if cited.dropped:
            log.info("llm cited ids it was not shown, dropped: %s", cited.dropped)
        quotes = build_quotes(corpus, cited.segments, self.settings) or list(draft.quotes)
        background = list(draft.background)
        if cited.segments or cited.fact_ids:
            background = (
                build_background(corpus, cited.fact_ids, quotes, self.settings) or background
            )
        guarded = guard_summary(
            reply.summary,
            corpus.article.text,
            needs_attribution(context, quotes),
            state.common,
            state.authors,
        )
        if guarded.bad_quotations:
            log.info(
                "llm summary: dropped %d sentence(s) quoting words not in the article",
                len(guarded.bad_quotations),
            )
        if guarded.verdicts:
            log.info("llm summary: dropped %d sentence(s) passing verdicts", len(guarded.verdicts))
        if guarded.unattributed:
            log.warning(
                "llm summary restates allegations without attribution: %s",
                [s[:80] for s in guarded.unattributed],
            )
            return self._fallback(draft, "unattributed", "llm_unchecked")
        return draft.but(quotes=quotes, background=background, summary=guarded.summary)

    def _fallback(self, draft: Draft, kind: str, notice_key: str) -> Draft:
        """The extractive draft unchanged, with a one-line notice; never a half answer."""
        notice = self._texts.lines.get(notice_key, NOTICES[notice_key])
        return draft.but(summary=None, notice=notice, fault=f"llm_{kind}")


def make_refiner(settings: Settings, texts: Texts | None = None) -> LLMRefiner:
    """The refiner for `settings.llm`; checks the spec and the provider package now, builds the
    model on first use."""
    provider, _ = parse_spec(settings.llm)
    check_provider(provider)
    return LLMRefiner(settings, texts or load_texts())


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
