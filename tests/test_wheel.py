"""Installed from a wheel, the package carries its data and works outside the repository."""

from __future__ import annotations

import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


def test_wheel_carries_the_dataset(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels), str(ROOT)],
        check=True,
    )  # fmt: skip
    wheel = next(wheels.glob("armstimeline-*.whl"))
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env)
    python = env / "bin" / "python"
    # The dependencies come from this interpreter's site-packages, named in a .pth file
    # (no download). Paths added that way do not run their own .pth files, so an editable
    # install of armstimeline there stays invisible: the package comes only from the wheel.
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    Path(purelib, "_test_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
         str(wheel)],
        check=True,
    )  # fmt: skip
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    code = (
        "import armstimeline, pathlib; print(len(armstimeline.load())); "
        "print(pathlib.Path(armstimeline.__file__).resolve())"
    )
    result = subprocess.run(
        [str(python), "-c", code], cwd=outside, capture_output=True, text=True, check=True
    )
    count, location = result.stdout.split()
    assert int(count) == len(list((ROOT / "events").glob("*.yml")))
    assert str(env.resolve()) in location, location
    cli = subprocess.run(
        [str(python), "-m", "armstimeline", "validate"], cwd=outside, capture_output=True,
        text=True,
    )  # fmt: skip
    assert cli.returncode == 0, cli.stderr
