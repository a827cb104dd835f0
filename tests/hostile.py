"""Builders of hostile returned files, made during the test run (never committed as binaries).

Each `Case` writes one file and names the finding codes the reader must give
for it. Some cases stand alone (a zip bomb, an OLE container, XML entities);
others start from a real generated and filled workbook and damage or forge it
as an office, a broken tool or an attacker would.

The zip writer here is deliberately low level: it writes the local headers and
the central directory itself, so a test can declare sizes that lie, repeat an
entry, use a compression method that Excel never writes, or reuse one
compressed blob for many entries.
"""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

from piano_xlsx.plan.resolve import MANIFEST_SHEET
from piano_xlsx.workbook.manifest import canonical, content_hash

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
MB = 1024 * 1024


# --- a zip writer with every header under the caller's control ---

@dataclass
class Entry:
    """One zip entry; by default honest, every field may be forced."""

    name: str
    data: bytes = b""  # uncompressed content (ignored when `compressed` is given)
    method: int = zipfile.ZIP_DEFLATED
    compressed: bytes | None = None  # the stored payload, when it is prepared elsewhere
    crc: int | None = None
    file_size: int | None = None  # declared uncompressed size
    flags: int = 0


def deflate(data: bytes, level: int = 9) -> bytes:
    comp = zlib.compressobj(level, zlib.DEFLATED, -15)
    return comp.compress(data) + comp.flush()


def deflate_zeros(size: int) -> bytes:
    """Raw deflate of `size` zero bytes, without ever holding them in memory."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(MB)
    out = []
    left = size
    while left > 0:
        out.append(comp.compress(chunk[:min(left, MB)]))
        left -= MB
    out.append(comp.flush())
    return b"".join(out)


def crc_zeros(size: int) -> int:
    crc = 0
    chunk = bytes(MB)
    left = size
    while left > 0:
        crc = zlib.crc32(chunk[:min(left, MB)], crc)
        left -= MB
    return crc


def raw_zip(entries: list[Entry]) -> bytes:
    out = io.BytesIO()
    central = []
    for entry in entries:
        name = entry.name.encode("utf-8")
        if entry.compressed is not None:
            payload = entry.compressed
        elif entry.method == zipfile.ZIP_DEFLATED:
            payload = deflate(entry.data)
        elif entry.method == zipfile.ZIP_BZIP2:
            import bz2

            payload = bz2.compress(entry.data)
        else:
            payload = entry.data
        crc = zlib.crc32(entry.data) if entry.crc is None else entry.crc
        size = len(entry.data) if entry.file_size is None else entry.file_size
        offset = out.tell()
        version = 46 if entry.method == zipfile.ZIP_BZIP2 else 20
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", version, entry.flags, entry.method, 0, 0x21,
                              crc, len(payload), size, len(name), 0))
        out.write(name)
        out.write(payload)
        central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, version, entry.flags, entry.method, 0,
                                   0x21, crc, len(payload), size, len(name), 0, 0, 0, 0, 0, offset) + name)
    start = out.tell()
    for record in central:
        out.write(record)
    size = out.tell() - start
    count = min(len(entries), 0xFFFF)
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, size, start, 0))
    return out.getvalue()


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def zip_parts(parts: dict[str, bytes]) -> bytes:
    return raw_zip([Entry(name, data) for name, data in parts.items()])


# --- a minimal workbook, written by hand ---

def minimal_parts(sheets: dict[str, str], shared: list[str] | None = None, ns: str = MAIN_NS) -> dict[str, bytes]:
    """The parts of a small valid .xlsx: `sheets` maps a sheet name to the inner XML of its <sheetData>."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1))
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f'{overrides}</Types>').encode(),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>').encode(),
    }
    sheet_list = "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, name in enumerate(sheets, start=1))
    parts["xl/workbook.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}" '
                                f'xmlns:r="{REL_NS}"><sheets>{sheet_list}</sheets></workbook>').encode()
    rels = "".join(f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(sheets) + 1))
    if shared is not None:
        rels += f'<Relationship Id="rIdS" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
        items = "".join(f"<si><t>{text}</t></si>" for text in shared)
        parts["xl/sharedStrings.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{ns}" '
                                         f'count="{len(shared)}" uniqueCount="{len(shared)}">{items}</sst>').encode()
    parts["xl/_rels/workbook.xml.rels"] = (f'<?xml version="1.0" encoding="UTF-8"?>'
                                           f'<Relationships xmlns="{PKG_REL_NS}">{rels}</Relationships>').encode()
    for i, body in enumerate(sheets.values(), start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = sheet_xml(body, ns)
    return parts


def sheet_xml(body: str, ns: str = MAIN_NS, prefix: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prefix}<worksheet xmlns="{ns}">'
            f'<sheetData>{body}</sheetData></worksheet>').encode()


# --- a minimal OLE compound file (what .xls and password-protected .xlsx files are) ---

def ole_file(streams: dict[str, bytes]) -> bytes:
    """A compound file (version 3, 512-byte sectors) holding `streams` in the main FAT."""
    sector = 512
    end, free, fat_sect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    padded = {name: data + bytes(max(0, 4096 - len(data))) for name, data in streams.items()}  # no mini stream
    fat = [fat_sect, end]  # sector 0: the FAT, sector 1: the directory
    starts = []
    body = b""
    for data in padded.values():
        count = -(-len(data) // sector)
        first = len(fat)
        starts.append(first)
        fat += [first + k + 1 for k in range(count - 1)] + [end]
        body += data + bytes(count * sector - len(data))
    assert len(fat) <= sector // 4, "too many sectors for a one-sector FAT"
    fat += [free] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBBIII", len(raw), kind, 1, free, right, child)
                + bytes(16) + bytes(4) + bytes(16) + struct.pack("<IQ", start, size))

    names = list(padded)
    directory = entry("Root Entry", 5, 1 if names else free, free, end, 0)
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else free
        directory += entry(name, 2, free, right, starts[i], len(padded[name]))
    directory = directory.ljust(sector, b"\0")
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16)
              + struct.pack("<HHHHH6sIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, bytes(6), 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    assert len(header) == sector
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + body


def biff8_workbook() -> bytes:
    """The Workbook stream of a tiny legacy .xls: BOF and EOF records."""
    bof = struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06)
    return bof + struct.pack("<HH", 0x000A, 0)


# --- forging a generated workbook's manifest, as an attacker with openpyxl would ---

def manifest_column(path: Path) -> dict[int, Any]:
    wb = openpyxl.load_workbook(path)
    ws = wb[MANIFEST_SHEET]
    return {cell.row: cell.value for cell in ws["A"] if cell.value is not None}


def read_manifest(path: Path) -> dict[str, Any]:
    column = manifest_column(path)
    return json.loads("".join(column[5 + i] for i in range(int(column[4]))))


def write_manifest(source: Path, target: Path, manifest: dict[str, Any], *, signature: str, key: str,
                   edit: Callable[[openpyxl.Workbook], None] | None = None) -> Path:
    """Replace the manifest (and optionally edit the workbook) with openpyxl, as a forger would."""
    from piano_xlsx.workbook.manifest import manifest_rows

    wb = openpyxl.load_workbook(source)
    ws = wb[MANIFEST_SHEET]
    for row in range(1, ws.max_row + 1):
        ws.cell(row=row, column=1).value = None
    for row, value in enumerate(manifest_rows(canonical(manifest), signature, key), start=1):
        ws.cell(row=row, column=1).value = value
    if edit:
        edit(wb)
    wb.save(target)
    return target


def resign(manifest: dict[str, Any], private_key: Any) -> tuple[str, str]:
    """(signature, key id) of `manifest` with another key."""
    from piano_xlsx.signing import key_id, sign

    return sign(private_key, canonical(manifest)), key_id(private_key.public_key())


def rehash(manifest: dict[str, Any]) -> dict[str, Any]:
    manifest = json.loads(json.dumps(manifest))
    manifest["content_hash"] = content_hash(manifest["cells"])
    return manifest


# --- the catalogue of hostile cases ---

@dataclass
class Base:
    """What piano-based cases start from."""

    filled: Path  # a generated, signed workbook filled as an office would (verifies clean)
    other_card: Path  # the generated file of another card of the same plan (per-sector generation)
    weight_sheet: str  # the card sheet of `filled`
    weight_cell: str  # a locked weight cell on it
    score_cell: str  # the first score cell on it
    attacker_key: Any  # an Ed25519 private key that is not the HR office's


@dataclass
class Case:
    name: str
    build: Callable[[Path, Base], None]  # writes the file at the given path
    codes: set[str]  # every one of these codes must be among the findings
    suffix: str = ".xlsx"
    heavy: bool = False  # takes a second or more to build
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _write(data: bytes) -> Callable[[Path, Base], None]:
    return lambda path, base: path.write_bytes(data)


def _from_parts(make: Callable[[], dict[str, bytes]]) -> Callable[[Path, Base], None]:
    return lambda path, base: path.write_bytes(zip_parts(make()))


def _mutate(change: Callable[[dict[str, bytes]], dict[str, bytes] | list[Entry]]) -> Callable[[Path, Base], None]:
    """Start from the filled piano workbook's parts; `change` returns new parts (or raw entries)."""

    def build(path: Path, base: Base) -> None:
        changed = change(parts_of(base.filled))
        path.write_bytes(raw_zip(changed) if isinstance(changed, list) else zip_parts(changed))

    return build


def _card_part(parts: dict[str, bytes], sheet: str = "") -> str:
    """The part name of the first card sheet (or of the sheet named `sheet`)."""
    import re

    workbook = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    for name, rid in re.findall(r'<sheet name="([^"]+)"[^>]*r:id="([^"]+)"', workbook):
        if (sheet and name == sheet) or (not sheet and name not in ("Istruzioni", "Riepilogo", MANIFEST_SHEET)):
            target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
            assert target
            found = target.group(1) or target.group(2)
            return found.lstrip("/") if found.startswith("/") else "xl/" + found
    raise AssertionError("no card sheet")


def billion_laughs() -> bytes:
    lol = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
           + f']><sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>')
    return lol.encode()


def external_entity() -> bytes:
    return (f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is>'
            f'</c></row></sheetData></worksheet>').encode()


def _strict_parts() -> dict[str, bytes]:
    return minimal_parts({"Foglio1": '<row r="1"><c r="A1"><v>1</v></c></row>'}, ns=STRICT_NS)


def _huge_dimension_parts() -> dict[str, bytes]:
    return minimal_parts({"Foglio1": '<row r="1"><c r="A1"><v>1</v></c></row>'
                                     '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'})


def _many_strings_parts(count: int) -> dict[str, bytes]:
    """A sharedStrings part of `count` distinct entries (honest sizes, ordinary compression ratio)."""
    items = "".join(f"<si><t>{n:x}</t></si>" for n in range(count))
    parts = minimal_parts({"Foglio1": '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'}, shared=[])
    parts["xl/sharedStrings.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" '
                                     f'count="{count}" uniqueCount="{count}">{items}</sst>').encode()
    return parts


def _deep_parts(depth: int, random_names: bool = False) -> dict[str, bytes]:
    """A sheet whose one cell nests `depth` elements; with random tag names the part hardly compresses."""
    parts = minimal_parts({"Foglio1": ""})
    names = ["r"] * depth
    if random_names:
        import random

        pick = random.Random(7)
        names = ["".join(pick.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8)) for _ in range(depth)]
    opening = "".join(f"<{n}>" for n in names)
    closing = "".join(f"</{n}>" for n in reversed(names))
    parts["xl/worksheets/sheet1.xml"] = sheet_xml(f'<row r="1"><c r="A1" t="inlineStr"><is>{opening}{closing}'
                                                  "</is></c></row>")
    return parts


def _bomb_sheet(size: int, declared: int | None = None) -> list[Entry]:
    """A minimal workbook whose only sheet is `size` bytes of zeros (declared as `declared`)."""
    parts = minimal_parts({"Foglio1": ""})
    entries = [Entry(name, data) for name, data in parts.items() if name != "xl/worksheets/sheet1.xml"]
    entries.append(Entry("xl/worksheets/sheet1.xml", compressed=deflate_zeros(size), crc=crc_zeros(size),
                         file_size=size if declared is None else declared))
    return entries


def _total_bomb() -> list[Entry]:
    """Six parts, each under the per-part limit and under the ratio limit, together far above the total."""
    parts = minimal_parts({"Foglio1": ""})
    entries = [Entry(name, data) for name, data in parts.items()]
    size = 120 * MB
    # zeros deflate a thousandfold; bytes after the end of the deflate stream are never inflated but count as
    # compressed size, which brings the declared ratio under the limit
    blob = deflate_zeros(size) + os.urandom(size // 150)
    crc = crc_zeros(size)
    entries += [Entry(f"xl/media/image{i}.bin", compressed=blob, crc=crc, file_size=size) for i in range(6)]
    return entries


def _many_entries(count: int) -> list[Entry]:
    parts = minimal_parts({"Foglio1": ""})
    entries = [Entry(name, data) for name, data in parts.items()]
    return entries + [Entry(f"xl/media/p{i}.bin", b"x", method=zipfile.ZIP_STORED) for i in range(count)]


def _bzip2_bomb() -> list[Entry]:
    """bzip2 squeezes 64 MB of zeros into a few dozen bytes; Python's zipfile inflates such an entry unbounded."""
    import bz2

    size = 64 * MB
    parts = minimal_parts({"Foglio1": ""})
    entries = [Entry(name, data) for name, data in parts.items() if name != "xl/worksheets/sheet1.xml"]
    comp = bz2.BZ2Compressor(9)
    chunk = bytes(MB)
    blob = b"".join(comp.compress(chunk) for _ in range(size // MB)) + comp.flush()
    entries.append(Entry("xl/worksheets/sheet1.xml", method=zipfile.ZIP_BZIP2, compressed=blob,
                         crc=crc_zeros(size), file_size=1000))
    return entries


def _duplicate_card(parts: dict[str, bytes]) -> list[Entry]:
    """Two entries with the card sheet's name: one reader may show the first, another the second."""
    card = _card_part(parts)
    entries = [Entry(name, data) for name, data in parts.items()]
    entries.append(Entry(card, parts[card].replace(b"<sheetData>", b"<sheetData><!-- altra versione -->")))
    return entries


def _missing_sheet(parts: dict[str, bytes]) -> dict[str, bytes]:
    card = _card_part(parts)
    return {k: v for k, v in parts.items() if k != card}


def _xlsm(parts: dict[str, bytes]) -> dict[str, bytes]:
    parts = dict(parts)
    parts["xl/vbaProject.bin"] = ole_file({"VBA": b"Attribute VB_Name = \"Modulo1\"\r\n"})
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
    return parts


def _card_cell(parts: dict[str, bytes], xml: str | bytes) -> dict[str, bytes]:
    """The card sheet with `xml` (rows) added at the end of its sheet data."""
    parts = dict(parts)
    card = _card_part(parts)
    raw = xml.encode() if isinstance(xml, str) else xml
    parts[card] = parts[card].replace(b"</sheetData>", raw + b"</sheetData>", 1)
    return parts


def _score_value(parts: dict[str, bytes], cell: str, value: str) -> dict[str, bytes]:
    """The card sheet with the number stored in score cell `cell` replaced by the raw text `value`."""
    import re

    parts = dict(parts)
    card = _card_part(parts)
    pattern = re.compile(rb'<c r="' + cell.encode() + rb'"([^>]*?)(/>|>.*?</c>)', re.S)
    match = pattern.search(parts[card])
    assert match, f"no cell {cell}"
    attrs = re.sub(rb'\s*t="[^"]*"', b"", match.group(1))
    parts[card] = parts[card][:match.start()] + b'<c r="' + cell.encode() + b'"' + attrs + b"><v>" \
        + value.encode() + b"</v></c>" + parts[card][match.end():]
    return parts


def _unlocked(parts: dict[str, bytes], cell: str) -> dict[str, bytes]:
    """The card sheet's `cell` given a copy of its cell format with the lock off, as Format Cells > Protection does."""
    import re

    parts = dict(parts)
    card = _card_part(parts)
    match = re.search(rb'<c r="' + cell.encode() + rb'"[^>]*?\ss="(\d+)"', parts[card])
    assert match, f"no style on cell {cell}"
    styles = parts["xl/styles.xml"]
    xfs = re.search(rb'<cellXfs count="(\d+)">(.*?)</cellXfs>', styles, re.S)
    assert xfs
    formats = re.findall(rb"<xf\b[^>]*/>|<xf\b.*?</xf>", xfs.group(2), re.S)
    xf = formats[int(match.group(1))]
    opened = xf[:-2] + b"><protection locked=\"0\"/></xf>" if xf.endswith(b"/>") else \
        re.sub(rb"<protection\b[^>]*/>", b"", xf).replace(b"</xf>", b"<protection locked=\"0\"/></xf>")
    opened = re.sub(rb'\sapplyProtection="\d"', b"", opened).replace(b"<xf ", b'<xf applyProtection="1" ', 1)
    parts["xl/styles.xml"] = styles[:xfs.start()] + b'<cellXfs count="' + str(len(formats) + 1).encode() + b'">' \
        + xfs.group(2) + opened + b"</cellXfs>" + styles[xfs.end():]
    parts[card] = parts[card][:match.start(1)] + str(len(formats)).encode() + parts[card][match.end(1):]
    return parts


def _manifest_not_json(path: Path, base: Base) -> None:
    wb = openpyxl.load_workbook(base.filled)
    ws = wb[MANIFEST_SHEET]
    ws["A5"] = "{questo non è JSON"
    wb.save(path)


def _manifest_removed(path: Path, base: Base) -> None:
    wb = openpyxl.load_workbook(base.filled)
    del wb[MANIFEST_SHEET]
    wb.save(path)


def _resigned(path: Path, base: Base) -> None:
    """The manifest re-signed with another key; the key id names the other key."""
    manifest = read_manifest(base.filled)
    signature, key = resign(manifest, base.attacker_key)
    write_manifest(base.filled, path, manifest, signature=signature, key=key)


def _resigned_same_id(path: Path, base: Base) -> None:
    """The manifest re-signed with another key while the key id still names the HR office's key."""
    manifest = read_manifest(base.filled)
    column = manifest_column(base.filled)
    signature, _ = resign(manifest, base.attacker_key)
    write_manifest(base.filled, path, manifest, signature=signature, key=str(column[3]))


def _transplanted(path: Path, base: Base) -> None:
    """The genuine, validly signed manifest of another card's file copied into this one."""
    column = manifest_column(base.other_card)
    manifest = read_manifest(base.other_card)
    write_manifest(base.filled, path, manifest, signature=str(column[2]), key=str(column[3]))


def _transplanted_renamed(path: Path, base: Base) -> None:
    """As above, and the card sheet renamed to the sheet the transplanted manifest names."""
    column = manifest_column(base.other_card)
    manifest = read_manifest(base.other_card)
    other_sheet = next(c["sheet"] for c in manifest["cards"])

    def rename(wb: openpyxl.Workbook) -> None:
        wb[base.weight_sheet].title = other_sheet

    write_manifest(base.filled, path, manifest, signature=str(column[2]), key=str(column[3]), edit=rename)


def _weight_and_hash(path: Path, base: Base, *, resign_with: Any = None) -> None:
    """A weight raised on the card sheet, the same change made in the manifest and its content hash recomputed."""
    manifest = read_manifest(base.filled)
    column = manifest_column(base.filled)
    stored = manifest["cells"][base.weight_sheet][base.weight_cell]
    new_value = float(stored[1]) + 10
    stored[1] = repr(new_value)
    manifest = rehash(manifest)
    signature, key = str(column[2]), str(column[3])
    if resign_with is not None:
        signature, key = resign(manifest, resign_with)

    def edit(wb: openpyxl.Workbook) -> None:
        wb[base.weight_sheet][base.weight_cell] = new_value

    write_manifest(base.filled, path, manifest, signature=signature, key=key, edit=edit)


def _rows_inserted(path: Path, base: Base) -> None:
    """Two rows inserted above the card's objectives: the table no longer sits where it was issued."""
    wb = openpyxl.load_workbook(base.filled)
    wb[base.weight_sheet].insert_rows(int(base.score_cell[1:]), 2)
    wb.save(path)


def cases() -> list[Case]:
    """Every hostile case with the finding codes it must give."""
    empty_zip = raw_zip([])
    return [
        # --- not a workbook at all ---
        Case("empty", _write(b""), {"FILE_NOT_SPREADSHEET"}),
        Case("random-bytes", _write(os.urandom(4096)), {"FILE_NOT_SPREADSHEET"}),
        Case("zip-magic-then-garbage", _write(b"PK\x03\x04" + os.urandom(4096)), {"FILE_UNREADABLE"}),
        Case("pdf-renamed", _write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"), {"FILE_NOT_SPREADSHEET"}),
        Case("html-renamed", _write(b"<html><body><table><tr><td>8</td></tr></table></body></html>"),
             {"FILE_NOT_SPREADSHEET"}),
        Case("empty-zip", _write(empty_zip), {"FILE_UNREADABLE"}),
        Case("zip-not-workbook", _from_parts(lambda: {"LEGGIMI.txt": b"niente qui"}), {"FILE_UNREADABLE"}),
        Case("docx-renamed", _from_parts(lambda: {"[Content_Types].xml": b"<Types/>",
                                                  "word/document.xml": b"<w:document/>"}), {"FILE_UNREADABLE"}),
        Case("truncated-zip", lambda path, base: path.write_bytes(base.filled.read_bytes()[:6000]),
             {"FILE_UNREADABLE"}),
        Case("truncated-central-directory", lambda path, base: path.write_bytes(base.filled.read_bytes()[:-30]),
             {"FILE_UNREADABLE"}),
        Case("too-big-file", lambda path, base: _sparse(path, 65 * MB), {"FILE_TOO_LARGE"}),
        # --- other formats, whatever the extension says ---
        Case("xls-renamed", _write(ole_file({"Workbook": biff8_workbook()})), {"FILE_XLS"}),
        Case("ole-not-spreadsheet", _write(ole_file({"WordDocument": b"\xec\xa5" + bytes(100)})),
             {"FILE_NOT_SPREADSHEET"}),
        Case("encrypted-handmade", _write(ole_file({"EncryptionInfo": b"\x04\x00\x04\x00" + bytes(60),
                                                    "EncryptedPackage": os.urandom(600)})), {"FILE_ENCRYPTED"}),
        Case("encrypted", _encrypted, {"FILE_ENCRYPTED"}),
        Case("ods-renamed", _from_parts(lambda: {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                                                 "content.xml": b"<office:document-content/>"}), {"FILE_ODS"}),
        Case("xlsb-renamed", _from_parts(lambda: {"[Content_Types].xml": b"<Types/>",
                                                  "xl/workbook.bin": b"\x83\x01\x00"}), {"FILE_XLSB"}),
        Case("strict-ooxml", _from_parts(_strict_parts), {"FILE_STRICT_OOXML"}),
        Case("xlsm", _mutate(_xlsm), {"FILE_MACROS"}, suffix=".xlsm"),
        # --- XML attacks ---
        Case("billion-laughs", _mutate(lambda p: {**p, "xl/sharedStrings.xml": billion_laughs()}),
             {"FILE_XML_UNSAFE"}),
        Case("external-entity", _mutate(lambda p: {**p, _card_part(p): external_entity()}), {"FILE_XML_UNSAFE"}),
        Case("doctype-in-workbook", _mutate(lambda p: {**p, "xl/workbook.xml": p["xl/workbook.xml"].replace(
            b"<workbook ", b"<!DOCTYPE workbook><workbook ", 1)}), {"FILE_XML_UNSAFE"}),
        # a part small enough to be parsed whole costs its size, however deep; a streamed one may not nest deep
        Case("deeply-nested", _from_parts(lambda: _deep_parts(200_000)), {"NOT_PIANO_WORKBOOK"}),
        Case("deeply-nested-large", _from_parts(lambda: _deep_parts(300_000, random_names=True)),
             {"FILE_UNREADABLE"}),
        Case("invalid-utf8", _mutate(lambda p: _card_cell(p, b'<row r="900"><c r="A900" t="inlineStr"><is><t>'
                                                             b"\xff\xfe\xc3</t></is></c></row>")),
             {"FILE_UNREADABLE"}),
        Case("nul-bytes", _mutate(lambda p: _card_cell(p, '<row r="900"><c r="A900" t="inlineStr"><is><t>a\0b'
                                                          '</t></is></c></row>')), {"FILE_UNREADABLE"}),
        Case("not-xml", _mutate(lambda p: {**p, "xl/workbook.xml": b"questo non \xe8 XML"}), {"FILE_UNREADABLE"}),
        # --- zip attacks ---
        Case("declared-huge", lambda path, base: path.write_bytes(raw_zip(_bomb_sheet(200 * MB))),
             {"FILE_TOO_LARGE"}, heavy=True),
        Case("ratio", lambda path, base: path.write_bytes(raw_zip(_bomb_sheet(20 * MB))), {"FILE_TOO_LARGE"}),
        Case("lying-size", lambda path, base: path.write_bytes(raw_zip(_bomb_sheet(208 * MB, declared=1000))),
             {"FILE_UNREADABLE"}, heavy=True),
        Case("total-size", lambda path, base: path.write_bytes(raw_zip(_total_bomb())), {"FILE_TOO_LARGE"},
             heavy=True),
        Case("many-entries", lambda path, base: path.write_bytes(raw_zip(_many_entries(6000))), {"FILE_TOO_LARGE"}),
        Case("bzip2-bomb", lambda path, base: path.write_bytes(raw_zip(_bzip2_bomb())), {"FILE_UNREADABLE"},
             heavy=True),
        Case("zip-encrypted-entry", _mutate(lambda p: [Entry(n, d, flags=1 if n == "xl/workbook.xml" else 0)
                                                       for n, d in p.items()]), {"FILE_UNREADABLE"}),
        Case("duplicate-entry", _mutate(_duplicate_card), {"FILE_UNREADABLE"}),
        Case("sheet-part-missing", _mutate(_missing_sheet), {"FILE_UNREADABLE"}),
        # --- big but harmless: only the cells the layout names are kept ---
        Case("huge-dimension", _from_parts(_huge_dimension_parts), {"NOT_PIANO_WORKBOOK"}),
        Case("huge-dimension-card", _mutate(lambda p: _card_cell(
            p, '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')), set(),
             notes="reads as the clean return it is"),
        Case("many-shared-strings", _from_parts(lambda: _many_strings_parts(2_000_000)), {"NOT_PIANO_WORKBOOK"},
             heavy=True),
        Case("score-nan", lambda path, base: _mutate(lambda p: _score_value(p, base.score_cell, "NaN"))(path, base),
             {"SCORE_OUT_OF_SCALE"}),
        Case("score-infinite", lambda path, base: _mutate(lambda p: _score_value(p, base.score_cell, "1e999"))(
            path, base), {"SCORE_OUT_OF_SCALE"}),
        Case("weight-unlocked", lambda path, base: _mutate(lambda p: _unlocked(p, base.weight_cell))(path, base),
             {"UNLOCKED_CELL"}),
        # --- the manifest ---
        Case("manifest-not-json", _manifest_not_json, {"MANIFEST_INVALID"}),
        Case("manifest-removed", _manifest_removed, {"MANIFEST_MISSING"}),
        Case("resigned-other-key", _resigned, {"SIGNATURE_OTHER_KEY"}),
        Case("resigned-same-key-id", _resigned_same_id, {"SIGNATURE_INVALID"}),
        Case("manifest-transplanted", _transplanted, {"SHEET_MISSING"}),
        Case("manifest-transplanted-renamed", _transplanted_renamed, {"LOCKED_CHANGED"}),
        Case("rows-inserted", _rows_inserted, {"ROWS_SHIFTED"}),
        Case("weight-and-hash", _weight_and_hash, {"SIGNATURE_INVALID", "CONTENT_HASH_MISMATCH", "LOCKED_CHANGED"}),
        Case("weight-and-hash-resigned", lambda path, base: _weight_and_hash(path, base,
                                                                             resign_with=base.attacker_key),
             {"SIGNATURE_OTHER_KEY", "CONTENT_HASH_MISMATCH", "LOCKED_CHANGED"}),
    ]


def _sparse(path: Path, size: int) -> None:
    with open(path, "wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(size)


def _encrypted(path: Path, base: Base) -> None:
    """The filled workbook with a password to open (real ECMA-376 agile encryption)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(base.filled, "rb") as src:
        out = io.BytesIO()
        OOXMLFile(src).encrypt("Passw0rd!", out)
    path.write_bytes(out.getvalue())


@dataclass
class Snapshot:
    """Bytes and times of every input file, to show that reading changed nothing."""

    files: dict[Path, tuple[bytes, int]]

    @classmethod
    def take(cls, paths: list[Path]) -> Snapshot:
        return cls({p: (p.read_bytes(), p.stat().st_mtime_ns) for p in paths})

    def changed(self) -> list[str]:
        out = []
        for path, (data, mtime) in self.files.items():
            if not path.exists():
                out.append(f"{path}: deleted")
            elif path.read_bytes() != data:
                out.append(f"{path}: content changed")
            elif path.stat().st_mtime_ns != mtime:
                out.append(f"{path}: modification time changed")
        return out



# --- one reading in a fresh process: its result, its time and its peak memory ---

@dataclass
class Measured:
    result: Any  # what the function returned, or None
    error: str | None  # how it failed, if it did
    seconds: float
    peak_mb: float  # peak resident memory of the process that did the reading
    start_mb: float = 0.0  # its resident memory when it started (inherited from the test process)


def _measured_child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...], cap: int) -> None:
    import resource
    import time

    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    start_mb = 0.0
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                start_mb = int(line.split()[1]) / 1024
    start = time.perf_counter()
    try:
        result, error = fn(*args), None
    except BaseException as exc:  # noqa: BLE001 - reported to the test, which fails on it
        result, error = None, f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    conn.send((result, error, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, start_mb))


def measure(fn: Callable[..., Any], *args: Any, cap: int = 1024 * MB, timeout: float = 60) -> Measured:
    """Run `fn(*args)` in a forked process under an address-space cap well above the limit being tested.

    The cap only keeps a runaway reading from taking the machine down: a test asserts the peak against its
    own, lower limit, so a reader that needed the cap to stay small still fails.
    """
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_measured_child, args=(child, fn, args, cap))
    process.start()
    child.close()
    if not parent.poll(timeout):
        process.kill()
        process.join()
        return Measured(None, f"no answer within {timeout} s", timeout, 0.0)
    try:
        result, error, seconds, peak, start_mb = parent.recv()
    except EOFError:
        process.join()
        return Measured(None, f"died (exit code {process.exitcode})", 0.0, 0.0)
    process.join()
    return Measured(result, error, seconds, peak, start_mb)


def read_both_ways(path: Path, monkeypatch: Any) -> list[Any]:
    """The reader's result (or refusal code) with small parts parsed whole, then with every part streamed."""
    from piano_xlsx.files.container import ContainerError, sniff
    from piano_xlsx.reader import parts, xlsx

    out = []
    for limit in (parts.TREE_LIMIT, -1):
        monkeypatch.setattr(parts, "TREE_LIMIT", limit)
        try:
            kind, zf = sniff(path.read_bytes())
            out.append(xlsx.read_workbook(zf, lambda sheet: None) if zf is not None and kind in ("xlsx", "xlsm")
                       else kind)
        except ContainerError as exc:
            out.append(exc.code)
    return out


# --- fixtures' work, shared by the collect and audit robustness tests ---


def make_base(issued_folder: Path, filled_folder: Path, private_key_path: Path) -> Base:
    """A generated, signed, per-sector workbook of the example plan filled as an office would, and a sibling."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from support import EXAMPLE_PLAN, fill_workbook, full_scores, generate_plan, plan_layouts

    loaded, files = generate_plan(EXAMPLE_PLAN, issued_folder, key=private_key_path, per_sector=True)
    layouts = plan_layouts(loaded)
    first = next(f for f in files if f.stem.endswith("settore-1"))
    other = next(f for f in files if f.stem.endswith("settore-2"))
    filled = fill_workbook(first, filled_folder / first.name, layouts, full_scores(layouts))
    layout = next(lay for lay in layouts if lay.card.id == "settore-1")
    item = next(i for i in layout.items if not i.item.gate)
    return Base(filled=filled, other_card=other, weight_sheet=layout.sheet, weight_cell=item.cell("weight"),
                score_cell=item.cell("score"), attacker_key=Ed25519PrivateKey.generate())


def build_all(folder: Path, base: Base, chosen: dict[str, Case]) -> dict[str, Path]:
    """Every chosen hostile case written into `folder` (name -> path)."""
    out = {}
    for case in chosen.values():
        path = folder / f"{case.name}{case.suffix}"
        case.build(path, base)
        out[case.name] = path
    return out

