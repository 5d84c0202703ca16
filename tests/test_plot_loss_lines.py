"""LossDisplay and RegressionLinesDisplay: what a user reads off the figures."""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path as FilePath
from types import ModuleType

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.datasets import make_regression as sk_make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression

import shrinkage
from shrinkage import (
    ElasticNet,
    ElasticNetCV,
    Lasso,
    LassoCV,
    LogisticRegression,
    LogisticRegressionCV,
    Ridge,
    regularization_path,
)
from shrinkage.plotting import LossDisplay, RegressionLinesDisplay

EXAMPLES = FilePath(__file__).resolve().parents[1] / "examples"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def split():
    X, y = sk_make_regression(
        n_samples=100, n_features=30, n_informative=8, noise=10, random_state=0
    )
    return X[:70], y[:70], X[70:], y[70:]


@pytest.fixture(scope="module")
def line_data():
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, size=25)
    return x[:, None], 3 * x + rng.normal(size=25)


def legend_texts(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def load_example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- LossDisplay ------------------------------------------------------------------


def test_loss_display_lasso_reads_right(split, tmp_path):
    X_train, y_train, X_val, y_val = split
    display = LossDisplay.from_estimator(Lasso(), X_train, y_train, X_val, y_val, n_alphas=30)
    ax = display.ax_
    assert display.figure_ is ax.figure
    assert ax.get_xlabel() == "alpha (log scale)"
    assert ax.get_ylabel() == "mean squared error"
    assert ax.get_xscale() == "log"
    assert legend_texts(ax)[:2] == ["training", "validation"]
    # inverted: less regularisation (smaller alpha) to the right
    left, right = ax.get_xlim()
    assert left > right
    assert display.alphas_.shape == display.train_loss_.shape == display.val_loss_.shape == (30,)
    np.testing.assert_allclose(display.train_line_.get_xdata(), display.alphas_)
    np.testing.assert_allclose(display.train_line_.get_ydata(), display.train_loss_)
    np.testing.assert_allclose(display.val_line_.get_ydata(), display.val_loss_)
    # the best line sits at the alpha minimising the validation loss
    best = display.alphas_[np.argmin(display.val_loss_)]
    assert display.best_alpha_ == best
    np.testing.assert_allclose(display.best_line_.get_xdata(), [best, best])
    # overfitting picture: the minimum is inside the grid, not at its weak end
    assert display.val_loss_.min() < display.val_loss_[-1]
    out = tmp_path / "loss.png"
    display.figure_.savefig(out)
    assert out.stat().st_size > 0


def test_loss_values_match_path_predictions(split):
    X_train, y_train, X_val, y_val = split
    path = regularization_path(X_train, y_train, l1_ratio=1.0, n_alphas=25)
    display = LossDisplay.from_path(path, X_train, y_train, X_val, y_val)
    np.testing.assert_allclose(display.alphas_, path.alphas)
    expected_val = np.mean((y_val[:, None] - path.predict(X_val)) ** 2, axis=0)
    expected_train = np.mean((y_train[:, None] - path.predict(X_train)) ** 2, axis=0)
    np.testing.assert_allclose(display.val_loss_, expected_val, rtol=1e-12)
    np.testing.assert_allclose(display.train_loss_, expected_train, rtol=1e-12)
    # from_estimator with the same settings builds the same path
    again = LossDisplay.from_estimator(Lasso(), X_train, y_train, X_val, y_val, n_alphas=25)
    np.testing.assert_allclose(again.val_loss_, display.val_loss_, rtol=1e-10)


@pytest.mark.parametrize(
    "estimator",
    [
        Lasso(),
        ElasticNet(l1_ratio=0.5),
        Ridge(),
        LassoCV(cv=3),
        ElasticNetCV(l1_ratio=[0.3, 1.0], cv=3),
    ],
    ids=["Lasso", "ElasticNet", "Ridge", "LassoCV", "ElasticNetCV"],
)
def test_train_loss_non_increasing_as_alpha_decreases(split, estimator):
    X_train, y_train, X_val, y_val = split
    display = LossDisplay.from_estimator(estimator, X_train, y_train, X_val, y_val, n_alphas=30)
    train = display.train_loss_
    assert np.all(np.diff(display.alphas_) < 0)
    # the fit term of the training objective can only improve as the penalty weakens
    assert np.all(np.diff(train) <= 1e-6 * train[0])
    assert train[-1] < train[0]
    assert display.ax_.get_ylabel() == "mean squared error"


def test_fitted_cv_estimator_uses_its_l1_ratio(split):
    X_train, y_train, X_val, y_val = split
    cv = ElasticNetCV(l1_ratio=[0.2, 0.9], cv=3).fit(X_train, y_train)
    display = LossDisplay.from_estimator(cv, X_train, y_train, X_val, y_val, n_alphas=20)
    path = regularization_path(X_train, y_train, l1_ratio=cv.l1_ratio_, n_alphas=20)
    np.testing.assert_allclose(display.alphas_, path.alphas)
    assert display.ax_.get_title().startswith("ElasticNetCV")


def test_ridge_loss_display_reaches_weak_penalties(split):
    X_train, y_train, X_val, y_val = split
    display = LossDisplay.from_estimator(Ridge(), X_train, y_train, X_val, y_val, n_alphas=30)
    # a ridge path's alpha_max is ~1000x the Lasso's: the display's grid is 1000x deeper
    assert display.alphas_[-1] / display.alphas_[0] == pytest.approx(1e-6)
    default = regularization_path(X_train, y_train, l1_ratio=0.0, n_alphas=30)
    np.testing.assert_allclose(display.alphas_[0], default.alphas[0])
    default_train = np.mean((y_train - default.predict(X_train)[:, -1]) ** 2)
    assert display.train_loss_[-1] < 0.5 * default_train
    ols = LinearRegression().fit(X_train, y_train)
    assert display.train_loss_[-1] >= np.mean((y_train - ols.predict(X_train)) ** 2)


@pytest.mark.parametrize(
    "estimator",
    [LogisticRegression(l1_ratio=1.0), LogisticRegressionCV(l1_ratio=[0.5, 1.0], cv=3)],
    ids=["LogisticRegression", "LogisticRegressionCV"],
)
def test_loss_display_classifier_log_loss(estimator, tmp_path):
    X, y = make_classification(n_samples=120, n_features=10, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        display = LossDisplay.from_estimator(estimator, X[:80], y[:80], X[80:], y[80:], n_alphas=20)
    assert display.ax_.get_ylabel() == "log-loss"
    assert legend_texts(display.ax_)[:2] == ["training", "validation"]
    # at the largest alpha only the intercept is fitted: the entropy of the class shares
    share = np.mean(y[:80])
    entropy = -(share * np.log(share) + (1 - share) * np.log(1 - share))
    assert display.train_loss_[0] == pytest.approx(entropy, rel=1e-3)
    assert display.train_loss_[-1] < display.train_loss_[0]
    display.figure_.savefig(tmp_path / "logloss.png")
    assert (tmp_path / "logloss.png").stat().st_size > 0


def test_loss_display_on_given_axes(split):
    X_train, y_train, X_val, y_val = split
    fig, ax = plt.subplots()
    display = LossDisplay.from_estimator(
        Lasso(), X_train, y_train, X_val, y_val, n_alphas=10, ax=ax, linewidth=3
    )
    assert display.ax_ is ax and display.figure_ is fig
    assert display.train_line_.get_linewidth() == 3


def test_loss_display_bad_input(split):
    X_train, y_train, X_val, y_val = split
    with pytest.raises(ValueError, match="X_val has 29 features"):
        LossDisplay.from_estimator(Lasso(), X_train, y_train, X_val[:, 1:], y_val)
    path = regularization_path(X_train, y_train, n_alphas=5)
    with pytest.raises(ValueError, match="X_val has 29 features"):
        LossDisplay.from_path(path, X_train, y_train, X_val[:, 1:], y_val)
    with pytest.raises(TypeError, match="LinearRegression"):
        LossDisplay.from_estimator(LinearRegression(), X_train, y_train, X_val, y_val)
    with pytest.raises(TypeError, match=r"shrinkage\.Path"):
        LossDisplay.from_path(Lasso(), X_train, y_train, X_val, y_val)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="samples"):
        LossDisplay.from_path(path, X_train, y_train, X_val, y_val[:-1])


# -- RegressionLinesDisplay -------------------------------------------------------


def test_regression_lines_ridge(line_data, tmp_path):
    X, y = line_data
    alphas = (0, 1, 10, 100)
    display = RegressionLinesDisplay.from_data(X, y, alphas=alphas)
    assert len(display.lines_) == len(alphas)
    assert [line.get_label() for line in display.lines_] == [f"alpha={a}" for a in alphas]
    assert legend_texts(display.ax_) == ["data"] + [f"alpha={a}" for a in alphas]
    assert display.ax_.get_xlabel() == "x" and display.ax_.get_ylabel() == "y"
    assert display.scatter_.get_offsets().shape == (25, 2)
    slopes = np.abs(display.coefs_)
    assert np.all(np.diff(slopes) < 0)
    for alpha, slope, intercept in zip(alphas, display.coefs_, display.intercepts_, strict=True):
        model = shrinkage.Ridge(alpha=alpha).fit(X, y)
        assert slope == pytest.approx(model.coef_[0], rel=1e-10)
        assert intercept == pytest.approx(model.intercept_, rel=1e-10, abs=1e-12)
    # alpha=0 is least squares
    assert display.coefs_[0] == pytest.approx(LinearRegression().fit(X, y).coef_[0], rel=1e-10)
    # each drawn line is intercept + slope * x
    line = display.lines_[2]
    xs = np.asarray(line.get_xdata())
    np.testing.assert_allclose(line.get_ydata(), display.intercepts_[2] + display.coefs_[2] * xs)
    out = tmp_path / "lines.png"
    display.figure_.savefig(out)
    assert out.stat().st_size > 0


def test_regression_lines_lasso(line_data):
    X, y = line_data
    display = RegressionLinesDisplay.from_data(X, y, alphas=(0, 0.5, 2, 10), penalty="l1")
    slopes = np.abs(display.coefs_)
    assert np.all(np.diff(slopes) <= 0) and slopes[0] > slopes[1]
    assert display.coefs_[-1] == 0.0  # the L1 penalty sets the slope exactly to zero
    assert display.coefs_[1] == pytest.approx(Lasso(alpha=0.5).fit(X, y).coef_[0], rel=1e-6)
    assert display.ax_.get_title().startswith("Lasso")


def test_regression_lines_from_estimator(line_data):
    X, y = line_data
    estimator = Ridge(alpha=123.0)
    display = RegressionLinesDisplay.from_estimator(estimator, X[:, 0], y, alphas=[0.5, 5, 50])
    assert estimator.alpha == 123.0  # cloned, not modified
    assert [line.get_label() for line in display.lines_] == ["alpha=0.5", "alpha=5", "alpha=50"]
    assert np.all(np.diff(np.abs(display.coefs_)) < 0)
    assert display.coefs_[1] == pytest.approx(Ridge(alpha=5).fit(X, y).coef_[0], rel=1e-10)
    assert display.ax_.get_title().startswith("Ridge")


def test_regression_lines_bad_input(line_data):
    X, y = line_data
    with pytest.raises(ValueError, match="one column"):
        RegressionLinesDisplay.from_data(np.hstack([X, X]), y)
    with pytest.raises(ValueError, match="one column"):
        RegressionLinesDisplay.from_estimator(Lasso(), np.hstack([X, X]), y)
    with pytest.raises(ValueError, match="penalty"):
        RegressionLinesDisplay.from_data(X, y, penalty="l3")
    with pytest.raises(ValueError, match=">= 0"):
        RegressionLinesDisplay.from_data(X, y, alphas=(1, -1))
    with pytest.raises(ValueError, match="y must be 1-D"):
        RegressionLinesDisplay.from_data(X, y[:-1])
    with pytest.raises(TypeError, match="alpha"):
        RegressionLinesDisplay.from_estimator(LinearRegression(), X, y)


# -- examples ---------------------------------------------------------------------


def test_example_plot_loss(tmp_path):
    display = load_example("plot_loss").main(tmp_path)
    assert (tmp_path / "loss_lasso.png").stat().st_size > 0
    assert display.ax_.get_ylabel() == "mean squared error"


def test_example_plot_regression_lines(tmp_path):
    display = load_example("plot_regression_lines").main(tmp_path)
    assert (tmp_path / "regression_lines_ridge.png").stat().st_size > 0
    assert len(display.lines_) == 4


def test_example_overfitting(tmp_path, capsys):
    results = load_example("overfitting").main(tmp_path)
    assert (tmp_path / "overfitting_test_mse.png").stat().st_size > 0
    printed = capsys.readouterr().out
    test_mse = {}
    for line in printed.splitlines():
        for name in ("least squares", "Lasso", "Ridge", "ElasticNet"):
            if line.startswith(name + " "):
                test_mse[name] = float(line.split()[-1])
    assert set(test_mse) == {"least squares", "Lasso", "Ridge", "ElasticNet"}
    assert test_mse["Lasso"] < test_mse["least squares"]
    assert test_mse["Ridge"] < test_mse["least squares"]
    assert results["Lasso"]["nonzero"] < results["least squares"]["nonzero"]
