"""Where each value of a plan read from a plan workbook sits: sheet, row, column and header."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from piano_xlsx.findings import Finding
from piano_xlsx.plan.loader import KeyPath, LoadedPlan


@dataclass(frozen=True)
class Place:
    """Where a value of the plan sits in the plan workbook."""

    sheet: str
    row: int | None = None
    column: str | None = None  # letter; None when the column is absent from the sheet
    header: str | None = None

    @property
    def cell(self) -> str | None:
        return f"{self.column}{self.row}" if self.column and self.row else None

    def describe(self) -> str:
        """The place as the message prints it after the sheet name."""
        if self.row is None:
            return f", voce «{self.header}»" if self.header else ""
        if self.header is None:
            return f", riga {self.row}"
        if self.column is None:
            return f", riga {self.row}, colonna «{self.header}» (assente nel foglio)"
        return f", riga {self.row}, colonna {self.column} «{self.header}»"


def nearest_place(places: dict[KeyPath, Place], path: KeyPath) -> tuple[KeyPath, Place] | None:
    """The place of `path`, or of its nearest ancestor that has one, with the path it belongs to."""
    while path:
        if path in places:
            return path, places[path]
        path = path[:-1]
    return None


@dataclass
class WorkbookPlan(LoadedPlan):
    """A plan read from a plan workbook: `lines` holds the row of each key path, `places` its sheet and cell."""

    places: dict[KeyPath, Place] = field(default_factory=dict)

    def place(self, path: KeyPath) -> Place | None:
        found = nearest_place(self.places, path)
        return found[1] if found else None

    def locate(self, f: Finding) -> Finding:
        """A finding about a key path, told in the workbook's terms: sheet, row, column and header."""
        found = nearest_place(self.places, parse_path(f.where)) if f.where else None
        if found is None or f.sheet is not None:
            return f
        place = found[1]
        return replace(f, sheet=place.sheet, cell=place.cell, line=place.row,
                       message=f"Foglio «{place.sheet}»{place.describe()}: {f.message}")


_PATH_PART = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def parse_path(text: str) -> KeyPath:
    """The inverse of `format_path`: 'cards[0].sections[1].title' -> ('cards', 0, 'sections', 1, 'title')."""
    return tuple(int(m.group(1)) if m.group(1) is not None else m.group(2) for m in _PATH_PART.finditer(text))
