"""The camera in the declared state: defaults, a session's camera placed, held, not an edit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gdstudio.state import SessionError, Studio, check_camera
from gdstudio.state.camera import Camera

V1_DATA = Path(__file__).parent.parent / "io" / "data"


def test_a_camera_writes_what_a_session_checks():
    camera = Camera()
    saved = camera.to_dict()
    assert set(saved) == {"distance", "elevation", "azimuth", "fov", "center"}
    assert check_camera(json.loads(json.dumps(saved))) == saved


def test_placing_a_partial_camera_keeps_the_other_values():
    camera = Camera()
    camera.place({"distance": 3.5, "center": [1, 2, 3]})
    assert camera.distance == 3.5 and camera.center == [1.0, 2.0, 3.0]
    assert camera.elevation == Camera.defaults()["elevation"]


def test_a_bad_camera_is_refused_naming_the_field_and_changes_nothing():
    camera = Camera()
    before = camera.to_dict()
    with pytest.raises(SessionError, match=r"camera\.elevation"):
        camera.place({"distance": 2.0, "elevation": 95.0})
    assert camera.to_dict() == before


def test_each_moved_field_emits_its_event_once():
    camera = Camera()
    seen: list[str] = []
    camera.connect("*", seen.append)
    camera.place({"distance": 4.0, "azimuth": 10.0, "fov": 60.0})  # fov unchanged
    assert sorted(seen) == ["azimuth", "distance"]


def test_a_held_camera_is_taken_once():
    camera = Camera()
    camera.place({"azimuth": 12.0}, hold=True)
    assert camera.take_hold() is True
    assert camera.take_hold() is False
    camera.place({"azimuth": 13.0})
    assert camera.take_hold() is False


def test_camera_moves_are_not_edits_of_the_document():
    doc = Studio()
    changes: list[None] = []
    doc.on_change(lambda: changes.append(None))
    doc.camera.set(azimuth=doc.camera.azimuth + 30.0)
    doc.camera.place({"distance": 2.0, "center": [0.0, 0.5, 0.0]})
    assert doc.revision == 0 and not changes
    assert "camera" not in doc.to_dict() and "distance" not in doc.to_dict()


@pytest.mark.parametrize("path", sorted(V1_DATA.glob("*.gdstudio")), ids=lambda p: p.name)
def test_the_committed_sessions_cameras_fit_the_declaration(path):
    saved = json.loads(path.read_text("utf-8")).get("camera")
    camera = Camera()
    camera.place(saved)
    for key, value in (saved or {}).items():
        assert camera.to_dict()[key] == pytest.approx(value)
