"""Who did what to whom, and why: a summary sentence may not move a name across a relation it
cites, nor link things as cause and effect when nothing it cites states a cause.

The word guards check that a sentence's names and words are in what it cites; they cannot see
"Ana sent messages to Ben" reversing "Ben … sent messages to Ana", nor "Carl met Dan" made
of "She met … Carl". This reads (`clauses`), in each sentence, the verbs and the
names on either side of each: a name before an active verb is its subject, a name after it (up to
the next verb or clause) its object; a passive verb ("was arrested", "sent by") inverts that, its
agent being the name after "by". A summary sentence that makes a name the subject of a verb the
cited text makes it the object of (or the reverse), for the same verb stem, reverses a role.

Deliberately shallow: no parser, no lexicon beyond English function words and irregular verbs.
A name whose side is unclear (a prepositional phrase before the verb, an apposition, a possessive,
both sides at once) takes no side, so the guard abstains rather than guesses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from index.llm.clauses import (
    DETERMINERS,
    SUBJECT,
    NameSpans,
    Relations,
    cited_relations,
    governing_word,
    is_name,
    passive,
    read,
    relations,
    verb_clauses,
)
from index.llm.guards import sentences


def reversed_role(sentence: str, cited: Iterable[str], find: NameSpans) -> str | None:
    """Why `sentence` puts a name on the other side of a verb than what it cites does, or None.

    Only a name the cited texts put on one side of that verb, and the sentence on the other,
    counts: a name on both sides, or on none, is no evidence of a reversal."""
    mine = relations(sentence, find)
    if not mine:
        return None
    theirs = cited_relations(cited, find)
    for key, sides in mine.items():
        for name, side in sides.items():
            cited_side = theirs.get(key, {}).get(name, set())
            if len(side) == 1 and len(cited_side) == 1 and side != cited_side:
                return f"{name}: {next(iter(side))} of '{key}' here, {next(iter(cited_side))} cited"
    return None


def unsupported_agent(sentence: str, cited: Iterable[str], find: NameSpans) -> str | None:
    """The name `sentence` makes the agent of a passive verb ("… was made by Ana") when nothing
    cited makes that name the subject of that verb, or None.

    A passive with an agent states who did something; unlike `reversed_role` this needs evidence
    for it, not only the absence of evidence against it: "the call was made by Ben" does not rest
    on "Ben, the man Ana called" (where Ben is called)."""
    theirs: Relations | None = None  # read only when the sentence has such an agent (rare)
    for c in verb_clauses(sentence, find):
        tokens, i = c.tokens, c.verb
        if not c.participle or i + 1 >= len(tokens) or tokens[i + 1].lower != "by":
            continue
        agent = next((t for t in tokens[i + 2 : i + 5] if t.lower not in DETERMINERS), None)
        if agent is None or not is_name(agent):
            continue
        assert agent.name is not None
        theirs = cited_relations(cited, find) if theirs is None else theirs
        if SUBJECT not in theirs.get(c.key, {}).get(agent.name, set()):
            return f"{agent.name}: agent of '{c.key}' here, not in what it cites"
    return None


# Pronouns that stand for a person as the subject of a verb.
_PERSONAL_SUBJECTS = frozenset("he she they".split())


def pronoun_subjects(cited: Iterable[str], find: NameSpans) -> dict[str, set[str]]:
    """For each verb of the cited texts whose subject is a personal pronoun ("She worked with
    …"), the names that pronoun may stand for: every name before it, in its sentence or an
    earlier one of the same text (a passage's words hold its sentence and the one before). No
    resolution: "Lisa Kenna, as its ambassador to Lima. She met …" gives both, and the check
    below only asks that the name be among them."""
    found: dict[str, set[str]] = {}
    for text in cited:
        earlier: list[str] = []  # the names of the text's earlier sentences, in order
        for sentence in sentences(text):
            for c in verb_clauses(sentence, find):
                tokens, i = c.tokens, c.verb
                if passive(c) or i < 1 or tokens[i - 1].lower not in _PERSONAL_SUBJECTS:
                    continue
                named = earlier + [t.name for t in tokens[: i - 1] if is_name(t) and t.name]
                if named:
                    found.setdefault(c.key, set()).update(named)
            earlier += [t.name for t in read(sentence, find) if is_name(t) and t.name]
    return found


def swapped_pronoun_subject(sentence: str, cited: Iterable[str], find: NameSpans) -> str | None:
    """The name `sentence` makes the subject of a verb whose subject the cited texts give only as
    a pronoun, when no name before that pronoun is it, or None: "Keiko Fujimori … She worked with
    men who …" does not support "Lisa Kenna worked with men who …". A name the cited texts also
    make that verb's subject is no swap; a verb no pronoun is subject of is left to the other
    checks."""
    cited = list(cited)
    pronouns: dict[str, set[str]] | None = None
    theirs: Relations | None = None
    for key, sides in relations(sentence, find).items():
        for name, side in sides.items():
            if side != {SUBJECT}:
                continue
            pronouns = pronoun_subjects(cited, find) if pronouns is None else pronouns
            stands_for = pronouns.get(key)
            if not stands_for or name in stands_for:
                continue
            theirs = cited_relations(cited, find) if theirs is None else theirs
            if SUBJECT in theirs.get(key, {}).get(name, set()):
                continue
            others = ", ".join(sorted(stands_for))
            return f"{name}: subject of '{key}' here, a pronoun after {others} cited"
    return None


# Prepositions that place an event: "arrested at X", "met in X", "stopped near X".
_PLACING = frozenset("at in near on outside inside along".split())


def verb_names(cited: Iterable[str], find: NameSpans) -> dict[str, set[str]]:
    """For each verb of the cited texts, every name in its clauses, whatever its role."""
    found: dict[str, set[str]] = {}
    for text in cited:
        for c in verb_clauses(text, find):
            names = found.setdefault(c.key, set())
            names.update(t.name for t in c.tokens[c.start : c.end] if t.name is not None)
    return found


def unsupported_place(sentence: str, cited: Iterable[str], find: NameSpans) -> str | None:
    """The place `sentence` gives a verb ("arrested at the Prefecture") when the cited texts tell
    that verb's event, but never with that place in its clause, or None: two cited events, one
    where he was stopped and one where he was taken, are not one."""
    theirs: dict[str, set[str]] | None = None
    for c in verb_clauses(sentence, find):
        for j in range(c.verb + 1, c.end):  # after the verb, to the end of its clause
            place = c.tokens[j]
            if not is_name(place) or governing_word(c.tokens, j, c.verb + 1) not in _PLACING:
                continue
            theirs = verb_names(cited, find) if theirs is None else theirs
            if c.key in theirs and place.name not in theirs[c.key]:
                return f"{place.name}: place of '{c.key}' here, not in what it cites"
    return None


# A sentence that links two things as cause and effect ("…, which led to …") states a relation
# of its own: it needs a cited text that states some cause too.
_CAUSE = re.compile(
    r"\b(?:led\s+to|leads?\s+to|(?:was|were)\s+caused|caus(?:e|es|ed|ing)\b|result(?:s|ed|ing)?\s+"
    r"in|as\s+a\s+(?:result|consequence)|because|due\s+to|therefore|thus|hence|consequently)\b",
    re.IGNORECASE,
)
_CITED_CAUSE = re.compile(
    r"\b(?:so|since|why|reasons?|made|makes?|forc\w*|push\w*|prompt\w*|drove|driv\w*|sealed|"
    r"in\s+order\s+to)\b",
    re.IGNORECASE,
)


def invented_cause(sentence: str, cited: Iterable[str]) -> str | None:
    """The causal link `sentence` states when nothing it cites states a cause, or None."""
    found = _CAUSE.search(sentence)
    if found is None:
        return None
    if any(_CAUSE.search(t) or _CITED_CAUSE.search(t) for t in cited):
        return None
    return f"'{found.group(0)}': nothing cited states a cause"


# A sentence opening with a name, a form of "be" and a noun phrase: "Ana Gómez is a …".
_COPULA_SUBJECT = re.compile(
    r"(?:[Tt]he\s+)?((?:[A-Z][\w'\u2019-]+\s+){0,3}[A-Z][\w'\u2019-]+)(?:,?\s+(?:which|who))?"
    r"\s+(?:is|was|are|were)\s+(?:a|an|the)\b"
)


def unsupported_copula_subject(
    sentence: str, cited: Iterable[str], names: Callable[[str], Sequence[str]]
) -> str | None:
    """The name `sentence` opens "X is a …" with when nothing cited makes X the subject of a
    "be" (the verb the relations above do not read): "Ben is a teacher, member of the Club"
    does not support "The Club is a teacher" nor "the Club, which is a teacher". `names`: the
    judge's name stems of a text."""
    match = _COPULA_SUBJECT.match(sentence)
    if not match or not names(match.group(1)):
        return None
    last = re.escape(match.group(1).split()[-1])
    subject = re.compile(rf"\b{last}\b[^.;]{{0,80}}?\b(?:is|was|are|were)\b", re.IGNORECASE)
    return None if any(subject.search(t) for t in cited) else match.group(1)
