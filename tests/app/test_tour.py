"""The guided tour, driven as a user: F1 / the Tour menu, Back / Next / Close, the first offer."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSettings
from PySide6.QtWidgets import QWidget

from gdstudio.app.tour import OFFER_KEY, STEP_KEY, TOUR


def _toured(studio_window, qtbot, offer: bool = False):
    window = studio_window("race")
    tour = window.tour  # the window installs its tour
    if offer:
        tour.offer_once()  # what a first launch does
    window.resize(1400, 900)
    window.activateWindow()  # window shortcuts (F1) reach the active window
    qtbot.waitUntil(window.isActiveWindow)
    return window, tour


def _pointed_at(window, tour, qtbot, name: str) -> None:
    """The outline is shown and surrounds the control named `name`."""
    target = window.findChild(QWidget, name)
    assert target is not None, name

    def outlined() -> bool:
        shown = tour.highlight.target
        return shown is not None and (shown is target or shown.parentWidget() is target)

    def around() -> bool:
        where = QRect(target.mapTo(window, QPoint(0, 0)), target.size())
        return tour.highlight.geometry().contains(where.adjusted(1, 1, -1, -1))

    qtbot.waitUntil(lambda: outlined() and tour.highlight.isVisible() and around())


def test_the_tour_menu_starts_the_tour_and_next_walks_every_lesson_in_order(
    studio_window, qtbot, user
):
    window, tour = _toured(studio_window, qtbot)
    user.menu_bar(window, "Tour", "Start Tour")
    qtbot.waitUntil(tour.dock.isVisible)
    next_button = user.find(window, "tourNext")
    for i, step in enumerate(TOUR):
        assert window.model.scene.id == step.scene
        assert f"Step {i + 1} of {len(TOUR)}" in user.find(window, "tourHeading").text()
        assert "Look:" in user.find(window, "tourText").text()
        _pointed_at(window, tour, qtbot, step.target)
        if i < len(TOUR) - 1:
            user.click(next_button)
    assert next_button.text() == "&Finish"
    user.click(next_button)
    qtbot.waitUntil(lambda: not tour.dock.isVisible())
    assert not tour.highlight.isVisible()
    assert int(QSettings().value(STEP_KEY)) == 0  # finished: the next tour starts at the first


def test_back_goes_to_the_step_before(studio_window, qtbot, user):
    window, tour = _toured(studio_window, qtbot)
    user.menu_bar(window, "Tour", "Start Tour")
    back = user.find(window, "tourBack")
    assert not back.isEnabled()
    user.click(user.find(window, "tourNext"))
    user.click(user.find(window, "tourNext"))
    assert window.model.scene.id == TOUR[2].scene
    user.click(back)
    assert window.model.scene.id == TOUR[1].scene
    _pointed_at(window, tour, qtbot, TOUR[1].target)


def test_closing_remembers_the_step_and_resume_comes_back_to_it(studio_window, qtbot, user):
    window, tour = _toured(studio_window, qtbot)
    user.menu_bar(window, "Tour", "Start Tour")
    for _ in range(3):
        user.click(user.find(window, "tourNext"))
    user.click(user.find(window, "tourClose"))
    qtbot.waitUntil(lambda: not tour.dock.isVisible())
    assert not tour.highlight.isVisible()
    # a later session: a new window reads where the user stopped
    window2, tour2 = _toured(studio_window, qtbot)
    assert tour2.resume_action.isEnabled()
    assert tour2.resume_action.text() == "&Resume Tour (step 4)"
    user.menu_bar(window2, "Tour", "Resume Tour (step 4)")
    assert window2.model.scene.id == TOUR[3].scene
    _pointed_at(window2, tour2, qtbot, TOUR[3].target)


def test_the_tour_menu_sits_before_help(studio_window, qtbot):
    window, _ = _toured(studio_window, qtbot)
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles.index("Tour") == titles.index("Help") - 1


def test_the_first_launch_offer_once_declined_never_comes_back(studio_window, qtbot, user):
    window, tour = _toured(studio_window, qtbot, offer=True)
    offer = user.find(window, "tourOffer")
    qtbot.waitUntil(offer.isVisible)
    user.click(user.find(window, "tourOfferDecline"))
    qtbot.waitUntil(lambda: window.findChild(QWidget, "tourOffer") is None)
    assert not tour.dock.isVisible()
    assert QSettings().value(OFFER_KEY, False, type=bool)
    window2, _ = _toured(studio_window, qtbot, offer=True)
    assert window2.findChild(QWidget, "tourOffer") is None


def test_taking_the_offer_starts_the_tour(studio_window, qtbot, user):
    window, tour = _toured(studio_window, qtbot, offer=True)
    user.click(user.find(window, "tourOfferStart"))
    qtbot.waitUntil(tour.dock.isVisible)
    assert window.model.scene.id == TOUR[0].scene
    qtbot.waitUntil(lambda: window.findChild(QWidget, "tourOffer") is None)
