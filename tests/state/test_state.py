"""The studio state, Qt-free and declared once: checks, events, revision, to_dict/from_dict."""

import json
from pathlib import Path

import numpy as np
import pytest

from gdstudio.io.session import load_session
from gdstudio.state import Field, RunSpec, SessionError, Settings, Studio, View
from gdstudio.state.kinds import Flag, Number

V1_DATA = Path(__file__).parent.parent / "io" / "data"


def test_setting_a_field_checks_it_and_names_the_field():
    s = Settings()
    with pytest.raises(SessionError, match=r"^speed: must be a number from 1 to 5000, got 0$"):
        s.speed = 0
    with pytest.raises(SessionError, match="max_steps: must be an integer"):
        s.max_steps = 2.5
    with pytest.raises(SessionError, match="restart_on_edit: must be true or false"):
        s.restart_on_edit = "yes"
    assert (s.speed, s.max_steps, s.restart_on_edit) == (60.0, 5000, False)


def test_a_change_emits_the_fields_event_and_bumps_the_revision_once():
    doc = Studio()
    seen: list[object] = []
    doc.settings.connect("speed", seen.append)
    doc.view.connect("*", seen.append)
    doc.settings.speed = 120
    doc.settings.speed = 120.0  # no change, no event
    doc.view.view_mode = "contour"
    assert seen == [120.0, "view_mode"]
    assert doc.revision == 2


def test_set_checks_every_value_before_changing_any():
    doc = Studio()
    with pytest.raises(SessionError, match="tol"):
        doc.settings.set(speed=10, tol=-1)
    assert doc.settings.speed == 60.0 and doc.revision == 0


def test_racers_count_in_the_revision():
    doc = Studio()
    spec = RunSpec(optimizer="sgd", hyper={"lr": 0.1})
    doc.add_run(spec)
    spec.enabled = False
    spec.hyper = {"lr": 0.2}
    doc.remove_run(0)
    assert doc.revision == 4


def test_hyperparameters_are_checked_against_the_racers_optimizer():
    spec = RunSpec(optimizer="sgd")
    with pytest.raises(SessionError, match="hyper.beta1: not a parameter of sgd"):
        spec.hyper = {"beta1": 0.9}
    spec.set(optimizer="adam", hyper={"betas": (0.8, 0.9)})
    assert spec.to_dict()["hyper"] == {"betas": [0.8, 0.9]}


def test_the_start_must_match_the_landscape():
    doc = Studio(landscape="rosenbrock")
    with pytest.raises(SessionError, match="start: must hold 2 numbers for rosenbrock, got 3"):
        doc.start = (1.0, 2.0, 3.0)
    doc.start = (1.0, 2.0)
    assert np.array_equal(doc.start, [1.0, 2.0])


@pytest.mark.parametrize("name", ["race_v1", "linefit_v1", "classify_v1"])
def test_committed_v1_sessions_round_trip_through_the_declaration(name):
    model = load_session(V1_DATA / f"{name}.gdstudio")["model"]
    doc = Studio.from_dict(model)
    again = Studio.from_dict(json.loads(json.dumps(doc.to_dict())))
    assert again.to_dict() == doc.to_dict()
    for key, value in model.items():
        if key not in ("data", "start"):
            assert doc.to_dict()[key] == value, key


def test_from_dict_names_the_first_bad_field_with_its_path():
    model = Studio().to_dict()
    model["runs"] = [{"optimizer": "adam", "seed": -1}]
    with pytest.raises(SessionError, match=r"^model\.runs\[0\]\.seed: must be an integer"):
        Studio.from_dict(model)
    model["runs"], model["view_mode"] = [], "side"
    with pytest.raises(SessionError, match=r"^model\.view_mode: must be one of 3d, contour"):
        Studio.from_dict(model)


def test_a_new_setting_is_one_declaration():
    """The exercise of issue 9: declare a field; to_dict, from_dict and checks follow."""

    class MoreSettings(Settings):
        momentum_arrows: Field[bool] = Field(Flag(), False)
        arrow_scale: Field[float] = Field(Number(0.1, 10.0), 1.0)

    s = MoreSettings()
    assert s.to_dict()["arrow_scale"] == 1.0 and s.to_dict()["momentum_arrows"] is False
    with pytest.raises(SessionError, match=r"^arrow_scale: must be a number from 0.1 to 10"):
        s.arrow_scale = 50
    loaded = MoreSettings.from_dict({**Settings().to_dict(), "arrow_scale": 2.5}, "model.")
    assert loaded.arrow_scale == 2.5 and loaded.momentum_arrows is False
    with pytest.raises(SessionError, match=r"^model\.momentum_arrows: must be true or false"):
        MoreSettings.from_dict({"momentum_arrows": 1}, "model.")
    assert MoreSettings.defaults()["arrow_scale"] == 1.0


def test_view_and_settings_defaults_come_from_the_declaration():
    assert View().to_dict() == {"view_mode": "3d", "log_height": None}
    assert Settings.defaults()["schedule"] == ("constant", {})
    assert Settings.speed.kind.lo == 1.0  # widgets read their ranges here


def test_scenes_take_their_defaults_and_checks_from_the_declaration():
    from gdstudio.io.scenes import scene_from_dict

    base = {"id": "t", "title": "T", "landscape": "rosenbrock", "runs": [{"optimizer": "sgd"}]}
    scene = scene_from_dict(base)
    assert (scene.speed, scene.max_steps, scene.view) == (
        Settings.speed.default,
        Settings.max_steps.default,
        View.view_mode.default,
    )
    with pytest.raises(SessionError, match=r"^scene 't'\.speed: must be a number from 1"):
        scene_from_dict({**base, "speed": 0})
    with pytest.raises(SessionError, match=r"runs\[0\]\.seed: must be an integer"):
        scene_from_dict({**base, "runs": [{"optimizer": "sgd", "seed": -3}]})


# --- the typed landscape --------------------------------------------------------------------


def test_a_typed_landscape_holds_its_formula_and_bounds_and_round_trips():
    doc = Studio(landscape="custom", expression="w^2 + 3*b", bounds=((-1, 2), (0, 5)))
    d = doc.to_dict()
    assert (d["landscape"], d["expression"], d["bounds"]) == (
        "custom",
        "w^2 + 3*b",
        [[-1.0, 2.0], [0.0, 5.0]],
    )
    back = Studio.from_dict({**d, "runs": []})
    assert (back.expression, back.bounds) == ("w^2 + 3*b", ((-1.0, 2.0), (0.0, 5.0)))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"expression": "(1 - w)^2 + 100*(b"},
            "model.expression: this ( is never closed (at character 17)",
        ),
        ({"expression": "9**9**9"}, "model.expression: "),
        ({"expression": "__import__('os')"}, "model.expression: "),
        ({"expression": None}, "model.expression: the custom landscape needs a formula"),
        (
            {"expression": "w", "bounds": [[0, 1], [0, 1]]},
            "model.bounds: give bounds for 1 parameter",
        ),
        ({"expression": "w + b", "bounds": [[0, 1, 2]]}, "model.bounds[0]: must be [low, high]"),
        (
            {"expression": "w + b", "bounds": [[0, "a"], [0, 1]]},
            "model.bounds[0][1]: must be a number",
        ),
        ({"expression": "w + b", "start": [1.0]}, "model.start: must hold 2 numbers for custom"),
    ],
)
def test_a_refused_formula_names_the_field_and_carries_the_parsers_message(fields, message):
    d = {**Studio().to_dict(), "landscape": "custom", "expression": "w + b", **fields}
    with pytest.raises(SessionError) as e:
        Studio.from_dict(d)
    assert str(e.value).startswith(message)


def test_the_list_of_named_landscapes_leaves_the_typed_one_out():
    from gdstudio.core.catalog import landscape_names
    from gdstudio.state import document_landscapes

    assert "custom" not in landscape_names()
    assert document_landscapes() == [*landscape_names(), "custom", "network"]
