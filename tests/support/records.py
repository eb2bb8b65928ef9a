"""Hand-built answers over a tiny article, shared by the answer log, logs CLI and review tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from index.answer.contract import Answer, BackgroundItem, Quote, Source, Verification
from index.answer.records import AskContext, Candidate, LogRecord
from index.corpus.article import Article, parse_article
from index.log.store import AnswerLog

ARTICLE_MD = """---
title: "A Test Article"
---
A Test Article

The president announced that he would temporarily dissolve the Congress. We are told that the \
ambassador met the minister on December 6. This measure sealed his fate.

He was arrested by the military along Avenida España. His approval rating had risen to 31 percent.
"""

ARTICLE: Article = parse_article(ARTICLE_MD)
MEETING = "the ambassador met the minister on December 6"
DISSOLVE = "temporarily dissolve the Congress"
ARREST = "arrested by the military along Avenida España"

DAY1 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
DAY2 = datetime(2024, 5, 2, 10, 0, tzinfo=UTC)
DAY3 = datetime(2024, 5, 3, 10, 0, tzinfo=UTC)


def write_article(corpus_dir: Path) -> Path:
    corpus_dir.mkdir(parents=True, exist_ok=True)
    path = corpus_dir / "article.md"
    path.write_text(ARTICLE_MD, encoding="utf-8")
    return path


def quote(text: str, label: str, note: str = "a note", claim_ids: list[str] | None = None) -> Quote:
    """A quote sliced from the test article, as the engine would slice it."""
    start = ARTICLE.text.index(text)
    end = start + len(text)
    sentences = ARTICLE.sentences_overlapping(start, end)
    return Quote(
        text=ARTICLE.text[start:end],
        start=start,
        end=end,
        sentence_ids=[s.id for s in sentences],
        paragraph=sentences[0].paragraph,
        label=label,  # type: ignore[arg-type]
        labelled_by="curated" if claim_ids else "cue",
        claim_ids=claim_ids or [],
        note=note,
    )


def answer(
    answer_id: str,
    question: str,
    status: str = "answered",
    quotes: tuple[Quote, ...] = (),
    background: tuple[BackgroundItem, ...] = (),
    passed: bool = True,
    total_ms: float = 100.0,
) -> Answer:
    rendered = "\n".join([question, *(f'> "{q.text}" — {q.label}' for q in quotes)])
    return Answer(
        id=answer_id,
        question=question,
        status=status,  # type: ignore[arg-type]
        mode="extractive",
        quotes=list(quotes),
        background=list(background),
        rendered=rendered,
        verification=Verification(passed=passed, failures=[] if passed else ["quote not verbatim"]),
        timings_ms={"retrieve": total_ms / 2, "compose": total_ms / 2, "total": total_ms},
    )


def record(ans: Answer, guild: int | None = 1, channel: int | None = 10, **kw: object) -> LogRecord:
    return LogRecord(
        answer=ans,
        context=AskContext(
            source="discord", guild_id=guild, channel_id=channel, user_hash="u" * 32
        ),
        candidates=(
            Candidate(kind="sentence", id="p1.s2", fused=0.032, rank=1, dense=0.71, bm25=4.2),
            Candidate(kind="claim", id="ambassador-meeting", fused=0.016, rank=2, dense=0.55),
        ),
        index_version="idx-1",
        embedding_model="fake-embedder",
        template_hash="tmpl-abc",
        **kw,  # type: ignore[arg-type]
    )


FACT = BackgroundItem(
    fact_id="escort",
    text="His own police escort detained him.",
    sources=[
        Source(publisher="Reuters", url="https://example.org/r", date="2022-12-08", title="T")
    ],
)


def fill(log: AnswerLog) -> None:
    """Five answers over three days with feedback and verdicts; the tests below rely on them."""
    log.write(
        record(
            answer(
                "a1",
                "Did the ambassador meet the minister?",
                quotes=(quote(MEETING, "allegation"),),
            ),
            guild=1,
            channel=10,
        ),
        at=DAY1,
    )
    log.write(
        record(
            answer(
                "a2",
                "What did the president announce?",
                quotes=(quote(DISSOLVE, "established"),),
                total_ms=200.0,
            ),
            guild=1,
            channel=11,
        ),
        at=DAY2,
    )
    log.write(
        record(
            answer("a3", "Who won the World Cup?", status="out_of_scope", total_ms=300.0),
            guild=2,
            channel=30,
        ),
        at=DAY2,
    )
    safe = answer(
        "a4",
        "what did the president announce",
        quotes=(quote(DISSOLVE, "established"),),
        total_ms=400.0,
    )
    rejected = answer("a4", "what did the president announce", passed=False)
    log.write(record(safe, guild=2, channel=20, rejected_answer=rejected), at=DAY3)
    log.write(
        record(
            answer(
                "a5",
                "Who arrested him?",
                quotes=(quote(ARREST, "disputed"),),
                background=(FACT,),
                total_ms=500.0,
            ),
            guild=1,
            channel=10,
        ),
        at=DAY3,
    )
    log.record_feedback("a1", "user-x", "down", "too vague")
    log.record_feedback("a2", "user-x", "up")
    log.record_verdict("a2", "correct", note="fine", reviewer="mod")
    log.record_verdict("a1", "needs-fix", note="label ok, quote short", reviewer="mod")
