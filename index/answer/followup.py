"""Follow-ups: a question read against the previous question and answer of its conversation.

The engine is given the conversation as data (`FollowUp`: the previous question, the claim and
card ids its answer showed), never as text to obey. A follow-up with no topic of its own
("when?", "was that meeting ever confirmed?", "who is she?") is read as being about the
previous topic:

* **No topic of its own** (`no_topic`): after stop words it has at most `FEW_WORDS` content
  words and none of them is a name of the corpus (a word the article and the cards capitalize
  where it does not open a sentence; not the names in a quarter of its sentences, which the
  whole article is about) or a number. A question naming someone ("and Smith?") has a topic.
* A question made only of the words of questions about the article itself ("who did she work
  with?", "where?", "when was it published?") carries unless its nearest intent beats every
  passage on the carried topic by the calibrated margin (`status.routed_intent`).
* **A weak match** (`weak_match`): a longer question without names whose own words do not
  reach the article by the status decision's measures (`status.on_article`).

Then the search text is the previous topic followed by the new question, the previous answer's
first claim(s) rank first among the article's passages (its cards among the cards when it had
no passage), and the answer opens its notice with one line naming the carried topic
("About: Ann Smith"). Every other question is answered as if it were asked alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from index.answer import compose
from index.answer.contract import Answer, Carried, CarryReason
from index.answer.names import corpus_names
from index.answer.pipeline import Draft, IndexState
from index.answer.query import Query, load_intents, topic_of
from index.answer.status import on_article, routed_intent
from index.search.retrieval import Hit
from index.search.text import FOLDED_STOPWORDS, fold
from index.texts import Texts

# At most this many content words and no name: the question has no topic of its own.
FEW_WORDS = 3
# Up to this many content words and no name, the question's own match is checked first.
WEAK_CHECK_WORDS = 6
# How many of the previous answer's claims (in its order) rank first in the follow-up.
PRIORITY_CLAIMS = 1
# The carried claims are placed just above the best passage, in their order.
PRIORITY_STEP = 0.01
# The "About:" line shows at most this many characters of the previous topic.
TOPIC_CHARS = 80
_ARTICLE_KINDS: tuple[str, ...] = ("sentence", "window", "claim")
_DISPLAY_WORD = re.compile(r"\S+")
_MARKUP = re.compile(r"[*_~`|>#\[\]()<@!&\\]")


@dataclass(frozen=True)
class FollowUp:
    """The conversation so far, as data: the previous question (its topic is searched again)
    and the claim and card ids of its answer, in the answer's order."""

    previous_question: str
    claim_ids: tuple[str, ...] = ()
    fact_ids: tuple[str, ...] = ()
    previous_answer_id: str | None = None
    # The topic the "About:" line names, when the previous answer carried one itself.
    topic: str | None = None
    # The previous answer's language: kept when the follow-up says too little to tell.
    language: str | None = None

    @classmethod
    def from_answer(cls, answer: Answer) -> FollowUp | None:
        """The follow-up context an answer gives the next question, or None when it gives
        none (it was refused, out of scope or failed)."""
        if answer.status not in ("answered", "no_article_match"):
            return None
        claims = tuple(dict.fromkeys(c for q in answer.quotes for c in q.claim_ids))
        facts = tuple(dict.fromkeys(b.fact_id for b in answer.background))
        question, topic = answer.question, None
        if answer.carried is not None:
            # A chain of follow-ups stays about the topic it started from.
            topic = answer.carried.topic
            question = f"{answer.carried.topic} {answer.question}"
        return cls(question, claims, facts, answer.id, topic, answer.language)


@dataclass(frozen=True)
class Resolution:
    """The question as it is searched, and what it carried (None: it stands alone)."""

    query: Query
    carried: Carried | None = None

    def prioritize(self, hits: list[Hit]) -> list[Hit]:
        """The carried claims first among the article's passages (the carried cards first among
        the cards, when the previous answer had no passage); ranks renumbered."""
        if self.carried is None:
            return hits
        kind: tuple[str, ...]
        if self.carried.claim_ids:
            wanted, kind, key = self.carried.claim_ids[:PRIORITY_CLAIMS], _ARTICLE_KINDS, "claim_id"
        elif self.carried.fact_ids:
            wanted, kind, key = self.carried.fact_ids[:PRIORITY_CLAIMS], ("fact",), "fact_id"
        else:
            return hits
        top = max((h.fused for h in hits if h.item.kind in kind), default=0.0)
        boosted: list[Hit] = []
        for hit in hits:
            target = hit.item.metadata.get(key) if hit.item.kind in ("claim", "fact") else None
            if target in wanted:
                lift = top * (1 + PRIORITY_STEP * (len(wanted) - wanted.index(target)))
                hit = hit._replace(fused=max(hit.fused, lift))
            boosted.append(hit)
        ordered = sorted(boosted, key=lambda h: h.fused, reverse=True)
        return [h._replace(rank=n) for n, h in enumerate(ordered, start=1)]


def resolve(
    state: IndexState,
    query: Query,
    follow_up: FollowUp | None,
    *,
    parse: Callable[[str], Query],
    search: Callable[[str], list[Hit]] | None = None,
) -> Resolution:
    """Read `query` against the conversation: alone, or carrying the previous topic."""
    if follow_up is None or not follow_up.previous_question.strip():
        return Resolution(query)
    reason = carry_reason(state, query, search)
    if reason is None:
        return Resolution(query)
    previous = parse(follow_up.previous_question)
    searched = f"{previous.topic} {query.topic}".strip()
    # The combined text is a topic question whatever its words (the previous topic's intent
    # was settled when it was asked).
    combined = replace(parse(searched), text=query.text, intent="topic", nearest=None)
    if query.intent != "topic":
        # Made only of the words of questions about the article itself ("who did she work
        # with?", "when was it published?"): about the article when its nearest intent beats
        # every passage on the carried topic by the calibrated margin, as for any question.
        if search is None:
            return Resolution(query)
        asked = replace(combined, nearest=query.intent, nearest_score=query.nearest_score)
        signals = compose.relevance_signals(search(combined.topic))
        if routed_intent(asked, signals, state.thresholds) != "topic":
            return Resolution(query)
    carried = Carried(
        previous_answer_id=follow_up.previous_answer_id,
        topic=follow_up.topic or display_topic(previous.topic),
        searched=searched,
        claim_ids=list(follow_up.claim_ids),
        fact_ids=list(follow_up.fact_ids),
        reason=reason,
    )
    return Resolution(combined, carried)


def carry_reason(
    state: IndexState, query: Query, search: Callable[[str], list[Hit]] | None = None
) -> CarryReason | None:
    """Why the question carries the previous topic, or None when it has a topic of its own."""
    if query.intent != "topic" and not query.tokens <= load_intents().vocabulary:
        return None  # "Who is <author>?": the byline's own names
    own = set(query.tokens)
    # The names the whole article is about (its subject, its country) mark no topic of their own.
    names = corpus_names(state.corpus) - state.common
    anchors = {t for t in own if t.isdigit() or t in names}
    if anchors or query.names:
        return None
    if len(own) <= FEW_WORDS:
        return "no_topic"
    if len(own) > WEAK_CHECK_WORDS or search is None:
        return None
    signals = compose.relevance_signals(search(query.topic))
    covered = state.retriever.covered(query.tokens)
    if on_article(signals, covered=covered, named=False, limits=state.thresholds):
        return None
    return "weak_match"


def display_topic(topic: str) -> str:
    """The previous topic for the "About:" line: its words without the stop words at either
    end, with no markup, at most `TOPIC_CHARS` characters ("Who is Ann Smith?" → "Ann Smith")."""
    shown = [_MARKUP.sub("", w) for w in _DISPLAY_WORD.findall(topic_of(topic))]
    shown = [w for w in shown if w.strip("?¿!¡.,;:\"'")]

    def is_stop(word: str) -> bool:
        return fold(word.strip("?¿!¡.,;:\"'")) in FOLDED_STOPWORDS

    while shown and is_stop(shown[0]):
        shown.pop(0)
    while shown and is_stop(shown[-1]):
        shown.pop()
    text = " ".join(shown).strip("?¿!¡.,;: ") or " ".join(topic.split())[:TOPIC_CHARS]
    text = _MARKUP.sub("", text)
    if len(text) > TOPIC_CHARS:
        text = text[: TOPIC_CHARS - 1].rstrip() + "…"
    return text


def annotate(draft: Draft, texts: Texts, carried: Carried | None) -> Draft:
    """The answer's notice: the carried topic first, then the draft's own notice, then (in a
    language other than the curated notes') that the notes and cards are in English."""
    if draft.status not in ("answered", "no_article_match"):
        return draft
    parts = []
    if carried is not None:
        parts.append(texts.lines["follow_up_about"].format(topic=carried.topic))
    if draft.notice:
        parts.append(draft.notice)
    if texts.language != "en" and (draft.quotes or draft.background):
        parts.append(texts.lines["notes_in_english"])
    notice = " · ".join(parts) or None
    return draft if notice == draft.notice else draft.but(notice=notice)
