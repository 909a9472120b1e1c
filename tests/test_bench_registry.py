"""The benchmark's registry names functions that exist, and every target belongs to an entry."""

from __future__ import annotations

import importlib

from gdstudio.bench.__main__ import BENCHES, FLOOR_TARGETS, TARGETS, table


def test_every_registered_benchmark_is_a_function_of_its_module():
    for name, (module, function) in BENCHES.items():
        fn = getattr(importlib.import_module(f"gdstudio.bench.{module}"), function, None)
        assert callable(fn), name


def test_every_target_is_of_a_registered_row_and_says_which_way():
    assert set(TARGETS) <= set(BENCHES)
    assert all(op in ("<=", ">=") for op, _ in TARGETS.values())


def test_the_table_marks_a_missed_target_in_either_direction():
    rows = [
        {"name": "tick_8_runs", "ours_ms": 5.0, "baseline_ms": 50.0, "ratio": 10.0},
        {"name": "race_speed_ratio", "unit": "×", "ours": 0.5, "baseline": 1.0, "ratio": 0.5},
        {"name": "sgd_step_1m", "ours_ms": 0.1, "baseline_ms": 1.0, "ratio": 10.0},
    ]
    lines = table(rows).splitlines()[2:]
    assert lines[0].endswith("NO") and lines[1].endswith("NO")
    assert lines[2].rstrip().endswith("×")  # no target: no verdict


def test_start_up_must_also_be_no_slower_than_the_import_floor_of_the_same_run():
    assert set(FLOOR_TARGETS) <= set(TARGETS)
    rows = [
        {"name": "startup_first_frame", "ours_ms": 600.0, "baseline_ms": 550.0, "ratio": 0.92},
        {"name": "startup_first_frame", "ours_ms": 540.0, "baseline_ms": 550.0, "ratio": 1.02},
        {"name": "startup_first_frame", "ours_ms": 900.0, "baseline_ms": 950.0, "ratio": 1.06},
    ]
    lines = table(rows).splitlines()[2:]
    assert lines[0].endswith("NO")  # under 800 ms, but slower than the floor
    assert lines[1].endswith("yes")
    assert lines[2].endswith("NO")  # faster than the floor, but over 800 ms
