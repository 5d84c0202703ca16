"""LassoCV on the diabetes data: mean CV error with standard-error bars.

Run ``python examples/plot_cv.py [OUTDIR]``; writes ``plot_cv.png`` into
OUTDIR (default: ``docs/images/`` next to this folder).
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from sklearn.datasets import load_diabetes

from shrinkage import LassoCV
from shrinkage.plotting import CVDisplay

DEFAULT_OUTDIR = Path(__file__).resolve().parent.parent / "docs" / "images"


def main(outdir: str | Path = DEFAULT_OUTDIR) -> Path:
    """Fit LassoCV, draw its CV curve, save ``plot_cv.png`` in ``outdir``; return its path."""
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    model = LassoCV(standardize=True, cv=5, alphas=100).fit(X, y)
    display = CVDisplay.from_estimator(model)
    display.figure_.set_size_inches(7.5, 5)
    display.figure_.tight_layout()
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "plot_cv.png"
    display.figure_.savefig(target, dpi=110)
    import matplotlib.pyplot as plt

    plt.close(display.figure_)
    return target


if __name__ == "__main__":
    print(main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUTDIR))
