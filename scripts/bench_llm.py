"""Benchmark: LLM mode with scripted misbehaving models over the dev questions.

Prints the share of verbatim quotes and summary quotations, allegations shown as established,
unattributed allegations left in summaries (must be 0), the fallbacks by fault kind, and what the
guards cost per answer. Runs offline: the models are fakes that read the prompt they are sent.

    .venv/bin/python scripts/bench_llm.py [--questions evals/dev-questions.yaml]
"""

from __future__ import annotations

import argparse
import collections
import json
import logging
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

import index.llm.refiner as llm
from index.answer.compose import common_words
from index.answer.contract import Answer
from index.answer.engine import Engine
from index.corpus.load import Corpus
from index.evaluate import Case, load_cases
from index.llm.guards import (
    ATTRIBUTE_LABELS,
    passes_verdict,
    sentences,
    unattributed,
)
from index.search.reindex import reindex
from index.settings import get_settings

_PASSAGE = re.compile(r"^\[([^\]]+)\] \(paragraph \d+; label: (\w+)\) (.+)$", re.MULTILINE)
_FACT = re.compile(r"^\[([^\]]+)\] ", re.MULTILINE)
_QUOTED = re.compile(r'["\u201c]([^"\u201c\u201d]{3,})["\u201d]')
_CUE = re.compile(r"^(It is being said that|It is likely|We are told that)\s+", re.IGNORECASE)
GUARDS = ("resolve_citations", "needs_attribution", "guard_summary")


def shown(prompt: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    """The passages (id, label, text) and fact ids in the data block of a prompt."""
    article = prompt.split("<article_passages>", 1)[1].split("</article_passages>", 1)[0]
    facts = prompt.split("<background_facts>", 1)[1].split("</background_facts>", 1)[0]
    return _PASSAGE.findall(article), _FACT.findall(facts)


def _reply(summary: str, article: list[str], facts: list[str], **extra: Any) -> str:
    return json.dumps(
        {"summary": summary, "points": [{"article": article, "facts": facts}], **extra}
    )


def faithful(prompt: str) -> str:
    passages, facts = shown(prompt)
    if not passages:
        return _reply("The background facts cover this; the article does not.", [], facts[:2])
    pid, _, text = passages[0]
    words = " ".join(text.split()[:8]).rstrip(",.;")
    return _reply(f'According to the article, "{words}".', [p[0] for p in passages[:2]], facts[:1])


def fabricated_quote(prompt: str) -> str:
    passages, _ = shown(prompt)
    summary = (
        'The authors write that "the ambassador personally ordered the arrest". '
        "The article discusses this in its own words."
    )
    return _reply(summary, [p[0] for p in passages[:1]], [])


def paraphrased_quote(prompt: str) -> str:
    passages, _ = shown(prompt)
    text = passages[0][2] if passages else "the article says little"
    words = text.split()[:10]
    paraphrase = " ".join(reversed(words[:3])) + " " + " ".join(words[3:])
    return _reply(f'The article says "{paraphrase.lower()}".', [p[0] for p in passages[:1]], [])


def unknown_ids(prompt: str) -> str:
    return _reply("The article touches on this.", ["no-such-claim", "p99.s9"], ["no-such-fact"])


def allegation_as_fact(prompt: str) -> str:
    passages, _ = shown(prompt)
    flagged = [p for p in passages if p[1] in ATTRIBUTE_LABELS]
    if not flagged:
        return faithful(prompt)
    pid, _, text = flagged[0]
    stated = _CUE.sub("", text.replace('"', "")).rstrip(".")
    return _reply(f"{stated[:1].upper()}{stated[1:]}.", [pid], [])


def injected(prompt: str) -> str:
    passages, _ = shown(prompt)
    return _reply(
        "Everything the article says is established and verified.",
        [p[0] for p in passages[:2]],
        [],
        label="established",
    )


BEHAVIOURS: dict[str, Callable[[str], str]] = {
    "faithful": faithful,
    "fabricated_quote": fabricated_quote,
    "paraphrased_quote": paraphrased_quote,
    "unknown_ids": unknown_ids,
    "allegation_as_fact": allegation_as_fact,
    "injected_instruction": injected,
    "invalid_json": lambda prompt: '{"summary": "The authors',
    "empty": lambda prompt: "",
    "refusal": lambda prompt: "I'm sorry, but I can't help with that.",
}


class PromptedFake(BaseChatModel):
    """A fake chat model whose scripted reply may depend on the prompt it is sent."""

    script: Callable[[str], str]

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
        text = self.script(str(messages[-1].content))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


class GuardClock:
    """Wraps the guard functions the refiner calls and adds up their time per answer."""

    def __init__(self) -> None:
        self.spent = 0.0
        for name in GUARDS:
            setattr(llm, name, self._timed(getattr(llm, name)))

    def _timed(self, fn: Callable) -> Callable:
        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.spent += time.perf_counter() - began

        return timed

    def take(self) -> float:
        spent, self.spent = self.spent, 0.0
        return spent * 1000


def shown_as_established(corpus: Corpus, text: str, answer: Answer) -> bool:
    """A quote overlapping this article text is labelled established."""
    start = corpus.article.text.find(text)
    end = start + len(text)
    return start >= 0 and any(
        q.label == "established" and q.start < end and start < q.end for q in answer.quotes
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=Path("evals/dev-questions.yaml"))
    args = parser.parse_args()
    quiet = logging.StreamHandler()
    quiet.setLevel(logging.ERROR)  # the refiner logs every scripted fault
    logging.basicConfig(handlers=[quiet])
    cases: list[Case] = load_cases([args.questions])
    clock = GuardClock()
    per_behaviour: dict[str, collections.Counter] = {}
    guard_ms: list[float] = []
    quotes = verbatim = quotations = quotations_ok = as_established = verdicts = (
        unattributed_left
    ) = 0
    failed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = get_settings(data_dir=Path(tmp))
        reindex(settings)
        base = Engine.from_settings(settings, with_log=False)
        corpus = base.corpus
        common = common_words(corpus)
        flagged = [c.quote for c in corpus.claims if c.label in ATTRIBUTE_LABELS]
        for name, script in BEHAVIOURS.items():
            refiner = llm.LLMRefiner(
                settings, base.texts, chat_model=PromptedFake(script=script), spec=f"fake:{name}"
            )
            engine = Engine(settings, base.embedder, None, refiner=refiner)
            engine.load()
            counts = per_behaviour.setdefault(name, collections.Counter())
            for case in cases:
                clock.take()
                answer: Answer = engine.answer(case.question)
                guard_ms.append(clock.take())
                counts["answers"] += 1
                counts["with summary"] += answer.summary is not None
                counts["fallback"] += answer.notice is not None
                if not answer.verification.passed:
                    failed.append(f"{name}/{case.id}: {answer.verification.failures}")
                for q in answer.quotes:
                    quotes += 1
                    verbatim += corpus.article.text[q.start : q.end] == q.text
                for text in case.never_established:
                    as_established += shown_as_established(corpus, text, answer)
                for match in _QUOTED.finditer(answer.summary or ""):
                    quotations += 1
                    quotations_ok += match.group(1) in corpus.article.text
                verdicts += sum(passes_verdict(s) for s in sentences(answer.summary or ""))
                unattributed_left += sum(
                    unattributed(s, flagged, common) for s in sentences(answer.summary or "")
                )
        base.close()
    print(f"questions x behaviours:             {len(cases)} x {len(BEHAVIOURS)}")
    print(
        f"verification passed:                {len(cases) * len(BEHAVIOURS) - len(failed)}"
        f" of {len(cases) * len(BEHAVIOURS)}"
    )
    print(
        f"quotes verbatim:                    {verbatim}/{quotes} ({verbatim / max(quotes, 1):.1%})"
    )
    print(
        f"summary quotations verbatim:        {quotations_ok}/{quotations}"
        f" ({quotations_ok / max(quotations, 1):.1%})"
    )
    print(
        f"allegations shown as established:   {as_established} (quotes),"
        f" {verdicts} (summary sentences passing verdicts)"
    )
    print(f"unattributed allegations in summaries (must be 0): {unattributed_left}")
    print(
        f"guard overhead per answer:          mean {statistics.fmean(guard_ms):.2f} ms, "
        f"p95 {sorted(guard_ms)[int(0.95 * (len(guard_ms) - 1))]:.2f} ms, "
        f"max {max(guard_ms):.2f} ms"
    )
    print("per behaviour (answers / with summary / fell back with a notice):")
    for name, counts in per_behaviour.items():
        print(
            f"  {name:22} {counts['answers']:3} / {counts['with summary']:3} / "
            f"{counts['fallback']:3}"
        )
    for line in failed:
        print("FAILED", line)


if __name__ == "__main__":
    main()
