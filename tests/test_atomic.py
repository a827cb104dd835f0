"""Outputs written atomically: the folder made when missing, Italian reasons, nothing left behind on failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from piano_xlsx.atomic import OutputExists, OutputUnwritable, atomic_path, write_bytes


def test_a_missing_folder_is_made_and_the_file_has_the_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "nuova" / "cartella" / "scheda.xlsx"
    write_bytes(target, b"contenuto")
    assert target.read_bytes() == b"contenuto"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert os.listdir(target.parent) == ["scheda.xlsx"]  # no temporary file left


def test_a_file_where_the_folder_should_be_is_said_in_italian(tmp_path: Path) -> None:
    (tmp_path / "occupato").write_text("x")
    with pytest.raises(OutputUnwritable, match="esiste un file con questo nome"):
        write_bytes(tmp_path / "occupato" / "scheda.xlsx", b"x")


def test_an_existing_output_is_kept_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "scheda.xlsx"
    target.write_bytes(b"vecchio")
    with pytest.raises(OutputExists):
        write_bytes(target, b"nuovo")
    assert target.read_bytes() == b"vecchio"
    write_bytes(target, b"nuovo", force=True, mode=0o600)
    assert target.read_bytes() == b"nuovo" and target.stat().st_mode & 0o777 == 0o600


def test_a_failure_while_writing_leaves_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "rapporto.xlsx"
    target.write_bytes(b"vecchio")
    with pytest.raises(RuntimeError), atomic_path(target, force=True) as tmp:
        tmp.write_bytes(b"mezzo file")
        raise RuntimeError("interrotto")
    assert target.read_bytes() == b"vecchio"
    assert sorted(os.listdir(tmp_path)) == ["rapporto.xlsx"]


def test_a_large_output_is_written_whole(tmp_path: Path) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)  # beyond one write() of a pipe or a slow disk
    write_bytes(tmp_path / "grande.bin", data)
    assert (tmp_path / "grande.bin").read_bytes() == data


@pytest.mark.parametrize("force", [False, True])
def test_a_folder_where_the_file_should_be_is_said_so_with_or_without_force(tmp_path: Path, force: bool) -> None:
    target = tmp_path / "scheda.xlsx"
    target.mkdir()
    with pytest.raises(OutputUnwritable, match="è una cartella, non un file"):
        write_bytes(target, b"x", force=force)
    assert target.is_dir() and os.listdir(tmp_path) == ["scheda.xlsx"]  # nothing left beside it
