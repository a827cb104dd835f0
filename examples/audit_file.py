"""Audit one returned workbook: every formula as issued, as found, as cached and as recomputed.

    python examples/audit_file.py WORKBOOK --public-key KEY [-o REPORT.html]

The same as `piano-xlsx audit WORKBOOK --public-key KEY -o REPORT.html`.
"""

from __future__ import annotations

import argparse

from piano_xlsx.audit import audit_file
from piano_xlsx.audit.report_html import write_html
from piano_xlsx.audit.result import AuditResult
from piano_xlsx.findings import exit_status
from piano_xlsx.signing import load_public_key


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbook")
    parser.add_argument("--public-key", required=True)
    parser.add_argument("-o", "--output", default="audit.html")
    args = parser.parse_args()

    # The signature says whether the locked content is what the HR office issued.
    audited = audit_file(args.workbook, public_key=load_public_key(args.public_key))
    print(f"{audited.path}: signature {audited.signature}")

    # One row per formula cell; an independent engine recomputes it from the workbook's own cells.
    for row in audited.formulas:
        if row.status != "ok":
            print(f"  {row.sheet}!{row.cell} {row.status}: issued ={row.issued}, found ={row.found}, "
                  f"cached {row.cached!r}, recomputed {row.recomputed!r}")
    print(f"  {sum(r.status == 'ok' for r in audited.formulas)} of {len(audited.formulas)} formulas as issued")
    for f in audited.findings:
        print(f"  {f.severity.value}: {f.code} [{f.place}] {f.message}")

    write_html(AuditResult(files=[audited]), args.output, force=True)  # a page an auditor reads without Python
    print(f"report {args.output}")
    return exit_status(audited.findings)


if __name__ == "__main__":
    raise SystemExit(main())
