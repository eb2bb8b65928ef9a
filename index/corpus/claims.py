"""The curated claims of `claims.yaml`, each quoted once from the article, and its not-claims."""

from __future__ import annotations

import difflib
from typing import Any, cast

from index.answer.contract import LABELS, Label
from index.corpus.article import Article
from index.corpus.fields import ID_RE, find_once, id_list, one_line
from index.corpus.files import CLAIMS_FILE
from index.corpus.model import Claim, NotClaim
from index.corpus.tuning import one_line_questions
from index.corpus.yamlines import Parsed, type_name

CLAIM_LABELS = tuple(label for label in LABELS if label != "unreviewed")
CLAIM_KEYS = (
    "id",
    "group",
    "quote",
    "label",
    "note",
    "supported_by",
    "contradicted_by",
    "contradictions_acknowledged",
    "asks",
    "thesis",
)


def load_claims(
    parsed: Parsed | None, article: Article, errors: list[str]
) -> tuple[list[Claim], list[NotClaim]]:
    if parsed is None or parsed.data is None:
        return [], []
    where = CLAIMS_FILE
    data = parsed.data
    if not isinstance(data, dict):
        errors.append(
            f"{where}:{parsed.line()}: expected a mapping with 'claims' and 'not_claims' "
            f"(got {type_name(data)})"
        )
        return [], []
    unknown = sorted(str(k) for k in set(data) - {"claims", "not_claims"})
    if unknown:
        errors.append(
            f"{where}:{parsed.line(unknown[0])}: unknown top-level key(s): {', '.join(unknown)}"
        )
    raw_claims = data.get("claims")
    if raw_claims is not None and not isinstance(raw_claims, list):
        errors.append(
            f"{where}:{parsed.line('claims')}: 'claims' must be a list of claims "
            f"(got {type_name(raw_claims)})"
        )
        raw_claims = []
    claims: list[Claim] = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_claims or []):
        line = parsed.line("claims", n)
        claim = _load_claim(raw, line, parsed, n, article, seen, errors)
        if claim is not None:
            claims.append(claim)
    not_claims = _load_not_claims(parsed, article, errors)
    ordered = sorted(claims, key=lambda c: c.start)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.start < a.end:
            errors.append(f"{where}:{b.line}: claim '{b.id}' overlaps claim '{a.id}'")
    return claims, not_claims


def _load_claim(
    raw: Any,
    line: int,
    parsed: Parsed,
    n: int,
    article: Article,
    seen: set[str],
    errors: list[str],
) -> Claim | None:
    at = f"{CLAIMS_FILE}:{line}"
    if not isinstance(raw, dict):
        errors.append(f"{at}: a claim must be a mapping (got {type_name(raw)})")
        return None
    extra = sorted(str(k) for k in set(raw) - set(CLAIM_KEYS))
    if extra:
        errors.append(f"{at}: unknown key(s) {', '.join(extra)}")
    cid, quote, label, note = raw.get("id"), raw.get("quote"), raw.get("label"), raw.get("note")
    if not isinstance(cid, str) or not ID_RE.match(cid):
        errors.append(f"{at}: claim id must be lower-case letters, digits and dashes")
        return None
    if cid in seen:
        errors.append(f"{at}: duplicate claim id '{cid}'")
    seen.add(cid)
    if label not in CLAIM_LABELS:
        close = difflib.get_close_matches(str(label), CLAIM_LABELS, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        errors.append(
            f"{at}: claim '{cid}': label {label!r} must be one of {', '.join(CLAIM_LABELS)}{hint}"
        )
    if not isinstance(note, str) or not note.strip():
        errors.append(f"{at}: claim '{cid}': a one-line note is required")
    elif "\n" in note.strip():
        errors.append(f"{at}: claim '{cid}': the note must be one line")
    group = raw.get("group")
    if group is not None and (not isinstance(group, int) or isinstance(group, bool)):
        errors.append(
            f"{CLAIMS_FILE}:{parsed.line('claims', n, 'group')}: claim '{cid}': group must be a "
            f"whole number (got {type_name(group)})"
        )
        group = None
    acknowledged = raw.get("contradictions_acknowledged")
    if acknowledged is not None and not one_line(acknowledged):
        errors.append(
            f"{CLAIMS_FILE}:{parsed.line('claims', n, 'contradictions_acknowledged')}: claim "
            f"'{cid}': contradictions_acknowledged must be one line saying why the label stands"
        )
        acknowledged = None
    thesis = raw.get("thesis", False)
    if not isinstance(thesis, bool):
        errors.append(
            f"{CLAIMS_FILE}:{parsed.line('claims', n, 'thesis')}: claim '{cid}': thesis must be "
            f"true or false (got {type_name(thesis)})"
        )
        thesis = False
    if not isinstance(quote, str) or not quote.strip():
        errors.append(f"{at}: claim '{cid}': quote is required (text)")
        return None
    start, problem = find_once(article.text, quote)
    if problem:
        errors.append(f"{at}: claim '{cid}': {problem}")
        return None
    supported, contradicted = (
        id_list(raw.get("supported_by")),
        id_list(raw.get("contradicted_by")),
    )
    if supported is None or contradicted is None:
        errors.append(f"{at}: claim '{cid}': supported_by/contradicted_by must be lists of ids")
        return None
    asks = one_line_questions(raw.get("asks"))
    if asks is None:
        errors.append(f"{at}: claim '{cid}': asks must be a list of one-line questions")
        asks = ()
    return Claim(
        cid,
        quote,
        start,
        start + len(quote),
        cast(Label, label),
        str(note).strip(),
        group,
        supported,
        contradicted,
        line,
        asks,
        str(acknowledged or "").strip(),
        thesis,
    )


def _load_not_claims(parsed: Parsed, article: Article, errors: list[str]) -> list[NotClaim]:
    raw_list = parsed.data.get("not_claims")
    if raw_list is None:
        return []
    if not isinstance(raw_list, list):
        errors.append(
            f"{CLAIMS_FILE}:{parsed.line('not_claims')}: 'not_claims' must be a list "
            f"(got {type_name(raw_list)})"
        )
        return []
    not_claims: list[NotClaim] = []
    for n, raw in enumerate(raw_list):
        at = f"{CLAIMS_FILE}:{parsed.line('not_claims', n)}"
        if not isinstance(raw, dict) or not isinstance(raw.get("quote"), str):
            errors.append(f"{at}: a not_claims entry needs a quote and a reason")
            continue
        start, problem = find_once(article.text, raw["quote"])
        if problem:
            errors.append(f"{at}: not_claims: {problem}")
            continue
        if not str(raw.get("reason") or "").strip():
            errors.append(f"{at}: not_claims: a reason is required")
        not_claims.append(
            NotClaim(
                raw["quote"], start, start + len(raw["quote"]), str(raw.get("reason") or "").strip()
            )
        )
    return not_claims
