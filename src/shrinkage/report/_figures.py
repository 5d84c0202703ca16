"""The report's pictures, drawn by :mod:`shrinkage.plotting` and embedded as PNG data.

Figures are made with ``matplotlib.figure.Figure`` directly, never through
pyplot: no global state, no GUI backend, nothing left open.
"""

from __future__ import annotations

import base64
import io
from typing import Any

FIGSIZE = (7.2, 4.4)
DPI = 110


def _png(draw: Any) -> str:
    """``draw(ax)`` on a new figure, returned as a base64 PNG."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=FIGSIZE, layout="constrained")
    draw(figure.subplots())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def figures(
    estimator: Any, X_train: Any, y_train: Any, X_test: Any, y_test: Any,
    *, losses: tuple[Any, Any] | None = None,
) -> dict[str, str]:
    """``{"path", "cv", "loss"}`` -> base64 PNG (no "loss" without held-out rows).

    ``X_train``/``X_test`` are the encoded columns; the path is the
    estimator's own ``path_`` (refitted on the training rows), so the loss
    curves are those of the very models the CV chose among. ``losses``
    gives those two curves already computed (training, held-out; one value
    per alpha of the path) where the rows are not at hand (Dask).
    """
    from ..plotting import CVDisplay, LossDisplay, PathDisplay

    if losses is not None:
        path = estimator.path_
        return {
            "path": _png(lambda ax: PathDisplay.from_estimator(estimator, ax=ax)),
            "cv": _png(lambda ax: CVDisplay.from_estimator(estimator, ax=ax)),
            "loss": _png(lambda ax: LossDisplay(
                path.alphas, losses[0], losses[1], loss=path.loss,
                estimator_name=type(estimator).__name__,
            ).plot(ax=ax)),
        }

    out = {
        "path": _png(lambda ax: PathDisplay.from_estimator(estimator, ax=ax)),
        "cv": _png(lambda ax: CVDisplay.from_estimator(estimator, ax=ax)),
    }
    if X_test is not None:
        out["loss"] = _png(lambda ax: LossDisplay.from_path(
            estimator.path_, X_train, y_train, X_test, y_test, ax=ax,
            name=type(estimator).__name__,
        ))
    return out
