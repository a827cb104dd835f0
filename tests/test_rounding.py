"""The one rounding function against LibreOffice Calc: ROUND, ROUNDDOWN and ROUNDUP on totals near a half.

The workbook's Python twin and `check`'s band reachability both use
`excel_round`; here the real Calc computes the same formulas and every cell
must agree, to the bit.
"""

from __future__ import annotations

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from support import libreoffice_convert

from piano_xlsx.plan.model import Rounding
from piano_xlsx.plan.rounding import excel_round, rounded_total
from piano_xlsx.workbook import computation

FUNCTIONS = {"round": "ROUND", "floor": "ROUNDDOWN", "ceil": "ROUNDUP"}
DECIMALS = (0, 1, 2, 3)

# Values written as numbers: each is exactly the double Calc reads back (16 significant digits at most).
WRITTEN = [40.4999999999, -40.4999999999, 40.5, -40.5, 40.49999999999999, 40.49999999999, 0.4999999999999999,
           40.0000000001, 40.9999999999, 2.25, 0.045, 0.0449999999999999, 1e-16, 77.5, 99.99999999999]
# Values computed by Calc itself: doubles a hair off the decimal they stand for (28.499999999999996, …).
COMPUTED = [  # (formula, the same arithmetic in Python)
    ("0.285*100", 0.285 * 100), ("1.005*100", 1.005 * 100), ("4.35*100", 4.35 * 100), ("2.675*10", 2.675 * 10),
    ("1.15*3", 1.15 * 3), ("0.1*3", 0.1 * 3), ("80/3", 80 / 3), ("1-1E-15", 1 - 1e-15),
    ("20*8/10+15*6/10+5*10/10+5*4/10+30*6/10", 20 * 8 / 10 + 15 * 6 / 10 + 5 * 10 / 10 + 5 * 4 / 10 + 30 * 6 / 10),
    ("26.66666666666667*3*6/10", 26.66666666666667 * 3 * 6 / 10),
]


@pytest.fixture(scope="module")
def calc(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[float, int, str], float]:
    """(value, decimals, mode) -> what Calc computes, for every value above."""
    values = [(v, v) for v in WRITTEN] + [("=" + formula, value) for formula, value in COMPUTED]
    assert all(float(f"{v:.16g}") == v for v in WRITTEN), "a written value would not reach Calc unchanged"
    wb = openpyxl.Workbook()
    ws = wb.active
    # one value per column: Calc merges adjacent rows of near-equal constant formulas into one group
    for column, (cell_value, _) in enumerate(values, start=1):
        ws.cell(1, column, cell_value)
        row = 2
        for mode in FUNCTIONS:
            for decimals in DECIMALS:
                ws.cell(row, column, f"={FUNCTIONS[mode]}({get_column_letter(column)}1,{decimals})")
                row += 1
    source = tmp_path_factory.mktemp("rounding") / "rounding.xlsx"
    wb.save(source)
    saved = openpyxl.load_workbook(libreoffice_convert([source], source.parent / "calc")[0], data_only=True).active
    out = {}
    for column, (_, value) in enumerate(values, start=1):
        row = 2
        for mode in FUNCTIONS:
            for decimals in DECIMALS:
                out[(value, decimals, mode)] = saved.cell(row, column).value
                row += 1
    return out


def test_every_rounding_is_what_calc_computes(calc: dict[tuple[float, int, str], float]) -> None:
    differ = {key: (computed, excel_round(*key)) for key, computed in calc.items() if excel_round(*key) != computed}
    assert not differ, differ  # (value, decimals, mode): (Calc, excel_round)
    assert len(calc) == (len(WRITTEN) + len(COMPUTED)) * len(FUNCTIONS) * len(DECIMALS)


def test_a_hair_below_a_half_rounds_down_as_in_calc(calc: dict[tuple[float, int, str], float]) -> None:
    # x.4999999999: the old reachability rounding read it to 9 decimals first and gave 41
    assert calc[(40.4999999999, 0, "round")] == excel_round(40.4999999999, 0, "round") == 40
    assert calc[(-40.4999999999, 0, "round")] == excel_round(-40.4999999999, 0, "round") == -40
    # Calc reads ROUNDDOWN's argument to 12 significant digits first: 40.49999999999 counts as 40.5
    assert calc[(40.49999999999, 1, "floor")] == excel_round(40.49999999999, 1, "floor") == 40.5
    # a product that stands for 28.5 but is 28.499999999999996 as a double: ROUND to units keeps the double
    assert calc[(0.285 * 100, 0, "round")] == excel_round(0.285 * 100, 0, "round") == 28
    assert calc[(0.285 * 100, 1, "round")] == excel_round(0.285 * 100, 1, "round") == 28.5


def test_the_workbook_model_uses_this_function() -> None:
    assert computation.excel_round is excel_round  # the Python twin of the card's ROUND cell


@pytest.mark.parametrize("mode, decimals, total, expected", [
    ("round", 0, 40.5, 41), ("round", 0, 40.49, 40), ("round", 1, 2.25, 2.3), ("round", 0, 2.675 * 10, 27),
    ("floor", 0, 40.99, 40), ("ceil", 0, 40.01, 41), ("none", 0, 40.5, 40.5),
])
def test_rounded_total(mode: str, decimals: int, total: float, expected: float) -> None:
    assert rounded_total(total, Rounding(mode=mode, decimals=decimals)) == expected


def test_rounded_total_undecided_leaves_the_total() -> None:
    assert rounded_total(40.5, None) == 40.5


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError):
        excel_round(1.5, 0, "banker")
