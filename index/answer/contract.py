"""The `Answer` object of the answer contract: every answer is one of these."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Label = Literal["established", "disputed", "allegation", "opinion", "unreviewed"]
LabelledBy = Literal["curated", "cue", "none"]
Status = Literal["answered", "no_article_match", "out_of_scope", "rejected_input", "error"]

LABELS: tuple[Label, ...] = ("established", "disputed", "allegation", "opinion", "unreviewed")
STATUSES: tuple[Status, ...] = (
    "answered",
    "no_article_match",
    "out_of_scope",
    "rejected_input",
    "error",
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(_Frozen):
    publisher: str
    url: str
    date: str
    title: str


class Quote(_Frozen):
    text: str
    start: int
    end: int
    sentence_ids: list[str]
    paragraph: int
    label: Label
    labelled_by: LabelledBy
    claim_ids: list[str] = Field(default_factory=list)
    note: str


class BackgroundItem(_Frozen):
    fact_id: str
    text: str
    sources: list[Source]


class Verification(_Frozen):
    passed: bool
    failures: list[str] = Field(default_factory=list)


CarryReason = Literal["no_topic", "weak_match"]


class Carried(_Frozen):
    """What a follow-up took from the previous answer of its conversation (data, never text
    to obey): the previous topic it was read as being about, and the claims that led it."""

    previous_answer_id: str | None = None
    topic: str  # the previous topic, as the "About:" line shows it
    searched: str  # what was searched: the previous topic's words, then this question's
    claim_ids: list[str] = Field(default_factory=list)
    fact_ids: list[str] = Field(default_factory=list)
    # no_topic: too few words of its own, none a name of the article; weak_match: its own
    # words match nothing in the article.
    reason: CarryReason


class Answer(_Frozen):
    id: str
    question: str
    status: Status
    mode: str
    quotes: list[Quote] = Field(default_factory=list)
    background: list[BackgroundItem] = Field(default_factory=list)
    summary: str | None = None
    notice: str | None = None
    # The default rendering: fits one Discord message for most questions.
    rendered: str
    # The full rendering (every quote and card) when `rendered` leaves some out, else None.
    rendered_detail: str | None = None
    verification: Verification
    timings_ms: dict[str, float] = Field(default_factory=dict)
    # The language of the answer's fixed texts (`prompts/` or `prompts/<code>/`).
    language: str = "en"
    # Set when the question was read as a follow-up of the previous answer.
    carried: Carried | None = None
