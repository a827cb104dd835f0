"""`plan import` and every command given a plan workbook: spreadsheet -> plain dict -> validated plan.

It follows `planbook.sheets`, tolerates what a person does when writing the
workbook by hand (columns in any order or missing when optional, extra columns
and sheets, headers in any case, numbers typed as text, blank rows), and names
the sheet, row and column of every error: while it builds the plain dict it
keeps, for every key path, the cell the value came from. The sheets come as rows
from `tables`, each cell becomes a value in `cells`, and `places` says where each
value sat. One concern, the plan's sheets into the plan's keys, hence its length.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl.utils import column_index_from_string, get_column_letter

from piano_xlsx.findings import Finding, Severity, finding
from piano_xlsx.plan.loader import KeyPath, PlanError, format_path, validate
from piano_xlsx.planbook.cells import BLANK, CellError, RawCell, as_text, convert, is_blank, shown
from piano_xlsx.planbook.money import read_money_sheets
from piano_xlsx.planbook.places import Place, WorkbookPlan, nearest_place, parse_path
from piano_xlsx.planbook.sheets import (
    ESCLUSIONI,
    FASCE,
    FONTI,
    KEY_VALUE_HEADERS,
    LIVELLI,
    MODELLI,
    OBIETTIVI,
    OBIETTIVI_MODELLI,
    PERSONALE,
    PESI,
    PIANO,
    REGOLE,
    SCALE,
    SCHEDE,
    SEZIONI,
    SEZIONI_MODELLI,
    SHEETS,
    Column,
    Sheet,
    normalise_header,
)
from piano_xlsx.planbook.tables import Table, TableRow, closest, header_map, key_value_names, read_sheets, row_key

HEADER_SEARCH_ROWS = 10  # the header row may sit below a title a person added


class SheetReader:
    """The plan's sheets into the plan's keys, keeping where each value came from and every problem found."""

    def __init__(self, source: str):
        self.source = source
        self.errors: list[tuple[KeyPath | None, Finding]] = []  # warnings too: those do not stop the reading
        self.places: dict[KeyPath, Place] = {}
        self.above: dict[tuple[str, str], str] = {}  # (sheet, linking column) -> the last id given

    # -- findings

    def error(self, place: Place, detail: str, path: KeyPath | None = None) -> None:
        self.errors.append((path, finding("PLAN_WORKBOOK_VALUE", sheet=place.sheet, cell=place.cell,
                                          where=format_path(path) if path else None,
                                          place=place.describe(), detail=detail)))

    def missing_sheet(self, sheet: Sheet, detail: str = "") -> None:
        self.errors.append((None, finding("PLAN_WORKBOOK_SHEET", sheet=sheet.name, detail=detail)))

    def missing_column(self, table: Table, column: Column) -> None:
        self.errors.append((None, finding("PLAN_WORKBOOK_COLUMN", sheet=table.name, column=column.header,
                                          line=table.header_row,
                                          detail=f" (riga d'intestazione {table.header_row})")))

    # -- tables

    def table(self, sheets: dict[str, list[list[RawCell]]], sheet: Sheet) -> Table | None:
        name = next((n for n in sheets if normalise_header(n) == normalise_header(sheet.name)), None)
        if name is None:
            if sheet.required:
                self.missing_sheet(sheet)
            return None
        rows = sheets[name]
        names = key_value_names() if sheet.key_value else header_map(sheet)
        need = 2 if sheet.key_value else min(2, len(sheet.columns))
        for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            letters: dict[str, str] = {}
            for position, cell in enumerate(row):
                key = names.get(normalise_header(cell.value)) if isinstance(cell.value, str) else None
                if key and key not in letters:
                    letters[key] = get_column_letter(position + 1)
            if len(letters) >= need:
                table = Table(sheet, name, letters, [], header_row=index + 1)
                self.unknown_headers(table, row, names)
                break
        else:
            if sheet.key_value:  # a key/value sheet written without a header: keys in A, values in B
                table = Table(sheet, name, {"@key": "A", "@value": "B"}, [], header_row=0)
                index = -1
            else:
                self.missing_sheet(sheet, detail=": riga d'intestazione non trovata nelle prime "
                                                 f"{HEADER_SEARCH_ROWS} righe")
                return None
        positions = {key: column_index_from_string(letter) - 1 for key, letter in table.letters.items()}
        for number, row in enumerate(rows[index + 1:], start=index + 2):
            cells = {key: row[pos] if pos < len(row) else RawCell(None) for key, pos in positions.items()}
            if all(is_blank(c.value) for c in cells.values()):
                continue
            table.rows.append(TableRow(number, cells))
        for column in sheet.columns:
            if column.required and column.key not in table.letters and not sheet.key_value:
                self.missing_column(table, column)
        return table

    def unknown_headers(self, table: Table, header: list[RawCell], names: dict[str, str]) -> None:
        """Headers that name no column. One close to a column the sheet lacks is a misspelling and an error
        (else the column would silently read as empty); any other is a column of notes, ignored (a warning)."""
        labels = KEY_VALUE_HEADERS if table.sheet.key_value else {c.key: c.header for c in table.sheet.columns}
        known = ", ".join(dict.fromkeys(labels[key] for key in names.values()))
        for position, cell in enumerate(header):
            if is_blank(cell.value) or normalise_header(as_text(cell.value)) in names:
                continue
            text = shown(as_text(cell.value).strip())
            meant = closest(text, names)
            severity: Severity | None = None  # the catalogue's: an error
            if meant is not None and meant not in table.letters:
                detail = f": forse «{labels[meant]}»? Senza quella colonna i suoi valori non vengono letti"
            else:
                detail, severity = ": la colonna viene ignorata, come una colonna di appunti", Severity.WARNING
            self.errors.append((None, finding(
                "PLAN_WORKBOOK_HEADER", sheet=table.name, cell=f"{get_column_letter(position + 1)}{table.header_row}",
                header=text, detail=detail, known=known, severity=severity)))

    def place(self, table: Table, row: TableRow | None, key: str) -> Place:
        column = table.sheet.column(key)
        return Place(table.name, row.number if row else None, table.letters.get(key), column.header)

    def values(self, table: Table, row: TableRow, path: KeyPath, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
        """A row's values by plan key, registering the place of each key path (blank cells too)."""
        out: dict[str, Any] = {}
        self.places[path] = self.place(table, row, row_key(table.sheet))
        for column in table.sheet.columns:
            if column.key.startswith("@") or column.key in skip:
                continue
            keys = tuple(column.key.split("."))
            place = self.place(table, row, column.key)
            self.places[path + keys] = place
            if column.key not in table.letters:
                continue
            value = self.cell(table, row, column, path + keys)
            if value is not BLANK:
                target = out
                for part in keys[:-1]:
                    target = target.setdefault(part, {})
                target[keys[-1]] = value
        return out

    def cell(self, table: Table, row: TableRow, column: Column, path: KeyPath | None) -> Any:
        raw = row.cells.get(column.key)
        if raw is None:
            return BLANK
        try:
            return convert(column, raw)
        except CellError as exc:
            self.error(self.place(table, row, column.key), str(exc), path)
            return BLANK

    def link(self, table: Table, row: TableRow, key: str, *, repeat: bool = True) -> str | None:
        """The id in a linking column (@card, @section, …) of a row; an empty cell repeats the row above
        (as people leave it, or as merged cells read); None (reported) when there is none above either."""
        value = self.cell(table, row, table.sheet.column(key), None)
        if value is BLANK:
            above = self.above.get((table.name, key)) if repeat else None
            if above is not None:
                return above
            if key in table.letters:
                self.error(self.place(table, row, key), "valore obbligatorio mancante")
            return None
        self.above[(table.name, key)] = str(value)
        return str(value)

    # -- the plan

    def build(self, sheets: dict[str, list[list[RawCell]]]) -> dict[str, Any]:
        from piano_xlsx.planbook import schemes  # builds on this module's reader

        data: dict[str, Any] = {}
        tables = {sheet.name: self.table(sheets, sheet) for sheet in SHEETS}
        self._piano(tables[PIANO.name], data)
        self._scales(tables[SCALE.name], data)
        self._levels(tables[LIVELLI.name], data)
        self._bands(tables[FASCE.name], data)
        for sheet_name, key in (("Settori", "sectors"), ("Valutati", "evaluatees"),
                                ("Obiettivi condivisi", "shared_objectives"), ("Scelte", "choices")):
            table = tables[sheet_name]
            if table is not None:
                self.places[(key,)] = Place(table.name)
                data[key] = [self.values(table, row, (key, i)) for i, row in enumerate(table.rows)]
        self._cards(tables[SCHEDE.name], tables[SEZIONI.name], tables[OBIETTIVI.name], data)
        schemes.read_rules(self, tables[REGOLE.name], data)
        if tables[MODELLI.name] is not None:
            self._cards(tables[MODELLI.name], tables[SEZIONI_MODELLI.name], tables[OBIETTIVI_MODELLI.name], data,
                        key="templates", link="@template", words=("il modello", "del modello"))
            schemes.read_part_weights(self, tables[PESI.name], data)
        for table, key in ((tables[PERSONALE.name], "staff"), (tables[ESCLUSIONI.name], "exclusions")):
            if table is not None:
                self.places[(key,)] = Place(table.name)
                data[key] = [self.values(table, row, (key, i)) for i, row in enumerate(table.rows)]
        schemes.read_sources(self, tables[FONTI.name], data)
        return data

    def _piano(self, table: Table | None, data: dict[str, Any]) -> None:
        if table is None:
            return
        self.places[("plan",)] = Place(table.name)
        by_name: dict[str, Column] = {}
        for column in table.sheet.columns:
            for alias in (column.header, column.key, *column.aliases):
                by_name.setdefault(normalise_header(alias), column)
            self.places[tuple(column.key.split("."))] = Place(table.name, None, None, column.header)
        key_letter, key_header = table.letters.get("@key", "A"), KEY_VALUE_HEADERS["@key"]
        value_letter = table.letters.get("@value", "B")
        seen: dict[str, int] = {}
        data["plan"] = {}
        for row in table.rows:
            key_cell = row.cells.get("@key", RawCell(None))
            if is_blank(key_cell.value):
                self.error(Place(table.name, row.number, key_letter, key_header), "manca il nome della voce")
                continue
            named = by_name.get(normalise_header(as_text(key_cell.value)))
            if named is None:
                known = ", ".join(c.header for c in table.sheet.columns)
                meant = closest(as_text(key_cell.value), by_name)
                guess = f"forse «{meant.header}»? " if meant is not None else ""
                self.error(Place(table.name, row.number, key_letter, key_header),
                           f"voce sconosciuta «{shown(key_cell.value)}» ({guess}voci ammesse: {known})")
                continue
            if named.key in seen:
                self.error(Place(table.name, row.number, key_letter, key_header),
                           f"voce «{named.header}» ripetuta (già alla riga {seen[named.key]})")
                continue
            seen[named.key] = row.number
            path = tuple(named.key.split("."))
            place = Place(table.name, row.number, value_letter, f"Valore di «{named.header}»")
            self.places[path] = place
            raw = row.cells.get("@value", RawCell(None))
            try:
                value = convert(named, raw)
            except CellError as exc:
                self.error(place, str(exc), path)
                continue
            if value is BLANK:
                continue
            target = data
            for part in path[:-1]:
                target = target.setdefault(part, {})
            target[path[-1]] = value

    def grouped(self, table: Table, key: str) -> dict[str, list[TableRow]]:
        groups: dict[str, list[TableRow]] = {}
        for row in table.rows:
            group = self.link(table, row, key)
            if group is not None:
                groups.setdefault(group, []).append(row)
        return groups

    def once(self, table: Table, rows: list[TableRow], key: str, path: KeyPath) -> Any:
        """A value given once per group (on any of its rows; repeated values must agree)."""
        column = table.sheet.column(key)
        found: tuple[Any, TableRow] | None = None
        for row in rows:
            value = self.cell(table, row, column, path)
            if value is BLANK:
                continue
            if found is None:
                found = (value, row)
                self.places[path] = self.place(table, row, key)
            elif value != found[0]:
                self.error(self.place(table, row, key),
                           f"«{shown(value)}» è diverso da «{shown(found[0])}» indicato alla riga {found[1].number}",
                           path)
        if found is None:
            self.places[path] = self.place(table, rows[0], key)
            return BLANK
        return found[0]

    def elements(self, table: Table, data: dict[str, Any], key: str,
                 link: str) -> Iterator[tuple[KeyPath, str, list[TableRow]]]:
        """The elements a sheet lists under plan key `key` (scales, band sets, rules): the rows sharing an id in
        column `link`, each group with its key path; `data[key]` is the list they go in."""
        self.places[(key,)] = Place(table.name)
        data[key] = []
        for i, (element_id, rows) in enumerate(self.grouped(table, link).items()):
            path: KeyPath = (key, i)
            self.places[path] = self.places[path + ("id",)] = self.place(table, rows[0], link)
            yield path, element_id, rows

    def _scales(self, table: Table | None, data: dict[str, Any]) -> None:
        if table is None:
            return
        for path, scale_id, rows in self.elements(table, data, "scales", "@scale"):
            scale: dict[str, Any] = {"id": scale_id}
            for key in ("title", "kind", "min", "max", "decimals"):
                if key in table.letters or key == "title":
                    value = self.once(table, rows, key, path + (key,))
                    if value is not BLANK:
                        scale[key] = value
            listed = scale.get("kind", "list") == "list"  # only a list scale has values, one per row
            values = []
            for k, row in enumerate(rows):
                vpath = path + ("values", k)
                self.places[vpath] = self.places[vpath + ("value",)] = self.place(table, row, "value")
                self.places[vpath + ("label",)] = self.place(table, row, "label")
                value = self.cell(table, row, table.sheet.column("value"), vpath)
                label = self.cell(table, row, table.sheet.column("label"), vpath + ("label",))
                if value is BLANK:
                    if "value" in table.letters and listed:
                        self.error(self.place(table, row, "value"), "valore obbligatorio mancante", vpath)
                    continue
                values.append(value if label is BLANK else {"value": value, "label": label})
            if values or listed:
                scale["values"] = values
            data["scales"].append(scale)

    def _levels(self, table: Table | None, data: dict[str, Any]) -> None:
        if table is None:
            return
        self.places[("levels",)] = Place(table.name)
        levels: dict[str, Any] = {}
        seen: dict[str, int] = {}
        for row in table.rows:
            name = self.link(table, row, "@level", repeat=False)
            if name is None:
                continue
            if name in seen:
                self.error(self.place(table, row, "@level"), f"livello «{name}» ripetuto (già alla riga {seen[name]})")
                continue
            seen[name] = row.number
            self.places[("levels", name)] = self.place(table, row, "@points")
            points = self.cell(table, row, table.sheet.column("@points"), ("levels", name))
            if points is BLANK:
                if "@points" in table.letters:
                    self.error(self.place(table, row, "@points"), "valore obbligatorio mancante", ("levels", name))
                continue
            levels[name] = points
        data["levels"] = levels

    def _bands(self, table: Table | None, data: dict[str, Any]) -> None:
        if table is None:
            return
        for path, bandset_id, rows in self.elements(table, data, "bands", "@bandset"):
            bandset: dict[str, Any] = {"id": bandset_id}
            rounding = {}
            for key in ("rounding.mode", "rounding.decimals"):
                value = self.once(table, rows, key, path + tuple(key.split(".")))
                if value is not BLANK:
                    rounding[key.split(".")[1]] = value
            if rounding:
                self.places[path + ("rounding",)] = self.places[path + ("rounding", "mode")]
                bandset["rounding"] = rounding
            outside = {}
            for key in ("outside.label", "outside.percent", "outside.note"):
                if key in table.letters:
                    value = self.once(table, rows, key, path + tuple(key.split(".")))
                    if value is not BLANK:
                        outside[key.split(".")[1]] = value
            if outside:
                self.places[path + ("outside",)] = self.places.get(path + ("outside", "label"), Place(table.name))
                bandset["outside"] = outside
            skip = ("rounding.mode", "rounding.decimals", "outside.label", "outside.percent", "outside.note")
            bandset["bands"] = [self.values(table, row, path + ("bands", k), skip=skip) for k, row in enumerate(rows)]
            data["bands"].append(bandset)

    def _cards(self, cards: Table | None, sections: Table | None, items: Table | None, data: dict[str, Any], *,
               key: str = "cards", link: str = "@card", words: tuple[str, str] = ("la scheda", "della scheda")
               ) -> None:
        """Cards (or card templates) with their sections and items, linked by the card's id in `link`."""
        if cards is None:
            return
        what, of_what = words
        self.places[(key,)] = Place(cards.name)
        data[key] = []
        index: dict[str, int] = {}
        for i, row in enumerate(cards.rows):
            card = self.values(cards, row, (key, i))
            card["sections"] = []
            self.places[(key, i, "sections")] = self.place(cards, row, "id")
            data[key].append(card)
            if isinstance(card.get("id"), str):
                index.setdefault(card["id"], i)
        section_index: dict[tuple[str, str], tuple[int, int]] = {}
        if sections is not None:
            for row in sections.rows:
                card_id = self.link(sections, row, link)
                if card_id is None:
                    continue
                if card_id not in index:
                    self.error(self.place(sections, row, link),
                               f"{what} «{card_id}» non è nel foglio «{cards.name}»")
                    continue
                ci = index[card_id]
                si = len(data[key][ci]["sections"])
                path = (key, ci, "sections", si)
                section = self.values(sections, row, path)
                section["items"] = []
                self.places[path + ("items",)] = self.place(sections, row, "id")
                data[key][ci]["sections"].append(section)
                if isinstance(section.get("id"), str):
                    section_index.setdefault((card_id, section["id"]), (ci, si))
        if items is not None:
            for row in items.rows:
                card_id = self.link(items, row, link)
                section_id = self.link(items, row, "@section")
                if card_id is None or section_id is None:
                    continue
                if card_id not in index:
                    self.error(self.place(items, row, link),
                               f"{what} «{card_id}» non è nel foglio «{cards.name}»")
                    continue
                if (card_id, section_id) not in section_index:
                    where = f"«{sections.name}»" if sections is not None else "«Sezioni»"
                    self.error(self.place(items, row, "@section"),
                               f"la sezione «{section_id}» {of_what} «{card_id}» non è nel foglio {where}")
                    continue
                ci, si = section_index[(card_id, section_id)]
                target = data[key][ci]["sections"][si]["items"]
                target.append(self.values(items, row, (key, ci, "sections", si, "items", len(target))))
        for ci, card in enumerate(data[key]):
            if not card["sections"] and sections is not None:
                self.error(self.places[(key, ci, "sections")],
                           f"{what} non ha sezioni nel foglio «{sections.name}»", (key, ci, "sections"))
            for si, section in enumerate(card["sections"]):
                if not section["items"] and items is not None and not section.get("unit_objectives"):
                    empty: KeyPath = (key, ci, "sections", si, "items")
                    self.error(self.places[empty], f"la sezione non ha obiettivi nel foglio «{items.name}»", empty)
                if not section["items"] and section.get("unit_objectives"):
                    del section["items"]  # a unit section may have only the unit's objectives


_DETAIL_WORDS = {"chiave obbligatoria mancante": "valore obbligatorio mancante"}


def read_plan_workbook(path: str | Path) -> WorkbookPlan:
    """Read and validate a plan workbook; PlanError names the sheet, row and column of every problem."""
    path = Path(path)
    reader = SheetReader(str(path))
    data = reader.build(read_sheets(path))
    data.update(read_money_sheets(path))
    lines = {p: place.row for p, place in reader.places.items() if place.row is not None}
    reported = {format_path(p) for p, _ in reader.errors if p}
    findings = [f for _, f in reader.errors if f.severity == Severity.ERROR]  # why the plan cannot be used
    notes = [f for _, f in reader.errors if f.severity != Severity.ERROR]  # for check, once it can
    if any(f.code in ("PLAN_WORKBOOK_SHEET", "PLAN_WORKBOOK_COLUMN", "PLAN_WORKBOOK_HEADER") for f in findings):
        raise PlanError(findings)  # the model would only repeat what is missing
    try:
        loaded = validate(data, str(path), lines)
    except PlanError as exc:
        for f in exc.findings:
            if f.where is not None and f.where in reported:
                continue
            findings.append(_locate(f, reader))
        raise PlanError(findings) from None
    if findings:
        raise PlanError(findings)
    return WorkbookPlan(plan=loaded.plan, source=str(path), lines=lines, notes=notes, places=reader.places)


def _locate(f: Finding, reader: SheetReader) -> Finding:
    """A schema finding of the model, moved to the sheet, row and column its key path came from."""
    key_path = parse_path(f.where or "")
    found = nearest_place(reader.places, key_path)
    if found is None:
        return f
    probe, place = found
    prefix = f"Valore non valido in «{f.where}»: "
    detail = f.message[len(prefix):] if f.message.startswith(prefix) else f.message
    detail = _DETAIL_WORDS.get(detail, detail)
    if probe != key_path and place.row is not None:  # a key below the row (e.g. printed_levels[1].points)
        detail = f"{format_path(key_path[len(probe):]).lstrip('.')}: {detail}"
    return finding("PLAN_WORKBOOK_VALUE", sheet=place.sheet, cell=place.cell, where=f.where,
                   place=place.describe(), detail=detail)
