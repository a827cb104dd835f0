"""Which files a run reads: the files named and every file under the folders named, less those that are not returns.

A returns folder collects more than returns: the lock file Excel or LibreOffice
keeps beside a workbook that is open, the thumbnails and folder settings of
Windows, the metadata macOS adds to folders and zip archives, hidden files.
None of them is a workbook an office sent back: they are left out, unopened,
and each is listed with the reason (`not_a_return` is the one rule).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePath

# system files, by their exact name (case-insensitive: Windows writes Desktop.ini and desktop.ini alike)
SYSTEM_FILES = {
    "thumbs.db": "miniature delle immagini di Windows (Thumbs.db)",
    "ehthumbs.db": "miniature delle immagini di Windows (ehthumbs.db)",
    "desktop.ini": "impostazioni della cartella di Windows (desktop.ini)",
    ".ds_store": "impostazioni della cartella di macOS (.DS_Store)",
}
MACOS_ARCHIVE_FOLDER = "__MACOSX"


@dataclass(frozen=True)
class Skipped:
    """A file found but left out, unopened, and why (Italian)."""

    path: Path
    reason: str


@dataclass
class Discovered:
    files: list[Path] = field(default_factory=list)  # to read, sorted so runs are reproducible
    skipped: list[Skipped] = field(default_factory=list)  # not returns, sorted by path


def not_a_return(relative: PurePath) -> str | None:
    """Why a file is not a returned workbook, judged by its path only (it is never opened), or None.

    Args:
        relative: the path below the folder searched (for a file named directly, just its name), so that a
            folder that happens to be hidden or called __MACOSX above the returns folder does not count.
    """
    name = relative.name
    if name.startswith("~$"):
        return "file di blocco di Microsoft Office (~$…): la cartella era aperta in Excel"
    if name.startswith(".~lock.") and name.endswith("#"):
        return "file di blocco di LibreOffice (.~lock.…#): la cartella era aperta in LibreOffice"
    if name.lower() in SYSTEM_FILES:
        return "file di sistema: " + SYSTEM_FILES[name.lower()]
    if MACOS_ARCHIVE_FOLDER in relative.parts[:-1]:
        return f"metadati di macOS in un archivio compresso (cartella {MACOS_ARCHIVE_FOLDER})"
    if name.startswith("."):
        return "file nascosto"
    hidden = next((part for part in relative.parts[:-1] if part.startswith(".")), None)
    if hidden is not None:
        return f"in una cartella nascosta ({hidden})"
    return None


def discover(paths: Iterable[str | Path]) -> Discovered:
    """Files named, and every file under the folders named, split into those to read and those left out."""
    found: dict[Path, PurePath] = {}  # file -> the path its verdict is judged on
    for path in map(Path, paths):
        if path.is_dir():
            for child in path.rglob("*"):
                if child.is_file():
                    found.setdefault(child, child.relative_to(path))
        else:
            found.setdefault(path, PurePath(path.name))
    out = Discovered()
    for path in sorted(found):
        reason = not_a_return(found[path])
        if reason is None:
            out.files.append(path)
        else:
            out.skipped.append(Skipped(path, reason))
    return out
