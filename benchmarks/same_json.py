"""Check that speed work changes nothing collect reports: keep the benchmark's returns, write collect's JSON on them.

    python benchmarks/same_json.py make FOLDER [--cards 1000]   # the returns of bench_collect, kept in FOLDER
    python benchmarks/same_json.py json FOLDER OUT.json [--cards 1000]
    cmp before.json after.json                                  # byte-identical, or the change altered a result

The returns are made with the fixed key of the benchmarks, so the same code makes the same files; run `json`
with the code before the change and with the code after it on the same FOLDER and compare the two files.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from bench_collect import KEY, make_returns
from common import large_plan

from piano_xlsx.collect import collect
from piano_xlsx.collect.report import write_json


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("job", choices=["make", "json"])
    parser.add_argument("folder", type=Path)
    parser.add_argument("out", nargs="?", help="the JSON file to write (json)")
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    if args.job == "make":
        work = Path(tempfile.mkdtemp(prefix="piano-same-json-"))
        try:
            _, returns = make_returns(work, args.cards)
            shutil.move(str(returns), str(args.folder))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    if not args.out:
        parser.error("json needs OUT")
    files = sorted(args.folder.iterdir())
    result = collect(large_plan(args.cards), files, public_key=KEY.public_key(), jobs=args.jobs)
    write_json(result, args.out, force=True)


if __name__ == "__main__":
    main(sys.argv[1:])
