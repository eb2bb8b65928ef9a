"""Who says what a summary sentence says: the lead-in it opens with, whether it names the article
or its authors as its source, and the attribution the code writes from a passage's label
(`prompts/llm.yaml`) in place of any lead-in of the model's own."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from index.corpus.load import Corpus
from index.llm.guards import attributed
from index.llm.names import Names

# Labels whose content the code attributes to the authors, strongest first (a sentence citing
# several takes the first): the template for each is in prompts/llm.yaml.
CODE_ATTRIBUTED = ("disputed", "allegation", "opinion", "unreviewed")
# The verbs a source says something with ("the article states", "it mentions").
_SAYS = (
    r"(?:alleges?|claims?|says?|writes?|states?|argues?|asserts?|suggests?|contends?|mentions?|"
    r"notes?|reports?|describes?)"
)
# Who says it, at the start of a sentence: not part of what it says.
_LEADING_SOURCE = re.compile(
    r"^(?:according\s+to\s+(?:the\s+)?[^,]{1,40},\s*|in\s+the\s+authors['\u2019]?\s+view,\s*|"
    r"(?:(?:the\s+)?(?:authors?|article|piece|writers?)|it)\s+(?:\w+\s+){0,2}?(?:"
    + _SAYS
    + r"|believes?)\s+(?:that\s+)?)",
    re.IGNORECASE,
)
# The sentence names the article or its authors as its source (`{names}`: the authors' names).
# Not someone else's ("Wikipedia's article", "the embassy's document").
_ARTICLE_SOURCE = (
    r"\b(?<!'s )(?<!\u2019s )"
    r"(?:{names}authors?|article|piece|op-?ed|essay|writers?|documents?|text|passages?)\b"
    r"|\b(?:in\s+)?their\s+(?:view|account|telling|reading|opinion|interpretation)\b"
)
# "It mentions …", "It also says …" at the start of a summary sentence: "it" is the article.
_IT_SAYS = re.compile(r"^it\s+(?:\w+\s+){0,2}?" + _SAYS + r"\b", re.IGNORECASE)
_INNER_CAPITAL = re.compile(r"(?<=[a-z,;] )([A-Z][A-Za-z]*)")


class Attribution:
    """The attribution of the corpus's authors; one per corpus (index version)."""

    def __init__(
        self, corpus: Corpus, names: Names, authors: Sequence[str], templates: dict[str, str]
    ):
        self.authors = tuple(authors)
        self.templates = templates
        self._article_words = names.article_words
        # Words the corpus capitalizes inside a sentence: names ("Ana", "U"), never lowered.
        self._inner_capitals = frozenset(
            m.group(1)
            for text in [corpus.article.text, *(f.text for f in corpus.facts.values())]
            for m in _INNER_CAPITAL.finditer(text)
        )
        alternation = "".join(f"{re.escape(n)}|" for n in self.authors)
        self._to_article = re.compile(
            _ARTICLE_SOURCE.replace("{names}", alternation), re.IGNORECASE
        )

    def to_article(self, text: str) -> bool:
        """The sentence names the article or its authors as the source of what it says, or
        opens with "It mentions …" (the article, in a summary of it)."""
        if _IT_SAYS.match(text.strip()):
            return True
        return bool(self._to_article.search(text)) and attributed(text, self.authors)

    def replaces_lead_in(self, text: str, core: str, to_article: bool) -> bool:
        """The code says who says it, from the label: unless the model named the article or its
        authors inside the sentence, its own lead-in ("It mentions that", "The article says
        that" before a hearsay claim) goes."""
        led_in = core != text.strip() and not self._to_article.search(core)
        return not to_article or led_in

    def as_fact(self, text: str) -> str | None:
        """The sentence less its lead-in naming the article ("The article states that X" → "X"),
        or None when it has none to take off or still credits the article after it."""
        core = core_text(text)
        if core == text.strip() or _IT_SAYS.match(core) or self._to_article.search(core):
            return None
        return core[0].upper() + core[1:]

    def attribute(self, sentence: str, label: str) -> str:
        """The sentence as the template for `label` renders it ("The authors allege that …")."""
        body = sentence.strip()
        first = re.match(r"[A-Za-z]+", body)
        word = first.group(0) if first else ""
        # "I", "MAAG", "U.S." stay, and a name the corpus capitalizes inside its sentences.
        kept = word == "I" or (word.isupper() and (len(word) > 1 or body[1:2] == "."))
        if not kept and (word.lower() in self._article_words or word not in self._inner_capitals):
            body = body[0].lower() + body[1:]  # a word, not a name: "We are told" → "we are told"
        if body[-1:] not in '.!?"\u201d':
            body += "."
        return self.templates[label].format(sentence=body)


def strongest(labels: Iterable[str]) -> str | None:
    """Of the labels of the passages a sentence cites, the one the code attributes it by."""
    present = set(labels)
    return next((label for label in CODE_ATTRIBUTED if label in present), None)


def core_text(sentence: str) -> str:
    """What the sentence says, without who says it ("According to the article, …")."""
    return _LEADING_SOURCE.sub("", sentence.strip(), count=1) or sentence
