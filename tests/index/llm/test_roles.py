"""Who did what to whom: a summary sentence may not reverse a role, nor invent a cause."""

from __future__ import annotations

from index.llm import clauses, roles
from index.llm.judge import Judge
from tests.index.llm.test_evidence import judge_one

MONTESINOS = (
    "Vladimiro Montesinos, a former CIA asset who is serving time in a prison in Peru, sent "
    "messages to Pedro Rejas, a former commander in Peru's army, to go \"to the U.S. Embassy and "
    'talk with the embassy intelligence officer,." to try and influence the 2021 Peruvian '
    "presidential election."
)
MEETING = ("kenna-bobbio-meeting",)
KENNA = (
    "Just before the election, the United States sent a former CIA agent, Lisa Kenna, as its "
    "ambassador to Lima. She met Peru's Minister of Defense Gustavo Bobbio on December 6"
)


def reversal(judge: Judge, sentence: str, cited: str) -> str | None:
    return roles.reversed_role(sentence, [cited], judge.name_spans)


def test_sender_and_recipient_swapped_is_a_reversal(judge):
    swapped = (
        "Pedro Rejas, a former commander in Peru's army, sent messages to Vladimiro Montesinos, "
        "a former CIA asset who is serving time in a prison in Peru, to go to the U.S. Embassy."
    )
    assert reversal(judge, swapped, MONTESINOS) == "reja: subject of 'send' here, object cited"


def test_the_senders_and_recipients_as_cited_are_no_reversal(judge):
    kept = (
        "Vladimiro Montesinos, a former CIA asset, sent messages to Pedro Rejas, a former "
        "commander in Peru's army, to go to the U.S. Embassy."
    )
    assert reversal(judge, kept, MONTESINOS) is None


def test_the_object_of_a_pronoun_subject_made_the_subject_is_a_reversal(judge):
    # "She met … Bobbio": Bobbio is met; "Bobbio met Castillo" makes him the one who meets.
    sentence = "Gustavo Bobbio met Pedro Castillo on December 6."
    assert reversal(judge, sentence, KENNA) == "bobbio: subject of 'meet' here, object cited"


def test_the_pronouns_name_as_subject_is_no_reversal(judge):
    sentence = "Lisa Kenna met Peru's Minister of Defense Gustavo Bobbio on December 6."
    assert reversal(judge, sentence, KENNA) is None


def test_a_passive_rephrasing_keeps_the_roles(judge):
    active = "The police arrested Castillo."
    passive = "Castillo was arrested by the police."
    assert reversal(judge, passive, active) is None
    assert reversal(judge, active, passive) is None
    assert clauses.relations(passive, judge.name_spans)["arrest"] == {"castillo": {clauses.OBJECT}}


def test_a_passive_that_swaps_the_agent_is_a_reversal(judge):
    cited = "The United States sent Lisa Kenna to Lima."
    assert reversal(judge, "Lisa Kenna was sent to Lima by the United States.", cited) is None
    assert (
        reversal(judge, "The United States was sent to Lima by Lisa Kenna.", cited)
        == "us: object of 'send' here, subject cited"
    )


def test_a_place_moved_to_the_front_of_the_sentence_takes_no_side(judge):
    cited = "Kenna met Bobbio in Lima on December 6."
    assert reversal(judge, "In Lima, Kenna met Bobbio on December 6.", cited) is None
    assert reversal(judge, "On December 6, Kenna met Bobbio in Lima.", cited) is None


def test_a_name_on_both_sides_of_what_it_cites_is_no_evidence(judge):
    cited = "Kenna met Bobbio. Bobbio met Kenna again."
    assert reversal(judge, "Bobbio met Kenna.", cited) is None


def test_a_cause_nothing_cited_states_is_invented():
    cited = (
        "his lawyers and advisers told him that he held an advantage over the Congress in opinion "
        "polls"
    )
    sentence = (
        "Castillo faced a challenge from the Congress in opinion polls, which led to his lawyers "
        "telling him he held an advantage over the Congress."
    )
    assert roles.invented_cause(sentence, [cited]) == "'led to': nothing cited states a cause"
    assert roles.invented_cause(sentence, [cited + ", so he felt safe"]) is None
    assert roles.invented_cause("His lawyers told him he held an advantage.", [cited]) is None


def test_the_judge_drops_a_reversed_role_and_ships_the_cited_one(judge, corpus):
    swapped = judge_one(judge, corpus, "Gustavo Bobbio met Pedro Castillo on December 6.", MEETING)
    assert swapped.dropped == "roles"
    assert swapped.detail == "bobbio: subject of 'meet' here, object cited"
    assert swapped.text == "Gustavo Bobbio met Pedro Castillo on December 6."
    kept = judge_one(judge, corpus, "Kenna met Peru's Minister of Defense Gustavo Bobbio.", MEETING)
    assert kept.dropped is None, kept.detail
    assert (
        kept.text == "The authors allege that Kenna met Peru's Minister of Defense Gustavo Bobbio."
    )


def test_the_judge_drops_the_swapped_messages(judge, corpus):
    text = (
        "The authors allege that Pedro Rejas, a former commander in Peru's army, sent messages to "
        "Vladimiro Montesinos, a former CIA asset who is serving time in a prison in Peru."
    )
    swapped = judge_one(judge, corpus, text, ("montesinos-rejas-embassy",))
    assert (swapped.dropped, swapped.detail) == (
        "roles",
        "reja: subject of 'send' here, object cited",
    )
    as_cited = text.replace("Pedro Rejas", "VM").replace("Vladimiro Montesinos", "Pedro Rejas")
    as_cited = as_cited.replace("VM", "Vladimiro Montesinos")
    kept = judge_one(judge, corpus, as_cited, ("montesinos-rejas-embassy",))
    assert kept.dropped is None, kept.detail


REJAS_CARD = (
    "Pedro Rejas, the man Vladimiro Montesinos called in the 2021 audios, is a retired Peruvian "
    "army comandante (an officer's rank), who worked as an operator for the Fujimori camp."
)


def agent(judge: Judge, sentence: str, cited: str) -> str | None:
    return roles.unsupported_agent(sentence, [cited], judge.name_spans)


def test_an_agent_nothing_cited_makes_the_doer_is_unsupported(judge):
    # The card has Rejas called; "the call was made by Rejas" makes him the caller.
    sentence = "The phone call was made by Pedro Rejas, a retired army comandante."
    assert agent(judge, sentence, REJAS_CARD) == "reja: agent of 'make' here, not in what it cites"


def test_an_agent_the_cited_text_makes_the_subject_is_supported(judge):
    assert agent(judge, "Messages were sent by Vladimiro Montesinos.", MONTESINOS) is None
    swapped = "Messages were sent by Pedro Rejas to Vladimiro Montesinos."
    assert agent(judge, swapped, MONTESINOS) == "reja: agent of 'send' here, not in what it cites"


def test_an_agent_cited_after_by_or_no_name_after_by_is_no_fault(judge):
    cited = "This article was produced by Globetrotter."
    assert agent(judge, "The piece was produced by Globetrotter.", cited) is None
    assert agent(judge, "Castillo was arrested by the police.", "The police arrested him.") is None


def test_the_judge_drops_an_unsupported_agent(judge, corpus):
    # Every word is in the two cards; who revealed the calls is in neither.
    text = "The Vladimiro Montesinos phone calls were revealed by Pedro Rejas in June 2021."
    dropped = judge_one(judge, corpus, text, ("rejas-profile", "fujimori-reaction-audios"))
    assert (dropped.dropped, dropped.detail) == (
        "roles",
        "reja: agent of 'reveal' here, not in what it cites",
    )


ARREST = (
    "Ann Smith was arrested on 7 May by her own escort. Her car was stopped near Avenida Norte in "
    "central Lima."
)
CUSTODY = "After her arrest, Ann Smith was taken to the Lima Prefecture on Avenida Sur."


def place(judge: Judge, sentence: str, *cited: str) -> str | None:
    return roles.unsupported_place(sentence, list(cited), judge.name_spans)


def test_a_place_from_another_cited_event_is_unsupported(judge):
    # Stopped near one avenue, then taken to the Prefecture: she was not arrested there.
    joined = "Ann Smith was arrested by her own escort at the Lima Prefecture on Avenida Sur."
    assert place(judge, joined, ARREST, CUSTODY) == (
        "prefectur: place of 'arrest' here, not in what it cites"
    )


def test_a_place_the_cited_event_has_is_supported(judge):
    assert place(judge, "Her car was stopped near Avenida Norte.", ARREST, CUSTODY) is None
    assert place(judge, "Ann Smith was taken to the Lima Prefecture.", ARREST, CUSTODY) is None


def test_a_place_for_a_verb_nothing_cited_uses_is_left_to_the_word_checks(judge):
    assert place(judge, "Ann Smith was seen at the Lima Prefecture.", ARREST, CUSTODY) is None


def test_the_judge_drops_two_cited_events_joined_into_one(judge, corpus):
    text = (
        "Pedro Castillo was arrested by his own police escort on December 7, 2022, at the Lima "
        "Prefecture on Avenida España."
    )
    cards = ("castillo-arrest-escort", "castillo-prefecture-diroes")
    joined = judge_one(judge, corpus, text, cards)
    assert (joined.dropped, joined.detail) == (
        "roles",
        "prefectur: place of 'arrest' here, not in what it cites",
    )


FUJIMORI = (
    "Ever since his election in July 2021, his opponent in the presidential election, Keiko "
    "Fujimori, and her associates have tried to block his ascension to the presidency. She worked "
    "with men who have close ties with the U.S. government and its intelligence agencies."
)


def swap(judge: Judge, sentence: str, cited: str) -> str | None:
    return roles.swapped_pronoun_subject(sentence, [cited], judge.name_spans)


def test_another_name_given_a_pronouns_verb_is_a_swap(judge):
    for who, key in (("Lisa Kenna", "kenna"), ("Pedro Castillo", "castillo")):
        sentence = (
            f"The authors allege that {who} worked with men who have close ties with the U.S."
        )
        assert swap(judge, sentence, FUJIMORI) == (
            f"{key}: subject of 'work' here, a pronoun after fujimori cited"
        )


def test_the_pronouns_own_name_is_no_swap(judge):
    sentence = "The authors allege that Keiko Fujimori worked with men who have close ties."
    assert swap(judge, sentence, FUJIMORI) is None
    # "She met … Bobbio" may stand for Kenna (or Lima), named the sentence before; not Bobbio.
    assert swap(judge, "Lisa Kenna met Gustavo Bobbio on December 6.", KENNA) is None
    found = swap(judge, "Gustavo Bobbio met Lisa Kenna on December 6.", KENNA)
    assert found is not None and found.startswith("bobbio: subject of 'meet' here")


def test_a_name_the_cited_text_makes_the_subject_too_is_no_swap(judge):
    both = FUJIMORI + " Lisa Kenna worked with them as well."
    sentence = "Lisa Kenna worked with men who have close ties with the U.S."
    assert swap(judge, sentence, both) is None


def test_the_judge_drops_a_swapped_subject_and_ships_the_cited_one(judge, corpus):
    cites = ("fujimori-men-us-ties",)
    tail = "worked with men who have close ties with the U.S. government."
    swapped = judge_one(judge, corpus, f"The authors allege that Pedro Castillo {tail}", cites)
    assert swapped.dropped == "roles"
    assert swapped.detail == "castillo: subject of 'work' here, a pronoun after fujimori cited"
    kept = judge_one(judge, corpus, f"The authors allege that Keiko Fujimori {tail}", cites)
    assert kept.dropped is None, kept.detail
