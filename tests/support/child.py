"""Python code run in a fresh interpreter from the project's root: what a new process imports."""

from __future__ import annotations

import subprocess
import sys

from tests.support.core import ROOT


def run_python(code: str, timeout: float = 120) -> str:
    """The code's standard output (stripped); it must exit 0."""
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()
