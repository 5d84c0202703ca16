"""One Lasso fit: shrinkage against scikit-learn, same data, same process.

Run by hand: ``python benchmarks/bench_lasso_fit.py``. Both libraries solve to
the same duality-gap tolerance (scikit-learn's rule, tol=1e-4 by default);
we print the median of several runs, the ratio, and the objective values so
that the speed is compared at equal precision.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp
import sklearn.linear_model as sklm

import shrinkage

REPEATS = 7


def equicorrelated(n: int, p: int, rho: float = 0.5, seed: int = 0):
    """Friedman, Hastie & Tibshirani (2010)'s design with SNR 3."""
    rng = np.random.default_rng(seed)
    X = np.sqrt(1 - rho) * rng.standard_normal((n, p)) + np.sqrt(rho) * rng.standard_normal((n, 1))
    beta = np.array([(-1) ** j * np.exp(-2 * j / 20) for j in range(p)])
    signal = X @ beta
    y = signal + rng.standard_normal(n) * signal.std() / 3.0
    return X, y


def sparse_problem(n: int, p: int, density: float, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, format="csc", random_state=seed)
    X.data = rng.standard_normal(X.data.shape[0])
    beta = np.zeros(p)
    beta[:20] = rng.standard_normal(20)
    y = X @ beta + 0.1 * rng.standard_normal(n)
    return X, y


def median_time(fit) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fit()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def objective(X, y, model, alpha) -> float:
    r = y - model.predict(X)
    return 0.5 * float(r @ r) / len(y) + alpha * np.abs(model.coef_).sum()


def main() -> None:
    problems = {
        "dense 1000 x 500 (rho 0.5)": equicorrelated(1000, 500),
        "dense 200 x 5000 (rho 0.5)": equicorrelated(200, 5000),
        "sparse 20000 x 50000, density 1e-3": sparse_problem(20_000, 50_000, 1e-3),
    }
    print(f"{'problem':38} {'alpha/amax':>10} {'shrinkage':>10} {'sklearn':>10} {'ratio':>7} "
          f"{'obj diff (rel)':>15}")
    for name, (X, y) in problems.items():
        yc = y - y.mean()
        # yc sums to 0, so X' yc equals the centred X' yc, sparse or not.
        alpha_max = np.max(np.abs(X.T @ yc)) / len(y)
        for frac in (0.1, 0.01):
            alpha = frac * alpha_max
            ours = shrinkage.Lasso(alpha=alpha, max_iter=10_000)
            ref = sklm.Lasso(alpha=alpha, max_iter=10_000)
            ours.fit(X, y)  # compile outside the timing
            t_ours = median_time(lambda: ours.fit(X, y))  # noqa: B023
            t_ref = median_time(lambda: ref.fit(X, y))  # noqa: B023
            f_ours, f_ref = objective(X, y, ours, alpha), objective(X, y, ref, alpha)
            print(f"{name:38} {frac:10.2g} {t_ours * 1e3:8.1f}ms {t_ref * 1e3:8.1f}ms "
                  f"{t_ref / t_ours:6.1f}x {(f_ours - f_ref) / f_ref:15.2e}")


if __name__ == "__main__":
    main()
