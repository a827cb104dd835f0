"""Collect a folder of returned workbooks: verify each file, consolidate the scores, write the report.

    python examples/collect_folder.py PLAN FOLDER --public-key KEY [-o REPORT.xlsx]

The same as `piano-xlsx collect PLAN FOLDER -o REPORT.xlsx --public-key KEY --json REPORT.json`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from piano_xlsx.collect import collect
from piano_xlsx.collect.report import write_json, write_report
from piano_xlsx.findings import exit_status
from piano_xlsx.planfile import load_plan_file
from piano_xlsx.signing import load_public_key


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan")
    parser.add_argument("folder")
    parser.add_argument("--public-key", required=True)
    parser.add_argument("-o", "--output", default="consolidato.xlsx")
    args = parser.parse_args()

    loaded = load_plan_file(args.plan)
    # Every file under the folder is read (never written); one bad file gives findings, not an exception.
    result = collect(loaded, [args.folder], public_key=load_public_key(args.public_key), jobs=1)

    # Scores as the tool recomputes them from the inputs, never as the file shows them.
    for card in result.consolidated.cards:
        r = card.result
        print(f"{card.card_id}: total {r.total:g} of {r.maximum:g}, band {r.band or '-'}, "
              f"{'complete' if r.complete else r.status}")
    for card_id in result.consolidated.missing:
        print(f"{card_id}: not returned")
    for f in result.findings:
        print(f"{f.severity.value}: {f.code} [{f.place}] {f.message}")

    report = write_report(result, args.output, force=True)
    write_json(result, str(Path(args.output).with_suffix(".json")), force=True)
    print(f"report {report}")
    return exit_status(result.findings)  # 0 without errors, 1 with at least one


if __name__ == "__main__":
    raise SystemExit(main())
