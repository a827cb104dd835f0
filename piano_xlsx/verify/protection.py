"""Protection: of the workbook's structure, and of each sheet issued.

Two applications drop the structure protection on every file they save, which is why their saves are told
apart by the application named in docProps/app.xml:
- LibreOffice (7.4, measured) writes an empty <workbookProtection/> whenever it saves an .xlsx;
- Gnumeric (1.12.55, measured) does not read <workbookProtection> at all ("Unexpected element") and writes none.
For a file last saved by either, the loss is an info that says so: sheets added, removed or renamed are still
caught against the manifest, and every sheet's own protection is still checked (both keep it).
"""

from __future__ import annotations

from piano_xlsx.findings import Severity, finding
from piano_xlsx.reader.xlsx import SheetData, WorkbookData
from piano_xlsx.verify import Add

# what docProps/app.xml names the application (lower case, a part of it) -> how the user knows it
DROPS_STRUCTURE_PROTECTION = {"libreoffice": "LibreOffice", "gnumeric": "Gnumeric"}


def saved_by(book: WorkbookData, applications: dict[str, str]) -> str | None:
    """The user-facing name of the application that last saved the file, if it is one of `applications`."""
    application = book.application.lower()
    return next((shown for key, shown in applications.items() if key in application), None)


def check_workbook_protection(book: WorkbookData, name: str, add: Add) -> None:
    if book.structure_locked:
        return
    detail = "struttura della cartella di lavoro non protetta"
    application = saved_by(book, DROPS_STRUCTURE_PROTECTION)
    if application is not None:
        detail += f" (salvata con {application}, che non conserva questa protezione)"
    add(finding("PROTECTION_REMOVED", file=name, severity=Severity.INFO if application else None, detail=detail))


def check_sheet_protection(sheet: SheetData, name: str, add: Add) -> None:
    if not sheet.protected:
        add(finding("PROTECTION_REMOVED", file=name, sheet=sheet.name, detail="protezione del foglio rimossa"))
