"""LLM mode: a refiner that lets a chat model write a summary bound, sentence by sentence, to the
passages and facts it cites.

The model never supplies quote text, labels, headings or sources: each of its sentences cites ids
of what it was shown, `index.llm.judge` checks every sentence against that evidence and takes
its attribution from the labels, and the answer is rebuilt from the store. The draft's best
passage stays first; the model may add to and reorder what retrieval found. Any fault gives back
the extractive draft with a one-line notice that says what happened.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from index.answer.contract import BackgroundItem, Quote
from index.answer.pipeline import Draft, IndexState
from index.corpus.card import METADATA_FACT_ID
from index.corpus.load import Corpus
from index.llm.assembly import assemble_background, assemble_quotes, drop_unshown
from index.llm.client import (
    NO_FORMAT,
    LLMConfigError,
    call_kwargs,
    check_provider,
    fault_kind,
    json_mode,
    make_chat_model,
    model_kwargs,
    parse_spec,
    rejects_format,
)
from index.llm.evidence import Shown
from index.llm.judge import Judge, Outcome
from index.llm.prompt import Context, build_context, load_llm_texts, prompts_hash, render_messages
from index.llm.reply import Reply, ReplyError, message_text, parse_reply, reply_schema
from index.llm.similarity import Similarity
from index.search.retrieval import Hit
from index.settings import Settings
from index.texts import PROMPTS_DIR, Texts, load_prompts, load_texts

log = logging.getLogger(__name__)

__all__ = [
    "LLMConfigError",
    "LLMRefiner",
    "check_provider",
    "fault_kind",
    "make_refiner",
    "model_kwargs",
    "parse_spec",
]

# A repair attempt is made only with at least this much of the time budget left.
MIN_REPAIR_SECONDS = 1.0
_REFUSAL_STOPS = frozenset({"content_filter", "refusal"})
# Which notice (prompts/llm.yaml) each fault kind gets.
NOTICE_OF = {
    "unparseable": "unparseable",
    "empty": "empty",
    "refusal": "refused",
    "unmatched": "unmatched",
}
T = TypeVar("T")


def read_message(message: BaseMessage) -> Reply:
    """The reply in a model message, or ReplyError (refusal, empty, unparseable)."""
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


def within(seconds: float, fn: Callable[[], T], what: str) -> T:
    """`fn()` in a daemon thread, waited for at most `seconds` (a TimeoutError after that; the
    call itself ends at its client's own timeout)."""
    if seconds <= 0:
        raise TimeoutError(f"no time left for {what}")
    box: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="llm-call", daemon=True).start()
    if not done.wait(seconds):
        raise TimeoutError(f"{what} took longer than {seconds:.1f} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


class LLMRefiner:
    """The engine's `Refiner` for LLM mode: `refiner(state, question, hits, draft) -> Draft`.

    `embedder` (the engine's) lets the guards compare meaning, not only words; without it they
    use word overlap alone. `last_outcome` keeps the last summary's checks, for benches.
    """

    def __init__(
        self,
        settings: Settings,
        texts: Texts,
        *,
        chat_model: Any | None = None,
        spec: str | None = None,
        prompts_dir: Path = PROMPTS_DIR,
        embedder: Any | None = None,
    ):
        self.settings = settings
        self.spec = spec or (
            settings.llm if chat_model is None else f"custom:{type(chat_model).__name__}"
        )
        self.mode = f"llm:{self.spec}"
        self._prompts_dir = prompts_dir
        self._texts = texts
        self._llm_texts = load_llm_texts(prompts_dir)
        self._similarity = Similarity(embedder)
        self._judges: dict[str, Judge] = {}
        self._lock = threading.Lock()
        self._model = chat_model
        self._built = threading.Event()
        self._build_error: BaseException | None = None
        self._json = NO_FORMAT
        self.last_outcome: Outcome | None = None
        if chat_model is None:
            try:
                provider, _ = parse_spec(settings.llm)
                self._json = json_mode(provider, settings)
            except LLMConfigError:
                pass
            # Importing and building the client takes seconds (9 s for langchain-openai here):
            # done now, in the background, so the first question's time budget covers the call.
            threading.Thread(target=self._build, name="llm-client", daemon=True).start()
        else:
            self._built.set()

    def _build(self) -> None:
        try:
            self._model = make_chat_model(self.settings)
        except BaseException as exc:  # reported at the first question, as a config fault
            self._build_error = exc
        finally:
            self._built.set()

    @property
    def template_hash(self) -> str:
        """The hash of the prompt files and llm.yaml (first 16 hex digits)."""
        return prompts_hash(load_prompts(self._prompts_dir), load_llm_texts(self._prompts_dir))

    def _secrets(self) -> tuple[str, ...]:
        key = self.settings.llm_api_key
        return (key.get_secret_value(),) if key is not None else ()

    def chat_model(self, timeout: float | None = None) -> Any:
        """The chat model; waits at most `timeout` seconds for it to be built."""
        if not self._built.wait(timeout):
            raise TimeoutError("the model client was still being set up")
        if self._build_error is not None:
            raise self._build_error
        return self._model

    # -- one question ------------------------------------------------------------------------

    def __call__(self, state: IndexState, question: str, hits: list[Hit], draft: Draft) -> Draft:
        if any(b.fact_id == METADATA_FACT_ID for b in draft.background):
            return draft  # the byline answer comes from the article's metadata alone
        began = time.monotonic()
        deadline = began + self.settings.llm_timeout
        corpus = state.corpus
        context = build_context(
            corpus,
            state.segments,
            hits,
            draft.quotes,
            draft.background,
            with_article=draft.status == "answered",
        )
        if not context.passages and not context.fact_ids:
            return draft  # nothing the model could cite
        try:
            reply = self._ask(corpus, context, question, deadline)
        except Exception as exc:
            kind = fault_kind(exc)
            log.warning(
                "llm fault %s after %.0f ms (%s): %s%s",
                kind,
                _ms(began),
                self.spec,
                _one_line(exc, self._secrets()),
                # An unexpected fault keeps its traceback, redacted like the line above.
                "\n" + redact("".join(traceback.format_exception(exc)), self._secrets())
                if kind == "error"
                else "",
            )
            return self._fallback(draft, kind)
        log.info(
            "llm replied in %.0f ms (%s, %d sentences, read as %s)",
            _ms(began),
            self.spec,
            len(reply.sentences),
            reply.shape,
        )
        try:
            return self._compose(state, context, reply, draft)
        except Exception:
            log.exception("llm fault error: the reply could not be composed")
            return self._fallback(draft, "error")

    def _ask(self, corpus: Corpus, context: Context, question: str, deadline: float) -> Reply:
        """One call, and one repair attempt if its reply cannot be read; all within the budget."""
        system, user = render_messages(load_prompts(self._prompts_dir), corpus, context, question)
        messages: list[BaseMessage] = [SystemMessage(system), HumanMessage(user)]
        model = self.chat_model(timeout=max(0.0, deadline - time.monotonic()))
        schema = reply_schema(context.ids())
        message = self._invoke(model, messages, schema, deadline)
        try:
            return read_message(message)
        except ReplyError as exc:
            if exc.kind != "unparseable" or deadline - time.monotonic() < MIN_REPAIR_SECONDS:
                raise
            log.info(
                "llm reply unparseable (%s); asking once more", _one_line(exc, self._secrets())
            )
        text = message_text(message.content)[:2000]
        repair = [*messages, AIMessage(text), HumanMessage(self._llm_texts.repair)]
        reply = read_message(self._invoke(model, repair, schema, deadline))
        return Reply(reply.sentences, f"{reply.shape}, repaired")

    def _invoke(
        self, model: Any, messages: list[BaseMessage], schema: dict[str, Any], deadline: float
    ) -> BaseMessage:
        mode = self._json
        kwargs = call_kwargs(mode, schema, self.settings)
        try:
            return within(
                deadline - time.monotonic(), lambda: model.invoke(messages, **kwargs), "the model"
            )
        except Exception as exc:
            if mode == NO_FORMAT or not rejects_format(exc):
                raise
            # This server does not take response_format: ask again without it, and from now on.
            log.warning(
                "llm server rejected response_format (%s); not sending it",
                _one_line(exc, self._secrets()),
            )
            self._json = NO_FORMAT
            return within(deadline - time.monotonic(), lambda: model.invoke(messages), "the model")

    # -- the answer --------------------------------------------------------------------------

    def judge(self, state: IndexState) -> Judge:
        """The sentence checks for this index version's corpus (built once per corpus)."""
        key = state.corpus.sha256
        with self._lock:
            judge = self._judges.get(key)
            if judge is None:
                judge = Judge(
                    state.corpus,
                    state.segments,
                    state.common,
                    state.authors,
                    self._llm_texts.attribution,
                    self._similarity,
                    frozenset(getattr(state, "byline_words", frozenset())),
                )
                self._judges = {key: judge}
            return judge

    def _compose(self, state: IndexState, context: Context, reply: Reply, draft: Draft) -> Draft:
        corpus = state.corpus
        shown = Shown(corpus, context)
        outcome = self.judge(state).judge(reply, shown)
        self.last_outcome = outcome
        quotes, background = self._assemble(corpus, draft, outcome)
        if drop_unshown(outcome, quotes, background):
            quotes, background = self._assemble(corpus, draft, outcome)
            drop_unshown(outcome, quotes, background)
        for c in outcome.sentences:
            if c.dropped:
                log.info("llm sentence dropped by %s (%s): %r", c.dropped, c.detail, c.raw[:160])
        if not outcome.enough:
            log.warning(
                "llm summary did not match the sources: kept %d of %d sentences (%s)",
                len(outcome.kept),
                outcome.proposed,
                dict(outcome.dropped_by()),
            )
            return self._fallback(draft, "unmatched")
        return draft.but(quotes=quotes, background=background, summary=outcome.summary)

    def _assemble(
        self, corpus: Corpus, draft: Draft, outcome: Outcome
    ) -> tuple[list[Quote], list[BackgroundItem]]:
        cited = outcome.cited()
        quotes = assemble_quotes(corpus, draft.quotes, cited, self.settings)
        background = assemble_background(corpus, draft, cited, quotes, self.settings)
        return quotes, background

    def _fallback(self, draft: Draft, kind: str) -> Draft:
        """The extractive draft unchanged, with a one-line notice; never a half answer."""
        key = NOTICE_OF.get(kind, "unavailable")
        notice = self._texts.lines.get(f"llm_{key}") or self._llm_texts.notices[key]
        return draft.but(summary=None, notice=notice, fault=f"llm_{kind}")


def make_refiner(
    settings: Settings, texts: Texts | None = None, embedder: Any | None = None
) -> LLMRefiner:
    """The refiner for `settings.llm`; checks the spec and the provider package now, and starts
    building the model client in the background (no network call)."""
    provider, _ = parse_spec(settings.llm)
    check_provider(provider)
    return LLMRefiner(settings, texts or load_texts(), embedder=embedder)


def _ms(since: float) -> float:
    return (time.monotonic() - since) * 1000


# What a provider's error body may echo back: keys and bearer tokens (logged as [redacted]).
_SECRET = re.compile(
    r"(?i)\b(sk|pk|rk)-[a-z0-9_-]{8,}|\bbearer\s+[^\s\"',]+"
    r"|((api[_-]?key|token|authorization|secret)[\"']?\s*[:=]\s*[\"']?)(bearer\s+)?[^\s\"',}]+"
)


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """`text` without the given secrets or anything shaped like a key or a bearer token."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return _SECRET.sub(lambda m: (m.group(2) or "") + "[redacted]", text)


def _one_line(exc: BaseException, secrets: tuple[str, ...] = ()) -> str:
    return redact(" ".join(f"{type(exc).__name__}: {exc}".split()), secrets)[:200]
