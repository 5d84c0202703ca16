"""Held-out rows and their scores along a path, in passes over the blocks (no rows gathered).

What a report needs of a held-out part of the data, as mergeable sums:

* :func:`holdout_flags`: whether each row of a partition is held out, by a
  seeded hash of (partition, row within it): the same rows for the same
  files however they are chunked later, and ordered data still give a
  held-out part that looks like the rest;
* :func:`logistic_scores`: per alpha of a logistic path, the summed
  log-loss, and for one chosen model the misclassified weight and the
  histograms of its log-odds by class, from which the AUC follows with
  ties counted half (the only approximation: scores within one bin, 0.01
  in log-odds, tie).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._logistic_stats import encode_labels
from ._stats import _splitmix64, check_finite_block

Vector = NDArray[np.float64]

# Log-odds histogram for the AUC: [-AUC_RANGE, AUC_RANGE] in AUC_BINS bins (0.01 wide).
AUC_RANGE = 40.0
AUC_BINS = 8000


def holdout_flags(partition: int, n_rows: int, fraction: float, seed: int) -> NDArray[np.bool_]:
    """Which of a partition's rows are held out (a share ``fraction`` of them on average)."""
    rows = np.arange(n_rows, dtype=np.uint64)
    key = _splitmix64(np.array([seed * 0x100000001 + partition], dtype=np.uint64))
    with np.errstate(over="ignore"):  # unsigned wrap-around is the hash
        mixed = _splitmix64(rows ^ key)
    return np.asarray((mixed >> np.uint64(11)) * 2.0**-53 < fraction)


@dataclass(frozen=True, eq=False)
class LogisticScores:
    """Sums over some rows: weight, log-loss per alpha, the chosen model's errors and histograms."""

    weight: float
    loss: Vector
    wrong: float
    positives: Vector
    negatives: Vector


def merge_scores(a: LogisticScores, b: LogisticScores) -> LogisticScores:
    return LogisticScores(
        weight=a.weight + b.weight, loss=a.loss + b.loss, wrong=a.wrong + b.wrong,
        positives=a.positives + b.positives, negatives=a.negatives + b.negatives,
    )


def logistic_scores(
    X: NDArray[np.floating], labels: NDArray, weights: NDArray[np.floating] | None = None, *,
    coefs: Vector, intercepts: Vector, chosen: int, positive: object, start: int = 0,
    partition: int = 0,
) -> LogisticScores:
    """Scores of one block for every model ``coefs[:, k], intercepts[k]`` of a binary path."""
    y01 = encode_labels(labels, positive, partition)
    s = np.ones(y01.shape[0]) if weights is None else np.asarray(weights, np.float64).ravel()
    check_finite_block(np.asarray(X), y01, s, partition, start)
    eta = np.asarray(X, dtype=np.float64) @ coefs + intercepts
    sign = (2.0 * y01 - 1.0)[:, None]
    loss = s @ np.logaddexp(0.0, -sign * eta)
    best = eta[:, chosen]
    edges = (-AUC_RANGE, AUC_RANGE)
    clipped = np.clip(best, *edges)
    pos, _ = np.histogram(clipped, bins=AUC_BINS, range=edges, weights=s * y01)
    neg, _ = np.histogram(clipped, bins=AUC_BINS, range=edges, weights=s * (1.0 - y01))
    return LogisticScores(
        weight=float(s.sum()), loss=np.asarray(loss, dtype=np.float64),
        wrong=float(s[(best > 0) != (y01 > 0)].sum()),
        positives=pos.astype(np.float64), negatives=neg.astype(np.float64),
    )


def binned_auc(scores: LogisticScores) -> float | None:
    """The area under the ROC curve from the histograms (None without both classes)."""
    pos, neg = scores.positives, scores.negatives
    if not (pos.sum() > 0 and neg.sum() > 0):
        return None
    below = np.cumsum(neg) - neg  # negatives in lower bins
    return float((pos @ below + 0.5 * pos @ neg) / (pos.sum() * neg.sum()))
