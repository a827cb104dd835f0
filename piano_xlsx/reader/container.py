"""What a returned file is, told by its bytes, and a zip opened with limits before anything is parsed.

Extensions lie (an .xls renamed .xlsx, an .ods renamed); a zip can inflate to
gigabytes from a few kilobytes. Every refusal is a `ContainerError` carrying
the finding code that explains it.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Limits: the largest legitimate workbook seen in public corpora inflated to 57 MiB in all.
MAX_ENTRIES = 5_000
MAX_ENTRY_SIZE = 128 * 1024 * 1024
MAX_TOTAL_SIZE = 512 * 1024 * 1024
MAX_RATIO = 200  # inflated / compressed, for entries above RATIO_FLOOR
RATIO_FLOOR = 4 * 1024 * 1024


class ContainerError(Exception):
    """The file cannot be read as a workbook; `code` is the finding code, `detail` the Italian detail."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


@dataclass
class Kind:
    name: str  # "xlsx", "xlsm", "xlsb", "ods", "xls", "encrypted", "strict", "other"


def sniff_ole(data: bytes) -> str:
    """An OLE container is either a password-encrypted OOXML file or a legacy .xls (or another Office file)."""
    try:
        import msoffcrypto
        import olefile
    except ImportError:  # pragma: no cover - both are dependencies
        return "xls"
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - olefile raises many types on damaged input
        return "other"
    try:
        streams = {"/".join(entry).lower() for entry in ole.listdir()}
    finally:
        ole.close()
    if "encryptedpackage" in streams or "encryptioninfo" in streams:
        return "encrypted"
    if "workbook" in streams or "book" in streams:
        try:
            office = msoffcrypto.OfficeFile(io.BytesIO(data))
            if office.is_encrypted():
                return "encrypted"
        except Exception:  # noqa: BLE001 - an unusual .xls is still an .xls
            pass
        return "xls"
    return "other"


def open_zip(data: bytes) -> zipfile.ZipFile:
    """Open a zip after checking its directory against the limits."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise ContainerError("FILE_UNREADABLE", f"archivio zip danneggiato ({exc})") from None
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ContainerError("FILE_TOO_LARGE", f"{len(infos)} parti nell'archivio")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_ENTRY_SIZE:
            raise ContainerError("FILE_TOO_LARGE", f"la parte {info.filename} si espande a {info.file_size:,} byte")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ContainerError("FILE_TOO_LARGE", f"rapporto di compressione anomalo in {info.filename}")
    if total > MAX_TOTAL_SIZE:
        raise ContainerError("FILE_TOO_LARGE", f"il contenuto si espande a {total:,} byte")
    return zf


def sniff(data: bytes) -> tuple[str, zipfile.ZipFile | None]:
    """The kind of the file and, for zip-based kinds, the opened zip."""
    if data.startswith(OLE_MAGIC):
        return sniff_ole(data), None
    if not (data.startswith(ZIP_MAGIC) or data.startswith(EMPTY_ZIP_MAGIC)):
        return "other", None
    zf = open_zip(data)
    names = set(zf.namelist())
    if "mimetype" in names:
        try:
            mimetype = zf.read("mimetype")[:100]
        except Exception:  # noqa: BLE001
            mimetype = b""
        if b"opendocument" in mimetype:
            return "ods", zf
    if "xl/workbook.bin" in names:
        return "xlsb", zf
    if "xl/workbook.xml" not in names:
        return "other", zf
    if "xl/vbaProject.bin" in names:
        return "xlsm", zf
    return "xlsx", zf
