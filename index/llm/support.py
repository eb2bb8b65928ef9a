"""What a summary sentence says is in what it cites: its names, its numbers and most of its
distinctive words, held by one cited text; whom it credits as saying it; what it negates."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from index.llm.evidence import Evidence
from index.llm.guards import words
from index.llm.names import Names
from index.search.text import fold, tokenize

# Why a check drops a sentence: (guard, detail).
Problem = tuple[str, str]
# Of a sentence's distinctive word stems, at most this share may be absent from what it cites
# (none of a short sentence's).
MAX_MISSING_SHARE = 0.2
# The best single cited text holds at least this share of them: a sentence may not join words of
# unrelated passages into an event none of them tells ("the CIA" + "the coup").
SINGLE_SOURCE_SHARE = 0.5
# "According to <Name>": whom the sentence credits; and the verbs by which a text has someone say.
_ACCORDING_TO = re.compile(r"\baccording\s+to\s+((?:[A-Z][\w'\u2019.-]*\s*){1,4})")
_SAYING = (
    r"(?:sa(?:y|ys|id)|told|tells?|tweet\w*|wr(?:ote|ites?)|stat\w*|report\w*|announc\w*|"
    r"declar\w*|claim\w*|alleg\w*|found|show\w*|put|record\w*|publish\w*|testif\w*|"
    r"accus\w*|deni\w*|den(?:y|ies)|confirm\w*|insist\w*|argu\w*|quot\w*)\b"
)
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
# "<who> report(s|ed) that <what>", "<a poll> put <what>": a card telling what someone says or
# measured, up to the sentence's end.
_REPORTED = re.compile(
    r"(?P<who>[^.;:]{3,160}?)\b(?<!\bthe\s)(?<!\ba\s)(?<!\ban\s)(?<!\bits\s)"
    r"(?:(?:reports?|reported|says?|said|claims?|claimed|alleges?|alleged|"
    r"quotes?|quoted|wrote|writes?|told|tells?)(?:\s+(?:\w+\s+){0,2}?that)?|"
    r"(?:put|puts|found|finds|showed|shows)(?:\s+that)?)\s+(?P<what>[^.;]+)",
    re.IGNORECASE,
)
# Where a speaker's description turns to what it is about: "a certificate | for Ana".
_OF_WHOM = re.compile(r"\s(?:for|of|from|about|on|in|at|around|over|with)\s", re.IGNORECASE)
# A sentence that says someone says it: "reported", "according to", "said".
_SAID_BY = re.compile(r"\baccording\s+to\b|\b" + _SAYING, re.IGNORECASE)
# Of a sentence's distinctive words, this share held by what a card reports someone says: the
# sentence states the report.
REPORTED_SHARE = 0.8
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
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


class Support:
    """The support checks, with the corpus's names; one per corpus (index version)."""

    def __init__(
        self,
        names: Names,
        common: frozenset[str],
        authors: Sequence[str],
        title: str,
        allowed_names: frozenset[str] = frozenset(),
    ):
        self.names = names
        self.common = common
        # The authors' and the publication's names: no one's content, and no one a figure is of.
        self.bylines = frozenset(tokenize(" ".join(authors))) | allowed_names
        # Words that are no one's content: those names and the article's most common words.
        self.neutral = self.bylines | common
        # Names a sentence may use whatever it cites: the authors', the publication's, the
        # article's subject (words of its title).
        self.allowed = self.neutral | frozenset(tokenize(title))

    def unsaid_source(self, text: str, evidence: list[Evidence]) -> str | None:
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

    def unattributed_report(self, core: str, evidence: list[Evidence]) -> str | None:
        """Who a cited card has saying what `core` states as fact, the speaker left out ("Ana
        met Ben" from "Only Carla reports that Ana met Ben"); or None. A card's hearsay stays
        hearsay: the sentence must name who says it."""
        mine = self.content_stems(core)
        if not mine or _SAID_BY.search(core):
            return None
        said = set(tokenize(core))
        for e in evidence:
            if e.kind != "fact":
                continue
            for match in _REPORTED.finditer(e.words):
                who, what = match.group("who"), match.group("what")
                if coverage(mine, set(tokenize(what))) < REPORTED_SHARE:
                    continue
                head = _OF_WHOM.split(who, maxsplit=1)[0]  # "a certificate" of "… for Ana"
                speaker = [w for w in tokenize(head) if w not in self.common and w not in _META]
                if not any(known(w, said) for w in speaker):
                    return who.strip()[-60:]
        return None

    def only_in_facts(self, core: str, passages: list[Evidence], evidence: list[Evidence]) -> bool:
        """What `core` says rests on the cited cards, not on the cited passages (none, or they
        do not hold it): the article is not its source."""
        if not passages:
            return True
        return bool(self.unsupported(core, passages)) and not self.unsupported(core, evidence)

    def unsupported(self, core: str, evidence: list[Evidence]) -> Problem | None:
        """Why `core` is not supported by `evidence` (names, numbers, words), or None."""
        texts = [e.words for e in evidence]
        joined = " ".join(texts)
        pool = set(tokenize(joined))
        named = pool | self.allowed
        names = [n for n in self.names.stems(core) if not self.named(n, named)]
        if names:
            return "unsupported_name", ", ".join(sorted(set(names)))
        digits = set(_NUMBER.findall(joined.replace(",", "")))
        numbers = [n for n in _NUMBER.findall(core.replace(",", "")) if n not in digits]
        if numbers:
            return "unsupported_number", ", ".join(numbers)
        stems = self.content_stems(core, named)
        if not stems:  # all names (a title-cased sentence): the evidence itself must hold them
            if not any(n not in self.neutral and known(n, pool) for n in self.names.stems(core)):
                return "unsupported", "says nothing checkable"
            return None
        missing = sorted(s for s in stems if not known(s, pool))
        if len(missing) > MAX_MISSING_SHARE * len(stems):
            return "unsupported", f"not in what it cites: {', '.join(missing)}"
        best = max((coverage(stems, set(tokenize(t))) for t in texts), default=0.0)
        if best < SINGLE_SOURCE_SHARE:
            return "unsupported", f"no one cited text holds it ({best:.0%} at best)"
        return None

    def content_stems(self, text: str, named: frozenset[str] | set[str] = frozenset()) -> set[str]:
        """The word stems the evidence must hold: not who says it, not the article's most common
        words, not names (checked against the wider `named` pool) unless they are new there."""
        names = set(self.names.stems(text))
        return {
            t
            for t in tokenize(text)
            if len(t) > 1
            and t not in _META
            and t not in self.common
            and t not in self.neutral
            and not (t in names and self.named(t, named))
        }

    def named(self, name: str, named: frozenset[str] | set[str]) -> bool:
        """`name` is in the pool, or is the given name of a surname that is ("ana" with
        "gomez")."""
        return known(name, named) or any(known(o, named) for o in self.names.given.get(name, ()))


def negates(core: str, texts: Iterable[str]) -> bool:
    """`core` negates something though none of its evidence negates anything."""
    bare = _HEDGE.sub(" ", core)
    return bool(_NEGATION.search(bare)) and not any(_NEGATION.search(t) for t in texts)


def overlap(core: str, text: str, common: frozenset[str]) -> float:
    """The share of the sentence's distinctive words that `text` holds."""
    mine = words(core, common)
    return len(mine & words(text, common)) / len(mine) if mine else 0.0


def known(word: str, pool: set[str] | frozenset[str]) -> bool:
    """In the pool, or sharing a prefix of four letters or more with a pool word that is all of
    one of them ("peru" / "peruvian")."""
    if word in pool:
        return True
    folded = fold(word)
    return len(folded) >= 4 and any(
        len(p) >= 4 and (p.startswith(folded) or folded.startswith(p)) for p in pool
    )


def coverage(stems: set[str], pool: set[str]) -> float:
    return sum(known(s, pool) for s in stems) / len(stems) if stems else 0.0
