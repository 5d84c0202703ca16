"""``python -m shrinkage``, the README's main job, run as a user runs it."""

import re
import subprocess
import sys

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import StratifiedKFold, train_test_split

from shrinkage import LogisticRegressionCV


def test_main_job_prints_both_models_and_their_features():
    out = subprocess.run(
        [sys.executable, "-m", "shrinkage"], capture_output=True, text=True, timeout=300,
        check=True,
    ).stdout
    # The Lasso part: the path table, the entry order and both CV alphas.
    assert "Lasso path on diabetes (442 samples, 10 features)" in out
    assert re.search(r"Entry order: bmi, s5, bp", out)
    lasso_cv = re.search(r"alpha_min = ([\d.e+-]+), alpha_1se = ([\d.e+-]+) \(", out)
    assert lasso_cv and float(lasso_cv[2]) >= float(lasso_cv[1])
    # The classification part: what it prints is what the estimator gives.
    m = re.search(r"keeps (\d+) of 30 features: test accuracy ([\d.]+), AUC ([\d.]+)", out)
    assert m, out[-2000:]
    data = load_breast_cancer(as_frame=True)
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target.to_numpy(), test_size=0.25, random_state=0,
        stratify=data.target.to_numpy(),
    )
    cv = LogisticRegressionCV(
        l1_ratio=1.0, alphas=30, cv=StratifiedKFold(10, shuffle=True, random_state=0),
        rule="1se", standardize=True,
    ).fit(X_train, y_train)
    assert int(m[1]) == np.count_nonzero(cv.coef_) and 0 < int(m[1]) < 30
    assert float(m[2]) == round(cv.score(X_test, y_test), 3) and float(m[2]) > 0.9
    assert float(m[3]) > 0.95


def test_main_job_needs_no_pandas():
    """The README's first command installs shrinkage alone: pandas is a test extra."""
    # A finder that refuses pandas, as on a machine without it (sys.modules
    # stays free of it, which is how scikit-learn tells it is absent).
    code = (
        "import sys, runpy, importlib.abc\n"
        "class NoPandas(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] == 'pandas':\n"
        "            raise ImportError('No module named pandas')\n"
        "sys.meta_path.insert(0, NoPandas())\n"
        "runpy.run_module('shrinkage', run_name='__main__')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True
    ).stdout
    assert "Entry order: bmi, s5, bp" in out
    assert "keeps 9 of 30 features" in out
