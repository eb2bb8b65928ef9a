"""What the model sees and may answer: the prompt files, the data it is shown, the reply schema."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from index.answer import compose
from index.answer.contract import BackgroundItem, Quote
from index.corpus.labels import label_span
from index.corpus.load import Corpus
from index.search.retrieval import Hit
from index.texts import Prompts

MAX_PASSAGES = 10
MAX_FACTS = 6
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.IGNORECASE)
# Phrases of a refusal, looked for only when the reply is not the JSON asked for.
_REFUSAL = re.compile(
    r"\b(I\s*(?:'m| am)\s+(?:sorry|unable|not able)|I\s+(?:can(?:'|no)t|cannot|won't|will not)\s+"
    r"(?:help|assist|answer|comply|provide|do that)|as an ai)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Passage:
    """An article span shown to the model: a curated claim, or a sentence no claim covers."""

    id: str
    segment: compose.Segment
    label: str
    labelled_by: str
    text: str


@dataclass(frozen=True)
class Context:
    """The data one model call is given; the only ids the model may cite."""

    passages: tuple[Passage, ...]
    fact_ids: tuple[str, ...]

    def passage_ids(self) -> set[str]:
        return {p.id for p in self.passages}


def build_context(
    corpus: Corpus,
    segments: list[compose.Segment],
    hits: list[Hit],
    quotes: list[Quote],
    background: list[BackgroundItem],
    with_article: bool,
) -> Context:
    """The best retrieved spans (and the draft's own quotes) and the retrieved facts."""
    chosen: list[compose.Segment] = []
    if with_article:
        ranked = [s.segment for s in compose.score_segments(segments, hits)]
        by_span = {(s.start, s.end): s for s in segments}
        drafted = [by_span[(q.start, q.end)] for q in quotes if (q.start, q.end) in by_span]
        for seg in drafted + ranked:
            if seg not in chosen and len(chosen) < MAX_PASSAGES:
                chosen.append(seg)
        chosen.sort(key=lambda s: s.start)
    passages = []
    for seg in chosen:
        span = label_span(corpus, seg.start, seg.end)
        if span is None:
            continue
        passages.append(
            Passage(
                seg.claim_id or seg.sentence_ids[0],
                seg,
                span.label,
                span.labelled_by,
                corpus.article.text[seg.start : seg.end],
            )
        )
    facts = [b.fact_id for b in background if b.fact_id in corpus.facts]
    for hit in hits:
        fid = hit.item.metadata.get("fact_id") if hit.item.kind == "fact" else None
        if fid in corpus.facts and fid not in facts and len(facts) < MAX_FACTS:
            facts.append(fid)
    return Context(tuple(passages), tuple(facts))


def _data(text: str) -> str:
    """Data may not close its own delimiters: angle brackets become look-alikes."""
    return " ".join(text.replace("<", "\u2039").replace(">", "\u203a").split())


def render_messages(
    prompts: Prompts, corpus: Corpus, context: Context, question: str
) -> tuple[str, str]:
    """(system text, user text) for one call."""
    passages = (
        "\n".join(
            f"[{p.id}] (paragraph {p.segment.paragraph}; label: {p.label}) {_data(p.text)}"
            for p in context.passages
        )
        or "(none)"
    )
    facts = (
        "\n".join(
            f"[{fid}] {_data(corpus.facts[fid].title)}: {_data(corpus.facts[fid].text)}"
            for fid in context.fact_ids
        )
        or "(none)"
    )
    user = prompts.answer.substitute(passages=passages, facts=facts, question=_data(question))
    return f"{prompts.system}\n\n{prompts.legend}", user


class Point(BaseModel):
    model_config = ConfigDict(extra="ignore")

    article: list[str] = Field(default_factory=list)
    facts: list[str] = Field(default_factory=list)


class Reply(BaseModel):
    """The only fields read from the model; anything else it sends (labels …) is ignored."""

    model_config = ConfigDict(extra="ignore")

    summary: str = ""
    points: list[Point] = Field(default_factory=list)


class ReplyError(ValueError):
    """The reply is not usable; `kind` is `empty`, `refusal` or `malformed`."""

    def __init__(self, kind: str, detail: str):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind


def message_text(content: object) -> str:
    """The text of a chat message's content (a string, or a list of content blocks)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            b if isinstance(b, str) else str(b.get("text", ""))
            for b in content
            if isinstance(b, str) or (isinstance(b, dict) and b.get("type") == "text")
        )
    return ""


def parse_reply(text: str) -> Reply:
    """Parse the model's JSON object, tolerating code fences and prose around it."""
    body = _FENCE.sub("", text.strip())
    if not body:
        raise ReplyError("empty", "the model returned nothing")
    start, end = body.find("{"), body.rfind("}")
    if start < 0 or end <= start:
        kind = "refusal" if _REFUSAL.search(body) else "malformed"
        raise ReplyError(kind, f"no JSON object in the reply: {body[:80]!r}")
    try:
        reply = Reply.model_validate(json.loads(body[start : end + 1]))
    except (json.JSONDecodeError, ValidationError) as exc:
        raise ReplyError("malformed", f"{type(exc).__name__}: {str(exc)[:120]}") from exc
    if not reply.summary.strip() and not any(p.article or p.facts for p in reply.points):
        raise ReplyError("empty", "the reply has no summary and cites nothing")
    return reply
