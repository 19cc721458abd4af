"""The documentation runs: README examples are executed, every command is documented."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from armstimeline.cli import cli

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def blocks(lang: str) -> list[str]:
    return [body for kind, body in BLOCK.findall(README) if kind == lang]


def commands(body: str) -> list[list[str]]:
    """Shell lines, with backslash continuations joined."""
    text = body.replace("\\\n", " ")
    return [shlex.split(line) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("code", blocks("python"), ids=lambda c: c.splitlines()[0][:40])
def test_python_examples_run(code, tmp_path, monkeypatch, capsys):
    """Each ```python block runs as written, from a folder without the repository's data."""
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    assert capsys.readouterr().out


@pytest.mark.parametrize("body", blocks("console"), ids=lambda b: b.splitlines()[0][:40])
def test_console_examples_run(body, tmp_path, monkeypatch):
    """Each `$ armstimeline ...` line exits 0 and writes what it says."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for line in body.splitlines():
        if not line.startswith("$ armstimeline "):
            continue
        args = shlex.split(line[2:])[1:]
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, (line, result.output)
        if "-o" in args:
            out = tmp_path / args[args.index("-o") + 1]
            assert out.stat().st_size > 0


def test_shell_examples_use_real_options():
    """```bash blocks: armstimeline lines run; datasette and pip lines use real options."""
    runner = CliRunner()
    seen = 0
    for body in blocks("bash"):
        for argv in commands(body):
            parts: list[list[str]] = [[]]
            for word in argv:
                if word == "&&":
                    parts.append([])
                else:
                    parts[-1].append(word)
            for words in parts:
                part = " ".join(words)
                if words[0] == "armstimeline" and words[1] in {"build", "validate", "stats"}:
                    args = [w for w in words[1:] if w not in ("--db", "armstimeline.db")]
                    result = runner.invoke(cli, [*args, *_tmp_db(words)])
                    assert result.exit_code == 0, (part, result.output)
                    seen += 1
                elif words[0] == "datasette":
                    sub = [w for w in words[1:3] if not w.startswith("-") and "." not in w]
                    helptext = subprocess.run(
                        [sys.executable, "-m", "datasette", *sub, "--help"],
                        capture_output=True, text=True, check=True,
                    ).stdout  # fmt: skip
                    for option in (w for w in words if w.startswith("--") and " " not in w):
                        assert option in helptext, (option, sub)
                    seen += 1
    assert seen >= 3


def _tmp_db(words: list[str]) -> list[str]:
    """Point a documented build at a temporary file instead of the working directory."""
    if words[1] != "build":
        return []
    import tempfile

    return ["--db", str(Path(tempfile.mkdtemp()) / "doc.db")]


def test_every_command_has_help_with_example():
    """`armstimeline --help` and each subcommand's help list options and an example."""
    runner = CliRunner()
    top = runner.invoke(cli, ["--help"])
    assert top.exit_code == 0 and "Example" in top.output
    for name, command in cli.commands.items():
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output, name
        assert "Options:" in result.output, name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.opts[-1] in result.output, (name, param.opts)
        assert f"armstimeline {name}" in README, f"README does not document '{name}'"
