"""The corpus: the shipped data validates and is complete; each kind of breakage is refused."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from index.answer.engine import Engine
from index.corpus.load import Corpus, CorpusInvalid, load_corpus
from index.search.reindex import reindex
from index.search.store import IndexPointer, make_client, read_pointer
from tests.support.core import (
    CORPUS_DIR,
    FAKE_THRESHOLDS,
    KENNA_MEETING,
    Built,
    build,
    copy_corpus,
)
from tests.support.fakes import FakeEmbedder


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(CORPUS_DIR)


# -- the shipped corpus -------------------------------------------------------------------------


def test_shipped_corpus_validates(corpus: Corpus) -> None:
    assert corpus.claims
    assert corpus.article.title == "The U.S. Egged On The Coup In Peru"


def test_all_twelve_claim_groups_are_present(corpus: Corpus) -> None:
    groups = {c.group for c in corpus.claims}
    assert set(range(1, 13)) <= groups


def test_every_claim_is_the_article_slice_at_its_offsets(corpus: Corpus) -> None:
    for claim in corpus.claims:
        assert corpus.article.text[claim.start : claim.end] == claim.quote, claim.id


def test_every_body_sentence_is_covered_by_a_claim_or_a_not_claim(corpus: Corpus) -> None:
    body = [s for p in corpus.article.paragraphs if p.kind == "body" for s in p.sentences]
    uncovered = [
        s.id
        for s in body
        if not corpus.claims_overlapping(s.start, s.end)
        and not any(n.start < s.end and s.start < n.end for n in corpus.not_claims)
    ]
    assert uncovered == []


def test_the_kenna_sentence_holds_claims_with_different_labels(corpus: Corpus) -> None:
    kenna = corpus.article.sentence("p4.s7")
    claims = corpus.claims_overlapping(kenna.start, kenna.end)
    labels = {c.id: c.label for c in claims}
    assert labels["kenna-bobbio-meeting"] == "allegation"
    assert labels["kenna-tweet"] == "established"
    assert len(set(labels.values())) >= 2
    assert corpus.claim("kenna-bobbio-meeting").quote == KENNA_MEETING


def test_at_least_forty_facts_each_with_a_source_url(corpus: Corpus) -> None:
    assert len(corpus.facts) >= 40
    for fact in corpus.facts.values():
        assert fact.sources, fact.id
        assert all(s.url.startswith(("http://", "https://")) for s in fact.sources), fact.id


def test_every_fact_a_claim_cites_exists(corpus: Corpus) -> None:
    for claim in corpus.claims:
        assert set(claim.fact_ids) <= set(corpus.facts), claim.id


# -- breakages on a copy ------------------------------------------------------------------------


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the only line containing `needle`."""
    lines = [
        n
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if needle in line
    ]
    assert len(lines) == 1, f"{needle!r} must be on one line of {path.name}"
    return lines[0]


def edit_claim(corpus_dir: Path, claim_id: str, old: str, new: str) -> int:
    """Replace `old` inside one claim's block of claims.yaml; return the claim's line."""
    path = corpus_dir / "claims.yaml"
    text = path.read_text(encoding="utf-8")
    head = f"  - id: {claim_id}\n"
    start = text.index(head)
    end = min(
        i for i in (text.find("\n  - id:", start + 1), text.find("\nnot_claims:", start)) if i >= 0
    )
    block = text[start:end]
    assert block.count(old) == 1, f"{old!r} must occur once in claim {claim_id}"
    path.write_text(text[:start] + block.replace(old, new) + text[end:], encoding="utf-8")
    return text[:start].count("\n") + 1


def quote_not_verbatim(d: Path) -> str:
    line = edit_claim(d, "kenna-tweet", "sent a denunciatory tweet", "sent an angry tweet")
    return (
        f"claims.yaml:{line}: claim 'kenna-tweet': quote not found verbatim in the "
        "normalized article"
    )


def duplicate_claim_id(d: Path) -> str:
    line = edit_claim(d, "kenna-tweet", "id: kenna-tweet", "id: kenna-bobbio-meeting")
    return f"claims.yaml:{line}: duplicate claim id 'kenna-bobbio-meeting'"


OVERLAPPING = """  - id: sealed-fate-overlap
    group: 4
    quote: "sealed his fate."
    label: opinion
    note: "Overlaps measure-sealed-fate on purpose."

"""


def overlapping_claims(d: Path) -> str:
    path = d / "claims.yaml"
    replace_once(path, "\nnot_claims:", "\n" + OVERLAPPING + "not_claims:")
    line = line_of(path, "id: sealed-fate-overlap")
    return f"claims.yaml:{line}: claim 'sealed-fate-overlap' overlaps claim 'measure-sealed-fate'"


def unknown_fact_id(d: Path) -> str:
    line = edit_claim(
        d, "kenna-tweet", "supported_by: [kenna-tweet]", "supported_by: [kenna-tweet, no-such-fact]"
    )
    return f"claims.yaml:{line}: claim 'kenna-tweet' refers to unknown fact 'no-such-fact'"


def bad_label(d: Path) -> str:
    line = edit_claim(d, "kenna-tweet", "label: established", "label: rumour")
    return (
        f"claims.yaml:{line}: claim 'kenna-tweet': label 'rumour' must be one of "
        "established, disputed, allegation, opinion"
    )


NO_URL_CARD = """---
id: no-url
title: "A card without a link"
date: "2022-12-07"
sources:
  - publisher: "Somebody"
    title: "Something said"
    date: "2022-12-07"
---
A statement with no link to check it by.
"""


def fact_without_source_url(d: Path) -> str:
    (d / "background" / "no-url.md").write_text(NO_URL_CARD, encoding="utf-8")
    # The line of the source entry itself, not the card's first line.
    return "background/no-url.md:6: source 1 needs a url starting with http(s)://"


def fact_without_sources(d: Path) -> str:
    card = NO_URL_CARD.split("sources:")[0] + "---\nA statement with no source at all.\n"
    (d / "background" / "no-url.md").write_text(card, encoding="utf-8")
    return "background/no-url.md:2: at least one source with a URL is required"


def fact_id_not_file_name(d: Path) -> str:
    shutil.copy(d / "background" / "kenna-term.md", d / "background" / "kenna-term-copy.md")
    return (
        "background/kenna-term-copy.md:2: id 'kenna-term' does not match the file name "
        "'kenna-term-copy'"
    )


def body_edited(d: Path) -> str:
    path = d / "article.md"
    replace_once(path, "is a popular educator", "is a popular teacher")
    # The body starts on the line after the closing '---' of the front matter.
    body_line = path.read_text(encoding="utf-8").split("\n").index("---", 1) + 2
    # The message goes on with the hash expected and the one the body has.
    return (
        f"article.md:{body_line}: the body no longer matches body_sha256: the article must "
        "stay exactly as supplied ("
    )


def invalid_yaml(d: Path) -> str:
    line = edit_claim(d, "kenna-tweet", "group: 11\n", "group: 11: x\n")
    return f"claims.yaml:{line + 1}: invalid YAML: mapping values are not allowed"


@dataclass(frozen=True)
class Breakage:
    name: str
    apply: Callable[[Path], str]


BREAKAGES = [
    Breakage("quote not verbatim", quote_not_verbatim),
    Breakage("duplicate claim id", duplicate_claim_id),
    Breakage("overlapping claims", overlapping_claims),
    Breakage("unknown fact id", unknown_fact_id),
    Breakage("bad label", bad_label),
    Breakage("fact without source url", fact_without_source_url),
    Breakage("fact without sources", fact_without_sources),
    Breakage("fact id is not the file name", fact_id_not_file_name),
    Breakage("body edited", body_edited),
    Breakage("invalid yaml", invalid_yaml),
]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """An index built from a good copy of the corpus, with an engine already serving it."""
    root = tmp_path_factory.mktemp("live")
    return build(root / "data", copy_corpus(root / "corpus"))


@dataclass(frozen=True)
class Refused:
    """What one broken corpus did to a reindex over the live index."""

    expected: str
    errors: list[str]
    pointer_before: IndexPointer | None
    pointer_after: IndexPointer | None
    embedded: int


@pytest.fixture(scope="module", params=BREAKAGES, ids=lambda b: b.name)
def refused(
    request: pytest.FixtureRequest, live: Built, tmp_path_factory: pytest.TempPathFactory
) -> Refused:
    breakage: Breakage = request.param
    broken = copy_corpus(tmp_path_factory.mktemp("broken") / "corpus", live.settings.corpus_dir)
    expected = breakage.apply(broken)
    client = make_client(live.settings)
    before = read_pointer(client)
    embedded = len(live.embedder.embedded)
    with pytest.raises(CorpusInvalid) as caught:
        reindex(live.settings.model_copy(update={"corpus_dir": broken}), embedder=live.embedder)
    return Refused(
        expected,
        caught.value.errors,
        before,
        read_pointer(client),
        len(live.embedder.embedded) - embedded,
    )


def test_breakage_is_reported_as_file_line_message(refused: Refused) -> None:
    if "invalid YAML" in refused.expected or refused.expected.endswith("("):
        # The parser's own explanation follows; the file, line and kind are what we promise.
        assert any(e.startswith(refused.expected) for e in refused.errors), refused.errors
    else:
        assert refused.expected in refused.errors


def test_breakage_leaves_the_pointer_unchanged(refused: Refused) -> None:
    assert refused.pointer_before is not None
    assert refused.pointer_after == refused.pointer_before


def test_breakage_embeds_nothing(refused: Refused) -> None:
    assert refused.embedded == 0


def test_breakage_leaves_queries_working(refused: Refused, live: Built) -> None:
    answer = live.engine.answer("Who is Lisa Kenna?")
    assert answer.status == "answered"
    assert answer.verification.passed


def test_a_new_engine_serves_the_live_index_after_a_refusal(live: Built, tmp_path: Path) -> None:
    broken = copy_corpus(tmp_path / "corpus", live.settings.corpus_dir)
    bad_label(broken)
    with pytest.raises(CorpusInvalid):
        reindex(live.settings.model_copy(update={"corpus_dir": broken}), embedder=FakeEmbedder())
    fresh = Engine.from_settings(live.settings, embedder=FakeEmbedder(), with_log=False)
    answer = fresh.answer("Who is Lisa Kenna?")
    assert answer.status == "answered"
    assert fresh.index_version == live.engine.index_version


def test_every_error_is_listed_not_only_the_first(tmp_path: Path) -> None:
    broken = copy_corpus(tmp_path / "corpus")
    first = bad_label(broken)
    second = fact_id_not_file_name(broken)
    with pytest.raises(CorpusInvalid) as caught:
        load_corpus(broken)
    assert first in caught.value.errors and second in caught.value.errors


# -- the smallest corpus ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def article_only(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("article-only")
    (root / "corpus").mkdir()
    shutil.copy(CORPUS_DIR / "article.md", root / "corpus" / "article.md")
    return build(root / "data", root / "corpus", **FAKE_THRESHOLDS)


def test_a_corpus_of_only_the_article_is_valid(tmp_path: Path) -> None:
    shutil.copy(CORPUS_DIR / "article.md", tmp_path / "article.md")
    corpus = load_corpus(tmp_path)
    assert corpus.claims == () and corpus.not_claims == () and corpus.facts == {}


def test_article_only_we_are_told_sentence_is_a_cue_allegation(article_only: Built) -> None:
    answer = article_only.engine.answer(
        "Who gave the Peruvian military generals the greenlight to move against Castillo?"
    )
    assert answer.status == "answered"
    told = [q for q in answer.quotes if q.text.startswith("We are told that")]
    assert told, [q.text for q in answer.quotes]
    assert (told[0].label, told[0].labelled_by, told[0].claim_ids) == ("allegation", "cue", [])
    assert answer.verification.passed


def test_article_only_plain_sentences_are_unreviewed(article_only: Built) -> None:
    answer = article_only.engine.answer("Were his lawyers looking at spreadsheets?")
    assert answer.status == "answered"
    spreadsheets = [q for q in answer.quotes if "spreadsheets" in q.text]
    assert spreadsheets, [q.text for q in answer.quotes]
    assert (spreadsheets[0].label, spreadsheets[0].labelled_by) == ("unreviewed", "none")
    assert answer.background == []
    assert answer.verification.passed
