"""An engine with the real Engine's API that returns valid, really rendered Answers quickly and
records its calls; answers can be held back to test what happens while they are in progress."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from index.answer.contract import Answer, BackgroundItem, Quote, Source, Verification
from index.answer.engine import ArticleAbout, ClaimView
from index.answer.records import AskContext, LogRecord
from index.answer.render import render
from index.texts import load_texts

LABEL_CYCLE = ("established", "allegation", "disputed", "opinion")


def article_words(n: int, seed: int) -> str:
    words = ("Castillo", "Congress", "vacancy", "embassy", "police", "Lima", "decree", "vote")
    return " ".join(words[(seed + i) % len(words)] for i in range(n)) + "."


class FakeEngine:
    def __init__(
        self,
        answer_log: Any | None = None,
        *,
        quotes: int = 2,
        quote_words: int = 20,
        delay: float = 0.0,
    ):
        self.log = answer_log
        self.quotes = quotes
        self.quote_words = quote_words
        self.delay = delay
        self.calls: list[tuple[str, str, AskContext | None]] = []
        self.conversations: list[dict[str, Any]] = []
        self.threads: set[str] = set()
        self.release = threading.Event()
        self.release.set()
        self.started = threading.Event()
        self.reloads = 0
        self.closed = False
        self.texts = load_texts()
        self._lock = threading.Lock()

    def hold(self) -> None:
        """Make answers wait (in their worker thread) until `release.set()`."""
        self.release.clear()
        self.started.clear()

    def answer(
        self, question: str, context: AskContext | None = None, **conversation: Any
    ) -> Answer:
        return self._respond("answer", question, context, background=True, **conversation)

    def quote(self, topic: str, context: AskContext | None = None, **conversation: Any) -> Answer:
        return self._respond("quote", topic, context, background=False, **conversation)

    def _respond(
        self,
        kind: str,
        question: str,
        context: AskContext | None,
        background: bool,
        **conversation: Any,
    ) -> Answer:
        with self._lock:
            self.calls.append((kind, question, context))
            # The follow-up and language the bot passed (the real engine's keyword arguments).
            self.conversations.append(conversation)
            self.threads.add(threading.current_thread().name)
        self.started.set()
        if not self.release.wait(30):
            raise RuntimeError("the test never released the held answer")
        if self.delay:
            time.sleep(self.delay)
        quotes = [
            Quote(
                text=article_words(self.quote_words, n),
                start=n * 1000,
                end=n * 1000 + 100,
                sentence_ids=[f"p{n + 1}.s1"],
                paragraph=n + 1,
                label=LABEL_CYCLE[n % len(LABEL_CYCLE)],  # type: ignore[arg-type]
                labelled_by="curated",
                claim_ids=[f"claim-{n}"],
                note=f"Note on quote {n}.",
            )
            for n in range(self.quotes)
        ]
        items = (
            [
                BackgroundItem(
                    fact_id="fact-1",
                    text="Congress voted to remove Castillo on 7 December 2022.",
                    sources=[
                        Source(
                            publisher="Reuters",
                            url="https://example.org/r",
                            date="2022-12-07",
                            title="t",
                        )
                    ],
                )
            ]
            if background
            else []
        )
        # The lead echoes the question so mention-safety is tested on hostile text.
        lead = f"You asked: {question}"
        rendered = render(quotes, items, self.texts, lead=lead)
        answer = Answer(
            id=uuid.uuid4().hex,
            question=question,
            status="answered",
            mode="extractive",
            quotes=quotes,
            background=items,
            rendered=rendered,
            verification=Verification(passed=True),
            timings_ms={"total": 1.0},
        )
        if self.log is not None:
            self.log.write(LogRecord(answer=answer, context=context or AskContext()))
        return answer

    def claims(self, label: str | None = None) -> list[ClaimView]:
        views = [
            ClaimView(
                f"claim-{n}",
                article_words(self.quote_words, n),
                LABEL_CYCLE[n % 4],
                f"Note {n}.",
                n + 1,
            )
            for n in range(40)
        ]
        return [v for v in views if label in (None, v.label)]

    def about(self) -> ArticleAbout:
        return ArticleAbout(
            title="The U.S. Egged On The Coup In Peru",
            authors=["Vijay Prashad", "José Carlos Llerena Robles"],
            publisher="Globetrotter",
            date="2022-12-14",
            copies=[
                Source(
                    publisher="Dissident Voice",
                    url="https://example.org/dv",
                    date="2022-12-20",
                    title="t",
                )
            ],
            summary="An opinion piece.",
            label_legend={
                label: self.texts.label_words[label] for label in (*LABEL_CYCLE, "unreviewed")
            },
        )

    def reload(self) -> None:
        self.reloads += 1

    def close(self) -> None:
        self.closed = True
        if self.log is not None and hasattr(self.log, "close"):
            self.log.close()
