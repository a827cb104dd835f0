"""Files kept by their SHA-256: written once, atomically, never modified.

A file is written to a temporary name in the store's own folder and renamed
into place only once all its bytes are on disk, so a process killed while
writing leaves no file under a content name (only a temporary one, which the
next start removes) and never touches a file already kept.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


class Blobs:
    def __init__(self, root: Path):
        self.root = root
        self.tmp = root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def put_chunks(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        """Keep the bytes; return (SHA-256, size). A file already kept is left as it is."""
        digest, size = hashlib.sha256(), 0
        fd, name = tempfile.mkstemp(prefix="in-", suffix=".tmp", dir=self.tmp)
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in chunks:
                    digest.update(chunk)
                    size += len(chunk)
                    fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            sha = digest.hexdigest()
            target = self.path(sha)
            if target.exists():
                return sha, size
            target.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(name, 0o444)  # kept files are read-only: nothing here ever writes them again
            os.replace(name, target)
            return sha, size
        finally:
            if os.path.exists(name):
                os.unlink(name)

    def put(self, data: bytes) -> str:
        return self.put_chunks([data])[0]

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def sweep(self) -> int:
        """Remove what a process killed mid-write left behind; return how many."""
        removed = 0
        for leftover in self.tmp.glob("*.tmp"):
            leftover.unlink(missing_ok=True)
            removed += 1
        return removed
