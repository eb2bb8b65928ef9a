"""Who says it comes from the data: a lead-in the model wrote gives way to the label's attribution,
a fact card credited to the article is stated as the card's fact (its hearsay kept hearsay), and a
cited surname lets its given name in."""

from __future__ import annotations

import pytest

from index.llm.evidence import Shown
from index.llm.reply import Claimed, Reply
from tests.index.llm.test_evidence import every_passage, judge_one

ESCORT = "Castillo was arrested by his own police escort, not by the military."


def test_a_card_credited_to_the_article_is_stated_as_the_cards_fact(judge, corpus):
    """Nothing cited is contested: the code says who says it, and it is the card, not the
    article: the model's lead-in goes."""
    for lead in (
        "The article states that",
        "According to the article,",
        "It mentions",
        "It says that",
    ):
        sentence = f"{lead} {ESCORT[0].lower()}{ESCORT[1:]}"
        checked = judge_one(judge, corpus, sentence, ("castillo-arrest-escort",))
        assert checked.dropped is None, (lead, checked.dropped, checked.detail)
        assert (checked.text, checked.to_article) == (ESCORT, False), lead
    assert judge_one(judge, corpus, ESCORT, ("castillo-arrest-escort",)).dropped is None


def test_a_card_credited_to_the_article_beside_a_contested_passage_stays_a_misattribution(
    judge, corpus
):
    # The passage cited says the military arrested him: the article is a source here, and it
    # does not say what the card says.
    sentence = f"The article states that {ESCORT[0].lower()}{ESCORT[1:]}"
    cites = ("arrested-by-military", "castillo-arrest-escort")
    assert judge_one(judge, corpus, sentence, cites).dropped == "misattributed"


def test_an_attribution_inside_the_sentence_is_not_taken_off(judge, corpus):
    sentence = "Castillo was arrested by his own police escort, the article states."
    checked = judge_one(judge, corpus, sentence, ("castillo-arrest-escort",))
    assert checked.dropped == "misattributed"


def test_a_cards_hearsay_stated_as_fact_is_dropped(judge, corpus):
    """A card saying "a certificate says she worked at the CIA" does not make "she worked at the
    CIA" a plain fact, whoever the model credits (the local bench flagged that rewrite)."""
    cia = "Lisa Kenna worked as a CIA officer for nine years before joining the Foreign Service."
    for sentence in (cia, f"The article states that {cia}"):
        checked = judge_one(judge, corpus, sentence, ("kenna-cia-past",))
        assert checked.dropped == "unattributed", (sentence, checked.dropped, checked.detail)
    meeting = "Lisa Kenna met defence minister Gustavo Bobbio on 6 December 2022."
    checked = judge_one(judge, corpus, meeting, ("kenna-bobbio-meeting-report",))
    assert checked.dropped == "unattributed", checked.detail


def test_a_cards_hearsay_with_its_speaker_passes(judge, corpus):
    sentence = (
        "Only Ben Norton's Multipolarista and outlets reposting him report that Lisa Kenna met "
        "defence minister Gustavo Bobbio on 6 December 2022."
    )
    checked = judge_one(judge, corpus, sentence, ("kenna-bobbio-meeting-report",))
    assert checked.dropped is None, checked.detail


def citing_the_oligarchy(judge, corpus, sentence: str):
    """`sentence` judged as a summary sentence citing the oligarchy passage (an opinion)."""
    return judge_one(judge, corpus, sentence, ("oligarchy-pressure",))


def test_the_labels_attribution_replaces_the_models_own_lead_in(judge, corpus):
    checked = citing_the_oligarchy(
        judge,
        corpus,
        "It also mentions that Castillo had been under immense pressure from an oligarchy.",
    )
    assert checked.dropped is None, checked.detail
    assert checked.text == (
        "In the authors' view, Castillo had been under immense pressure from an oligarchy."
    )


def test_a_given_name_of_a_cited_surname_is_no_new_name(judge, corpus):
    checked = citing_the_oligarchy(
        judge, corpus, "Pedro Castillo had been under immense pressure from an oligarchy."
    )
    assert checked.dropped is None, checked.detail
    # A given name whose surname nothing cited is still new, as is a surname the corpus never
    # writes after it.
    rejas = citing_the_oligarchy(judge, corpus, "Pedro Rejas was under pressure from an oligarchy.")
    assert rejas.dropped == "unsupported_name"


def test_a_given_name_is_no_content_word_when_its_surname_is_cited(judge, corpus):
    """ "Pedro" is not in the election passage, "Castillo" is in its sentence: the given name
    neither fails the name check nor counts as a word the evidence lacks."""
    checked = judge_one(
        judge, corpus, "Pedro Castillo was elected in July 2021.", ("elected-july-2021",)
    )
    assert checked.dropped is None, checked.detail
    assert checked.text.endswith("Pedro Castillo was elected in July 2021.")


@pytest.mark.parametrize(
    "sentence, body",
    [
        ("We are told that officials gave the greenlight.", "we are told that officials"),
        ("A member of the team went.", "a member of the team"),
        ("The U.S. sent an ambassador.", "the U.S. sent"),
        ("U.S. officials met.", "U.S. officials"),
        ("MAAG officers met.", "MAAG officers"),
        ("Castillo left.", "Castillo left"),
        ("I think so.", "I think"),
    ],
)
def test_the_attribution_lowers_a_first_word_that_is_no_name(judge, sentence, body):
    """A live reply began "We are told that …", and the attribution read "… allege that We are
    told"; names and acronyms keep their capitals."""
    assert judge.attribute(sentence, "allegation").split(" that ", 1)[1].startswith(body)


@pytest.mark.parametrize(
    "lead_in", ["The article says that", "According to the article,", "The authors write that"]
)
def test_a_lead_in_naming_the_article_gives_way_to_the_labels_too(judge, corpus, lead_in):
    """The article reports the embassy call as hearsay ("It is being said …", an allegation):
    "The article says that …" would state it as the article's own finding; the label decides."""
    body = "the last phone call that Castillo took before he left the presidential palace came"
    checked = judge_one(
        judge, corpus, f"{lead_in} {body} from the U.S. Embassy.", ("last-call-from-embassy",)
    )
    assert checked.dropped is None, checked.detail
    assert checked.text == f"The authors allege that {body} from the U.S. Embassy."
    assert checked.attributed_by_code


def test_someone_elses_article_is_no_attribution_to_the_article(judge, corpus):
    """ "Wikipedia's article" is someone else's source, not the article: no misattribution."""
    sentence = (
        "Wikipedia's article on Lisa Kenna says she briefly served as acting Secretary of State."
    )
    checked = judge_one(judge, corpus, sentence, ("kenna-acting-secretary",))
    assert checked.to_article is False
    assert checked.dropped != "misattributed", checked.detail


def test_a_cards_note_on_mirrors_is_not_shown_to_the_model_as_its_fact(judge, corpus):
    """The note that only copies of a card's sources were found is about the sources: a live
    reply shipped "Only a copy of a CNN report on another site was found" as a fact."""
    card = corpus.facts["kenna-acting-secretary"]
    assert card.mirror_only and card.mirror_only not in card.statement
    assert card.text == f"{card.statement} {card.mirror_only}"
    checked = judge_one(judge, corpus, card.mirror_only, ("kenna-acting-secretary",))
    assert checked.dropped is not None


def test_a_cards_heading_copied_before_its_text_goes(judge, corpus):
    """Cards are shown as "Title: text"; a sentence copying the heading ships as the text."""
    title = corpus.facts["maag-office"].title
    body = "The U.S. Department of Defense team at the embassy in Lima includes a Security "
    body += "Cooperation Office, also known as the Military Assistance and Advisory Group (MAAG)."
    checked = judge_one(judge, corpus, f"{title}: {body}", ("maag-office",))
    assert checked.dropped is None, checked.detail
    assert checked.text == body


def test_a_card_credited_to_the_text_is_a_misattribution(judge, corpus):
    """ "…, according to the text." (a live reply) names the article as the source too."""
    sentence = (
        "Aníbal Torres was appointed an adviser to the Presidency of the Council of Ministers "
        "(PCM) on 27 November 2022, according to the text."
    )
    checked = judge_one(judge, corpus, sentence, ("torres-profile", "torres-adviser"))
    assert checked.dropped == "misattributed"


def test_a_sentence_saying_again_what_a_kept_one_says_is_dropped_not_counted(judge, corpus):
    sentence = (
        "His lawyers went over spreadsheets that showed Castillo would triumph over a motion."
    )
    reply = Reply((Claimed(sentence, ("lawyers-spreadsheets",)),) * 2)
    outcome = judge.judge(reply, Shown(corpus, every_passage(corpus)))
    assert [c.dropped for c in outcome.sentences] == [None, "repeated"]
    assert outcome.enough and outcome.summary == outcome.sentences[0].text


TWEET = "sent a denunciatory tweet against Castillo's move to dissolve Congress the next day."
RECOGNIZED = "the U.S. government recognized Peru's new government on December 8"
BIO = "a popular educator, member of the Peruvian organization La Junta"


@pytest.mark.parametrize(
    "wrong, right, cites, guard, detail",
    [
        # The tweet passage has no subject of its own (the sentence says "She", the ambassador
        # named just before); the opponent the paragraph names three sentences earlier is no
        # name it supports (a live run shipped exactly that).
        (
            f"Keiko Fujimori {TWEET}",
            f"Lisa Kenna {TWEET}",
            ("kenna-tweet",),
            "unsupported_name",
            "fujimori, keiko",
        ),
        # The article: the U.S. recognized the new government "through Ambassador Kenna".
        (
            f"{RECOGNIZED}, according to Ambassador Kenna.",
            f"On December 8 {RECOGNIZED}.",
            ("us-recognized-new-government",),
            "misattributed",
            "nothing cited has Ambassador Kenna say it",
        ),
        # The bio says it of the co-author; a live reply answered "What is La Junta?" with it.
        (
            f"La Junta is {BIO}.",
            f"José Carlos Llerena Robles is {BIO}.",
            ("bio.s1",),
            "roles",
            "La Junta is no subject of 'is' in what it cites",
        ),
        # Held-out-12 h1259 "la junta?": the same, through a relative clause.
        (
            f"The article says that the Junta, which is {BIO}.",
            f"The article says that José Carlos Llerena Robles is {BIO}.",
            ("bio.s1",),
            "roles",
            "Junta is no subject of 'is' in what it cites",
        ),
    ],
    ids=["subject-from-the-paragraph", "credited-person", "copula-subject", "relative-copula"],
)
def test_a_live_replys_error_is_dropped_and_its_correct_form_kept(
    judge, corpus, wrong, right, cites, guard, detail
):
    dropped = judge_one(judge, corpus, wrong, cites)
    assert (dropped.dropped, dropped.detail) == (guard, detail)
    kept = judge_one(judge, corpus, right, cites)
    assert kept.dropped is None, kept.detail


def test_a_card_said_in_the_authors_name_is_a_misattribution(judge, corpus):
    """A live reply cited the (disputed) arrest passage and the card that contradicts it with the
    card's words: the label's "The authors claim that …" would have put the police escort in the
    authors' mouths, who say the military."""
    for lead_in in ("", "It says that "):
        checked = judge_one(
            judge, corpus, lead_in + ESCORT, ("arrested-by-military", "castillo-arrest-escort")
        )
        assert checked.dropped == "misattributed", (checked.dropped, checked.text)
    # The card's words cited as the card's, stated as its fact, still ship.
    card = judge_one(judge, corpus, ESCORT, ("castillo-arrest-escort",))
    assert card.dropped is None, card.detail


def test_words_in_single_quotation_marks_must_be_the_articles_too(judge, corpus):
    """A live reply quoted the announcement with single marks and a card's words added inside."""
    invented = (
        "Castillo announced he would 'temporarily dissolve the Congress' and '[establish] an "
        "exceptional emergency government ruling by decree'."
    )
    assert judge_one(judge, corpus, invented, ("dissolve-congress-announcement",)).dropped == (
        "quotation"
    )
    exact = "Castillo announced he would 'temporarily dissolve the Congress'."
    assert judge_one(judge, corpus, exact, ("dissolve-congress-announcement",)).dropped is None
