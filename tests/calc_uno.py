"""Choose values from a workbook's dropdowns in a real LibreOffice Calc, then save it as .xlsx.

Run by Debian's python3 (package python3-uno), not by the project's virtual environment:

    python3 calc_uno.py PROFILE SOURCE TARGET < picks.json > done.json

PROFILE is a LibreOffice user installation (its registrymodifications.xcu sets the locale). A pick
{"sheet", "cell", "entry"} takes the entry-th value (0-based) of the list the cell's validation names, as
Calc shows it (a number in the locale's format: "37,5" in Italian), and enters that text into the cell as
typed input, which Calc parses with the document's locale: that is what choosing from a dropdown does (Calc
enters the chosen entry's text as if typed). A pick {"sheet", "cell", "text"} enters a text as typed. The
text goes in through the cell's FormulaLocal property: the same parsing as the view's input line, without
the view (headless Calc 7.4 aborts from a timer a few seconds after input through the view's dispatcher).
For each pick the output says what was entered and what the cell then holds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def list_entries(doc: object, formula1: str) -> list[str]:
    """The dropdown's entries as Calc shows them: an inline list ("Sì";"No"), or a range ($Elenchi.$A$3:$A$203)."""
    text = formula1.strip()
    if text.startswith('"'):
        return [part.strip('"') for part in text.split(";")]
    sheet, _, ref = text.rpartition(".")
    sheet = sheet.lstrip("$").strip("'").replace("''", "'")
    cells = doc.Sheets.getByName(sheet).getCellRangeByName(ref.replace("$", ""))  # type: ignore[attr-defined]
    return [cells.getCellByPosition(0, row).getString() for row in range(cells.Rows.Count)]


def run(profile: str, source: str, target: str, picks: list[dict[str, object]]) -> list[dict[str, object]]:
    pipe = "piano-xlsx-" + uuid.uuid4().hex
    office_args = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--invisible", "--norestore"]
    # a fresh profile is completed on the first start, which then restarts the office: do it before connecting
    subprocess.run([*office_args, "--terminate_after_init"], capture_output=True, timeout=300, check=True)
    office = subprocess.Popen([*office_args, f"--accept=pipe,name={pipe};urp;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    desktop = None
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(300):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # noqa: BLE001 - not listening yet
                time.sleep(0.2)
        else:
            raise RuntimeError("LibreOffice did not start")
        smgr = ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(source)), "_blank", 0,
                                           (prop("Hidden", True),))
        done = []
        for pick in picks:
            sheet = doc.Sheets.getByName(pick["sheet"])
            cell = sheet.getCellRangeByName(pick["cell"])
            if "entry" in pick:
                text = list_entries(doc, cell.Validation.getFormula1())[int(pick["entry"])]  # type: ignore[arg-type]
            else:
                text = str(pick["text"])
            cell.FormulaLocal = text  # entered as typed: parsed with the document's locale (UI notation)
            kind = cell.getType().value  # VALUE, TEXT, FORMULA or EMPTY
            done.append({**pick, "entered": text, "kind": kind,
                         "value": cell.getValue() if kind == "VALUE" else cell.getString()})
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(target)),
                       (prop("FilterName", "Calc MS Excel 2007 XML"),))
        return done  # the document closes as LibreOffice quits
    finally:
        if desktop is not None:
            try:
                desktop.terminate()
            except Exception:  # noqa: BLE001 - the bridge closes as LibreOffice quits
                pass
        try:
            office.wait(timeout=60)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    json.dump(run(*sys.argv[1:4], json.load(sys.stdin)), sys.stdout)
