"""LassoCV and ElasticNetCV: shrinkage against scikit-learn, same folds, one process.

Run by hand: ``python benchmarks/bench_cv.py [word]`` (only the problems
whose name contains ``word``, e.g. ``dense``). Both get the same KFold(5),
the same 100-alpha grids and the same tol (1e-4, scikit-learn's default and
its duality-gap rule), on all cores (n_jobs=-1). We print the median of
several runs, the ratio, and the largest relative difference of the CV
error curves so that the speed is compared at equal answers.
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
import sklearn.linear_model as sklm
from bench_lasso_fit import equicorrelated, sparse_problem
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold

import shrinkage

REPEATS = 3


def median_time(fit) -> tuple[float, object]:
    times, model = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        model = fit()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), model


def main() -> None:
    folds = KFold(5, shuffle=True, random_state=0)
    problems = {
        "diabetes 442 x 10": load_diabetes(return_X_y=True),
        "dense tall 50000 x 100 (rho 0.5)": equicorrelated(50_000, 100),
        "dense 1000 x 500 (rho 0.5)": equicorrelated(1000, 500),
        "dense 200 x 2000 (rho 0.5)": equicorrelated(200, 2000),
        "sparse 5000 x 20000, density 1e-3": sparse_problem(5000, 20_000, 1e-3),
    }
    pairs = {
        "LassoCV": (
            lambda: shrinkage.LassoCV(cv=folds, n_jobs=-1),
            lambda: sklm.LassoCV(cv=folds, n_jobs=-1),
        ),
        "ElasticNetCV l1_ratio=[.5,.9,1]": (
            lambda: shrinkage.ElasticNetCV(l1_ratio=[0.5, 0.9, 1.0], cv=folds, n_jobs=-1),
            lambda: sklm.ElasticNetCV(l1_ratio=[0.5, 0.9, 1.0], cv=folds, n_jobs=-1),
        ),
    }
    if len(sys.argv) > 1:
        problems = {k: v for k, v in problems.items() if sys.argv[1] in k}
    shrinkage.LassoCV(cv=3).fit(*equicorrelated(50, 20))  # load the compiled kernels
    print(f"{'problem':36} {'estimator':32} {'shrinkage':>10} {'sklearn':>10} {'ratio':>6} "
          f"{'max rel diff CV error':>22}")
    for pname, (X, y) in problems.items():
        for ename, (ours, theirs) in pairs.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                t_ours, m_ours = median_time(lambda o=ours, X=X, y=y: o().fit(X, y))
                t_ref, m_ref = median_time(lambda t=theirs, X=X, y=y: t().fit(X, y))
            diff = np.max(np.abs(m_ours.mse_path_ / m_ref.mse_path_ - 1))
            print(f"{pname:36} {ename:32} {t_ours:9.3f}s {t_ref:9.3f}s "
                  f"{t_ref / t_ours:5.1f}x {diff:22.1e}")


if __name__ == "__main__":
    main()
