"""Type text into cells with the REAL LibreOffice Calc, set to a locale, as a person types it on the keyboard.

Headless, without UNO from Python: a fresh LibreOffice profile gets its locale setting (Tools > Options >
Language settings > Languages > Locale setting, `ooSetupSystemLocale`) and a Basic macro that opens the
workbook, selects each cell and sends it the text through the `.uno:EnterString` command — the command the
input line uses, so the text is read by Calc's number recogniser for that locale, in that cell's number format.
The macro then saves the workbook as .xlsx.

What this does NOT exercise: the data validation's stop alert, which Calc shows only to a person typing (the
command writes the value without asking); the tests check the validation itself separately.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from support import soffice

_LOCALE = ('<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">'
           '<value>{locale}</value></prop></item>\n')

_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Main
  On Error Goto Failed
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = "Hidden" : load(0).Value = True
  doc = StarDesktop.loadComponentFromURL({source}, "_blank", 0, load())
  ctrl = doc.getCurrentController()
  frame = ctrl.getFrame()
  dispatcher = createUnoService("com.sun.star.frame.DispatchHelper")
  sheets = Array({sheets})
  cells = Array({cells})
  texts = Array({texts})
  Dim typed(0) As New com.sun.star.beans.PropertyValue
  For i = 0 To UBound(texts)
    sheet = doc.Sheets.getByName(sheets(i))
    ctrl.setActiveSheet(sheet)
    ctrl.select(sheet.getCellRangeByName(cells(i)))
    typed(0).Name = "StringName" : typed(0).Value = texts(i)
    dispatcher.executeDispatch(frame, ".uno:EnterString", "", 0, typed())
  Next
  Dim save(0) As New com.sun.star.beans.PropertyValue
  save(0).Name = "FilterName" : save(0).Value = "Calc MS Excel 2007 XML"
  doc.storeToURL({target}, save())
  doc.close(True)
Failed:
  StarDesktop.terminate()
End Sub
</script:module>"""


def _basic(text: str) -> str:
    """A Basic string literal, XML-escaped for the module file."""
    literal = '"' + text.replace('"', '""') + '"'
    return literal.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def type_in_calc(source: Path, target: Path, typed: list[tuple[str, str, str]], *, locale: str = "it-IT") -> Path:
    """Open `source` in Calc set to `locale`, type each (sheet, cell, text), save as `target` (.xlsx)."""
    binary = soffice()
    profile = Path(tempfile.gettempdir()) / f"piano-xlsx-lo-typing-{uuid.uuid4().hex}"
    env = {**os.environ, "HOME": str(profile)}
    url = f"-env:UserInstallation=file://{profile}"
    try:
        # first run: LibreOffice makes the profile (its settings file and the Basic library folders)
        scratch = profile / "scratch"
        scratch.mkdir(parents=True)
        (scratch / "empty.csv").write_text("x\n", encoding="utf-8")
        subprocess.run([binary, url, "--headless", "--norestore", "--convert-to", "xlsx", "--outdir", str(scratch),
                        str(scratch / "empty.csv")], check=True, capture_output=True, timeout=300, env=env)
        settings = profile / "user" / "registrymodifications.xcu"
        text = settings.read_text(encoding="utf-8")
        settings.write_text(text.replace("</oor:items>", _LOCALE.format(locale=locale) + "</oor:items>"),
                            encoding="utf-8")
        module = profile / "user" / "basic" / "Standard" / "Module1.xba"
        assert module.parent.is_dir(), "LibreOffice did not create its Basic library"
        module.write_text(_MACRO.format(
            source=_basic(source.resolve().as_uri()), target=_basic(target.resolve().as_uri()),
            sheets=", ".join(_basic(s) for s, _, _ in typed), cells=", ".join(_basic(c) for _, c, _ in typed),
            texts=", ".join(_basic(t) for _, _, t in typed)), encoding="utf-8")
        target.unlink(missing_ok=True)
        subprocess.run([binary, url, "--headless", "--norestore",
                        "vnd.sun.star.script:Standard.Module1.Main?language=Basic&location=application"],
                       check=True, capture_output=True, timeout=300, env=env)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert target.exists(), f"LibreOffice did not save {target}"
    return target
