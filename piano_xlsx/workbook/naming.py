"""The names `generate` gives the workbooks it writes, and the cards a returned file's name points to.

A file that cannot be read (saved as .xls or .ods, encrypted, damaged) says
nothing about its cards from the inside; its name, when the office kept the
one it received, still says which card it is a return of.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePath

from piano_xlsx.plan.resolve import ResolvedCard


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "piano"


def workbook_name(plan_id: str, card_id: str | None = None, person: str | None = None) -> str:
    """The file name of the workbook holding every card of the plan, or only `card_id` (--per-sector).

    A card made for a member of the staff list adds the person's name, so the file says whose it is.
    """
    base = slug(plan_id)
    if card_id is None:
        return f"{base}.xlsx"
    return f"{base}-{slug(card_id)}" + (f"-{slug(person)}" if person else "") + ".xlsx"


def card_workbook_name(plan_id: str, card: ResolvedCard) -> str:
    """The file name of a card's own workbook: by its id, and by the person's name for a card of the staff list."""
    person = card.evaluatee.name if card.template and card.evaluatee else None
    return workbook_name(plan_id, card.id, person)


def cards_named(file_name: str, plan_id: str, card_ids: Iterable[str]) -> list[str]:
    """The cards a file's name says it holds, by `workbook_name`, whatever its extension and copy marks.

    "comune-2025-settore-2 (corretta).ods" and "Copia di comune-2025-settore-2.xls" name card settore-2;
    a name holding the plan's name alone, or followed by a number only ("comune-2025 (1).ods"), names every
    card. Anything else names none.
    """
    ids = list(card_ids)
    base = slug(plan_id)
    words = slug(PurePath(file_name).stem)
    bounded = f"-{words}-"
    named = [cid for cid in ids if f"-{base}-{slug(cid)}-" in bounded]
    if named:  # the longest name wins: "piano-a-b" is card a-b, not card a
        longest = max(len(slug(cid)) for cid in named)
        return [cid for cid in named if len(slug(cid)) == longest]
    rest = words.removeprefix(base)
    if rest != words and re.fullmatch(r"(-[0-9]+)*", rest):
        return ids
    return []
