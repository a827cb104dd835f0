"""./run.sh demo takes the output folder as its argument or as -o FOLDER, and passes demo's options on.

The set-up step is skipped by giving run.sh a virtual environment whose piano-xlsx is newer than setup.cfg
(run.sh's own rule): a two-line script that runs this tree's command.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT


@pytest.fixture
def venv(tmp_path: Path) -> Path:
    script = tmp_path / "venv" / "bin" / "piano-xlsx"
    script.parent.mkdir(parents=True)
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m piano_xlsx "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    assert script.stat().st_mtime > (ROOT / "setup.cfg").stat().st_mtime
    return tmp_path / "venv"


def run_sh(venv: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", str(ROOT / "run.sh"), *args], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "VENV": str(venv), "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize("form", ["folder", "-o"])
def test_demo_takes_the_output_folder(venv, tmp_path, form):
    out = tmp_path / "mia cartella"
    args = [str(out)] if form == "folder" else ["-o", str(out)]
    done = run_sh(venv, "demo", *args, "--without-libreoffice")
    assert done.returncode == 0, done.stderr
    assert (out / "rapporto-consolidato.xlsx").exists() and (out / "audit.html").exists()
    assert not (ROOT / "-o").exists() and not (tmp_path / "-o").exists()
    again = run_sh(venv, "demo", *args, "--without-libreoffice")
    assert again.returncode == 2 and "--force" in again.stderr  # a previous demo is replaced only when asked
    assert run_sh(venv, "demo", *args, "--without-libreoffice", "--force").returncode == 0


def test_an_unknown_step_says_how_to_use_it(venv):
    done = run_sh(venv, "aiuto")
    assert done.returncode == 2 and done.stderr.startswith("uso: ./run.sh demo [CARTELLA] | test | bench")
