"""shrinkage.distributed on wide data (more features than MAX_GRAM_FEATURES). Run by hand.

A seeded ``--rows`` x ``--features`` float64 design (correlated columns with
offsets, ``--support`` true nonzeros) is generated on a LocalCluster of 2
single-threaded worker processes and persisted there (never on the client).
Measured, in one run:

* one gradient pass ``X'(X w - y)`` with dask.array (the floor any
  first-order solver pays per iteration);
* ``Lasso(alpha)`` at ``--alpha-ratio`` times alpha_max: wall time, passes
  over the data (column moments, FISTA, the survivors' Gram, the final
  certificate), nonzeros and the certified duality gap;
* ``regularization_path`` on ``--n-alphas`` alphas down to ``--eps``.

Prints a table and writes ``results_wide.json`` next to this file::

    python benchmarks/dask/bench_wide.py --rows 20000 --features 5000
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def design(rows: int, p: int, support: int, chunk: int, seed: int):
    """Lazy seeded blocks of X (correlated, offsets) and y, one block of rows per task."""
    import dask.array as da
    from dask import delayed

    rng = np.random.default_rng(seed)
    beta = np.zeros(p)
    beta[:support] = rng.choice([-1.0, 1.0], support) * rng.uniform(0.5, 2.0, support)
    offsets = rng.uniform(-100, 100, p)

    def block(k: int, n: int) -> np.ndarray:
        r = np.random.default_rng([seed, k])
        X = 0.5 * r.standard_normal((n, 1)) + 0.85 * r.standard_normal((n, p))
        y = X @ beta + 3.0 + r.standard_normal(n)
        return np.column_stack([X + offsets, y])

    sizes = [min(chunk, rows - a) for a in range(0, rows, chunk)]
    parts = [da.from_delayed(delayed(block)(k, n), shape=(n, p + 1), dtype=np.float64)
             for k, n in enumerate(sizes)]
    both = da.concatenate(parts, axis=0)
    return both[:, :p], both[:, p]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--features", type=int, default=5_000)
    parser.add_argument("--support", type=int, default=20)
    parser.add_argument("--chunk", type=int, default=2_500)
    parser.add_argument("--alpha-ratio", type=float, default=0.1)
    parser.add_argument("--n-alphas", type=int, default=10)
    parser.add_argument("--eps", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import dask
    import distributed

    from shrinkage import distributed as sd

    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None, memory_limit="3GiB",
    ) as cluster, distributed.Client(cluster):
        X, y = design(args.rows, args.features, args.support, args.chunk, args.seed)
        X, y = dask.persist(X, y)
        distributed.wait([X, y])
        gib = X.nbytes / 2**30
        w = np.full(args.features, 1e-3)
        t = time.perf_counter()
        xm = X.mean(axis=0).compute()
        (X.T @ ((X - xm) @ w - y)).compute()
        gradient = time.perf_counter() - t
        yc = y - y.mean()
        alpha_max = float(np.abs(((X - xm).T @ yc).compute()).max() / args.rows)
        alpha = args.alpha_ratio * alpha_max

        t = time.perf_counter()
        model = sd.Lasso(alpha=alpha, tol=1e-8).fit(X, y)
        fit = time.perf_counter() - t
        t = time.perf_counter()
        path = sd.regularization_path(X, y, n_alphas=args.n_alphas, eps=args.eps, tol=1e-8)
        path_time = time.perf_counter() - t

    result = {
        "rows": args.rows, "features": args.features, "gib": round(gib, 3),
        "cap": sd.MAX_GRAM_FEATURES, "support": args.support,
        "gradient_pass_s": round(gradient, 3), "alpha": alpha, "alpha_max": alpha_max,
        "lasso_s": round(fit, 2), "lasso_passes": int(model.n_passes_),
        "lasso_nonzeros": int(np.count_nonzero(model.coef_)),
        "lasso_dual_gap": float(model.dual_gap_),
        "path_s": round(path_time, 2), "path_alphas": args.n_alphas,
        "path_df": path.df.tolist(), "path_max_gap": float(path.dual_gaps.max()),
        "path_converged": bool(path.converged.all()),
    }
    for key, value in result.items():
        print(f"{key:>18}: {value}")
    (HERE / "results_wide.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
