"""What a summary sentence may not say, whatever it cites: a mass mention or markup, too few
words to check, a verdict ("in fact", "established": the labels' job), a claim about what the
sources leave out, a quotation that is not the article's words. And a card's heading the model
copied before its text, cut."""

from __future__ import annotations

import re
from collections.abc import Iterable

from index.answer.verify import quotations as quoted_spans
from index.llm.guards import passes_verdict
from index.llm.support import Problem

MIN_WORDS = 3
# Phrased as established fact: markers the labels are there to replace.
_ASSERTIVE = re.compile(
    r"\b(?:in\s+fact|indeed|clearly|undeniabl[ey]|undoubtedly|certainly|obviously|definitely|"
    r"without\s+(?:a\s+)?doubt|no\s+doubt|it\s+is\s+(?:a\s+)?(?:fact|known|clear|certain)|"
    r"the\s+fact\s+(?:is|that)|the\s+truth\s+is|in\s+reality|actually|truly|"
    r"well[-\s](?:known|documented|established)|everyone\s+knows|proves?)\b",
    re.IGNORECASE,
)
# Ends in a question mark, maybe inside closing quotes or brackets: a question, not a statement.
_QUESTION = re.compile(r"\?[\s\"'\u201d\u2019)\]]*$")
# What the sources do not say cannot be bound to evidence.
_ABSENCE = re.compile(
    r"\b(?:article|authors?|text|passages?|piece|sources?|facts?|data|it|they)\s+"
    r"(?:does|do|did|has|have)\s*(?:not|n[o']t)\s+(?:\w+\s+){0,2}?"
    r"(?:mention|say|provide|discuss|address|state|contain|give|include|explain|specify|"
    r"offer|cover|tell|describe|name|identify|report|detail)\w*"
    r"|\b(?:no|not\s+any)\s+(?:information|mention|details?|evidence|data)\s+(?:about|on|of|is|was)",
    re.IGNORECASE,
)


def mention(text: str) -> Problem | None:
    return ("mention", text) if "@" in text or "<" in text else None


def fragment(text: str) -> Problem | None:
    """Too short to say anything, or a question: a summary states what its sources say, and a
    sentence ending in "?" echoes the member's question ("The authors claim that Keiko Fujimori
    again?")."""
    if len(re.findall(r"\w+", text)) < MIN_WORDS or _QUESTION.search(text):
        return ("fragment", text)
    return None


def verdict(text: str, reported: str = "") -> Problem | None:
    """A verdict of the model's own: a verdict word the cited cards do not use themselves
    (`reported`), or an assertive marker ("in fact", "clearly"), whatever they use."""
    if passes_verdict(text, reported) or _ASSERTIVE.search(text):
        return ("verdict", text)
    return None


def absence(text: str) -> Problem | None:
    return ("absence", text) if _ABSENCE.search(text) else None


def without_heading(text: str, titles: Iterable[str]) -> str:
    """`text` without a card's title the model copied before it ("Title: text"), the title
    maybe given a verb ("Ana was arrested by her escort:" for "Ana arrested by her escort")."""
    head, colon, rest = text.partition(":")
    rest = rest.lstrip()
    if not colon or len(rest.split()) < MIN_WORDS:
        return text
    mine = _heading_words(head)
    for title in titles:
        theirs = _heading_words(title)
        if theirs and mine == theirs:
            return rest[0].upper() + rest[1:]
    return text


def _heading_words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"\w+", text.lower()) if w not in _LINKING)


# Words a model adds to a heading to make it a clause: not what the heading says.
_LINKING = frozenset("is was were are has had been the a an".split())


def quotations(text: str, article_text: str, facts: str) -> tuple[str, Problem | None]:
    """`text` with the quotation marks around a fact card's words (`facts`) taken off: they are
    not the article's; and why it drops when it quotes words neither has."""
    original = text
    for start, end, words in quoted_spans(original):
        if words in article_text:
            continue
        if words in facts:
            text = text.replace(original[start:end], words, 1)
        else:
            return text, ("quotation", text)
    return text, None
