"""The window's extras as a user finds them: menus, and the log folder from the Help menu."""

from __future__ import annotations

import logging

from PySide6.QtGui import QDesktopServices


def _titles(menu) -> list[str]:
    return [a.text().replace("&", "") for a in menu.actions()]


def _menu(window, title: str):
    return next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == title)


def test_the_view_menu_offers_sweep_and_step_by_step(studio_window):
    window = studio_window("race")
    titles = _titles(_menu(window, "View"))
    assert "Sweep" in titles and "Step by Step" in titles
    assert window.findChild(type(window.tour.dock), "sweepDock").isHidden()


def test_help_opens_the_log_folder(studio_window, qtbot, user, monkeypatch, tmp_path):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window = studio_window("race")
    user.menu_bar(window, "Help", "Open Log Folder")
    assert len(opened) == 1 and opened[0].toLocalFile().endswith("logs")


def test_without_a_file_manager_the_status_bar_names_the_folder(studio_window, user, monkeypatch):
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    window = studio_window("race")
    user.menu_bar(window, "Help", "Open Log Folder")
    assert "log folder is" in window.statusBar().currentMessage()


def test_a_logged_error_shows_on_the_status_bar(studio_window, qtbot):
    window = studio_window("race")
    logging.getLogger("gdstudio.io").error("could not write the autosave")
    qtbot.waitUntil(lambda: "could not write the autosave" in window.statusBar().currentMessage())
