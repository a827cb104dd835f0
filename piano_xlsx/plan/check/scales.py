"""Rating scales: empty, unsorted, repeating a value, without a positive maximum; cards with no scale."""

from __future__ import annotations

from collections.abc import Iterator

from piano_xlsx.findings import Finding, finding
from piano_xlsx.plan.check.context import Context, format_number


def check_scales(ctx: Context) -> Iterator[Finding]:
    """Scales empty, unsorted, repeating a value or without a positive maximum; cards with no scale."""
    for index, scale in enumerate(ctx.plan.scales):
        if scale.kind != "list":
            continue  # percentages, points and achieved / not achieved have no values: see check/schemes.py
        values = scale.numbers()
        path = ("scales", index, "values")
        problem = None
        if not values:
            problem = "non contiene valori."
        elif len(set(values)) != len(values):
            repeated = sorted({v for v in values if values.count(v) > 1})
            problem = "il valore " + ", ".join(format_number(v) for v in repeated) + " è ripetuto."
        elif values != sorted(values):
            problem = "i valori non sono in ordine crescente."
        elif max(values) <= 0:
            problem = "il valore massimo deve essere positivo (i punti sono peso × valutazione ÷ massimo)."
        if problem:
            yield finding("SCALE_INVALID", **ctx.at(path), scale=scale.id, detail=problem)
    if ctx.plan.default_scale is None:
        for ci, card in enumerate(ctx.plan.cards):
            every_item_has_one = all(s.scale or all(i.scale for i in s.items) for s in card.sections)
            if card.scale is None and not every_item_has_one:
                yield finding("SCALE_UNDECIDED", **ctx.at(("cards", ci, "scale")), card=card.title)

