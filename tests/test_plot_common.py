"""What every display shares: matplotlib loaded on use, clear errors without it."""

import builtins
import subprocess
import sys

import pytest

from shrinkage.plotting import _common


def test_importing_shrinkage_and_plotting_does_not_import_matplotlib():
    code = (
        "import sys, shrinkage, shrinkage.plotting; "
        "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_missing_matplotlib_says_how_to_install_it(monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    monkeypatch.delitem(sys.modules, "matplotlib.pyplot", raising=False)
    with pytest.raises(ImportError, match=r"pip install shrinkage\[plot\]"):
        _common.pyplot()


def test_unknown_display_name_is_an_attribute_error():
    import shrinkage.plotting

    with pytest.raises(AttributeError, match="no attribute 'BarDisplay'"):
        shrinkage.plotting.BarDisplay
