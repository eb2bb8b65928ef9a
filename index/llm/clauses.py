"""A shallow reading of who does what in a sentence: its verbs and the proper names on either
side of each (the summary guards' `roles`, `subjects`, `pairs`, `dates`, `coordination` read it).

A name before an active verb is its subject, a name after it (up to the next verb or clause) its
object; a passive verb ("was arrested", "sent by") inverts that, its agent being the name after
"by". Deliberately shallow: no parser, no lexicon beyond English function words and irregular
verbs. A name whose side is unclear (a prepositional phrase before the verb, an apposition, a
possessive, both sides at once) takes no side, so the guards abstain rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from index.llm.guards import sentences
from index.search.text import STOPWORDS, fold, stem

# (text as read, [(start, end, stems) of each name word]): `Judge.name_spans`.
NameSpans = Callable[[str], tuple[str, Sequence[tuple[int, int, Sequence[str]]]]]
# verb stem -> name -> the sides ("subject", "object") the text puts the name on.
Relations = dict[str, dict[str, set[str]]]

SUBJECT, OBJECT = "subject", "object"

# Irregular past forms and participles, to their base (the relation is the verb, not its tense).
_IRREGULAR = {
    form: base
    for base, forms in {
        "send": "sent",
        "meet": "met",
        "tell": "told",
        "give": "gave given",
        "make": "made",
        "take": "took taken",
        "lead": "led",
        "write": "wrote written",
        "say": "said",
        "go": "went gone",
        "come": "came",
        "see": "saw seen",
        "pay": "paid",
        "sell": "sold",
        "buy": "bought",
        "hold": "held",
        "win": "won",
        "lose": "lost",
        "leave": "left",
        "bring": "brought",
        "begin": "began begun",
        "fight": "fought",
        "get": "got gotten",
        "keep": "kept",
        "know": "knew known",
        "think": "thought",
        "find": "found",
        "choose": "chose chosen",
        "drive": "drove driven",
        "catch": "caught",
        "teach": "taught",
        "speak": "spoke spoken",
        "stand": "stood",
        "run": "ran",
        "rise": "rose risen",
        "fall": "fell fallen",
        "strike": "struck",
        "swear": "swore sworn",
        "seek": "sought",
        "show": "shown",
        "throw": "threw thrown",
        "overthrow": "overthrew overthrown",
        "withdraw": "withdrew withdrawn",
        "flee": "fled",
        "hear": "heard",
        "spend": "spent",
        "build": "built",
        "feel": "felt",
        "deal": "dealt",
        "lend": "lent",
        "understand": "understood",
        "forbid": "forbade forbidden",
        "beat": "beaten",
        "hide": "hid hidden",
        "bind": "bound",
        "put": "put",
        "set": "set",
        "let": "let",
        "hit": "hit",
        "cut": "cut",
        "quit": "quit",
    }.items()
    for form in forms.split()
}
# Irregular past forms that are no participles (never passive).
_NOT_PARTICIPLES = frozenset(
    "went came saw knew gave took wrote began chose drove spoke ran rose fell swore threw "
    "overthrew withdrew forbade hid".split()
)
# Words in -ed that are no verbs.
_NOT_VERBS = frozenset(
    "hundred indeed need speed seed bed red shed creed sacred naked wicked kindred hatred "
    "feed breed steed deed weed".split()
)
_BE = frozenset("is was were are be been being am".split())
_HAVE = frozenset("has have had having".split())
_AUXILIARY = frozenset(
    "to would will could should can may might must did does do didn't doesn't don't "
    "wouldn't couldn't won't".split()
)
DETERMINERS = frozenset("the a an this these those his her its their our my your".split())
# Words after which a name is in a prepositional phrase: on the subject side it is no subject
# ("In Paris, Ana met Ben").
_PREPOSITIONS = frozenset(
    "in on at from of with for to by during after before since against through under over near "
    "like about into onto toward towards via among between within without across behind beyond "
    "than as per including except despite until upon around along outside inside amid".split()
)
# Words that open another clause: the sides of a verb stop there.
_CLAUSE = frozenset(
    "that which who whom whose where when while whereas because although though but if unless "
    "until since".split()
)
# Words that open an apposition after a name ("Ana, a former officer …,").
_APPOSITION = frozenset(
    "a an the who whom whose which former then now once both its his her their one".split()
)
_SUBJECT_PRONOUNS = frozenset("he she it".split())
CALENDAR = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
# A number keeps a final period ("on May 6.") but not a comma: "until 2023, about …" ends a clause.
_TOKEN = re.compile(
    r"[^\W\d_][\w'\u2019.-]*[^\W_]|[^\W\d_]|\d+(?:[.,]\d+)*\.?|[,;:()\[\]\u2014\u2013]"
)
_HARD = frozenset(";:()[]\u2014\u2013")
_POSSESSIVE = re.compile(r"['\u2019]s?$")


@dataclass
class Token:
    text: str
    lower: str
    name: str | None = None  # the name unit's key (its last stem), on its first word
    in_name: bool = False
    possessive: bool = False


def _tokens(sentence: str, find: NameSpans) -> list[Token]:
    """The sentence's words and clause marks, each word of a name run joined into one token."""
    text, spans = find(sentence)
    starts = {s: (e, stems) for s, e, stems in spans}
    out: list[Token] = []
    previous_name_end = -2
    for m in _TOKEN.finditer(text):
        word = m.group(0)
        token = Token(word, fold(word))
        span = starts.get(m.start())
        if span is not None and span[1]:
            end, stems = span
            raw = text[m.start() : end].rstrip(".")
            # initials ("U.S.") by their letters; a word by its stem
            key = re.sub(r"\W", "", fold(raw)) if "." in raw else stems[-1]
            token.in_name = True
            token.possessive = bool(_POSSESSIVE.search(text[m.start() : end]))
            if out and out[-1].in_name and text[previous_name_end : m.start()].isspace():
                out[-1].name = key  # a run of name words: one name, keyed by its last word
                out[-1].possessive = token.possessive
                out[-1].text += " " + word
                previous_name_end = end
                continue
            token.name = None if fold(word) in CALENDAR else key
            previous_name_end = end
        out.append(token)
    return out


def tokens(sentence: str, find: NameSpans) -> list[Token]:
    """One sentence's words and clause marks as read, name runs joined; nothing left out
    (`index.llm.quantities` reads them)."""
    return _tokens(sentence, find)


def names_of(text: str, find: NameSpans) -> frozenset[str]:
    """The keys of every name in `text`, read sentence by sentence."""
    return frozenset(t.name for s in sentences(text) for t in _tokens(s, find) if t.name)


def is_name(t: Token) -> bool:
    return t.name is not None and not t.possessive


def _skip_parentheticals(tokens: list[Token]) -> list[Token]:
    """Without what is in parentheses or between dashes, and without appositions after a name
    ("Ben, a former agent …, sent" reads "Ben sent")."""
    kept: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.text in "([":
            close = next((j for j in range(i + 1, len(tokens)) if tokens[j].text in ")]"), None)
            if close is not None:
                i = close + 1
                continue
        if t.text in "\u2014\u2013":
            close = next((j for j in range(i + 1, len(tokens)) if tokens[j].text == t.text), None)
            if close is not None:
                i = close + 1
                continue
        if t.text == "," and kept and is_name(kept[-1]) and i + 1 < len(tokens):
            close = next((j for j in range(i + 1, len(tokens)) if tokens[j].text == ","), None)
            segment = tokens[i + 1 : close if close is not None else len(tokens)]
            opens = bool(segment) and segment[0].lower in _APPOSITION and not segment[0].in_name
            verbless = (
                bool(segment)
                and close is not None
                and not any(_verb(segment, k) for k in range(len(segment)))
            )
            if opens or verbless:
                i = close + 1 if close is not None else len(tokens)
                continue
        kept.append(t)
        i += 1
    return kept


def _verb(tokens: list[Token], i: int) -> tuple[str, bool] | None:
    """(stem of the base form, may be a participle) when tokens[i] reads as a verb."""
    t = tokens[i]
    if t.in_name or not t.text[:1].isalpha() or not t.text[:1].islower():
        return None
    word = t.lower
    if word in _BE or word in _HAVE or (word in STOPWORDS and word not in _IRREGULAR):
        return None
    before = tokens[i - 1] if i > 0 else None
    after_name = before is not None and is_name(before)
    if before is not None and (before.lower in DETERMINERS or before.possessive):
        return None
    if word in _IRREGULAR:
        return stem(_IRREGULAR[word]), word not in _NOT_PARTICIPLES
    if word.endswith("ed") and len(word) > 4 and word not in _NOT_VERBS:
        return stem(word), True
    if (
        before is not None
        and before.lower in _AUXILIARY
        and word.isalpha()
        and word not in DETERMINERS | _PREPOSITIONS
    ):
        return stem(word), False
    if (
        word.endswith("s")
        and not word.endswith(("ss", "us", "is"))
        and (after_name or (before is not None and before.lower in _SUBJECT_PRONOUNS))
    ):
        return stem(word), False
    return None


def _passive(tokens: list[Token], i: int) -> bool:
    """A participle after a form of "be" (an adverb may stand between) or before "by"."""
    back = [t.lower for t in tokens[max(0, i - 2) : i]]
    if back[-1:] and back[-1] in _BE:
        return True
    if len(back) == 2 and back[0] in _BE and (back[1].endswith("ly") or back[1] == "not"):
        return True
    return i + 1 < len(tokens) and tokens[i + 1].lower == "by"


def governing_word(tokens: list[Token], i: int, start: int) -> str:
    """The word a name at tokens[i] follows, past determiners and capitalized titles."""
    for j in range(i - 1, start - 1, -1):
        t = tokens[j]
        if t.lower in DETERMINERS:
            continue
        if t.lower in _PREPOSITIONS or not t.text[:1].isupper() or t.in_name:
            return t.lower
        # a capitalized title ("President", "Ambassador"): part of the name's phrase
    return ""


def read(sentence: str, find: NameSpans) -> list[Token]:
    """One sentence's words as the relations read them: name runs joined, parentheticals and
    appositions left out (`index.llm.coordination` reads them too)."""
    return _skip_parentheticals(_tokens(sentence, find))


def finite(tokens: list[Token], i: int) -> bool:
    """tokens[i] is a verb, or a form of "be" or "have" or an auxiliary ("were", "had",
    "would"): where a sentence's subject ends."""
    word = tokens[i].lower
    if not tokens[i].text[:1].islower():  # "May 2020", a name
        return False
    return (
        word in _BE
        or word in _HAVE
        or (word in _AUXILIARY and word != "to")
        or bool(_verb(tokens, i))
    )


def active_verb(tokens: list[Token], i: int) -> bool:
    """tokens[i] is a verb in the active voice ("met", not "was arrested"): an object follows."""
    found = _verb(tokens, i)
    return found is not None and not (found[1] and _passive(tokens, i))


def is_preposition(t: Token) -> bool:
    return t.lower in _PREPOSITIONS


def opens_clause(t: Token) -> bool:
    """A word opening another clause ("which", "because"), or a hard mark (";", "(")."""
    return t.lower in _CLAUSE or t.text in _HARD


@dataclass(frozen=True)
class Clause:
    """One verb of a sentence and the stretch of words around it up to the next verb or clause
    mark: where its names stand."""

    tokens: list[Token]
    verb: int
    key: str  # the verb's stem
    participle: bool
    start: int
    end: int


def passive(c: Clause) -> bool:
    """The clause's verb is a passive participle ("was arrested", "sent by")."""
    return c.participle and _passive(c.tokens, c.verb)


def verb_clauses(text: str, find: NameSpans) -> Iterator[Clause]:
    for sentence in sentences(text):
        tokens = read(sentence, find)
        verbs = {i: v for i in range(len(tokens)) if (v := _verb(tokens, i))}
        limits = sorted(
            {i for i, t in enumerate(tokens) if t.text in _HARD or t.lower in _CLAUSE} | set(verbs)
        )
        for i, (key, participle) in verbs.items():
            start = max((k for k in limits if k < i), default=-1) + 1
            end = min((k for k in limits if k > i), default=len(tokens))
            yield Clause(tokens, i, key, participle, start, end)


def relations(text: str, find: NameSpans) -> Relations:
    """For each verb of `text`, the sides it puts each name on."""
    found: Relations = {}
    for c in verb_clauses(text, find):
        inverted = passive(c)
        sides = found.setdefault(c.key, {})
        for j in range(c.start, c.end):
            t = c.tokens[j]
            if j == c.verb or not is_name(t):
                continue
            assert t.name is not None
            governor = governing_word(c.tokens, j, c.start)
            if j < c.verb:  # before the verb: its subject, or a passive verb's object
                if governor in _PREPOSITIONS:
                    continue
                side = OBJECT if inverted else SUBJECT
            elif inverted:  # after a passive verb: its agent only after "by"
                if governor != "by":
                    continue
                side = SUBJECT
            else:
                side = OBJECT
            sides.setdefault(t.name, set()).add(side)
    return found


def cited_relations(cited: Iterable[str], find: NameSpans) -> Relations:
    """The sides every cited text puts each name on, per verb, taken together."""
    theirs: Relations = {}
    for text in cited:
        for key, sides in relations(text, find).items():
            for name, side in sides.items():
                theirs.setdefault(key, {}).setdefault(name, set()).update(side)
    return theirs
