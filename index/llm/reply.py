"""The model's reply: a small JSON schema, and a parser that tolerates what small models send.

The reply is a list of sentences, each with the ids of the passages and facts it rests on:

    {"sentences": [{"text": "…", "cites": ["kenna-bobbio-meeting"]}]}

Small local models get this wrong in a few recurring ways, all read here: code fences, prose
around the object, trailing junk after it (`]]}]`), unbalanced or mismatched brackets, single
quotes, trailing commas, the older `{"summary", "points"}` shape, and plain prose whose sentences
end in `[id]` citations. What cannot be read raises `ReplyError` with a precise kind.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MAX_SENTENCES = 4
MAX_CITES = 4
# Keys small models use for a sentence's text and for its citations.
TEXT_KEYS = ("text", "sentence", "statement", "claim", "summary", "content")
CITE_KEYS = ("cites", "cite", "ids", "citations", "sources", "refs", "references", "evidence")
_FENCED = re.compile(r"```[a-zA-Z]*\s*(.*?)(?:```|$)", re.DOTALL)
_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL | re.IGNORECASE)
# An inline citation: "[kenna-bobbio-meeting]", "[p4.s7, bobbio-account]", "(fact: x-y)".
_INLINE = re.compile(
    r"\s*[\[(]((?:(?:claim|sentence|fact|id)s?:\s*)?[\w.:-]+(?:\s*[,;]\s*[\w.:-]+)*)[\])]"
)
_CITE_AFTER_END = re.compile(r"([.!?][\"\u201d)]*)((?:\s*\[[^\[\]\"\u201c\u201d]{1,80}\])+)\s+")
_BREAK = "\x00"
_QUOTED_SPAN = re.compile(r'["\u201c][^"\u201c\u201d]*["\u201d]')
_ID_LIKE = re.compile(r"^[a-z0-9][a-z0-9._:-]*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"\u201d)]*\s+(?=[\"\u201c(]?[A-Z0-9])")
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Jr|Sr|No|vs|Av))\.$")
# Phrases of a refusal, looked for only when the reply is not the JSON asked for.
_REFUSAL = re.compile(
    r"\b(I\s*(?:'m| am)\s+(?:sorry|unable|not able)|I\s+(?:can(?:'|no)t|cannot|won't|will not)\s+"
    r"(?:help|assist|answer|comply|provide|do that)|as an ai)\b",
    re.IGNORECASE,
)


class ReplyError(ValueError):
    """The reply is not usable; `kind` is `empty`, `refusal` or `unparseable`."""

    def __init__(self, kind: str, detail: str):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind


@dataclass(frozen=True)
class Claimed:
    """One sentence as the model wrote it, with the ids it says it rests on (as written)."""

    text: str
    cites: tuple[str, ...]


@dataclass(frozen=True)
class Reply:
    """The model's sentences; `shape` says how the reply was read (logged)."""

    sentences: tuple[Claimed, ...]
    shape: str = "sentences"

    def cited(self) -> list[str]:
        seen: list[str] = []
        for s in self.sentences:
            seen.extend(c for c in s.cites if c not in seen)
        return seen


def reply_schema(ids: Iterable[str] = ()) -> dict[str, Any]:
    """The JSON schema of a reply; with `ids`, citations are limited to them (a grammar can then
    keep a small model from inventing ids)."""
    cite: dict[str, Any] = {"type": "string"}
    known = sorted(set(ids))
    if known:
        cite["enum"] = known
    return {
        "type": "object",
        "properties": {
            "sentences": {
                "type": "array",
                "maxItems": MAX_SENTENCES,
                "items": {
                    "type": "object",
                    "properties": {
                        "text": {"type": "string"},
                        "cites": {"type": "array", "items": cite, "maxItems": MAX_CITES},
                    },
                    "required": ["text", "cites"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["sentences"],
        "additionalProperties": False,
    }


def message_text(content: object) -> str:
    """The text of a chat message's content (a string, or a list of content blocks)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            b if isinstance(b, str) else str(b.get("text", ""))
            for b in content
            if isinstance(b, str) or (isinstance(b, dict) and b.get("type") == "text")
        )
    return ""


def normalize_id(raw: object) -> str:
    text = str(raw).strip().strip("[]()\"'`").strip().lower()
    for prefix in ("claims:", "claim:", "sentence:", "sentences:", "facts:", "fact:", "id:"):
        if text.startswith(prefix):
            return text[len(prefix) :].strip()
    return text


def split_sentences(text: str) -> list[str]:
    """Sentences of plain prose ("U.S." and "Mr." do not end one)."""
    parts, begin = [], 0
    for match in _SENTENCE_END.finditer(text):
        if _ABBREVIATION.search(text, 0, match.start()):
            continue
        parts.append(text[begin : match.start()])
        begin = match.end()
    parts.append(text[begin:])
    return [" ".join(p.split()) for p in parts if p.strip()]


def parse_reply(text: str) -> Reply:
    """The model's reply, read as tolerantly as is safe; ReplyError when nothing can be read."""
    body = _THINK.sub("", text or "").strip()
    fenced = _FENCED.search(body)
    if fenced and fenced.group(1).strip():
        body = fenced.group(1).strip()
    if not body:
        raise ReplyError("empty", "the model returned nothing")
    loaded = load_json(body)
    if loaded is not None:
        data, cut_off = loaded
        reply = interpret(data)
        if reply is None:
            raise ReplyError("unparseable", f"JSON of an unknown shape: {body[:80]!r}")
        if cut_off and not any(s.cites for s in reply.sentences):
            raise ReplyError("unparseable", f"the reply is cut off: {body[-80:]!r}")
    else:
        reply = read_prose(body)
        if reply is None:
            kind = "refusal" if _REFUSAL.search(body) else "unparseable"
            raise ReplyError(kind, f"no JSON and no cited sentences in the reply: {body[:80]!r}")
    if not any(s.text.strip() for s in reply.sentences):
        raise ReplyError("empty", "the reply has no sentences")
    return reply


# -- reading JSON that is almost JSON --------------------------------------------------------


def load_json(body: str) -> tuple[Any, bool] | None:
    """The first JSON value in `body` (an object or a list), repaired if need be, and whether it
    was cut off (brackets left open: the model ran out of tokens); None if there is none."""
    starts = [i for i in (body.find("{"), body.find("[")) if i >= 0]
    if not starts:
        return None
    start = min(starts)
    candidate = body[start:]
    decoder = json.JSONDecoder()
    for n, attempt in enumerate((candidate, repair(candidate), repair(requote(candidate)))):
        try:
            value, _ = decoder.raw_decode(attempt)
            return value, n > 0 and _cut_off(candidate)
        except json.JSONDecodeError:
            pass
    try:  # Python literals: single quotes, True/None
        value = ast.literal_eval(repair(candidate))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return (value, _cut_off(candidate)) if isinstance(value, dict | list) else None


def _cut_off(text: str) -> bool:
    """Brackets (or a string) still open at the end of `text`."""
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth <= 0:
                return False
    return depth > 0 or in_string


def repair(text: str) -> str:
    """Balance brackets: drop closers that close nothing, close what the closer skips, close what
    is left open, stop at the end of the first value, drop trailing commas."""
    out: list[str] = []
    stack: list[str] = []
    in_string = escaped = False
    for ch in text:
        if in_string:
            out.append(ch)
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
            out.append(ch)
        elif ch in "{[":
            stack.append(ch)
            out.append(ch)
        elif ch in "}]":
            opener = "{" if ch == "}" else "["
            if opener not in stack:
                continue  # a stray closer: `]]}]` after the object
            while stack[-1] != opener:
                out.append(_closer(stack.pop()))
            stack.pop()
            out.append(ch)
            if not stack:
                break
        else:
            out.append(ch)
    if in_string:
        out.append('"')
    while stack:
        out.append(_closer(stack.pop()))
    return re.sub(r",(\s*[}\]])", r"\1", "".join(out))


def _closer(opener: str) -> str:
    return "}" if opener == "{" else "]"


def requote(text: str) -> str:
    """Single-quoted strings as double-quoted ones; an apostrophe inside a word stays."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':  # copy a double-quoted string as it is
            j = i + 1
            while j < n and not (text[j] == '"' and text[j - 1] != "\\"):
                j += 1
            out.append(text[i : j + 1])
            i = j + 1
            continue
        if ch == "'" and (not out or out[-1].rstrip()[-1:] in ("", "{", "[", ":", ",")):
            j = i + 1
            while j < n:
                if text[j] == "'" and re.match(r"\s*[,:}\]]", text[j + 1 :] or "}"):
                    break
                j += 1
            inner = text[i + 1 : j].replace('"', '\\"')
            out.append(f'"{inner}"')
            i = j + 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


# -- from parsed data to sentences ------------------------------------------------------------


def interpret(data: Any) -> Reply | None:
    """The sentences in a parsed reply of any shape this module knows; None if none fits."""
    if isinstance(data, list):
        items = data
    elif isinstance(data, dict):
        lowered = {str(k).lower(): v for k, v in data.items()}
        listed = lowered.get("sentences")
        if listed is None and isinstance(lowered.get("summary"), list):
            listed = lowered["summary"]
        if isinstance(listed, list):
            items = listed
        elif isinstance(lowered.get("summary"), str):
            return _legacy(lowered["summary"], lowered.get("points"))
        elif _text_of(lowered) is not None:
            items = [lowered]
        else:
            return None
    else:
        return None
    sentences = [s for item in items for s in _item(item)]
    return Reply(tuple(sentences[: MAX_SENTENCES * 2]), "sentences")


def _item(item: Any) -> list[Claimed]:
    if isinstance(item, str):
        return _with_inline(item)
    if not isinstance(item, dict):
        return []
    lowered = {str(k).lower(): v for k, v in item.items()}
    text = _text_of(lowered)
    if text is None:
        return []
    cites = _ids(next((lowered[k] for k in CITE_KEYS if k in lowered), []))
    inline = _with_inline(text)
    if len(inline) == 1:
        return [Claimed(inline[0].text, tuple(dict.fromkeys([*cites, *inline[0].cites])))]
    return [Claimed(s.text, tuple(dict.fromkeys([*cites, *s.cites]))) for s in inline]


def _text_of(item: dict[str, Any]) -> str | None:
    for key in TEXT_KEYS:
        if isinstance(item.get(key), str):
            return str(item[key])
    return None


def _ids(value: Any) -> list[str]:
    if isinstance(value, str):
        value = re.split(r"[,;\s]+", value)
    if not isinstance(value, list):
        return []
    ids = []
    for v in value:
        if isinstance(v, dict):  # {"id": "x"}
            v = v.get("id", "")
        cid = normalize_id(v)
        if cid and cid not in ids:
            ids.append(cid)
    return ids


def _legacy(summary: str, points: Any) -> Reply:
    """`{"summary": "…", "points": [{"article": [...], "facts": [...]}]}`: a sentence without
    inline citations rests on all the points' ids (the evidence checks then narrow it)."""
    pooled: list[str] = []
    for point in points if isinstance(points, list) else []:
        if isinstance(point, dict):
            for key in ("article", "facts", *CITE_KEYS):
                pooled.extend(i for i in _ids(point.get(key, [])) if i not in pooled)
    sentences = [Claimed(s.text, s.cites or tuple(pooled)) for s in _with_inline(summary) if s.text]
    return Reply(tuple(sentences), "legacy")


def read_prose(body: str) -> Reply | None:
    """Prose whose sentences end in `[id]` citations; None when no sentence cites anything."""
    sentences = _with_inline(body)
    if not any(s.cites for s in sentences):
        return None
    return Reply(tuple(sentences), "prose")


def _with_inline(text: str) -> list[Claimed]:
    """Sentences of `text` with their inline citations taken out of the text."""
    text = " ".join(text.split())
    # "… Bobbio. [kenna-bobbio-meeting] Next …": the citation ends the sentence before it.
    text = _CITE_AFTER_END.sub(r"\1\2" + _BREAK, text)
    result = []
    for sentence in [s for piece in text.split(_BREAK) for s in split_sentences(piece)]:
        cleaned, cites = _take_citations(sentence)
        cleaned = re.sub(r"\s+([.,;:!?])", r"\1", cleaned).strip()
        if cleaned and cleaned[-1] not in '.!?"\u201d':
            cleaned += "."
        if re.search(r"\w", cleaned):
            result.append(Claimed(cleaned, tuple(cites)))
    return result


def _take_citations(sentence: str) -> tuple[str, list[str]]:
    """The sentence without its `[id]` citations, and the ids; the article's own brackets inside
    a quotation ("[establish]") stay."""
    cites: list[str] = []
    quoted = [m.span() for m in _QUOTED_SPAN.finditer(sentence)]

    def take(match: re.Match[str]) -> str:
        if any(a <= match.start(1) < b for a, b in quoted):
            return match.group(0)
        tokens = [normalize_id(t) for t in re.split(r"[,;]", match.group(1))]
        if tokens and all(_ID_LIKE.match(t) and re.search(r"[-.\d]", t) for t in tokens):
            cites.extend(t for t in tokens if t not in cites)
            return ""
        return match.group(0)

    return _INLINE.sub(take, sentence), cites
