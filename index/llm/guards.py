"""Guards on the model's output: its prose is checked, its citations resolved against the store."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from index.answer import compose
from index.answer.contract import BackgroundItem, Quote
from index.corpus.load import Corpus
from index.llm.prompt import Context, Passage, Reply
from index.search.retrieval import tokenize
from index.settings import Settings

MAX_SUMMARY_CHARS = 900
# Labels whose content the summary may only restate with attribution.
ATTRIBUTE_LABELS = frozenset({"allegation", "disputed", "opinion"})
# A summary sentence restates a passage when the distinctive words they share are at least this
# many and make up at least this share of the shorter one's: (3, 0.4) or (2, 0.6).
OVERLAP_RULES = ((3, 0.4), (2, 0.6))
# Same pattern as the verifier's: a double-quoted run of three or more characters.
_QUOTED = re.compile(r'["\u201c]([^"\u201c\u201d]{3,})["\u201d]')
_SENTENCE_END = re.compile(r"[.!?][\"\u201d)]*(?=\s+[\"\u201c(]?[A-Z0-9])")
# "U.S." and "Mr." do not end a sentence.
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Jr|Sr|No|vs|Av))\.$")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MARKUP = re.compile(r"(?m)^\s*(?:#{1,6}\s*|>\s*|[-*\u2022]\s+|\d+[.)]\s+)|[*_`~|]{1,3}")
_MENTION = re.compile(r"@(?=(?:everyone|here)\b|[!&]?\d)")
# `{names}` is filled with the words of the corpus's author names (front matter), never in code.
_ATTRIBUTED = (
    r"\b(?:the\s+)?(?:authors?|article|piece|op-?ed|essay|writers?|text|{names}"
    r"they)\b[^.;]{0,80}?\b(?:alleg\w*|claim\w*|say\w*|said|writes?|wrote|written|assert\w*|"
    r"argu\w*|contend\w*|suggest\w*|maintain\w*|believ\w*|insist\w*|accus\w*|charg\w*|stat\w*|"
    r"report\w*|describ\w*|portray\w*|call\w*|speculat\w*|impl\w*|hint\w*|tells?|told|"
    r"recount\w*|present\w*|frame\w*|depict\w*|see|sees|view\w*|think\w*|interpret\w*|"
    r"characteri[sz]\w*|blame\w*|relay\w*|repeat\w*)\b"
    r"|\baccording\s+to\s+(?:the\s+)?(?:authors?|article|piece|writers?|{names}them)\b"
    r"|\b(?:authors?|article|writers?)['\u2019]s?\s+(?:view|account|telling|words|reading|"
    r"opinion|interpretation|claims?|allegations?|thesis|argument|framing)\b"
    r"|\b(?:in\s+their|their)\s+(?:view|account|telling|reading|opinion|interpretation)\b"
    r"|\b(?:allegedly|reportedly|purportedly|supposedly|it\s+is\s+alleged)\b"
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


@dataclass
class Guarded:
    """The summary after the guards, and what each guard removed (for the log and the bench)."""

    summary: str | None
    bad_quotations: list[str] = field(default_factory=list)
    verdicts: list[str] = field(default_factory=list)
    unattributed: list[str] = field(default_factory=list)


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
    return [m.span() for m in _QUOTED.finditer(text) if m.group(1) not in article_text]


def passes_verdict(sentence: str) -> bool:
    """True when the sentence calls something established, confirmed, true … (not negated)."""
    for match in _VERDICT.finditer(sentence):
        if not _NEGATION.search(sentence[: match.start()]):
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


def needs_attribution(context: Context, quotes: list[Quote]) -> list[str]:
    """The texts a summary may restate only with attribution: shown or quoted, labelled so."""
    texts = [p.text for p in context.passages if p.label in ATTRIBUTE_LABELS]
    texts += [q.text for q in quotes if q.label in ATTRIBUTE_LABELS and q.text not in texts]
    return texts


def unattributed(
    sentence: str, texts: list[str], common: frozenset[str], authors: tuple[str, ...] = ()
) -> bool:
    """The sentence restates one of `texts` without saying who asserts it."""
    return not attributed(sentence, authors) and any(restates(sentence, t, common) for t in texts)


def guard_summary(
    raw: str,
    article_text: str,
    texts: list[str],
    common: frozenset[str],
    authors: tuple[str, ...] = (),
) -> Guarded:
    """Drop verdicts and non-verbatim quotations sentence by sentence; find unattributed claims."""
    result = Guarded(None)
    kept: list[str] = []
    for sentence in sentences(sanitize(raw)):
        if passes_verdict(sentence):
            result.verdicts.append(sentence)
        elif len(" ".join([*kept, sentence])) <= MAX_SUMMARY_CHARS:
            kept.append(sentence)
    # Quotation marks can pair across sentences: check the text as the verifier will see it,
    # drop the sentences a bad quotation touches, and repeat until every pairing is verbatim.
    while bad := bad_quotations(" ".join(kept), article_text):
        spans, at = [], 0
        for sentence in kept:
            spans.append((at, at + len(sentence)))
            at += len(sentence) + 1
        drop = {n for n, (a, b) in enumerate(spans) for s, e in bad if a < e and s < b}
        result.bad_quotations.extend(kept[n] for n in sorted(drop))
        kept = [sentence for n, sentence in enumerate(kept) if n not in drop]
    result.unattributed = [s for s in kept if unattributed(s, texts, common, authors)]
    result.summary = " ".join(kept) or None
    return result


def normalize_id(raw: object) -> str:
    text = str(raw).strip().strip("[]()\"'").strip().lower()
    for prefix in ("claim:", "sentence:", "fact:"):
        if text.startswith(prefix):
            return text[len(prefix) :].strip()
    return text


@dataclass
class Citations:
    """What the model cited, resolved against the data it was shown; the rest is `dropped`."""

    segments: list[compose.Segment]
    fact_ids: list[str]
    dropped: list[str]


def resolve_citations(reply: Reply, context: Context) -> Citations:
    by_id = {p.id: p for p in context.passages}
    by_sentence: dict[str, list[Passage]] = {}
    for p in context.passages:
        for sid in p.segment.sentence_ids:
            by_sentence.setdefault(sid, []).append(p)
    cited = Citations([], [], [])
    for point in reply.points:
        for raw in [*point.article, *point.facts]:
            cid = normalize_id(raw)
            found = [by_id[cid]] if cid in by_id else by_sentence.get(cid, [])
            if found:
                cited.segments.extend(p.segment for p in found if p.segment not in cited.segments)
            elif cid in context.fact_ids:
                if cid not in cited.fact_ids:
                    cited.fact_ids.append(cid)
            else:
                cited.dropped.append(str(raw)[:80])
    return cited


def build_quotes(
    corpus: Corpus, segments: list[compose.Segment], settings: Settings
) -> list[Quote]:
    """Quotes sliced from the store for the cited spans, within the answer's quote budget."""
    chosen: list[Quote] = []
    used = 0
    for seg in segments:
        if len(chosen) >= settings.max_quotes:
            break
        length = seg.end - seg.start
        if chosen and used + length > settings.max_quote_chars:
            continue
        quote = compose.make_quote(corpus, seg.start, seg.end)
        if quote is not None:
            chosen.append(quote)
            used += length
    return chosen


def build_background(
    corpus: Corpus, fact_ids: list[str], quotes: list[Quote], settings: Settings
) -> list[BackgroundItem]:
    """Cited facts, then the facts linked to quoted disputed claims and allegations."""
    wanted = list(fact_ids)
    for quote in quotes:
        if quote.label in ("disputed", "allegation"):
            for cid in quote.claim_ids:
                wanted.extend(corpus.claim(cid).fact_ids[: compose.LINKED_FACTS_PER_QUOTE])
    seen: list[str] = []
    for fid in wanted:
        if fid in corpus.facts and fid not in seen:
            seen.append(fid)
    return [compose.fact_item(corpus, fid) for fid in seen[: settings.max_background + 2]]
