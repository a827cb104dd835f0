"""One returned file: identify it, verify it against the plan and the signed manifest, read its inputs.

`inspect_file` never raises for anything a file contains and never writes to
it: every problem becomes a finding for that file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from piano_xlsx.collect.expected import Expected
from piano_xlsx.collect.scores import invalid_score
from piano_xlsx.files.container import ContainerError, receive, refusal, sniff
from piano_xlsx.findings import Finding, Severity, finding
from piano_xlsx.plan.model import Exclusion
from piano_xlsx.plan.resolve import MANIFEST_SHEET
from piano_xlsx.reader.xlsx import CellData, SheetData, WorkbookData, read_workbook, split_address
from piano_xlsx.workbook.computation import (
    CardResult,
    Value,
    evaluate,
    is_number,
    item_status,
    values_equal,
)
from piano_xlsx.workbook.layout import STATUS_GATE_FAILED, STATUS_INVALID, STATUS_MISSING, CardLayout
from piano_xlsx.workbook.manifest import (
    ManifestError,
    content_hash,
    manifest_from_sheet,
    normalise_formula,
    normalise_number,
    normalise_text,
    signature_state,
)


@dataclass
class CardReturn:
    card_id: str
    sheet: str
    file: str
    evaluator: str | None
    date: str | None
    scores: dict[str, Value]
    notes: dict[str, str | None]
    result: CardResult
    errors: int = 0
    warnings: int = 0
    excluded: Exclusion | None = None  # set by collect when the HR office excluded the evaluatee

    def fingerprint(self) -> str:
        """What the office filled in: equal fingerprints mean the same return."""
        data = [self.evaluator, self.date, sorted((k, repr(v)) for k, v in self.scores.items()),
                sorted(self.notes.items())]
        return hashlib.sha256(repr(data).encode()).hexdigest()


@dataclass
class FileReport:
    path: str
    sha256: str = ""
    size: int = 0
    kind: str = ""
    cards: list[CardReturn] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    other_plan: bool = False
    claimed: list[str] = field(default_factory=list)  # cards the file holds (manifest or sheet names), read or not
    modified: float | None = None  # the file's modification time (set by collect), for choosing among copies

    @property
    def status(self) -> str:
        return "error" if any(f.severity == Severity.ERROR for f in self.findings) else "ok"


def inspect_file(path: str | Path, expected: Expected, public_key: Ed25519PublicKey | None,
                 display: str | None = None) -> FileReport:
    name = display or str(path)
    report = FileReport(path=name)
    received = receive(path)
    report.size, report.sha256 = received.size, received.sha256
    if received.problem is not None:
        report.findings.append(finding(received.problem.code, file=name, detail=received.problem.detail))
        return report
    try:
        _inspect(received.data, name, expected, public_key, report)
    except ContainerError as exc:
        report.findings.append(finding(exc.code, file=name, detail=exc.detail))
    except (MemoryError, RecursionError):
        report.findings.append(finding("FILE_TOO_LARGE", file=name, detail="memoria o annidamento esauriti"))
    except Exception as exc:  # noqa: BLE001 - last resort: one damaged file is one finding, never a traceback
        report.findings.append(finding("FILE_UNREADABLE", file=name,
                                       detail=f"contenuto danneggiato ({type(exc).__name__})"))
    return report


def _inspect(data: bytes, name: str, expected: Expected, public_key: Ed25519PublicKey | None,
             report: FileReport) -> None:
    kind, zf = sniff(data)
    report.kind = kind
    problem = refusal(kind, zf, data)
    if problem is not None:
        report.findings.append(finding(problem.code, file=name, detail=problem.detail))
        return
    if kind == "xlsm":
        report.findings.append(finding("FILE_MACROS", file=name))
    wanted_cards = expected.wanted_addresses()
    book = read_workbook(zf, lambda sheet: None if sheet == MANIFEST_SHEET else wanted_cards)  # type: ignore[arg-type]
    _check_workbook(book, name, expected, public_key, report)


def _check_workbook(book: WorkbookData, name: str, expected: Expected, public_key: Ed25519PublicKey | None,
                    report: FileReport) -> None:
    add = report.findings.append
    plan = expected.loaded.plan
    manifest_sheet = book.sheets.get(MANIFEST_SHEET)
    manifest: dict[str, Any] | None = None
    if manifest_sheet is None:
        cards = [cid for cid, lay in expected.layouts.items() if lay.sheet in book.sheets]
        if not cards:
            add(finding("NOT_PIANO_WORKBOOK", file=name))
            return
        add(finding("MANIFEST_MISSING", file=name, detail="il foglio del manifesto è stato eliminato; "
                                                          "le schede sono lette secondo il piano"))
        sheets = [expected.layouts[cid].sheet for cid in cards]
    else:
        try:
            manifest, signature, key, signed = manifest_from_sheet(manifest_sheet.cells)
        except ManifestError as exc:
            add(finding("MANIFEST_INVALID", file=name, sheet=MANIFEST_SHEET, detail=str(exc)))
            return
        if manifest_sheet.state == "visible":
            add(finding("MANIFEST_VISIBLE", file=name, sheet=MANIFEST_SHEET, state="visibile"))
        _check_signature(manifest, signature, key, signed, public_key, name, add)
        info = manifest.get("plan", {})
        if info.get("id") != plan.plan.id:
            report.other_plan = True
            add(finding("PLAN_MISMATCH", file=name, found=info.get("id"), expected=plan.plan.id))
            return
        if info.get("version") != plan.plan.version or info.get("hash") != expected.plan_hash:
            report.other_plan = True
            found = f"versione {info.get('version')}, impronta {str(info.get('hash'))[:12]}…"
            add(finding("VERSION_MISMATCH", file=name, found=found,
                        expected=f"versione {plan.plan.version}, impronta {expected.plan_hash[:12]}…"))
            return
        if content_hash(manifest.get("cells", {})) != manifest.get("content_hash"):
            add(finding("CONTENT_HASH_MISMATCH", file=name, sheet=MANIFEST_SHEET))
        cards = [c.get("id") for c in manifest.get("cards", []) if c.get("id") in expected.layouts]
        sheets = [c.get("sheet") for c in manifest.get("cards", []) if c.get("id") in expected.layouts]
        unknown = [c.get("id") for c in manifest.get("cards", []) if c.get("id") not in expected.layouts]
        if unknown:  # the manifest names cards this plan does not have: it was not issued for this plan
            add(finding("CONTENT_HASH_MISMATCH", file=name, sheet=MANIFEST_SHEET))
        _check_manifest_matches_plan(manifest, expected, tuple(cards), name, add)
    report.claimed = list(cards)
    _check_structure(book, name, manifest, add)
    issued_sheets = _issued_sheet_names(manifest, expected, cards)
    group = expected.group_sheets(tuple(cards))
    for sheet_name, cells in group.items():
        sheet = book.sheets.get(sheet_name)
        if sheet is None:
            add(finding("SHEET_MISSING", file=name, sheet=sheet_name, detail=""))
            continue
        _compare_cells(sheet, cells, book, name, add, check_values=False)
        _check_protection(sheet, name, add)
    for sheet_name in book.sheets:
        if sheet_name not in issued_sheets:
            add(finding("SHEET_ADDED", file=name, sheet=sheet_name))
    for card_id, sheet_name in zip(cards, sheets, strict=True):
        layout = expected.layouts[card_id]
        sheet = book.sheets.get(sheet_name)
        if sheet is None:
            renamed = _find_renamed(book, issued_sheets, layout)
            detail = f" (rinominato in «{renamed}»?)" if renamed else " (eliminato o rinominato)"
            add(finding("SHEET_MISSING", file=name, sheet=sheet_name, detail=detail))
            continue
        before = len(report.findings)
        _check_protection(sheet, name, add)
        _check_validations(sheet, manifest, layout, name, add)
        shifted = _compare_cells(sheet, expected.card_cells[card_id], book, name, add, check_values=True)
        if shifted:
            continue
        card_return = _read_card(sheet, layout, name, add)
        card_findings = report.findings[before:]
        card_return.errors = sum(1 for f in card_findings if f.severity == Severity.ERROR)
        card_return.warnings = sum(1 for f in card_findings if f.severity == Severity.WARNING)
        report.cards.append(card_return)


def _issued_sheet_names(manifest: dict[str, Any] | None, expected: Expected, cards: list[str]) -> set[str]:
    if manifest is not None:
        return {s.get("name") for s in manifest.get("sheets", [])} | {MANIFEST_SHEET}
    return set(expected.group_sheets(tuple(cards))) | {expected.layouts[c].sheet for c in cards}


def _check_signature(manifest: dict[str, Any], signature: str, key: str, signed: bytes,
                     public_key: Ed25519PublicKey | None, name: str, add: Any) -> None:
    if public_key is None:
        return  # said once per run by collect
    state, why = signature_state(manifest, signature, key, signed, public_key)
    if state != "valid":  # with a key given, an unsigned manifest is as bad as a wrong signature
        add(finding("SIGNATURE_INVALID", file=name, sheet=MANIFEST_SHEET, detail=why))


def _check_manifest_matches_plan(manifest: dict[str, Any], expected: Expected, cards: tuple[str, ...], name: str,
                                 add: Any) -> None:
    """The manifest must list what this plan issues for these cards (else it was edited or transplanted)."""
    stored = manifest.get("cells", {})
    sheets = {c.get("id"): c.get("sheet") for c in manifest.get("cards", [])}
    wanted = {sheets[cid]: expected.card_cells[cid] for cid in cards} | dict(expected.group_sheets(cards))
    if any(stored.get(sheet) != cells for sheet, cells in wanted.items()):
        add(finding("CONTENT_HASH_MISMATCH", file=name, sheet=MANIFEST_SHEET))


def _check_structure(book: WorkbookData, name: str, manifest: dict[str, Any] | None, add: Any) -> None:
    if not book.structure_locked:
        # LibreOffice (7.4, measured) always writes an empty <workbookProtection/> when it saves .xlsx:
        # the loss is expected there; sheets added, removed or renamed are still caught by the manifest.
        saved_by_calc = "libreoffice" in book.application.lower()
        because = " (salvata con LibreOffice, che non conserva questa protezione)" if saved_by_calc else ""
        add(finding("PROTECTION_REMOVED", file=name, severity=Severity.INFO if saved_by_calc else None,
                    detail="struttura della cartella di lavoro non protetta" + because))
    if book.external_links:
        add(finding("EXTERNAL_LINK", file=name, detail=", ".join(sorted(set(book.external_links)))[:300]))
    issued = (manifest or {}).get("defined_names", {})
    extra = sorted(n for n in book.defined_names if not n.startswith("_xlnm.") and n not in issued)
    if extra:
        add(finding("DEFINED_NAME_CHANGED", file=name, detail=", ".join(extra)[:300]))
    for sheet in book.sheets.values():
        if sheet.name != MANIFEST_SHEET and sheet.state != "visible":
            add(finding("SHEET_HIDDEN", file=name, sheet=sheet.name, state=sheet.state))


def _check_protection(sheet: SheetData, name: str, add: Any) -> None:
    if not sheet.protected:
        add(finding("PROTECTION_REMOVED", file=name, sheet=sheet.name, detail="protezione del foglio rimossa"))


def _boxes(sqref: str) -> list[Box]:
    """The ranges of a validation's sqref as (first column, first row, last column, last row)."""
    out = []
    for ref in sqref.split():
        first, _, last = ref.replace("$", "").partition(":")
        a, b = split_address(first), split_address(last or first)
        if a and b:
            out.append((_col_index(a[0]), a[1], _col_index(b[0]), b[1]))
    return out


SMALL_RANGE = 64  # cells: a validation range up to this size is indexed cell by cell
MAX_INDEXED = 20_000  # cells indexed in all; larger or further ranges are searched in order


Box = tuple[int, int, int, int]  # first column, first row, last column, last row


def _validation_index(sheet: SheetData) -> tuple[dict[tuple[int, int], int], list[tuple[int, Box]]]:
    """Which validation comes first at each cell: (column, row) -> index for small ranges, plus the other ranges.

    A cell's validation is the first one, in the sheet's order, whose range covers it.
    """
    first_at: dict[tuple[int, int], int] = {}
    large: list[tuple[int, Box]] = []
    for index, validation in enumerate(sheet.validations):
        for c1, r1, c2, r2 in _boxes(validation.sqref):
            if c1 > c2 or r1 > r2:
                continue
            if (c2 - c1 + 1) * (r2 - r1 + 1) <= SMALL_RANGE and len(first_at) < MAX_INDEXED:
                for c in range(c1, c2 + 1):
                    for r in range(r1, r2 + 1):
                        first_at.setdefault((c, r), index)
            else:
                large.append((index, (c1, r1, c2, r2)))
    return first_at, large


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _list_values(formula1: str | None) -> set[str]:
    text = (formula1 or "").strip()
    if text.startswith('"') and text.endswith('"'):
        text = text[1:-1]
    return {part.strip().casefold() for part in text.split(",") if part.strip()}


def _check_validations(sheet: SheetData, manifest: dict[str, Any] | None, layout: CardLayout, name: str,
                       add: Any) -> None:
    issued = (manifest or {}).get("validations", {}).get(layout.sheet)
    if issued is None:
        return
    first_at, large = _validation_index(sheet)
    for address, vtype, allowed in issued:
        target = split_address(address)
        found = None
        if target is not None:
            column, row = _col_index(target[0]), target[1]
            index = first_at.get((column, row), len(sheet.validations))
            for other, (c1, r1, c2, r2) in large:  # in order: the first that covers the cell and comes earlier
                if other >= index:
                    break
                if c1 <= column <= c2 and r1 <= row <= r2:
                    index = other
                    break
            found = sheet.validations[index] if index < len(sheet.validations) else None
        if found is None:
            add(finding("VALIDATION_CHANGED", file=name, sheet=sheet.name, cell=address, detail="convalida rimossa"))
            continue
        v = found
        if v.type != vtype:
            add(finding("VALIDATION_CHANGED", file=name, sheet=sheet.name, cell=address,
                        detail=f"tipo cambiato da {vtype} a {v.type}"))
        elif vtype == "list" and _list_values(v.formula1) != {p.casefold() for p in allowed.split(",")}:
            add(finding("VALIDATION_CHANGED", file=name, sheet=sheet.name, cell=address,
                        detail=f"valori ammessi cambiati da «{allowed}» a «{(v.formula1 or '').strip(chr(34))}»"))
        elif not v.show_error or v.error_style != "stop":
            add(finding("VALIDATION_CHANGED", file=name, sheet=sheet.name, cell=address,
                        detail="il messaggio di errore bloccante è stato disattivato"))


def _found_key(cell: CellData | None) -> list[Any] | None:
    if cell is None:
        return None
    if cell.formula is not None:
        return ["f", normalise_formula(cell.formula)]
    if is_number(cell.value):
        return ["n", normalise_number(cell.value)]
    if cell.value is None or cell.value == "":
        return None
    return ["t", normalise_text(str(cell.value))]


def _show(key: list[Any] | None) -> str:
    if key is None:
        return "(vuota)"
    if key[0] == "n":
        return f"{float(key[1]):g}"
    return ("=" if key[0] == "f" else "") + str(key[1])[:120]


def _compare_cells(sheet: SheetData, cells: dict[str, list[Any]], book: WorkbookData, name: str, add: Any,
                   *, check_values: bool) -> bool:
    """Every locked cell as issued; returns True when rows were shifted (the sheet cannot be read)."""
    mismatches = []
    for address, want in cells.items():
        found = sheet.cells.get(address)
        key = _found_key(found)
        if key != want and not (want[0] == "t" and want[1] == "" and key is None):
            mismatches.append((address, want, key))
        elif found is not None and not book.locked(found):
            add(finding("UNLOCKED_CELL", file=name, sheet=sheet.name, cell=address))
    if len(mismatches) >= 3 and check_values:
        shift = _row_shift(sheet, cells, mismatches)
        if shift:
            moved = "inserite" if shift > 0 else "eliminate"
            words = f"{abs(shift)} righe {moved} sopra la riga {shift_row(mismatches)}"
            add(finding("ROWS_SHIFTED", file=name, sheet=sheet.name, cell=mismatches[0][0], detail=words))
            return True
    for address, want, key in mismatches:
        if want[0] == "f" and key is not None and key[0] != "f":
            add(finding("FORMULA_REPLACED", file=name, sheet=sheet.name, cell=address, old="=" + want[1],
                        new=_show(key)))
        elif want[0] == "f":
            add(finding("FORMULA_CHANGED", file=name, sheet=sheet.name, cell=address, old="=" + want[1],
                        new=_show(key)))
        else:
            add(finding("LOCKED_CHANGED", file=name, sheet=sheet.name, cell=address, old=_show(want), new=_show(key)))
    return False


def shift_row(mismatches: list[tuple[str, list[Any], Any]]) -> int:
    return min(split_address(a)[1] for a, _, _ in mismatches)  # type: ignore[index]


def _row_shift(sheet: SheetData, cells: dict[str, list[Any]], mismatches: list[tuple[str, list[Any], Any]]) -> int:
    """The row offset (±1…±20) that explains most mismatched text cells, or 0."""
    texts = [(a, w) for a, w, _ in mismatches if w[0] == "t" and w[1]]
    by_value: dict[str, list[str]] = {}
    for address, cell in sheet.cells.items():
        key = _found_key(cell)
        if key and key[0] == "t":
            by_value.setdefault(key[1], []).append(address)
    votes: dict[int, int] = {}
    for address, want in texts:
        col, row = split_address(address)  # type: ignore[misc]
        for other in by_value.get(want[1], []):
            ocol, orow = split_address(other)  # type: ignore[misc]
            if ocol == col and orow != row and abs(orow - row) <= 20:
                votes[orow - row] = votes.get(orow - row, 0) + 1
    if not votes:
        return 0
    shift, count = max(votes.items(), key=lambda kv: kv[1])
    return shift if count >= max(2, len(texts) // 2) else 0


def _find_renamed(book: WorkbookData, issued: set[str], layout: CardLayout) -> str | None:
    title_cell = "A1"
    for sheet in book.sheets.values():
        if sheet.name in issued:
            continue
        cell = sheet.cells.get(title_cell)
        if cell is not None and isinstance(cell.value, str) and layout.card.card.title in cell.value:
            return sheet.name
    return None


def _text(cell: CellData | None) -> str | None:
    if cell is None or cell.value is None:
        return None
    if isinstance(cell.value, float):
        return f"{cell.value:g}"
    text = str(cell.value).strip()
    return text or None


def excel_date(value: float) -> dt.date | None:
    try:
        return (dt.datetime(1899, 12, 30) + dt.timedelta(days=float(value))).date()
    except (OverflowError, ValueError):
        return None


def _read_card(sheet: SheetData, layout: CardLayout, name: str, add: Any) -> CardReturn:
    cells = sheet.cells
    evaluator = _text(cells.get(layout.header_cell("evaluator")))
    if evaluator is None:
        add(finding("EVALUATOR_MISSING", file=name, sheet=sheet.name, cell=layout.header_cell("evaluator")))
    date_cell = cells.get(layout.header_cell("date"))
    date: str | None = None
    if date_cell is not None and is_number(date_cell.value):
        parsed = excel_date(date_cell.value)
        date = parsed.isoformat() if parsed else None
    if date is None:
        detail = f" (trovato «{_text(date_cell)}», non una data)" if _text(date_cell) else ""
        add(finding("DATE_MISSING", file=name, sheet=sheet.name, cell=layout.header_cell("date"), detail=detail))
    scores: dict[str, Value] = {}
    notes: dict[str, str | None] = {}
    for item in layout.items:
        cell = cells.get(item.cell("score"))
        value = cell.value if cell is not None else None
        if value == "":
            value = None
        scores[item.item.id] = value
        notes[item.item.id] = _text(cells.get(item.cell("note")))
        status = item_status(layout, item, value)
        where = {"file": name, "sheet": sheet.name, "cell": item.cell("score")}
        title = item.item.title if len(item.item.title) <= 50 else item.item.title[:49] + "…"
        label = f"{item.item.number} «{title}»"  # numbers repeat across sections; the title does not
        if status == STATUS_MISSING:
            add(finding("SCORE_MISSING", item=label, **where))
        elif status == STATUS_INVALID:
            add(invalid_score(item.item, value, label, **where))
        elif status == STATUS_GATE_FAILED:
            add(finding("GATE_FAILED", item=label, **where))
    result = evaluate(layout, scores, notes)
    _compare_cached(sheet, result, name, add, [layout.total_cell(key) for key in layout.totals])
    return CardReturn(layout.card.id, sheet.name, name, evaluator, date, scores, notes, result)


def _show_value(value: Value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _compare_cached(sheet: SheetData, result: CardResult, name: str, add: Any, totals: list[str]) -> None:
    """Values the spreadsheet cached against the Python recomputation; a file never recalculated has none.

    One finding per card: a stale or forged value usually drags every cell that depends on it along,
    so the finding sits on the most telling cell (the total first) and names the others.
    """
    cached_any = False
    stale: list[tuple[str, Value, Value]] = []
    for address, computed in result.cells.items():
        cell = sheet.cells.get(address)
        if cell is None or cell.formula is None:
            continue  # a missing or replaced formula is already reported
        if cell.value is None and cell.type != "str":
            continue
        cached_any = True
        if not values_equal(cell.value, computed):
            stale.append((address, cell.value, computed))
    if stale:
        rank = {address: i for i, address in enumerate(totals)}
        address, cached, computed = min(stale, key=lambda s: rank.get(s[0], len(rank)))
        others = [a for a, _, _ in stale if a != address]
        listed = ", ".join(others[:12]) + (" …" if len(others) > 12 else "")
        add(finding("CACHED_MISMATCH", file=name, sheet=sheet.name, cell=address, cached=_show_value(cached),
                    computed=_show_value(computed),
                    others=f"; differiscono anche {len(others)} altre celle: {listed}" if others else ""))
    if not cached_any:
        add(finding("NO_CACHED_VALUES", file=name, sheet=sheet.name,
                    detail="i totali mostrati non sono verificabili; vale il ricalcolo"))
