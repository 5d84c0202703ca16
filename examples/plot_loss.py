"""Training and validation loss along the Lasso path: under- and overfitting.

Fifty features, only ten of which matter, and 80 training rows: a strong
penalty (left) underfits both sets; as alpha shrinks (to the right) the
training error keeps falling while the validation error turns back up once
the model starts fitting the noise. The dashed line marks the alpha with the
smallest validation error.

Run: ``python examples/plot_loss.py [OUTDIR]`` (default ``docs/images``);
writes ``loss_lasso.png``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split

from shrinkage import Lasso
from shrinkage.plotting import LossDisplay

DEFAULT_OUTDIR = Path(__file__).resolve().parents[1] / "docs" / "images"


def main(outdir: str | Path = DEFAULT_OUTDIR) -> LossDisplay:
    """Draw the loss curves of a Lasso path and save ``loss_lasso.png`` in ``outdir``."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    X, y = make_regression(
        n_samples=100, n_features=50, n_informative=10, effective_rank=10, noise=10,
        random_state=0,
    )
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=0)
    display = LossDisplay.from_estimator(Lasso(), X_train, y_train, X_val, y_val, n_alphas=60)
    print(f"best alpha {display.best_alpha_:.3g}: validation MSE {display.val_loss_.min():.1f}")
    display.figure_.set_size_inches(7, 4.5)
    display.figure_.tight_layout()
    display.figure_.savefig(outdir / "loss_lasso.png", dpi=100)
    plt.close(display.figure_)
    return display


if __name__ == "__main__":
    main(*sys.argv[1:2])
