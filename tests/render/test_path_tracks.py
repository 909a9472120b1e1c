"""Paths followed a frame at a time are drawn exactly as one full build of them, without Qt."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdstudio.core.landscapes import ANALYTIC
from gdstudio.render import path_tracks
from gdstudio.render.heightmap import HeightMap
from gdstudio.render.path_geometry import build_path_geometry
from gdstudio.render.path_tracks import PathTracks, pieces

LS = ANALYTIC["rosenbrock"]
FIELDS = ("points", "point_colors", "head_positions", "head_colors")


def _walk(seed: int, n: int, start=(-1.5, 2.0), scale: float = 0.002) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.array(start) + np.cumsum(rng.normal(scale=scale, size=(n, 2)), axis=0)


def _path(color, params: np.ndarray) -> tuple:
    return (color, params.copy(), LS.value(params))  # new arrays, as a history hands them


def _assert_as_built_whole(tracks: PathTracks, hm: HeightMap, paths: list) -> None:
    ours, whole = tracks.geometry(), build_path_geometry(hm, paths)
    for field in FIELDS:
        np.testing.assert_array_equal(getattr(ours, field), getattr(whole, field), field)
    for span in ours.spans:  # the spans cut the same point list into the same paths
        assert 0 <= span.settled <= max(span.count - 2, 0)
    assert sum(s.count for s in ours.spans) == len(whole.points)


def test_a_race_followed_a_tick_at_a_time_is_drawn_as_one_full_build():
    hm = HeightMap(LS)
    walks = [_walk(i, 3000, scale=0.0003) for i in range(8)]
    tracks = PathTracks()
    for n in (1, 2, 3, 4, 10, 11, 250, 251, 600, 1700, 3000):
        paths = [_path((1.0, i / 8, 0.0), w[: n - i if n > i else 1]) for i, w in enumerate(walks)]
        tracks.update(hm, paths)
        _assert_as_built_whole(tracks, hm, paths)
    assert len(tracks.geometry().points) < 0.8 * 8 * 3000  # and it was thinned


def test_only_the_rows_added_since_the_last_frame_are_mapped(monkeypatch):
    hm = HeightMap(LS)
    walks = [_walk(i, 2000) for i in range(3)]
    tracks = PathTracks()
    tracks.update(hm, [_path((1, 0, 0), w[:1000]) for w in walks])
    mapped: list[int] = []
    world_path = path_tracks.world_path

    def counting(heightmap, params, losses, lift):
        mapped.append(len(params))
        return world_path(heightmap, params, losses, lift)

    monkeypatch.setattr(path_tracks, "world_path", counting)
    tracks.update(hm, [_path((1, 0, 0), w[:1030]) for w in walks])
    # each path, in one pass: its last settled row (the segment to the new rows starts
    # there), the row that was the latest (the next step may have replaced it) and 30 new
    assert mapped == [3 * (2 + 30)]


def test_the_same_arrays_again_change_nothing():
    hm = HeightMap(LS)
    paths = [_path((1, 0, 0), _walk(1, 500)), _path((0, 1, 0), _walk(2, 300))]
    tracks = PathTracks()
    assert tracks.update(hm, paths)
    geometry = tracks.geometry()
    assert not tracks.update(hm, list(paths))
    assert tracks.geometry() is geometry


def test_a_history_that_dropped_rows_or_started_again_is_drawn_anew():
    hm = HeightMap(LS)
    walk = _walk(4, 1600)
    tracks = PathTracks()
    tracks.update(hm, [_path((1, 0, 0), walk[:1600])])
    generation = tracks.spans[0].generation
    for rows in (walk[:1600:2], walk[:5], _walk(5, 900, start=(-1.5, 2.0))):
        paths = [_path((1, 0, 0), rows)]  # halved when full; reset; another run, same start
        tracks.update(hm, paths)
        _assert_as_built_whole(tracks, hm, paths)
        assert tracks.spans[0].generation != generation
        generation = tracks.spans[0].generation


def test_removing_a_run_draws_the_runs_after_it_in_their_new_places():
    hm = HeightMap(LS)
    walks = [_walk(i, 800) for i in range(4)]
    tracks = PathTracks()
    tracks.update(hm, [_path((i / 4, 0, 1), w) for i, w in enumerate(walks)])
    paths = [_path((i / 4, 0, 1), w) for i, w in enumerate(walks) if i != 1]
    tracks.update(hm, paths)  # each later path is lifted by its new place
    _assert_as_built_whole(tracks, hm, paths)


@pytest.mark.parametrize("log_height", [True, False])
def test_a_new_landscape_or_height_scale_maps_every_path_again(log_height):
    walks = [_walk(i, 700) for i in range(3)]
    tracks = PathTracks()
    tracks.update(HeightMap(LS), [_path((1, 0, 0), w[:500]) for w in walks])
    hm = HeightMap(ANALYTIC["himmelblau"], log_height)
    paths = [_path((1, 0, 0), w) for w in walks]
    tracks.update(hm, paths)
    _assert_as_built_whole(tracks, hm, paths)


def test_pieces_are_polylines_that_join_no_two_pieces():
    hm = HeightMap(LS)
    tracks = PathTracks()
    tracks.update(hm, [_path((1, 0, 0), _walk(1, 400)), _path((0, 0, 1), _walk(2, 400))])
    a, b = tracks.shown
    got = pieces(tracks.shown, [(2, 5), (0, 1)])  # the second, of one point, is left out
    np.testing.assert_array_equal(got.points, a.points[2:5])
    np.testing.assert_array_equal(got.point_colors[:, 3], [1, 1, 0])
    both = pieces(tracks.shown, [(0, 2), (3, 5)])
    np.testing.assert_array_equal(both.points, np.concatenate([a.points[:2], b.points[3:5]]))
    np.testing.assert_array_equal(both.point_colors[:, 3], [1, 0, 1, 0])


_OPS = st.lists(
    st.tuples(
        st.sampled_from(["grow", "grow", "grow", "latest", "halve", "reset", "remove", "add"]),
        st.integers(0, 5),  # which path
        st.integers(1, 150),  # how many rows
        st.booleans(),  # a frame is painted after it
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=40, deadline=None)
@given(ops=_OPS, seed=st.integers(0, 2**16), log_height=st.booleans())
def test_any_chunking_of_growing_histories_is_drawn_as_one_full_build(ops, seed, log_height):
    hm = HeightMap(LS, log_height)
    rng = np.random.default_rng(seed)
    rows = [_walk(seed + i, int(rng.integers(1, 40))) for i in range(3)]
    colors = [(1.0, 0.0, 0.0), (0.0, 0.5, 1.0), (0.2, 0.9, 0.2)]
    tracks = PathTracks()
    seen: dict[int, tuple[int | None, np.ndarray]] = {}
    for kind, which, k, paint in ops:
        i = which % len(rows) if rows else 0
        if kind == "grow" and rows:
            step = rng.normal(scale=0.003, size=(k, 2))
            rows[i] = np.concatenate([rows[i], rows[i][-1] + np.cumsum(step, axis=0)])
        elif kind == "latest" and rows:  # the latest row replaced by the next step's
            rows[i] = np.concatenate([rows[i][:-1], rows[i][-1:] + rng.normal(scale=0.003)])
        elif kind == "halve" and rows:
            rows[i] = rows[i][::2]
        elif kind == "reset" and rows:
            rows[i] = rows[i][:1]
        elif kind == "remove" and rows:
            del rows[i], colors[i]
        elif kind == "add":
            rows.append(_walk(seed + k, k))
            colors.append((0.5, 0.5, float(k % 2)))
        if not paint:
            continue
        paths = [_path(c, r) for c, r in zip(colors, rows, strict=True)]
        tracks.update(hm, paths)
        _assert_as_built_whole(tracks, hm, paths)
        for index, (track, span) in enumerate(zip(tracks.shown, tracks.spans, strict=True)):
            generation, before = seen.get(index, (None, np.empty((0, 3))))
            if generation is not None and generation == span.generation:
                # what settled stays while the generation does (the kept picture relies on it)
                np.testing.assert_array_equal(track.points[: len(before)], before)
            seen[index] = (span.generation, track.points[: span.settled + 1].copy())
