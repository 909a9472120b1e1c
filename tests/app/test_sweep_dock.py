"""View ▸ Sweep opens a dock with room for its plot (issue 12)."""

from PySide6.QtWidgets import QWidget


def test_the_sweep_opens_under_the_plots_with_most_of_the_column(qtbot, studio_window, user):
    window = studio_window("race")
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: window.width() == 1600)
    user.menu_bar(window, "View", "Sweep")
    panel = None

    def opened() -> bool:
        nonlocal panel
        panel = window.findChild(QWidget, "sweepPanel")
        return panel is not None and panel.isVisible()

    qtbot.waitUntil(opened)
    dock = panel.parentWidget()
    qtbot.waitUntil(lambda: dock.height() > window.plots_dock.height())
    assert window.plots_dock.isVisible() and window.plots_dock.height() > 150  # still readable
