"""Boxes around what moved in a race frame, without Qt or GL."""

from __future__ import annotations

import numpy as np

from gdstudio.render.live_damage import damage_boxes

SIZE = (200, 100)
IDENTITY = np.eye(4, dtype=np.float32).reshape(-1)  # clip space is world space


def test_each_group_gets_the_pixels_within_the_margin_of_its_points():
    near_left = np.array([[-0.5, 0.0, 0.0], [-0.25, 0.25, 0.0]])  # pixels (50, 50), (75, 62.5)
    near_right = np.array([[0.5, -0.25, 0.0]])  # pixel (150, 37.5)
    boxes = damage_boxes([near_left, near_right], IDENTITY, SIZE, 3.0)
    assert boxes == [(47, 47, 79, 67), (147, 34, 154, 42)]


def test_boxes_stay_inside_the_frame_and_groups_outside_it_are_left_out():
    corner = np.array([[-1.0, -1.0, 0.0]])
    outside = np.array([[3.0, 0.0, 0.0]])
    assert damage_boxes([corner, outside, np.empty((0, 3))], IDENTITY, SIZE, 4.0) == [(0, 0, 5, 5)]


def test_a_point_behind_the_camera_or_most_of_the_frame_moving_draws_it_whole():
    perspective = np.eye(4, dtype=np.float32)
    perspective[2, 3], perspective[3, 3] = 1.0, 0.0  # w = z (column-major: z feeds w)
    behind = np.array([[0.0, 0.0, -1.0]])
    assert damage_boxes([behind], perspective.reshape(-1), SIZE, 2.0) is None
    across = np.array([[-0.9, -0.9, 0.0], [0.9, 0.9, 0.0]])
    assert damage_boxes([across], IDENTITY, SIZE, 2.0) is None
