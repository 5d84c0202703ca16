"""Seeded benchmark problems, cached to ``.npz`` so every process sees identical data.

Each problem is a design ``X`` (dense Fortran-ordered, or CSC), a target
``y`` (real for the squared loss, ``{0, 1}`` for the logistic loss) and a
decreasing grid of alphas log-spaced from ``alpha_max`` (the smallest alpha
at which ``w = 0`` is optimal) to ``eps * alpha_max``. No intercept anywhere.

Problems (``name``: what it is):

* ``equi-<n>x<p>``, ``equi-rho<r>-<n>x<p>``: the equicorrelated design of
  Friedman, Hastie & Tibshirani (2010, section 5.1): Gaussian columns with
  pairwise correlation ``rho`` (0.5 unless given), ``beta_j = (-1)^j
  exp(-2 (j - 1) / 20)``, Gaussian noise scaled for a signal-to-noise ratio
  ``sqrt(beta' Sigma beta) / sigma = 3``; 100 alphas down to 1e-3 alpha_max;
* ``tall``: the same design (rho 0.5) at n=200,000, p=200;
* ``sparse``: CSC, n=20,000, p=50,000, density 1e-3, Gaussian nonzeros, 100
  nonzero true coefficients, noise for SNR 3 (empirical);
* ``diabetes``: scikit-learn's diabetes data (442 x 10, columns centred and
  scaled by scikit-learn), y centred (no intercept is then needed);
* ``logistic``: L1-logistic, n=500, p=5000 Gaussian, 20 nonzero true
  coefficients ``2 N(0, 1)``, labels drawn from the logistic model; 20
  alphas down to 1e-2 alpha_max.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

Array = NDArray[np.float64]
Design = Array | sp.csc_matrix

CACHE = Path(__file__).resolve().parent / ".cache"
PROBLEM_DIR = CACHE / "problems"

#: The issue's table, in its order.
TABLE = [
    "equi-1000x100", "equi-5000x100", "equi-100x1000", "equi-100x5000",
    "tall", "sparse", "diabetes", "logistic",
]
#: The same equicorrelated design at rho 0 and 0.95.
RHO = ["equi-rho0-1000x100", "equi-rho0-100x1000", "equi-rho0.95-1000x100", "equi-rho0.95-100x1000"]
GROUPS = {"table": TABLE, "rho": RHO, "all": TABLE + RHO}


@dataclass(frozen=True, eq=False)
class Problem:
    """A design, a target and a decreasing alpha grid (no intercept)."""

    name: str
    description: str
    X: Design
    y: Array
    alphas: Array
    loss: str  # "squared" or "logistic"

    @property
    def n(self) -> int:
        return int(self.X.shape[0])

    @property
    def p(self) -> int:
        return int(self.X.shape[1])

    @property
    def n_alphas(self) -> int:
        return int(self.alphas.shape[0])

    @property
    def eps(self) -> float:
        return float(self.alphas[-1] / self.alphas[0])

    def checkpoints(self) -> NDArray[np.int64]:
        """Every ``n_alphas // 10``-th alpha (every 10th of 100) and the last."""
        step = max(1, self.n_alphas // 10)
        idx = np.arange(0, self.n_alphas, step)
        return np.unique(np.append(idx, self.n_alphas - 1)).astype(np.int64)

    def warmup(self) -> Problem:
        """A small problem of the same kind (loss, storage, n > p or not) for warm-up calls.

        Its first columns (and rows: all of them for sparse X, so columns are
        not empty), 10 alphas over the same ratio.
        """
        q = min(self.p, 200)
        if sp.issparse(self.X):
            X: Design = sp.csc_matrix(self.X[:, :q])
            m = self.n
        else:
            m = min(self.n, 500) if self.n >= self.p else min(self.n, q // 2)
            X = np.asfortranarray(self.X[:m, :q])
        y = self.y[:m]
        return Problem(
            name=f"{self.name}[warmup]", description="warm-up", X=X, y=y,
            alphas=grid(X, y, self.loss, 10, self.eps), loss=self.loss,
        )


# -- grids ----------------------------------------------------------------------
def alpha_max(X: Design, y: Array, loss: str) -> float:
    """Smallest alpha with ``w = 0`` optimal: ``||X' g||_inf / n``, ``g`` the loss gradient at 0."""
    g = y if loss == "squared" else y - 0.5
    return float(np.max(np.abs(X.T @ g)) / X.shape[0])


def grid(X: Design, y: Array, loss: str, n_alphas: int, eps: float) -> Array:
    return alpha_max(X, y, loss) * np.geomspace(1.0, eps, n_alphas)


# -- generators -----------------------------------------------------------------
def equicorrelated(n: int, p: int, rho: float = 0.5, seed: int = 0) -> tuple[Array, Array]:
    """Friedman, Hastie & Tibshirani (2010): corr(X_j, X_k) = rho, SNR 3."""
    rng = np.random.default_rng(seed)
    shared = rng.standard_normal(n)
    X = np.empty((n, p), order="F")
    for j in range(p):  # column by column: no n x p temporary
        X[:, j] = np.sqrt(1.0 - rho) * rng.standard_normal(n) + np.sqrt(rho) * shared
    j = np.arange(1, p + 1)
    beta = (-1.0) ** j * np.exp(-2.0 * (j - 1) / 20.0)
    signal_sd = np.sqrt((1.0 - rho) * beta @ beta + rho * beta.sum() ** 2)
    y = X @ beta + signal_sd / 3.0 * rng.standard_normal(n)
    return X, y


def sparse_regression(
    n: int = 20_000, p: int = 50_000, density: float = 1e-3, n_nonzero: int = 100, seed: int = 0
) -> tuple[sp.csc_matrix, Array]:
    rng = np.random.default_rng(seed)
    X = sp.csc_matrix(sp.random_array(
        (n, p), density=density, format="csc", rng=rng, data_sampler=rng.standard_normal
    ))
    X.sort_indices()
    X.indices = X.indices.astype(np.int32)
    X.indptr = X.indptr.astype(np.int32)
    beta = np.zeros(p)
    beta[rng.choice(p, n_nonzero, replace=False)] = rng.standard_normal(n_nonzero)
    signal = np.asarray(X @ beta)
    y = signal + signal.std() / 3.0 * rng.standard_normal(n)
    return X, y


def diabetes() -> tuple[Array, Array]:
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    return np.asfortranarray(X), y - y.mean()


def sparse_logistic(
    n: int = 500, p: int = 5000, n_nonzero: int = 20, seed: int = 0
) -> tuple[Array, Array]:
    rng = np.random.default_rng(seed)
    X = np.asfortranarray(rng.standard_normal((n, p)))
    beta = np.zeros(p)
    beta[rng.choice(p, n_nonzero, replace=False)] = 2.0 * rng.standard_normal(n_nonzero)
    eta = X @ beta
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(np.float64)
    return X, y


# -- the registry ---------------------------------------------------------------
Maker = Callable[[], tuple[Design, Array]]
EQUI = re.compile(r"^equi(?:-rho(?P<rho>[0-9.]+))?-(?P<n>\d+)x(?P<p>\d+)$")


def spec(name: str) -> tuple[str, Maker, str, int, float]:
    """``(description, maker, loss, n_alphas, eps)`` of a problem name."""
    match = EQUI.match(name)
    if match:
        n, p = int(match["n"]), int(match["p"])
        rho = float(match["rho"]) if match["rho"] else 0.5
        return (f"equicorrelated (rho {rho:g}), n={n:,}, p={p:,}",
                lambda: equicorrelated(n, p, rho), "squared", 100, 1e-3)
    if name == "tall":
        return ("dense tall (equicorrelated, rho 0.5), n=200,000, p=200",
                lambda: equicorrelated(200_000, 200, 0.5), "squared", 100, 1e-3)
    if name == "sparse":
        return ("sparse CSC, n=20,000, p=50,000, density 1e-3",
                sparse_regression, "squared", 100, 1e-3)
    if name == "diabetes":
        return "diabetes (442 x 10, y centred)", diabetes, "squared", 100, 1e-3
    if name == "logistic":
        return ("L1-logistic, 20 alphas to 1e-2 alpha_max, n=500, p=5000",
                sparse_logistic, "logistic", 20, 1e-2)
    raise ValueError(
        f"unknown problem {name!r}: one of {', '.join(GROUPS['all'])}, a group "
        f"({', '.join(GROUPS)}) or equi[-rho<r>]-<n>x<p>"
    )


def expand(words: str) -> list[str]:
    """Comma-separated names and groups to problem names (validated, in order, unique)."""
    names: list[str] = []
    for word in filter(None, (w.strip() for w in words.split(","))):
        for name in GROUPS.get(word, [word]):
            spec(name)
            if name not in names:
                names.append(name)
    return names


def cache_file(name: str) -> Path:
    return PROBLEM_DIR / f"{name}.npz"


def generate(name: str, *, force: bool = False) -> Path:
    """Make the problem's ``.npz`` unless it exists; its path."""
    path = cache_file(name)
    if path.exists() and not force:
        return path
    _, make, loss, n_alphas, eps = spec(name)
    X, y = make()
    alphas = grid(X, y, loss, n_alphas, eps)
    PROBLEM_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    arrays: dict[str, np.ndarray] = {"y": y, "alphas": alphas, "loss": np.array(loss)}
    if sp.issparse(X):
        arrays |= {"data": X.data, "indices": X.indices, "indptr": X.indptr,
                   "shape": np.array(X.shape)}
    else:
        arrays["X"] = X
    np.savez(tmp, **arrays)
    tmp.replace(path)
    return path


def load(name: str) -> Problem:
    """The cached problem (generated first if missing)."""
    description = spec(name)[0]
    with np.load(generate(name), allow_pickle=False) as f:
        if "X" in f:
            X: Design = np.asfortranarray(f["X"])
        else:
            X = sp.csc_matrix((f["data"], f["indices"], f["indptr"]), shape=tuple(f["shape"]))
        return Problem(name=name, description=description, X=X, y=f["y"],
                       alphas=f["alphas"], loss=str(f["loss"]))
