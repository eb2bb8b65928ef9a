"""Who did what with whom: a summary sentence that has one name do something to another needs
a cited text that tells that verb with both names.

`index.llm.roles` catches a relation turned round ("Ben met Ana" of "Ana met Ben"); it abstains
when the cited texts never relate the two names at all, and so cannot see "Carl met Ben" made
of "Ana met Ben" and "Carl sent messages" (each name and the verb are cited, the pair is not).
Shallow like the rest: names are the corpus's, verbs `clauses`' reading, and only a direct object
counts ("Carl met Ben", not "Carl met with officials from Ben's office").
"""

from __future__ import annotations

from collections.abc import Iterable

from index.llm import clauses
from index.llm.clauses import NameSpans


def unattested_pair(sentence: str, cited: Iterable[str], find: NameSpans) -> str | None:
    """A verb `sentence` puts between two names ("Carl met Ben": the name just before an active
    verb, its direct object just after, past determiners) that no cited text tells with both
    names, or None."""
    cited = list(cited)
    read: list[tuple[set[str], frozenset[str]]] | None = None  # (verbs, names) of each cited text
    for c in clauses.verb_clauses(sentence, find):
        tokens, i = c.tokens, c.verb
        if c.participle and not clauses.active_verb(tokens, i):
            continue
        subject = tokens[i - 1] if i > c.start else None
        after = [t for t in tokens[i + 1 : c.end] if t.lower not in clauses.DETERMINERS]
        if not (subject and subject.name and after and after[0].name) or subject.possessive:
            continue
        # The object's phrase may hold several names ("Ana's minister Ben Cole"): any one.
        objects = {t.name for t in after if t.name}
        if read is None:
            read = [_verbs_and_names(text, find) for text in cited]
        if not any(
            c.key in verbs and subject.name in names and objects & names for verbs, names in read
        ):
            first = after[0].name
            return f"{subject.name} and {first}: no cited text tells '{c.key}' of both"
    return None


def _verbs_and_names(text: str, find: NameSpans) -> tuple[set[str], frozenset[str]]:
    return {c.key for c in clauses.verb_clauses(text, find)}, clauses.names_of(text, find)
