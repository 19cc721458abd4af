"""The house stays as drawn: layered imports, no cycles, no private names across modules,
no file over 400 lines, and mypy clean over src/ (CI runs these like any test)."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

SRC = ROOT / "src" / "armstimeline"
MAX_LINES = 400


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.mark.skipif(importlib.util.find_spec("importlinter") is None,
                    reason="import-linter is in the test extra")  # fmt: skip
def test_import_contracts_hold():
    script = Path(sys.executable).with_name("lint-imports")
    result = run(str(script) if script.exists() else "lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout and "KEPT" in result.stdout


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy is in the test extra")
def test_mypy_clean():
    result = run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_file_is_over_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in SRC.rglob("*.py")
            if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES}  # fmt: skip
    assert long == {}


def _private_uses(path) -> list[str]:
    """Names with a leading underscore taken from another armstimeline module."""
    tree = ast.parse(path.read_text("utf-8"))
    modules: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("armstimeline"):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{path.name}:{node.lineno} imports {node.module}.{alias.name}")
                else:
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("armstimeline"):
                    modules.add((alias.asname or alias.name).split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append(f"{path.name}:{node.lineno} uses {node.value.id}.{node.attr}")
    return found


def test_no_module_or_test_uses_another_modules_private_names():
    files = [*SRC.rglob("*.py"), *(ROOT / "tests").rglob("*.py"),
             *(ROOT / "benchmarks").glob("*.py")]  # fmt: skip
    found = [use for path in files for use in _private_uses(path)]
    assert found == []


def test_the_private_name_check_can_fail(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from armstimeline.loading import yamlsafe\n"
                      "from armstimeline.errors import _MAX_SHOWN\n"
                      "yamlsafe._TOO_DEEP\n")  # fmt: skip
    assert len(_private_uses(sample)) == 2
