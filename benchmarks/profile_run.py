"""Profile generate or collect at scale with pyinstrument (pip install pyinstrument) and print where the time goes.

    python benchmarks/profile_run.py generate [--cards 1000] [--five-items]
    python benchmarks/profile_run.py collect [--cards 1000]    # returns made first, outside the profile
    python benchmarks/profile_run.py collect --isolate           # as the CLI runs it: the main process only
    python benchmarks/profile_run.py collect --worker            # a worker's side: inspect_file over every return,
                                                                 # in this process, with the plan's Expected made first
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench_collect import KEY, make_returns
from bench_generate import SMALL_CARD
from common import large_plan

from piano_xlsx.collect import collect
from piano_xlsx.collect.inspect import inspect_file
from piano_xlsx.generate import generate
from piano_xlsx.verify.expected import Expected

_PASSTHROUGH = {"<module>", "main", "generate", "<listcomp>", "write", "write_workbook"}  # steps are what these call


def print_steps(root: Any) -> None:
    """Where generate's time goes, by step (the function generate or write_workbook calls), XlsxWriter apart.

    Everything inside XlsxWriter is what the bare replay does too; the rest is ours, above the baseline.
    """
    steps: dict[str, float] = {}

    def walk(frame: Any, step: str) -> None:
        if "/xlsxwriter/" in (frame.file_path or ""):
            steps["XlsxWriter (the baseline does it)"] = steps.get("XlsxWriter (the baseline does it)", 0) + frame.time
            return
        if frame.function not in _PASSTHROUGH:
            step = step or frame.function
        steps[step or frame.function] = (steps.get(step or frame.function, 0)
                                         + frame.time - sum(child.time for child in frame.children))
        for child in frame.children:
            walk(child, step)

    walk(root, "")
    total = root.time
    print(f"{'share':>6} {'seconds':>8}  step")
    for step, seconds in sorted(steps.items(), key=lambda kv: -kv[1]):
        if seconds / total >= 0.002:
            print(f"{seconds / total:6.1%} {seconds:8.3f}  {step}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("job", choices=["generate", "collect"])
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--five-items", action="store_true",
                        help="generate: cards of five items (two shared, three own) instead of twenty")
    parser.add_argument("--interval", type=float, default=0.002, help="sampling interval in seconds")
    parser.add_argument("--isolate", action="store_true", help="collect: read the files in a worker (jobs=1)")
    parser.add_argument("--worker", action="store_true", help="collect: profile what a worker does, file by file")
    args = parser.parse_args(argv)
    from pyinstrument import Profiler

    work = Path(tempfile.mkdtemp(prefix="piano-profile-"))
    try:
        profiler = Profiler(interval=args.interval)
        if args.job == "generate":
            loaded = large_plan(args.cards, *SMALL_CARD) if args.five_items else large_plan(args.cards)
            profiler.start()
            generate(loaded, work / "out", private_key=KEY, per_sector=True, jobs=1)
        else:
            loaded, returns = make_returns(work, args.cards)
            files = sorted(returns.iterdir())
            if args.worker:
                expected = Expected.from_plan(loaded)
                expected.wanted_addresses()
                public = KEY.public_key()
                profiler.start()
                for path in files:
                    inspect_file(path, expected, public)
            else:
                profiler.start()
                collect(loaded, files, public_key=KEY.public_key(), jobs=1, isolate=args.isolate)
        profiler.stop()
        print(profiler.output_text(show_all=False, color=False))
        if args.job == "generate":
            print_steps(profiler.last_session.root_frame())
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
