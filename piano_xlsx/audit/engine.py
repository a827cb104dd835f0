"""The independent formula engine: the workbook's own formulas and inputs, computed by the `formulas` library.

Why `formulas` (vinci1it2000/formulas) and not our Python model: the model is
our reading of the plan; an auditor needs a second party that reads only the
cells found in the file. Why `formulas` rather than pycel: it was already a
dependency, it parses every function our workbooks use (IF, AND, SUM, SUMIF,
COUNTIF, ISBLANK, ISNUMBER, MATCH, SUMPRODUCT, INDEX on another sheet, ROUND/ROUNDUP/
ROUNDDOWN, text concatenation), it agrees with LibreOffice on every formula
cell of the three bundled plans, and it can be fed cells directly (no second
parse of the file by openpyxl) and re-run with some cells overridden, which
the explanations need. Measured on this machine (Python 3.11, formulas 1.3.4),
for a LibreOffice-saved workbook of 3–4 cards (340–370 cells, about 90–100
formulas): compiling the model takes 0.5–0.9 s, computing it 0.1–0.3 s, plus a
one-off 1.5 s the first time in a process (the library compiles its grammar);
loading the same file with `formulas.ExcelModel().loads()` (through openpyxl)
takes 0.5–0.65 s + 0.1 s, so feeding our own reader's cells costs nothing
noticeable and keeps one safe XML reader for untrusted files.

Untrusted files: formulas are compiled one by one; a formula the library
cannot parse, one that refers to a range larger than `MAX_RANGE_CELLS`, or
more than `MAX_FORMULAS` formulas in all, is not computed and is reported,
never raised.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import column_index_from_string

from piano_xlsx.audit.aliases import SheetAliases
from piano_xlsx.errors import FileRefused
from piano_xlsx.reader.xlsx import split_address

MAX_FORMULAS = 2_000  # about 7 ms each to compile; an issued card has 20–40
MAX_ENGINE_CELLS = 30_000  # formulas and the constants they refer to
MAX_FORMULA_LENGTH = 8_192  # Excel's own limit
MAX_RANGE_CELLS = 200_000  # one reference; a whole column is 1,048,576 cells
BOOK = "libro"  # the file name inside engine keys: any fixed name works, formulas refer to sheets only

Key = tuple[str, str]  # (sheet, cell address)

_COL = r"\$?[A-Za-z]{1,3}"
_ROW = r"\$?\d{1,7}"
_RANGE = re.compile(rf"(?<![A-Za-z0-9_.])({_COL})?({_ROW})?:({_COL})?({_ROW})?(?![A-Za-z0-9_(])")
_STRING = re.compile(r'"(?:[^"]|"")*"')


class EngineRefused(FileRefused):
    """The workbook is beyond the engine's limits; the message (Italian) says which."""


@dataclass
class Source:
    """What one cell holds for the engine: a formula (without '='), or a constant value."""

    formula: str | None = None
    value: Any = None
    error: bool = False  # the constant is an Excel error such as #N/A


@dataclass
class Problem:
    sheet: str
    cell: str
    reason: str  # Italian, for the finding


@dataclass
class Computed:
    values: dict[Key, Any]
    seconds: float


def _col_number(letters: str) -> int:
    """A column of a formula's reference ('$b', 'AA') as a number."""
    return column_index_from_string(letters.lstrip("$").upper())


def largest_range(formula: str) -> int:
    """The number of cells of the largest A1:B2, A:A or 1:1 reference in a formula (string literals ignored)."""
    text = _STRING.sub('""', formula)
    largest = 0
    for match in _RANGE.finditer(text):
        c1, r1, c2, r2 = match.groups()
        if not ((c1 or r1) and (c2 or r2)):
            continue
        cols = abs(_col_number(c2) - _col_number(c1)) + 1 if c1 and c2 else 16_384
        rows = abs(int(r2.lstrip("$")) - int(r1.lstrip("$"))) + 1 if r1 and r2 else 1_048_576
        largest = max(largest, cols * rows)
    return largest


def engine_key(sheet: str, cell: str) -> str:
    return "'[" + BOOK + "]" + sheet.replace("'", "''") + "'!" + cell


class Model:
    """A workbook compiled by `formulas`: build once, compute as often as needed with some cells overridden."""

    def __init__(self, cells: dict[str, dict[str, Source]], *, also: Iterable[Key] = ()) -> None:
        """Compile the formulas of `cells` (sheet -> address -> source) and the constants they refer to.

        Args:
            cells: the workbook's cells as the engine must see them.
            also: addresses that must exist in the model even when empty or unreferenced (they may be overridden).

        Raises:
            EngineRefused: the workbook is beyond the engine's limits (too many formulas or cells).
        """
        import formulas

        excel_semantics()
        self.problems: list[Problem] = []
        self._keys: dict[str, Key] = {}  # engine output name -> (sheet, cell)
        self._outputs: dict[Key, str] = {}
        self.model = formulas.ExcelModel()
        also = list(also)
        self.sheets = SheetAliases([*cells, *(sheet for sheet, _ in also)])
        sources = {(s, a): src for s, by_addr in cells.items() for a, src in by_addr.items()}
        formula_keys = [key for key, src in sources.items() if src.formula is not None]
        if len(formula_keys) > MAX_FORMULAS:
            raise EngineRefused(f"{len(formula_keys):,} formule, oltre il limite di {MAX_FORMULAS:,}".replace(",", "."))
        compiled = {key: self._formula(key, sources[key].formula or "") for key in formula_keys}
        needed = _referenced(compiled.values(), [key for key, src in sources.items() if src.formula is None],
                             self.sheets)
        needed.update(key for key in also if key not in compiled)
        if len(compiled) + len(needed) > MAX_ENGINE_CELLS:
            raise EngineRefused(f"{len(compiled) + len(needed):,} celle da ricalcolare, oltre il limite di "
                                f"{MAX_ENGINE_CELLS:,}".replace(",", "."))
        for key in needed:
            compiled[key] = self._constant(key, sources.get(key, Source()))
        for key, cell in compiled.items():
            try:
                cell.add(self.model.dsp)
            except Exception as exc:  # noqa: BLE001 - a third-party library on untrusted content may raise anything
                self.problems.append(Problem(*key, f"formula non compilabile ({type(exc).__name__})"))
                continue
            self.model.cells[cell.output] = cell
            self._keys[cell.output] = key
            self._outputs[key] = cell.output
        self.model.assemble()
        self.model.inverse_references()

    def _formula(self, key: Key, formula: str) -> Any:
        """A compiled formula cell; one the engine refuses or cannot parse becomes an empty cell, reported."""
        from formulas.cell import Cell

        reason = None
        if len(formula) > MAX_FORMULA_LENGTH:
            reason = f"formula più lunga di {MAX_FORMULA_LENGTH} caratteri"
        elif largest_range(formula) > MAX_RANGE_CELLS:
            reason = "riferimento a un intervallo troppo esteso"
        else:
            try:
                return Cell(self._name(key), "=" + self.sheets.formula(formula)).compile(references={})
            except Exception as exc:  # noqa: BLE001 - a third-party parser on untrusted text may raise anything
                reason = f"formula non interpretabile ({type(exc).__name__})"
        self.problems.append(Problem(*key, reason))
        return self._constant(key, Source())  # dependents see an empty cell

    def _name(self, key: Key) -> str:
        return engine_key(self.sheets(key[0]), key[1])

    def _constant(self, key: Key, source: Source) -> Any:
        import schedula as sh
        from formulas.cell import Cell

        name = self._name(key)
        if source.error and isinstance(source.value, str):
            try:
                return Cell(name, "=" + source.value).compile(references={})
            except Exception:  # noqa: BLE001 - an unknown error text is just text
                return Cell(name, source.value, check_formula=False)
        if source.value is None:
            return Cell(name, [[sh.EMPTY]])
        return Cell(name, source.value, check_formula=False)

    def compute(self, overrides: dict[Key, Any] | None = None) -> Computed:
        """Every cell's value; `overrides` replaces some cells' values (formulas included) for this run only."""
        started = time.perf_counter()
        inputs = {self._outputs[key]: value for key, value in (overrides or {}).items() if key in self._outputs}
        solution = self.model.calculate(inputs=inputs) if inputs else self.model.calculate()
        values: dict[Key, Any] = {}
        for output, key in self._keys.items():
            if output in solution:
                values[key] = plain(solution[output])
        return Computed(values, time.perf_counter() - started)


_PATCHED: list[bool] = []


def excel_semantics() -> None:
    """Make `formulas` agree with Excel and LibreOffice where it does not (checked against LibreOffice in the tests).

    formulas 1.3.4 answers ISNUMBER("8") with TRUE: it converts the text before testing it. Excel and
    LibreOffice answer FALSE, and our status formulas depend on it: a score pasted as text is "Non ammesso".
    """
    if _PATCHED:
        return
    import functools

    import formulas
    import numpy as np
    from formulas.functions import wrap_ranges_func
    from formulas.functions.info import FalseArray, iserror

    def is_number(value: Any) -> bool:
        return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))

    formulas.get_functions()["ISNUMBER"] = wrap_ranges_func(functools.partial(iserror, check=is_number,
                                                                              array=FalseArray))
    _PATCHED.append(True)


def _referenced(compiled: Iterable[Any], constants: list[Key], sheets: SheetAliases) -> set[Key]:
    """The constants that some formula refers to (a cell, or inside a range); the others cannot change a result."""
    import numpy as np
    from formulas.ranges import Ranges

    rects: dict[str, list[tuple[int, int, int, int]]] = {}
    for cell in compiled:
        for name in getattr(cell, "inputs", None) or {}:
            try:
                r = Ranges().push(name).ranges[0]
                rects.setdefault(str(r["sheet"]).upper(), []).append(
                    (int(r["n1"]), int(r["r1"]), int(r["n2"]), int(r["r2"])))
            except Exception:  # noqa: BLE001 - a reference the library cannot read back refers to nothing here
                continue
    by_sheet: dict[str, list[Key]] = {}
    for key in constants:
        if sheets(key[0]).upper() in rects:
            by_sheet.setdefault(sheets(key[0]).upper(), []).append(key)
    out: set[Key] = set()
    for sheet, keys in by_sheet.items():
        places = [split_address(a) or ("", 0) for _, a in keys]
        cols = np.array([_col_number(c) if c else 0 for c, _ in places])
        rows = np.array([r for _, r in places])
        hit = np.zeros(len(keys), dtype=bool)
        for c1, r1, c2, r2 in rects[sheet]:
            hit |= (cols >= min(c1, c2)) & (cols <= max(c1, c2)) & (rows >= min(r1, r2)) & (rows <= max(r1, r2))
        out.update(key for key, h in zip(keys, hit, strict=True) if h)
    return out


def plain(result: Any) -> Any:
    """A `formulas` result as a plain Python value: float, str, bool, None (empty), or the error text ('#DIV/0!')."""
    from formulas.tokens.operand import XlError

    value = getattr(result, "value", result)
    shape = getattr(value, "shape", None)
    if shape is not None:
        value = value[0, 0] if len(shape) == 2 and shape[0] and shape[1] else None
    elif isinstance(value, list) and value and isinstance(value[0], list):
        value = value[0][0]
    if isinstance(value, XlError):
        return str(value)
    if value is None or type(value).__name__ == "Token":  # schedula's EMPTY
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return value if isinstance(value, str) else str(value)


@dataclass
class EngineRun:
    """The found workbook, and (when it differs) the workbook with the issued formulas and constants restored."""

    found: Model
    found_values: dict[Key, Any]
    issued: Model | None = None
    issued_values: dict[Key, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def expected(self, key: Key) -> Any:
        """What the issued content computes for this cell from the workbook's own inputs."""
        if self.issued is None:
            return self.found_values.get(key)
        return self.issued_values.get(key)
