"""The load script runs briefly against a real server: no errors, database unchanged."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


def test_load_script_short_run():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "load.py"), "--clients", "4",
         "--seconds", "3", "--max-requests", "300", "--json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    report = json.loads(result.stdout)
    assert result.returncode == 0, report
    assert report["requests"] > 20
    assert report["errors"] == 0, report["error_samples"]
    assert report["database_unchanged"] is True
