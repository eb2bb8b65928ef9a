"""The proper names in a summary sentence, as the corpus writes them: which capitalized words are
names, where each stands in the sentence, and which given names go with a surname."""

from __future__ import annotations

import re

from index.corpus.load import Corpus
from index.search.text import tokenize

_NAME = re.compile(r"\b[A-Z][\w'\u2019.-]*")
_UNITED_STATES = re.compile(r"\bUnited\s+States(?:\s+of\s+America)?\b")
_INITIALS = re.compile(r"(?:[A-Z]\.){2,}")
_LOWER_WORD = re.compile(r"(?<![A-Za-z])[a-z]+(?![A-Za-z])")
# A run of capitalized words: a full name as the corpus writes it ("Ana María Gómez").
_FULL_NAME = re.compile(r"\b[A-Z][\w'\u2019-]+(?:[ \t]+[A-Z][\w'\u2019-]+){1,2}\b")


class Names:
    """The corpus's names: one per corpus (index version)."""

    def __init__(self, corpus: Corpus):
        self.article_text = corpus.article.text
        # Words the article writes in lower case: a capitalized one of them is no name.
        self.article_words = frozenset(_LOWER_WORD.findall(self.article_text))
        # Given names: the first word of a full name the corpus writes, with the other words of
        # that name ("ana" → {"gomez"}); a sentence may add it to a name its evidence has.
        self.given: dict[str, set[str]] = {}
        for text in [self.article_text, *(f"{f.title}. {f.text}" for f in corpus.facts.values())]:
            for match in _FULL_NAME.finditer(text):
                first, *rest = match.group(0).split()
                if first.lower() in self.article_words:
                    continue  # "The", "In", "President": words, not given names
                for stem in tokenize(first):
                    self.given.setdefault(stem, set()).update(tokenize(" ".join(rest)))

    def stems(self, text: str) -> list[str]:
        """Stems of the proper names in `text`: capitalized words the article never writes in
        lower case ("Coup" in a title-cased sentence is a word, "Kenna" a name); a sentence's
        first word only if the article has it ("Washington" opening a sentence is checked as a
        word)."""
        return [stem for _, _, stems in self.spans(text)[1] for stem in stems]

    def spans(self, text: str) -> tuple[str, list[tuple[int, int, list[str]]]]:
        """`stems`, with where each name word is: the text as read ("United States" written
        "U.S.") and (start, end, stems) of each name word in it (`index.llm.clauses` reads them)."""
        found: list[tuple[int, int, list[str]]] = []
        text = _UNITED_STATES.sub("U.S.", text)
        for match in _NAME.finditer(text):
            word = match.group(0)
            if not _INITIALS.fullmatch(word):  # "U.S." keeps its dots (it tokenizes to "usa")
                word = word.rstrip(".'\u2019")
            word = re.sub(r"['\u2019]s$", "", word)
            lower = word.lower()
            at_start = match.start() == 0 or text[: match.start()].rstrip()[-1:] in '.!?"\u201c:'
            if lower in self.article_words or lower == "i":
                continue
            if at_start and not _INITIALS.fullmatch(word) and word not in self.article_text:
                continue
            found.append((match.start(), match.end(), tokenize(word)))
        return text, found
