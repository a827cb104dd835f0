"""What the manifest says was issued, read defensively: an unsigned or forged manifest may have any shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from piano_xlsx.plan.resolve import MANIFEST_SHEET
from piano_xlsx.reader.xlsx import split_address


@dataclass
class IssuedItem:
    id: str
    number: str
    row: int  # the row of its score cell: points, status and weight sit on it


@dataclass
class IssuedCard:
    id: str
    title: str
    sheet: str
    evaluatee: str | None
    items: list[IssuedItem]
    totals: dict[str, str]  # totals-block key (total, band, bonus…) -> cell


@dataclass
class Issued:
    sheets: dict[str, str] = field(default_factory=dict)  # sheet name -> role (instructions, card, summary)
    cards: list[IssuedCard] = field(default_factory=list)
    cells: dict[str, dict[str, tuple[str, Any]]] = field(default_factory=dict)  # sheet -> address -> (kind, value)
    validations: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # sheet -> (cell, type, allowed)
    defined_names: dict[str, str] = field(default_factory=dict)

    def card_of_sheet(self, sheet: str) -> IssuedCard | None:
        return next((c for c in self.cards if c.sheet == sheet), None)

    def formula_cells(self) -> list[tuple[str, str, str]]:
        """(sheet, address, normalised formula) of every formula issued."""
        return [(s, a, v) for s, cells in self.cells.items() for a, (k, v) in cells.items() if k == "f"]

    def text(self, sheet: str, address: str) -> str | None:
        kind, value = self.cells.get(sheet, {}).get(address, ("", None))
        return value if kind == "t" and isinstance(value, str) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def from_manifest(manifest: dict[str, Any] | None) -> Issued:
    """The issued content; entries of the wrong shape are skipped (the signature state says whether to trust it)."""
    out = Issued()
    if not isinstance(manifest, dict):
        return out
    for entry in _list(manifest.get("sheets")):
        if isinstance(entry, dict) and _str(entry.get("name")):
            out.sheets[entry["name"]] = str(entry.get("role") or "")
    out.sheets.setdefault(MANIFEST_SHEET, "manifest")
    for entry in _list(manifest.get("cards")):
        card = _card(entry)
        if card is not None:
            out.cards.append(card)
    cells = manifest.get("cells")
    if isinstance(cells, dict):
        for sheet, by_addr in cells.items():
            if not isinstance(by_addr, dict):
                continue
            kept = {}
            for address, key in by_addr.items():
                if (isinstance(key, list) and len(key) == 2 and key[0] in ("f", "n", "t")
                        and isinstance(key[1], str) and split_address(str(address))):
                    kept[str(address)] = (key[0], key[1])
            out.cells[str(sheet)] = kept
    validations = manifest.get("validations")
    if isinstance(validations, dict):
        for sheet, entries in validations.items():
            out.validations[str(sheet)] = [(e[0], e[1], e[2]) for e in _list(entries) if _triple(e)]
    names = manifest.get("defined_names")
    if isinstance(names, dict):
        out.defined_names = {str(k): str(v) for k, v in names.items()}
    return out


def _triple(entry: Any) -> bool:
    return isinstance(entry, list) and len(entry) == 3 and all(isinstance(x, str) for x in entry)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _card(entry: Any) -> IssuedCard | None:
    if not isinstance(entry, dict) or not _str(entry.get("id")) or not _str(entry.get("sheet")):
        return None
    items = []
    for item in _list(entry.get("items")):
        if not isinstance(item, dict):
            continue
        parsed = split_address(str(item.get("score", "")))
        if parsed:
            items.append(IssuedItem(str(item.get("id", "")), str(item.get("number", "")), parsed[1]))
    totals = entry.get("totals")
    totals = {str(k): str(v) for k, v in totals.items() if split_address(str(v))} if isinstance(totals, dict) else {}
    return IssuedCard(entry["id"], str(entry.get("title") or entry["id"]), entry["sheet"], _str(entry.get("evaluatee")),
                      items, totals)
