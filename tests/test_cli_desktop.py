"""The command line a desktop uses: install-desktop, FILE.gdstudio, --smoke-test, --version."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from gdstudio import __version__, desktop
from gdstudio.cli import main, session_shortcut


def test_install_desktop_puts_everything_in_the_data_folder_and_uninstall_removes_it(
    capsys, monkeypatch, tmp_path
):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    assert main(["install-desktop"]) == 0
    out = capsys.readouterr().out
    paths = desktop.installed_paths(tmp_path / "share")
    assert all(p.is_file() for p in paths.values())
    assert f"installed {paths['desktop']}" in out.splitlines()
    assert main(["install-desktop", "--uninstall"]) == 0
    out = capsys.readouterr().out
    assert not any(p.exists() for p in paths.values())
    assert f"removed {paths['desktop']}" in out.splitlines()
    assert main(["install-desktop", "--uninstall"]) == 0
    assert capsys.readouterr().out.strip() == "nothing to remove"


def test_a_session_file_as_the_only_argument_is_the_session_to_open():
    assert session_shortcut(["lesson.gdstudio"]) == ["--session", "lesson.gdstudio"]
    assert session_shortcut(["run", "--steps", "3"]) == ["run", "--steps", "3"]
    assert session_shortcut(["--scene", "race"]) == ["--scene", "race"]
    assert session_shortcut([]) == []


def test_a_missing_session_file_is_refused_by_name_not_as_an_unknown_command(capsys, tmp_path):
    missing = tmp_path / "gone.gdstudio"
    assert main([str(missing)]) == 2
    err = capsys.readouterr().err
    assert "--session" in err and "gone.gdstudio" in err and "invalid choice" not in err


@pytest.mark.parametrize("script", ["gdstudio", "gdstudio-gui"])
def test_the_smoke_test_runs_from_both_installed_scripts_and_exits_cleanly(xvfb, script):
    """As a packager runs it: the installed script, its own exit (a crash in Qt's teardown at
    exit once made it end with 139 after "smoke test passed")."""
    path = shutil.which(script, path=os.path.dirname(sys.executable))
    assert path is not None, f"{script} is not installed beside {sys.executable}"
    done = subprocess.run(
        [path, "--smoke-test"], capture_output=True, text=True, timeout=120,
        env={**os.environ, "DISPLAY": os.environ["DISPLAY"]},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "smoke test passed"


def test_version_is_the_packages(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"gdstudio {__version__}"
