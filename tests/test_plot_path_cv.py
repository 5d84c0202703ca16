"""PathDisplay and CVDisplay: what a reader of the figure sees, and clear errors."""

import importlib.util
import subprocess
import sys
from pathlib import Path as FilePath

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.container import ErrorbarContainer
from matplotlib.lines import Line2D
from sklearn.datasets import load_diabetes, load_iris

from shrinkage import (
    ElasticNetCV,
    Lasso,
    LassoCV,
    LogisticRegressionCV,
    RidgeCV,
    regularization_path,
)
from shrinkage.plotting import CVDisplay, PathDisplay

EXAMPLES = FilePath(__file__).resolve().parent.parent / "examples"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes(return_X_y=True, as_frame=True)


@pytest.fixture(scope="module")
def lasso_cv(diabetes):
    X, y = diabetes
    return LassoCV(alphas=20, cv=3, standardize=True).fit(X, y)


@pytest.fixture(scope="module")
def enet_cv(diabetes):
    X, y = diabetes
    return ElasticNetCV(l1_ratio=[0.5, 1], alphas=20, cv=3).fit(X, y)


def drawn(display):
    display.figure_.canvas.draw()
    return display


def assert_vertical_at(line, x):
    np.testing.assert_allclose(line.get_xdata(), [x, x])


def tick_labels(axis):
    return [t.get_text() for t in axis.get_xticklabels()]


# -- PathDisplay -------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "label"),
    [
        ("alpha", "alpha (log scale)"),
        ("l1_norm", "L1 norm of coefficients"),
        ("deviance_ratio", "fraction of deviance explained"),
    ],
)
def test_path_display_axes_lines_and_df_ticks(lasso_cv, x, label):
    display = drawn(PathDisplay.from_estimator(lasso_cv, x=x))
    path = lasso_cv.path_
    assert display.ax_.get_xlabel() == label
    assert display.ax_.get_ylabel() == "coefficient"
    assert len(display.lines_) == path.n_features == 10
    assert all(isinstance(line, Line2D) for line in display.lines_)
    for j, line in enumerate(display.lines_):
        np.testing.assert_allclose(line.get_ydata(), path.coefs[j])

    expected_x = {
        "alpha": path.alphas,
        "l1_norm": np.abs(path.coefs).sum(axis=0),
        "deviance_ratio": path.deviance_ratio,
    }[x]
    np.testing.assert_allclose(display.lines_[0].get_xdata(), expected_x)

    # the top axis: every tick sits on a grid point and reads that point's df
    ticks = np.asarray(display.ax_top_.get_xticks())
    labels = tick_labels(display.ax_top_)
    assert len(ticks) >= 3 and len(labels) == len(ticks)
    for tick, text in zip(ticks, labels, strict=True):
        k = int(np.argmin(np.abs(expected_x - tick)))
        assert np.isclose(expected_x[k], tick)
        assert text == str(int(path.df[k]))
    assert display.ax_top_.get_xlabel() == "nonzero coefficients"


def test_path_display_alpha_axis_is_log_and_decreasing_to_the_right(lasso_cv):
    display = drawn(PathDisplay.from_estimator(lasso_cv))
    assert display.ax_.get_xscale() == "log"
    left, right = display.ax_.get_xlim()
    assert left > right  # inverted: large alpha on the left
    assert left >= lasso_cv.path_.alphas[0] and right <= lasso_cv.path_.alphas[-1]


@pytest.mark.parametrize("x", ["alpha", "l1_norm", "deviance_ratio"])
def test_path_display_marks_the_cv_alphas_where_they_are(lasso_cv, x):
    display = drawn(PathDisplay.from_estimator(lasso_cv, x=x))
    path = lasso_cv.path_
    assert set(display.alpha_lines_) == {"alpha_min", "alpha_1se"}
    for key, alpha in (("alpha_min", lasso_cv.alpha_min_), ("alpha_1se", lasso_cv.alpha_1se_)):
        k = int(np.flatnonzero(np.isclose(path.alphas, alpha))[0])  # a grid point
        expected = {
            "alpha": alpha,
            "l1_norm": np.abs(path.coefs[:, k]).sum(),
            "deviance_ratio": path.deviance_ratio[k],
        }[x]
        np.testing.assert_allclose(display.alpha_lines_[key].get_xdata(), [expected] * 2)


def test_path_display_labels_are_the_feature_names_of_the_largest_coefs(lasso_cv, diabetes):
    X, _ = diabetes
    display = drawn(PathDisplay.from_estimator(lasso_cv, n_labels=4))
    last = lasso_cv.path_.coefs[:, -1]
    expected = [X.columns[j] for j in np.argsort(-np.abs(last))[:4]]
    assert [t.get_text() for t in display.labels_] == expected
    everything = PathDisplay.from_estimator(lasso_cv)
    assert sorted(t.get_text() for t in everything.labels_) == sorted(X.columns)
    assert PathDisplay.from_estimator(lasso_cv, n_labels=0).labels_ == []


def test_path_display_from_path_and_plot_on_given_axes(diabetes):
    X, y = diabetes
    path = regularization_path(X, y, n_alphas=20)
    fig, ax = plt.subplots()
    display = PathDisplay.from_path(path, ax=ax, color="k")
    assert display.ax_ is ax and display.figure_ is fig
    assert display.alpha_lines_ == {}
    assert len(display.lines_) == 10
    assert display.lines_[0].get_color() == "k"
    marked = PathDisplay.from_path(path, alpha_min=float(path.alphas[5]))
    assert list(marked.alpha_lines_) == ["alpha_min"]
    np.testing.assert_allclose(marked.alpha_lines_["alpha_min"].get_xdata(), [path.alphas[5]] * 2)


def test_path_display_multinomial_draws_the_chosen_class():
    X, y = load_iris(return_X_y=True, as_frame=True)
    model = LogisticRegressionCV(alphas=12, cv=3).fit(X, y)
    coefs = model.path_.coefs
    assert coefs.ndim == 3
    for class_index in (0, 2):
        display = drawn(PathDisplay.from_estimator(model, class_index=class_index))
        assert len(display.lines_) == X.shape[1]
        for j, line in enumerate(display.lines_):
            np.testing.assert_allclose(line.get_ydata(), coefs[j, class_index])
    with pytest.raises(ValueError, match=r"class_index must be an integer in \[0, 3\)"):
        PathDisplay.from_estimator(model, class_index=3)


def test_path_display_of_ridge_cv_marks_alpha_on_the_path_scale(diabetes):
    X, y = diabetes
    model = RidgeCV(cv=3, n_alphas=20).fit(X, y)
    display = PathDisplay.from_estimator(model)
    k = int(np.flatnonzero(np.isclose(model.cv_results_["alphas"], model.alpha_min_))[0])
    np.testing.assert_allclose(
        display.alpha_lines_["alpha_min"].get_xdata(), [model.path_.alphas[k]] * 2
    )


# -- CVDisplay ---------------------------------------------------------------


def test_cv_display_lasso(lasso_cv):
    display = drawn(CVDisplay.from_estimator(lasso_cv))
    results = lasso_cv.cv_results_
    assert display.ax_.get_xlabel() == "alpha (log scale)"
    assert display.ax_.get_ylabel() == "mean squared error"
    assert display.ax_.get_xscale() == "log"
    left, right = display.ax_.get_xlim()
    assert left > right
    assert len(display.curves_) == 1 and isinstance(display.curves_[0], ErrorbarContainer)
    line = display.curves_[0].lines[0]
    np.testing.assert_allclose(line.get_xdata(), results["alphas"][0])
    np.testing.assert_allclose(line.get_ydata(), results["mean_error"][0])
    assert display.curves_[0].has_yerr
    assert_vertical_at(display.alpha_lines_["alpha_min"], lasso_cv.alpha_min_)
    assert_vertical_at(display.alpha_lines_["alpha_1se"], lasso_cv.alpha_1se_)


def test_cv_display_one_curve_per_l1_ratio_with_legend(enet_cv):
    display = drawn(CVDisplay.from_estimator(enet_cv))
    assert len(display.curves_) == 2
    texts = [t.get_text() for t in display.legend_.get_texts()]
    assert texts[:2] == ["l1_ratio=0.5", "l1_ratio=1"]
    for s, curve in enumerate(display.curves_):
        mean_error = enet_cv.cv_results_["mean_error"][s]
        np.testing.assert_allclose(curve.lines[0].get_ydata(), mean_error)
    assert_vertical_at(display.alpha_lines_["alpha_min"], enet_cv.alpha_min_)


def test_cv_display_logistic_and_ridge(diabetes):
    X, y = load_iris(return_X_y=True)
    logistic = LogisticRegressionCV(alphas=12, cv=3).fit(X, y)
    assert CVDisplay.from_estimator(logistic).ax_.get_ylabel() == "deviance"
    accuracy = LogisticRegressionCV(alphas=12, cv=3, scoring="accuracy").fit(X, y)
    assert CVDisplay.from_estimator(accuracy).ax_.get_ylabel() == "misclassification error"

    Xd, yd = diabetes
    ridge = RidgeCV(n_alphas=20).fit(Xd, yd)  # leave-one-out: 1-D results
    display = drawn(CVDisplay.from_estimator(ridge))
    assert len(display.curves_) == 1
    alphas = ridge.cv_results_["alphas"]
    np.testing.assert_allclose(display.curves_[0].lines[0].get_xdata(), alphas)
    assert_vertical_at(display.alpha_lines_["alpha_min"], ridge.alpha_min_)
    gcv = RidgeCV(n_alphas=20, criterion="gcv").fit(Xd, yd)  # no standard error, no 1se
    display = drawn(CVDisplay.from_estimator(gcv))
    assert list(display.alpha_lines_) == ["alpha_min"]
    assert not display.curves_[0].has_yerr


# -- pictures ------------------------------------------------------------------


def test_displays_save_png(lasso_cv, tmp_path):
    for name, display in (
        ("path.png", PathDisplay.from_estimator(lasso_cv)),
        ("cv.png", CVDisplay.from_estimator(lasso_cv)),
    ):
        target = tmp_path / name
        display.figure_.savefig(target)
        assert target.exists() and target.stat().st_size > 1000


@pytest.mark.parametrize("script", ["plot_path", "plot_cv"])
def test_examples_write_their_png(script, tmp_path):
    png = f"{script}.png"
    spec = importlib.util.spec_from_file_location(f"example_{script}", EXAMPLES / f"{script}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.main(tmp_path / "images")
    assert written == tmp_path / "images" / png
    assert written.exists() and written.stat().st_size > 1000


# -- errors --------------------------------------------------------------------


@pytest.mark.parametrize("display", [PathDisplay, CVDisplay])
def test_unfitted_estimator_is_a_clear_error(display):
    with pytest.raises(ValueError, match="not fitted yet"):
        display.from_estimator(LassoCV())


def test_estimator_without_path_or_cv_results_is_a_clear_error(diabetes):
    X, y = diabetes
    lasso = Lasso(alpha=1.0).fit(X, y)
    with pytest.raises(ValueError, match="needs a regularization path"):
        PathDisplay.from_estimator(lasso)
    with pytest.raises(ValueError, match=r"needs cross-validation results \(cv_results_\)"):
        CVDisplay.from_estimator(lasso)


def test_unknown_x_names_the_options(lasso_cv):
    with pytest.raises(ValueError, match="x must be one of 'alpha', 'l1_norm', 'deviance_ratio'"):
        PathDisplay.from_estimator(lasso_cv, x="lambda")
    with pytest.raises(ValueError, match="x must be one of"):
        PathDisplay.from_path(lasso_cv.path_, x="df")
    with pytest.raises(ValueError, match=r"from_path needs a shrinkage\.Path"):
        PathDisplay.from_path(lasso_cv)


def test_importing_plotting_does_not_import_matplotlib():
    code = "import shrinkage, shrinkage.plotting, sys; assert 'matplotlib' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
