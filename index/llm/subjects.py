"""Who spoke to whom, when no one is named: a summary sentence may not make the subject of a verb
a thing (a common noun) that what it cites puts after that verb.

`index.llm.clauses` reads the sides of proper names; "the press announced that she would resign"
made of "she announced to the press that she would resign" moves no name. This reads, in each
clause of the sentence, a subject written as a determiner and a common noun just before an
active verb ("the press announced", "an aide said"), and where the cited texts put that noun
around the same verb: only after it (its object, or after a preposition: "announced to the
press") is a reversal; before it, on both sides, or nowhere is none (the guard abstains). A
passive verb turns that round: "arrested by the military" makes the military its subject.
"""

from __future__ import annotations

from collections.abc import Iterable

from index.llm import clauses
from index.llm.clauses import NameSpans
from index.search.text import STOPWORDS, fold, stem


def _subject(clause: clauses.Clause) -> str | None:
    """The stem of the common noun just before the clause's active verb, after a determiner."""
    tokens, i = clause.tokens, clause.verb
    if i < 2 or i - 2 < clause.start or not clauses.active_verb(tokens, i):
        return None
    noun, before = tokens[i - 1], tokens[i - 2]
    word = fold(noun.text)
    if (
        noun.in_name
        or not noun.text.isalpha()
        or not noun.text[:1].islower()
        or word in STOPWORDS
        or before.lower not in clauses.DETERMINERS
    ):
        return None
    return stem(word)


def _sides(cited: Iterable[str], find: NameSpans, key: str, noun: str) -> set[str]:
    """The sides of verb `key` the cited texts put `noun` on."""
    sides: set[str] = set()
    for text in cited:
        for c in clauses.verb_clauses(text, find):
            if c.key != key:
                continue
            active = clauses.active_verb(c.tokens, c.verb)
            for j in range(c.start, c.end):
                t = c.tokens[j]
                if j == c.verb or t.in_name or stem(fold(t.text)) != noun:
                    continue
                if active:
                    sides.add(clauses.SUBJECT if j < c.verb else clauses.OBJECT)
                elif j < c.verb:  # "the press was told": the object of a passive verb
                    sides.add(clauses.OBJECT)
                elif _after_by(c.tokens, j, c.verb):  # "arrested by the military": its agent
                    sides.add(clauses.SUBJECT)
    return sides


def _after_by(tokens: list[clauses.Token], j: int, verb: int) -> bool:
    k = j - 1
    while k > verb and tokens[k].lower in clauses.DETERMINERS:
        k -= 1
    return tokens[k].lower == "by"


def reversed_subject(sentence: str, cited: Iterable[str], find: NameSpans) -> str | None:
    """Why `sentence` makes a thing the subject of a verb that what it cites puts it after, or
    None."""
    cited = list(cited)
    for c in clauses.verb_clauses(sentence, find):
        noun = _subject(c)
        if noun is None:
            continue
        if _sides(cited, find, c.key, noun) == {clauses.OBJECT}:
            return f"{noun}: subject of '{c.key}' here, its object in what it cites"
    return None
