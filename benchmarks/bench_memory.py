"""Peak memory of a Lasso path on tall dense data, relative to the size of X.

Run by hand: ``python benchmarks/bench_memory.py [n_samples] [n_features]``
(default 200,000 x 500, an 800 MB X). numpy reports its allocations to
``tracemalloc``, so the peak covers every array the path creates. The
target (reliability issue): at most 1.5x the size of X. A fit with an
intercept centres X into one new array (the only copy); the tall
reduction then works from ``X'X`` and never stacks ``[X, y]`` unless the
Gram matrix is ill-conditioned.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
import warnings

from bench_lasso_fit import equicorrelated
from sklearn.exceptions import ConvergenceWarning

import shrinkage


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    p = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    X, y = equicorrelated(n, p)
    shrinkage.regularization_path(X[:1000], y[:1000])  # compile outside the measurement
    tracemalloc.start()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        shrinkage.regularization_path(X, y)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"regularization_path on {n} x {p} (X = {X.nbytes / 1e6:.0f} MB): "
          f"{elapsed:.2f} s, peak {peak / 1e6:.0f} MB = {peak / X.nbytes:.2f} x size of X")


if __name__ == "__main__":
    main()
