"""The answer engine: `Engine.answer(question) -> Answer`, extractive by default, verified."""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from typing import Any

from langchain_core.embeddings import Embeddings

from index.answer.contract import Answer, Carried
from index.answer.finish import build_answer, render_draft, verify_draft
from index.answer.followup import FollowUp, Resolution, annotate, resolve
from index.answer.language import detect_language
from index.answer.live import LiveIndex
from index.answer.names import name_words
from index.answer.pipeline import Draft, IndexState, Refiner
from index.answer.query import Query, load_intents, parse
from index.answer.records import AskContext, Candidate, LogRecord
from index.answer.render import Rendering
from index.answer.sanitize import clean_question
from index.answer.status import compose_draft
from index.answer.views import ArticleAbout, ClaimView, article_about, claim_views
from index.corpus.load import Corpus
from index.search.embeddings import EmbeddingModelError, make_embedder
from index.search.retrieval import Hit
from index.search.store import (
    IndexUnavailable,
    ModelMismatch,
    is_not_found,
)
from index.settings import Settings
from index.texts import Texts, TextsInvalid, available_languages, load_texts

log = logging.getLogger(__name__)
EXTRACTIVE = "extractive"


class Engine:
    def __init__(
        self,
        settings: Settings,
        embedder: Embeddings,
        answer_log: Any | None = None,
        texts: Texts | None = None,
        client: Any | None = None,
        refiner: Refiner | None = None,
    ):
        self.settings = settings
        self.embedder = embedder
        self.log = answer_log
        self.texts = texts or load_texts()
        self._live = LiveIndex(settings, embedder, self.texts, client)
        # A refiner adds prose to the extractive draft (LLM mode); it never supplies quote text.
        self.refiner = refiner
        self.mode = refiner.mode if refiner is not None else EXTRACTIVE

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        embedder: Embeddings | None = None,
        answer_log: Any | None = None,
        with_log: bool = True,
    ) -> Engine:
        texts = load_texts()
        if answer_log is None and with_log:
            from index.log.store import AnswerLog

            answer_log = AnswerLog(settings.log_db_path)
        embedder = embedder or make_embedder(settings)
        refiner = None
        if settings.llm.strip().lower() not in ("", "none"):
            from index.llm.refiner import make_refiner

            # The guards compare the model's sentences with the evidence by meaning, too.
            refiner = make_refiner(settings, texts, embedder=embedder)
        engine = cls(settings, embedder, answer_log, texts=texts, refiner=refiner)
        try:
            engine.load()
        except (IndexUnavailable, ModelMismatch) as exc:
            log.warning("%s; will retry on the next question", exc)
        return engine

    # -- index state (live.py) ---------------------------------------------------------------

    def load(self) -> None:
        """(Re)load the corpus and the live index version; raises IndexUnavailable/ModelMismatch."""
        self._live.load()

    def reload(self) -> None:
        self._live.load()

    def prepare(self) -> None:
        """Load the live version and build what its first question would otherwise build."""
        self._live.prepare()

    def snapshot(self) -> IndexState:
        """The live index version's state (loading it if needed), for tools and tests."""
        return self._live.ready()

    @property
    def corpus(self) -> Corpus:
        return self._live.ready().corpus

    @property
    def index_version(self) -> str | None:
        return self._live.state.pointer.collection if self._live.state else None

    # -- answering ---------------------------------------------------------------------------

    def answer(
        self,
        question: str,
        context: AskContext | None = None,
        *,
        follow_up: FollowUp | None = None,
        language: str | None = None,
    ) -> Answer:
        """`follow_up`: the previous answer of the conversation, as data (see followup.py);
        `language`: the answer's language (None: the question's, detected)."""
        return self._respond(question, context, False, follow_up, language)

    def quote(
        self,
        topic: str,
        context: AskContext | None = None,
        *,
        follow_up: FollowUp | None = None,
        language: str | None = None,
    ) -> Answer:
        """Only the article's passages on a topic, with labels; no background."""
        return self._respond(topic, context, True, follow_up, language)

    def _respond(
        self,
        question: str,
        context: AskContext | None,
        quotes_only: bool,
        follow_up: FollowUp | None = None,
        language: str | None = None,
    ) -> Answer:
        began = time.perf_counter()
        answer_id = uuid.uuid4().hex
        cleaned = clean_question(question)
        timings: dict[str, float] = {}
        texts = self.texts_for(self.language_of(cleaned, language, follow_up))
        state, hits, draft, carried = self._draft(cleaned, quotes_only, timings, texts, follow_up)
        rendered = self._render(draft, texts)
        failures = verify_draft(state, draft, rendered, texts)
        language = texts.language

        def built(draft: Draft, rendered: Rendering) -> Answer:
            return build_answer(
                answer_id,
                cleaned,
                draft,
                rendered,
                failures,
                timings,
                mode=self.mode,
                language=language,
                carried=carried,
            )

        rejected_answer = None
        if failures:
            rejected_answer = built(draft, rendered)
            log.error("answer %s failed verification: %s", answer_id, failures)
            draft = Draft("error", [], [], lead=texts.lines["error"], fault=draft.fault)
            rendered = self._render(draft, texts)
        timings["total"] = _ms(began)
        answer = built(draft, rendered)
        self._write_log(
            LogRecord(
                answer=answer,
                context=context or AskContext(),
                candidates=tuple(h.candidate() for h in hits[:30]),
                index_version=state.pointer.collection if state else None,
                embedding_model=getattr(self.embedder, "model_id", None),
                template_hash=self._template_hash(texts),
                rejected_answer=rejected_answer,
                fault=draft.fault,
                language=texts.language,
                carried=carried,
            )
        )
        return answer

    def _draft(
        self,
        question: str,
        quotes_only: bool,
        timings: dict[str, float],
        texts: Texts | None = None,
        follow_up: FollowUp | None = None,
    ) -> tuple[IndexState | None, list[Hit], Draft, Carried | None]:
        """Retrieve, compose and refine; every fault becomes a safe draft naming it."""
        texts = texts or self.texts
        rejected = self._check_input(question, texts)
        if rejected:
            return None, [], Draft("rejected_input", [], [], lead=rejected), None
        state: IndexState | None = None
        hits: list[Hit] = []
        carried: Carried | None = None
        try:
            state = self._live.ready()
            t0 = time.perf_counter()
            resolution = self._resolve(state, self.parse(state, question), follow_up)
            query, carried = resolution.query, resolution.carried
            state, hits = self._search(state, query.topic)
            hits = resolution.prioritize(hits)
            timings["retrieve"] = _ms(t0)
            t1 = time.perf_counter()
            draft = compose_draft(state, query, hits, self.settings, texts, quotes_only)
            draft = self._refine(state, question, hits, draft)
            draft = annotate(draft, texts, carried)
            timings["compose"] = _ms(t1)
            return state, hits, draft, carried
        except ModelMismatch as exc:
            return (
                state,
                hits,
                Draft("error", [], [], lead=str(exc), fault=f"model_mismatch: {exc}"),
                carried,
            )
        except (IndexUnavailable, EmbeddingModelError) as exc:
            if not isinstance(exc, EmbeddingModelError):
                self._live.forget()
            lead = texts.lines["index_unavailable"]
            fault = f"index_unavailable: {exc}"
            return state, hits, Draft("error", [], [], lead=lead, fault=fault), carried
        except Exception as exc:
            log.exception("answer failed")
            return (
                state,
                hits,
                Draft("error", [], [], lead=texts.lines["error"], fault=repr(exc)),
                carried,
            )

    def parse(self, state: IndexState, question: str) -> Query:
        """The question parsed once against the live corpus (intent, topic, names)."""
        return parse(
            question,
            names=state.names,
            front_matter_words=state.byline_words,
            known_words=state.retriever.known_words,
            spell=state.retriever.spelled,
            background=state.background_names,
            router=self._live.router,
            authors=frozenset(state.authors),
            article_words=state.article_words,
        )

    def _resolve(self, state: IndexState, query: Query, follow_up: FollowUp | None) -> Resolution:
        """The question read against the conversation (followup.py): alone, or carrying."""
        return resolve(
            state,
            query,
            follow_up,
            parse=lambda text: self.parse(state, text),
            search=state.retriever.search,
        )

    # -- languages ---------------------------------------------------------------------------

    def language_of(
        self, question: str, language: str | None = None, follow_up: FollowUp | None = None
    ) -> str:
        """The answer's language: the one asked for when there are texts for it, else the
        question's (detected; the article's names ignored), else the conversation's."""
        supported = available_languages()
        if language is not None:
            return language if language in supported else self.texts.language
        fallback = follow_up.language if follow_up is not None else None
        state = self._live.state
        names = name_words(state.corpus) if state is not None else frozenset()
        return detect_language(
            question,
            names=names,
            fallback=fallback,
            languages=supported,
            cache_dir=self.settings.data_dir,
        )

    def texts_for(self, language: str) -> Texts:
        """The answer texts of a language (the engine's own for its language or a bad file)."""
        if language == self.texts.language:
            return self.texts
        try:
            return load_texts(language=language)
        except TextsInvalid:
            log.exception("no usable texts for language %s; answering in English", language)
            return self.texts

    def _search(self, state: IndexState, question: str) -> tuple[IndexState, list[Hit]]:
        try:
            return state, state.retriever.search(question)
        except Exception as exc:
            # The loaded version may have been replaced by another process: reload once.
            if not (isinstance(exc, IndexUnavailable) or is_not_found(exc)):
                raise
            self._live.forget()
            state = self._live.ready()
            return state, state.retriever.search(question)

    def _render(self, draft: Draft, texts: Texts | None = None) -> Rendering:
        state = self._live.state
        return render_draft(draft, texts or self.texts, state.corpus if state else None)

    @property
    def template_hash(self) -> str:
        """Hash of every text and prompt template that shaped the answer (logged with it)."""
        return self._template_hash(self.texts)

    def _template_hash(self, texts: Texts) -> str:
        parts = [texts.sha256, load_intents().sha256]
        if self.refiner is not None:
            parts.append(self.refiner.template_hash)
        return hashlib.sha256(":".join(parts).encode()).hexdigest()[:16]

    def _check_input(self, question: str, texts: Texts | None = None) -> str | None:
        lines = (texts or self.texts).lines
        if not question:
            return lines["empty"]
        if len(question) > self.settings.max_question_chars:
            return lines["too_long"].format(limit=self.settings.max_question_chars)
        return None

    def _refine(self, state: IndexState, question: str, hits: list[Hit], draft: Draft) -> Draft:
        if self.refiner is None or draft.status not in ("answered", "no_article_match"):
            return draft
        return self.refiner(state, question, hits, draft)

    def _write_log(self, record: LogRecord) -> None:
        if self.log is None:
            return
        try:
            self.log.write(record)
        except Exception:
            # The member still gets the answer; the failure is reported for the operators.
            log.exception("could not write answer %s to the log", record.answer.id)

    # -- views for adapters ------------------------------------------------------------------

    def claims(self, label: str | None = None) -> list[ClaimView]:
        return claim_views(self.corpus, label)

    def about(self) -> ArticleAbout:
        return article_about(self.corpus, self.texts)

    def close(self) -> None:
        if self.log is not None and hasattr(self.log, "close"):
            self.log.close()


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 3)


__all__ = ["Answer", "ArticleAbout", "AskContext", "Candidate", "ClaimView", "Engine", "FollowUp"]
