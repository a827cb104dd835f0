"""What is wrong with a score the sheet does not admit, said for its input kind.

A list score pasted as text ("8 "), a percentage typed without its % sign
(85, which the cell holds as 8500%), a score with more decimals than the scale
admits, N.V. where the plan does not allow it, or simply a value outside the
scale: each gets the finding that tells the evaluator what to type instead.
"""

from __future__ import annotations

from typing import Any

from piano_xlsx.findings import Finding, finding
from piano_xlsx.plan.resolve import NEUTRALISED, ResolvedItem
from piano_xlsx.workbook import wording
from piano_xlsx.workbook.computation import Value, admitted, excel_equal, is_number, percent_range


def show(item: ResolvedItem, value: Value) -> str:
    """A score as the evaluator sees it: percentages with their sign, numbers without a trailing .0."""
    return show_value(item.scale.kind, value)


def show_value(kind: str, value: Value) -> str:
    """`show` for a score of a scale of this kind (list, percent, points, achieved)."""
    if kind == "percent" and is_number(value):
        return wording.number(float(value) * 100) + "%"
    return f"{value:g}" if isinstance(value, float) else str(value)


def scale_text(item: ResolvedItem) -> str:
    if item.scale.kind == "points":
        return f"punti da 0 a {wording.number(item.weight)}"
    return wording.scale_short(item.scale)  # a long list scale is described, not listed


def text_as_number(item: ResolvedItem, text: str) -> float | None:
    """The admitted score a text stands for ("8 ", "85%", "0,85"), or None."""
    stripped = text.strip().replace(",", ".")
    percent = stripped.endswith("%")
    try:
        number = float(stripped.rstrip("%").strip())
    except ValueError:
        return None
    candidates = [number / 100] if percent else [number, number / 100] if item.scale.kind == "percent" else [number]
    return next((c for c in candidates if admitted(item, c)), None)


def invalid_score(item: ResolvedItem, value: Value, label: str, **where: Any) -> Finding:
    """The finding for a score whose status is «Non ammesso»."""
    kind = item.scale.kind
    if isinstance(value, str):
        meant = text_as_number(item, value)
        if meant is not None:
            as_number = show(item, meant) if kind == "percent" else value.strip().replace(",", ".")
            return finding("SCORE_AS_TEXT", item=label, value=value, number=as_number, **where)
        if excel_equal(value, NEUTRALISED) and not item.gate:
            return finding("NEUTRALISED_NOT_ALLOWED", item=label, **where)
    if is_number(value) and not item.gate and kind in ("percent", "points"):
        number = float(value)
        low, high = (0.0, item.weight) if kind == "points" else percent_range(item.scale)
        if kind == "percent" and number > high and admitted(item, number / 100):
            return finding("PERCENT_AS_NUMBER", item=label, shown=show(item, number),
                           meant=show(item, number / 100), **where)
        if low <= number <= high:
            return finding("SCORE_TOO_PRECISE", item=label, value=show(item, number), **where,
                           decimals=wording.decimals_words(item.scale))
    return finding("SCORE_OUT_OF_SCALE", item=label, value=show(item, value), scale=scale_text(item), **where)
