"""What an office does with the workbook it received: types its inputs, then lets its spreadsheet application save it.

The demo makes its returns this way, and the tests make theirs with the same
two pieces. Typing goes through openpyxl, which keeps what `collect` checks
(protection, validations, the hidden signed manifest) but drops every cached
formula value when it saves (SPEC §8). LibreOffice, where it is installed, then
opens, recalculates and saves each file, as an office using it would.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

from piano_xlsx.errors import PianoError
from piano_xlsx.workbook.layout import CardLayout

LIBREOFFICE_TIMEOUT = 600  # seconds for one conversion of many files


class OfficeError(PianoError):
    """LibreOffice is missing, or did not write the files asked of it."""


def fill_workbook(source: Path, target: Path, layouts: list[CardLayout], scores: dict[str, dict[str, Any]],
                  *, evaluator: str = "Nucleo di Valutazione", date: dt.date | None = dt.date(2026, 3, 15),
                  notes: dict[str, dict[str, str]] | None = None,
                  weights: dict[str, dict[str, float]] | None = None) -> Path:
    """Type an office's inputs into an issued workbook and save it as `target` (the source is not changed).

    Args:
        source, target: the workbook received, and where the filled one is saved.
        layouts: the cards (a card whose sheet is not in the workbook is passed over).
        scores: card id -> item id -> the value typed (None: left empty).
        evaluator, date: typed on every card (date None: left empty).
        notes: card id -> item id -> note (kept as text even when it starts with '=').
        weights: card id -> item id -> a weight typed over the issued one, after removing the sheet's protection
            (what someone tampering with the card does).
    """
    wb = openpyxl.load_workbook(source)
    for layout in layouts:
        if layout.sheet not in wb.sheetnames:
            continue
        ws = wb[layout.sheet]
        ws[layout.header_cell("evaluator")] = evaluator
        if date is not None:
            ws[layout.header_cell("date")] = date
        card_scores = scores.get(layout.card.id, {})
        card_notes = (notes or {}).get(layout.card.id, {})
        card_weights = (weights or {}).get(layout.card.id, {})
        if card_weights:  # Revisione > Rimuovi protezione foglio, then type over the weight
            ws.protection.sheet = False
        for item in layout.items:
            if card_scores.get(item.item.id) is not None:
                ws[item.cell("score")] = card_scores[item.item.id]
            if item.item.id in card_notes:
                cell = ws[item.cell("note")]
                cell.value = card_notes[item.item.id]
                cell.data_type = "s"  # a note is text even when it starts with '='
            if item.item.id in card_weights:
                ws[item.cell("weight")] = card_weights[item.item.id]
    wb.save(target)
    return target


def libreoffice() -> str | None:
    """The LibreOffice binary, or None where it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_convert(files: Sequence[Path], out_dir: Path, target: str = "xlsx", *,
                        binary: str | None = None, infilter: str | None = None) -> list[Path]:
    """Open, recalculate and save each file with LibreOffice headless (one process for all of them).

    Args:
        files: the files to open (not changed).
        out_dir: where the saved files go, each under its own stem with the target's suffix.
        target: LibreOffice's --convert-to argument: "xlsx", "xls", "ods", "pdf"…
        binary: the LibreOffice to run (default: the one installed).
        infilter: how LibreOffice reads the files, e.g. "CSV:59,34,76,1,,1040" (CSV with these options).

    Raises:
        OfficeError: LibreOffice is not installed, failed, or did not write every file.
    """
    binary = binary or libreoffice()
    if binary is None:
        raise OfficeError("LibreOffice (soffice) non trovato")
    out_dir.mkdir(parents=True, exist_ok=True)
    # a profile of its own: runs in parallel or in a row never fight over one (SPEC §8)
    profile = Path(tempfile.gettempdir()) / f"piano-xlsx-lo-{uuid.uuid4().hex}"
    try:
        subprocess.run([binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        *([f"--infilter={infilter}"] if infilter else []),
                        "--convert-to", target, "--outdir", str(out_dir), *map(str, files)],
                       check=True, capture_output=True, timeout=LIBREOFFICE_TIMEOUT,
                       env={**os.environ, "HOME": str(profile)})
    except (OSError, subprocess.SubprocessError) as exc:
        raise OfficeError(f"LibreOffice non ha convertito i file ({type(exc).__name__})") from None
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    suffix = "." + target.split(":")[0]
    results = [out_dir / (Path(f).stem + suffix) for f in files]
    missing = [str(p) for p in results if not p.exists()]
    if missing:
        raise OfficeError(f"LibreOffice non ha scritto {', '.join(missing)}")
    return results
