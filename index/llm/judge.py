"""Every summary sentence bound to the evidence it cites; its stance taken from the data.

The model returns sentences, each citing ids of the passages and facts it was shown. A sentence
ships only if

- it cites something, and only ids it was given;
- it passes no verdict ("established", "in fact" …) and claims nothing about what the sources
  leave out;
- what it says is in what it cites: its names and numbers appear there, most of its distinctive
  words do, it is close to one cited text (by the engine's embedder, when there is one), and it
  negates nothing its evidence does not;
- a sentence saying "the article/authors say …" rests on article passages, not on fact cards;
- when it cites a passage labelled allegation, disputed, opinion or unreviewed, the code renders
  it attributed from the label (`prompts/llm.yaml`), in place of any lead-in of the model's own
  ("It mentions that", "The article says that"); only an attribution inside the sentence stays;
- when it cites only established passages and fact cards, it restates none of the corpus's
  contested claims (title included, retrieved or not): by word overlap, and by embedding
  similarity when the sentence is closer to a contested claim than to its own evidence.

Each dropped sentence records the guard that dropped it (logged, and counted by the benches).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from index.answer import compose
from index.corpus.labels import label_span
from index.corpus.load import Corpus
from index.llm import roles
from index.llm.evidence import Evidence, Shown
from index.llm.guards import (
    ATTRIBUTE_LABELS,
    MAX_SUMMARY_CHARS,
    attributed,
    bad_quotations,
    passes_verdict,
    restates,
    sanitize,
    words,
)
from index.llm.reply import Claimed, Reply
from index.llm.similarity import Similarity
from index.search.text import fold, tokenize

# Labels whose content the code attributes to the authors, strongest first (a sentence citing
# several takes the first): the template for each is in prompts/llm.yaml.
CODE_ATTRIBUTED = ("disputed", "allegation", "opinion", "unreviewed")
# A summary ships when at least this share of the model's sentences survive (and at least one).
MIN_KEPT_SHARE = 0.5
# Of a sentence's distinctive word stems, at most this share may be absent from what it cites
# (none of a short sentence's).
MAX_MISSING_SHARE = 0.2
# The best single cited text holds at least this share of them: a sentence may not join words of
# unrelated passages into an event none of them tells ("the CIA" + "the coup").
SINGLE_SOURCE_SHARE = 0.5
MIN_WORDS = 3
# "According to <Name>": whom the sentence credits; and the verbs by which a text has someone say.
_ACCORDING_TO = re.compile(r"\baccording\s+to\s+((?:[A-Z][\w'\u2019.-]*\s*){1,4})")
_SAYING = (
    r"(?:sa(?:y|ys|id)|told|tells?|tweet\w*|wr(?:ote|ites?)|stat\w*|report\w*|announc\w*|"
    r"declar\w*|claim\w*|alleg\w*|found|show\w*|put|record\w*|publish\w*|testif\w*|"
    r"accus\w*|deni\w*|den(?:y|ies)|confirm\w*|insist\w*|argu\w*|quot\w*)\b"
)
# A sentence whose distinctive words overlap a kept one's this much (Jaccard) repeats it.
REPEATED = 0.8
# Words that say who says something, or that the text talks about itself, and negations (the
# negation check has those): not content.
META_WORDS = """
    article articles author authors piece text passage passages op ed essay writer writers they
    allege alleges alleged alleging allegation allegations claim claims claimed claiming say says
    said saying state states stated stating write writes wrote written assert asserts asserted
    argue argues argued contend contends suggest suggests suggested maintain maintains believe
    believes view views opinion according mention mentions mentioned note notes noted report
    reports reported describe describes described explain explains explained discuss discusses
    discussed provide provides provided information detail details indicate indicates indicated
    point points out also however while further furthermore additionally moreover account
    reportedly allegedly supposedly apparently appear appears seem seems likely told tells
    never neither nor none without
    """.split()
_META = frozenset(tokenize(" ".join(META_WORDS)))
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"\b[A-Z][\w'\u2019.-]*")
_UNITED_STATES = re.compile(r"\bUnited\s+States(?:\s+of\s+America)?\b")
_INITIALS = re.compile(r"(?:[A-Z]\.){2,}")
_QUOTATION = re.compile(r'["\u201c]([^"\u201c\u201d]{3,})["\u201d]')
# Phrased as established fact: markers the labels are there to replace.
_ASSERTIVE = re.compile(
    r"\b(?:in\s+fact|indeed|clearly|undeniabl[ey]|undoubtedly|certainly|obviously|definitely|"
    r"without\s+(?:a\s+)?doubt|no\s+doubt|it\s+is\s+(?:a\s+)?(?:fact|known|clear|certain)|"
    r"the\s+fact\s+(?:is|that)|the\s+truth\s+is|in\s+reality|actually|truly|"
    r"well[-\s](?:known|documented|established)|everyone\s+knows|proves?)\b",
    re.IGNORECASE,
)
# What the sources do not say cannot be bound to evidence.
_ABSENCE = re.compile(
    r"\b(?:article|authors?|text|passages?|piece|sources?|facts?|data|it|they)\s+"
    r"(?:does|do|did|has|have)\s*(?:not|n[o']t)\s+(?:\w+\s+){0,2}?"
    r"(?:mention|say|provide|discuss|address|state|contain|give|include|explain|specify|"
    r"offer|cover|tell|describe|name|identify|report|detail)\w*"
    r"|\b(?:no|not\s+any)\s+(?:information|mention|details?|evidence|data)\s+(?:about|on|of|is|was)",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:not|no|never|neither|nor|none|without|denied|denies|deny|false|untrue|refused|"
    r"rejected)\b|n['\u2019]t\b",
    re.IGNORECASE,
)
# Hedges that negate the claim's proof, not the claim: they may stand without a cited negation.
_HEDGE = re.compile(
    r"\b(?:no|without)\s+independent\s+(?:\w+\s+)?(?:source|evidence|confirmation|record)s?\b"
    r"|\bnot\s+(?:been\s+)?(?:independently\s+)?(?:confirmed|verified|corroborated|established|"
    r"checked|proven)\b|\bno\s+(?:source|record|report)s?\s+(?:\w+\s+){0,3}?(?:confirm|show|"
    r"support|corroborat)\w*",
    re.IGNORECASE,
)
# Who says it, at the start of a sentence: not part of what it says.
_LEADING_SOURCE = re.compile(
    r"^(?:according\s+to\s+(?:the\s+)?[^,]{1,40},\s*|in\s+the\s+authors['\u2019]?\s+view,\s*|"
    r"(?:(?:the\s+)?(?:authors?|article|piece|writers?)|it)\s+(?:\w+\s+){0,2}?(?:alleges?|claims?|"
    r"says?|writes?|states?|argues?|asserts?|suggests?|contends?|mentions?|notes?|reports?|"
    r"describes?|believes?)\s+(?:that\s+)?)",
    re.IGNORECASE,
)
# The sentence names the article or its authors as its source (`{names}`: the authors' names).
# Not someone else's ("Wikipedia's article", "the embassy's document").
_ARTICLE_SOURCE = (
    r"\b(?<!'s )(?<!\u2019s )"
    r"(?:{names}authors?|article|piece|op-?ed|essay|writers?|documents?|text|passages?)\b"
    r"|\b(?:in\s+)?their\s+(?:view|account|telling|reading|opinion|interpretation)\b"
)
_INNER_CAPITAL = re.compile(r"(?<=[a-z,;] )([A-Z][A-Za-z]*)")
_LOWER_WORD = re.compile(r"(?<![A-Za-z])[a-z]+(?![A-Za-z])")
# A run of capitalized words: a full name as the corpus writes it ("Ana María Gómez").
_FULL_NAME = re.compile(r"\b[A-Z][\w'\u2019-]+(?:[ \t]+[A-Z][\w'\u2019-]+){1,2}\b")


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


@dataclass(frozen=True)
class Contested:
    """A span of the corpus the summary may restate only attributed."""

    id: str
    label: str
    text: str


def contested_spans(corpus: Corpus, segments: list[compose.Segment]) -> list[Contested]:
    """Every contested claim of the corpus (title included) and every hedged sentence."""
    found: list[Contested] = [
        Contested(c.id, c.label, c.quote) for c in corpus.claims if c.label in ATTRIBUTE_LABELS
    ]
    texts = {c.text for c in found}
    for seg in segments:
        span = label_span(corpus, seg.start, seg.end)
        text = corpus.article.text[seg.start : seg.end]
        if span and span.label in ATTRIBUTE_LABELS and text not in texts:
            found.append(Contested(seg.claim_id or seg.sentence_ids[0], span.label, text))
            texts.add(text)
    return found


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
        self.templates = templates
        self.similarity = similarity
        self.contested = contested_spans(corpus, segments)
        # Names a sentence may use whatever it cites: the authors', the publication's, the
        # article's subject (words of its title).
        # Words that are no one's content: the authors' and the publication's names.
        self.neutral = frozenset(tokenize(" ".join(self.authors))) | allowed_names | common
        self.allowed = self.neutral | frozenset(tokenize(corpus.article.title))
        self._article_words = frozenset(_LOWER_WORD.findall(self.article_text))
        # Words the corpus capitalizes inside a sentence: names ("Ana", "U"), never lowered.
        self._inner_capitals = frozenset(
            m.group(1)
            for text in [self.article_text, *(f.text for f in corpus.facts.values())]
            for m in _INNER_CAPITAL.finditer(text)
        )
        # Given names: the first word of a full name the corpus writes, with the other words of
        # that name ("ana" → {"gomez"}); a sentence may add it to a name its evidence has.
        self._given: dict[str, set[str]] = {}
        for text in [self.article_text, *(f"{f.title}. {f.text}" for f in corpus.facts.values())]:
            for match in _FULL_NAME.finditer(text):
                first, *rest = match.group(0).split()
                if first.lower() in self._article_words:
                    continue  # "The", "In", "President": words, not given names
                for stem in tokenize(first):
                    self._given.setdefault(stem, set()).update(tokenize(" ".join(rest)))
        names = "".join(f"{re.escape(n)}|" for n in self.authors)
        self._to_article = re.compile(_ARTICLE_SOURCE.replace("{names}", names), re.IGNORECASE)

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
        """Every check that needs no embedding; `_similar` adds those that do."""
        text = sanitize(claimed.text)
        result = Checked(claimed.text, text)
        if "@" in text or "<" in text:
            return self._drop(result, "mention", text)
        if len(re.findall(r"\w+", text)) < MIN_WORDS:
            return self._drop(result, "fragment", text)
        if not claimed.cites:
            return self._drop(result, "uncited", "")
        evidence: list[Evidence] = []
        for raw in claimed.cites:
            found = shown.resolve(raw)
            if found is None:
                return self._drop(result, "unknown_ids", str(raw)[:80])
            evidence.extend(e for e in found if e not in evidence)
        result.evidence = evidence
        for e in evidence:  # the model copied a card's heading ("Title: text"): the text reads
            title = self.corpus.facts[e.id].title if e.kind == "fact" else ""
            if title and text.startswith(f"{title}:") and len(text) > len(title) + 2:
                rest = text[len(title) + 1 :].lstrip()
                text = result.text = rest[0].upper() + rest[1:]
                break
        if passes_verdict(text) or _ASSERTIVE.search(text):
            return self._drop(result, "verdict", text)
        if _ABSENCE.search(text):
            return self._drop(result, "absence", text)
        facts = " ".join(e.text for e in evidence if e.kind == "fact")
        for m in list(_QUOTATION.finditer(text)):
            if m.group(1) in self.article_text:
                continue
            if m.group(1) in facts:  # a fact card's words: not the article's, so no quotation marks
                text = result.text = text.replace(m.group(0), m.group(1), 1)
            else:
                return self._drop(result, "quotation", text)
        to_article = result.to_article = bool(self._to_article.search(text)) and attributed(
            text, self.authors
        )
        passages = [e for e in evidence if e.kind == "passage"]
        if to_article and not passages:
            return self._drop(result, "misattributed", "attributed to the article, cites facts")
        speaker = self._unsaid_source(text, evidence)
        if speaker:
            return self._drop(result, "misattributed", f"nothing cited has {speaker} say it")
        pool = passages if to_article else evidence
        core = result.core = core_text(text)
        problem = self._unsupported(core, pool)
        if problem:
            guard, detail = problem
            if to_article and not self._unsupported(core, evidence):
                guard = "misattributed"  # true of the cited facts, not of the article
            return self._drop(result, guard, detail)
        cited = [e.words for e in pool]
        if self._negates(core, cited):
            return self._drop(result, "negation", text)
        reversal = roles.reversed_role(core, cited, self.name_spans)
        if reversal:
            return self._drop(result, "roles", reversal)
        cause = roles.invented_cause(core, cited)
        if cause:
            return self._drop(result, "cause", cause)
        subject = roles.unsupported_copula_subject(core, cited, self.names)
        if subject:
            return self._drop(result, "roles", f"{subject} is no subject of 'is' in what it cites")
        labels = {e.label for e in passages}
        strongest = next((lab for lab in CODE_ATTRIBUTED if lab in labels), None)
        if strongest is not None:
            led_in = core != text.strip() and not self._to_article.search(core)
            if not to_article or led_in:
                # The code says who says it, from the label: the model's own lead-in ("It
                # mentions that", "The article says that" before a hearsay claim) goes.
                result.text = self.attribute(core, strongest)
                result.attributed_by_code = True
        elif not to_article:
            # Stated as fact: it may restate no contested claim more than its own evidence.
            own = max(self._overlap(core, e.text) for e in evidence)
            for spot in self.contested:
                if restates(core, spot.text, self.common) and self._overlap(core, spot.text) >= own:
                    return self._drop(result, "contested", f"restates {spot.id}")
        return result

    # -- the checks --------------------------------------------------------------------------

    def _unsaid_source(self, text: str, evidence: list[Evidence]) -> str | None:
        """A name the sentence credits ("according to Ana Gómez, …") that nothing it cites has
        saying anything: "through Ambassador X" is no "according to X"."""
        for match in _ACCORDING_TO.finditer(text):
            name = match.group(1).strip().rstrip(".,;:")
            last = re.escape(name.split()[-1])
            if any(w in self.neutral for w in tokenize(name)):
                continue  # the authors or the publication: the article's own attribution
            said = re.compile(
                rf"according\s+to\s+(?:\S+\s+){{0,3}}?{last}\b|\b{last}\b(?:\W+\w+){{0,6}}?\W+"
                rf"{_SAYING}|{_SAYING}\W+(?:\w+\W+){{0,3}}?{last}\b",
                re.IGNORECASE,
            )
            if not any(said.search(e.words) for e in evidence):
                return name
        return None

    def _unsupported(self, core: str, evidence: list[Evidence]) -> tuple[str, str] | None:
        """Why `core` is not supported by `evidence` (names, numbers, words), or None."""
        texts = [e.words for e in evidence]
        joined = " ".join(texts)
        pool = set(tokenize(joined))
        named = pool | self.allowed
        names = [n for n in self.names(core) if not self._named(n, named)]
        if names:
            return "unsupported_name", ", ".join(sorted(set(names)))
        digits = set(_NUMBER.findall(joined.replace(",", "")))
        numbers = [n for n in _NUMBER.findall(core.replace(",", "")) if n not in digits]
        if numbers:
            return "unsupported_number", ", ".join(numbers)
        stems = self.content_stems(core, named)
        if not stems:  # all names (a title-cased sentence): the evidence itself must hold them
            if not any(n not in self.neutral and _known(n, pool) for n in self.names(core)):
                return "unsupported", "says nothing checkable"
            return None
        missing = sorted(s for s in stems if not _known(s, pool))
        if len(missing) > MAX_MISSING_SHARE * len(stems):
            return "unsupported", f"not in what it cites: {', '.join(missing)}"
        best = max((_coverage(stems, set(tokenize(t))) for t in texts), default=0.0)
        if best < SINGLE_SOURCE_SHARE:
            return "unsupported", f"no one cited text holds it ({best:.0%} at best)"
        return None

    def names(self, text: str) -> list[str]:
        """Stems of the proper names in `text`: capitalized words the article never writes in
        lower case ("Coup" in a title-cased sentence is a word, "Kenna" a name); a sentence's
        first word only if the article has it ("Washington" opening a sentence is checked as a
        word)."""
        return [stem for _, _, stems in self.name_spans(text)[1] for stem in stems]

    def name_spans(self, text: str) -> tuple[str, list[tuple[int, int, list[str]]]]:
        """`names`, with where each name word is: the text as read ("United States" written
        "U.S.") and (start, end, stems) of each name word in it (`index.llm.roles` reads them)."""
        found: list[tuple[int, int, list[str]]] = []
        text = _UNITED_STATES.sub("U.S.", text)
        for match in _NAME.finditer(text):
            word = match.group(0)
            if not _INITIALS.fullmatch(word):  # "U.S." keeps its dots (it tokenizes to "usa")
                word = word.rstrip(".'\u2019")
            word = re.sub(r"['\u2019]s$", "", word)
            lower = word.lower()
            at_start = match.start() == 0 or text[: match.start()].rstrip()[-1:] in '.!?"\u201c:'
            if lower in self._article_words or lower == "i":
                continue
            if at_start and not _INITIALS.fullmatch(word) and word not in self.article_text:
                continue
            found.append((match.start(), match.end(), tokenize(word)))
        return text, found

    def content_stems(self, text: str, named: frozenset[str] | set[str] = frozenset()) -> set[str]:
        """The word stems the evidence must hold: not who says it, not the article's most common
        words, not names (checked against the wider `named` pool) unless they are new there."""
        names = set(self.names(text))
        return {
            t
            for t in tokenize(text)
            if len(t) > 1
            and t not in _META
            and t not in self.common
            and t not in self.neutral
            and not (t in names and self._named(t, named))
        }

    def _named(self, name: str, named: frozenset[str] | set[str]) -> bool:
        """`name` is in the pool, or is the given name of a surname that is ("ana" with
        "gomez")."""
        return _known(name, named) or any(_known(o, named) for o in self._given.get(name, ()))

    def _overlap(self, core: str, text: str) -> float:
        """The share of the sentence's distinctive words that `text` holds."""
        mine = words(core, self.common)
        return len(mine & words(text, self.common)) / len(mine) if mine else 0.0

    def _negates(self, core: str, texts: list[str]) -> bool:
        """`core` negates something though none of its evidence negates anything."""
        bare = _HEDGE.sub(" ", core)
        return bool(_NEGATION.search(bare)) and not any(_NEGATION.search(t) for t in texts)

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

    def attribute(self, sentence: str, label: str) -> str:
        """The sentence as the template for `label` renders it ("The authors allege that …")."""
        body = sentence.strip()
        first = re.match(r"[A-Za-z]+", body)
        word = first.group(0) if first else ""
        # "I", "MAAG", "U.S." stay, and a name the corpus capitalizes inside its sentences.
        kept = word == "I" or (word.isupper() and (len(word) > 1 or body[1:2] == "."))
        if not kept and (word.lower() in self._article_words or word not in self._inner_capitals):
            body = body[0].lower() + body[1:]  # a word, not a name: "We are told" → "we are told"
        if body[-1:] not in '.!?"\u201d':
            body += "."
        return self.templates[label].format(sentence=body)

    @staticmethod
    def _drop(c: Checked, guard: str, detail: str) -> Checked:
        c.dropped, c.detail = guard, detail[:160]
        return c


def core_text(sentence: str) -> str:
    """What the sentence says, without who says it ("According to the article, …")."""
    return _LEADING_SOURCE.sub("", sentence.strip(), count=1) or sentence


def _same(a: set[str], b: set[str]) -> bool:
    """Two sentences say the same: their distinctive words overlap by at least `REPEATED`."""
    return bool(a and b) and len(a & b) / len(a | b) >= REPEATED


def _known(word: str, pool: set[str] | frozenset[str]) -> bool:
    """In the pool, or sharing a prefix of four letters or more with a pool word that is all of
    one of them ("peru" / "peruvian")."""
    if word in pool:
        return True
    folded = fold(word)
    return len(folded) >= 4 and any(
        len(p) >= 4 and (p.startswith(folded) or folded.startswith(p)) for p in pool
    )


def _coverage(stems: set[str], pool: set[str]) -> float:
    return sum(_known(s, pool) for s in stems) / len(stems) if stems else 0.0
