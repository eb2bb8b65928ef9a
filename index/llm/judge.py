"""Every summary sentence bound to the evidence it cites; its stance taken from the data.

The model returns sentences, each citing ids of the passages and facts it was shown. A sentence
ships only if

- it cites something, and only ids it was given;
- it passes no verdict ("established", "in fact" …) and claims nothing about what the sources
  leave out (`phrasing`);
- what it says is in what it cites: its names and numbers appear there, most of its distinctive
  words do (`support`), it is close to one cited text (by the engine's embedder, when there is
  one), and it negates nothing its evidence does not;
- it keeps who did what as cited: no role reversed, no cause invented (`roles`), nothing said of
  things it joins that what it cites says of some of them only (`coordination`), no event given
  another's date (`dates`);
- a sentence saying "the article/authors say …" rests on article passages, not on fact cards;
- when it cites a passage labelled allegation, disputed, opinion or unreviewed, the code renders
  it attributed from the label (`attribution`, `prompts/llm.yaml`), in place of any lead-in of
  the model's own ("It mentions that", "The article says that"); only an attribution inside the
  sentence stays;
- when it cites only established passages and fact cards, it restates none of the corpus's
  contested claims (`contested`): by word overlap, and by embedding similarity when the sentence
  is closer to a contested claim than to its own evidence; attributed, it restates none it does
  not cite (by word overlap).

Each dropped sentence records the guard that dropped it (logged, and counted by the benches).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from index.answer import compose
from index.corpus.load import Corpus
from index.llm import (
    antecedents,
    attribution,
    clauses,
    coordination,
    dates,
    pairs,
    phrasing,
    possessives,
    quantities,
    roles,
    subjects,
)
from index.llm.attribution import Attribution, core_text
from index.llm.contested import contested_spans, restated, restated_uncited
from index.llm.evidence import Evidence, Shown
from index.llm.guards import MAX_SUMMARY_CHARS, bad_quotations, sanitize, words
from index.llm.names import Names
from index.llm.reply import Claimed, Reply
from index.llm.similarity import Similarity
from index.llm.support import Problem, Support, negates

__all__ = ["Checked", "Judge", "Outcome", "contested_spans", "core_text"]

# A summary ships when at least this share of the model's sentences survive (and at least one).
MIN_KEPT_SHARE = 0.5
# A sentence whose distinctive words overlap a kept one's this much (Jaccard) repeats it.
REPEATED = 0.8


@dataclass
class Checked:
    """One of the model's sentences after the checks: `text` as shipped, or why it was dropped."""

    raw: str
    text: str | None
    core: str = ""  # what it says, without who says it (what the checks compare)
    evidence: list[Evidence] = field(default_factory=list)
    dropped: str | None = None
    detail: str = ""
    attributed_by_code: bool = False
    to_article: bool = False  # the model named the article or its authors as the source


@dataclass
class Outcome:
    """The summary built from the model's sentences, and what each guard removed."""

    sentences: list[Checked]
    proposed: int

    @property
    def kept(self) -> list[Checked]:
        return [s for s in self.sentences if s.dropped is None]

    @property
    def summary(self) -> str | None:
        return " ".join(s.text for s in self.kept if s.text) or None

    @property
    def enough(self) -> bool:
        kept = len(self.kept)
        return kept >= 1 and kept >= MIN_KEPT_SHARE * self.proposed

    def dropped_by(self) -> Counter[str]:
        return Counter(s.dropped for s in self.sentences if s.dropped)

    def cited(self) -> list[Evidence]:
        """The evidence of the kept sentences, in the order they cite it."""
        seen: list[Evidence] = []
        for s in self.kept:
            seen.extend(e for e in s.evidence if e not in seen)
        return seen


# The checks of who did what to whom that read the names of a sentence and of what it cites, in
# the order they run: the first that finds something names the problem.
_ROLE_CHECKS: tuple[Callable[[str, list[str], clauses.NameSpans], str | None], ...] = (
    roles.reversed_role,
    subjects.reversed_subject,
    pairs.unattested_pair,
    dates.misdated,
    dates.misdated_event,
    roles.unsupported_agent,
    roles.unsupported_place,
    possessives.swapped_possessor,
    possessives.possessed_object,
)


class Judge:
    """Checks the model's sentences against the evidence; one per corpus (index version)."""

    def __init__(
        self,
        corpus: Corpus,
        segments: list[compose.Segment],
        common: frozenset[str],
        authors: Sequence[str],
        templates: dict[str, str],
        similarity: Similarity,
        allowed_names: frozenset[str] = frozenset(),
    ):
        self.corpus = corpus
        self.article_text = corpus.article.text
        self.common = common
        self.authors = tuple(authors)
        self.similarity = similarity
        self.contested = contested_spans(corpus, segments)
        self._names = Names(corpus)
        self.support = Support(self._names, common, authors, corpus.article.title, allowed_names)
        self.attribution = Attribution(corpus, self._names, authors, templates)

    # -- one reply ---------------------------------------------------------------------------

    def judge(self, reply: Reply, shown: Shown) -> Outcome:
        checked = [self.check(s, shown) for s in reply.sentences]
        # Similarity in one batch: the sentences, their evidence, the contested claims.
        self._similar(checked)
        kept: list[Checked] = []
        said: list[set[str]] = []  # the distinctive words of each kept sentence
        used = 0
        for c in checked:
            if c.dropped is None:
                assert c.text is not None
                mine = words(c.core or c.text, self.common)
                if any(_same(mine, theirs) for theirs in said):
                    self._drop(c, "repeated", c.text)  # says again what a kept one says
                    continue
                dangling = self._dangling_pronoun(c, kept[-1] if kept else None)
                if dangling:
                    self._drop(c, "roles", dangling)
                    continue
                if used + len(c.text) > MAX_SUMMARY_CHARS:
                    self._drop(c, "too_long", f"{len(c.text)} chars")
                    continue
                used += len(c.text) + 1
                kept.append(c)
                said.append(mine)
        self._pair_quotations(kept)
        proposed = sum(1 for c in checked if c.dropped not in ("too_long", "repeated"))
        return Outcome(checked, proposed)

    def check(self, claimed: Claimed, shown: Shown) -> Checked:
        """Every check that needs no embedding, in turn; `_similar` adds those that do."""
        text = sanitize(claimed.text)
        result = Checked(claimed.text, text)
        problem = phrasing.mention(text) or phrasing.fragment(text)
        if problem:
            return self._drop(result, *problem)
        if not claimed.cites:
            return self._drop(result, "uncited", "")
        evidence, unknown = _resolve(claimed.cites, shown)
        if unknown is not None:
            return self._drop(result, "unknown_ids", unknown)
        result.evidence = evidence
        titles = [self.corpus.facts[e.id].title if e.kind == "fact" else "" for e in evidence]
        text = result.text = phrasing.without_heading(text, titles)
        facts = " ".join(e.text for e in evidence if e.kind == "fact")
        problem = phrasing.verdict(text, facts) or phrasing.absence(text)
        if problem:
            return self._drop(result, *problem)
        text, problem = phrasing.quotations(text, self.article_text, facts)
        result.text = text
        if problem:
            return self._drop(result, *problem)
        to_article = result.to_article = self.attribution.to_article(text)
        passages = [e for e in evidence if e.kind == "passage"]
        label = attribution.strongest(e.label for e in passages)
        if to_article and label is None:
            # Nothing it cites is contested: the code, not the model, says who says it. Content
            # of the cited cards under the model's "The article states that …" is stated as the
            # cards' fact (then checked as a fact is), not dropped as misattributed.
            stated = self.attribution.as_fact(text)
            if stated is not None and self.support.only_in_facts(stated, passages, evidence):
                text = result.text = phrasing.without_heading(stated, titles)
                to_article = result.to_article = False
        problem = self._misattributed(text, evidence, passages, to_article)
        if problem:
            return self._drop(result, *problem)
        # Rendered as the authors' (a cited passage is contested) or credited to the article by
        # the model: what it says must be what the passages say, not only the cards ("The
        # authors claim that he was arrested by his police escort": the card's, not theirs).
        credits_article = to_article or label is not None
        pool = passages if credits_article else evidence
        core = result.core = core_text(text)
        problem = self._unsupported(core, pool, evidence, credits_article)
        if problem:
            return self._drop(result, *problem)
        cited = [e.words for e in pool]
        if negates(core, cited):
            return self._drop(result, "negation", text)
        problem = self._who_did_what(core, cited)
        if problem:
            return self._drop(result, *problem)
        contexts = [e.context or e.words for e in pool]
        swapped = roles.swapped_pronoun_subject(core, contexts, self.name_spans)
        if swapped:
            return self._drop(result, "roles", swapped)
        if not credits_article:
            speaker = self.support.unattributed_report(core, pool)
            if speaker:
                return self._drop(result, "unattributed", f"a card has '{speaker}' say it")
        if label is not None or to_article:
            # Attributed, it may still not restate a contested claim it does not cite: "The
            # authors allege that <the title> by using the phrase <a cited claim>".
            spot = restated_uncited(core, evidence, self.contested, self.common)
            if spot:
                return self._drop(result, "contested", f"restates {spot}, which it does not cite")
        if label is not None:
            if self.attribution.replaces_lead_in(text, core, to_article):
                result.text = self.attribution.attribute(core, label)
                result.attributed_by_code = True
        elif not to_article:
            # Stated as fact: it may restate no contested claim more than its own evidence.
            spot = restated(core, evidence, self.contested, self.common)
            if spot:
                return self._drop(result, "contested", f"restates {spot}")
        return result

    # -- the checks --------------------------------------------------------------------------

    def _misattributed(
        self, text: str, evidence: list[Evidence], passages: list[Evidence], to_article: bool
    ) -> Problem | None:
        """Credited to the article while citing only fact cards, or to someone nothing cited
        has saying anything."""
        if to_article and not passages:
            return "misattributed", "attributed to the article, cites facts"
        speaker = self.support.unsaid_source(text, evidence)
        if speaker:
            return "misattributed", f"nothing cited has {speaker} say it"
        return None

    def _unsupported(
        self, core: str, pool: list[Evidence], evidence: list[Evidence], credits_article: bool
    ) -> Problem | None:
        """What `core` says is not in `pool` (the passages, when it credits the article)."""
        problem = self.support.unsupported(core, pool)
        if problem:
            guard, detail = problem
            if credits_article and not self.support.unsupported(core, evidence):
                guard = "misattributed"  # true of the cited facts, not of the article
            return guard, detail
        return None

    def _who_did_what(self, core: str, cited: list[str]) -> Problem | None:
        """A role reversed, a relation or a figure moved, a cause invented, a subject moved,
        things joined that what it cites keeps apart (`index.llm.roles`, `subjects`, `pairs`,
        `quantities`, `coordination`)."""
        for check in _ROLE_CHECKS:
            found = check(core, cited, self.name_spans)
            if found:
                return "roles", found
        figure = quantities.misbound(core, cited, self.name_spans, self.support.bylines)
        if figure:
            return "roles", figure
        cause = roles.invented_cause(core, cited)
        if cause:
            return "cause", cause
        subject = roles.unsupported_copula_subject(core, cited, self.names)
        if subject:
            return "roles", f"{subject} is no subject of 'is' in what it cites"
        merge = coordination.merged(core, cited, self.name_spans, self.content_stems)
        if merge:
            return "merged", merge
        return None

    def names(self, text: str) -> list[str]:
        """Stems of the proper names in `text` (`index.llm.names`)."""
        return self._names.stems(text)

    def name_spans(self, text: str) -> tuple[str, list[tuple[int, int, list[str]]]]:
        """The proper names in `text` and where each is (`index.llm.clauses` reads them)."""
        return self._names.spans(text)

    def content_stems(self, text: str, named: frozenset[str] | set[str] = frozenset()) -> set[str]:
        """The word stems what `text` cites must hold (`index.llm.support`)."""
        return self.support.content_stems(text, named)

    def attribute(self, sentence: str, label: str) -> str:
        """The sentence as the template for `label` renders it ("The authors allege that …")."""
        return self.attribution.attribute(sentence, label)

    def _similar(self, checked: list[Checked]) -> None:
        """The embedding checks, for the sentences still standing."""
        standing = [c for c in checked if c.dropped is None and c.text]
        limits = self.similarity.cosines
        if not standing or not self.similarity.available or limits is None:
            return
        corpus_texts = [e.text for c in standing for e in c.evidence] + [
            c.text for c in self.contested
        ]
        if self.similarity.vectors(corpus_texts, keep=True) is None:
            return
        cores = [c.core for c in standing]
        mine = self.similarity.vectors(cores)
        if mine is None:
            return
        contested_vecs = self.similarity.vectors([c.text for c in self.contested], keep=True) or []
        for c, vec in zip(standing, mine, strict=True):
            evidence_vecs = self.similarity.vectors([e.text for e in c.evidence], keep=True) or []
            support = max((Similarity.cosine(vec, v) for v in evidence_vecs), default=0.0)
            if support < limits.support:
                self._drop(c, "dissimilar", f"cosine {support:.2f} to what it cites")
                continue
            if c.attributed_by_code or c.to_article:
                continue
            for spot, cvec in zip(self.contested, contested_vecs, strict=True):
                sim = Similarity.cosine(vec, cvec)
                if sim >= limits.contested and sim >= support + limits.margin:
                    self._drop(c, "contested", f"cosine {sim:.2f} to {spot.id}")
                    break

    def _dangling_pronoun(self, c: Checked, before: Checked | None) -> str | None:
        """`index.llm.antecedents`: a pronoun opening `c` after a sentence on someone else."""
        if before is None:
            return None
        evidence = " ".join(e.words for e in c.evidence)
        return antecedents.dangling(
            c.core or c.text or "",
            before.core or before.text or "",
            evidence,
            self.names,
            self.support.neutral,
        )

    def _pair_quotations(self, kept: list[Checked]) -> None:
        """Quotation marks can pair across sentences: check the text as the verifier will see it,
        drop the sentences a bad quotation touches, and repeat until every pairing is verbatim."""
        while True:
            live = [c for c in kept if c.dropped is None]
            joined = " ".join(c.text or "" for c in live)
            bad = bad_quotations(joined, self.article_text)
            if not bad:
                return
            at = 0
            for c in live:
                span = (at, at + len(c.text or ""))
                at = span[1] + 1
                if any(span[0] < e and s < span[1] for s, e in bad):
                    self._drop(c, "quotation", c.text or "")

    @staticmethod
    def _drop(c: Checked, guard: str, detail: str) -> Checked:
        c.dropped, c.detail = guard, detail[:160]
        return c


def _resolve(cites: Sequence[str], shown: Shown) -> tuple[list[Evidence], str | None]:
    """The evidence the ids resolve to, in order; or the first id nothing shown has."""
    evidence: list[Evidence] = []
    for raw in cites:
        found = shown.resolve(raw)
        if found is None:
            return evidence, str(raw)[:80]
        evidence.extend(e for e in found if e not in evidence)
    return evidence, None


def _same(a: set[str], b: set[str]) -> bool:
    """Two sentences say the same: their distinctive words overlap by at least `REPEATED`."""
    return bool(a and b) and len(a & b) / len(a | b) >= REPEATED
