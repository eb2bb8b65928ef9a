"""Text-level guards on the model's prose: markup, quotations, verdicts, attribution, overlap.

`index.llm.judge` applies them sentence by sentence, with the checks against the evidence.
"""

from __future__ import annotations

import re
from functools import lru_cache

from index.answer.verify import quotations
from index.search.text import fold, tokenize

MAX_SUMMARY_CHARS = 900
# Labels whose content the summary may only restate with attribution.
ATTRIBUTE_LABELS = frozenset({"allegation", "disputed", "opinion"})
# A summary sentence restates a passage when the distinctive words they share are at least this
# many and make up at least this share of the shorter one's: (3, 0.4) or (2, 0.6).
OVERLAP_RULES = ((3, 0.4), (2, 0.6))
_SENTENCE_END = re.compile(r"[.!?][\"\u201d)]*(?=\s+[\"\u201c(]?[A-Z0-9])")
# "U.S." and "Mr." do not end a sentence.
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Jr|Sr|No|vs|Av))\.$")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MARKUP = re.compile(r"(?m)^\s*(?:#{1,6}\s*|>\s*|[-*\u2022]\s+|\d+[.)]\s+)|[*_`~|]{1,3}")
_MENTION = re.compile(r"@(?=(?:everyone|here)\b|[!&]?\d)")
# `{names}` is filled with the words of the corpus's author names (front matter), never in code.
_ATTRIBUTED = (
    r"\b(?:the\s+)?(?:authors?|article|piece|op-?ed|essay|writers?|text|documents?|{names}"
    r"they)\b[^.;]{0,80}?\b(?:alleg\w*|claim\w*|say\w*|said|writes?|wrote|written|assert\w*|"
    r"argu\w*|contend\w*|suggest\w*|maintain\w*|believ\w*|insist\w*|accus\w*|charg\w*|stat\w*|"
    r"report\w*|describ\w*|portray\w*|call\w*|speculat\w*|impl\w*|hint\w*|tells?|told|"
    r"recount\w*|present\w*|frame\w*|depict\w*|see|sees|view\w*|think\w*|interpret\w*|"
    r"characteri[sz]\w*|blame\w*|relay\w*|repeat\w*|mention\w*|note\w*|highlight\w*|"
    r"indicat\w*|recall\w*|cit(?:e|es|ed|ing)|quot\w*|emphasi[sz]\w*|stress\w*|explain\w*|"
    r"discuss\w*|detail\w*|point\w*\s+out|conclud\w*|question\w*|doubt\w*|add|adds|added)\b"
    r"|\baccording\s+to\s+(?:the\s+)?(?:authors?|article|piece|op-?ed|essay|writers?|text|"
    r"{names}them)\b"
    r"|\b(?:authors?|article|writers?)['\u2019]s?\s+(?:view|account|telling|words|reading|"
    r"opinion|interpretation|claims?|allegations?|thesis|argument|framing)\b"
    r"|\b(?:in\s+their|their)\s+(?:view|account|telling|reading|opinion|interpretation)\b"
    r"|\b(?:allegedly|reportedly|purportedly|supposedly|it\s+is\s+alleged|"
    r"(?:appears?|appeared|seems?|seemed)\s+to|it\s+(?:is|was)\s+(?:said|claimed|reported))\b"
    r"|\b(?:no|without)\s+independent\s+(?:source|evidence|confirmation)"
    r"|\bnot\s+(?:been\s+)?(?:independently\s+)?(?:confirmed|verified|corroborated|established)\b"
    r"|\b(?:unconfirmed|unverified|uncorroborated)\b"
)
# The model may not pass verdicts: that is the labels' job, and they come from the data.
_VERDICT = re.compile(
    r"\b(?:established|confirmed|corroborated|verified|prove[dn]|accurate|factual|"
    r"(?:is|are|was|were)\s+(?:a\s+)?(?:true|facts?))\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:not|no|never|nor|without|isn't|aren't|wasn't|weren't|hasn't|"
    r"haven't|none)\b[^.;]{0,40}$",
    re.IGNORECASE,
)


def sanitize(text: str) -> str:
    """One plain paragraph: no markup, headings, links or mass mentions from the model."""
    text = _URL.sub("", text)
    text = _MARKUP.sub("", text)
    text = _MENTION.sub("@\u200b", text)
    return " ".join(text.split())


def sentences(text: str) -> list[str]:
    parts, begin = [], 0
    for match in _SENTENCE_END.finditer(text):
        if _ABBREVIATION.search(text, 0, match.start() + 1):
            continue
        parts.append(text[begin : match.end()])
        begin = match.end()
    parts.append(text[begin:])
    return [p.strip() for p in parts if p.strip()]


def bad_quotations(text: str, article_text: str) -> list[tuple[int, int]]:
    """Spans of the quotations in `text` that are not the article's exact words."""
    return [(start, end) for start, end, words in quotations(text) if words not in article_text]


def passes_verdict(sentence: str, reported: str = "") -> bool:
    """True when the sentence calls something established, confirmed, true … (not negated).

    A verdict word the cited fact cards use themselves (`reported`: "the navy confirmed the
    calls were genuine") is their report of someone's finding, not the model's verdict."""
    said = fold(reported)
    for match in _VERDICT.finditer(sentence):
        if _NEGATION.search(sentence[: match.start()]):
            continue
        if said and re.search(rf"\b{re.escape(fold(match.group(0)))}\b", said):
            continue
        return True
    return False


@lru_cache(maxsize=8)
def _attribution(names: tuple[str, ...]) -> re.Pattern[str]:
    alternation = "".join(f"{re.escape(n)}|" for n in names)
    return re.compile(_ATTRIBUTED.replace("{names}", alternation), re.IGNORECASE)


def attributed(sentence: str, authors: tuple[str, ...] = ()) -> bool:
    """The sentence says who asserts it: the authors (by role or, given, by name), the article…"""
    return bool(_attribution(authors).search(sentence))


def words(text: str, common: frozenset[str]) -> set[str]:
    return {t for t in tokenize(text) if len(t) > 1 and t not in common}


def restates(sentence: str, passage_text: str, common: frozenset[str]) -> bool:
    """Word overlap: the sentence says much of what the passage says."""
    mine, theirs = words(sentence, common), words(passage_text, common)
    if not mine or not theirs:
        return False
    shared = len(mine & theirs)
    share = shared / min(len(mine), len(theirs))
    return any(shared >= n and share >= ratio for n, ratio in OVERLAP_RULES)


def unattributed(
    sentence: str, texts: list[str], common: frozenset[str], authors: tuple[str, ...] = ()
) -> bool:
    """The sentence restates one of `texts` without saying who asserts it."""
    return not attributed(sentence, authors) and any(restates(sentence, t, common) for t in texts)
