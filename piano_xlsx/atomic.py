"""Outputs: written to a temporary file beside the target and renamed, so no reader ever sees half a file;
and one overwrite policy for every command: an existing output is never replaced unless `force` is given.

A failure the user can fix (a folder that cannot be created, permission denied, disk full) is an
`OutputRefused` with an Italian message that names the path; the command line turns it into exit status 2.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from piano_xlsx.errors import UserError
from piano_xlsx.italian import os_problem


class OutputRefused(UserError):
    """An output cannot be written; the message says which and why, in Italian."""


class OutputExists(OutputRefused):
    """Outputs exist and overwriting them was not asked for."""

    def __init__(self, paths: list[str]):
        self.paths = paths
        names = ", ".join(f"«{p}»" for p in paths)
        super().__init__(f"{names} {'esiste' if len(paths) == 1 else 'esistono'} già")

    def __reduce__(self) -> tuple[type[OutputExists], tuple[list[str]]]:  # raised in worker processes too
        return OutputExists, (self.paths,)


class OutputUnwritable(OutputRefused):
    """The system refused to create a folder or write a file (permissions, disk full, a missing drive)."""


def refuse_existing(targets: Iterable[str | Path], *, force: bool) -> None:
    """Stop before any work when an output exists and `force` was not given."""
    if force:
        return
    existing = [str(t) for t in targets if os.path.lexists(t)]
    if existing:
        raise OutputExists(existing)


def make_dir(directory: str | Path) -> Path:
    """Create an output folder (and its parents) or say, in Italian, why it cannot be."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise OutputUnwritable(f"Impossibile creare la cartella «{directory}»: esiste un file con questo nome.")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputUnwritable(os_problem(exc, "creare la cartella", directory)) from None
    return directory


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
_ATTEMPTS = 10_000  # as tempfile's TMP_MAX: names taken by files left over, or by someone else's
_serial = itertools.count()


def _create_beside(target: Path, mode: int | None) -> tuple[int, str]:
    """A new file beside `target`, named after it, this process and a counter (a name taken is skipped).

    Not `tempfile.mkstemp`: its random names and the chmod its 0600 needs cost as much as writing a small file,
    and generate writes a thousand in a run. O_EXCL | O_NOFOLLOW never opens a file or link already there; the
    permissions are the usual ones, as the umask says (`os.open` applies it), or exactly `mode`.
    """
    prefix = os.path.join(target.parent, f".{target.name}.{os.getpid()}-")
    for _ in range(_ATTEMPTS):
        tmp = f"{prefix}{next(_serial)}.tmp"
        try:
            fd = os.open(tmp, _CREATE, 0o666 if mode is None else mode)
        except FileExistsError:
            continue
        if mode is not None:
            try:
                if hasattr(os, "fchmod"):  # exactly `mode`, whatever the umask, on the file opened (not its name)
                    os.fchmod(fd, mode)
                else:  # Windows before Python 3.13
                    os.chmod(tmp, mode)
            except OSError:
                os.close(fd)
                os.unlink(tmp)
                raise
        return fd, tmp
    raise FileExistsError(errno.EEXIST, "no temporary name left", prefix)


_A_FOLDER = "Impossibile scrivere «{target}»: è una cartella, non un file."


@contextlib.contextmanager
def _temporary_beside(target: Path, *, force: bool, mode: int | None, keep_open: bool) -> Iterator[tuple[int, str]]:
    """A new temporary file beside `target` (its descriptor, open if `keep_open`, and its name); on success it
    replaces `target`, on failure it is removed.

    Few system calls on purpose: generate writes a thousand workbooks in a run, and each call here costs about as
    much as writing a small file. The folder is made only when the first try finds it missing; a target that is
    a folder is told apart first (one stat) unless `force`, where the rename failing says it.
    """
    if not force and os.path.isdir(target):  # said as such, not as an output that exists (which --force would not mend)
        raise OutputUnwritable(_A_FOLDER.format(target=target))
    refuse_existing([target], force=force)
    tmp: str | None = None
    try:
        try:
            fd, tmp = _create_beside(target, mode)
        except (FileNotFoundError, NotADirectoryError):  # make_dir says which, in Italian
            make_dir(target.parent)
            fd, tmp = _create_beside(target, mode)
        try:
            if not keep_open:  # the caller opens the path itself: no second handle on the file meanwhile
                os.close(fd)
            yield fd, tmp
        finally:
            if keep_open:
                os.close(fd)
        if not force:  # it may have appeared while we were writing
            refuse_existing([target], force=False)
        try:
            os.replace(tmp, target)
        except OSError:
            if os.path.isdir(target):
                raise OutputUnwritable(_A_FOLDER.format(target=target)) from None
            raise
        tmp = None
    except OSError as exc:
        raise OutputUnwritable(os_problem(exc, "scrivere", target)) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


@contextlib.contextmanager
def atomic_path(target: str | Path, *, force: bool = False, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target`, on failure it is removed.

    An existing `target` is replaced only with `force` (OutputExists otherwise). `mode`: the file's
    permissions (default: the usual ones, as the umask says).
    """
    with _temporary_beside(Path(target), force=force, mode=mode, keep_open=False) as (_, tmp):
        yield Path(tmp)


def write_bytes(target: str | Path, data: bytes, *, force: bool = False, mode: int | None = None) -> None:
    with _temporary_beside(Path(target), force=force, mode=mode, keep_open=True) as (fd, _):
        view = memoryview(data)
        while view:  # os.write may write less than asked
            view = view[os.write(fd, view):]


def write_text(target: str | Path, text: str, *, force: bool = False) -> None:
    write_bytes(target, text.encode("utf-8"), force=force)
