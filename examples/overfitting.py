"""Penalties prevent overfitting: Lasso, Ridge and ElasticNet against least squares.

Fifty features, only ten informative and strongly correlated (low effective
rank), and 80 training rows: plain least squares has almost as many
parameters as rows and fits the noise. Each penalised model at alpha=0.1 has
a lower test error; the Lasso also sets most coefficients to exactly zero.

Note the scales: ``Ridge(alpha)`` is scikit-learn's
``sum (y - Xw - b)^2 + alpha ||w||^2`` while ``Lasso`` and ``ElasticNet`` use
``1/(2n) ||y - Xw - b||^2 + alpha * penalty``, so the same number is a much
weaker penalty for Ridge.

Run: ``python examples/overfitting.py [OUTDIR]`` (default ``docs/images``);
prints the table and writes ``overfitting_test_mse.png``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_regression
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split

from shrinkage import ElasticNet, Lasso, Ridge

DEFAULT_OUTDIR = Path(__file__).resolve().parents[1] / "docs" / "images"
ALPHA = 0.1


def models() -> dict[str, Any]:
    """The four models compared, by display name."""
    return {
        "least squares": Ridge(alpha=0.0),
        "Lasso": Lasso(alpha=ALPHA),
        "Ridge": Ridge(alpha=ALPHA),
        "ElasticNet": ElasticNet(alpha=ALPHA, l1_ratio=0.5),
    }


def main(outdir: str | Path = DEFAULT_OUTDIR) -> dict[str, dict[str, float]]:
    """Fit, print the table, save ``overfitting_test_mse.png``; return the numbers.

    Returns
    -------
    results : dict
        ``{model name: {"train_mse": ..., "test_mse": ..., "nonzero": ...}}``.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    X, y = make_regression(
        n_samples=100, n_features=50, n_informative=10, effective_rank=10, noise=10,
        random_state=0,
    )
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)

    results: dict[str, dict[str, float]] = {}
    for name, model in models().items():
        model.fit(X_train, y_train)
        results[name] = {
            "train_mse": float(mean_squared_error(y_train, model.predict(X_train))),
            "test_mse": float(mean_squared_error(y_test, model.predict(X_test))),
            "nonzero": float(np.count_nonzero(model.coef_)),
        }

    print(f"{X_train.shape[0]} training rows, {X.shape[1]} features, alpha={ALPHA}")
    print(f"{'model':<14} {'nonzero coefs':>13} {'train MSE':>10} {'test MSE':>10}")
    for name, r in results.items():
        print(f"{name:<14} {int(r['nonzero']):>13d} {r['train_mse']:>10.1f} {r['test_mse']:>10.1f}")

    fig, ax = plt.subplots(figsize=(6.5, 4))
    names = list(results)
    test = [results[n]["test_mse"] for n in names]
    bars = ax.bar(names, test, color=["0.55", "C0", "C1", "C2"])
    ax.bar_label(bars, fmt="%.0f")
    ax.set_ylabel("test mean squared error")
    ax.set_title(f"Test error: penalised models (alpha={ALPHA}) vs least squares")
    fig.tight_layout()
    fig.savefig(outdir / "overfitting_test_mse.png", dpi=100)
    plt.close(fig)
    return results


if __name__ == "__main__":
    main(*sys.argv[1:2])
