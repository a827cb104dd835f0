"""Profile generate or collect at scale with pyinstrument (pip install pyinstrument) and print where the time goes.

    python benchmarks/profile_run.py generate [--cards 1000] [--five-items]
    python benchmarks/profile_run.py collect [--cards 1000]    # returns made first, outside the profile
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from bench_collect import KEY, make_returns
from bench_generate import SMALL_CARD
from common import large_plan

from piano_xlsx.collect import collect
from piano_xlsx.generate import generate


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("job", choices=["generate", "collect"])
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--five-items", action="store_true",
                        help="generate: cards of five items (two shared, three own) instead of twenty")
    parser.add_argument("--interval", type=float, default=0.002, help="sampling interval in seconds")
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
            profiler.start()
            collect(loaded, files, public_key=KEY.public_key(), jobs=1, isolate=False)
        profiler.stop()
        print(profiler.output_text(show_all=False, color=False))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
