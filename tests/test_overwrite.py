"""One overwrite policy (atomic.py): every output of every command is kept unless --force is given.

Without --force an existing output stops the command with exit status 2 before anything is written,
and the file is left as it was; with --force it is replaced.
"""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from support import EXAMPLE_PLAN, generate_plan

from piano_xlsx.atomic import OutputExists, atomic_path, write_bytes
from piano_xlsx.cli import cli
from piano_xlsx.plan.loader import load_plan
from piano_xlsx.planbook import export_plan
from piano_xlsx.signing import keygen

BEFORE = b"contenuto da non perdere\n"


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("ingressi")
    private, public = keygen(tmp / "chiavi")
    _, issued = generate_plan(EXAMPLE_PLAN, tmp / "emesse", key=private, per_sector=True)
    planbook = export_plan(load_plan(EXAMPLE_PLAN), tmp / "piano.xlsx")
    return {"plan": EXAMPLE_PLAN, "public": public, "private": private, "issued": issued[0], "planbook": planbook}


def cases(i: dict[str, Path], out: Path) -> list[tuple[tuple[str, ...], list[str], Path, int]]:
    """(command, arguments, an output that exists beforehand, exit status with --force)."""
    plan, issued = str(i["plan"]), str(i["issued"])
    return [
        (("check",), [plan, "--json", str(out / "rilievi.json")], out / "rilievi.json", 0),
        (("schema",), ["-o", str(out / "schema.json")], out / "schema.json", 0),
        (("keygen",), [str(out / "chiavi")], out / "chiavi" / "piano-xlsx-pubblica.pem", 0),
        (("generate",), [plan, "-o", str(out / "emesse")], out / "emesse" / "comune-esempio-2025.xlsx", 0),
        (("generate",), [plan, "-o", str(out / "nota")], out / "nota" / "consegna.txt", 0),
        (("collect",), [plan, issued, "-o", str(out / "c.xlsx")], out / "c.xlsx", 1),
        (("collect",), [plan, issued, "-o", str(out / "c2.xlsx"), "--json", str(out / "c2.json")], out / "c2.json", 1),
        (("collect",), [plan, issued, "-o", str(out / "c3.xlsx"), "--csv", str(out / "csv")],
         out / "csv" / "anomalie.csv", 1),
        (("audit",), [issued, "-o", str(out / "a.html")], out / "a.html", 0),
        (("audit",), [issued, "-o", str(out / "a.xlsx")], out / "a.xlsx", 0),
        (("audit",), [issued, "--json", str(out / "a.json")], out / "a.json", 0),
        (("audit",), [issued, "--csv", str(out / "acsv")], out / "acsv" / "formule.csv", 0),
        (("plan", "export"), [plan, "-o", str(out / "p.xlsx")], out / "p.xlsx", 0),
        (("plan", "import"), [str(i["planbook"]), "-o", str(out / "p.yaml")], out / "p.yaml", 0),
        (("demo",), ["-o", str(out / "demo"), "--without-libreoffice"], out / "demo" / ".piano-xlsx-demo", 0),
    ]


def leaves(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    if isinstance(command, click.Group):
        return [leaf for name, sub in sorted(command.commands.items()) for leaf in leaves(sub, path + (name,))]
    return [(path, command)]


# `serve` keeps everything in its own store, where nothing is ever replaced (received files are content-addressed,
# every action is a new row): it has no output to overwrite (tests/test_web.py checks that a restart keeps all)
NOTHING_TO_OVERWRITE = {("serve",)}


def test_every_command_that_writes_has_force_and_a_case(tmp_path, inputs):
    covered = {path for path, *_ in cases(inputs, tmp_path)}
    for path, command in leaves(cli):
        if path in NOTHING_TO_OVERWRITE:
            continue
        assert any("--force" in p.opts for p in command.params), path
        assert path in covered, path


@pytest.mark.parametrize("index", range(15), ids=lambda n: f"caso-{n}")
def test_an_existing_output_is_kept_without_force(index, tmp_path, inputs):
    path, args, existing, status = cases(inputs, tmp_path)[index]
    existing.parent.mkdir(parents=True, exist_ok=True)
    existing.write_bytes(BEFORE)
    before = sorted(p for p in tmp_path.rglob("*"))
    refused = run(*path, *args)
    assert refused.exit_code == 2, refused.output
    assert "esiste già" in refused.output and "--force" in refused.output
    assert existing.read_bytes() == BEFORE
    assert sorted(p for p in tmp_path.rglob("*")) == before  # nothing else written either
    forced = run(*path, *args, "--force")
    assert forced.exit_code == status, forced.output
    assert existing.read_bytes() != BEFORE


def test_the_number_of_cases_is_the_parametrisation(tmp_path, inputs):
    assert len(cases(inputs, tmp_path)) == 15


def test_keygen_writes_neither_key_when_one_exists(tmp_path):
    private = tmp_path / "piano-xlsx-privata.pem"
    private.write_bytes(BEFORE)
    with pytest.raises(OutputExists):
        keygen(tmp_path)
    assert private.read_bytes() == BEFORE and not (tmp_path / "piano-xlsx-pubblica.pem").exists()


def test_the_library_refuses_by_default(tmp_path):
    target = tmp_path / "uscita.bin"
    target.write_bytes(BEFORE)
    with pytest.raises(OutputExists):
        write_bytes(target, b"altro")
    with pytest.raises(OutputExists), atomic_path(target):
        pass
    assert target.read_bytes() == BEFORE
    write_bytes(target, b"altro", force=True)
    assert target.read_bytes() == b"altro"
    assert not list(tmp_path.glob(".*.tmp"))


def test_the_private_key_is_never_readable_by_others(tmp_path):
    private, public = keygen(tmp_path)
    assert private.stat().st_mode & 0o077 == 0
    assert public.stat().st_mode & 0o044  # the public key is for everyone
