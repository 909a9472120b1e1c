"""The smoke test a packager runs: it passes here, and fails with its reason without OpenGL."""

from __future__ import annotations

import os
import subprocess
import sys


def _smoke(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gdstudio.smoke"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


def test_the_smoke_test_passes_on_a_display_with_opengl(xvfb):
    done = _smoke(DISPLAY=os.environ["DISPLAY"])
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "smoke test passed"
    assert any(line.startswith("ok: 3D frame rendered") for line in lines)
    assert "ok: plots drawn" in lines


def test_without_opengl_it_fails_and_says_why():
    done = _smoke(QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 1
    assert done.stdout.startswith("FAILED: no display with OpenGL")
