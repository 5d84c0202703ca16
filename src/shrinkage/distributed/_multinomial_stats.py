"""Engine-agnostic statistics of one proximal Newton step of the multinomial (softmax) loss.

At a model ``(W, b)`` (``W`` of shape ``(p, K)`` on X's scale, columns
centred at the global means ``x_mean`` so that feature offsets cost no
digits) each row has the linear predictors ``eta = (x - x_mean) W + b``
and the class probabilities ``P = softmax(eta)``. One pass returns, summed
over the rows with their weights ``s``:

* the loss ``sum s (logsumexp(eta) - eta_y)`` and the misclassified weight;
* the correlations ``Z' s (Y - P)`` (``Z = [x - x_mean, 1]``, ``Y`` one-hot),
  the gradient of the loss up to sign;
* the entropy ``sum s H(P)`` of the dual point at scale 1 (the gap);
* the Hessian blocks ``Z' diag(s P_k (delta_km - P_m)) Z`` for every pair of
  classes: the whole ``K (p + 1)``-square Hessian of the loss.

Nothing here is raw uncentred: the rows are centred before any product.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import entr, logsumexp

from ._stats import check_finite_block

Vector = NDArray[np.float64]

_SLAB_ROWS = 4096


@dataclass(frozen=True, eq=False)
class SoftmaxBlock:
    """Sums over some rows of one pass at one model (see the module docstring)."""

    weight: float
    counts: Vector
    loss: float
    wrong: float
    corr: Vector
    entropy: float
    hessian: Vector

    @property
    def n_classes(self) -> int:
        return int(self.counts.shape[0])


def merge_softmax(a: SoftmaxBlock, b: SoftmaxBlock) -> SoftmaxBlock:
    return SoftmaxBlock(
        weight=a.weight + b.weight, counts=a.counts + b.counts, loss=a.loss + b.loss,
        wrong=a.wrong + b.wrong, corr=a.corr + b.corr, entropy=a.entropy + b.entropy,
        hessian=a.hessian + b.hessian,
    )


def class_codes(labels: NDArray, classes: NDArray, partition: int) -> NDArray[np.int64]:
    """Each label's index in ``classes`` (a label outside them is an error)."""
    labels = np.asarray(labels).reshape(-1)
    if labels.dtype.kind == "f" and not np.isfinite(labels).all():
        raise ValueError(
            f"y contains NaN or inf in partition {partition}; drop those rows before fitting."
        )
    codes = np.searchsorted(classes, labels)
    codes = np.minimum(codes, classes.shape[0] - 1)
    if not np.array_equal(classes[codes], labels):
        raise ValueError(f"partition {partition} has labels that are not among the classes.")
    return codes.astype(np.int64)


def softmax_partition_stats(
    X: NDArray[np.floating], labels: NDArray, weights: NDArray[np.floating] | None = None, *,
    coef: Vector, intercept: Vector, x_mean: Vector, classes: NDArray, start: int = 0,
    partition: int = 0,
) -> SoftmaxBlock:
    """One block's :class:`SoftmaxBlock` at the model ``(coef, intercept)``."""
    codes = class_codes(labels, classes, partition)
    n, p = np.shape(X)
    s = np.ones(n) if weights is None else np.asarray(weights, np.float64).reshape(-1)
    check_finite_block(np.asarray(X), np.zeros(n), s, partition, start)
    K = classes.shape[0]
    loss = wrong = entropy = 0.0
    corr = np.zeros((p + 1, K))
    hessian = np.zeros((K, K, p + 1, p + 1))
    for a in range(0, n, _SLAB_ROWS):
        rows = slice(a, min(n, a + _SLAB_ROWS))
        Z = np.empty((rows.stop - rows.start, p + 1))
        Z[:, :p] = np.asarray(X[rows], dtype=np.float64) - x_mean
        Z[:, p] = 1.0
        eta = Z[:, :p] @ coef + intercept
        norm = logsumexp(eta, axis=1)
        P = np.exp(eta - norm[:, None])
        sr, code = s[rows], codes[rows]
        mine = eta[np.arange(code.size), code]
        loss += float(sr @ (norm - mine))
        wrong += float(sr[np.argmax(eta, axis=1) != code].sum())
        entropy += float(sr @ entr(P).sum(axis=1))
        residual = -P
        residual[np.arange(code.size), code] += 1.0
        corr += Z.T @ (sr[:, None] * residual)
        for k in range(K):
            for m in range(k, K):
                d = sr * P[:, k] * ((k == m) - P[:, m])
                block = Z.T @ (d[:, None] * Z)
                hessian[k, m] += block
                if m != k:
                    hessian[m, k] += block
    return SoftmaxBlock(
        weight=float(s.sum()), counts=np.bincount(codes, weights=s, minlength=K).astype(float),
        loss=loss, wrong=wrong, corr=corr, entropy=entropy, hessian=hessian,
    )
