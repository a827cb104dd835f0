"""Run every benchmark and print the ratios against the targets of the performance work.

    python benchmarks/run_all.py            # the full run (about 15 minutes on 2 cores)
    python benchmarks/run_all.py --quick    # a small run to try the scripts (100 cards, 1,000 files)
    ./run.sh bench [--quick]                # the same, after setting up the virtual environment
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_collect  # noqa: E402
import bench_generate  # noqa: E402
from common import machine  # noqa: E402

TARGET_GENERATE = 1.15  # × bare XlsxWriter replaying the same calls, for one-card workbooks of 20 and of 5 items
TARGET_COLLECT = 1.5  # × the fastest bare parse of the parts collect reads, single process
TARGET_MEMORY_MB = 400  # peak of collect at 10,000 files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, to try the scripts")
    args = parser.parse_args(argv)
    size = ["--cards", "100", "--repeats", "2"] if args.quick else []
    rows = bench_generate.main(size)
    rows += bench_collect.main(size + (["--big", "1000"] if args.quick else []))
    m = machine()
    print(f"\nSummary ({m['date']}, {m['nproc']} cores, {m['cpu']}, Python {m['python']}): medians of wall time")
    print(f"{'job':42} {'candidate':28} {'median s':>9} {'ratio':>6} {'CPU ratio':>9}  target")
    for row in rows:
        if row["job"] == "memory":
            target = f"< {TARGET_MEMORY_MB} MB" if row["files"] >= 10_000 else ""
            met = "" if not target else ("met" if row["peak_mb"] < TARGET_MEMORY_MB else "NOT MET")
            print(f"{'memory':42} {row['candidate']:28} peak {row['peak_mb']:6.0f} MB"
                  + (f"  {target} {met}" if target else ""))
            continue
        target = ""
        if row["candidate"] == "generate jobs=1" and "one-card" in row["job"]:
            target = f"≤ {TARGET_GENERATE}: " + ("met" if row["ratio"] <= TARGET_GENERATE else "NOT MET")
        elif row["candidate"] == "collect jobs=1":
            met = "met" if row["to_floor"] <= TARGET_COLLECT else "NOT MET"
            target = f"{row['to_floor']:.2f} × the floor ({row['floor']}), ≤ {TARGET_COLLECT}: {met}"
        cpu = f"{row['cpu_ratio']:9.2f}" if row.get("cpu_ratio") else " " * 9
        print(f"{row['job']:42} {row['candidate']:28} {row['median']:9.3f} {row['ratio']:6.2f} {cpu}  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
