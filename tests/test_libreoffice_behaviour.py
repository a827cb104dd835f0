"""What LibreOffice Calc keeps of a generated workbook when it saves it as .xlsx.

collect and audit rely on these facts (a re-saved, untouched return must verify clean);
if a LibreOffice release changes one of them, this test says which.
"""

from __future__ import annotations

import openpyxl
from support import EXAMPLE_PLAN, generate_plan, libreoffice_convert, plan_layouts

from piano_xlsx.plan.resolve import MANIFEST_SHEET


def test_what_libreoffice_keeps_when_it_saves(tmp_path):
    loaded, issued = generate_plan(EXAMPLE_PLAN, tmp_path / "issued")
    saved = libreoffice_convert(issued, tmp_path / "saved")[0]
    before, after = openpyxl.load_workbook(issued[0]), openpyxl.load_workbook(saved)
    assert before.security.lockStructure  # what we issue
    # kept: every sheet's protection, the list validations, the manifest (very hidden becomes hidden)
    assert all(ws.protection.sheet for ws in after.worksheets)
    assert after[MANIFEST_SHEET].sheet_state == "hidden"
    for layout in plan_layouts(loaded):
        ws = after[layout.sheet]
        ranges = [str(r) for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges]
        assert all(item.cell("score") in " ".join(ranges) for item in layout.items)
    # not kept: LibreOffice writes an empty <workbookProtection/> (structure no longer locked)
    assert not (after.security and after.security.lockStructure)
