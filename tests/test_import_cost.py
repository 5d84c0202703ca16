"""`import shrinkage` and a regularization path do not load scikit-learn.

Importing scikit-learn costs about a second (it loads pandas and
scipy.stats); the estimators, which build on it, load on first use.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import shrinkage


def _run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
        timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_path_runs_without_importing_scikit_learn_or_pandas():
    out = _run(
        """
        import sys
        import numpy as np
        import shrinkage
        rng = np.random.default_rng(0)
        X = rng.standard_normal((60, 5))
        y = X @ np.arange(5.0) + rng.standard_normal(60)
        path = shrinkage.regularization_path(X, y, n_alphas=10)
        assert path.converged.all()
        shrinkage.L1(0.5).prox(np.ones(3), 1.0)
        print(sorted(m for m in ("sklearn", "pandas", "matplotlib") if m in sys.modules))
        """
    )
    assert out == "[]"


def test_estimators_load_on_first_use():
    out = _run(
        """
        import sys
        from shrinkage import Lasso, LogisticRegressionCV
        import shrinkage
        print("sklearn" in sys.modules, Lasso.__module__, shrinkage.RidgeCV.__name__)
        """
    )
    assert out == "True shrinkage.linear_model.elastic_net RidgeCV"


def test_every_public_name_resolves_and_unknown_names_fail():
    for name in shrinkage.__all__:
        if name == "nn":
            continue  # needs torch; tests/test_nn_import.py covers it
        assert getattr(shrinkage, name) is not None
        assert name in dir(shrinkage)
    with pytest.raises(AttributeError, match="no attribute 'Lassso'"):
        shrinkage.Lassso
