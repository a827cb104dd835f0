"""What an objective says: indicators, target and deadline present and not left blank.

Content is checked on gates too, since a gate is a condition someone must
verify, but not on behaviour items (`kind: behaviour`). A shared objective is
checked once, at its definition; an item that overrides a field is checked at
the item.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from piano_xlsx.findings import Finding, finding
from piano_xlsx.plan.check.context import Context
from piano_xlsx.plan.loader import KeyPath

# a target part that ends on a label or unit with nothing (no number) before it: "ritardo giorni", "pari a:"
_BLANK_END = re.compile(r"(?:[:=]|\bpari a|\bentro(?: il)?|_{2,}|\.{3}|…)\s*$", re.IGNORECASE)
_UNIT_END = re.compile(r"(?:^|(\S+)\s+)(?:giorni|gg|mesi|anni|ore|euro|€|%)\.?\s*$", re.IGNORECASE)
_UNIT_TAIL = re.compile(r"(?:giorni|gg|mesi|anni|ore|euro|€|%)\.?\s*$", re.IGNORECASE)  # how _UNIT_END ends
_PARTS = re.compile(r"[;\n]")
# Both patterns end at the end of a part, which is stripped: a match of _BLANK_END, or of _UNIT_TAIL, ends at its
# last character, and all are at most 8 characters long but a run of underscores (of which 2 match as well).
# So searching the last 8 characters finds one whenever the whole part has one (a search from `pos` still sees
# the characters before it for \b); this spares a search from every position of every target of a plan.
_TAIL = 8


def blank_target_part(target: str) -> str | None:
    """The part of a target that was left blank ("… ritardo giorni"), '' for an empty target, else None."""
    if not target.strip():
        return ""
    for part in _PARTS.split(target):
        part = part.strip().rstrip(".,").strip()
        if not part:
            continue
        tail = max(0, len(part) - _TAIL)
        if _BLANK_END.search(part, tail):
            return part
        unit = _UNIT_END.search(part) if _UNIT_TAIL.search(part, tail) else None
        if unit and not (unit.group(1) and re.search(r"\d[\d.,]*%?$", unit.group(1))):
            return part
    return None


def _content_findings(ctx: Context, path: KeyPath, number: str, indicators: list[str] | None,
                      target: str | None, deadline: str | None, deadline_date: Any,
                      inherits: set[str]) -> Iterator[Finding]:
    """Indicators, target and deadline of one objective; fields in `inherits` come from a shared objective."""
    if "indicators" not in inherits and not [i for i in indicators or [] if i.strip()]:
        yield finding("INDICATOR_MISSING", **ctx.at(path + ("indicators",)), number=number)
    if "target" not in inherits:
        if target is None:
            yield finding("TARGET_MISSING", **ctx.at(path + ("target",)), number=number, detail="")
        else:
            blank = blank_target_part(target)
            if blank == "":
                yield finding("TARGET_MISSING", **ctx.at(path + ("target",)), number=number,
                              detail=": il campo è vuoto")
            elif blank is not None:
                yield finding("TARGET_MISSING", **ctx.at(path + ("target",)), number=number,
                              detail=f" completo: «{blank}» è lasciato in bianco")
    if "deadline" not in inherits and not (deadline or "").strip() and deadline_date is None:
        yield finding("DEADLINE_MISSING", **ctx.at(path + ("deadline",)), number=number)


def check_content(ctx: Context) -> Iterator[Finding]:
    """Indicators, targets and deadlines; shared objectives once, at their definition."""
    for index, objective in enumerate(ctx.plan.shared_objectives):
        yield from _content_findings(ctx, ("shared_objectives", index), f"condiviso «{objective.id}»",
                                     objective.indicators, objective.target, objective.deadline,
                                     objective.deadline_date, inherits=set())
    for path, ci, _, _, item in ctx.items():
        si, ii = path[3], path[5]
        assert isinstance(si, int) and isinstance(ii, int)
        if item.kind == "behaviour":
            continue  # a behaviour parameter has no indicators, target or deadline by nature
        inherits: set[str] = set()
        if item.ref is not None:
            if item.ref not in ctx.shared:
                continue  # PLAN_REF_UNKNOWN says it; the content is unknowable
            # the same precedence as resolve_card: the item's own field wins when it gives one
            if not item.indicators:
                inherits.add("indicators")
            if item.target is None:
                inherits.add("target")
            if not item.deadline and item.deadline_date is None:
                inherits.add("deadline")
        yield from _content_findings(ctx, path, ctx.item_label(ci, si, ii), item.indicators, item.target,
                                     item.deadline, item.deadline_date, inherits)

