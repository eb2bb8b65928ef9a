"""The curation policy (what a strict load enforces: source tiers, labels agreeing with the cards)
and the cards' own `contradicts` links added to the claims they name."""

from __future__ import annotations

from dataclasses import replace

from index.corpus.files import BACKGROUND_DIR, CLAIMS_FILE
from index.corpus.model import Claim, Fact


def check_policy(claims: list[Claim], facts: dict[str, Fact], errors: list[str]) -> None:
    for fact in facts.values():
        rel = f"{BACKGROUND_DIR}/{fact.id}.md"
        mirrors = fact.source_kinds and all(k == "mirror" for k in fact.source_kinds)
        if mirrors and not fact.mirror_only:
            errors.append(
                f"{rel}:{fact.line}: card '{fact.id}': every source is a mirror or aggregator; "
                "cite the original, or say on the card that none was found "
                '(mirror_only: "Only a copy on ... was found; the original ... was not.")'
            )
        elif fact.mirror_only and not mirrors:
            errors.append(
                f"{rel}:{fact.line}: card '{fact.id}': mirror_only is set but not every source "
                "is a mirror; remove it"
            )
    for claim in claims:
        at = f"{CLAIMS_FILE}:{claim.line}: claim '{claim.id}'"
        if claim.label == "established":
            cards = [facts[f] for f in claim.supported_by if f in facts]
            if not any(card.independent for card in cards):
                found = "; ".join(
                    f"{c.id}: {', '.join(sorted(set(c.source_kinds))) or 'no sources'}"
                    for c in cards
                )
                errors.append(
                    f"{at} is labelled established, but none of its supporting cards cites an "
                    f"official or press source ({found or 'no supporting cards'}); add one, or "
                    "change the label"
                )
        if claim.contradictions_acknowledged:
            continue
        if claim.label == "established" and claim.contradicted_by:
            errors.append(
                f"{at} is labelled established, but card(s) {', '.join(claim.contradicted_by)} "
                "contradict it; change the label, split the claim, or say why it stands "
                '(contradictions_acknowledged: "...")'
            )
        if claim.label == "disputed" and not claim.contradicted_by:
            errors.append(
                f"{at} is labelled disputed, but no card contradicts it; link the card that "
                'does (contradicted_by), or say why (contradictions_acknowledged: "...")'
            )


def with_card_contradictions(
    claims: list[Claim], facts: dict[str, Fact], errors: list[str]
) -> list[Claim]:
    """Each claim's `contradicted_by` plus the cards that name it in `contradicts`.

    With no claims at all (an article not curated yet, or claims dropped on purpose) the
    cards' links have nothing to point at and are left dormant rather than refused."""
    if not claims:
        return claims
    ids = {c.id for c in claims}
    named: dict[str, list[str]] = {}
    for fact in facts.values():
        for cid in fact.contradicts:
            if cid not in ids:
                errors.append(
                    f"{BACKGROUND_DIR}/{fact.id}.md:{fact.line}: card '{fact.id}' contradicts "
                    f"unknown claim '{cid}'"
                )
                continue
            named.setdefault(cid, []).append(fact.id)
    out = []
    for claim in claims:
        extra = tuple(f for f in sorted(named.get(claim.id, [])) if f not in claim.contradicted_by)
        if extra:
            claim = replace(claim, contradicted_by=claim.contradicted_by + extra)
        out.append(claim)
    return out
