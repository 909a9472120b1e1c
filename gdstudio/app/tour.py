"""Tour ▸ Start Tour: the six lessons in order, each opened, explained and its control pointed at.

A dock at the bottom says what to look at and what to try, with Back / Next; an outline
follows the control to use; the step reached is remembered (Tour ▸ Resume Tour) across
sessions. On the first launch a bar under the menus offers the tour once: declined, it never
comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRect, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .widgets import menu_named

if TYPE_CHECKING:
    from .main_window import MainWindow

STEP_KEY = "tour/step"
OFFER_KEY = "tour/offer_answered"
_OUTLINE = QColor("#E69F00")


@dataclass(frozen=True)
class TourStep:
    """One stop of the tour: the lesson it opens, what to look at, what to try, where."""

    scene: str
    heading: str
    look: str
    try_this: str
    target: str  # objectName of the control to point at


TOUR: tuple[TourStep, ...] = (
    TourStep(
        "surface",
        "The loss is a landscape",
        "Each point (w, b) of the surface is a line y = w·x + b; its height is that line's loss "
        "on the data. The ball follows −∇L downhill to the green minimum.",
        "Click anywhere on the surface to drop a new start, then press Space to run. Drag to "
        "turn the view; Home frames it again.",
        "view3d",
    ),
    TourStep(
        "learning-rate",
        "The learning rate sets the stride",
        "One parameter, L(w) = (w − 4)² + 2: each step moves w by −α·2(w − 4).",
        "Set the learning rate to 0.001, 0.1, 0.5 and then 1.1, pressing R and Space after "
        "each: it creeps, converges, lands in one step, then diverges.",
        "lrSlider",
    ),
    TourStep(
        "variants",
        "How much data per step",
        "Same data, start and learning rate: Batch GD uses every point and walks smoothly; "
        "SGD uses one point a step and zig-zags; a mini-batch averages part of the noise away.",
        "Pick a racer in the list and change its batch, then run again and compare the loss "
        "curves.",
        "runList",
    ),
    TourStep(
        "challenges",
        "Valleys, saddles and plateaus",
        "Descent settles in the valley nearest its start, not in the deepest one.",
        "Switch the landscape to saddle or plateau and watch the run slow where the gradient "
        "all but vanishes.",
        "landscapeCombo",
    ),
    TourStep(
        "race",
        "An optimizer race",
        "Every racer starts at the same point of Rosenbrock's curved valley. Momentum carries "
        "its racers along the valley floor, where plain SGD crawls.",
        "Press Space to race. Add a racer with Add optimizer, choose its learning rate, and "
        "race again (View ▸ Sweep finds each racer's best rate).",
        "addRunButton",
    ),
    TourStep(
        "line-fit",
        "Fit a line to your own points",
        "The Data panel holds the points; the fitted line and the loss surface follow every edit.",
        "Click in the data plot to add a point, drag one far away and watch the minimum move; "
        "then try the MAE loss, which an outlier pulls far less.",
        "dataPlot",
    ),
)


class Highlight(QWidget):
    """An outline over a control of the window, following it as it moves; ignores the mouse."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("tourHighlight")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._target: QWidget | None = None
        # An ancestor moving (a dock resized, a panel scrolled) tells the target nothing:
        # check its place a few times a second while there is one.
        self._timer = QTimer(self)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.follow)
        self.hide()

    @property
    def target(self) -> QWidget | None:
        """The control outlined now (None: nothing)."""
        return self._target

    def point_at(self, target: QWidget | None) -> None:
        """Outline `target` (None hides the outline)."""
        if self._target is not None:
            self._target.removeEventFilter(self)
        self._target = target
        if target is None:
            self._timer.stop()
            self.hide()
            return
        target.installEventFilter(self)
        self._timer.start()
        _scroll_into_view(target)
        self.follow()

    def follow(self) -> None:
        """Move over the target's current place (hidden while the target is not shown)."""
        target = self._target
        window = self.parentWidget()
        if target is None or window is None or not target.isVisible():
            self.hide()
            return
        top_left = target.mapTo(window, target.rect().topLeft())
        place = QRect(top_left, target.size()).adjusted(-4, -4, 4, 4)
        if place != self.geometry():
            self.setGeometry(place)
        if not self.isVisible():
            self.show()
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Follow the target when it moves, resizes, shows or hides."""
        if event.type() in (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show,
                            QEvent.Type.Hide):  # fmt: skip
            QTimer.singleShot(0, self, self.follow)
        return False

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """A rounded outline in the highlight colour."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(_OUTLINE, 3))
        painter.drawRoundedRect(self.rect().adjusted(2, 2, -2, -2), 6, 6)
        painter.end()


def _scroll_into_view(target: QWidget) -> None:
    """Scroll every scroll area around `target` so that it can be seen."""
    parent = target.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(target, 20, 20)
        parent = parent.parentWidget()


class TourPanel(QWidget):
    """The tour's text and buttons: where we are, what to look at, what to try."""

    backClicked = Signal()
    nextClicked = Signal()
    closeClicked = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("tourPanel")
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("tourHeading")
        self.text = QLabel()
        self.text.setObjectName("tourText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        buttons = QHBoxLayout()
        self.back = QPushButton("← &Back")
        self.back.setObjectName("tourBack")
        self.next = QPushButton("&Next →")
        self.next.setObjectName("tourNext")
        self.next.setDefault(True)
        self.close_button = QPushButton("&Close Tour")
        self.close_button.setObjectName("tourClose")
        self.close_button.setToolTip("Stop here; Tour ▸ Resume Tour comes back to this step")
        for b in (self.back, self.next):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        scroller = QScrollArea()  # a long step scrolls rather than being cut off
        scroller.setWidget(self.text)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QScrollArea.Shape.NoFrame)
        layout.addWidget(self.heading)
        layout.addWidget(scroller, 1)
        layout.addLayout(buttons)
        self.setMinimumWidth(380)
        self.back.clicked.connect(self.backClicked)
        self.next.clicked.connect(self.nextClicked)
        self.close_button.clicked.connect(self.closeClicked)

    def show_step(self, index: int, step: TourStep) -> None:
        """Fill in the step `index` of the tour."""
        count = len(TOUR)
        self.heading.setText(f"<b>Step {index + 1} of {count} · {step.heading}</b>")
        self.text.setText(f"<p><b>Look:</b> {step.look}</p><p><b>Try:</b> {step.try_this}</p>")
        self.back.setEnabled(index > 0)
        self.next.setText("&Finish" if index == count - 1 else "&Next →")


class Tour(QObject):
    """The guided tour of a window: its menu, its dock, the outline and the step reached."""

    stepShown = Signal(int)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.index = -1
        self.panel = TourPanel()
        self.dock = QDockWidget("Tour", window)
        self.dock.setObjectName("tourDock")
        self.dock.setWidget(self.panel)
        self.dock.setAllowedAreas(
            Qt.DockWidgetArea.BottomDockWidgetArea | Qt.DockWidgetArea.TopDockWidgetArea
        )
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        self.dock.visibilityChanged.connect(self._on_dock_visibility)
        self.highlight = Highlight(window)
        self.panel.backClicked.connect(self.back)
        self.panel.nextClicked.connect(self.next)
        self.panel.closeClicked.connect(self.close)
        self.start_action = QAction("&Start Tour", window)
        self.start_action.setObjectName("action_tour_start")
        self.start_action.setStatusTip("Walk through the six lessons from the first")
        self.start_action.triggered.connect(lambda: self.start(0))
        self.resume_action = QAction("&Resume Tour", window)
        self.resume_action.setObjectName("action_tour_resume")
        self.resume_action.setStatusTip("Go back to the step of the tour where you stopped")
        self.resume_action.triggered.connect(lambda: self.start(self.remembered()))
        self._update_resume()

    # --- steps ----------------------------------------------------------------------------

    @staticmethod
    def remembered() -> int:
        """The step the user stopped at last (0: from the start)."""
        value = QSettings().value(STEP_KEY, 0)
        try:
            index = int(value)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return 0
        return index if 0 <= index < len(TOUR) else 0

    def start(self, index: int = 0) -> None:
        """Show the tour at step `index`."""
        first = not self.dock.isVisible()
        self.dock.show()
        self.dock.raise_()
        if first and not self.dock.isFloating():  # a readable share of the bottom row
            self.window.resizeDocks([self.dock], [480], Qt.Orientation.Horizontal)
        self.go(index)

    def go(self, index: int) -> None:
        """Open step `index`'s lesson, say what to look at, point at its control."""
        index = max(0, min(index, len(TOUR) - 1))
        self.index = index
        step = TOUR[index]
        lesson = self.window.actions_by_name.get(f"lesson_{step.scene}")
        if lesson is not None:
            lesson.trigger()  # the Lessons menu's own action: what a user's click does
        self.panel.show_step(index, step)
        self.highlight.point_at(None)  # until the lesson's controls are in place
        QSettings().setValue(STEP_KEY, index)
        self._update_resume()
        QTimer.singleShot(0, self, lambda: self._point_at(step))  # after the lesson's docks settle
        self.stepShown.emit(index)

    def _point_at(self, step: TourStep) -> None:
        if self.index < 0 or TOUR[self.index] is not step or not self.dock.isVisible():
            return
        target = self.window.findChild(QWidget, step.target)
        if isinstance(target, QAbstractScrollArea) and target.viewport() is not None:
            target = target.viewport()
        self.highlight.point_at(target)

    def next(self) -> None:
        """The next step; after the last, the tour ends (and starts from the first next time)."""
        if self.index >= len(TOUR) - 1:
            QSettings().setValue(STEP_KEY, 0)
            self.close(remember=False)
            self.window.statusBar().showMessage("Tour finished: Tour ▸ Start Tour goes again")
            return
        self.go(self.index + 1)

    def back(self) -> None:
        """The step before."""
        if self.index > 0:
            self.go(self.index - 1)

    def close(self, remember: bool = True) -> None:
        """Put the tour away; Resume Tour comes back to this step."""
        if remember and self.index >= 0:
            QSettings().setValue(STEP_KEY, self.index)
        self.index = -1
        self.highlight.point_at(None)
        self.dock.hide()
        self._update_resume()

    def offer_once(self) -> None:
        """On a first launch, offer the tour under the menus (never again once answered)."""
        answered = QSettings().value(OFFER_KEY, False, type=bool)
        if not answered and self.window.findChild(TourOffer) is None:
            self.window.addToolBar(Qt.ToolBarArea.TopToolBarArea, TourOffer(self))

    def _on_dock_visibility(self, visible: bool) -> None:
        if not visible and self.index >= 0 and not self.dock.isVisible():
            self.highlight.point_at(None)

    def _update_resume(self) -> None:
        at = self.remembered()
        self.resume_action.setEnabled(at > 0)
        self.resume_action.setText(f"&Resume Tour (step {at + 1})" if at > 0 else "&Resume Tour")


class TourOffer(QToolBar):
    """The first launch's offer of the tour, under the menus: Start the Tour or No Thanks."""

    def __init__(self, tour: Tour) -> None:
        super().__init__("Tour")
        self.setObjectName("tourOffer")
        self.setMovable(False)
        self.tour = tour
        label = QLabel("  New here? A short tour walks through the six lessons.  ")
        self.addWidget(label)
        take = QPushButton("Start the &Tour")
        take.setObjectName("tourOfferStart")
        take.clicked.connect(self.accept)
        self.addWidget(take)
        decline = QPushButton("No Thanks")
        decline.setObjectName("tourOfferDecline")
        decline.setToolTip("The tour stays in the Tour menu")
        decline.clicked.connect(self.decline)
        self.addWidget(decline)

    def accept(self) -> None:
        """Start the tour; the offer is answered."""
        self._answered()
        self.tour.start(0)

    def decline(self) -> None:
        """Never offer again."""
        self._answered()
        self.tour.window.statusBar().showMessage(
            "The tour is in the Tour menu whenever you want it"
        )

    def _answered(self) -> None:
        QSettings().setValue(OFFER_KEY, True)
        self.hide()
        self.deleteLater()


def install_tour(window: MainWindow, offer: bool = False) -> Tour:
    """Add the Tour menu (before Help) and dock to `window`; `offer` it on a first launch."""
    tour = Tour(window)
    bar = window.menuBar()
    menu = bar.addMenu("&Tour")
    menu.setObjectName("tourMenu")
    menu.addAction(tour.start_action)
    menu.addAction(tour.resume_action)
    help_menu = menu_named(window, "Help")
    if help_menu is not None:
        bar.insertAction(help_menu.menuAction(), menu.menuAction())
    if offer:
        tour.offer_once()
    return tour
