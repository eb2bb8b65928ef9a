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


class Answer(_Frozen):
    id: str
    question: str
    status: Status
    mode: str
    quotes: list[Quote] = Field(default_factory=list)
    background: list[BackgroundItem] = Field(default_factory=list)
    summary: str | None = None
    notice: str | None = None
    rendered: str
    verification: Verification
    timings_ms: dict[str, float] = Field(default_factory=dict)
