"""check on the money part of a plan, and the HR data it carries or collect reads from a file."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from piano_xlsx.hr.read import read_hr_file
from piano_xlsx.plan.check import check_plan
from piano_xlsx.plan.loader import load_plan_text

BASE = """
plan: {id: p, ente: Comune, title: Piano, year: 2024}
scales: [{id: s, values: [4, 6, 8, 10]}]
default_scale: s
bands:
  - id: f
    rounding: {mode: round, decimals: 0}
    bands:
      - {label: Bassa, max: 60, percent: 0}
      - {label: Alta, min: 60, min_inclusive: false, percent: 10}
default_bands: f
evaluatees: [{id: a, name: A}, {id: b, name: B}]
cards:
  - {id: ca, title: Scheda A, evaluatee: a, sections: [{id: s, title: S, items: [{title: X, weight: 100}]}]}
  - {id: cb, title: Scheda B, evaluatee: b, sections: [{id: s, title: S, items: [{title: X, weight: 100}]}]}
"""


def codes(extra: str) -> list[tuple[str, str | None]]:
    return [(f.code, f.where) for f in check_plan(load_plan_text(BASE + extra))
            if f.code.startswith(("PAYOUT_", "HR_", "PLAN_REF"))]


def test_a_complete_payout_is_clean() -> None:
    assert codes("""
payouts: [{id: r, mode: band_percent, bands: f, base: salary, day_count: actual}]
hr: [{evaluatee: a, base: 9000}, {evaluatee: b, base: 8000, days: 200}]
""") == []


def test_modes_without_their_parameters() -> None:
    found = codes("""
funds: [{id: orfano, title: Fondo senza gruppo, amount: 100}]
payouts:
  - {id: r, mode: fund_split, bands: f}
  - {id: t, mode: segments, cards: [zz]}
""")
    assert ("PAYOUT_PARAMETER_MISSING", "payouts[0].fund") in found
    assert ("PAYOUT_PARAMETER_MISSING", "payouts[0].coefficients") in found
    assert ("PAYOUT_PARAMETER_MISSING", "payouts[1].base") in found
    assert ("PAYOUT_PARAMETER_MISSING", "payouts[1].segments") in found
    assert ("PLAN_REF_UNKNOWN", "payouts[1].cards[0]") in found and ("PAYOUT_NO_CARDS", "payouts[1]") in found
    assert ("PAYOUT_FUND_NO_GROUP", "funds[0]") in found


def test_overlapping_segments_and_gaps() -> None:
    found = codes("""
payouts:
  - id: t
    mode: segments
    cards: [ca, cb]
    base: fixed
    amount: 1000
    segments:
      - {max: 60, share: 0}
      - {min: 60, max: 80, share: 50}
      - {min: 90, share: 100}
""")
    assert ("PAYOUT_SEGMENTS_OVERLAP", "payouts[0].segments[1]") in found
    assert ("PAYOUT_SEGMENTS_GAP", "payouts[0].segments[2]") in found


def test_coefficients_that_miss_a_band_and_rules_undecided() -> None:
    found = codes("""
funds: [{id: fp, title: Fondo, amount: 1000}]
payouts:
  - id: r
    mode: fund_split
    bands: f
    fund: fp
    coefficients: {Alta: 1, Altissima: 2}
    differentiated: {quota_percent: 10, increase_percent: 20}
hr: [{evaluatee: a, days: 100}]
""")
    assert [c for c, _ in found].count("PAYOUT_COEFFICIENT_BAND") == 2
    assert ("PAYOUT_RULE_UNDECIDED", "payouts[0].day_count") in found
    assert ("PAYOUT_RULE_UNDECIDED", "payouts[0].differentiated.tie") in found
    assert ("PAYOUT_RULE_UNDECIDED", "payouts[0].differentiated.funding") in found
    assert ("PAYOUT_INCREASE_BELOW_MINIMUM", "payouts[0].differentiated.increase_percent") in found


def test_hr_data_validated() -> None:
    found = codes("""
payouts: [{id: r, mode: band_percent, bands: f, base: salary, day_count: "360"}]
hr:
  - {evaluatee: a, base: 9000, days: 361, conventions: [{comune: X, share: 60}, {comune: Y, share: 30}]}
  - {evaluatee: nessuno, base: 1}
""")
    assert ("HR_DAYS_BEYOND_YEAR", "hr[0].days") in found
    assert ("HR_SHARES_NOT_100", "hr[0].conventions") in found
    assert ("HR_UNKNOWN_PERSON", "hr[1].evaluatee") in found
    assert ("HR_BASE_MISSING", "hr") in found  # b has no record and no base


def test_hr_file_in_italian_formats(tmp_path: Path) -> None:
    csv_file = tmp_path / "dati.csv"
    csv_file.write_text("Valutato;Base;Part-time;Dal;Comune;Quota\na;3.912,34;83,33 %;01/03/2024;X;51\n"
                        "a;;;;Y;49\nb;mille;;;;\n", encoding="utf-8-sig")
    records, findings = read_hr_file(csv_file)
    a = records[0]
    assert str(a.base) == "3912.34" and str(a.part_time) == "83.33" and a.start.isoformat() == "2024-03-01"
    assert [(c.comune, str(c.share)) for c in a.conventions] == [("X", "51"), ("Y", "49")]
    assert [(f.code, f.cell) for f in findings] == [("HR_VALUE_INVALID", "B4")]
    book = tmp_path / "dati.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Dati del personale"
    ws.append(["valutato", "base", "part time", "giorni"])
    ws.append(["a", 9000, 0.5, 300])  # a cell formatted as a percentage holds 0.5 for "50 %"
    ws["C2"].number_format = "0%"
    wb.save(book)
    records, findings = read_hr_file(book)
    assert findings == [] and str(records[0].part_time) == "50.0" and records[0].days == 300


def test_a_card_paid_twice_and_a_person_given_twice() -> None:
    found = codes("""
payouts:
  - {id: r, mode: band_percent, bands: f, base: salary}
  - {id: s, mode: classification, cards: [ca]}
hr: [{evaluatee: a, base: 1}, {evaluatee: a, base: 2}, {evaluatee: b, base: 3}]
""")
    assert ("PAYOUT_CARD_TWICE", "payouts") in found
    assert ("HR_DUPLICATE", "hr[1].evaluatee") in found


def test_hr_file_with_two_values_for_one_field(tmp_path: Path) -> None:
    csv_file = tmp_path / "dati.csv"
    csv_file.write_text("valutato,base\na,100\na,200\n", encoding="utf-8")
    _, findings = read_hr_file(csv_file)
    assert [(f.code, f.cell) for f in findings] == [("HR_DUPLICATE", "A3")]
