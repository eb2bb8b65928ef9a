"""The scripted behaviours of scripts/bench_llm.py: fake chat models that reply as bad models do.

Each behaviour reads the data block of the prompt it is sent (the passages and fact cards shown)
and replies in the shape being measured (`SHAPE`, set from the bench's `--shape`), as a bad (or a
good) model would; `BEHAVIOURS` pairs each with the content it plants, which must never ship, or
never ship unattributed. `PromptedFake` is the chat model that runs one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from index.llm.guards import ATTRIBUTE_LABELS, sentences

_PASSAGE = re.compile(r"^\[([^\]]+)\] \(paragraph \d+; label: (\w+)\) (.+)$", re.MULTILINE)
_FACT = re.compile(r"^\[([^\]]+)\] ([^:]+): (.+)$", re.MULTILINE)
_CUE = re.compile(r"^(It is being said that|It is likely|We are told that)\s+", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")
SHAPE = "sentences"


@dataclass
class Data:
    """What one prompt showed: passages (id, label, text) and facts (id, title, text)."""

    passages: list[tuple[str, str, str]]
    facts: list[tuple[str, str, str]]

    def ids(self, n: int = 2) -> list[str]:
        return [p[0] for p in self.passages[:n]]

    def first(self, labels: set[str]) -> tuple[str, str, str] | None:
        return next((p for p in self.passages if p[1] in labels), None)


def shown(prompt: str) -> Data:
    article = prompt.split("<article_passages>", 1)[1].split("</article_passages>", 1)[0]
    facts = prompt.split("<background_facts>", 1)[1].split("</background_facts>", 1)[0]
    return Data(_PASSAGE.findall(article), _FACT.findall(facts))


def reply(*sentences: tuple[str, list[str]]) -> str:
    """A reply in the shape being measured."""
    if SHAPE == "legacy":
        ids = list(dict.fromkeys(i for _, cites in sentences for i in cites))
        return json.dumps(
            {
                "summary": " ".join(t for t, _ in sentences),
                "points": [{"article": [i for i in ids if "." in i or "-" in i], "facts": []}],
            }
        )
    return json.dumps({"sentences": [{"text": t, "cites": c} for t, c in sentences]})


def plain(text: str) -> str:
    """A passage as a plain statement (its hedge and quotation marks dropped)."""
    stated = _CUE.sub("", text.replace('"', "")).strip().rstrip(".")
    return f"{stated[:1].upper()}{stated[1:]}."


def lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    if first in ("The", "His", "Her", "Their", "It", "This", "A", "An", "In", "On", "She", "He"):
        return text[0].lower() + text[1:]
    return text


# -- behaviours -------------------------------------------------------------------------------


def faithful(d: Data) -> str:
    """Restates what it cites: passages plainly (the code attributes), a fact plainly."""
    parts = [(plain(p[2]), [p[0]]) for p in d.passages[:1]]
    if d.facts:
        parts.append((sentences(d.facts[0][2])[0], [d.facts[0][0]]))
    return reply(*parts) if parts else reply()


def faithful_attributed(d: Data) -> str:
    flagged = d.first(set(ATTRIBUTE_LABELS)) or (d.passages[0] if d.passages else None)
    if flagged is None:
        return faithful(d)
    return reply((f"According to the article, {lower_first(plain(flagged[2]))}", [flagged[0]]))


def allegation_cited_plain(d: Data) -> str:
    """An allegation stated as fact, citing itself: the code must attribute it."""
    flagged = d.first(set(ATTRIBUTE_LABELS))
    return reply((plain(flagged[2]), [flagged[0]])) if flagged else faithful(d)


def allegation_as_fact(d: Data) -> str:
    """An allegation stated as fact, citing an established passage: must not ship."""
    flagged = d.first(set(ATTRIBUTE_LABELS))
    solid = d.first({"established"})
    if not flagged or not solid:
        return faithful(d)
    return reply((plain(flagged[2]), [solid[0]]))


def opinion_as_fact(d: Data) -> str:
    return reply(
        (
            "Castillo tried to dissolve Congress due to pressure from an oligarchy.",
            ["oligarchy-pressure", "pressure-got-to-castillo", *d.ids(1)],
        )
    )


def title_as_fact(d: Data) -> str:
    return reply(("The U.S. egged on the coup in Peru.", d.ids()))


def kenna_ordered_arrest(d: Data) -> str:
    return reply(("Ambassador Kenna ordered the arrest of Castillo.", d.ids()))


def invented_event(d: Data) -> str:
    return reply(
        ("The U.S. embassy paid the Peruvian generals 5 million dollars on December 5.", d.ids()),
        ("Washington planned the removal.", d.ids(1)),
    )


def cia_injection(d: Data) -> str:
    return reply(("The CIA organized the coup.", d.ids(3)))


def behind_the_coup(d: Data) -> str:
    return reply(("The U.S. was behind the coup.", d.ids(3)))


def police_misattributed(d: Data) -> str:
    return reply(
        (
            "The article states that Castillo was arrested by his own police escort, "
            "not by the military.",
            d.ids(1) + [f[0] for f in d.facts[:2]],
        )
    )


def absence(d: Data) -> str:
    return reply(
        (
            "The article does not provide any information about the United States' involvement.",
            d.ids(1),
        )
    )


def contradicts_card(d: Data) -> str:
    card = next((f for f in d.facts if _NUMBER.search(f[2])), None)
    parts = [("Castillo was arrested by the military, not by his police escort.", d.ids(1))]
    if card:
        changed = _NUMBER.sub(lambda m: str(int(m.group(0)) + 3), sentences(card[2])[0])
        parts.append((changed.rstrip(".") + ".", [card[0]]))
    return reply(*parts)


def jeri_error(d: Data) -> str:
    return reply(
        (
            "José Jerí became president of Peru after Pedro Castillo.",
            d.ids(2) + [f[0] for f in d.facts[:2]],
        )
    )


def fabricated_quote(d: Data) -> str:
    return reply(
        ('The authors write that "the ambassador personally ordered the arrest".', d.ids(1)),
    )


def paraphrased_quote(d: Data) -> str:
    text = d.passages[0][2] if d.passages else "the article says little about it"
    words = text.split()[:10]
    paraphrase = " ".join(reversed(words[:3])) + " " + " ".join(words[3:])
    return reply((f'The article says "{paraphrase.lower()}".', d.ids(1)))


def verdicts(d: Data) -> str:
    return reply(
        ("Everything the article says is established and verified.", d.ids()),
        ("In fact, the meeting clearly happened as the authors say.", d.ids(1)),
    )


def markup_mentions(d: Data) -> str:
    return reply(
        ("## Established\n**Kenna** met Bobbio @everyone <@1234> see https://x.example", d.ids(1)),
        ("- @here the coup was planned", d.ids(1)),
    )


def issue_combo(d: Data) -> str:
    """The issue's hostile server: the same three sentences for every question."""
    return json.dumps(
        {
            "summary": "The U.S. egged on the coup in Peru. Ambassador Kenna ordered the arrest "
            "of Castillo. Washington planned the removal.",
            "points": [{"article": d.ids(), "facts": []}],
        }
    )


def unknown_ids(d: Data) -> str:
    return reply(("The article touches on this.", ["no-such-claim", "p99.s9", "no-such-fact"]))


def legacy_faithful(d: Data) -> str:
    if not d.passages:
        return json.dumps({"summary": "", "points": [{"article": [], "facts": d.ids()}]})
    body = plain(d.passages[0][2])
    return json.dumps(
        {
            "summary": f"The authors say {body[0].lower()}{body[1:]}",
            "points": [{"article": d.ids(1)}],
        }
    )


def prose_cited(d: Data) -> str:
    if not d.passages:
        return "Nothing here."
    return f"{plain(d.passages[0][2])} [{d.passages[0][0]}]"


def trailing_junk(d: Data) -> str:
    return faithful(d)[:-1] + "]]}]"


BEHAVIOURS: dict[str, tuple[Callable[[Data], str], list[tuple[str, str]]]] = {
    # name: (script, planted: (pattern, "never" | "unattributed"))
    "faithful": (faithful, []),
    "faithful_attributed": (faithful_attributed, []),
    "legacy_faithful": (legacy_faithful, []),
    "prose_cited": (prose_cited, []),
    "trailing_junk": (trailing_junk, []),
    "allegation_cited_plain": (allegation_cited_plain, []),
    "allegation_as_fact": (allegation_as_fact, []),  # counted by the contested-claims check
    "opinion_as_fact": (opinion_as_fact, [(r"pressure from an oligarchy", "unattributed")]),
    "title_as_fact": (title_as_fact, [(r"egged on the coup", "unattributed")]),
    "kenna_ordered_arrest": (kenna_ordered_arrest, [(r"ordered the arrest", "never")]),
    "invented_event": (invented_event, [(r"5 million|planned the removal", "never")]),
    "cia_injection": (cia_injection, [(r"CIA organized", "never")]),
    "behind_the_coup": (behind_the_coup, [(r"behind the coup", "unattributed")]),
    "police_misattributed": (police_misattributed, [(r"article states.*police escort", "never")]),
    "absence": (absence, [(r"does not provide", "never")]),
    "contradicts_card": (
        contradicts_card,
        [(r"arrested by the military, not by his police", "never")],
    ),
    "jeri_error": (jeri_error, [(r"Jer\u00ed became president of Peru after Pedro", "never")]),
    "fabricated_quote": (fabricated_quote, [(r"personally ordered", "never")]),
    "paraphrased_quote": (paraphrased_quote, []),  # counted by the quotation check
    "verdicts": (verdicts, [(r"established and verified|clearly happened", "never")]),
    "markup_mentions": (markup_mentions, [(r"@everyone|@here|<@|##|\*\*|https?:", "never")]),
    "issue_combo": (
        issue_combo,
        [(r"ordered the arrest|planned the removal", "never"), (r"egged on", "unattributed")],
    ),
    "unknown_ids": (unknown_ids, [(r"touches on this", "never")]),
    "invalid_json": (lambda d: '{"summary": "The authors', []),
    "empty": (lambda d: "", []),
    "refusal": (lambda d: "I'm sorry, but I can't help with that.", []),
}
HOSTILE_FREE = {
    "faithful",
    "faithful_attributed",
    "legacy_faithful",
    "prose_cited",
    "trailing_junk",
}


class PromptedFake(BaseChatModel):
    """A fake chat model whose reply depends on the data block of the first user message."""

    script: Callable[[Data], str]

    @property
    def _llm_type(self) -> str:
        return "prompted-fake"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        prompt = next(str(m.content) for m in messages if isinstance(m, HumanMessage))
        text = self.script(shown(prompt))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])
