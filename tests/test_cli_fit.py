"""The command's numbers are the library's: CV errors, chosen alphas, coefficients."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes

from shrinkage.cli._data import choose_model
from shrinkage.cli._fit import FitOptions, make_estimator, run_fit


def _data(kind):
    if kind == "logistic":
        data = load_breast_cancer(as_frame=True)
        return data.data, pd.Series(np.asarray(data.target_names)[data.target], name="y")
    data = load_diabetes(as_frame=True)
    return data.data, data.target


@pytest.mark.parametrize("kind, l1_ratio", [
    ("lasso", None), ("elasticnet", [0.3, 1.0]), ("ridge", None), ("logistic", [0.5, 1.0]),
])
def test_progress_scorer_gives_the_estimators_own_cv_numbers(kind, l1_ratio):
    features, y = _data(kind)
    options = FitOptions(model=kind, l1_ratio=l1_ratio, cv=3, n_alphas=15, rule="1se")
    calls = []

    def progress(total):
        calls.append(total)
        return lambda: calls.append(None)

    result = run_fit(features, y, "y", options, progress)
    fitted = result.pipeline.estimator
    # The bar is advanced once per (l1_ratio, fold, alpha), as many times as announced.
    n_l1 = len(l1_ratio or [1])
    assert calls[0] == n_l1 * 3 * 15 == len(calls) - 1
    # The same estimator with its default scoring, on the same rows and folds.
    plain, _ = make_estimator(options)
    plain.fit(result.pipeline.transform(result.X_train), result.y_train)
    assert plain.cv_results_["scoring"] == fitted.cv_results_["scoring"]
    np.testing.assert_allclose(fitted.cv_results_["mean_error"], plain.cv_results_["mean_error"],
                               rtol=1e-12)
    np.testing.assert_allclose(fitted.cv_results_["standard_error"],
                               plain.cv_results_["standard_error"], rtol=1e-10)
    assert (fitted.alpha_, fitted.alpha_min_, fitted.alpha_1se_) == (
        plain.alpha_, plain.alpha_min_, plain.alpha_1se_)
    assert np.array_equal(fitted.coef_, plain.coef_)
    assert fitted.scoring is None  # saved as the default it computed
    # The summary's numbers are read off the estimator.
    mean, se = result.cv_error_1se
    k = int(np.argmin(np.abs(np.atleast_2d(plain.cv_results_["alphas"]) - plain.alpha_1se_)
                      .min(axis=0)))
    assert result.alpha == plain.alpha_1se_ and np.isfinite([mean, se]).all()
    assert k >= 0
    kept = np.flatnonzero(np.atleast_2d(fitted.coef_).any(axis=0))
    assert len(result.rows) == kept.size and len(result.dropped) == fitted.coef_.size // (
        np.atleast_2d(fitted.coef_).shape[0]) - kept.size


def test_model_kind_defaults_from_the_target():
    assert choose_model(pd.Series([1.5, 2.0, 3.2]), None, "y") == "elasticnet"
    assert choose_model(pd.Series(range(100)), None, "y") == "elasticnet"
    assert choose_model(pd.Series([0, 1, 1, 0]), None, "y") == "logistic"
    assert choose_model(pd.Series([1, 2, 3, 4, 5] * 3), None, "y") == "logistic"
    assert choose_model(pd.Series(["a", "b"]), None, "y") == "logistic"
    assert choose_model(pd.Series([True, False]), None, "y") == "logistic"
    assert choose_model(pd.Series([0, 1, 1, 0]), "lasso", "y") == "lasso"


def test_no_held_out_rows_and_several_classes(tmp_path, capsys):
    """--test-size 0: no test metrics, no loss picture; three classes: a column per class."""
    from sklearn.datasets import load_iris

    from shrinkage.cli import main

    data = load_iris(as_frame=True)
    frame = data.data.assign(species=np.asarray(data.target_names)[data.target])
    frame.to_csv(tmp_path / "iris.csv", index=False)
    with pytest.raises(SystemExit) as info:
        main(["fit", str(tmp_path / "iris.csv"), "-t", "species", "--test-size", "0", "--cv",
              "3", "--n-alphas", "8", "--out", str(tmp_path / "out")])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "150 training rows;" in out and "held-out" not in out
    assert "coef (setosa)" in out and "coef (virginica)" in out
    page = (tmp_path / "out" / "report.html").read_text()
    assert page.count("<img ") == 2 and "No held-out rows (--test-size 0)" in page
    assert "coefficients of &#x27;setosa&#x27;" in page
