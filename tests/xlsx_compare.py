"""Compare the XML parts of .xlsx files with golden copies, volatile fields stripped, as readable diffs.

A part is pretty-printed one tag per line (XlsxWriter writes none between tags), so a failure
shows as a short unified diff of the lines that changed rather than one changed 50 kB line.

    UPDATE_GOLDEN=1 python -m pytest tests/test_generate.py -k golden    # rewrite the golden files
"""

from __future__ import annotations

import difflib
import io
import os
import re
import zipfile
from pathlib import Path

# Fields that may change without the workbook changing: times, the tool's version inside the manifest.
VOLATILE = (
    (re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)"), r"\1…\2"),
    (re.compile(r'(\\?"generator\\?":\\?")piano-xlsx [^"\\]*'), r"\1piano-xlsx …"),
    (re.compile(r"(<AppVersion>)[^<]*(</AppVersion>)"), r"\1…\2"),
    (re.compile(r"(<dc:description>Generato da piano-xlsx )[^<]*"), r"\1…"),
)
DIFF_LINES = 120  # a failure shows at most this many lines of diff per part


def pretty(xml: str) -> str:
    """One element per line, indented by depth; text stays as written."""
    lines: list[str] = []
    depth = 0
    for token in re.split(r"(?<=>)(?=<)", xml.strip()):
        closing = token.startswith("</")
        opens = token.startswith("<") and not closing and not token.startswith(("<?", "<!")) \
            and not re.match(r"<[^>]*/>$", token) and not re.search(r"</[^>]+>$", token)
        if closing:
            depth = max(0, depth - 1)
        lines.append("  " * depth + token)
        if opens:
            depth += 1
    return "\n".join(lines) + "\n"


def strip_volatile(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def xml_parts(source: Path | bytes) -> dict[str, str]:
    """Every XML part of an .xlsx, pretty-printed with volatile fields stripped."""
    archive = zipfile.ZipFile(source if isinstance(source, Path) else io.BytesIO(source))
    with archive:
        return {name: strip_volatile(pretty(archive.read(name).decode("utf-8")))
                for name in sorted(archive.namelist()) if name.endswith((".xml", ".rels"))}


def compare_parts(found: dict[str, str], golden_dir: Path) -> list[str]:
    """Differences between `found` parts and the golden files under `golden_dir`, as readable messages."""
    problems: list[str] = []
    golden = {p.relative_to(golden_dir).as_posix(): p.read_text(encoding="utf-8")
              for p in sorted(golden_dir.rglob("*")) if p.is_file() and p.name.endswith((".xml", ".rels"))}
    for name in sorted(set(golden) - set(found)):
        problems.append(f"part {name} is in the golden files but no longer generated")
    for name in sorted(set(found) - set(golden)):
        problems.append(f"part {name} is generated but has no golden file")
    for name in sorted(set(found) & set(golden)):
        if found[name] != golden[name]:
            diff = list(difflib.unified_diff(golden[name].splitlines(), found[name].splitlines(),
                                             f"golden/{name}", f"generated/{name}", lineterm="", n=2))
            shown = "\n".join(line[:300] for line in diff[:DIFF_LINES])
            more = f"\n… {len(diff) - DIFF_LINES} more lines" if len(diff) > DIFF_LINES else ""
            problems.append(f"part {name} differs:\n{shown}{more}")
    return problems


def write_golden(found: dict[str, str], golden_dir: Path) -> None:
    """Replace the golden parts under `golden_dir` with `found`."""
    for old in golden_dir.rglob("*"):
        if old.is_file() and old.name.endswith((".xml", ".rels")):
            old.unlink()
    for name, text in found.items():
        target = golden_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def updating() -> bool:
    return os.environ.get("UPDATE_GOLDEN") == "1"
