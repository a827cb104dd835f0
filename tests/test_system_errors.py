"""What the system refuses (permission denied, disk full) is told in Italian, exit 2, with no traceback.

The commands run as the user runs them, in a process of their own: a folder the user may not write into
(chmod 555; for root, whom permissions do not stop, in a user namespace where it is an ordinary user) and a
full disk (a 4 KiB tmpfs mounted in a private mount namespace, so nothing outside the test sees it).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import EXAMPLE_PLAN, ROOT

from piano_xlsx.signing import keygen

FULL_DISK = 'mount -t tmpfs -o size=4k tmpfs "$0" && exec "$@"'


def piano_xlsx(*args: str, prefix: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*(prefix or []), sys.executable, "-m", "piano_xlsx", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def as_ordinary_user() -> list[str]:
    return ["unshare", "--user"] if os.geteuid() == 0 else []


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from support import generate_plan

    tmp = tmp_path_factory.mktemp("emesse")
    _, files = generate_plan(EXAMPLE_PLAN, tmp, per_sector=True)
    return files[0]


def commands(out: Path, returned: Path) -> list[list[str]]:
    plan = str(EXAMPLE_PLAN)
    return [
        ["keygen", str(out / "chiavi")],
        ["generate", plan, "-o", str(out / "emesse")],
        ["collect", plan, str(returned), "-o", str(out / "consolidato.xlsx")],
        ["audit", str(returned), "-o", str(out / "audit.xlsx")],
        ["plan", "export", plan, "-o", str(out / "piano.xlsx")],
        ["schema", "-o", str(out / "schema.json")],
    ]


def assert_told(done: subprocess.CompletedProcess[str], reason: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout and "Errno" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Errore: Impossibile ") and reason in lines[0], done.stderr


def test_permission_denied(tmp_path, returns):
    locked = tmp_path / "sola-lettura"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        for args in [*commands(locked, returns), ["check", str(EXAMPLE_PLAN), "--json", str(locked / "r.json")]]:
            assert_told(piano_xlsx(*args, prefix=as_ordinary_user()), "permesso negato")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


def test_disk_full(tmp_path, returns):
    full = tmp_path / "disco-pieno"
    full.mkdir()
    for args in commands(full, returns):
        done = piano_xlsx(*args, prefix=["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", FULL_DISK,
                                         str(full)])
        assert_told(done, "spazio su disco esaurito")
    assert list(full.iterdir()) == []  # the tmpfs was private to each run


def test_an_unreadable_key_is_told_in_italian(tmp_path):
    private, _ = keygen(tmp_path / "chiavi")
    private.chmod(0o000)
    done = piano_xlsx("generate", str(EXAMPLE_PLAN), "-o", str(tmp_path / "emesse"), "--key", str(private),
                      prefix=as_ordinary_user())
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"Errore: Valore non valido per '--key': File «{private}» non è leggibile." in done.stderr
    assert not (tmp_path / "emesse").exists()
