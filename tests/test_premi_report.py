"""The Premi sheet as a person sees it: the demo's consolidated report printed by LibreOffice."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from test_audit_reports import _is_png, _update_docs, render_xlsx_page

from piano_xlsx.demo import run_demo


def test_the_demo_shows_a_premi_sheet(tmp_path: Path) -> None:
    demo = run_demo(tmp_path / "demo", use_libreoffice=False)
    workbook = openpyxl.load_workbook(demo.collect_report)
    assert "Premi" in workbook.sheetnames
    texts = [c.value for row in workbook["Premi"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "Comune di Esempio: 9.000,00 € × 10 % × 300/365 × 51 % = 377,26 €" in "\n".join(texts)
    png = render_xlsx_page(demo.collect_report, tmp_path / "pdf", "Importi per persona")
    assert _is_png(png)
    _update_docs(png, "report-premi.png")
