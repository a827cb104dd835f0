"""generate at scale against bare XlsxWriter: 1,000 one-card workbooks, 300 one-card workbooks of five-item
cards (where the fixed cost of each workbook weighs more), and one workbook of 20 cards.

Both sides write the same files: the baseline replays, with plain XlsxWriter (in_memory=True), the calls our
writer makes (recorded outside the timed region), and writes the bytes to disk; the benchmark checks that its
files are byte-identical to ours. Our side is the library function `generate` with every step: plan check,
layout, content, cached values, manifest, signature, files and delivery note.

    python benchmarks/bench_generate.py [--cards 1000] [--small-cards 300] [--book-cards 20] [--repeats 3]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from common import cold, describe, large_plan, peak_rss_mb, print_machine, ratio, run_interleaved
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from replay import Recorder, replay

from piano_xlsx.generate import generate, plan_layouts, protection_password
from piano_xlsx.plan.check import check_plan
from piano_xlsx.workbook.naming import workbook_name
from piano_xlsx.workbook.writer import write_workbook

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))  # fixed: the same files every run
SMALL_CARD = (2, 3)  # five-item cards: two shared organisational objectives and three of the card's own


def record_all(loaded: Any, per_sector: bool) -> list[tuple[str, Any, bytes]]:
    """The XlsxWriter calls of every workbook `generate` writes (name, recording, bytes)."""
    layouts = plan_layouts(loaded)
    password = protection_password(loaded, KEY)
    plan_id = loaded.plan.plan.id
    groups = [(workbook_name(plan_id, lay.card.id), [lay]) for lay in layouts] if per_sector else [
        (workbook_name(plan_id), layouts)]
    recorder = Recorder()
    out = []
    for name, group in groups:
        recording, issued = recorder.record(
            lambda group=group: write_workbook(loaded, group, password=password, private_key=KEY))
        out.append((name, recording, issued.data))
    return out


def bench(label: str, cards: int, per_sector: bool, repeats: int, jobs_list: list[int],
          items: tuple[int, int] = (10, 10)) -> list[dict[str, Any]]:
    loaded = large_plan(cards, *items)
    recordings = record_all(loaded, per_sector)
    # The recordings are millions of objects that no real run holds (every call of every workbook). Left to the
    # cyclic collector, each full collection in either candidate walks them all (0.3-0.5 s at 300 workbooks of
    # 20 items), and whichever candidate crosses the threshold pays it: measured, ours in one repetition, the
    # baseline in the next. Frozen, they are out of its walks; the plan is then made again, not frozen, so that
    # `generate` meets the collector as in a real run (the recordings hold no object of the plan).
    gc.collect()
    gc.freeze()
    loaded = large_plan(cards, *items)
    files = len(recordings)
    work = Path(tempfile.mkdtemp(prefix="piano-bench-gen-"))
    try:
        # every repetition of either side writes its files into a new folder, as a user's run writes into an
        # empty one: replacing the files of the previous repetition (a truncation for the baseline, a rename
        # over the old file for generate) would cost the two sides differently, and no first run does it
        folders = itertools.count()
        last: dict[str, Path] = {}

        def fresh(side: str) -> Path:
            last[side] = work / f"{side}-{next(folders)}"
            return last[side]

        def bare() -> None:
            folder = fresh("bare")
            folder.mkdir()
            for name, recording, _ in recordings:
                (folder / name).write_bytes(replay(recording))

        candidates = {"bare XlsxWriter": bare, "check_plan alone": lambda: check_plan(loaded)}
        for jobs in jobs_list:
            candidates[f"generate jobs={jobs}"] = (
                lambda jobs=jobs: generate(loaded, fresh("ours"), private_key=KEY, per_sector=per_sector, jobs=jobs))
        times, cpu = run_interleaved(candidates, repeats, setup=cold)
        for name, _, data in recordings:  # same content, byte for byte
            assert (last["bare"] / name).read_bytes() == data == (last["ours"] / name).read_bytes(), name
    finally:
        shutil.rmtree(work, ignore_errors=True)
        gc.unfreeze()
    print(f"\n{label}: {files} workbook(s), {cards} card(s), {repeats} repetitions, interleaved")
    rows = []
    for name, t in times.items():
        r = ratio(t, times["bare XlsxWriter"])
        single = not name.endswith("jobs=2")
        cpu_ratio = ratio(cpu[name], cpu["bare XlsxWriter"]) if single else None
        print(f"  {name:22} {describe(t, files)}  ratio {r:5.2f}"
              + (f"  (CPU ratio {cpu_ratio:4.2f})" if cpu_ratio else ""))
        rows.append({"job": label, "candidate": name, "median": statistics.median(t), "min": min(t),
                     "max": max(t), "ratio": r, "cpu_ratio": cpu_ratio, "files": files})
    print(f"  peak RSS of this process so far: {peak_rss_mb():.0f} MB")
    return rows


CASES = ("cards", "small", "book")


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=1000, help="cards of the plan, one workbook each")
    parser.add_argument("--small-cards", type=int, default=300,
                        help="cards of the plan of five-item cards, one workbook each")
    parser.add_argument("--book-cards", type=int, default=20, help="cards of the one-workbook plan")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs", type=int, nargs="*", default=[1, 2], help="jobs values to measure")
    parser.add_argument("--case", choices=CASES, help=argparse.SUPPRESS)  # one case, in this process
    parser.add_argument("--rows", help=argparse.SUPPRESS)  # where that case's rows are written (JSON)
    args = parser.parse_args(argv)
    if args.case:
        rows = _case(args)
        Path(args.rows).write_text(json.dumps(rows))
        return rows
    print_machine()
    # each case in a fresh process, as a user runs generate: what an earlier case left in this process (a
    # heap grown by 1,000 workbooks' recordings) made a later one measurably slower, and no user run has it
    rows = []
    with tempfile.TemporaryDirectory(prefix="piano-bench-gen-rows-") as folder:
        for case in CASES:
            out = Path(folder) / f"{case}.json"
            subprocess.run([sys.executable, __file__, *(argv or []), "--case", case, "--rows", str(out)], check=True)
            rows += json.loads(out.read_text())
    return rows


def _case(args: argparse.Namespace) -> list[dict[str, Any]]:
    if args.case == "cards":
        return bench(f"generate {args.cards} one-card workbooks", args.cards, True, args.repeats, args.jobs)
    if args.case == "small":
        return bench(f"generate {args.small_cards} one-card workbooks of five items", args.small_cards, True,
                     args.repeats, args.jobs, SMALL_CARD)
    return bench(f"generate one workbook of {args.book_cards} cards", args.book_cards, False, args.repeats * 3, [1])


if __name__ == "__main__":
    main(sys.argv[1:])
