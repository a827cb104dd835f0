"""Which files a run reads: the files named and every file under the folders named."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def find_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and every file under the folders named, sorted so runs are reproducible."""
    found: set[Path] = set()
    for path in map(Path, paths):
        if path.is_dir():
            found |= {p for p in path.rglob("*") if p.is_file()}
        else:
            found.add(path)
    return sorted(found)
