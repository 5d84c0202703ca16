"""Fits running at the same time: threads, and processes sharing the numba cache."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import shrinkage
from conftest import make_regression


def _jobs():
    dense = make_regression(150, 40, seed=1)
    wide = make_regression(40, 200, seed=2)
    sparse = make_regression(200, 60, density=0.2, seed=3)
    return [
        lambda: shrinkage.Lasso(alpha=0.05, tol=1e-10).fit(*dense).coef_,
        lambda: shrinkage.ElasticNet(alpha=0.02, l1_ratio=0.5, tol=1e-10).fit(*wide).coef_,
        lambda: shrinkage.Lasso(alpha=0.01, tol=1e-10).fit(*sparse).coef_,
        lambda: shrinkage.regularization_path(*dense, n_alphas=20, tol=1e-10).coefs,
        lambda: shrinkage.regularization_path(*sparse, n_alphas=20, tol=1e-10).coefs,
        lambda: shrinkage.LassoCV(cv=3, alphas=15).fit(*wide).coef_,
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
    import numpy as np
    import shrinkage
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 30))
    y = X[:, :3].sum(axis=1) + rng.standard_normal(80)
    path = shrinkage.regularization_path(X, y, n_alphas=10)
    print(int(path.df[-1]), bool(path.converged.all()))
    """
)


def test_two_processes_compiling_into_one_empty_cache(tmp_path):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba_cache")}
    procs = [
        subprocess.Popen([sys.executable, "-c", _SCRIPT], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert out.split() == ["30", "True"]
    assert any((tmp_path / "numba_cache").rglob("*.nbi")), "nothing was cached"
    # A third process loads what the two wrote, and gets the same answer.
    third = subprocess.run([sys.executable, "-c", _SCRIPT], env=env, capture_output=True,
                           text=True, timeout=600)
    assert third.returncode == 0, third.stderr
    assert third.stdout.split() == ["30", "True"]
