"""NormBallDisplay and GradientDescentDisplay: the geometry they draw is right."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import shrinkage
from shrinkage.plotting import GradientDescentDisplay, NormBallDisplay

EXAMPLES = Path(__file__).parents[1] / "examples"


def _example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BALLS = _example("plot_norm_balls")
GRADIENT = _example("plot_gradient_descent")
ALPHA = BALLS.ALPHA


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def problem():
    return BALLS.make_problem()


@pytest.fixture
def balls(problem):
    X, y = problem
    return NormBallDisplay.from_data(X, y, alpha=ALPHA, l1_ratio=BALLS.L1_RATIO)


@pytest.fixture
def descent(problem):
    X, y = problem
    return GradientDescentDisplay.from_data(X, y, alpha=ALPHA, n_steps=GRADIENT.N_STEPS)


def test_norm_balls_artists_and_labels(balls):
    assert set(balls.balls_) == set(balls.solutions_) == {"l1", "l2", "elasticnet"}
    assert balls.ax_.get_xlabel() == "w1" and balls.ax_.get_ylabel() == "w2"
    assert balls.ax_.get_aspect() == 1.0
    assert balls.figure_ is balls.ax_.figure
    assert len(balls.contours_.levels) >= 3
    np.testing.assert_allclose(balls.markers_["ols"].get_xydata()[0], balls.ols_)


def test_l1_lands_on_a_corner_and_l2_does_not(balls):
    w_l1 = np.array(balls.solutions_["l1"])
    w_l2 = np.array(balls.solutions_["l2"])
    assert np.sum(w_l1 == 0.0) == 1  # exactly one exact zero
    assert np.all(w_l2 != 0.0)
    assert np.all(np.abs(w_l2) > 1e-2)


def test_solutions_match_the_estimators(balls, problem):
    X, y = problem
    n = X.shape[0]
    lasso = shrinkage.Lasso(alpha=ALPHA, tol=1e-12, max_iter=100_000).fit(X, y)
    enet = shrinkage.ElasticNet(
        alpha=ALPHA, l1_ratio=BALLS.L1_RATIO, tol=1e-12, max_iter=100_000
    ).fit(X, y)
    np.testing.assert_allclose(balls.solutions_["l1"], lasso.coef_, atol=1e-8)
    np.testing.assert_allclose(balls.solutions_["elasticnet"], enet.coef_, atol=1e-8)
    # L2(alpha) = alpha ||w||^2 under ||y - Xw||^2 / (2n): ridge at 2 n alpha.
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    closed = np.linalg.solve(Xc.T @ Xc + 2 * n * ALPHA * np.eye(2), Xc.T @ yc)
    np.testing.assert_allclose(balls.solutions_["l2"], closed, atol=1e-8)
    ridge = shrinkage.Ridge(alpha=2 * n * ALPHA).fit(X, y)
    np.testing.assert_allclose(balls.solutions_["l2"], ridge.coef_, atol=1e-8)
    np.testing.assert_allclose(balls.ols_, np.linalg.lstsq(Xc, yc, rcond=None)[0])


def test_balls_pass_through_their_solutions(balls):
    w_l1 = np.array(balls.solutions_["l1"])
    diamond = balls.balls_["l1"].get_xydata()
    t = np.abs(w_l1).sum()
    vertices = {tuple(v) for v in np.round(diamond / t, 12)}
    assert vertices == {(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)}
    # The solution lies on the diamond: |w1| + |w2| = t.
    assert np.abs(w_l1).sum() == pytest.approx(t)

    w_l2 = np.array(balls.solutions_["l2"])
    circle = balls.balls_["l2"].get_xydata()
    np.testing.assert_allclose(np.linalg.norm(circle, axis=1), np.linalg.norm(w_l2))

    r = BALLS.L1_RATIO
    w_en = np.array(balls.solutions_["elasticnet"])
    level = r * np.abs(w_en).sum() + 0.5 * (1 - r) * w_en @ w_en
    curve = balls.balls_["elasticnet"].get_xydata()
    values = r * np.abs(curve).sum(axis=1) + 0.5 * (1 - r) * (curve**2).sum(axis=1)
    np.testing.assert_allclose(values, level)
    # The curve passes through the solution (up to its sampling).
    assert np.min(np.linalg.norm(curve - w_en, axis=1)) < 1e-2 * np.linalg.norm(w_en)


def test_norm_balls_from_estimator(problem):
    X, y = problem
    display = NormBallDisplay.from_estimator(shrinkage.ElasticNet(alpha=ALPHA, l1_ratio=0.3), X, y)
    assert display.l1_ratio == 0.3 and display.alpha == ALPHA
    lasso = NormBallDisplay.from_estimator(shrinkage.Lasso(alpha=ALPHA), X, y)
    assert lasso.l1_ratio == 0.5
    with pytest.raises(TypeError, match="Lasso or ElasticNet"):
        NormBallDisplay.from_estimator(shrinkage.Ridge(), X, y)
    with pytest.raises(ValueError, match="standardize"):
        NormBallDisplay.from_estimator(shrinkage.Lasso(standardize=True), X, y)


@pytest.mark.parametrize("display", [NormBallDisplay, GradientDescentDisplay])
@pytest.mark.parametrize("n_features", [1, 3])
def test_two_columns_required(display, n_features):
    X = np.random.default_rng(0).standard_normal((20, n_features))
    with pytest.raises(ValueError, match="exactly 2 columns"):
        display.from_data(X, X[:, 0], alpha=0.1)


def test_gradient_display_artists(descent):
    names = {"gd", "gd_l1", "gd_l2", "prox_l1", "cd_l1"}
    assert set(descent.trajectories_) == set(descent.lines_) == names
    for path in descent.trajectories_.values():
        assert path.shape == (GRADIENT.N_STEPS + 1, 2)
    assert len(descent.axes_) == 2
    assert descent.axes_[0].get_xlabel() == "w1" and descent.axes_[0].get_ylabel() == "w2"
    assert descent.axes_[1].get_xlabel() == "iteration"
    assert descent.figure_ is descent.axes_[0].figure
    np.testing.assert_array_equal(
        descent.lines_["gd_l1"].get_xydata(), descent.trajectories_["gd_l1"]
    )


def test_trajectories_use_the_textbook_rules(descent, problem):
    X, y = problem
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    n, eta = X.shape[0], descent.learning_rate
    paths = descent.trajectories_
    for k in (0, 5, 50):
        for name, extra in (
            ("gd", lambda w: 0.0),
            ("gd_l1", lambda w: ALPHA * np.sign(w)),
            ("gd_l2", lambda w: 2 * ALPHA * w),
        ):
            w = paths[name][k]
            grad = -Xc.T @ (yc - Xc @ w) / n
            np.testing.assert_allclose(paths[name][k + 1], w - eta * (grad + extra(w)))
        w = paths["prox_l1"][k]
        z = w - eta * (-Xc.T @ (yc - Xc @ w) / n)
        expected = np.sign(z) * np.maximum(np.abs(z) - eta * ALPHA, 0.0)
        np.testing.assert_allclose(paths["prox_l1"][k + 1], expected)
    lasso = shrinkage.Lasso(alpha=ALPHA, tol=1e-12).fit(X, y).coef_
    for name in ("prox_l1", "cd_l1"):
        np.testing.assert_allclose(paths[name][-1], lasso, atol=1e-8)


def test_prox_hits_zero_and_subgradient_never_does(descent):
    j = descent.zero_index
    assert j == 1
    prox = descent.trajectories_["prox_l1"][:, j]
    first = 1 + int(np.flatnonzero(prox[1:] == 0.0)[0])
    assert np.all(prox[first:] == 0.0)  # exactly 0, and stays
    assert descent.trajectories_["cd_l1"][-1, j] == 0.0
    late = descent.trajectories_["gd_l1"][first:, j]
    assert np.all(late != 0.0)
    assert np.count_nonzero(np.diff(np.sign(late)) != 0) >= 2
    ydata = descent.coef_lines_["prox_l1"].get_ydata()
    np.testing.assert_array_equal(ydata, prox)


def test_gradient_display_on_given_axes(problem):
    X, y = problem
    fig, axes = plt.subplots(1, 2)
    display = GradientDescentDisplay.from_data(X, y, alpha=ALPHA, n_steps=20, ax=axes)
    assert display.figure_ is fig and list(display.axes_) == list(axes)
    with pytest.raises(ValueError, match="pair of Axes"):
        display.plot(ax=[axes[0]])


def test_save_png(balls, descent, tmp_path):
    for name, display in (("balls.png", balls), ("descent.png", descent)):
        out = tmp_path / name
        display.figure_.savefig(out)
        assert out.stat().st_size > 1000


@pytest.mark.parametrize(
    "module, filename",
    [(BALLS, "norm_balls.png"), (GRADIENT, "gradient_descent.png")],
)
def test_examples_write_their_png(module, filename, tmp_path):
    out = module.main(tmp_path / "images")
    assert out == tmp_path / "images" / filename
    assert out.stat().st_size > 1000
