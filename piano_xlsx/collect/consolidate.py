"""Across files: duplicates, cards not returned, shared objectives scored differently."""

from __future__ import annotations

from dataclasses import dataclass, field

from piano_xlsx.collect.exclusions import apply_exclusions
from piano_xlsx.collect.expected import Expected
from piano_xlsx.collect.inspect import CardReturn, FileReport
from piano_xlsx.findings import Finding, finding
from piano_xlsx.workbook.computation import is_number


@dataclass
class Consolidated:
    cards: list[CardReturn] = field(default_factory=list)  # one per card that counts, in plan order
    missing: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def consolidate(expected: Expected, files: list[FileReport]) -> Consolidated:
    out = Consolidated()
    returns: dict[str, list[tuple[CardReturn, FileReport]]] = {}
    for report in files:
        for card in report.cards:
            returns.setdefault(card.card_id, []).append((card, report))
    for card_id, layout in expected.layouts.items():
        candidates = returns.get(card_id, [])
        if not candidates:
            out.missing.append(card_id)
            evaluatee = layout.card.evaluatee.name if layout.card.evaluatee else layout.card.card.evaluatee
            out.findings.append(finding("CARD_MISSING", card=layout.card.card.title, evaluatee=evaluatee))
            continue
        if len(candidates) == 1:
            out.cards.append(candidates[0][0])
            continue
        winner, resolution = _pick(candidates)
        files = ", ".join(report.path for _, report in candidates)
        out.findings.append(finding("DUPLICATE_RETURN", card=layout.card.card.title, files=files, resolution=resolution,
                                    file=winner[1].path if winner else candidates[0][1].path,
                                    sheet=candidates[0][0].sheet))
        if winner:
            out.cards.append(winner[0])
        else:
            out.missing.append(card_id)
    out.findings += _shared_consistency(expected, out.cards)
    out.findings += apply_exclusions(expected, out.cards, out.missing)
    return out


def _pick(candidates: list[tuple[CardReturn, FileReport]]) -> tuple[tuple[CardReturn, FileReport] | None, str]:
    """Which duplicate counts: identical copies agree; else the only one without errors; else none."""
    if len({card.fingerprint() for card, _ in candidates}) == 1:
        first = candidates[0]
        return first, f"contenuto identico: vale {first[1].path}"
    clean = [c for c in candidates if c[0].errors == 0]
    if len(clean) == 1:
        return clean[0], f"contenuti diversi: vale {clean[0][1].path}, l'unico senza errori"
    return None, "contenuti diversi: nessun file viene considerato finché l'ufficio non indica quello definitivo"


def _shared_consistency(expected: Expected, cards: list[CardReturn]) -> list[Finding]:
    by_ref: dict[str, list[tuple[str, float, CardReturn]]] = {}
    for card in cards:
        layout = expected.layouts[card.card_id]
        for item in layout.items:
            score = card.scores.get(item.item.id)
            if item.item.ref and is_number(score):
                by_ref.setdefault(item.item.ref, []).append((item.item.id, float(score), card))  # type: ignore[arg-type]
    findings = []
    for ref, scored in sorted(by_ref.items()):
        if len({score for _, score, _ in scored}) > 1:
            detail = "; ".join(f"{card.card_id}: {score:g}" for _, score, card in scored)
            findings.append(finding("SHARED_INCONSISTENT", ref=ref, detail=detail))
    return findings
