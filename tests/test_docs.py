"""The documentation cannot fall behind: every command, option, finding code and plan key is documented,
the finding catalogue is the generated one, links resolve, and the examples in the docs run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import typing
from pathlib import Path

import click
import pytest
from pydantic import BaseModel
from support import ROOT

from piano_xlsx.cli import cli
from piano_xlsx.docs_findings import render
from piano_xlsx.findings import CATALOGUE
from piano_xlsx.plan.check import check_plan
from piano_xlsx.plan.loader import load_plan_text
from piano_xlsx.plan.model import Plan

DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


def text_of(paths: list[Path]) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


def commands(command: click.Command, path: tuple[str, ...] = ("piano-xlsx",)):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from commands(sub, path + (name,))


ALL_COMMANDS = list(commands(cli))


def test_the_pages_exist():
    assert {p.name for p in DOCS.glob("*.md")} >= {"hr-office.md", "offices.md", "auditors.md", "findings.md",
                                                    "plan-format.md", "architecture.md"}


def undocumented(path: tuple[str, ...], command: click.Command, pages: list[Path]) -> list[str]:
    """What of a command the pages leave out: the command itself if no page names it, and every option that
    no page naming the command mentions (an option is documented where its command is)."""
    name = " ".join(path)
    naming = [text for text in (p.read_text(encoding="utf-8") for p in pages) if name in text]
    if not naming:
        return [name]
    return [f"{name} {param.opts[0]}" for param in command.params
            if isinstance(param, click.Option) and not any(opt in text for opt in param.opts for text in naming)]


@pytest.mark.parametrize("path, command", ALL_COMMANDS[1:], ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_every_command_and_option_is_documented(path, command):
    assert undocumented(path, command, PAGES) == [], "not in README.md or docs/ beside the command"


def test_an_undocumented_option_is_caught(tmp_path):
    """The check above is not vacuous: an option that no page mentions, or that only a page not naming its
    command mentions, is reported; so is a command no page names."""
    collect = dict(ALL_COMMANDS)[("piano-xlsx", "collect")]
    extra = click.Option(["--sconosciuta-xyz"], is_flag=True)
    command = click.Command("collect", params=[*collect.params, extra])
    assert undocumented(("piano-xlsx", "collect"), command, PAGES) == ["piano-xlsx collect --sconosciuta-xyz"]
    elsewhere = tmp_path / "altro.md"
    elsewhere.write_text("`--sconosciuta-xyz` senza il comando a cui appartiene\n", encoding="utf-8")
    assert undocumented(("piano-xlsx", "collect"), command, [*PAGES, elsewhere]) == [
        "piano-xlsx collect --sconosciuta-xyz"]
    assert undocumented(("piano-xlsx", "inesistente"), click.Command("inesistente"), PAGES) == [
        "piano-xlsx inesistente"]


def test_every_command_has_an_example():
    for path, command in ALL_COMMANDS[1:]:
        if not isinstance(command, click.Group):
            assert "Esempio:" in (command.help or ""), " ".join(path)


def test_the_finding_catalogue_is_up_to_date():
    """docs/findings.md is what `python -m piano_xlsx.docs_findings` prints: regenerate it after editing codes."""
    assert (DOCS / "findings.md").read_text(encoding="utf-8") == render()


def test_every_finding_code_is_in_the_catalogue_page():
    page = (DOCS / "findings.md").read_text(encoding="utf-8")
    for code in CATALOGUE:
        assert f"### {code}\n" in page and f"`{code}`" in page, code


def test_the_generator_runs_as_the_page_says(tmp_path):
    done = subprocess.run([sys.executable, "-m", "piano_xlsx.docs_findings"], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 0 and done.stdout == render()


def model_keys(model: type[BaseModel], seen: set[type] | None = None) -> set[str]:
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    keys = set()
    for name, info in model.model_fields.items():
        keys.add(name)
        for arg in _types(info.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                keys |= model_keys(arg, seen)
    return keys


def _types(annotation: object) -> list[object]:
    args = typing.get_args(annotation)
    if not args:
        return [annotation]
    return [t for a in args for t in _types(a)]


def test_every_key_of_the_plan_format_is_documented():
    page = (DOCS / "plan-format.md").read_text(encoding="utf-8")
    missing = sorted(k for k in model_keys(Plan) if f"`{k}`" not in page)
    assert missing == []


def test_the_plans_in_the_docs_are_valid():
    blocks = re.findall(r"```yaml\n(.*?)```", text_of(PAGES), re.S)
    assert blocks
    for block in blocks:
        loaded = load_plan_text(block)
        assert [f.code for f in check_plan(loaded) if f.severity.value == "error"] == []


def test_the_readme_example_runs(tmp_path):
    code = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert len(code) == 1
    done = subprocess.run([sys.executable, "-c", code[0]], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    printed = done.stdout.splitlines()
    assert printed[0] == "[]" and "comune-esempio-2025-settore-1.xlsx" in printed[1]
    assert printed[2] == "['DATE_MISSING', 'EVALUATOR_MISSING', 'SCORE_MISSING']"


def test_the_readme_keeps_the_quick_start():
    """The two set-up commands, exactly as CI runs the second one (.ci/run calls `./run.sh test`)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ("```sh\n./run.sh demo    # prepara l'ambiente Python ed esegue tutto il lavoro su un piano d'esempio\n"
            "./run.sh test    # installa LibreOffice Calc se manca ed esegue tutti i test\n```") in readme
    assert "./run.sh test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_says_how_to_get_the_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for way in (".venv/bin/piano-xlsx", "source .venv/bin/activate", r".venv\Scripts\piano-xlsx.exe",
                "pipx install ."):
        assert way in readme, way


LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_links_and_images_resolve(page):
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue  # an external address
        file, _, anchor = target.partition("#")
        resolved = (page.parent / file).resolve() if file else page
        assert resolved.exists(), f"{page.name}: {target}"
        assert resolved.is_relative_to(ROOT), f"{page.name}: {target} leaves the repository"
        if anchor and resolved.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", resolved.read_text(encoding="utf-8"), re.M)
            slugs = {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}
            assert anchor in slugs, f"{page.name}: {target}"
