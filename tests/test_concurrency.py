"""Fits running at the same time: threads, and processes sharing the numba cache."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import shrinkage
from conftest import make_classes, make_regression


def _jobs():
    dense = make_regression(150, 40, seed=1)
    wide = make_regression(40, 200, seed=2)
    sparse = make_regression(200, 60, density=0.2, seed=3)
    labels = make_classes(120, 10, 2, seed=4)
    classes = make_classes(120, 10, 3, density=0.3, seed=5)
    return [
        lambda: shrinkage.Lasso(alpha=0.05, tol=1e-10).fit(*dense).coef_,
        lambda: shrinkage.ElasticNet(alpha=0.02, l1_ratio=0.5, tol=1e-10).fit(*wide).coef_,
        lambda: shrinkage.Lasso(alpha=0.01, tol=1e-10).fit(*sparse).coef_,
        lambda: shrinkage.regularization_path(*dense, n_alphas=20, tol=1e-10).coefs,
        lambda: shrinkage.regularization_path(*sparse, n_alphas=20, tol=1e-10).coefs,
        lambda: shrinkage.LassoCV(cv=3, alphas=15).fit(*wide).coef_,
        lambda: shrinkage.Ridge(alpha=1.0, solver="cd", tol=1e-10).fit(*dense).coef_,
        lambda: shrinkage.RidgeCV(cv=3, n_alphas=10).fit(*sparse).coef_,
        lambda: shrinkage.ElasticNetCV(cv=3, alphas=10, l1_ratio=[0.5, 1.0], n_jobs=2)
        .fit(*dense).coef_,
        lambda: shrinkage.LassoIC(alphas=20).fit(*dense).coef_,
        lambda: shrinkage.LogisticRegression(alpha=0.01, tol=1e-10).fit(*labels).coef_,
        lambda: shrinkage.LogisticRegression(alpha=0.01, l1_ratio=1.0, tol=1e-10)
        .fit(*classes).coef_,
        lambda: shrinkage.regularization_path(*labels, loss="logistic", n_alphas=10).coefs,
    ]


def test_fits_in_threads_equal_sequential_fits():
    sequential = [job() for job in _jobs()]
    with ThreadPoolExecutor(max_workers=4) as pool:
        # Each job twice, interleaved, so that kernels really overlap.
        futures = [pool.submit(job) for job in _jobs() + _jobs()]
        threaded = [f.result() for f in futures]
    for k, result in enumerate(threaded):
        np.testing.assert_allclose(result, sequential[k % len(sequential)], rtol=1e-12, atol=1e-14)


_SCRIPT = textwrap.dedent(
    """
    import hashlib
    import numpy as np
    import shrinkage
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 30))
    y = X[:, :3].sum(axis=1) + rng.standard_normal(80)
    path = shrinkage.regularization_path(X, y, n_alphas=10)
    digest = hashlib.sha256(path.coefs.tobytes() + path.dual_gaps.tobytes()).hexdigest()
    print(int(path.df[-1]), bool(path.converged.all()), digest)
    """
)


def _cache_files(cache):
    return {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}


def test_two_processes_compiling_into_one_empty_cache(tmp_path):
    cache = tmp_path / "numba_cache"
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
    procs = [
        subprocess.Popen([sys.executable, "-c", _SCRIPT], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert out.split()[:2] == ["30", "True"]
    assert outputs[0][0] == outputs[1][0]  # bit-identical coefficients and gaps
    assert any(cache.rglob("*.nbi")), "nothing was cached"
    written = _cache_files(cache)
    # A third process loads what the two wrote (it compiles nothing: no cache
    # file is added or rewritten), and gets the same bits.
    third = subprocess.run([sys.executable, "-c", _SCRIPT], env=env, capture_output=True,
                           text=True, timeout=600)
    assert third.returncode == 0, third.stderr
    assert third.stdout == outputs[0][0]
    assert _cache_files(cache) == written
