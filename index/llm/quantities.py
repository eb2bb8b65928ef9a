"""Whose number it is: a summary sentence may not hand a figure of what it cites to someone else.

The word guards check that a sentence's numbers are in what it cites; they cannot see "Congress
was at 27 percent" made of "an Ipsos poll put Ana's approval at 27 percent", where the number
is there and so is the name, but not together. This reads each quantity of a sentence (digits,
number words, fractions such as "two thirds"; not dates) with the names of its clause, and each
occurrence of the same quantity in the cited texts with the names of its own clause and text:

* every name of the sentence's clause must be in a cited text holding that quantity;
* the name the cited clause gives the quantity to (a possessive or a name after "of": "Ana's
  rating", "two thirds of voters"; the nearest before it, else after it) must be in the
  sentence's clause, or, when that clause names no one ("his rating was 27 percent"), in the
  sentence.

Like `index.llm.roles`, shallow on purpose: no parser, clauses end at commas and clause words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from index.llm import clauses
from index.llm.clauses import NameSpans, Token
from index.llm.guards import sentences

_WORDS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80}
# Fractions by their denominator; "one third", "two-thirds", "a quarter", "half".
_FRACTIONS = {
    "half": 2,
    "halves": 2,
    "third": 3,
    "thirds": 3,
    "quarter": 4,
    "quarters": 4,
    "fifth": 5,
    "fifths": 5,
}
_DIGITS = re.compile(r"\d[\d.,]*")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
# Where a quantity's clause ends: marks and the words that open another clause.
_MARKS = frozenset(",;:()[]\u2014\u2013")


@dataclass(frozen=True)
class Mention:
    key: str  # "27", "2/3"
    names: frozenset[str]  # the names of its clause
    holder: str | None  # the name the clause gives it to (`_owner`): the nearest before, else after


def _key(tokens: list[Token], i: int) -> tuple[str, int] | None:
    """(the quantity tokens[i] opens, how many tokens it takes), or None: not a quantity, or a
    date ("7 December", "December 7", "2022")."""
    word = tokens[i].lower
    nxt = tokens[i + 1].lower if i + 1 < len(tokens) else ""
    if _DIGITS.fullmatch(word):
        prev = tokens[i - 1].lower if i > 0 else ""
        value = word.rstrip(".,").replace(",", "")
        if _YEAR.fullmatch(value) or prev in clauses.CALENDAR or nxt in clauses.CALENDAR:
            return None
        return value, 1
    first, _, rest = word.partition("-")
    if rest in _FRACTIONS and (first in _WORDS or first == "a"):  # "two-thirds"
        return f"{_WORDS.get(first, 1)}/{_FRACTIONS[rest]}", 1
    if first in _WORDS or word == "a":
        if nxt in _FRACTIONS:
            return f"{_WORDS.get(word, 1)}/{_FRACTIONS[nxt]}", 2
        if word in ("a", "one", "zero"):  # "a", "one of them": no figure
            return None
        return str(_WORDS[word]), 1
    if word in ("half", "halves"):
        return "1/2", 1
    return None


def _bounds(tokens: list[Token], i: int) -> tuple[int, int]:
    def stop(t: Token) -> bool:
        return t.text in _MARKS or clauses.opens_clause(t)

    start = next((j + 1 for j in range(i - 1, -1, -1) if stop(tokens[j])), 0)
    end = next((j for j in range(i + 1, len(tokens)) if stop(tokens[j])), len(tokens))
    return start, end


def mentions(sentence: str, find: NameSpans) -> Iterator[Mention]:
    """The quantities of one sentence, each with its clause's names."""
    tokens = clauses.tokens(sentence, find)
    i = 0
    while i < len(tokens):
        found = _key(tokens, i)
        if found is None:
            i += 1
            continue
        key, width = found
        start, end = _bounds(tokens, i)
        names = [t.name for t in tokens[start:end] if t.name]
        owners = [j for j in range(start, end) if _owner(tokens, j, start)]
        before = [j for j in owners if j < i]
        after = [j for j in owners if j > i]
        holder = tokens[before[-1]].name if before else (tokens[after[0]].name if after else None)
        yield Mention(key, frozenset(names), holder)
        i += width


def _owner(tokens: list[Token], j: int, start: int) -> bool:
    """tokens[j] is a name a figure can be of: a possessive ("Ana's rating") or after "of"
    ("that of the Congress", "two thirds of voters"); a subject ("Congress voted 73 to 32") is
    no owner of its figures."""
    t = tokens[j]
    if not t.name:
        return False
    if t.possessive:
        return True
    k = j - 1
    while k >= start and tokens[k].lower in clauses.DETERMINERS:
        k -= 1
    return k >= start and tokens[k].lower == "of"


def misbound(
    sentence: str, cited: Iterable[str], find: NameSpans, neutral: frozenset[str]
) -> str | None:
    """Why `sentence` gives a quantity of what it cites to other names, or None.

    Only quantities the cited texts hold are read (a number they lack is the support check's);
    `neutral` names (the authors', the publication's) are no one's."""
    theirs: list[tuple[Mention, frozenset[str]]] | None = None
    for text in sentences(sentence):
        every = clauses.names_of(text, find) - neutral
        for mine in mentions(text, find):
            if theirs is None:
                theirs = [
                    (m, names)
                    for c in cited
                    for names in [clauses.names_of(c, find)]
                    for s in sentences(c)
                    for m in mentions(s, find)
                ]
            same = [(m, names) for m, names in theirs if m.key == mine.key]
            if not same:
                continue
            own = mine.names - neutral
            if any(_fits(own, every, m, names, neutral) for m, names in same):
                continue
            m, names = same[0]
            missing = sorted(own - names)
            if missing:
                return f"{mine.key}: with {', '.join(missing)} here, not in what it cites"
            return f"{mine.key}: {m.holder}'s in what it cites"
    return None


def _fits(
    own: frozenset[str],
    every: frozenset[str],
    m: Mention,
    names: frozenset[str],
    neutral: frozenset[str],
) -> bool:
    if not own <= names:
        return False
    if m.holder is None or m.holder in neutral:
        return True
    return m.holder in own or (not own and m.holder in every)
