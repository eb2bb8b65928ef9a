"""Whom a pronoun means: a summary sentence opening with "He", "She", "They" … reads as about
someone the sentence before names. When none of them is named in what it cites, the pronoun
points at the wrong person ("Gustavo Bobbio … was sworn in as defence minister. He is serving a
long prison term", the second citing Montesinos's profile)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from index.llm import clauses
from index.search.text import stem

# Pronouns a sentence may open with, reading as someone the sentence before names.
OPENERS = frozenset("he she they his her their him them".split())
_CALENDAR = frozenset(stem(w) for w in clauses.CALENDAR)  # "December" is no one


def dangling(
    sentence: str,
    before: str,
    evidence: str,
    names: Callable[[str], Sequence[str]],
    neutral: frozenset[str] = frozenset(),
) -> str | None:
    """Why `sentence`'s opening pronoun cannot mean anyone `before` names (none of them is in
    `evidence`, what it cites), or None. `names`: the judge's name stems of a text; `neutral`:
    names that are no one's (the authors', the publication's)."""
    first = sentence.split(maxsplit=1)[:1]
    if not first or first[0].lower() not in OPENERS:
        return None
    previous = set(names(before)) - neutral - _CALENDAR
    if previous and not previous & set(names(evidence)):
        return f"'{first[0]}' after {', '.join(sorted(previous))}: not in what it cites"
    return None
