"""`gdstudio install-desktop`: what lands in the XDG data folder, valid and removable."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from gdstudio import desktop
from gdstudio.io.session import encode_session, new_document

IN_CI = bool(os.environ.get("CI"))


def _tool(name: str) -> str:
    """The path of a freedesktop tool: CI installs them all, elsewhere a missing one skips."""
    found = shutil.which(name)
    if found is None:
        if IN_CI:
            pytest.fail(f"{name} is missing: .ci/run installs it")
        pytest.skip(f"{name} is not installed")
    return found


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    home = tmp_path / "share"
    report = desktop.install(home)
    assert set(report.files) == set(desktop.installed_paths(home).values())
    assert not report.problems, report.problems
    return home


def test_every_file_is_installed_where_desktops_look(installed: Path):
    paths = desktop.installed_paths(installed)
    assert paths["desktop"] == installed / "applications" / "io.github.gdstudio.desktop"
    assert paths["icon-svg"].read_bytes().startswith(b"<svg")
    for path in paths.values():
        assert path.is_file() and path.stat().st_size > 0, path


def test_desktop_entry_validates_and_runs_the_gui_script(installed: Path):
    entry = desktop.installed_paths(installed)["desktop"]
    done = subprocess.run(
        [_tool("desktop-file-validate"), str(entry)], capture_output=True, text=True
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr
    text = entry.read_text(encoding="utf-8")
    exec_line = re.search(r"^Exec=(.*) %f$", text, re.M)
    assert exec_line, text
    assert exec_line.group(1).strip('"').endswith("gdstudio-gui")
    assert "MimeType=application/x-gdstudio;" in text
    assert re.search(r"^Icon=io\.github\.gdstudio$", text, re.M)
    # one main category (Education), as the desktop menu specification asks
    main = {"AudioVideo", "Audio", "Video", "Development", "Education", "Game", "Graphics",
            "Network", "Office", "Science", "Settings", "System", "Utility"}  # fmt: skip
    categories = re.search(r"^Categories=(.*)$", text, re.M).group(1).strip(";").split(";")
    assert [c for c in categories if c in main] == ["Education"]


def test_a_launcher_path_with_spaces_is_quoted():
    text = desktop.desktop_entry("/opt/my apps/bin/gdstudio-gui")
    assert 'Exec="/opt/my apps/bin/gdstudio-gui" %f' in text
    assert "TryExec=/opt/my apps/bin/gdstudio-gui" in text


def test_metainfo_passes_strict_validation(installed: Path):
    metainfo = desktop.installed_paths(installed)["metainfo"]
    done = subprocess.run(
        [_tool("appstreamcli"), "validate", "--strict", "--no-net", str(metainfo)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    root = ET.parse(metainfo).getroot()
    assert root.findtext("launchable") == "io.github.gdstudio.desktop"
    assert root.find("releases/release") is not None
    assert root.find("screenshots/screenshot/image") is not None


@pytest.mark.parametrize("size", desktop.ICON_SIZES)
def test_png_icons_have_their_size_and_are_drawn(installed: Path, size: int):
    from PySide6.QtGui import QImage

    image = QImage(str(desktop.installed_paths(installed)[f"icon-{size}"]))
    assert (image.width(), image.height()) == (size, size)
    assert image.pixelColor(size // 2, size // 2).alpha() == 255  # the icon, not transparency
    assert image.pixelColor(0, 0).alpha() < 255  # its rounded corner


def test_the_mime_magic_matches_a_session_the_app_writes(installed: Path):
    xml = desktop.installed_paths(installed)["mime"]
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime = ET.parse(xml).getroot().find("m:mime-type", ns)
    assert mime.get("type") == desktop.MIME_TYPE
    assert mime.find("m:glob", ns).get("pattern") == "*.gdstudio"
    match = mime.find("m:magic/m:match", ns)
    start, end = (int(v) for v in match.get("offset").split(":"))
    model = {"landscape": "rosenbrock", "data": {"x": np.arange(3.0), "y": np.ones(3)}}
    head = b"".join(encode_session(new_document(model)))[: end + len(match.get("value"))]
    assert head.find(match.get("value").encode("utf-8"), start) >= 0, head[:200]


def test_the_mime_database_learns_the_type(installed: Path):
    _tool("update-mime-database")
    globs = (installed / "mime" / "globs2").read_text(encoding="utf-8")
    assert "application/x-gdstudio:*.gdstudio" in globs
    assert (installed / "mime" / "application" / "x-gdstudio.xml").is_file()


def test_uninstall_removes_what_install_wrote_and_nothing_else(installed: Path):
    other = installed / "applications" / "someone-else.desktop"
    other.write_text("[Desktop Entry]\n", encoding="utf-8")
    report = desktop.uninstall(installed)
    assert set(report.files) == set(desktop.installed_paths(installed).values())
    assert not any(p.exists() for p in desktop.installed_paths(installed).values())
    assert other.exists()
    assert desktop.uninstall(installed).files == ()  # a second uninstall has nothing to do


def test_data_home_follows_xdg_and_ignores_a_relative_path(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert desktop.data_home() == tmp_path
    monkeypatch.setenv("XDG_DATA_HOME", "relative/share")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert desktop.data_home() == tmp_path / ".local" / "share"


def test_every_screenshot_the_metainfo_names_is_in_the_repository():
    root = Path(__file__).resolve().parent.parent
    metainfo = root / "resources" / "desktop" / "io.github.gdstudio.metainfo.xml"
    prefix = "https://raw.githubusercontent.com/gdstudio/gdstudio/main/"
    images = ET.parse(metainfo).getroot().findall("screenshots/screenshot/image")
    assert images
    for image in images:
        assert image.text.startswith(prefix), image.text
        local = root / image.text.removeprefix(prefix)
        assert local.is_file(), local
        from PySide6.QtGui import QImage

        picture = QImage(str(local))
        assert (picture.width(), picture.height()) == (
            int(image.get("width")),
            int(image.get("height")),
        )
