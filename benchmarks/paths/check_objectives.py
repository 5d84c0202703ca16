"""Check that every library solves *our* objective (the scaling conversions of :mod:`.runners`).

::

    python -m benchmarks.paths.check_objectives

On small problems (dense and sparse Lasso paths, an L1-logistic path), each
library runs at a tight tol; we print, per library, the largest
``|P(w_lib) - P(w_ref)| / P(0)`` over the grid (``w_ref``: shrinkage at tol
1e-12, certified by the independent duality gap, also printed) and the
number of alphas it returned. A wrong scaling (alpha not converted, labels
flipped, y standardised and not undone) shows up as a difference of order
1e-3 or more; agreement to 1e-9 means the objectives coincide.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import scipy.sparse as sp

from . import problems
from .objective import duality_gap, null_objective, objective
from .problems import Problem
from .runners import LIBRARIES

#: Tight but reachable tols, in each library's units (liblinear at 1e-12 takes minutes).
TIGHT = {"shrinkage": 1e-12, "glmnet": 1e-14, "sklearn": 1e-12, "celer": 1e-12, "skglm": 1e-12}
TIGHT_LOGISTIC = TIGHT | {"sklearn": 1e-10}


def small_problems() -> list[Problem]:
    """Dense and sparse squared, dense logistic; small enough for tight tols everywhere."""
    X, y = problems.equicorrelated(300, 60, 0.5, seed=1)
    dense = Problem("equi-300x60", "equicorrelated 300 x 60", X, y,
                    problems.grid(X, y, "squared", 30, 1e-3), "squared")
    Xs, ys = problems.sparse_regression(400, 800, 0.02, 20, seed=1)
    sparse = Problem("sparse-400x800", "sparse CSC 400 x 800, density 0.02", Xs, ys,
                     problems.grid(Xs, ys, "squared", 30, 1e-3), "squared")
    Xl, yl = problems.sparse_logistic(150, 300, 10, seed=1)
    logistic = Problem("logistic-150x300", "L1-logistic 150 x 300", Xl, yl,
                       problems.grid(Xl, yl, "logistic", 10, 1e-2), "logistic")
    return [dense, sparse, logistic]


def path_values(problem: Problem, coefs: np.ndarray) -> np.ndarray:
    values = np.full(problem.n_alphas, np.nan)
    for k in range(min(problem.n_alphas, coefs.shape[1])):
        values[k] = objective(problem, coefs[:, k], problem.alphas[k])
    return values


def check(problem: Problem, names: list[str]) -> None:
    p0 = null_objective(problem)
    print(f"\n{problem.description} ({problem.n_alphas} alphas, "
          f"{'CSC' if sp.issparse(problem.X) else 'dense'}); P(0) = {p0:.6g}")
    ref_lib = LIBRARIES["shrinkage"]
    X, y = ref_lib.prepare(problem)
    ref, _ = ref_lib.runner(problem.loss)(X, y, problem.alphas, TIGHT["shrinkage"])
    ref_values = path_values(problem, ref)
    gap = max(duality_gap(problem, ref[:, k], a) for k, a in enumerate(problem.alphas)) / p0
    print(f"  reference: shrinkage tol 1e-12, independent duality gap / P(0) <= {gap:.1e}")
    print(f"  {'library':<11}{'tol':>8}{'alphas':>8}{'max |dP| / P(0)':>17}"
          f"{'max (P - P_ref) / P(0)':>24}{'seconds':>9}")
    for name in names:
        lib = LIBRARIES[name]
        X, y = lib.prepare(problem)
        tol = (TIGHT if problem.loss == "squared" else TIGHT_LOGISTIC)[name]
        start = time.perf_counter()
        try:
            coefs, info = lib.runner(problem.loss)(X, y, problem.alphas, tol)
        except Exception as exc:
            print(f"  {name:<11} failed: {type(exc).__name__}: {exc}")
            continue
        seconds = time.perf_counter() - start
        diff = (path_values(problem, coefs) - ref_values) / p0
        finite = diff[np.isfinite(diff)]
        print(f"  {name:<11}{tol:>8.0e}{coefs.shape[1]:>5}/{problem.n_alphas:<3}"
              f"{np.max(np.abs(finite)):>16.1e}{np.max(finite):>24.1e}{seconds:>9.2f}"
              + (f"  {info}" if info.get("stopped_early") or info.get("warnings") else ""))


def main(argv: list[str] | None = None) -> None:
    names = (argv if argv is not None else sys.argv[1:]) or list(LIBRARIES)
    for problem in small_problems():
        check(problem, names)


if __name__ == "__main__":
    main()
