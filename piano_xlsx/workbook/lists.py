"""The list sheet: values of long or decimal scales, and band tables, which dropdowns and card formulas read.

Why a sheet (SPEC §8): Excel keeps an inline list validation ("4,6,8,10") only up to 255 characters, and a
value of an inline list is typed text to LibreOffice, so "0.5" is no number where the decimal separator is a
comma. A scale whose list cannot be inline is written here, one number per cell, and its dropdowns and status
formulas read that range. The band lookup must work for any number of bands (LibreOffice's CHOOSE takes at
most 30 values, Excel nests at most 64 IFs), so every band set is written here as a table of the regions its
edges cut the number line into, which a card finds with SUMPRODUCT and INDEX (see `BandTable`).

The sheet depends on the plan only, not on which cards a workbook holds, so a card's formulas are the same in
every workbook that carries it. It is hidden and protected, and the manifest records it like any other sheet.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter, range_boundaries

from piano_xlsx.plan.dropdowns import listed, show
from piano_xlsx.plan.model import Band, Plan, Scale
from piano_xlsx.plan.resolve import LISTS_SHEET, NEUTRALISED

BAND_OUTSIDE = "Fuori fascia"
FIRST_ROW = 3  # row 1: what the block is; row 2: the headings of its columns


def range_source_change(issued: str, found: str | None) -> str | None:
    """How a list validation's source differs from the range issued ("=Elenchi!$A$3:$A$203"), in Italian;
    None when it reads the same cells (quotes, case and '$' do not matter)."""
    want, have = _range_ref(issued), _range_ref(found)
    if have is not None and have == want:
        return None
    was = issued.lstrip("=")
    now = (found or "").strip()
    if have is None:
        return f"l'elenco ora è «{now}» invece dei valori dell'intervallo «{was}»"
    if want is not None and have[0] == want[0] and _covers(have[1], want[1]):
        return f"ampliata: l'elenco ora è preso da «{now}» invece che da «{was}»"
    return f"l'elenco ora è preso da «{now}» invece che da «{was}»"


def is_range_source(allowed: str) -> bool:
    """A validation recorded in the manifest as a range of the list sheet (else as an inline list)."""
    return allowed.startswith("=")


def _range_ref(text: str | None) -> tuple[str, tuple[int, int, int, int]] | None:
    sheet, sep, ref = (text or "").strip().lstrip("=").rpartition("!")
    if not sep:
        return None
    if len(sheet) > 1 and sheet[0] == sheet[-1] == "'":
        sheet = sheet[1:-1].replace("''", "'")
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    except (ValueError, TypeError):
        return None
    if min_col is None or min_row is None or max_col is None or max_row is None:  # a whole row or column
        return None
    return sheet.casefold(), (min_col, min_row, max_col, max_row)


def _covers(outer: tuple[int, int, int, int], inner: tuple[int, int, int, int]) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and outer[2] >= inner[2] and outer[3] >= inner[3]


# ---------------------------------------------------------------- bands


def band_index(bands: Sequence[Band], value: float) -> int:
    """The 1-based index of the first band holding `value`, 0 when none does."""
    for index, band in enumerate(bands, start=1):
        if band.contains(value):
            return index
    return 0


@dataclass(frozen=True)
class BandTable:
    """A band set cut at every band edge p1 < … < pn into 2n+1 regions: below p1, exactly p1, between p1 and
    p2, exactly p2, …, above pn.

    A value's region is (edges below it) + (edges at or below it), which SUMPRODUCT counts in one formula in
    every engine (computation.band_region_expr, and its twin band_region); a band holds a whole region or none
    of it, so a table of 2n+1 rows replaces any chain of comparisons, with inclusive and exclusive edges and
    gaps kept as the plan states them.
    """

    edges: tuple[float, ...]  # ascending, never empty
    band_at: tuple[int, ...]  # per region: 1-based band index, 0 outside every band
    descriptions: tuple[str, ...]  # per region, for whoever reads the sheet


BandKey = tuple[float | None, bool, float | None, bool]  # a band's edges, all its table depends on


def _band_key(band: Band) -> BandKey:
    return (band.min, band.min_inclusive, band.max, band.max_inclusive)


def band_table(bands: Sequence[Band]) -> BandTable:
    return _band_table(tuple(_band_key(b) for b in bands))


@functools.lru_cache(maxsize=256)  # collect evaluates every card returned: build each band set's table once
def _band_table(keys: tuple[BandKey, ...]) -> BandTable:
    bands = [Band(label="", min=lo, min_inclusive=lo_in, max=hi, max_inclusive=hi_in, percent=0)
             for lo, lo_in, hi, hi_in in keys]
    edges = sorted({float(e) for b in bands for e in (b.min, b.max) if e is not None}) or [0.0]
    # one value inside each region tells which band holds the whole region
    probes, descriptions = [edges[0] - 1 - abs(edges[0])], [f"meno di {show(edges[0])}"]
    for k, edge in enumerate(edges):
        probes.append(edge)
        descriptions.append(f"esattamente {show(edge)}")
        if k + 1 < len(edges):
            probes.append((edge + edges[k + 1]) / 2)
            descriptions.append(f"più di {show(edge)} e meno di {show(edges[k + 1])}")
        else:
            probes.append(edge + 1 + abs(edge))
            descriptions.append(f"più di {show(edge)}")
    return BandTable(tuple(edges), tuple(band_index(bands, p) for p in probes), tuple(descriptions))


# ---------------------------------------------------------------- the sheet


@dataclass(frozen=True)
class BandRanges:
    """Where a band set's table sits on the list sheet (absolute references for the card formulas)."""

    edges: str
    labels: str
    percents: str


@dataclass
class ListSheet:
    entries: dict[str, tuple[str | float, str]] = field(default_factory=dict)  # address -> (value, style)
    widths: dict[str, float] = field(default_factory=dict)  # column letter -> width
    scales: dict[tuple[str, bool], str] = field(default_factory=dict)  # (scale id, with N.V.) -> range
    bands: dict[str, BandRanges] = field(default_factory=dict)  # band set id -> its table

    def scale_range(self, scale: Scale, neutralisable: bool) -> str | None:
        """The range a dropdown of this scale reads, None when the scale is not on the sheet (inline list)."""
        return self.scales.get((scale.id, neutralisable))


def _column(sheet: ListSheet, column: int, heading: str, values: Sequence[str | float | None], style: str,
            width: float) -> str:
    """One column of a block from FIRST_ROW down; returns its absolute range."""
    letter = get_column_letter(column)
    sheet.entries[f"{letter}{FIRST_ROW - 1}"] = (heading, "table_header")
    for row, value in enumerate(values, start=FIRST_ROW):
        if value is not None:
            sheet.entries[f"{letter}{row}"] = (value, style if not isinstance(value, str) else "text")
    sheet.widths[letter] = width
    last = FIRST_ROW + len(values) - 1
    if last == FIRST_ROW:  # one cell: Gnumeric would rewrite A3:A3 as A3
        return f"{LISTS_SHEET}!${letter}${FIRST_ROW}"
    return f"{LISTS_SHEET}!${letter}${FIRST_ROW}:${letter}${last}"


def list_sheet(plan: Plan) -> ListSheet:
    """What the list sheet of every workbook of this plan holds; empty when no card needs it.

    Blocks from left to right, one empty column between them: each listed scale (its values; its values
    and N.V.), then each band set (edges; per region its description, band label and percentage).
    """
    sheet = ListSheet()
    column = 1
    seen: set[str] = set()
    for scale in plan.scales:
        if scale.id in seen or not listed(scale):  # on a repeated id the first counts, as in resolve
            continue
        seen.add(scale.id)
        sheet.entries[f"{get_column_letter(column)}1"] = (f"Scala «{scale.title or scale.id}»", "heading")
        values = list(scale.numbers())
        sheet.scales[(scale.id, False)] = _column(sheet, column, "Valori", values, "list_value", 12)
        sheet.scales[(scale.id, True)] = _column(sheet, column + 1, f"Valori e {NEUTRALISED}",
                                                 [*values, NEUTRALISED], "list_value", 12)
        column += 3
    seen = set()
    for bandset in plan.bands:
        if bandset.id in seen:
            continue
        seen.add(bandset.id)
        table = band_table(bandset.bands)
        # a region in no band shows the author's outcome where the plan states one (BandSet.outside)
        outside = bandset.outside
        labels = [bandset.bands[i - 1].label if i else (outside.label if outside else BAND_OUTSIDE)
                  for i in table.band_at]
        stated = [bandset.bands[i - 1].percent if i else (outside.percent if outside else None)
                  for i in table.band_at]
        percents = [None if p is None else float(p) / 100 for p in stated]  # empty: no percentage (classifies)
        sheet.entries[f"{get_column_letter(column)}1"] = (f"Fasce «{bandset.id}»", "heading")
        edges = _column(sheet, column, "Soglie", list(table.edges), "list_value", 10)
        _column(sheet, column + 1, "Punteggio", list(table.descriptions), "text", 30)
        sheet.bands[bandset.id] = BandRanges(
            edges=edges,
            labels=_column(sheet, column + 2, "Fascia", labels, "text", 30),
            percents=_column(sheet, column + 3, "Percentuale", percents, "percent", 12))
        column += 5
    return sheet
