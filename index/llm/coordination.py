"""Things joined as one subject or object: what a sentence says of them, each must have cited.

A card telling "The president sent Ana's nomination to the senate in May, a year before the
election, and the senate confirmed her in November" holds every word of "Ana's nomination and
confirmation were a year before the election", not the relation: the date is the nomination's
only. The word guards cannot see that; this reads it.

A sentence's subject (its words up to the first verb, `index.llm.clauses` tokens) coordinates noun
phrases ("A and B", "A, B and C", "both A and B"); its predicate runs from that verb to the end
of its clause. Failing that, the object of its verb may ("Ana met Ben and Carl on …"; no list
commas there), and what is said of it is the rest of the clause. Each conjunct is looked for in
the clauses of what the sentence cites (split at sentence ends, semicolons and colons, and at
", and", ", but", "while" … when a verb stands on both sides: "Ana, her wife, and her children
were arrested" is one clause). The predicate's content (word stems and numbers) must be found in
the clauses of each conjunct; found with some only, the sentence merges what the evidence keeps
apart. A clause saying "he", "her", "they" … counts for each conjunct.

Deliberately shallow, and abstaining when unsure: a subject that opens with a preposition or
holds a clause word, a pronoun or a conjunct nothing cited has, a predicate nothing cited says of
any conjunct (other checks' business) is no evidence of a merge.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from index.llm import clauses as reading
from index.llm.guards import sentences
from index.llm.support import MAX_MISSING_SHARE, known
from index.search.text import tokenize

# Always between clauses: a semicolon, a colon (a card's "Title: text" too).
_HARD = re.compile(r"\s*[;:]\s+")
# Between clauses when a verb stands on either side.
_SOFT = re.compile(
    r",\s+(?:and|but|yet|while|whilst|whereas|although|though)\s+|\s+(?:while|whilst|whereas)\s+",
    re.IGNORECASE,
)
# Words that join within a subject: "and" coordinates, the others leave it unclear.
_AND = "and"
_OR = frozenset("or nor either neither".split())
# After a comma, a word that ends the predicate's clause.
_JOINS = frozenset("and but or yet so".split())
_PRONOUN = re.compile(r"\b(?:he|she|him|her|his|they|them|their)\b", re.IGNORECASE)
Stems = Callable[[str], set[str]]


def clauses(text: str, find: reading.NameSpans) -> list[str]:
    """`text` split into clauses; a piece with no verb stays with the one before (a list)."""
    found: list[str] = []
    for sentence in sentences(text):
        for part in _HARD.split(sentence):
            begin = 0  # where the clause being read starts
            for match in _SOFT.finditer(part):
                nxt = _SOFT.search(part, match.end())
                after = part[match.end() : nxt.start() if nxt else len(part)]
                if _has_verb(part[begin : match.start()], find) and _has_verb(after, find):
                    found.append(part[begin : match.start()])
                    begin = match.end()
            found.append(part[begin:])
    return [c for c in found if c.strip()]


def _has_verb(text: str, find: reading.NameSpans) -> bool:
    tokens = reading.read(text, find)
    return any(reading.finite(tokens, i) for i in range(len(tokens)))


def coordinated(sentence: str, find: reading.NameSpans) -> tuple[list[str], str] | None:
    """(the conjuncts, what the sentence says of them) when `sentence`'s subject, or else its
    verb's object, coordinates two or more noun phrases; None when neither does, or when that
    is unclear."""
    tokens = reading.read(sentence, find)
    verb = next((i for i in range(len(tokens)) if reading.finite(tokens, i)), None)
    if not verb:
        return None
    end = _clause_end(tokens, verb + 1)
    subject = tokens[1:verb] if tokens[0].lower == "both" else tokens[:verb]
    conjuncts = _conjuncts(subject, lists=True)
    if conjuncts:
        return conjuncts, _text(tokens[verb:end])
    # "Ana met Ben and Carl on …": the object, with no list commas, of an active verb
    # (after one auxiliary at most), ending where a preposition or another clause begins.
    main = next((i for i in (verb, verb + 1) if i < end and reading.active_verb(tokens, i)), None)
    if main is None or reading.opens_clause(tokens[0]) or reading.is_preposition(tokens[0]):
        return None
    stop = next(
        (
            j
            for j in range(main + 1, end)
            if tokens[j].text == ","
            or tokens[j].lower == "to"
            or reading.is_preposition(tokens[j])
            or reading.finite(tokens, j)
        ),
        end,
    )
    if stop < end and reading.finite(tokens, stop):
        return None  # "… met Ben and Carl resigned": another clause, not an object
    conjuncts = _conjuncts(tokens[main + 1 : stop], lists=False)
    if not conjuncts:
        return None
    return conjuncts, _text([*tokens[: main + 1], *tokens[stop:end]])


def _clause_end(tokens: list[reading.Token], start: int) -> int:
    """Where the clause that goes on at tokens[start] ends: a hard mark, a clause word, or a
    comma before a conjunction."""
    return next(
        (
            j
            for j in range(start, len(tokens))
            if reading.opens_clause(tokens[j])
            or (tokens[j].text == "," and j + 1 < len(tokens) and tokens[j + 1].lower in _JOINS)
        ),
        len(tokens),
    )


def _conjuncts(phrase: list[reading.Token], lists: bool) -> list[str] | None:
    """The noun phrases `phrase` coordinates with "and" (and, given `lists`, commas: "A, B and
    C"); None when it coordinates none, or when a part is no plain noun phrase."""
    if not phrase or reading.is_preposition(phrase[0]) or phrase[-1].lower == _AND:
        return None
    if not any(t.lower == _AND for t in phrase):
        return None
    if any(
        reading.opens_clause(t) or t.lower in _OR or (t.text == "," and not lists) for t in phrase
    ):
        return None
    parts: list[list[reading.Token]] = [[]]
    for t in phrase:
        if t.lower == _AND or t.text == ",":
            if parts[-1]:
                parts.append([])
        else:
            parts[-1].append(t)
    texts = [_text(p) for p in parts]
    if len(texts) < 2 or any(not tokenize(t) for t in texts):
        return None  # a pronoun, "the former": nothing to look for
    return texts


def _text(tokens: list[reading.Token]) -> str:
    return " ".join(t.text for t in tokens)


def merged(
    sentence: str, cited: Iterable[str], find: reading.NameSpans, stems: Stems
) -> str | None:
    """Why `sentence` says of all the things it coordinates what what it cites says of some of
    them only, or None. `stems`: the judge's content stems of a text."""
    parsed = coordinated(sentence, find)
    if parsed is None:
        return None
    conjuncts, predicate = parsed
    wanted = stems(predicate) | {t for t in tokenize(predicate) if t.isdigit()}
    if not wanted:
        return None
    found = [c for text in cited for c in clauses(text, find)]
    pools = [set(tokenize(c)) for c in found]
    # A clause saying "he", "her", "they" … may be about any of them: it counts for each.
    anyone = [bool(_PRONOUN.search(c)) for c in found]
    missing: dict[str, list[str]] = {}
    for conjunct in conjuncts:
        keys = tokenize(conjunct)
        theirs = [p for p in pools if all(known(k, p) for k in keys)]
        if not theirs:
            return None  # nothing cited has it: no evidence either way
        pool = set().union(*theirs, *(p for p, a in zip(pools, anyone, strict=True) if a))
        missing[conjunct] = sorted(w for w in wanted if not known(w, pool))
    said = [c for c in conjuncts if len(missing[c]) <= MAX_MISSING_SHARE * len(wanted)]
    unsaid = [c for c in conjuncts if c not in said]
    if not said or not unsaid:
        return None
    lacking = unsaid[0]
    return (
        f"{lacking}: what it cites says '{', '.join(missing[lacking])}' of {', '.join(said)}, "
        f"not of {lacking}"
    )
