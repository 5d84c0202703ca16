"""How the L2 penalty flattens a fitted line.

Twelve points on ``y = 3 x + noise`` (two of them outliers), fitted by
ridge regression with alpha 0 (least squares), 1, 10 and 100: the larger
alpha, the more the slope is pulled toward zero, and the line flattens
toward the mean of y.

Run: ``python examples/plot_regression_lines.py [OUTDIR]`` (default
``docs/images``); writes ``regression_lines_ridge.png``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from shrinkage.plotting import RegressionLinesDisplay

DEFAULT_OUTDIR = Path(__file__).resolve().parents[1] / "docs" / "images"


def make_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """12 points of y = 3 x + noise, the last two pushed off the line."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=12)
    y = 3 * x + rng.normal(scale=1.0, size=12)
    y[-2:] += np.array([6.0, -6.0])
    return x[:, None], y


def main(outdir: str | Path = DEFAULT_OUTDIR) -> RegressionLinesDisplay:
    """Draw the ridge lines and save ``regression_lines_ridge.png`` in ``outdir``."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    X, y = make_data()
    display = RegressionLinesDisplay.from_data(X, y, alphas=(0, 1, 10, 100), penalty="l2")
    for alpha, slope in zip(display.alphas_, display.coefs_, strict=True):
        print(f"alpha={alpha:g}: slope {slope:.3f}")
    display.figure_.set_size_inches(7, 4.5)
    display.figure_.tight_layout()
    display.figure_.savefig(outdir / "regression_lines_ridge.png", dpi=100)
    plt.close(display.figure_)
    return display


if __name__ == "__main__":
    main(*sys.argv[1:2])
