"""Across files: one status per card (returned, twice, unreadable, not at all), shared objectives scored differently.

Results depend neither on the order the files come in nor on how many processes read them: where one copy of
several must be chosen, the rule is stated and uses only the files themselves (modification time, then path).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path

from piano_xlsx.collect import status as st
from piano_xlsx.collect.exclusions import apply_exclusions
from piano_xlsx.collect.inspect import CardReturn, FileReport
from piano_xlsx.findings import Finding, Severity, count, finding
from piano_xlsx.verify.expected import Expected
from piano_xlsx.workbook.computation import is_number
from piano_xlsx.workbook.naming import cards_named


@dataclass
class Consolidated:
    statuses: list[st.CardStatus] = field(default_factory=list)  # one per card of the plan, in plan order
    cards: list[CardReturn] = field(default_factory=list)  # the returns that count, in plan order
    missing: list[str] = field(default_factory=list)  # cards with no file at all
    findings: list[Finding] = field(default_factory=list)


@dataclass
class _Candidate:
    """A file that bears a card: read (`card` set), or not readable for it (its sheet, or the whole file)."""

    report: FileReport
    card: CardReturn | None
    bearing: list[Finding]  # the file's findings on this card's sheet or on the file as a whole

    @property
    def errors(self) -> int:
        return count(self.bearing, Severity.ERROR)

    def order(self) -> tuple[float, str]:
        """Which copy is kept: the one modified first, then the first by path."""
        modified = self.report.modified
        return (modified if modified is not None else math.inf, self.report.path)

    def sameness(self) -> str | None:
        """Equal for copies with the same inputs and the same problems; None for a file that was not read."""
        if self.card is None:
            return None
        problems = sorted((f.code, f.sheet or "", f.cell or "", f.message) for f in self.bearing
                          if f.severity != Severity.INFO)
        return hashlib.sha256(repr([self.card.fingerprint(), problems]).encode()).hexdigest()


def consolidate(expected: Expected, files: list[FileReport]) -> Consolidated:
    out = Consolidated()
    candidates = _candidates(expected, files)
    for card_id, layout in expected.layouts.items():
        title = layout.card.card.title
        found = sorted(candidates.get(card_id, []), key=_Candidate.order)
        if not found:
            out.missing.append(card_id)
            evaluatee = layout.card.evaluatee.name if layout.card.evaluatee else layout.card.card.evaluatee
            out.findings.append(finding("CARD_MISSING", card=title, evaluatee=evaluatee))
            out.statuses.append(st.CardStatus(card_id, st.MISSING))
            continue
        groups = _identical(found)
        for kept, *copies in groups:
            for copy in copies:
                out.findings.append(finding("DUPLICATE_COPY", file=copy.report.path,
                                            sheet=copy.card.sheet if copy.card else None, card=title,
                                            kept=kept.report.path))
        has_band = bool({"band", "bonus"} & set(layout.totals))
        out.statuses.append(_one(card_id, [g[0] for g in groups], found, title, has_band, out.findings))
    out.cards = [s.card for s in out.statuses if s.card is not None]
    out.findings += _shared_consistency(expected, out.cards)
    out.findings += apply_exclusions(expected, out.statuses)
    return out


def _candidates(expected: Expected, files: list[FileReport]) -> dict[str, list[_Candidate]]:
    """Card id -> every file that bears it: by what it holds, or else (a file not read) by its name."""
    card_sheets = {layout.sheet for layout in expected.layouts.values()}
    plan_id = expected.loaded.plan.plan.id
    out: dict[str, list[_Candidate]] = {}

    def bearing(report: FileReport, sheet: str) -> list[Finding]:
        return [f for f in report.findings if f.sheet == sheet or f.sheet not in card_sheets]

    for report in files:
        read = {card.card_id: card for card in report.cards}
        held = report.claimed or ([] if report.status == "ok" else
                                  cards_named(Path(report.path).name, plan_id, expected.layouts))
        for card_id in dict.fromkeys([*read, *held]):
            card = read.get(card_id)
            sheet = card.sheet if card is not None else expected.layouts[card_id].sheet
            out.setdefault(card_id, []).append(_Candidate(report, card, bearing(report, sheet)))
    return out


def _identical(found: list[_Candidate]) -> list[list[_Candidate]]:
    """The candidates grouped into identical copies, each group and the groups in the order that keeps copies."""
    groups: dict[str | object, list[_Candidate]] = {}
    for candidate in found:
        groups.setdefault(candidate.sameness() or object(), []).append(candidate)
    return list(groups.values())


def _one(card_id: str, kept: list[_Candidate], found: list[_Candidate], title: str, has_band: bool,
         findings: list[Finding]) -> st.CardStatus:
    """The status of a card from the copies kept (one per distinct content) of every file found for it."""
    files = [c.report.path for c in found]
    if len(kept) == 1:
        only = kept[0]
        if only.card is not None:
            status, detail = st.return_status(only.card, only.bearing, has_band=has_band)
        else:
            status, detail = st.unread_status(only.bearing, claimed=card_id in only.report.claimed)
        return st.CardStatus(card_id, status, detail, only.card, files, only.errors,
                             count(only.bearing, Severity.WARNING))
    clean = [c for c in kept if c.card is not None and c.errors == 0]
    winner = clean[0] if len(clean) == 1 else None
    why = "contenuti diversi" if all(c.card is not None for c in kept) else "non tutti leggibili"
    if winner is not None:
        resolution = f"{why}: vale {winner.report.path}, l'unico senza errori"
        detail = f"vale {Path(winner.report.path).name}, l'unico senza errori ({len(files)} file)"
        files = [winner.report.path] + [f for f in files if f != winner.report.path]
    else:
        resolution = f"{why}: nessun file viene considerato finché l'ufficio non indica quello definitivo"
        detail = f"l'ufficio deve indicare il file valido ({len(files)} file)"
    sheet = next((c.card.sheet for c in kept if c.card is not None), None)
    findings.append(finding("DUPLICATE_RETURN", card=title, files=", ".join(c.report.path for c in kept),
                            resolution=resolution, file=(winner or kept[0]).report.path, sheet=sheet))
    if winner is None:
        return st.CardStatus(card_id, st.DUPLICATE, detail, None, files)
    return st.CardStatus(card_id, st.DUPLICATE, detail, winner.card, files, winner.errors,
                         count(winner.bearing, Severity.WARNING))


def _shared_consistency(expected: Expected, cards: list[CardReturn]) -> list[Finding]:
    by_ref: dict[str, list[tuple[str, float, CardReturn]]] = {}
    for card in cards:
        layout = expected.layouts[card.card_id]
        for item in layout.items:
            score = card.scores.get(item.item.id)
            if item.item.ref and is_number(score):
                by_ref.setdefault(item.item.ref, []).append((item.item.id, float(score), card))
    findings = []
    for ref, scored in sorted(by_ref.items()):
        if len({score for _, score, _ in scored}) > 1:
            detail = "; ".join(f"{card.card_id}: {score:g}" for _, score, card in scored)
            findings.append(finding("SHARED_INCONSISTENT", ref=ref, detail=detail))
    return findings
