"""Pictures of what the penalty does, in scikit-learn's Display API.

Each display is built ``from_estimator`` (a fitted model) or ``from_path``
(a :class:`shrinkage.Path`) and drawn with ``plot(ax=...)``; it keeps the
figure and axes (``figure_``, ``ax_``) and the artists a test or a user
reads. matplotlib (the extra ``plot``) is imported only when drawing.
"""

from __future__ import annotations

import importlib
from typing import Any

# name -> module holding it; imported on first use, so that this package
# loads without matplotlib (and without the other displays' modules).
_DISPLAYS = {
    "PathDisplay": "._path_display",
    "CVDisplay": "._cv_display",
    "LossDisplay": "._loss_display",
    "RegressionLinesDisplay": "._lines_display",
    "NormBallDisplay": "._norm_ball_display",
    "GradientDescentDisplay": "._gradient_display",
}

__all__ = sorted(_DISPLAYS)


def __getattr__(name: str) -> Any:
    if name in _DISPLAYS:
        return getattr(importlib.import_module(_DISPLAYS[name], __name__), name)
    raise AttributeError(f"module 'shrinkage.plotting' has no attribute {name!r}")
