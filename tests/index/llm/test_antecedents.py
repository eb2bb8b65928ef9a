"""Whom a pronoun means: the judge reads the model's sentences in order, and a pronoun opening
one must be about someone the sentence before names, in what it cites."""

from __future__ import annotations

from index.llm.evidence import Shown
from index.llm.reply import Claimed, Reply
from tests.index.llm.test_guards import every_passage

BOBBIO = (
    "Gustavo Bobbio was sworn in as Pedro Castillo's defence minister on 5 December 2022.",
    ("bobbio-appointment",),
)
PRISON = ("He is serving a long prison term at a naval base in Callao.", ("montesinos-profile",))
MONTESINOS = (
    "Vladimiro Montesinos was the de facto intelligence chief of President Alberto Fujimori.",
    ("montesinos-profile",),
)


def judged(judge, corpus, *sentences: tuple[str, tuple[str, ...]]):
    reply = Reply(tuple(Claimed(text, cites) for text, cites in sentences))
    return judge.judge(reply, Shown(corpus, every_passage(corpus))).sentences


def test_a_pronoun_after_someone_its_evidence_is_not_about_is_dropped(judge, corpus):
    first, second = judged(judge, corpus, BOBBIO, PRISON)
    assert first.dropped is None, first.detail
    assert second.dropped == "roles"
    assert second.detail.startswith("'He' after bobbio")


def test_a_pronoun_after_someone_its_evidence_names_is_kept(judge, corpus):
    first, second = judged(judge, corpus, MONTESINOS, PRISON)
    assert (first.dropped, second.dropped) == (None, None), (first.detail, second.detail)
