"""What every display shares: matplotlib on demand, checks of what it is given.

matplotlib is the extra ``plot``: it is imported here, inside the functions
that draw, never when ``shrinkage`` or ``shrinkage.plotting`` is imported.
"""

from __future__ import annotations

from typing import Any

from ..path import Path

INSTALL_HINT = "pip install shrinkage[plot]"


def pyplot() -> Any:
    """``matplotlib.pyplot``, or an ImportError that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"shrinkage.plotting needs matplotlib, which is not installed: {INSTALL_HINT}"
        ) from exc
    return plt


def axes_or_new(ax: Any) -> tuple[Any, Any]:
    """``(figure, ax)``: the given axes and their figure, or a new pair."""
    plt = pyplot()
    if ax is None:
        fig, ax = plt.subplots()
        return fig, ax
    return ax.figure, ax


def path_of(estimator: Any, display: str) -> Path:
    """The regularization path a fitted estimator holds (``path_``), with clear errors.

    A ``Path`` passes through. Estimators without a path (a plain ``Lasso``)
    and unfitted ones get a message that says what to pass instead.
    """
    if isinstance(estimator, Path):
        return estimator
    path = getattr(estimator, "path_", None)
    if path is None:
        name = type(estimator).__name__
        fitted = any(attr.endswith("_") and not attr.startswith("_") for attr in vars(estimator))
        if not fitted:
            raise ValueError(
                f"{display} needs a fitted estimator; this {name} is not fitted yet: "
                "call fit(X, y) first."
            )
        raise ValueError(
            f"{display} needs a regularization path; a fitted {name} has none. Use a CV "
            "estimator (LassoCV, ElasticNetCV, LogisticRegressionCV) or pass "
            "shrinkage.regularization_path(X, y) to from_path."
        )
    if not isinstance(path, Path):
        raise TypeError(f"{display}: path_ must be a shrinkage.Path, got {type(path).__name__}.")
    return path
