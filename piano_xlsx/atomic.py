"""Outputs are written to a temporary file beside the target and renamed, so no reader ever sees half a file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from piano_xlsx.errors import UserError

_UMASK = os.umask(0)
os.umask(_UMASK)


class OutputExists(UserError):
    """The output exists and overwriting was not asked for."""


@contextlib.contextmanager
def atomic_path(target: str | Path, *, force: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target`, on failure it is removed."""
    target = Path(target)
    if not force and target.exists():
        raise OutputExists(f"{target} esiste già: usare --force per sovrascriverlo")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp creates 0600; outputs get the usual permissions
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_bytes(target: str | Path, data: bytes, *, force: bool = True) -> None:
    with atomic_path(target, force=force) as tmp:
        tmp.write_bytes(data)


def write_text(target: str | Path, text: str, *, force: bool = True) -> None:
    write_bytes(target, text.encode("utf-8"), force=force)


@contextlib.contextmanager
def atomic_open(target: str | Path, mode: str = "w", *, force: bool = True) -> Iterator[IO]:
    with atomic_path(target, force=force) as tmp:
        with open(tmp, mode, encoding=None if "b" in mode else "utf-8", newline="" if "b" not in mode else None) as fh:
            yield fh
