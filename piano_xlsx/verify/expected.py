"""What the plan says a returned workbook must contain, computed once per run."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils.cell import coordinate_from_string

from piano_xlsx.plan.loader import LoadedPlan
from piano_xlsx.plan.resolve import DETAILS_SHEET, INSTRUCTIONS_SHEET, LISTS_SHEET, SUMMARY_SHEET, resolve_cards
from piano_xlsx.workbook import content
from piano_xlsx.workbook.layout import DETAILS_COLUMNS, CardLayout, card_layout
from piano_xlsx.workbook.lists import list_sheet
from piano_xlsx.workbook.manifest import cell_key


@dataclass
class Expected:
    loaded: LoadedPlan
    layouts: dict[str, CardLayout]  # card id -> layout
    card_cells: dict[str, dict[str, list[Any]]]  # card id -> address -> [kind, normalised value]
    plan_hash: str = ""  # the plan's hash, computed once (it serialises the whole plan)
    _groups: dict[tuple[str, ...], dict[str, dict[str, list[Any]]]] = field(default_factory=dict)
    _wanted: set[str] | None = None
    _lists: dict[str, list[Any]] | None = None  # the list sheet's cells, empty when the plan has none
    _shared: dict[Any, Any] = field(default_factory=dict)  # one object for each distinct address and cell
    _details: dict[str, dict[str, list[Any]]] = field(default_factory=dict)  # card id -> its details sheet alone
    _keyed: dict[tuple[str, Any], list[Any]] = field(default_factory=dict)  # (kind, value) -> its shared key

    @classmethod
    def from_plan(cls, loaded: LoadedPlan) -> Expected:
        with _collector_paused():
            layouts = {card.id: card_layout(card) for card in resolve_cards(loaded.plan)}
            expected = cls(loaded, layouts, {}, loaded.hash)
            expected.card_cells = expected._card_keys()
        return expected

    def _card_keys(self) -> dict[str, dict[str, list[Any]]]:
        """Each card's `_keys` of its `content.card_cells`; the formula cells made, and keyed, once per card shape
        (`content.FormulaCells`), as generate makes them."""
        plan = self.loaded.plan
        formulas = content.FormulaCells(list_sheet(plan))
        # id of a shape's cells -> those cells (kept, so that no id is reused) and their keys
        by_shape: dict[int, tuple[dict[str, content.Cell], dict[str, list[Any]]]] = {}
        out = {}
        for cid, layout in self.layouts.items():
            keys = self._keys(content.fixed_cells(plan, layout))
            shape_cells = formulas.cells(layout)
            keyed = by_shape.get(id(shape_cells))
            if keyed is None:
                keyed = by_shape[id(shape_cells)] = shape_cells, self._keys(shape_cells)
            keys.update(keyed[1])  # as card_cells adds the formula cells to the others
            out[cid] = keys
        return out

    def _keys(self, cells: dict[str, content.Cell]) -> dict[str, list[Any]]:
        """Address -> [kind, normalised value], sharing equal addresses and values across cards: most cells of a
        large plan (labels, formulas) are the same on every card, and this keeps one copy of each (read-only)."""
        shared, keyed = self._shared, self._keyed
        out = {}
        for address, cell in cells.items():
            kind_value = cell[:2]
            key = keyed.get(kind_value)
            if key is None:
                key = cell_key(cell)
                key = keyed[kind_value] = shared.setdefault((key[0], key[1]), key)
            out[shared.setdefault(address, address)] = key
        return out

    def group_sheets(self, card_ids: tuple[str, ...]) -> dict[str, dict[str, list[Any]]]:
        """Instructions, summary and details sheets of a workbook holding these cards, as the plan would issue them."""
        if card_ids not in self._groups:
            layouts = [self.layouts[cid] for cid in card_ids]
            plan = self.loaded.plan
            self._groups[card_ids] = {
                INSTRUCTIONS_SHEET: self._keys(content.instruction_cells(plan, layouts)),
                SUMMARY_SHEET: self._keys(content.summary_cells(plan, layouts)),
            }
            details = (self._details[card_ids[0]] if len(card_ids) == 1 and card_ids[0] in self._details
                       else self._keys(content.detail_cells(plan, layouts)))
            if details:
                self._groups[card_ids][DETAILS_SHEET] = details
            if self._lists is None:  # the same in every workbook of the plan
                self._lists = self._keys(content.list_cells(plan))
            if self._lists:
                self._groups[card_ids][LISTS_SHEET] = self._lists
        return self._groups[card_ids]

    def wanted_addresses(self) -> set[str]:
        """Every address any card sheet of this plan uses: the reader keeps only these cells (made once per run)."""
        if self._wanted is None:
            with _collector_paused():
                self._wanted = self._make_wanted()
        return self._wanted

    def _make_wanted(self) -> set[str]:
        out: set[str] = set()
        for cid, layout in self.layouts.items():
            out.update(self.card_cells[cid])
            out.update(layout.inputs())
        # the group sheets of all the cards hold every address of those of any subset of them; only their
        # addresses are needed here, not their normalised content
        plan = self.loaded.plan
        layouts = list(self.layouts.values())
        out.update(content.summary_cells(plan, layouts))
        out.update(content.instruction_cells(plan, layouts))
        out.update(content.list_cells(plan))
        out |= {f"A{row}" for row in range(1, 301)}  # instructions of any subset of cards
        # the details sheet of any subset of cards (all of them too) is no longer than the details sheets of each
        # card alone, end to end, and uses only the details columns; each card's alone is kept: most workbooks
        # hold one card, and this runs before the workers start, so none of them makes it again
        self._details = {cid: self._keys(content.detail_cells(plan, [layout]))
                         for cid, layout in self.layouts.items() if layout.details}
        # a details sheet's cells are made row by row, down: its last cell is on its last row
        rows = sum(coordinate_from_string(next(reversed(details)))[1] for details in self._details.values())
        return out | {f"{letter}{row}" for letter, _ in DETAILS_COLUMNS.values() for row in range(1, rows + 1)}


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Hundreds of thousands of objects that all stay (a large plan's content): the cyclic garbage collector would
    walk them again and again while they are made."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
