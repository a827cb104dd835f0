"""Generate the locked, signed workbooks of a plan with the library API.

    python examples/generate_workbooks.py [PLAN] [-o FOLDER]

PLAN is a YAML plan or a plan workbook (.xlsx); without it, the bundled example.
The same as `piano-xlsx keygen` followed by `piano-xlsx generate --per-sector`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from piano_xlsx.demo import example_plan_path
from piano_xlsx.findings import Severity
from piano_xlsx.generate import generate
from piano_xlsx.plan.check import check_plan
from piano_xlsx.plan.loader import PlanError
from piano_xlsx.planfile import load_plan_file
from piano_xlsx.signing import keygen, load_private_key


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan", nargs="?", default=str(example_plan_path()))
    parser.add_argument("-o", "--output", default="esempio-cartelle")
    args = parser.parse_args()
    out = Path(args.output)

    # 1. Load the plan: YAML or plan workbook, chosen by the file's content.
    try:
        loaded = load_plan_file(args.plan)
    except PlanError as exc:  # the plan cannot be read: each finding says where and why
        for f in exc.findings:
            print(f"{f.code} {f.place}: {f.message}")
        return 2

    # 2. Check it: generate refuses a plan with errors, warnings are for the author to weigh.
    for f in check_plan(loaded):
        print(f"{f.severity.value}: {f.code} {f.place}: {f.message}")
    if any(f.severity == Severity.ERROR for f in check_plan(loaded)):
        return 1

    # 3. A key pair: the private key signs the manifest of every workbook, auditors verify with the public one.
    private, public = keygen(out / "chiavi", force=True)

    # 4. One workbook per card; the delivery note lists files, hashes and the protection password.
    result = generate(loaded, out / "cartelle", private_key=load_private_key(private), per_sector=True)
    for path in result.files:
        print(f"written {path}")
    print(f"delivery note {result.note}; public key for auditors {public}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
