"""Limits of the spreadsheet applications that change how a plan is shown, though the workbook still works."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from piano_xlsx.findings import Finding, finding
from piano_xlsx.plan.dropdowns import dropdown_messages, item_options

if TYPE_CHECKING:
    from piano_xlsx.plan.check.context import Context


def check_limits(ctx: Context) -> Iterator[Finding]:
    """Scales whose dropdown messages cannot name every value (DROPDOWN_MESSAGE_SHORTENED), once per scale.

    A long scale of constant step is said in full ("da 0 a 100 con passo 0,5") and is not reported.
    """
    index: dict[str, int] = {}
    for position, scale in enumerate(ctx.plan.scales):
        index.setdefault(scale.id, position)  # on a repeated id the first counts, as in resolve
    reported: set[str] = set()
    for card in ctx.cards:
        for item in card.items:
            scale = item.scale  # a section or an item may have its own
            if scale.id in reported or scale.id not in index or scale.kind != "list":
                continue
            options = item_options(scale, item)
            input_message, _, complete = dropdown_messages(options)
            if not complete:
                reported.add(scale.id)
                shown = input_message.split(": ", 1)[1].rstrip(".")
                yield finding("DROPDOWN_MESSAGE_SHORTENED", **ctx.at(("scales", index[scale.id], "values")),
                              scale=scale.title or scale.id, count=len(scale.numbers()), shown=shown)
