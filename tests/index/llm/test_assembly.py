"""Which quotes an LLM-mode answer shows: the draft's quotes are never displaced by what the
model cites; cited passages are added after them while the budget allows."""

from __future__ import annotations

import pytest

from index.answer import compose
from index.answer.contract import Quote
from index.corpus.load import Corpus
from index.llm.assembly import assemble_quotes
from index.llm.evidence import Evidence
from index.llm.prompt import Passage
from index.settings import Settings


@pytest.fixture(scope="module")
def segments(corpus: Corpus) -> list[compose.Segment]:
    return [s for s in compose.build_segments(corpus) if 40 <= s.end - s.start <= 180]


def quote(corpus: Corpus, segment: compose.Segment) -> Quote:
    made = compose.make_quote(corpus, segment.start, segment.end)
    assert made is not None
    return made


def cite(corpus: Corpus, segment: compose.Segment) -> Evidence:
    text = corpus.article.text[segment.start : segment.end]
    passage = Passage(f"s{segment.start}", segment, "opinion", "cues", text)
    return Evidence(passage.id, "passage", "opinion", text, passage)


def spans(quotes: list[Quote]) -> list[tuple[int, int]]:
    return [(q.start, q.end) for q in quotes]


def test_a_full_draft_keeps_every_quote_whatever_the_model_cites(corpus, segments):
    settings = Settings(max_quotes=3, max_quote_chars=800)
    drafted = [quote(corpus, s) for s in segments[:3]]
    cited = [cite(corpus, s) for s in segments[5:8]]
    shown = assemble_quotes(corpus, drafted, cited, settings)
    assert spans(shown) == spans(drafted)


def test_cited_draft_quotes_move_forward_and_new_ones_follow_within_the_budget(corpus, segments):
    settings = Settings(max_quotes=4, max_quote_chars=800)
    drafted = [quote(corpus, s) for s in segments[:3]]
    new = segments[9]
    cited = [cite(corpus, new), cite(corpus, segments[2])]
    shown = spans(assemble_quotes(corpus, drafted, cited, settings))
    d = spans(drafted)
    assert shown == [d[0], d[2], d[1], (new.start, new.end)]


def test_a_cited_passage_past_the_character_budget_is_left_out(corpus, segments):
    drafted = [quote(corpus, s) for s in segments[:2]]
    used = sum(q.end - q.start for q in drafted)
    new = segments[9]
    # Two drafts and the new passage are 40-180 characters each: the budget is over 100.
    settings = Settings(max_quotes=4, max_quote_chars=used + (new.end - new.start) - 1)
    shown = spans(assemble_quotes(corpus, drafted, [cite(corpus, new)], settings))
    assert shown == spans(drafted)
