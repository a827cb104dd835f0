"""Every command speaks Italian and never shows a traceback: --help, and each kind of wrong input.

The commands are found by walking the click group, so a new command is tested without being listed; its
wrong inputs come from its own parameters (a folder where a file is wanted, a file where a folder is, an
unknown option, a missing argument, a number out of range) and from the scenarios below. Exit statuses:
2 the command could not run, 1 errors found in the files, 3 an internal error (one line, details in a file).
"""

from __future__ import annotations

import ast
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from support import EXAMPLE_PLAN, generate_plan

from piano_xlsx.cli import cli
from piano_xlsx.commands import click_italian
from piano_xlsx.commands.app import Command, Group
from piano_xlsx.plan.loader import load_plan
from piano_xlsx.planbook import export_plan
from piano_xlsx.signing import keygen

ENGLISH = re.compile(
    r"Usage:|Error:|Invalid value|Traceback|Options:|Commands:|Show this message|Show the version|"
    r"Missing (argument|option|parameter)|No such (option|command|file)|does not exist|is a directory|is a file|"
    r"is not (readable|writable|a valid)|not in the range|Try '|for help|Aborted|Got unexpected|\[default:|"
    r"\[required\]|Did you mean|[Pp]ermission denied|No space left|Errno|Valid PEM|BEGIN PUBLIC KEY|"
    r"found character|found a tab|could not find|openpyxl|does not support|[Pp]lease|Exception|version \d")


def walk(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from walk(sub, path + (name,))


COMMANDS = list(walk(cli))
LEAVES = [(path, c) for path, c in COMMANDS if not isinstance(c, click.Group)]


def ids(value: object) -> str:
    return " ".join(value) if isinstance(value, tuple) else ""


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def assert_italian(result: Result) -> None:
    found = ENGLISH.search(result.output)
    assert found is None, f"English or a traceback in the output ({found.group(0)!r}):\n{result.output}"


# ------------------------------------------------------------------ click's own texts


def click_message_ids() -> tuple[set[str], set[tuple[str, str]]]:
    """Every text click marks for translation: `_("…")` and `ngettext("…", "…", n)` in its modules."""
    singles: set[str] = set()
    plurals: set[tuple[str, str]] = set()
    for path in sorted(Path(click.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id == "_" and texts:
                singles.add(texts[0])
            elif node.func.id == "ngettext" and len(texts) == 2:
                plurals.add((texts[0], texts[1]))
    return singles, plurals


def test_every_text_of_click_is_translated_and_no_translation_is_stale():
    singles, plurals = click_message_ids()
    assert len(singles) > 50 and len(plurals) > 5  # the walk found click's texts
    assert sorted(singles - set(click_italian.MESSAGES)) == []
    assert sorted(plurals - set(click_italian.PLURALS)) == []
    # a key click no longer has is a dead translation
    assert sorted(set(click_italian.MESSAGES) - singles - click_italian.THROUGH_VARIABLES) == []
    source = "".join(p.read_text(encoding="utf-8") for p in Path(click.__file__).parent.glob("*.py"))
    assert all(f'"{text}"' in source for text in click_italian.THROUGH_VARIABLES)
    assert sorted(set(click_italian.PLURALS) - plurals) == []


def test_translations_keep_the_placeholders_click_fills():
    def fields(text: str) -> set[str]:
        return set(re.findall(r"\{(\w+)", text)) | set(re.findall(r"%\((\w+)\)", text))

    for english, italian in click_italian.MESSAGES.items():
        assert fields(italian) <= fields(english), english
    for (one, many), (uno, molti) in click_italian.PLURALS.items():
        assert fields(uno) <= fields(one) | fields(many) and fields(molti) <= fields(one) | fields(many), one


def test_click_is_italian_whatever_the_locale(monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("LANGUAGE", "en")
    monkeypatch.setenv("LC_ALL", "C")
    result = run("check", "--nessuna-opzione")
    assert result.exit_code == 2
    assert "Uso: piano-xlsx check [OPZIONI] PIANO" in result.output
    assert "Errore: L'opzione «--nessuna-opzione» non esiste." in result.output
    assert_italian(result)


def test_every_command_is_ours():
    """Our Command and Group classes give the Italian usage line and turn exceptions into messages."""
    for path, command in COMMANDS:
        assert isinstance(command, Group if isinstance(command, click.Group) else Command), ids(path)


# ------------------------------------------------------------------ --help


@pytest.mark.parametrize("path, command", COMMANDS, ids=ids)
def test_help_is_italian(path, command):
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert result.output.startswith(f"Uso: {' '.join(('piano-xlsx',) + path)} [OPZIONI]")
    assert "Opzioni:" in result.output and "Mostra questo aiuto ed esce." in result.output
    if not isinstance(command, click.Group):
        assert "Esempio:" in result.output
    assert_italian(result)


def test_version_is_italian():
    result = run("--version")
    assert result.exit_code == 0 and re.fullmatch(r"piano-xlsx, versione \S+\n", result.output)


# ------------------------------------------------------------------ wrong inputs, from each command's parameters


def wrong_inputs(command: click.Command, world: dict[str, Path]) -> Iterator[tuple[str, list[str]]]:
    """(what, arguments after the command path) for each kind of wrong input its parameters allow."""
    yield "opzione sconosciuta", ["--opzione-che-non-esiste"]
    if any(p.required for p in command.params):
        yield "argomenti mancanti", []
    for param in command.params:
        if not isinstance(param.type, (click.Path, click.IntRange)):
            continue
        for what, value in _bad_values(param.type, world):
            yield f"{param.name}: {what}", _with(command, param, value, world)


def _bad_values(kind: click.ParamType, world: dict[str, Path]) -> list[tuple[str, str]]:
    if isinstance(kind, click.IntRange):  # a value just outside the range (never one a command would run with)
        below = kind.min - (0 if kind.min_open else 1) if kind.min is not None else None
        outside = str(below) if below is not None else str(kind.max + 1)  # type: ignore[operator]
        return [("fuori intervallo", outside), ("non un numero", "tre")]
    assert isinstance(kind, click.Path)
    if not kind.dir_okay:
        return [("una cartella al posto di un file", str(world["folder"]))]
    if not kind.file_okay:
        return [("un file al posto di una cartella", str(world["plan"]))]
    return []


def _with(command: click.Command, bad: click.Parameter, value: str, world: dict[str, Path]) -> list[str]:
    """Valid values for the required parameters, `value` for `bad`: only `bad` is wrong."""
    args: list[str] = []
    arguments: list[str] = []
    for param in command.params:
        given = value if param is bad else (_valid(param, world) if param.required else None)
        if given is None:
            continue
        if isinstance(param, click.Argument):
            arguments.append(given)
        else:
            args += [param.opts[0], given]
    return args + arguments


def _valid(param: click.Parameter, world: dict[str, Path]) -> str:
    name = param.name or ""
    if name in ("plan", "plan_path"):
        return str(world["plan"])
    if name == "workbook":
        return str(world["planbook"])
    if name == "paths":
        return str(world["issued"])
    if name == "report":
        return str(world["tmp"] / "nuovo-rapporto.xlsx")
    if name == "output":
        return str(world["tmp"] / "nuovo.yaml")
    return str(world["tmp"] / f"nuovo-{name}")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("lingua")
    private, public = keygen(tmp / "chiavi")
    _, issued = generate_plan(EXAMPLE_PLAN, tmp / "emesse", key=private)
    planbook = export_plan(load_plan(EXAMPLE_PLAN), tmp / "piano.xlsx")
    (tmp / "vuota").mkdir()
    (tmp / "cartella").mkdir()
    (tmp / "documento.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
    (tmp / "un-file").write_text("un file, non una cartella\n", encoding="utf-8")
    (tmp / "tab.yaml").write_text(EXAMPLE_PLAN.read_text(encoding="utf-8").replace("\n  ente:", "\n\tente:", 1),
                                  encoding="utf-8")
    return {"tmp": tmp, "plan": EXAMPLE_PLAN, "planbook": planbook, "issued": issued[0], "private": private,
            "public": public, "empty": tmp / "vuota", "folder": tmp / "cartella", "pdf": tmp / "documento.pdf",
            "file": tmp / "un-file", "tab": tmp / "tab.yaml"}


def generated_cases(world: dict[str, Path]) -> list[tuple[tuple[str, ...], str, list[str]]]:
    return [(path, what, args) for path, command in LEAVES for what, args in wrong_inputs(command, world)]


def test_every_command_refuses_wrong_parameters_in_italian(world):
    cases = generated_cases(world)
    assert {path for path, _, _ in cases} == {path for path, _ in LEAVES}
    for path, what, args in cases:
        result = run(*path, *args)
        assert result.exit_code == 2, (path, what, args, result.output)
        assert result.output.strip(), (path, what)
        assert_italian(result)


# ------------------------------------------------------------------ wrong inputs a user makes, command by command

BLOCKED = "{file}/sotto/cartella"  # a folder that cannot be created: a file stands where its parent should be


def scenarios(w: dict[str, Path]) -> list[tuple[tuple[str, ...], list[str], int, str]]:
    """(command, arguments, exit status, a text the output must hold)."""
    blocked = BLOCKED.format(file=w["file"])
    plan, issued, public, private = str(w["plan"]), str(w["issued"]), str(w["public"]), str(w["private"])
    out = w["tmp"] / "uscite"
    return [
        # a plan that cannot be read, or is not a plan
        (("check",), [str(out / "non-esiste.yaml")], 2, "PLAN_UNREADABLE"),
        (("check",), [str(w["tab"])], 2, "tabulazione"),
        (("check",), [str(w["pdf"])], 2, "PLAN_"),
        (("generate",), [str(w["tab"]), "-o", str(out / "g")], 2, "PLAN_YAML"),
        (("collect",), [str(w["pdf"]), issued, "-o", str(out / "r.xlsx")], 2, "PLAN_"),
        (("plan", "export"), [str(out / "non-esiste.yaml"), "-o", str(out / "p.xlsx")], 2, "PLAN_UNREADABLE"),
        (("plan", "import"), [plan, "-o", str(out / "p.yaml")], 2, "non è una cartella Excel"),
        (("audit",), [issued, "--plan", str(w["tab"])], 2, "PLAN_YAML"),
        # outputs that are not what their names say
        (("collect",), [plan, issued, "-o", str(out / "rapporto.csv")], 2, "deve avere l'estensione .xlsx"),
        (("plan", "export"), [plan, "-o", str(out / "piano.yaml")], 2, "deve avere l'estensione .xlsx"),
        (("plan", "import"), [str(w["planbook"]), "-o", str(out / "piano.xlsx")], 2, ".yaml o .yml"),
        (("audit",), [issued, "-o", str(out / "audit.pdf")], 2, ".xlsx o .html"),
        # outputs in a folder that cannot be created
        (("keygen",), [blocked], 2, "Impossibile creare la cartella"),
        (("generate",), [plan, "-o", blocked], 2, "Impossibile creare la cartella"),
        (("collect",), [plan, issued, "-o", f"{blocked}/r.xlsx"], 2, "Impossibile creare la cartella"),
        (("collect",), [plan, issued, "-o", str(out / "c.xlsx"), "--csv", blocked], 2, "Impossibile creare"),
        (("audit",), [issued, "-o", f"{blocked}/a.html"], 2, "Impossibile creare la cartella"),
        (("audit",), [issued, "--csv", blocked], 2, "Impossibile creare la cartella"),
        (("check",), [plan, "--json", f"{blocked}/f.json"], 2, "Impossibile creare la cartella"),
        (("schema",), ["-o", f"{blocked}/s.json"], 2, "Impossibile creare la cartella"),
        (("plan", "export"), [plan, "-o", f"{blocked}/p.xlsx"], 2, "Impossibile creare la cartella"),
        (("plan", "import"), [str(w["planbook"]), "-o", f"{blocked}/p.yaml"], 2, "Impossibile creare la cartella"),
        (("demo",), ["-o", blocked, "--without-libreoffice"], 2, "Impossibile creare la cartella"),
        # wrong keys
        (("generate",), [plan, "-o", str(out / "g2"), "--key", public], 2, "è la chiave pubblica"),
        (("generate",), [plan, "-o", str(out / "g3"), "--key", plan], 2, "non è un file di chiave"),
        (("generate",), [plan, "-o", str(out / "g4"), "--key", str(out / "manca.pem")], 2, "Impossibile leggere"),
        (("collect",), [plan, issued, "-o", str(out / "k.xlsx"), "--public-key", private], 2, "è la chiave privata"),
        (("audit",), [issued, "--public-key", plan], 2, "non è un file di chiave"),
        # inputs that do not exist, or hold nothing to read: the same status for collect and audit
        (("collect",), [plan, str(out / "manca"), "-o", str(out / "m.xlsx")], 2, "Percorso inesistente"),
        (("audit",), [str(out / "manca")], 2, "Percorso inesistente"),
        (("collect",), [plan, str(w["empty"]), "-o", str(out / "e.xlsx")], 2, "Nessun file da leggere"),
        (("audit",), [str(w["empty"])], 2, "Nessun file da esaminare"),
        # a file of the wrong kind among the returns is a finding that says why (exit 1), not a stop
        (("audit",), [str(w["pdf"])], 1, "FILE_NOT_SPREADSHEET"),
        # the web app: a data folder that cannot be created, a port that does not exist
        (("serve",), ["--data", blocked, "--no-browser"], 2, "Impossibile creare la cartella"),
        (("serve",), ["--port", "70000", "--no-browser"], 2, "70000"),
        (("collect",), [plan, str(w["pdf"]), "-o", str(out / "pdf.xlsx")], 1, "Rapporto:"),
    ]


def test_wrong_inputs_a_user_makes_are_told_in_italian(world):
    cases = scenarios(world)
    assert {path for path, *_ in cases} == {path for path, _ in LEAVES}  # every command has its cases
    for path, args, status, text in cases:
        result = run(*path, *args)
        assert result.exit_code == status, (path, args, result.output)
        assert text in result.output, (path, args, result.output)
        assert_italian(result)
    assert not (world["tmp"] / "uscite" / "rapporto.csv").exists()  # refused before writing anything


def test_the_audit_says_why_a_file_is_refused(world):
    result = run("audit", str(world["pdf"]))
    assert result.exit_code == 1
    line, error, hint = result.output.splitlines()[:3]
    assert line == (f"{world['pdf']}: firma non verificata; 0 formule: 0 corrette, 0 modificate, 0 cancellate, "
                    "0 con valore non aggiornato; 1 errore, 0 avvisi")
    assert error.startswith("    ERRORE FILE_NOT_SPREADSHEET: Il file non è un foglio di calcolo")
    assert hint.startswith("        → Chiedere all'ufficio")


def test_a_wrong_public_key_says_to_check_the_key(world, tmp_path):
    _, other = keygen(tmp_path / "altra")
    result = run("audit", str(world["issued"]), "--public-key", str(other))
    assert result.exit_code == 1
    assert "firma non valida" in result.output and "SIGNATURE_OTHER_KEY" in result.output
    assert "Verificare la chiave pubblica indicata con --public-key" in result.output
    assert "Il file non è quello emesso" not in result.output
    collected = run("collect", str(world["plan"]), str(world["issued"]), "-o", str(tmp_path / "r.xlsx"),
                    "--public-key", str(other), "--json", "-")
    assert '"code": "SIGNATURE_OTHER_KEY"' in collected.output


# ------------------------------------------------------------------ an internal error: one line, details in a file


def test_an_internal_error_is_one_line_and_exit_3(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    @click.group(cls=Group, name="piano-xlsx")
    def app() -> None:
        """A group like the real one."""

    @app.command(name="guasto")
    def broken() -> None:
        """A command with a fault of its own (not of its input)."""
        {}["chiave che non c'è"]  # noqa: B018 - the fault

    result = CliRunner().invoke(app, ["guasto"])
    assert result.exit_code == 3
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Errore: Errore interno di piano-xlsx, non dovuto ai dati: i "
                                                   "dettagli sono in «")
    details = Path(re.search(r"«(.+?)»", lines[0]).group(1))
    assert details.parent == tmp_path
    text = details.read_text(encoding="utf-8")
    assert "Traceback" in text and "KeyError" in text and "chiave che non c'è" in text
    assert 'chiave che non c\'è"]  # noqa: B018' in text  # the line at fault is shown
