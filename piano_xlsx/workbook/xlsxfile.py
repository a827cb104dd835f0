"""XlsxWriter as every workbook the tool writes uses it: built in memory, text never read as a formula, the tool
named in the document properties, amounts in euro.

XlsxWriter writes <Application>Microsoft Excel</Application> and <AppVersion>12.0000</AppVersion> into
docProps/app.xml whatever made the file, and its API has no option for them. They stay: LibreOffice reads a file
that names another application with other defaults (measured, 7.4: the same chart XML then labels every bar with
its category and series name as well as its value), since XlsxWriter writes its XML for Excel 2007's. The tool is
named where XlsxWriter lets it be, in the description ("Generato da piano-xlsx 0.1.0"), which Excel, LibreOffice
and openpyxl read back and keep when they save; and a file still as issued is told from a saved one by
`as_issued` (every application that saves the file writes its own name, version or modification time).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import xlsxwriter

from piano_xlsx import __version__

TOOL = "piano-xlsx"
GENERATED_BY = f"Generato da {TOOL} {__version__}"
CREATED = dt.datetime(2000, 1, 1)  # creation (and modification) time of every issued file: the same bytes each run
# what XlsxWriter writes as the application (docProps/app.xml) and as the modification time (docProps/core.xml)
XLSXWRITER_APPLICATION = ("Microsoft Excel", "12.0000")
ISSUED_MODIFIED = CREATED.strftime("%Y-%m-%dT%H:%M:%SZ")

# Euro with two decimals, in the separators of the reader's locale ("1.234,56 €" in an Italian Excel or Calc);
# [$€-410] is Excel's currency token (symbol €, Italian), which LibreOffice and Gnumeric read as the same format.
MONEY_FORMAT = "#,##0.00 [$€-410]"

PAGE_FOOTER = "&L&9&A&R&9Pagina &P di &N"  # every printed sheet: its name, and the page of how many

OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


class ToolWorkbook(xlsxwriter.Workbook):  # type: ignore[misc]  # XlsxWriter ships no types: its classes are Any
    """An XlsxWriter workbook written into `buffer` with the tool's OPTIONS."""

    def __init__(self, buffer: Any) -> None:
        super().__init__(buffer, dict(OPTIONS))


def as_issued(application: str, app_version: str, modified: str) -> bool:
    """Whether document properties are still those of a file the tool wrote with a fixed time (no application
    saved it since): XlsxWriter's application and version, and the modification time left at CREATED."""
    return (application, app_version) == XLSXWRITER_APPLICATION and modified == ISSUED_MODIFIED
