"""The scope test of the status decision: curated questions and names the corpus never mentions."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from index.answer.compose import Signals, relevance_signals
from index.answer.engine import Engine
from index.answer.query import Query, foreign_names, parse
from index.answer.status import decide, intent_rival, routed_intent, routing_rival
from index.search.calibration import Thresholds
from index.search.items import Item
from index.search.retrieval import Hit
from tests.support.core import build

LIMITS = Thresholds(
    article_min_score=0.80,
    background_min_score=0.85,
    no_article_margin=0.05,
    lexical_min_score=100.0,  # BM25 never decides here
    ask_min_score=0.90,
    ask_floor=0.82,
    foreign_penalty=0.10,
)
# The article matches well, the background less: answered, unless the scope test says otherwise.
ON_ARTICLE = Signals(
    article_dense=0.85, article_bm25=0.0, fact_dense=0.82, fact_bm25=0.0, asked=0.86
)


def _question_hit(item_id: str, target: str, cosine: float) -> Hit:
    item = Item(item_id, "question", "a curated question", {"target": target})
    return Hit(item, fused=0.0, rank=0, dense=cosine, bm25=None)


def status(signals: Signals, foreign: bool = False, limits: Thresholds = LIMITS) -> str:
    return decide(signals, covered=False, named=False, limits=limits, foreign=foreign)


def test_passages_that_match_and_a_near_curated_question_answer() -> None:
    assert status(ON_ARTICLE) == "answered"


def test_far_from_every_curated_question_is_out_of_scope_whatever_the_passages_score() -> None:
    assert status(replace(ON_ARTICLE, asked=0.81)) == "out_of_scope"


def test_a_rare_name_of_the_article_puts_a_question_on_topic_far_from_every_curated_one() -> None:
    far = replace(ON_ARTICLE, asked=0.81)
    assert decide(far, covered=False, named=True, limits=LIMITS) == "answered"
    # The name does not make a question that matches nothing answerable.
    unmatched = replace(far, article_dense=0.5, fact_dense=0.5)
    assert decide(unmatched, covered=False, named=True, limits=LIMITS) == "out_of_scope"


def test_without_the_floor_the_passages_alone_decide() -> None:
    assert status(replace(ON_ARTICLE, asked=0.81), limits=replace(LIMITS, ask_floor=-1.0)) == (
        "answered"
    )


@pytest.mark.parametrize(
    ("points_at_article", "expected"), [(True, "answered"), (False, "no_article_match")]
)
def test_close_to_a_curated_question_is_on_topic_and_its_target_says_where(
    points_at_article: bool, expected: str
) -> None:
    weak = Signals(0.70, 0.0, 0.70, 0.0, asked=0.93, asked_article=points_at_article)
    assert status(replace(weak, asked=0.80)) == "out_of_scope"
    assert status(weak) == expected


def test_a_name_the_corpus_never_mentions_lowers_every_cosine_of_the_scope_test() -> None:
    near = replace(ON_ARTICLE, asked=0.88)
    assert status(near) == "answered"
    assert status(near, foreign=True) == "out_of_scope"
    assert status(near, foreign=True, limits=replace(LIMITS, foreign_penalty=0.0)) == "answered"


def test_a_foreign_name_in_a_question_naming_the_article_is_a_wrong_detail_not_another_topic() -> (
    None
):
    # "According to the article, was he arrested on Avenida Quintana?"
    near = replace(ON_ARTICLE, asked=0.88)
    for to_article, expected in ((False, "out_of_scope"), (True, "answered")):
        got = decide(
            near, covered=False, named=False, limits=LIMITS, foreign=True, to_article=to_article
        )
        assert got == expected


def test_defaults_keep_the_scope_test_out_of_the_way() -> None:
    defaults = replace(Thresholds(), article_min_score=0.8, background_min_score=0.85)
    assert status(replace(ON_ARTICLE, asked=0.0), limits=defaults) == "answered"
    assert status(replace(ON_ARTICLE, asked=0.0), foreign=True, limits=defaults) == "answered"


def test_nearer_a_curated_off_topic_question_than_every_ask_is_out_of_scope() -> None:
    limits = replace(LIMITS, off_topic_margin=0.03)
    assert status(replace(ON_ARTICLE, off_topic=0.89), limits=limits) == "out_of_scope"
    assert status(replace(ON_ARTICLE, off_topic=0.88), limits=limits) == "answered"  # 0.02 nearer
    assert status(replace(ON_ARTICLE, off_topic=0.99)) == "answered"  # default margin: never
    # Without curated asks, the example must beat the best passage or card instead.
    bare = replace(ON_ARTICLE, asked=0.0, off_topic=0.87)
    assert status(bare, limits=replace(limits, ask_floor=-1.0)) == "answered"
    assert status(replace(bare, off_topic=0.90), limits=limits) == "out_of_scope"


def test_intents_compete_with_the_nearest_curated_question_when_there_is_one() -> None:
    query = Query("q", "q", frozenset({"q"}), frozenset(), "topic", "byline", 0.90)
    limits = replace(LIMITS, intent_margin=0.02)
    assert intent_rival(replace(ON_ARTICLE, asked=0.95)) == 0.95
    assert intent_rival(replace(ON_ARTICLE, asked=0.0)) == 0.85  # no asks: the best passage
    assert routed_intent(query, replace(ON_ARTICLE, asked=0.87), limits) == "byline"
    assert routed_intent(query, replace(ON_ARTICLE, asked=0.89), limits) == "topic"
    # Off topic by the scope test: "how does bitcoin mining work" is not "how does this work".
    off = replace(ON_ARTICLE, asked=0.70)
    assert routed_intent(query, off, limits, off_topic=True) == "topic"
    wordless = replace(query, intent="help", nearest=None)  # only the intents' own words
    assert routed_intent(wordless, off, limits, off_topic=True) == "help"


def test_a_curated_question_about_the_article_itself_is_no_rival_to_an_intent() -> None:
    # "When did this article come out?": nearest the byline card's "Who wrote the article?"
    # (0.935), a question about the article like the byline examples (0.944), not a topic.
    query = Query("q", "q", frozenset({"q"}), frozenset(), "topic", "byline", 0.944)
    limits = replace(LIMITS, intent_margin=0.02)
    assert routed_intent(query, replace(ON_ARTICLE, asked=0.935), limits) == "topic"
    meta = replace(ON_ARTICLE, asked=0.935, asked_topic=0.80)
    assert routing_rival(meta) == 0.80  # the nearest curated question on the topic
    assert routing_rival(replace(meta, asked_topic=0.0)) == 0.85  # none: the best passage
    assert routed_intent(query, meta, limits) == "byline"
    # A curated question on the topic close enough still keeps it a topic question.
    assert routed_intent(query, replace(meta, asked_topic=0.93), limits) == "topic"


def test_relevance_signals_set_the_questions_about_the_article_apart() -> None:
    byline = _question_hit("question:fact:article-byline#1", "fact:article-byline", 0.93)
    topic = _question_hit("question:claim:kenna#1", "claim:kenna", 0.81)
    signals = relevance_signals([byline, topic], frozenset({"fact:article-byline"}))
    assert (signals.asked, signals.asked_topic) == (0.93, 0.81)
    assert relevance_signals([byline, topic]).asked_topic == 0.93  # no card about the article


def test_a_question_whose_own_words_the_article_all_uses_is_no_intent() -> None:
    # "the phone call": nearer "how do I use you?" than any curated question, but about a call.
    query = Query("q", "q", frozenset({"q"}), frozenset(), "topic", "help", 0.95)
    limits = replace(LIMITS, intent_margin=0.02)
    assert routed_intent(query, replace(ON_ARTICLE, asked=0.87), limits) == "help"
    in_article = replace(query, own_in_article=True)
    assert routed_intent(in_article, replace(ON_ARTICLE, asked=0.87), limits) == "topic"


def test_the_parse_tells_whether_the_article_uses_every_word_of_its_own() -> None:
    article = frozenset({"phone", "call", "opinion"})

    def own(question: str) -> bool:
        return parse(
            question,
            names=frozenset(),
            front_matter_words=frozenset(),
            router=None,
            article_words=article,
        ).own_in_article

    assert own("the phone call")
    assert not own("Is this a news report or an opinion piece?")  # "news", "report": not its
    assert not own("What is the article about?")  # no words of its own


def test_a_question_with_a_rare_name_of_the_article_is_about_that_name_not_an_intent() -> None:
    query = Query("q", "q", frozenset({"q"}), frozenset({"junta"}), "topic", "overview", 0.95)
    limits = replace(LIMITS, intent_margin=0.02)
    assert routed_intent(query, replace(ON_ARTICLE, asked=0.87), limits) == "topic"
    assert routed_intent(
        replace(query, names=frozenset()), replace(ON_ARTICLE, asked=0.87), limits
    ) == ("overview")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Was the U.S. behind the 1973 coup against Allende in Chile?", {"allende", "chile"}),
        ("¿Qué dijo Kenna?", set()),  # an opening word is not a name; Kenna is the corpus's
        ("what did kenna say", set()),  # lower case: nothing to go on
        ("Did the Inter-American Commission report on Peru?", set()),  # a part is known
        ("Which spymaster was on Langley's payroll?", {"langley's"}),
    ],
)
def test_foreign_names_are_capitalized_words_no_part_of_which_the_corpus_uses(
    question: str, expected: set[str]
) -> None:
    known = frozenset({"kenna", "american", "commission", "peru", "us", "coup"})
    assert foreign_names(question, known) == expected


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build(Path(tmp_path_factory.mktemp("scope"))).engine


def test_curated_questions_come_last_unfused_and_feed_the_signals(engine: Engine) -> None:
    state = engine.snapshot()
    claim_ask = next(c.asks[0] for c in state.corpus.claims if c.asks)
    hits = state.retriever.search(claim_ask)
    kinds = [h.item.kind for h in hits]
    first_question = kinds.index("question")
    assert set(kinds[first_question:]) == {"question"}  # after every ranked passage and card
    assert all(h.fused == 0.0 and h.bm25 is None for h in hits[first_question:])
    signals = relevance_signals(hits)
    # The ask itself, embedded as a question, is the nearest one: cosine 1 and a claim target.
    assert signals.asked == pytest.approx(1.0, abs=1e-4) and signals.asked_article
    assert "question" not in {h.item.kind for h in hits[:first_question]}


def test_off_topic_questions_feed_their_own_signal_and_rank_nothing(engine: Engine) -> None:
    state = engine.snapshot()
    example = state.corpus.off_topic[0]
    hits = state.retriever.search(example)
    off = [h for h in hits if h.item.off_topic]
    assert len(off) == len(state.corpus.off_topic)
    assert all(h.item.kind == "question" and h.fused == 0.0 for h in off)
    signals = relevance_signals(hits)
    assert signals.off_topic == pytest.approx(1.0, abs=1e-4)  # itself, as a question
    assert signals.asked < signals.off_topic  # the nearest *ask* is another question


def test_words_only_the_off_topic_questions_use_are_not_the_corpus_words(engine: Engine) -> None:
    state = engine.snapshot()
    assert any("Machu Picchu" in q for q in state.corpus.off_topic)
    assert engine.parse(state, "Is Machu Picchu open in winter?").foreign == {"machu", "picchu"}


def test_the_corpus_words_are_known_and_others_are_foreign(engine: Engine) -> None:
    state = engine.snapshot()
    query = engine.parse(state, "Was Kenna ever posted to Ulaanbaatar?")
    assert query.foreign == {"ulaanbaatar"}
    assert engine.parse(state, "Who is Lisa Kenna?").foreign == frozenset()


def test_a_misspelt_name_of_the_corpus_is_no_foreign_name() -> None:
    known = frozenset({"kenna", "montesinos"})
    spell = {"kena": "kenna", "montesino": "montesinos"}.get
    assert foreign_names("Who is Lisa Kena?", known, lambda w: spell(w, w)) == {"lisa"}
    assert foreign_names("What did Montesino and Maduro do?", known, lambda w: spell(w, w)) == {
        "maduro"
    }
    assert foreign_names("Who is Lisa Kena?", known) == {"lisa", "kena"}  # no speller: foreign


def test_a_name_like_a_rare_name_of_the_article_is_no_foreign_name() -> None:
    known, rare = frozenset({"ann", "smithers", "rejas"}), frozenset({"ann", "smithers", "rejas"})
    # Misspelt beyond what the speller maps, or right after the rare name it belongs to.
    assert foreign_names("Who is Rejaz?", known, rare=rare) == frozenset()
    assert foreign_names("What did Ann Smithby do?", known, rare=rare) == frozenset()
    # Someone else: like no rare name, or right after one but like none.
    assert foreign_names("Who is Ann Wong?", known, rare=rare) == {"wong"}
    assert foreign_names("Who is Smithby?", known, rare=rare) == {"smithby"}
    assert foreign_names("Who is Rejaz?", known) == {"rejaz"}  # no rare names given


def test_the_retriever_spells_a_word_as_the_corpus_word_it_is_close_to(engine: Engine) -> None:
    retriever = engine.snapshot().retriever
    assert retriever.spelled("Bobio") == "bobbio"
    assert retriever.spelled("Rospigliossi") == "rospigliosi"
    assert retriever.spelled("Kenna") == "kenna"  # a corpus word stays itself
    assert retriever.spelled("Maduro") == "maduro"  # nothing close: itself
    assert retriever.spelled("Kna") == "kna"  # too short to tell


def test_misspelt_names_count_as_the_corpus_names_and_foreign_ones_stay_foreign(
    engine: Engine,
) -> None:
    state = engine.snapshot()
    kena = engine.parse(state, "Who is Lisa Kena?")
    assert kena.foreign == frozenset() and "kenna" in kena.names
    montesino = engine.parse(state, "what did montesino want from rejas")
    assert {"montesinos", "rejas"} <= montesino.names
    assert engine.parse(state, "What did Evo Morales say?").foreign == {"evo", "morales"}
