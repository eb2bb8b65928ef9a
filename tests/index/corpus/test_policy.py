"""The curation policy: source kinds decide what a card can establish, and labels agree with
the cards. Checked on the shipped corpus and on broken copies of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.corpus.load import Corpus, CorpusInvalid, load_corpus
from index.corpus.sources import INDEPENDENT, KINDS
from tests.support.core import CORPUS_DIR, copy_corpus


@pytest.fixture(scope="module")
def shipped() -> Corpus:
    return load_corpus(CORPUS_DIR)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return copy_corpus(tmp_path / "corpus")


def errors_of(directory: Path) -> list[str]:
    with pytest.raises(CorpusInvalid) as caught:
        load_corpus(directory)
    return caught.value.errors


def claim_block_edit(corpus: Path, claim_id: str, old: str, new: str) -> int:
    """Replace `old` in one claim's block; return the claim's line."""
    path = corpus / "claims.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"  - id: {claim_id}\n")
    end = min(
        i for i in (text.find("\n  - id:", start + 1), text.find("\nnot_claims:", start)) if i >= 0
    )
    block = text[start:end]
    assert block.count(old) == 1, (claim_id, old)
    path.write_text(text[:start] + block.replace(old, new) + text[end:], encoding="utf-8")
    return text[:start].count("\n") + 1


def card_edit(corpus: Path, card: str, old: str, new: str) -> Path:
    path = corpus / "background" / f"{card}.md"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (card, old)
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


# -- the shipped corpus ---------------------------------------------------------------------------


def test_every_shipped_source_has_a_kind(shipped: Corpus) -> None:
    unclassified = [
        f"{fact.id}: {source.url}"
        for fact in shipped.facts.values()
        for source, kind in zip(fact.sources, fact.source_kinds, strict=True)
        if kind not in KINDS
    ]
    assert unclassified == []


def test_every_established_claim_rests_on_an_independent_card(shipped: Corpus) -> None:
    for claim in shipped.claims:
        if claim.label == "established":
            kinds = {k for f in claim.supported_by for k in shipped.facts[f].source_kinds}
            assert kinds & INDEPENDENT, claim.id


def test_no_shipped_card_rests_on_mirrors_alone_without_saying_so(shipped: Corpus) -> None:
    for fact in shipped.facts.values():
        if all(k == "mirror" for k in fact.source_kinds):
            assert fact.mirror_only and fact.text.endswith(fact.mirror_only), fact.id


def test_the_shipped_labels_agree_with_the_cards(shipped: Corpus) -> None:
    for claim in shipped.claims:
        if claim.label == "established" and claim.contradicted_by:
            assert claim.contradictions_acknowledged, claim.id
        if claim.label == "disputed":
            assert claim.contradicted_by, claim.id


def test_the_article_copies_are_their_own_kind(shipped: Corpus) -> None:
    assert shipped.facts["article-byline"].about_article
    assert not shipped.facts["article-byline"].independent
    assert not shipped.facts["kenna-tweet"].about_article


def test_the_split_claims(shipped: Corpus) -> None:
    """The partly wrong sentences are split: the wrong part is disputed, the rest stands."""
    july = shipped.claim("elected-july-2021")
    assert july.label == "disputed" and "runoff-2021" in july.contradicted_by
    assert shipped.claim("fujimori-blocked-ascension").label == "established"
    assert shipped.claim("fujimori-blocked-ascension").contradicted_by == ()
    assert shipped.claim("rospigliosi-fujimori-team").label == "established"
    assert shipped.claim("rospigliosi-2005-embassy").contradicted_by == ()
    # The former CIA agent rests on Sputnik, a repost and a column: not established.
    assert shipped.claim("kenna-sent-before-election").label == "allegation"


# -- the rules, on broken copies ------------------------------------------------------------------


def test_established_on_advocacy_alone_is_refused(corpus: Path) -> None:
    line = claim_block_edit(
        corpus, "kenna-bobbio-meeting", "label: allegation", "label: established"
    )
    claim_block_edit(
        corpus,
        "kenna-bobbio-meeting",
        "contradicted_by: [bobbio-account, bobbio-congress-denial, us-denies-interference]",
        "contradicted_by: []",
    )
    claim_block_edit(
        corpus,
        "kenna-bobbio-meeting",
        "supported_by: [kenna-bobbio-meeting-report, bobbio-appointment]",
        "supported_by: [kenna-bobbio-meeting-report]",
    )
    assert errors_of(corpus) == [
        f"claims.yaml:{line}: claim 'kenna-bobbio-meeting' is labelled established, but none of "
        "its supporting cards cites an official or press source (kenna-bobbio-meeting-report: "
        "advocacy); add one, or change the label"
    ]


def test_a_card_of_mirrors_only_must_say_so(corpus: Path) -> None:
    path = card_edit(
        corpus,
        "blinken-boluarte-call",
        'mirror_only: "Only a copy on the aggregator inkl was found, not the original report."\n',
        "",
    )
    assert errors_of(corpus) == [
        "background/blinken-boluarte-call.md:2: card 'blinken-boluarte-call': every source is a "
        "mirror or aggregator; cite the original, or say on the card that none was found "
        '(mirror_only: "Only a copy on ... was found; the original ... was not.")'
    ]
    assert path.exists()


def test_mirror_only_on_a_card_with_a_press_source_is_refused(corpus: Path) -> None:
    card_edit(corpus, "kenna-tweet", "\nsources:\n", '\nmirror_only: "Only a copy."\nsources:\n')
    assert errors_of(corpus) == [
        "background/kenna-tweet.md:2: card 'kenna-tweet': mirror_only is set but not every "
        "source is a mirror; remove it"
    ]


def test_a_source_kind_in_the_card_overrides_the_domain_list(corpus: Path) -> None:
    card_edit(
        corpus,
        "kenna-tweet",
        '    date: "2022-12-07"\n  - publisher: "Devdiscourse"',
        '    date: "2022-12-07"\n    kind: mirror\n  - publisher: "Devdiscourse"',
    )
    line = claim_block_edit(corpus, "kenna-tweet", "id: kenna-tweet", "id: kenna-tweet")
    errors = errors_of(corpus)
    assert errors[-1].startswith(f"claims.yaml:{line}: claim 'kenna-tweet' is labelled established")
    assert any("every source is a mirror" in e for e in errors)


def test_established_with_a_contradicting_card_is_refused(corpus: Path) -> None:
    line = claim_block_edit(
        corpus,
        "approval-31-vs-10",
        "    contradictions_acknowledged: \"The quoted figures are the IEP poll's; the other "
        'pollsters measured lower approval, which the note says."\n',
        "",
    )
    assert errors_of(corpus) == [
        f"claims.yaml:{line}: claim 'approval-31-vs-10' is labelled established, but card(s) "
        "poll-cpi-nov-2022, poll-ipsos-nov-2022 contradict it; change the label, split the "
        'claim, or say why it stands (contradictions_acknowledged: "...")'
    ]


def test_a_card_naming_a_claim_it_contradicts_counts(corpus: Path) -> None:
    line = claim_block_edit(corpus, "kenna-tweet", "id: kenna-tweet", "id: kenna-tweet")
    card_edit(corpus, "bobbio-account", "tags: [", "contradicts: [kenna-tweet]\ntags: [")
    assert errors_of(corpus) == [
        f"claims.yaml:{line}: claim 'kenna-tweet' is labelled established, but card(s) "
        "bobbio-account contradict it; change the label, split the claim, or say why it stands "
        '(contradictions_acknowledged: "...")'
    ]
    card_edit(corpus, "bobbio-account", "contradicts: [kenna-tweet]", "contradicts: [no-such]")
    assert errors_of(corpus) == [
        "background/bobbio-account.md:2: card 'bobbio-account' contradicts unknown claim 'no-such'"
    ]


def test_disputed_without_a_contradicting_card_is_refused(corpus: Path) -> None:
    line = claim_block_edit(corpus, "kenna-tweet", "label: established", "label: disputed")
    assert errors_of(corpus) == [
        f"claims.yaml:{line}: claim 'kenna-tweet' is labelled disputed, but no card contradicts "
        "it; link the card that does (contradicted_by), or say why "
        '(contradictions_acknowledged: "...")'
    ]
    claim_block_edit(
        corpus,
        "kenna-tweet",
        "label: disputed",
        'label: disputed\n    contradictions_acknowledged: "The reply itself is on record."',
    )
    load_corpus(corpus)


def test_the_policy_is_not_applied_to_a_served_snapshot(corpus: Path) -> None:
    claim_block_edit(corpus, "kenna-tweet", "label: established", "label: disputed")
    assert load_corpus(corpus, strict=False).claim("kenna-tweet").label == "disputed"


def test_sources_yaml_errors(corpus: Path) -> None:
    path = corpus / "sources.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "rumour:\n  - example.org\npress:\n  - larepublica.pe\n",
        encoding="utf-8",
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    errors = errors_of(corpus)
    rumour = lines.index("rumour:") + 1
    assert any(
        e.startswith(f"sources.yaml:{rumour}: unknown source kind 'rumour': one of official, ")
        for e in errors
    ), errors
    assert f"sources.yaml:{rumour + 2}: key 'press' appears twice in the same mapping" in errors
