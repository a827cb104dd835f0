"""What a returned file is, told by its bytes, and a zip opened with limits before anything is parsed.

Extensions lie (an .xls renamed .xlsx, an .ods renamed); a zip can inflate to
gigabytes from a few kilobytes. Every refusal is a `ContainerError` carrying
the finding code that explains it.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from piano_xlsx.errors import FileRefused
from piano_xlsx.italian import os_reason
from piano_xlsx.italian import thousands as _n

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Limits: the largest legitimate workbook seen in public corpora inflated to 57 MiB in all.
MAX_ENTRIES = 5_000
MAX_ENTRY_SIZE = 128 * 1024 * 1024
MAX_TOTAL_SIZE = 512 * 1024 * 1024
MAX_RATIO = 200  # inflated / compressed, for entries above RATIO_FLOOR
RATIO_FLOOR = 4 * 1024 * 1024
# The central directory is read whole by zipfile before any entry count can be checked: its size is checked first.
MAX_DIRECTORY = 4 * 1024 * 1024
# Excel and LibreOffice store or deflate; zipfile inflates bzip2 and lzma entries without any bound on the output.
METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}


class ContainerError(FileRefused):
    """The file cannot be read as a workbook; `code` is the finding code, `detail` the Italian detail."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


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
    """Open a zip after checking its directory against the limits.

    Checked before any part is read: the size of the central directory, the number of entries, entries
    repeated under one name (OPC names ignore case, so one reader could show one copy and another the other),
    encrypted entries, compression methods other than store and deflate, each entry's declared size and
    compression ratio, and the declared total. A declared size cannot be exceeded when the entry is read:
    zipfile stops at it and the CRC check then fails.
    """
    directory = _directory_size(data)
    if directory is not None and directory > MAX_DIRECTORY:
        raise ContainerError("FILE_TOO_LARGE", f"indice dell'archivio di {_n(directory)} byte")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, UnicodeError) as exc:
        raise ContainerError("FILE_UNREADABLE", f"archivio zip danneggiato ({exc})") from None
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ContainerError("FILE_TOO_LARGE", f"{len(infos)} parti nell'archivio")
    seen: set[str] = set()
    total = 0
    for info in infos:
        key = info.filename.lower()
        if key in seen:
            raise ContainerError("FILE_UNREADABLE", f"la parte {info.filename} compare più volte nell'archivio")
        seen.add(key)
        if info.flag_bits & 0x1:
            raise ContainerError("FILE_UNREADABLE", f"la parte {info.filename} è cifrata")
        if info.compress_type not in METHODS:
            raise ContainerError("FILE_UNREADABLE", f"metodo di compressione non ammesso ({info.compress_type}) "
                                                    f"per {info.filename}")
        total += info.file_size
        if info.file_size > MAX_ENTRY_SIZE:
            raise ContainerError("FILE_TOO_LARGE", f"la parte {info.filename} si espande a {_n(info.file_size)} byte")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ContainerError("FILE_TOO_LARGE", f"rapporto di compressione anomalo in {info.filename}")
    if total > MAX_TOTAL_SIZE:
        raise ContainerError("FILE_TOO_LARGE", f"il contenuto si espande a {_n(total)} byte")
    return zf


def _directory_size(data: bytes) -> int | None:
    """The central directory's size as the end record declares it (ZIP APPNOTE 4.3.14-16), None when there is none.

    Read here, before zipfile reads the whole directory into memory; zip64 archives declare it in their own record.
    """
    end = data.rfind(EMPTY_ZIP_MAGIC, max(0, len(data) - 22 - 0xFFFF))  # the record, after a comment of ≤ 64 KiB
    if end < 0 or len(data) - end < 22:
        return None
    size = int(struct.unpack_from("<I", data, end + 12)[0])
    locator = end - 20
    if size == 0xFFFFFFFF and locator >= 0 and data[locator:locator + 4] == b"PK\x06\x07":
        record = int(struct.unpack_from("<Q", data, locator + 8)[0])
        if data[record:record + 4] == b"PK\x06\x06" and len(data) >= record + 56:
            size = int(struct.unpack_from("<Q", data, record + 40)[0])
    return size


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
            with zf.open("mimetype") as fh:
                mimetype = fh.read(100)
        except Exception:  # noqa: BLE001 - a damaged mimetype entry is just not an OpenDocument file
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


def describe(data: bytes) -> str:
    """What a file that is not a spreadsheet seems to be, in Italian, for the finding that refuses it."""
    head = data[:512].lstrip()
    if not data:
        return "file vuoto"
    if head[:5] == b"%PDF-":
        return "documento PDF"
    if head[:1] == b"<":
        return "documento HTML o XML"
    if b"," in head or b";" in head:
        return "testo, forse CSV"
    return "contenuto non riconosciuto"


MAX_FILE_SIZE = 64 * 1024 * 1024  # a returned workbook of a few cards weighs tens of kilobytes


@dataclass
class Received:
    """A returned file's bytes, read once and only read; `problem` says why it cannot be opened, if it cannot."""

    data: bytes
    size: int
    sha256: str
    problem: ContainerError | None = None


def receive(path: str | Path) -> Received:
    """Read a returned file (never written), with its size and SHA-256 for the receipt list."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_SIZE + 1)
    except OSError as exc:
        return Received(b"", 0, "", ContainerError("FILE_UNREADABLE", os_reason(exc)))
    received = Received(data, len(data), hashlib.sha256(data).hexdigest())
    if len(data) > MAX_FILE_SIZE:
        limit = f"{MAX_FILE_SIZE:,}".replace(",", ".")
        received.problem = ContainerError("FILE_TOO_LARGE", f"più di {limit} byte")
    return received


# kinds that are spreadsheets, but not ones this tool reads: each has its own finding (and what to do)
REFUSED_KINDS = {"ods": "FILE_ODS", "xls": "FILE_XLS", "xlsb": "FILE_XLSB", "encrypted": "FILE_ENCRYPTED"}


def refusal(kind: str, zf: zipfile.ZipFile | None, data: bytes) -> ContainerError | None:
    """Why a sniffed file cannot be read as a workbook, or None when it can (xlsx, xlsm)."""
    if kind == "other":
        if zf is not None:
            return ContainerError("FILE_UNREADABLE", "archivio zip senza cartella di lavoro")
        return ContainerError("FILE_NOT_SPREADSHEET", describe(data))
    if kind in REFUSED_KINDS:
        return ContainerError(REFUSED_KINDS[kind])
    return None

