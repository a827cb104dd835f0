"""Sheet names the cards would take: colliding with each other or with the tool's own sheets."""

from __future__ import annotations

from collections.abc import Iterator

from piano_xlsx.findings import Finding, finding
from piano_xlsx.plan.check.context import Context
from piano_xlsx.plan.resolve import RESERVED_SHEETS, sheet_name


def check_sheet_names(ctx: Context) -> Iterator[Finding]:
    """Sheet names that collide, case-insensitively, with each other or with the tool's own sheets."""
    taken: dict[str, str] = {name.lower(): "da un foglio generato dallo strumento" for name in RESERVED_SHEETS}
    for ci, card in enumerate(ctx.plan.cards):
        name = sheet_name(card.sheet or card.title)
        path = ("cards", ci, "sheet" if card.sheet is not None else "title")
        if name.lower() in taken:
            yield finding("SHEET_NAME_COLLISION", **ctx.at(path), a=taken[name.lower()], b=card.title, name=name)
        else:
            taken[name.lower()] = f"dalla scheda «{card.title}»"

