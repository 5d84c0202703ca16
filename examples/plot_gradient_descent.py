"""Subgradient descent never reaches zero; the proximal step lands on it.

The problem of ``plot_norm_balls.py``: two correlated features and
``y = 2 x1 + 0.3 x2 + noise``, where the Lasso at ``alpha=0.6`` has
``w2 = 0``. Panel (a): textbook gradient descent without a penalty, with L2
and with L1 (``w - eta (grad + alpha sign(w))``), beside proximal gradient
(ISTA, ``w <- prox(w - eta grad, eta)``) and coordinate descent for the same
L1 penalty. Panel (b): ``w2`` against the step; the subgradient iterate
jumps across 0 for ever, the prox one hits 0 exactly and stays.

Run: ``python examples/plot_gradient_descent.py [OUTDIR]`` (writes
``gradient_descent.png``; default ``docs/images``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

OUTDIR = Path(__file__).parents[1] / "docs" / "images"
ALPHA = 0.6
N_STEPS = 200
W_TRUE = (2.0, 0.3)


def make_problem(seed: int = 0, n_samples: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Two features with correlation 0.7 and ``w_true = (2, 0.3)``."""
    rng = np.random.default_rng(seed)
    X = rng.multivariate_normal([0.0, 0.0], [[1.0, 0.7], [0.7, 1.0]], size=n_samples)
    y = X @ np.array(W_TRUE) + 0.5 * rng.standard_normal(n_samples)
    return X, y


def main(outdir: Path | str = OUTDIR) -> Path:
    """Draw both panels and save ``gradient_descent.png`` in ``outdir``; return its path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from shrinkage.plotting import GradientDescentDisplay

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    X, y = make_problem()
    display = GradientDescentDisplay.from_data(X, y, alpha=ALPHA, n_steps=N_STEPS)
    j = display.zero_index
    for name in ("gd_l1", "prox_l1"):
        print(f"{name:>8}: last w{j + 1} = {display.trajectories_[name][-1, j]:.3e}")
    out = outdir / "gradient_descent.png"
    display.figure_.tight_layout()
    display.figure_.savefig(out, dpi=100)
    plt.close(display.figure_)
    return out


if __name__ == "__main__":
    print(main(sys.argv[1] if len(sys.argv) > 1 else OUTDIR))
