"""One function per library: its own path routine on a grid, no intercept, no standardisation.

Every runner takes the data as :meth:`Library.prepare` laid it out (outside
the timings: each library gets its preferred storage), the grid in *our*
units (see :mod:`.objective`) and a tolerance in the library's own units,
and returns the coefficients ``(p, n_alphas_returned)`` with a dict of
diagnostics. Iteration caps are raised far above the defaults so that the
tolerance is the only knob. Scaling conversions (checked by
:mod:`.check_objectives`):

* shrinkage: none (our objectives);
* scikit-learn ``lasso_path``: none; ``LogisticRegression`` (liblinear):
  ``C = 1 / (alpha n)``, one cold fit per alpha (liblinear has no warm start);
* celer ``celer_path``: lasso none; logreg sums the losses and wants
  ``y`` in ``{-1, 1}``: ``alpha_celer = n alpha``;
* skglm: ``Lasso(...).path`` (AndersonCD) none; logistic: ``Logistic`` (mean
  loss, ``y`` in ``{-1, 1}``) + ``L1`` with ``ProxNewton``, warm-started by
  hand (ProxNewton has no path method);
* glmnet (``python-glmnet``): ``ElasticNet`` / ``LogitNet`` with
  ``lambda_path``: none (glmnet scales y internally and undoes it).
"""

from __future__ import annotations

import subprocess
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from .problems import Array, Design, Problem

Prepared = tuple[Design, Array]
Runner = Callable[[Design, Array, Array, float], tuple[Array, dict[str, Any]]]

#: Environment variables naming a clean export of shrinkage (``run.py --shrinkage-rev``).
EXPORTED_COMMIT, EXPORTED_SRC = "BENCH_SHRINKAGE_COMMIT", "BENCH_SHRINKAGE_SRC"

#: Tolerances tried loosest first (1-3 steps); each library is read in its own units.
LADDER = tuple(m * 10.0**-e for e in range(2, 15) for m in (1.0, 0.3))[:-1]


# -- shrinkage ------------------------------------------------------------------
def shrinkage_path(X: Design, y: Array, alphas: Array, tol: float, loss: str
                   ) -> tuple[Array, dict[str, Any]]:
    import shrinkage

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = shrinkage.regularization_path(
            X, y, alphas=alphas, l1_ratio=1.0, fit_intercept=False, standardize=False,
            tol=tol, max_iter=100_000 if loss == "squared" else 1000, loss=loss,
        )
    coefs = np.asarray(path.coefs, dtype=np.float64).reshape(X.shape[1], -1)
    return coefs, {"converged": bool(np.all(path.converged)), "n_iter": int(path.n_iter.sum())}


def shrinkage_squared(X: Design, y: Array, alphas: Array, tol: float
                      ) -> tuple[Array, dict[str, Any]]:
    return shrinkage_path(X, y, alphas, tol, "squared")


def shrinkage_logistic(X: Design, y: Array, alphas: Array, tol: float
                       ) -> tuple[Array, dict[str, Any]]:
    return shrinkage_path(X, y, alphas, tol, "logistic")


# -- scikit-learn ---------------------------------------------------------------
def sklearn_squared(X: Design, y: Array, alphas: Array, tol: float
                    ) -> tuple[Array, dict[str, Any]]:
    from sklearn.linear_model import lasso_path

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # precompute="auto" (the default): a Gram matrix when n > p and X is dense.
        # copy_X=False: without an intercept X is never modified.
        _, coefs, _ = lasso_path(X, y, alphas=alphas, tol=tol, max_iter=100_000,
                                    precompute="auto", copy_X=False)
    gram = not sp.issparse(X) and X.shape[0] > X.shape[1]
    return np.asarray(coefs), {"gram": gram}


def sklearn_logistic(X: Design, y: Array, alphas: Array, tol: float
                     ) -> tuple[Array, dict[str, Any]]:
    from sklearn.linear_model import LogisticRegression

    n = X.shape[0]
    coefs = np.empty((X.shape[1], alphas.shape[0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k, alpha in enumerate(alphas):
            model = LogisticRegression(
                C=1.0 / (alpha * n), l1_ratio=1.0, solver="liblinear", fit_intercept=False,
                tol=tol, max_iter=100_000,
            )
            coefs[:, k] = model.fit(X, y).coef_.ravel()
    return coefs, {"solver": "liblinear"}


# -- celer ----------------------------------------------------------------------
def celer_squared(X: Design, y: Array, alphas: Array, tol: float
                  ) -> tuple[Array, dict[str, Any]]:
    from celer import celer_path

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, coefs, _ = celer_path(X, y, "lasso", alphas=alphas, tol=tol, max_iter=1000,
                                    max_epochs=100_000)
    return np.asarray(coefs), {}


def celer_logistic(X: Design, y: Array, alphas: Array, tol: float
                   ) -> tuple[Array, dict[str, Any]]:
    from celer import celer_path

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # celer's logreg objective sums the losses: alpha_celer = n alpha; y in {-1, 1}.
        # use_PN: prox-Newton, the solver of celer's LogisticRegression ("celer-pn").
        _, coefs, _ = celer_path(X, y, "logreg", alphas=alphas * X.shape[0], tol=tol,
                                    max_iter=1000, use_PN=True)
    return np.asarray(coefs), {"solver": "celer-pn"}


# -- skglm ----------------------------------------------------------------------
def skglm_squared(X: Design, y: Array, alphas: Array, tol: float
                  ) -> tuple[Array, dict[str, Any]]:
    from skglm import Lasso

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Lasso(fit_intercept=False, tol=tol, max_iter=10_000, max_epochs=100_000)
        out = model.path(X, y, alphas)
    return np.asarray(out[1]), {}


def skglm_logistic(X: Design, y: Array, alphas: Array, tol: float
                   ) -> tuple[Array, dict[str, Any]]:
    from skglm.datafits import Logistic
    from skglm.penalties import L1
    from skglm.solvers import ProxNewton

    solver = ProxNewton(tol=tol, max_iter=1000, fit_intercept=False)
    w, Xw = np.zeros(X.shape[1]), np.zeros(X.shape[0])  # updated in place: warm starts
    coefs = np.empty((X.shape[1], alphas.shape[0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k, alpha in enumerate(alphas):
            w = solver.solve(X, y, Logistic(), L1(float(alpha)), w, Xw)[0]
            coefs[:, k] = w
    return coefs, {"solver": "ProxNewton"}


# -- glmnet ---------------------------------------------------------------------
def _glmnet_info(model: Any, caught: list[warnings.WarningMessage], n_alphas: int
                 ) -> dict[str, Any]:
    info: dict[str, Any] = {"n_lambda": int(model.n_lambda_), "jerr": int(model.jerr_)}
    if model.n_lambda_ < n_alphas:
        info["stopped_early"] = f"{model.n_lambda_}/{n_alphas} lambdas returned"
    if caught:
        info["warnings"] = sorted({str(w.message) for w in caught})
    return info


def glmnet_squared(X: Design, y: Array, alphas: Array, tol: float
                   ) -> tuple[Array, dict[str, Any]]:
    from glmnet import ElasticNet

    model = ElasticNet(alpha=1.0, lambda_path=alphas, n_splits=0, fit_intercept=False,
                       standardize=False, tol=tol, max_iter=10_000_000)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    return np.asarray(model.coef_path_), _glmnet_info(model, caught, alphas.shape[0])


def glmnet_logistic(X: Design, y: Array, alphas: Array, tol: float
                    ) -> tuple[Array, dict[str, Any]]:
    from glmnet import LogitNet

    model = LogitNet(alpha=1.0, lambda_path=alphas, n_splits=0, fit_intercept=False,
                     standardize=False, tol=tol, max_iter=10_000_000)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    coefs = np.asarray(model.coef_path_)[0]  # (n_classes=1, p, n_lambda)
    return coefs, _glmnet_info(model, caught, alphas.shape[0])


# -- layouts --------------------------------------------------------------------
def column_major(problem: Problem) -> Prepared:
    """Fortran-ordered dense or CSC, y as generated."""
    X = problem.X if sp.issparse(problem.X) else np.asfortranarray(problem.X)
    return X, problem.y


def plus_minus(problem: Problem) -> Prepared:
    """Column-major X; logistic labels in ``{-1, 1}``."""
    X, y = column_major(problem)
    return X, (2.0 * y - 1.0 if problem.loss == "logistic" else y)


def sklearn_layout(problem: Problem) -> Prepared:
    """liblinear reads rows: C-ordered dense or CSR; lasso_path columns: Fortran or CSC."""
    if problem.loss == "logistic":
        X = problem.X.tocsr() if sp.issparse(problem.X) else np.ascontiguousarray(problem.X)
        return X, problem.y
    return column_major(problem)


# -- the registry ---------------------------------------------------------------
@dataclass(frozen=True)
class Library:
    name: str
    label: str
    distribution: str  # for the version
    module: str  # imported (and timed) before the first call
    squared: Runner
    logistic: Runner
    prepare: Callable[[Problem], Prepared]
    tol_units: str

    def runner(self, loss: str) -> Runner:
        return self.squared if loss == "squared" else self.logistic

    def version(self) -> str:
        version = metadata.version(self.distribution)
        if self.name == "shrinkage":
            version += "+" + shrinkage_commit()
        return version


def shrinkage_commit() -> str:
    """``git rev-parse --short HEAD`` of the shrinkage in use, ``-dirty`` if its sources changed.

    With ``run.py --shrinkage-rev`` (a clean export of one commit), that commit.
    """
    import importlib.util
    import os

    if os.environ.get(EXPORTED_COMMIT):
        return os.environ[EXPORTED_COMMIT]
    spec = importlib.util.find_spec("shrinkage")
    if spec is None or spec.origin is None:
        return "unknown"
    src = Path(spec.origin).resolve().parent

    def git(*args: str) -> str:
        out = subprocess.run(["git", *args], cwd=src, capture_output=True, text=True)
        return out.stdout.strip() if out.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "nogit"
    return head + ("-dirty" if git("status", "--porcelain", "--", ".") else "")


LIBRARIES: dict[str, Library] = {
    lib.name: lib
    for lib in (
        Library("shrinkage", "shrinkage", "shrinkage", "shrinkage",
                shrinkage_squared, shrinkage_logistic, column_major,
                "duality gap / P(0) (squared: gap / (||y||^2 / n))"),
        Library("glmnet", "glmnet", "python-glmnet", "glmnet",
                glmnet_squared, glmnet_logistic, column_major,
                "glmnet thr: max weighted squared coefficient change per pass"),
        Library("sklearn", "scikit-learn", "scikit-learn", "sklearn.linear_model",
                sklearn_squared, sklearn_logistic, sklearn_layout,
                "lasso_path: gap / ||y||^2; liblinear: its own (relative) criterion"),
        Library("celer", "celer", "celer", "celer",
                celer_squared, celer_logistic, plus_minus,
                "duality gap / P(0)-like scale (||y||^2 / n, n log 2)"),
        Library("skglm", "skglm", "skglm", "skglm",
                skglm_squared, skglm_logistic, plus_minus,
                "max distance of the gradient to the subdifferential (absolute)"),
    )
}
