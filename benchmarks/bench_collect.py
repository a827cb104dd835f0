"""collect at scale: 1,000 filled returns against python-calamine reading every cell value of the same files.

The returns are made outside the timed region: generated (one card per workbook, signed), then filled by
editing the sheet XML as a spreadsheet would save it (evaluator, date, every score, and the cached value of
every formula, so collect compares them all). Our side is the library function `collect` with every check
and signature verification; the baseline opens each file with python-calamine and reads every cell value of
every sheet. Two parse floors are measured beside it, with nothing done with what the parser gives:
"all parts" runs the standard library's C parser with start/end events over every XML part of each file; "the
parts collect reads" unzips exactly the parts collect's reader parses (recorded from the reader itself on each
file, outside the timed region: the prolog-only reads of the other parts are left out, which lowers the floor)
and parses each with the same C parser, both as a stream of start/end events and as a whole tree (what the
reader does); the faster of the two is the floor collect is compared with. collect uses no other parser, so no
other is measured. CPU ratios count the worker processes' CPU too (collect reads every file in a worker).
Peak memory of collect is measured in fresh processes at 1,000 and 10,000 files (the 10,000 are
hard links to the 1,000 in ten folders: every card comes back ten times).

    python benchmarks/bench_collect.py [--cards 1000] [--repeats 3] [--big 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from common import cold, describe, large_plan, print_machine, ratio, run_interleaved
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from piano_xlsx.collect import collect
from piano_xlsx.generate import generate, plan_layouts
from piano_xlsx.workbook.computation import evaluate
from piano_xlsx.workbook.layout import SUMMARY_COLUMNS, CardLayout, summary_row

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
CARD_SHEET, SUMMARY_SHEET_PART = "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"
_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_STYLE = re.compile(r' s="[0-9]+"')
_FORMULA = re.compile(r"<f>.*?</f>|<f/>", re.S)


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _set_cells(xml: str, inputs: dict[str, Any], cached: dict[str, Any]) -> str:
    """Inputs become values; formula cells keep their formula and get `cached` as their value."""
    def replace(match: re.Match[str]) -> str:
        address, attrs, inner = match.group(1), match.group(2), match.group(3) or ""
        style = (_STYLE.search(attrs) or [""])[0]
        if address in inputs:
            value = inputs[address]
            if isinstance(value, str):
                return f'<c r="{address}"{style} t="inlineStr"><is><t>{_xml_text(value)}</t></is></c>'
            return f'<c r="{address}"{style}><v>{_number(value)}</v></c>'
        if address in cached:
            formula = _FORMULA.search(inner)
            if formula is None:
                return match.group(0)
            value = cached[address]
            if isinstance(value, str):
                return f'<c r="{address}"{style} t="str">{formula.group(0)}<v>{_xml_text(value)}</v></c>'
            return f'<c r="{address}"{style}>{formula.group(0)}<v>{_number(value)}</v></c>'
        return match.group(0)
    return _CELL.sub(replace, xml)


def scores_for(layout: CardLayout, n: int) -> dict[str, Any]:
    """Shared objectives scored alike on every card; the card's own objectives vary; one card in 50 misses one."""
    scale = [4, 6, 8, 10]
    scores: dict[str, Any] = {}
    for k, item in enumerate(layout.items):
        scores[item.item.id] = 8 if item.item.ref else scale[(n * 7 + k * 3) % 4]
    if n % 50 == 0:
        scores[layout.items[-1].item.id] = None
    return scores


def fill(source: Path, target: Path, layout: CardLayout, n: int) -> None:
    """A return as a spreadsheet saves it: inputs filled, every formula with its value cached."""
    scores = scores_for(layout, n)
    result = evaluate(layout, scores)
    date = (dt.date(2026, 3, 15) - dt.date(1899, 12, 30)).days
    inputs: dict[str, Any] = {layout.header_cell("evaluator"): f"Valutatore {n % 37}",
                              layout.header_cell("date"): date}
    inputs |= {item.cell("score"): scores[item.item.id] for item in layout.items if scores[item.item.id] is not None}
    summary = {f"{letter}{summary_row(0)}": result.cells.get(layout.total_cell(key), layout.card.maximum)
               for letter, _, key, _ in SUMMARY_COLUMNS if key and key in layout.totals}
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == CARD_SHEET:
                data = _set_cells(data.decode(), inputs, result.cells).encode()
            elif info.filename == SUMMARY_SHEET_PART:
                data = _set_cells(data.decode(), {}, summary).encode()
            zout.writestr(info, data)


def make_returns(work: Path, cards: int) -> tuple[Any, Path, Path]:
    """The plan, the folder of filled returns, and the public key file."""
    loaded = large_plan(cards)
    issued = generate(loaded, work / "issued", private_key=KEY, per_sector=True)
    returns = work / "returns"
    returns.mkdir()
    for n, (path, layout) in enumerate(zip(issued.files, plan_layouts(loaded), strict=True)):
        fill(path, returns / path.name, layout, n)
    shutil.rmtree(work / "issued")
    return loaded, returns


def calamine_read(files: list[Path]) -> int:
    """Every cell value of every sheet of every file (the count, so nothing is optimised away)."""
    from python_calamine import CalamineWorkbook

    count = 0
    for path in files:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            count += sum(len(row) for row in book.get_sheet_by_name(name).to_python())
    return count


def parse_floor(files: list[Path]) -> int:
    """The floor of reading with the standard library: unzip every XML part and run ElementTree's C parser over it,
    with start and end events as a streaming reader needs, and nothing done with them."""
    from xml.etree.ElementTree import XMLPullParser

    count = 0
    for path in files:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if name.endswith((".xml", ".rels")):
                    parser = XMLPullParser(events=("start", "end"))
                    parser.feed(zf.read(name))
                    parser.close()
                    count += sum(1 for _ in parser.read_events())
    return count


def parts_collect_reads(files: list[Path]) -> list[tuple[Path, list[str]]]:
    """For each file, the parts collect's reader parses (in its order), recorded from the reader itself."""
    from piano_xlsx.files.container import sniff
    from piano_xlsx.reader import parts, xlsx

    out: list[tuple[Path, list[str]]] = []
    original = parts.Package.select

    def recording(self: Any, name: str, tags: tuple[str, ...]) -> Any:
        if name in self.zf.namelist() and name not in out[-1][1]:
            out[-1][1].append(name)
        return original(self, name, tags)

    parts.Package.select = recording  # type: ignore[method-assign]
    try:
        for path in files:
            out.append((path, []))
            _, zf = sniff(path.read_bytes())
            xlsx.read_workbook(zf, lambda sheet: None)
    finally:
        parts.Package.select = original  # type: ignore[method-assign]
    return out


def read_parts_events(read: list[tuple[Path, list[str]]]) -> int:
    """Unzip the parts collect reads and run the C parser over each with start/end events, nothing done."""
    from xml.etree.ElementTree import XMLPullParser

    count = 0
    for path, names in read:
        with zipfile.ZipFile(path) as zf:
            for name in names:
                parser = XMLPullParser(events=("start", "end"))
                parser.feed(zf.read(name))
                parser.close()
                count += sum(1 for _ in parser.read_events())
    return count


def read_parts_tree(read: list[tuple[Path, list[str]]]) -> int:
    """Unzip the parts collect reads and build each one's tree with the C parser, nothing done with it."""
    from xml.etree.ElementTree import XMLParser

    count = 0
    for path, names in read:
        with zipfile.ZipFile(path) as zf:
            for name in names:
                parser = XMLParser()
                parser.feed(zf.read(name))
                count += len(parser.close())
    return count


def read_parts_touch(read: list[tuple[Path, list[str]]]) -> int:
    """The floor of the parts collect reads, tree, plus the least Python a reader does per cell: each cell's
    address, type and style, and the text of its children, put in one tuple. Not a floor collect can reach (it
    also resolves shared strings, styles and formulas, and checks every cell), a reference for what per-cell
    Python alone costs above parsing."""
    from xml.etree.ElementTree import XMLParser

    cell_tag = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}c"
    count = 0
    for path, names in read:
        with zipfile.ZipFile(path) as zf:
            for name in names:
                parser = XMLParser()
                parser.feed(zf.read(name))
                cells = [(c.get("r"), c.get("t"), c.get("s"), [child.text for child in c])
                         for c in parser.close().iter(cell_tag)]
                count += len(cells)
    return count


def expected_alone(loaded: Any) -> int:
    """What collect builds from the plan once per run before reading a file: the content every card must hold
    (layouts, cells, formulas) and the addresses the reader keeps."""
    from piano_xlsx.verify.expected import Expected

    return len(Expected.from_plan(loaded).wanted_addresses())


def _with_children_cpu(fn: Any, cpu: list[float]) -> Any:
    """`fn`, noting the CPU seconds it took in this process and in the worker processes it waited for."""
    def timed() -> Any:
        before = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        result = fn()
        after = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(after, before, strict=True)))
        return result
    return timed


def peak_in_child(cards: int, folder: Path, jobs: int) -> dict[str, Any]:
    """Run collect in a fresh process; its peak memory and how much was resident before collect began."""
    out = subprocess.run([sys.executable, __file__, "--peak", str(folder), "--cards", str(cards), "--jobs", str(jobs)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS now, VmHWM its peak)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mode(folder: str, cards: int, jobs: int) -> None:
    import gc
    import resource

    loaded = large_plan(cards)
    public = KEY.public_key()
    files = sorted(Path(folder).rglob("*.xlsx"))
    gc.collect()
    before = _status_mb("VmRSS")
    try:  # reset the peak (Linux 4.0+), so it is the peak of collect alone
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    start = time.perf_counter()
    result = collect(loaded, files, public_key=public, jobs=jobs)
    seconds = time.perf_counter() - start
    peak = _status_mb("VmHWM")
    gc.collect()
    after = _status_mb("VmRSS")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"files": len(files), "cards": len(result.consolidated.cards), "before_mb": before,
                      "peak_mb": peak, "kept_mb": after - before, "worker_peak_mb": children,
                      "seconds": seconds}))


def _memory_line(m: dict[str, Any]) -> str:
    return (f"peak {m['peak_mb']:.0f} MB in the main process (resident before collect {m['before_mb']:.0f} MB, "
            f"kept after it {m['kept_mb']:.0f} MB = {m['kept_mb'] * 1024 / m['files']:.1f} KB per file); "
            f"worker peak {m['worker_peak_mb']:.0f} MB; {m['seconds']:.1f} s")


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=1000, help="returns to collect (one card each)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--big", type=int, default=10_000, help="files for the second memory measurement (0: skip)")
    parser.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--peak", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.peak:
        _peak_mode(args.peak, args.cards, args.jobs)
        return []
    print_machine()
    work = Path(tempfile.mkdtemp(prefix="piano-bench-collect-"))
    rows: list[dict[str, Any]] = []
    try:
        started = time.perf_counter()
        loaded, returns = make_returns(work, args.cards)
        files = sorted(returns.iterdir())
        print(f"\n{len(files)} returns made in {time.perf_counter() - started:.1f} s "
              f"({sum(p.stat().st_size for p in files) / len(files) / 1024:.1f} KB each)")
        public = KEY.public_key()
        check = collect(loaded, files, public_key=public, jobs=1)
        print("  findings of collect on them:", dict(Counter(f.code for f in check.findings)) or "none",
              f"; cards consolidated {len(check.consolidated.cards)}")
        assert len(check.consolidated.cards) == args.cards
        del check
        read = parts_collect_reads(files)
        print(f"  parts collect parses in each file: {len(read[0][1])} ({', '.join(read[0][1])})")
        candidates = {
            "python-calamine": lambda: calamine_read(files),
            "ElementTree parse floor": lambda: parse_floor(files),
            "floor of parts read, events": lambda: read_parts_events(read),
            "floor of parts read, tree": lambda: read_parts_tree(read),
            "floor + a tuple per cell": lambda: read_parts_touch(read),
            "the plan's expected content": lambda: expected_alone(loaded),
            "collect jobs=1": lambda: collect(loaded, files, public_key=public, jobs=1),
            "collect jobs=2": lambda: collect(loaded, files, public_key=public, jobs=2),
        }
        cpu: dict[str, list[float]] = {name: [] for name in candidates}
        times, _ = run_interleaved({name: _with_children_cpu(fn, cpu[name]) for name, fn in candidates.items()},
                                   args.repeats, setup=cold)
        floors = [name for name in candidates if name.startswith("floor of parts read")]
        floor = min(floors, key=lambda name: statistics.median(times[name]))
        label = f"collect {len(files)} returns"
        print(f"\n{label}: {args.repeats} repetitions, interleaved; ratios against python-calamine and against the "
              f"fastest floor of the parts collect reads ({floor}); CPU counts worker processes too")
        for name, t in times.items():
            r = ratio(t, times["python-calamine"])
            to_floor = ratio(t, times[floor])
            single = name != "collect jobs=2"
            cpu_ratio = ratio(cpu[name], cpu["python-calamine"]) if single else None
            cpu_floor = ratio(cpu[name], cpu[floor]) if single else None
            print(f"  {name:28} {describe(t, len(files))}  ratio {r:5.2f}  to floor {to_floor:5.2f}"
                  + (f"  (CPU ratios {cpu_ratio:5.2f}, {cpu_floor:5.2f})" if single else ""))
            rows.append({"job": label, "candidate": name, "median": statistics.median(t), "min": min(t),
                         "max": max(t), "ratio": r, "cpu_ratio": cpu_ratio, "to_floor": to_floor,
                         "cpu_to_floor": cpu_floor, "floor": floor, "files": len(files)})
        print("\npeak memory of collect (fresh process, jobs=1):")
        small = peak_in_child(args.cards, returns, 1)
        print(f"  {small['files']:6} files: {_memory_line(small)}")
        rows.append({"job": "memory", "candidate": f"collect {small['files']} files", **small})
        if args.big:
            copies = work / "copies"
            for k in range(max(1, args.big // len(files))):
                folder = copies / f"lotto-{k:02d}"
                folder.mkdir(parents=True)
                for path in files:
                    os.link(path, folder / path.name)
            big = peak_in_child(args.cards, copies, 1)
            growth = (big["peak_mb"] - small["peak_mb"]) * 2**20 / max(1, big["files"] - small["files"])
            print(f"  {big['files']:6} files: {_memory_line(big)}")
            print(f"  peak grows by {growth / 1024:.1f} KB per extra file (a return of one card)")
            rows.append({"job": "memory", "candidate": f"collect {big['files']} files", **big,
                         "growth_per_file_kb": growth / 1024})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])
