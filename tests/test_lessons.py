"""Each lesson's caption is true to its defaults: every claim checked on runs built headless.

The runs are built by gdstudio.io.scenes.scene_runs exactly as the window builds them from the
scene (landscape, data, start, optimizers, tolerance, max steps). Where a caption states a
figure, the figure is recomputed here and looked up in the caption text.
"""

import itertools
from dataclasses import replace

import numpy as np
import pytest

from gdstudio.core.fitting import DataLandscape
from gdstudio.core.run import Row, Run
from gdstudio.io.captions import CaptionFacts, caption_text, default_caption
from gdstudio.io.scenes import Scene, get_scene, load_scenes, scene_runs

CHECKED = {"surface", "learning-rate", "variants", "challenges", "race", "line-fit", "network"}


class Trace:
    """A run stepped until it stops, with its start and every measured row."""

    def __init__(self, run: Run) -> None:
        self.run = run
        rows: list[Row] = []
        run.step(run.max_steps, on_row=rows.append)
        self.steps = np.array([0, *(r.step for r in rows)])
        self.params = np.array([run.start, *(r.params for r in rows)])
        self.loss = np.array([float(run.landscape.value(run.start)), *(r.loss for r in rows)])
        self.grad = np.array(
            [float(np.linalg.norm(run.landscape.grad(run.start))), *(r.grad_norm for r in rows)]
        )


def with_lr(scene: Scene, lr: float) -> Scene:
    """The scene with every racer's α set to lr (as the α slider sets it)."""
    return replace(scene, runs=tuple(replace(s, hyper={**s.hyper, "lr": lr}) for s in scene.runs))


def stopped_at_max_steps(run: Run) -> bool:
    """True if the run used every step it had and says so."""
    return run.steps == run.max_steps and (
        run.status_text() == f"stopped at step {run.max_steps} (max steps)"
    )


def converged(run: Run) -> bool:
    """True if the run stopped because |∇L| fell below the tolerance."""
    return run.status == "converged" and run.grad_norm < run.tol


def test_every_lesson_caption_has_a_test_here():
    assert set(load_scenes()) == CHECKED


@pytest.mark.parametrize("scene_id", sorted(CHECKED))
def test_every_placeholder_of_a_caption_is_filled_in(scene_id):
    caption = default_caption(get_scene(scene_id))
    assert "{" not in caption and "}" not in caption and caption.strip()


def test_a_caption_states_the_live_figures_not_the_defaults():
    race = get_scene("race")
    eight = CaptionFacts(racers=8, start=(0.5, -1.25), minimum=(1.0, 1.0), param_names=("x", "y"))
    text = caption_text(race, eight)
    assert text.startswith("Eight optimizers start together at (0.5, −1.25)")
    one = caption_text(race, CaptionFacts(1, (-1.5, 2.0), (1.0, 1.0), ("x", "y")))
    assert one.startswith("One optimizer start")
    surface = get_scene("surface")
    moved = CaptionFacts(1, (2.5, 2.5), (1.5, -0.25), ("w", "b"), points=7)
    text = caption_text(surface, moved)
    assert "on seven points" in text and "green minimum at w ≈ 1.50, b ≈ −0.25" in text
    empty = CaptionFacts(1, (2.5, 2.5), None, ("w", "b"), points=0)
    assert "{" not in caption_text(surface, empty)


def test_the_challenges_caption_stays_on_the_landscapes_it_suggests():
    scene = get_scene("challenges")
    caption = default_caption(scene)
    for name in ("two-valleys", "saddle", "plateau"):
        assert scene.caption_applies(name)
    assert "Switch the landscape to saddle" in caption and "On plateau" in caption
    assert not scene.caption_applies("beale")


def test_surface_caption():
    scene = get_scene("surface")
    caption = default_caption(scene)
    (run,) = scene_runs(scene)
    land = run.landscape
    x, y = np.array(scene.data["x"]), np.array(scene.data["y"])
    # "Height is the loss of the line y = w·x + b on five points."
    assert "five points" in caption and len(land.dataset) == 5
    assert not (scene.log_height or land.log_height)  # height is the loss itself, not log(1 + L)
    for w, b in [(2.5, 2.5), (0.0, 0.0), (-1.0, 3.0)]:
        assert float(land.value(np.array([w, b]))) == pytest.approx(np.mean((w * x + b - y) ** 2))
    # "The ball follows −∇L downhill": each step is −α∇L and the loss falls at every step.
    t = Trace(run)
    lr = scene.runs[0].hyper["lr"]
    assert np.allclose(np.diff(t.params, axis=0)[:50], [-lr * land.grad(p) for p in t.params[:50]])
    assert np.all(np.diff(t.loss) < 0)
    # "... to the green minimum at w ≈ 2.03, b ≈ −0.03."
    ((w_min, b_min),) = land.minima
    assert np.allclose((w_min, b_min), np.polyfit(x, y, 1))
    assert f"w ≈ {w_min:.2f}, b ≈ {b_min:.2f}".replace("-", "−") in caption
    assert converged(run) and np.allclose(run.params, (w_min, b_min), atol=1e-3)
    # "Click the surface to drop a new start": from anywhere in view it reaches the same minimum.
    for start in itertools.product(*land.bounds):
        run.reset(start)
        run.step(run.max_steps)
        assert converged(run) and np.allclose(run.params, (w_min, b_min), atol=1e-2)


def test_learning_rate_caption():
    scene = get_scene("learning-rate")
    caption = default_caption(scene)

    def alpha(lr: float) -> Trace:
        (run,) = scene_runs(with_lr(scene, lr))
        return Trace(run)

    default = Trace(scene_runs(scene)[0])
    land = default.run.landscape
    # "L(w) = (w − 4)² + 2; each step moves w by −α·2(w − 4)."
    for w in [-2.0, 0.5, 4.0, 11.0]:
        assert float(land.value(np.array([w]))) == pytest.approx((w - 4) ** 2 + 2)
    assert land.minima == ((4.0,),)
    for lr in [0.001, 0.1, 0.75]:
        w = alpha(lr).params[:10, 0]
        assert np.allclose(np.diff(w), -lr * 2 * (w[:-1] - 4))
    # "Set α, then Reset to start again from w = −2."
    assert "from w = −2" in caption and scene.start == (-2.0,)
    # "α = 0.001 creeps (w only reaches 3.89 in 2,000 steps)."
    creep = alpha(0.001)
    assert stopped_at_max_steps(creep.run)
    w_end = creep.run.params[0]
    assert f"w only reaches {w_end:.2f} in {creep.run.steps:,} steps" in caption
    assert np.all(np.diff(creep.params[:, 0]) > 0)
    # "0.01 to 0.1 converges smoothly (0.1 in 53 steps)": no overshoot, the loss always falls.
    for lr in [0.01, 0.02, 0.05, 0.1]:
        t = alpha(lr)
        assert converged(t.run) and np.all(t.params < 4) and np.all(np.diff(t.loss) < 0)
    assert scene.runs[0].hyper["lr"] == 0.1 and converged(default.run)
    assert f"0.1 in {default.run.status_step} steps" in caption
    # "0.5 lands on w = 4 in one step."
    half = alpha(0.5)
    assert half.params[1, 0] == 4.0 and half.run.status_text() == "converged at step 1"
    # "between 0.5 and 1 w overshoots and oscillates in."
    for lr in [0.6, 0.75, 0.9, 0.99]:
        off = alpha(lr).params[:, 0] - 4
        assert np.all(np.sign(off[1:]) == -np.sign(off[:-1]))
        assert np.all(np.abs(off[1:]) < np.abs(off[:-1]))
    # "1 bounces between −2 and 10 until max steps."
    one = alpha(1.0)
    assert set(one.params[:, 0]) == {-2.0, 10.0} and stopped_at_max_steps(one.run)
    # "above 1 each bounce lands farther out: 1.1 diverges at step 66, while 1.001 grows so
    # slowly that max steps comes first."
    for lr in [1.001, 1.1, 1.5]:
        off = alpha(lr).params[:, 0] - 4
        assert np.all(np.sign(off[1:]) == -np.sign(off[:-1]))
        assert np.all(np.abs(off[1:]) > np.abs(off[:-1]))
    fast = alpha(1.1)
    assert fast.run.status == "diverged"
    assert f"1.1 diverges at step {fast.run.status_step}" in caption
    assert stopped_at_max_steps(alpha(1.001).run)


def test_variants_caption():
    scene = get_scene("variants")
    caption = default_caption(scene)
    batch, sgd, mini = (Trace(r) for r in scene_runs(scene))
    land = batch.run.landscape
    # "Same data, same start, same learning rate."
    assert {s.hyper["lr"] for s in scene.runs} == {scene.runs[0].hyper["lr"]}
    assert all(np.array_equal(t.run.start, scene.start) for t in (batch, sgd, mini))
    assert all(t.run.landscape is land for t in (sgd, mini))
    # "Batch GD uses all 12 points per step and walks smoothly downhill until it converges."
    assert "all twelve points" in caption and len(land.dataset) == 12
    assert batch.run.batch_size is None and converged(batch.run)
    step = np.diff(batch.params, axis=0)
    size = np.linalg.norm(step, axis=1)
    turn_cos = np.sum(step[1:] * step[:-1], axis=1) / (size[1:] * size[:-1])
    assert np.all(np.diff(batch.loss) < 0) and np.all(turn_cos > 0.9)
    # "SGD uses one point and zig-zags, the loss rising on about half its steps."
    assert sgd.run.batch_size == 1
    rises = np.mean(np.diff(sgd.loss) > 0)
    assert 0.4 < rises < 0.6
    # "a mini-batch of 4 averages out part of that noise": its gradients stray less from ∇L.
    assert mini.run.batch_size == 4

    def noise(t: Trace) -> float:
        lr = scene.runs[0].hyper["lr"]
        full = np.array([-lr * land.grad(p) for p in t.params[:-1]])
        return float(np.mean(np.linalg.norm(np.diff(t.params, axis=0) - full, axis=1)))

    assert 0.1 * noise(sgd) < noise(mini) < 0.7 * noise(sgd)
    # "With a fixed α neither noisy run settles: both stop at max steps, still jittering around
    # the minimum."
    minimum = np.array(land.minima[0])
    for t in (sgd, mini):
        assert stopped_at_max_steps(t.run)
        assert np.linalg.norm(t.params[-500:] - minimum, axis=1).max() < 0.5
        assert np.mean(np.diff(t.loss[-500:]) > 0) > 0.25
        assert t.grad[-500:].min() > 10 * scene.tol


def test_challenges_caption():
    scene = get_scene("challenges")
    caption = default_caption(scene)
    # "From this start, gradient descent settles in the shallow left valley (loss 2.71) although
    # the right one is deeper (1.22)."
    (run,) = scene_runs(scene)
    land = run.landscape
    left, right = sorted(land.minima)
    low_left, low_right = (float(land.value(np.array(m))) for m in (left, right))
    t = Trace(run)
    assert converged(t.run) and np.allclose(t.run.params, left, atol=1e-4)
    assert low_left > low_right
    assert (
        f"left valley (loss {low_left:.2f}) although the right one is deeper ({low_right:.2f})"
        in caption
    )
    # "Switch the landscape to saddle: from (2, 0.001) the run heads for the saddle point at the
    # origin, where ∇L = 0, and slows as it passes, then the small y offset grows until it rolls
    # off to the minimum at (0, √2)." (Picking a landscape restarts from its default start.)
    (saddle_run,) = scene_runs(scene, "saddle")
    saddle = saddle_run.landscape
    assert tuple(saddle_run.start) == (2.0, 0.001) and "from (2, 0.001)" in caption
    assert np.array_equal(saddle.grad(np.zeros(2)), [0.0, 0.0])
    assert float(saddle.value(np.zeros(2))) > saddle.minimum_value  # a saddle, not a minimum
    s = Trace(saddle_run)
    radius = np.linalg.norm(s.params, axis=1)
    passing = int(np.argmin(radius))
    assert radius[passing] < 0.1 and s.grad[passing] < 0.05 * s.grad[0]
    assert np.all(np.diff(s.params[:, 1]) > 0)
    assert converged(s.run) and np.allclose(s.run.params, (0.0, np.sqrt(2.0)), atol=1e-4)
    # "the closer to y = 0 you drop the start, the longer it lingers."
    lingering = []
    for y0 in [1e-2, 1e-3, 1e-5, 1e-7]:
        saddle_run.reset((2.0, y0))
        again = Trace(saddle_run)
        assert converged(again.run)
        assert np.allclose(np.abs(again.run.params), (0.0, np.sqrt(2.0)), atol=1e-4)
        lingering.append(int(np.sum(np.linalg.norm(again.params, axis=1) < 0.2)))
    assert lingering == sorted(lingering) and len(set(lingering)) == len(lingering)
    # "On plateau |∇L| is tiny (0.0008 at the start) and the run crawls for over 3,000 steps
    # before it drops into the bowl."
    (plateau_run,) = scene_runs(scene, "plateau")
    p = Trace(plateau_run)
    assert f"|∇L| is tiny ({p.grad[0]:.1g} at the start)" in caption
    assert "over 3,000 steps" in caption
    on_plateau = p.params[p.steps == 3000][0]
    assert np.linalg.norm(on_plateau) > 3 and p.loss[p.steps == 3000][0] > 1.99
    assert converged(p.run) and 3000 < p.run.status_step < scene.max_steps
    assert np.linalg.norm(p.run.params) < 1e-4


def test_race_caption():
    scene = get_scene("race")
    caption = default_caption(scene)
    sgd, momentum, rmsprop, adam = (Trace(r) for r in scene_runs(scene))
    target = np.array([1.0, 1.0])
    # "Four optimizers start together at (−1.5, 2) in Rosenbrock's curved valley and race to the
    # target (1, 1)."
    assert scene.landscape == "rosenbrock" and scene.start == (-1.5, 2.0)
    assert all(np.array_equal(t.params[0], scene.start) for t in (sgd, momentum, rmsprop, adam))
    assert [t.run.name for t in (sgd, momentum, rmsprop, adam)] == [
        "SGD",
        "Momentum",
        "RMSprop",
        "Adam",
    ]
    assert sgd.run.landscape.minima == ((1.0, 1.0),)
    # "Adam gets there first, Momentum second."
    assert converged(adam.run) and converged(momentum.run)
    assert adam.run.status_step < momentum.run.status_step
    for t in (adam, momentum):
        assert np.linalg.norm(t.run.params - target) < 1e-3
    # "SGD drops onto the valley floor within 25 steps, then crawls along it."
    floor = sgd.params[:, 1] - sgd.params[:, 0] ** 2
    assert np.all(np.abs(floor[25:]) < 0.01) and abs(floor[0]) > 0.1
    assert np.all(np.diff(sgd.loss) < 0)
    assert np.linalg.norm(sgd.run.params - target) > 0.1
    # "RMSprop gets close but hops across the narrow floor every step, so |∇L| never falls to the
    # tolerance."
    hop = rmsprop.params[-1000:, 1] - rmsprop.params[-1000:, 0] ** 2
    assert np.all(np.sign(hop[1:]) == -np.sign(hop[:-1]))
    assert np.linalg.norm(rmsprop.run.params - target) < 0.1
    assert rmsprop.grad[-1000:].min() > 1000 * scene.tol
    # "Both stop at max steps." Every racer ends with a status that says how it ended.
    assert stopped_at_max_steps(sgd.run) and stopped_at_max_steps(rmsprop.run)
    assert "Adam gets there first, Momentum second" in caption
    assert "Both stop at max steps" in caption


def test_line_fit_caption():
    scene = get_scene("line-fit")
    (run,) = scene_runs(scene)
    land = run.landscape
    # "... gradient descent fits y = w·x + b": it converges to the least-squares line.
    assert land.loss == "mse"
    run.step(run.max_steps)
    assert converged(run)
    assert np.allclose(run.params, np.polyfit(land.dataset.x, land.dataset.y, 1), atol=1e-3)
    # "Add, drag or delete points: the MSE surface and its minimum move with them while gradient
    # descent fits y = w·x + b." Each edit rebuilds the fit, and the run goes on from where it is.
    data = land.dataset
    for edit in (
        lambda: data.add(6.0, 7.0),
        lambda: data.move(0, 1.0, 5.0),
        lambda: data.remove(2),
    ):
        before = run.landscape.minima[0]
        edit()
        edited = DataLandscape(data, "mse", start=scene.start)
        assert edited.minima[0] != before
        assert np.allclose(edited.minima[0], np.polyfit(data.x, data.y, 1))
        assert float(edited.value(np.array(before))) > edited.minimum_value
        at = run.params.copy()
        run.set_landscape(edited)
        assert run.running and np.array_equal(run.params, at)
        run.step(run.max_steps)
        assert converged(run) and np.allclose(run.params, edited.minima[0], atol=1e-3)


def test_network_caption():
    scene = get_scene("network")
    caption = default_caption(scene)
    runs = scene_runs(scene)
    land = runs[0].landscape
    # "Four optimizers train the same 2-8-8-1 tanh network from the same seeded weights"
    assert caption.startswith("Four optimizers train the same 2-8-8-1 tanh network")
    assert len(runs) == 4 and all(r.landscape is land for r in runs)
    assert land.arch.sizes == (2, 8, 8, 1) and land.arch.activation == "tanh"
    assert all(np.array_equal(r.start, land.arch.init(scene.network.seed)) for r in runs)
    # "... on 200 noisy moons, 40 of them held out for validation."
    assert scene.network.dataset == "moons" and scene.network.noise == 0.2
    assert (len(land.train) + len(land.validation), len(land.validation)) == (200, 40)
    assert "200 noisy moons, 40 of them held out" in caption
    val_losses = {r.name: [] for r in runs}
    for step in range(50, scene.max_steps + 1, 50):
        for r in runs:
            r.step(50)
            m = land.evaluate(r.params)
            val_losses[r.name].append(m.val_loss)
            # "Within 200 steps every boundary ... classifies at least 90% of the held-out points"
            if step == 200:
                assert m.val_acc >= 0.9 and m.train_acc >= 0.9, r.name
            # "by step 1000 Adam classifies every training point"
            if step == 1000 and r.name == "Adam":
                assert m.train_acc == 1.0
    # "each racer ends with its validation loss above its lowest": the loss turned up.
    for name, losses in val_losses.items():
        assert losses[-1] > 1.2 * min(losses), name
    assert all(stopped_at_max_steps(r) for r in runs)  # the race runs its 2000 steps
