"""When it happened: a summary sentence may not give an event the date of another.

The word guards check that a sentence's numbers are in what it cites, and `index.llm.quantities`
whose figure a number is; neither reads dates, so "Ana was sent to Lima on May 8" made of "Ana
was sent to Lima" and "on May 8, Ana's government recognized Ben" passes both: the date, the
name and the verb are each cited, not together. This reads every day-and-month date ("May 8",
"8 May 2022") after a verb the sentence predicates, in its clause ("was sent", "Ana sent", "she
met"; not "the poll taken on May 8", a participle describing a noun), and the cited statements
holding that same date: one of them must hold the verb's stem. A statement is a sentence, a
clause a cited passage ends ("… recognized Ben. and she tweeted"), or a parenthetical ("she
tweeted the next day (on May 8, Ben's office recognized Ana)").

It abstains where it cannot read the event: a date no cited text holds (the word guards see it),
a date before its verb or past a comma ("On May 8, she …"), a year alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from index.llm import clauses
from index.llm.clauses import NameSpans, Token
from index.llm.guards import sentences
from index.search.text import stem, words

_MONTHS = frozenset(w for w in clauses.CALENDAR if not w.endswith("day"))  # not the weekdays
_PARENTHETICAL = re.compile(r"\(([^()]*)\)")
# A period after a lower-case word, then a lower-case word: a clause a cited passage ends.
_CLAUSE_END = re.compile(r"(?<=[a-z0-9'\u2019\"\u201d])\.\s+(?=[a-z])")
_YEAR = re.compile(r"(?:19|20)\d\d")
# ", and" before a new clause's subject ("Ana sent it in May, and the Senate confirmed her on …"),
# and a card's heading before its text ("Ana's nomination and confirmation: …").
_AND_CLAUSE = re.compile(r",\s+and\s+(?=(?:the\s+)?[A-Za-z]+\s+[a-z]+ed\b)|:\s+")
_PRONOUNS = frozenset("i you he she it we they".split())


def _day(token: Token | None) -> int | None:
    if token is None:
        return None
    value = token.lower.rstrip(".,")
    return int(value) if value.isdigit() and 1 <= int(value) <= 31 else None


def dates_in(tokens: list[Token], start: int = 0, end: int | None = None) -> set[str]:
    """The day-and-month dates of tokens[start:end] ("may 8"), the day before or after the month."""
    end = len(tokens) if end is None else end
    found = set()
    for i in range(start, end):
        if tokens[i].lower not in _MONTHS:
            continue
        after = tokens[i + 1] if i + 1 < end else None
        before = tokens[i - 1] if i - 1 >= start else None
        day = _day(after) or _day(before)
        if day is not None:
            found.add(f"{tokens[i].lower} {day}")
        elif after is not None and _YEAR.fullmatch(after.lower.rstrip(".,")):
            found.add(f"{tokens[i].lower} {after.lower.rstrip('.,')}")  # "May 2020"
    return found


def statements(text: str) -> list[str]:
    """The sentences of `text`, split where a cited passage ends a clause, each less its
    parentheticals, then each parenthetical."""
    out = []
    for sentence in sentences(text):
        for part in _CLAUSE_END.split(sentence):
            out.extend(_AND_CLAUSE.split(_PARENTHETICAL.sub(" ", part)))
            out.extend(_PARENTHETICAL.findall(part))
    return [s for s in out if s.strip()]


def _predicated(clause: clauses.Clause) -> bool:
    """The clause's verb is what its sentence says happened: not a participle, or one after a
    form of "be", "have", an auxiliary, a name or a pronoun ("was sent", "Ana met")."""
    if not clause.participle:
        return True
    i = clause.verb
    while i > 2 and clause.tokens[i - 1].lower in ("and", "or"):
        i -= 2  # "was nominated and confirmed": the verb it is coordinated with
    before = clause.tokens[i - 1] if i > 0 else None
    if before is not None and before.lower.endswith("ly") and i > 1:  # "was quickly sent"
        before = clause.tokens[i - 2]
    if before is None:
        return False
    return bool(before.name or before.lower in _PRONOUNS or clauses.finite(clause.tokens, i - 1))


def _dated_stems(text: str, find: NameSpans) -> list[tuple[set[str], set[str]]]:
    """(the dates, the stems of the words and of the verbs read as verbs: "sent" is "send")
    of each statement of a cited text."""
    return [
        (
            dates_in(clauses.tokens(s, find)),
            {stem(w) for w in words(s)} | {c.key for c in clauses.verb_clauses(s, find)},
        )
        for s in statements(text)
    ]


# Nouns of events ("confirmation", "removal", "appointment"): dated like verbs when the cited
# text dates their verb otherwise.
_EVENT_NOUN = re.compile(r"[a-z]{4,}(?:tion|sion|ment|al)$")


def misdated_event(sentence: str, cited: Iterable[str], find: NameSpans) -> str | None:
    """An event noun before a date in its clause ("her nomination and confirmation … in May
    2020") whose verb the cited statements holding that date do not tell, while another cited
    statement tells it with another date ("the Senate confirmed her on 18 November 2020"); or
    None."""
    cited = list(cited)
    read: list[tuple[set[str], set[str]]] | None = None  # read once, if the sentence has a date
    for statement in statements(sentence):
        tokens = clauses.tokens(statement, find)
        start = 0
        for i, t in enumerate(tokens):
            if t.text in ",;:":
                start = i + 1
                continue
            for date in dates_in(tokens, i, i + 2) if t.lower in _MONTHS else ():
                if read is None:
                    read = [pair for text in cited for pair in _dated_stems(text, find)]
                holding = [held for days, held in read if date in days]
                other = [held for days, held in read if days and date not in days]
                for noun in tokens[start:i]:
                    if not _EVENT_NOUN.match(noun.lower):
                        continue
                    key = stem(noun.lower)
                    if (
                        holding
                        and not any(key in h for h in holding)
                        and any(key in h for h in other)
                    ):
                        return f"'{noun.lower}' on {date.title()}: cited with another date"
    return None


def misdated(sentence: str, cited: Iterable[str], find: NameSpans) -> str | None:
    """A verb `sentence` dates ("was sent … on May 8") that no cited statement holding that
    date tells, or None."""
    cited = list(cited)
    read: list[tuple[set[str], set[str]]] | None = None
    for c in clauses.verb_clauses(sentence, find):
        # After the verb, up to the clause's end or a comma: "Ana sent Ben to Lima on May 8".
        end = next((k for k in range(c.verb, c.end) if c.tokens[k].text == ","), c.end)
        dates = dates_in(c.tokens, c.verb, end)
        if not dates or not _predicated(c):
            continue
        if read is None:
            read = [pair for text in cited for pair in _dated_stems(text, find)]
        for date in sorted(dates):
            holding = [held for days, held in read if date in days]
            if holding and not any(c.key in held for held in holding):
                return f"'{c.key}' on {date.title()}: no cited text holding that date tells it"
    return None
