"""The Lasso path on the diabetes data, with the cross-validated alphas marked.

Run ``python examples/plot_path.py [OUTDIR]``; writes ``plot_path.png`` into
OUTDIR (default: ``docs/images/`` next to this folder).
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from sklearn.datasets import load_diabetes

from shrinkage import LassoCV
from shrinkage.plotting import PathDisplay

DEFAULT_OUTDIR = Path(__file__).resolve().parent.parent / "docs" / "images"


def main(outdir: str | Path = DEFAULT_OUTDIR) -> Path:
    """Fit LassoCV, draw its path, save ``plot_path.png`` in ``outdir``; return its path."""
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    model = LassoCV(standardize=True, cv=5, alphas=100).fit(X, y)
    display = PathDisplay.from_estimator(model)
    display.figure_.set_size_inches(7.5, 5)
    display.figure_.tight_layout()
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "plot_path.png"
    display.figure_.savefig(target, dpi=110)
    import matplotlib.pyplot as plt

    plt.close(display.figure_)
    return target


if __name__ == "__main__":
    print(main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUTDIR))
