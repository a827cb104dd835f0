"""Objective numbers repeated or skipping, per card.

Numbering is checked per card, across its sections in order. A section whose
first numbered item is 1 starts a new numbering (e.g. the Segretario's
"risultati" and "comportamento" sections, or individual objectives after the
organisational ones); otherwise it continues the previous section's numbering
(annual objectives 1–4, multi-year 5–7). Items without a number are ignored.
An item that takes its number from a shared objective counts for gaps but
never as a duplicate: shared objectives have their own numbering.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from piano_xlsx.findings import Finding, finding
from piano_xlsx.plan.check.context import Context
from piano_xlsx.plan.loader import KeyPath
from piano_xlsx.plan.model import Card


@dataclass
class _Numbered:
    key: int | str
    own: bool  # the item states the number itself (not taken from a shared objective)
    path: KeyPath
    shown: int | str


def _number_key(number: int | str | None) -> int | str | None:
    if number is None:
        return None
    if isinstance(number, int):
        return number
    text = str(number).strip()
    if text.isdigit():
        return int(text)
    return text.casefold() or None


def check_numbering(ctx: Context) -> Iterator[Finding]:
    """Objective numbers repeated (NUMBER_DUPLICATE) or skipping (NUMBER_GAP), per card; see the module doc."""
    for ci, card in enumerate(ctx.plan.cards):
        scopes: list[list[_Numbered]] = []
        for si, section in enumerate(card.sections):
            entries = []
            for ii, item in enumerate(section.items):
                path = ("cards", ci, "sections", si, "items", ii)
                own = item.number is not None
                base = ctx.shared.get(item.ref) if item.ref else None
                number = item.number if own else (base.number if base else None)
                key = _number_key(number)
                if key is not None and number is not None:
                    entries.append(_Numbered(key, own, path + ("number",) if own else path + ("ref",), number))
            if not entries:
                continue
            if not scopes or entries[0].key == 1:
                scopes.append([])
            scopes[-1].extend(entries)
        for scope in scopes:
            yield from _scope_findings(ctx, card, scope)


def _scope_findings(ctx: Context, card: Card, scope: list[_Numbered]) -> Iterator[Finding]:
    seen: set[int | str] = set()
    for entry in scope:
        if entry.own and entry.key in seen:
            yield finding("NUMBER_DUPLICATE", **ctx.at(entry.path), number=entry.shown, card=card.title)
        if entry.own:
            seen.add(entry.key)
    present = {e.key for e in scope if isinstance(e.key, int)}
    if not present or max(present) > len(present) + 100:  # a year or a code, not a sequence
        return
    missing = [n for n in range(1, max(present) + 1) if n not in present]
    if missing:
        after = min((e for e in scope if isinstance(e.key, int) and e.key > missing[0]), key=lambda e: e.key)
        listed = ", ".join(str(n) for n in missing)
        yield finding("NUMBER_GAP", **ctx.at(after.path), card=card.title,
                      missing=f"manca il numero {listed}" if len(missing) == 1 else f"mancano i numeri {listed}")

