"""Peak memory of Lasso paths and fits, relative to the size of X.

Run by hand: ``python benchmarks/bench_memory.py [n_samples] [n_features]``
(default 200,000 x 500, an 800 MB X). numpy reports its allocations to
``tracemalloc``, so the peak covers every array the fit creates. The
targets (reliability issue 10):

* dense float64, ``regularization_path``: at most 1.5x the size of X. A fit
  with an intercept centres X into one new array (the only copy); the tall
  reduction then works from ``X'X`` and never stacks ``[X, y]`` unless the
  Gram matrix is ill-conditioned;
* the same for ``Lasso(alpha).fit`` and for float32 X (which stays float32:
  the copy is half the size of a float64 one, and ``coef_`` is float32);
* sparse CSC X (1% dense) stays sparse: the peak is a small multiple of its
  stored entries and far below the size of the dense matrix.

The tests in ``tests/test_memory.py`` check the float32 and sparse claims
on small data; this script measures the dense figures at scale.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp
from bench_lasso_fit import equicorrelated
from sklearn.exceptions import ConvergenceWarning

import shrinkage


def peak_of(run: Callable[[], Any]) -> tuple[Any, float, float]:
    """``(result, peak bytes, seconds)`` of ``run()`` under tracemalloc."""
    tracemalloc.start()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = run()
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, float(peak), elapsed


def report(label: str, size: float, peak: float, elapsed: float, target: float | None) -> None:
    verdict = "" if target is None else ("  ok" if peak <= target * size else "  OVER TARGET")
    print(f"{label}: {elapsed:.2f} s, peak {peak / 1e6:.0f} MB = {peak / size:.2f} x "
          f"{size / 1e6:.0f} MB{verdict}")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    p = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    X, y = equicorrelated(n, p)
    # Compile outside the measurements.
    shrinkage.regularization_path(X[:1000], y[:1000])
    shrinkage.Lasso(alpha=0.1).fit(X[:1000], y[:1000])
    shrinkage.regularization_path(sp.csc_matrix(X[:1000]), y[:1000])
    print(f"X: {n} x {p} float64 ({X.nbytes / 1e6:.0f} MB)")

    _, peak, elapsed = peak_of(lambda: shrinkage.regularization_path(X, y))
    report("regularization_path, dense float64", X.nbytes, peak, elapsed, 1.5)
    alpha = 0.01 * float(np.max(np.abs(X.T @ (y - y.mean())))) / n
    _, peak, elapsed = peak_of(lambda: shrinkage.Lasso(alpha=alpha).fit(X, y))
    report("Lasso(alpha).fit, dense float64", X.nbytes, peak, elapsed, 1.5)

    X32 = X.astype(np.float32)
    model, peak, elapsed = peak_of(lambda: shrinkage.Lasso(alpha=alpha).fit(X32, y))
    report("Lasso(alpha).fit, dense float32", X32.nbytes, peak, elapsed, 1.5)
    assert model.coef_.dtype == np.float32, model.coef_.dtype
    _, peak, elapsed = peak_of(lambda: shrinkage.regularization_path(X32, y))
    report("regularization_path, dense float32", X32.nbytes, peak, elapsed, 1.5)

    rng = np.random.default_rng(0)
    S = sp.random(n, p, density=0.01, format="csc", random_state=0, dtype=np.float64)
    ys = np.asarray(S @ rng.standard_normal(p)).ravel() + rng.standard_normal(n)
    stored = S.data.nbytes + S.indices.nbytes + S.indptr.nbytes
    _, peak, elapsed = peak_of(lambda: shrinkage.regularization_path(S, ys))
    report("regularization_path, CSC 1% dense (vs its stored arrays)", stored, peak, elapsed,
           None)
    dense_size = 8.0 * n * p
    print(f"  = {peak / dense_size:.3f} x the {dense_size / 1e6:.0f} MB a dense copy would take"
          f"{'  ok (stays sparse)' if peak < 0.25 * dense_size else '  DENSIFIED?'}")


if __name__ == "__main__":
    main()
