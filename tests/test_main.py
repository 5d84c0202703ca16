"""``python -m shrinkage`` is the ``shrinkage`` command; ``import shrinkage`` stays light."""

import json
import subprocess
import sys

import shrinkage as sk


def test_python_dash_m_runs_the_command(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "shrinkage", "fit", "--cv", "3", "--n-alphas", "10",
         "--out", "out"], cwd=tmp_path, capture_output=True, text=True, timeout=300, check=True,
    )
    assert "ElasticNetCV on diabetes (built-in)" in done.stdout
    model = sk.load(tmp_path / "out" / "model.shrink")
    assert model.target == "target" and len(model.feature_names_) == 10
    assert "python -m shrinkage fit --cv 3" in (tmp_path / "out" / "report.html").read_text()
    # Without a command: the help, and success.
    bare = subprocess.run([sys.executable, "-m", "shrinkage"], capture_output=True, text=True,
                          timeout=120, check=True)
    assert "Usage: python -m shrinkage" in bare.stdout and "fit " in bare.stdout


def test_import_shrinkage_loads_no_command_machinery():
    """typer, matplotlib and the command's modules load only when used.

    scikit-learn itself imports pandas (which imports pyarrow) and rich when
    they are installed, so those are checked against the scikit-learn
    modules shrinkage uses, imported alone.
    """
    code = (
        "import sys, json\n"
        "import sklearn.base, sklearn.metrics, sklearn.model_selection\n"
        "by_sklearn = set(sys.modules)\n"
        "import shrinkage\n"
        "print(json.dumps([sorted(by_sklearn), sorted(sys.modules)]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    by_sklearn, after = (set(names) for names in json.loads(out))
    for name in ("typer", "matplotlib", "shrinkage.cli", "shrinkage.report",
                 "shrinkage.io", "shrinkage.plotting"):
        assert name not in after, name
    for name in ("pandas", "pyarrow", "rich"):
        assert (name in after) <= (name in by_sklearn), name
