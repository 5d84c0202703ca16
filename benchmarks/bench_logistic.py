"""L1 logistic regularization paths: shrinkage against scikit-learn, equal precision.

Run by hand (not by the tests)::

    python benchmarks/bench_logistic.py                  # every problem
    python benchmarks/bench_logistic.py pn cancer        # a selection
    python benchmarks/bench_logistic.py --repeats 3 --threads 2 sparse

Problems (``pn``, ``cancer``, ``sparse``):

* ``pn``: p > n, n=500, p=5000, Gaussian X, 20 nonzero true coefficients,
  labels drawn from the logistic model (seeded);
* ``cancer``: ``load_breast_cancer`` standardised (569 x 30, dense);
* ``sparse``: n=2000, p=10000, density 1e-2 (CSR for scikit-learn, CSC for
  shrinkage, each library's own storage, converted outside the timings).

Each problem is a path of 20 alphas log-spaced from ``alpha_max`` down to
``1e-2 alpha_max`` for the objective::

    P(w) = 1/n sum_i log(1 + exp(-y_i x_i' w)) + alpha ||w||_1

timed for:

* shrinkage: ``shrinkage.regularization_path(X, y, loss="logistic", ...)``
  (warm-started along the grid), or, if that function is missing or fails,
  a loop of ``_logistic_problem.solve_logistic`` with warm starts;
* scikit-learn ``LogisticRegression(solver="liblinear", l1_ratio=1)``, one
  fit per alpha (liblinear has no warm start);
* scikit-learn ``LogisticRegression(solver="saga", l1_ratio=1,
  warm_start=True)``, refitted along the grid,

with ``C = 1 / (alpha n)``, the same objective multiplied by ``C n``.

**No intercept**: liblinear penalises its intercept (it is a feature of
value ``intercept_scaling``), so every library is run with
``fit_intercept=False`` and the objective above has no intercept; then
``P(0) = log 2``.

**Equal precision**: a reference path is solved tightly (shrinkage,
``tol=1e-12``) to get ``P*`` at every alpha. For every library we try a
ladder of tolerances, loosest first, and keep the loosest whose relative
suboptimality ``(P(w) - P*) / P(0)`` is at most ``1e-6`` at every alpha of
the path; that tol is then timed (median of ``--repeats`` runs, default 5,
all in this process). A library that reaches no rung of its ladder (within
its ``max_iter`` and a time budget per attempt) is reported as such.

BLAS is limited to ``--threads`` threads (default 1: liblinear and saga are
single-threaded, so are shrinkage's compiled kernels).
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

import shrinkage
from shrinkage._logistic_problem import (
    logistic_alpha_max,
    make_logistic_problem,
    solve_logistic,
)
from shrinkage.penalties import PenaltyArrays

N_ALPHAS = 20
EPS = 1e-2
TARGET = 1e-6  # relative suboptimality every library must reach at every alpha
BUDGET = 120.0  # seconds (--budget): a ladder attempt slower than this ends that ladder

LADDERS = {
    "shrinkage": [1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10],
    "liblinear": [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10],
    "saga": [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8],
}


# -- problems -----------------------------------------------------------------
def logistic_labels(rng: np.random.Generator, eta: np.ndarray) -> np.ndarray:
    return (rng.random(eta.shape[0]) < 1.0 / (1.0 + np.exp(-eta))).astype(np.int64)


def p_greater_n(n: int = 500, p: int = 5000, seed: int = 0) -> tuple[Any, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    beta = np.zeros(p)
    beta[rng.choice(p, 20, replace=False)] = 2.0 * rng.standard_normal(20)
    return X, logistic_labels(rng, X @ beta)


def breast_cancer() -> tuple[Any, np.ndarray]:
    X, y = load_breast_cancer(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y.astype(np.int64)


def sparse_problem(
    n: int = 2000, p: int = 10_000, density: float = 1e-2, seed: int = 0
) -> tuple[Any, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, format="csc", random_state=seed)
    X.data = rng.standard_normal(X.data.shape[0])
    beta = np.zeros(p)
    beta[rng.choice(p, 20, replace=False)] = 3.0 * rng.standard_normal(20)
    return X, logistic_labels(rng, np.asarray(X @ beta))


PROBLEMS: dict[str, tuple[str, Callable[[], tuple[Any, np.ndarray]]]] = {
    "pn": ("dense 500 x 5000 (p > n)", p_greater_n),
    "cancer": ("breast cancer 569 x 30 (standardised)", breast_cancer),
    "sparse": ("sparse 2000 x 10000, density 1e-2", sparse_problem),
}


# -- objective and grid -------------------------------------------------------
def objective(X: Any, y_pm: np.ndarray, w: np.ndarray, alpha: float) -> float:
    eta = np.asarray(X @ w).ravel()
    return float(np.mean(np.logaddexp(0.0, -y_pm * eta)) + alpha * np.abs(w).sum())


def l1_penalty(p: int, alpha: float) -> PenaltyArrays:
    return PenaltyArrays(
        l1=np.full(p, alpha), l2=np.zeros(p), lower=np.full(p, -np.inf), upper=np.full(p, np.inf)
    )


def grid(X: Any, y: np.ndarray) -> np.ndarray:
    problem = make_logistic_problem(X, y, 2, None, fit_intercept=False, standardize=False)
    alpha_max = logistic_alpha_max(problem, l1_penalty(X.shape[1], 1.0))
    return alpha_max * np.geomspace(1.0, EPS, N_ALPHAS)


# -- the three paths: each returns coefs of shape (n_alphas, p) ---------------
def shrinkage_loop(X: Any, y: np.ndarray, alphas: np.ndarray, tol: float) -> np.ndarray:
    problem = make_logistic_problem(X, y, 2, None, fit_intercept=False, standardize=False)
    p = X.shape[1]
    coefs = np.empty((alphas.shape[0], p))
    w = None
    for k, alpha in enumerate(alphas):
        sol = solve_logistic(
            problem, l1_penalty(p, float(alpha)), tol=tol, max_iter=1000, coef_init=w, warn=False
        )
        w = sol.coef
        coefs[k] = w
    return coefs


def shrinkage_path(X: Any, y: np.ndarray, alphas: np.ndarray, tol: float) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = shrinkage.regularization_path(
            X, y, loss="logistic", alphas=alphas, fit_intercept=False, tol=tol, max_iter=1000
        )
    return np.asarray(path.coefs, dtype=np.float64).reshape(X.shape[1], -1).T


def liblinear_path(X: Any, y: np.ndarray, alphas: np.ndarray, tol: float) -> np.ndarray:
    n = X.shape[0]
    coefs = np.empty((alphas.shape[0], X.shape[1]))
    for k, alpha in enumerate(alphas):
        model = LogisticRegression(
            C=1.0 / (alpha * n), l1_ratio=1.0, solver="liblinear", fit_intercept=False,
            tol=tol, max_iter=10_000,
        )
        coefs[k] = model.fit(X, y).coef_.ravel()
    return coefs


def saga_path(X: Any, y: np.ndarray, alphas: np.ndarray, tol: float) -> np.ndarray:
    n = X.shape[0]
    coefs = np.empty((alphas.shape[0], X.shape[1]))
    model = LogisticRegression(
        l1_ratio=1.0, solver="saga", fit_intercept=False, warm_start=True, tol=tol,
        max_iter=10_000,
    )
    for k, alpha in enumerate(alphas):
        model.set_params(C=1.0 / (alpha * n))
        coefs[k] = model.fit(X, y).coef_.ravel()
    return coefs


# -- driver -------------------------------------------------------------------
def suboptimality(
    X: Any, y_pm: np.ndarray, alphas: np.ndarray, coefs: np.ndarray, reference: np.ndarray
) -> float:
    values = np.array([objective(X, y_pm, c, a) for c, a in zip(coefs, alphas, strict=True)])
    return float(np.max((values - reference) / np.log(2.0)))


def timed(run: Callable[[], np.ndarray]) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    out = run()
    return time.perf_counter() - start, out


def pick_tol(
    name: str, run: Callable[[float], np.ndarray], check: Callable[[np.ndarray], float]
) -> tuple[float | None, float]:
    """The loosest tol of ``name``'s ladder that reaches ``TARGET``: ``(tol, its subopt)``."""
    worst = np.inf
    for tol in LADDERS[name]:
        elapsed, coefs = timed(lambda tol=tol: run(tol))
        worst = check(coefs)
        if worst <= TARGET:
            return tol, worst
        if elapsed > BUDGET:
            break
    return None, worst


def bench(key: str, repeats: int) -> None:
    title, make = PROBLEMS[key]
    X, y = make()
    y_pm = np.where(y == 1, 1.0, -1.0)
    X_ours = X.tocsc() if sp.issparse(X) else np.asfortranarray(X)
    X_sk = X.tocsr() if sp.issparse(X) else np.ascontiguousarray(X)
    alphas = grid(X_ours, y)
    ref_coefs = shrinkage_loop(X_ours, y, alphas, 1e-12)
    reference = np.array([objective(X, y_pm, c, a) for c, a in zip(ref_coefs, alphas, strict=True)])

    ours: Callable[[Any, np.ndarray, np.ndarray, float], np.ndarray] = shrinkage_path
    label = "shrinkage (regularization_path)"
    try:
        shrinkage_path(X_ours, y, alphas, 1e-4)
    except Exception as exc:  # the path API may still be in progress: fall back
        ours, label = shrinkage_loop, f"shrinkage (solve_logistic loop; path failed: {exc!r})"
    runs: dict[str, tuple[Callable[[float], np.ndarray], str]] = {
        "shrinkage": (lambda tol: ours(X_ours, y, alphas, tol), label),
        "liblinear": (lambda tol: liblinear_path(X_sk, y, alphas, tol), "sklearn liblinear"),
        "saga": (lambda tol: saga_path(X_sk, y, alphas, tol), "sklearn saga (warm_start)"),
    }

    def check(coefs: np.ndarray) -> float:
        return suboptimality(X, y_pm, alphas, coefs, reference)

    results = {}
    for name, (run, _) in runs.items():
        tol, worst = pick_tol(name, run, check)
        if tol is None:
            results[name] = (None, np.nan, worst)
            continue
        times = [timed(lambda run=run, tol=tol: run(tol))[0] for _ in range(repeats)]
        results[name] = (tol, float(np.median(times)), worst)

    n_nonzero = int(np.count_nonzero(ref_coefs[-1]))
    print(f"\n{title}: {N_ALPHAS} alphas, alpha_max={alphas[0]:.4g} down to {alphas[-1]:.4g},"
          f" {n_nonzero} nonzeros at the end; target subopt <= {TARGET:g}")
    fastest = min((t for _, t, _ in results.values() if np.isfinite(t)), default=np.nan)
    peers = [t for k, (_, t, _) in results.items() if k != "shrinkage" and np.isfinite(t)]
    fastest_peer = min(peers, default=np.nan)
    print(f"  {'library':<34}{'tol':>9}{'max subopt':>12}{'median s':>11}"
          f"{'/ fastest':>11}{'/ best sklearn':>16}")
    for name, (tol, t, worst) in results.items():
        label = runs[name][1]
        if tol is None:
            print(f"  {label:<34}{'-':>9}{worst:>12.1e}  did not reach the target")
            continue
        print(f"  {label:<34}{tol:>9.0e}{worst:>12.1e}{t:>11.4f}{t / fastest:>11.2f}"
              f"{t / fastest_peer:>16.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("problems", nargs="*", help=f"any of {', '.join(PROBLEMS)} (default: all)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--budget", type=float, default=BUDGET,
                        help="seconds: a ladder attempt slower than this ends that ladder")
    args = parser.parse_args()
    unknown = [name for name in args.problems if name not in PROBLEMS]
    if unknown:
        parser.error(f"unknown problem {unknown[0]!r}; choose from {', '.join(PROBLEMS)}")
    globals()["BUDGET"] = args.budget
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    with threadpool_limits(limits=args.threads):
        for key in args.problems or list(PROBLEMS):
            bench(key, args.repeats)


if __name__ == "__main__":
    main()
