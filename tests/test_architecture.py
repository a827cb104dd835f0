"""The house rules, checked on every run: import layers, types, lint, dead code, private names.

Each tool runs on this tree with its settings from the project's files (setup.cfg, ruff.toml, pyproject.toml), as a
developer would run it, so a new upward import, an `Any` leaking into a check, an unused function or a reach into
another module's private name fails the suite.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import piano_xlsx

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(piano_xlsx.__file__).parent
# private names of the standard library that are documented for use
PUBLIC_UNDERSCORED = {("os", "_exit")}


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def test_the_package_is_this_tree() -> None:
    assert PACKAGE == ROOT / "piano_xlsx"


def test_imports_go_down_the_layers() -> None:
    """setup.cfg's [importlinter] contract: commands over the jobs, over the checks and the workbook, over reading and
    the plan, over the findings."""
    run = _run("-c", "import sys; from importlinter.cli import lint_imports; "
                     "sys.exit(lint_imports(config_filename='setup.cfg', no_cache=True))")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 kept, 0 broken" in run.stdout, run.stdout


def test_an_upward_import_breaks_the_layers(tmp_path: Path) -> None:
    """The contract is no formality: a module of a lower layer importing a command is caught."""
    copy = tmp_path / "piano_xlsx"
    subprocess.run(["cp", "-r", str(PACKAGE), str(copy)], check=True)
    (copy / "findings_upward.py").write_text("from piano_xlsx.commands import shared  # noqa: F401\n")
    (copy / "findings.py").write_text((copy / "findings.py").read_text() + "\nfrom piano_xlsx import findings_upward"
                                      "  # noqa: E402,F401\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
                          f"sys.exit(lint_imports(config_filename={str(ROOT / 'setup.cfg')!r}, no_cache=True))"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "piano_xlsx.findings -> piano_xlsx.findings_upward" in run.stdout, run.stdout


def test_mypy_is_clean() -> None:
    run = _run("-m", "mypy")  # files and strictness from setup.cfg's [mypy]
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("Success"), run.stdout


def test_ruff_is_clean() -> None:
    run = _run("-m", "ruff", "check", ".")
    assert run.returncode == 0, run.stdout + run.stderr


def test_no_dead_code() -> None:
    run = _run("-m", "vulture")  # paths, confidence and what frameworks call from pyproject.toml
    assert run.returncode == 0, run.stdout + run.stderr


def _private_uses(path: Path) -> list[str]:
    """`from module import _name` of another module, and `module._name` on an imported module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported: dict[str, str] = {}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                imported[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    out.append(f"{path.name}:{node.lineno} from {node.module} import {alias.name}")
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in imported
                and node.attr.startswith("_") and not node.attr.startswith("__")
                and (imported[node.value.id], node.attr) not in PUBLIC_UNDERSCORED):
            out.append(f"{path.name}:{node.lineno} {node.value.id}.{node.attr}")
    return out


def test_no_module_reaches_into_private_names() -> None:
    found = [use for path in sorted(PACKAGE.rglob("*.py")) for use in _private_uses(path)]
    assert found == []


def test_the_private_name_check_sees_both_kinds(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nimport zipfile\nfrom piano_xlsx.italian import _OS_REASONS\n"
                      "zipfile._EndRecData\nos._exit\n")
    assert _private_uses(sample) == ["sample.py:3 from piano_xlsx.italian import _OS_REASONS",
                                     "sample.py:4 zipfile._EndRecData"]
