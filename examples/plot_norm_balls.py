"""Why the Lasso lands on a corner: loss contours meeting the norm balls.

Two correlated features and ``y = 2 x1 + 0.3 x2 + noise``. At ``alpha=0.6``
the Lasso solution sits on a corner of the L1 diamond (``w2 = 0`` exactly),
the ridge solution on the round L2 ball has no zero, and the elastic net is
in between. Each ball is drawn through its own solution, where the loss
contour touches it.

Run: ``python examples/plot_norm_balls.py [OUTDIR]`` (writes
``norm_balls.png``; default ``docs/images``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

OUTDIR = Path(__file__).parents[1] / "docs" / "images"
ALPHA = 0.6
L1_RATIO = 0.5
W_TRUE = (2.0, 0.3)


def make_problem(seed: int = 0, n_samples: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Two features with correlation 0.7 and ``w_true = (2, 0.3)``."""
    rng = np.random.default_rng(seed)
    X = rng.multivariate_normal([0.0, 0.0], [[1.0, 0.7], [0.7, 1.0]], size=n_samples)
    y = X @ np.array(W_TRUE) + 0.5 * rng.standard_normal(n_samples)
    return X, y


def main(outdir: Path | str = OUTDIR) -> Path:
    """Draw the norm balls and save ``norm_balls.png`` in ``outdir``; return its path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from shrinkage.plotting import NormBallDisplay

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    X, y = make_problem()
    fig, ax = plt.subplots(figsize=(7, 7))
    display = NormBallDisplay.from_data(X, y, alpha=ALPHA, l1_ratio=L1_RATIO, ax=ax)
    for name, (w1, w2) in display.solutions_.items():
        print(f"{name:>10}: w = ({w1:.4f}, {w2:.4f})")
    out = outdir / "norm_balls.png"
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


if __name__ == "__main__":
    print(main(sys.argv[1] if len(sys.argv) > 1 else OUTDIR))
