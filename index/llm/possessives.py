"""Whose it is: a summary sentence may not move a possessive. "After Ana's removal" from "after
Ben's removal" names the wrong person; "Ana was sent to Lima" from "they sent Ana's nomination"
makes her what was sent. Both pass the word and name guards (every word is cited) and the role
guards (`index.llm.clauses` gives a possessive name no side).

Shallow, like `clauses`: a possessive is a name with "'s" and the word after it; a verb acts on a
possessed thing when that possessive stands after an active verb in its clause.
"""

from __future__ import annotations

from collections.abc import Iterable

from index.llm import clauses
from index.llm.clauses import OBJECT, NameSpans
from index.llm.guards import sentences
from index.search.text import stem


def _possessions(text: str, find: NameSpans, of_phrases: bool = False) -> set[tuple[str, str]]:
    """(name, stem of the word after its "'s") of every possessive name in `text`; with
    `of_phrases`, also (name, stem of the noun) of every "<noun> of <name>"."""
    found = set()
    for sentence in sentences(text):
        tokens = clauses.tokens(sentence, find)
        for i, t in enumerate(tokens[:-1]):
            after = tokens[i + 1]
            if t.name and t.possessive and after.text[:1].isalpha() and not after.in_name:
                found.add((t.name, stem(after.lower)))
            if of_phrases and after.lower == "of" and i + 2 < len(tokens) and tokens[i + 2].name:
                found.add((tokens[i + 2].name or "", stem(t.lower)))
    return found


def swapped_possessor(sentence: str, cited: Iterable[str], find: NameSpans) -> str | None:
    """A possessive the sentence gives one name that what it cites gives only another ("Ana's
    removal" where the cited text has "Ben's removal"), or None."""
    cited = list(cited)
    theirs: set[tuple[str, str]] = set()
    for text in cited:
        theirs |= _possessions(text, find, of_phrases=True)
    for name, thing in sorted(_possessions(sentence, find)):
        if (name, thing) in theirs:
            continue
        others = sorted(n for n, t in theirs if t == thing and n != name)
        if others:
            return f"{name}'s {thing}: {others[0]}'s in what it cites"
    return None


def possessed_object(sentence: str, cited: Iterable[str], find: NameSpans) -> str | None:
    """A name the sentence makes what a verb acts on where what it cites has the verb act on
    something of that name's only ("Ana was sent" from "they sent Ana's nomination"), or None."""
    cited = list(cited)
    owned: dict[str, dict[str, str]] = {}  # verb -> name -> what of the name's it acts on
    for text in cited:
        for c in clauses.verb_clauses(text, find):
            if clauses.passive(c):
                continue
            for j in range(c.verb + 1, c.end - 1):
                t = c.tokens[j]
                if t.name and t.possessive:
                    owned.setdefault(c.key, {}).setdefault(t.name, c.tokens[j + 1].lower)
    if not owned:
        return None
    theirs = clauses.cited_relations(cited, find)
    for key, sides in clauses.relations(sentence, find).items():
        for name, side in sides.items():
            thing = owned.get(key, {}).get(name)
            if thing and OBJECT in side and name not in theirs.get(key, {}):
                return f"{name}: '{key}' acts on {name}'s {thing} in what it cites"
    return None
