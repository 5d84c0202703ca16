"""LogisticRegressionCV against glmnet's LogitNet (path x folds), one process.

Run by hand, in the benchmark environment that has python-glmnet
(``bash benchmarks/paths/setup_env.sh``)::

    benchmarks/.venv/bin/python benchmarks/bench_logistic_cv.py [word]

Both fit an L1 logistic regression with an intercept: 100 alphas from
alpha_max down to ``eps`` alpha_max (1e-2 when p > n, 1e-4 otherwise, as
glmnet's defaults), 5-fold cross-validation with the same folds (glmnet's
``n_splits=5`` draws its own, so the folds differ; the work is the same:
five fold paths and one full path), the deviance as the CV score. Each is
given the tol that reached ``(P - P*) / P(0) <= 1e-6`` on the equal-precision
path benchmark (``benchmarks/paths``): 1e-4 for shrinkage (its duality gap
over the null loss), 1e-7 for glmnet (its default ``thr``). One thread
(``OMP_NUM_THREADS=1``), medians of ``bench_lasso_fit.REPEATS`` runs, both
warmed up first.
"""

from __future__ import annotations

import os
import sys
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
from bench_lasso_fit import median_time
from sklearn.datasets import load_breast_cancer

import shrinkage


def gaussian_logistic(n: int, p: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = np.asfortranarray(rng.standard_normal((n, p)))
    beta = np.zeros(p)
    beta[rng.choice(p, 20, replace=False)] = 2.0 * rng.standard_normal(20)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(X @ beta)))).astype(np.float64)
    return X, y


def median_seconds(fit) -> float:
    fit()  # warm-up: compiled kernels loaded, caches filled
    return median_time(fit)


def main() -> None:
    from glmnet import LogitNet

    cancer = load_breast_cancer(return_X_y=True)
    problems = {
        "breast cancer 569 x 30, standardized": (cancer[0], cancer[1].astype(float), True),
        "Gaussian 500 x 5000": (*gaussian_logistic(500, 5000), False),
        "Gaussian 2000 x 200": (*gaussian_logistic(2000, 200), False),
    }
    if len(sys.argv) > 1:
        problems = {k: v for k, v in problems.items() if sys.argv[1] in k}
    print(f"{'problem':38} {'shrinkage':>10} {'glmnet':>10} {'ratio':>6} {'alpha_min agree':>16}")
    for name, (X, y, standardize) in problems.items():
        n, p = X.shape
        eps = 1e-2 if p > n else 1e-4

        def ours(X=X, y=y, standardize=standardize, eps=eps):
            return shrinkage.LogisticRegressionCV(
                l1_ratio=1.0, alphas=100, eps=eps, cv=5, tol=1e-4, standardize=standardize,
            ).fit(X, y)

        def theirs(X=X, y=y, standardize=standardize, eps=eps):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return LogitNet(alpha=1.0, n_lambda=100, min_lambda_ratio=eps, n_splits=5,
                                standardize=standardize, tol=1e-7, scoring="log_loss",
                                random_state=0).fit(X, y)

        t_ours = median_seconds(ours)
        t_theirs = median_seconds(theirs)
        model, peer = ours(), theirs()
        # Both choose alpha by the CV deviance; with different folds they
        # agree only roughly: the ratio of the chosen alphas is printed.
        agree = float(model.alpha_ / peer.lambda_max_)
        print(f"{name:38} {1e3 * t_ours:8.1f}ms {1e3 * t_theirs:8.1f}ms "
              f"{t_ours / t_theirs:6.2f} {agree:16.3g}")


if __name__ == "__main__":
    main()
