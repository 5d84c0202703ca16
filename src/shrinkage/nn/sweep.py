"""Train one architecture for a grid of penalty strengths and compare.

:func:`sweep` answers "how strong should the L1 / L2 penalty be?" for a
network the way a regularization path does for a linear model: the same
architecture, the same initial weights, the same data split and batch
order for every strength, early stopping on a validation split, and a
frozen :class:`SweepResult` of arrays that the plotting module's
``LossDisplay`` draws (losses and sparsity against strength).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import torch
from numpy.typing import ArrayLike, NDArray
from torch import Tensor, nn

from .attach import penalty, regularize
from .optim import ProximalOptimizer, sparsity
from .regularizers import L1, L1L2, L2, Regularizer, SeparableRegularizer

__all__ = ["SweepResult", "sweep"]

LossFn: TypeAlias = Callable[[Tensor, Tensor], Tensor]
OptimizerFactory: TypeAlias = Callable[[Iterable[nn.Parameter], float], torch.optim.Optimizer]

_KINDS: dict[str, Callable[[float], Regularizer]] = {
    "l1": lambda s: L1(s),
    "l2": lambda s: L2(s),
    "l1_l2": lambda s: L1L2(l1=s, l2=s),
}
_OPTIMIZERS: dict[str, OptimizerFactory] = {
    "adam": lambda params, lr: torch.optim.Adam(params, lr=lr),
    "sgd": lambda params, lr: torch.optim.SGD(params, lr=lr),
}


@dataclass(frozen=True, eq=False)
class SweepResult:
    """The outcome of :func:`sweep`, one entry per strength (in the order given).

    Attributes
    ----------
    strengths : ndarray of shape (n_strengths,)
        The penalty factors tried (Keras scaling, e.g. ``L1(strength)``).
    train_loss, val_loss : ndarray of shape (n_strengths,)
        Data loss (without the penalty, so that strengths are comparable) on
        the training and validation splits, with the weights of the best
        epoch restored.
    sparsity : ndarray of shape (n_strengths,)
        Fraction of exactly-zero weights (``ndim >= 2`` parameters outside
        normalisation layers) at the restored weights.
    best_strength : float
        The strength with the smallest ``val_loss`` (the first one on ties).
    best_index : int
        Its index: ``strengths[best_index] == best_strength``.
    train_history, val_history : tuple of ndarray
        Per strength, the data loss of every epoch run (lengths differ when
        early stopping triggers).
    best_epoch : ndarray of int, shape (n_strengths,)
        The epoch (0-based) whose weights were restored.
    regularizer : str
        ``"l1"``, ``"l2"``, ``"l1_l2"`` or the name of the callable used.
    proximal : bool
        True when the penalty was applied as a proximal step (exact zeros).
    """

    strengths: NDArray[np.float64]
    train_loss: NDArray[np.float64]
    val_loss: NDArray[np.float64]
    sparsity: NDArray[np.float64]
    best_strength: float
    best_index: int
    train_history: tuple[NDArray[np.float64], ...]
    val_history: tuple[NDArray[np.float64], ...]
    best_epoch: NDArray[np.int64]
    regularizer: str
    proximal: bool


def _mse(pred: Tensor, target: Tensor) -> Tensor:
    """Keras' ``"mse"``: the mean over every entry; a 1-D target fits an (n, 1) output."""
    if pred.shape != target.shape and pred.numel() == target.numel():
        target = target.reshape(pred.shape)
    return (pred - target).square().mean()


def _as_tensor(a: ArrayLike | Tensor, name: str) -> Tensor:
    t = a if isinstance(a, Tensor) else torch.as_tensor(np.asarray(a))
    if t.ndim == 0 or t.shape[0] == 0:
        raise ValueError(f"{name} must have at least one sample, got shape {tuple(t.shape)}.")
    if t.is_floating_point() and not torch.isfinite(t).all():
        raise ValueError(f"{name} contains NaN or infinity; clean or impute it first.")
    return t


def _data_loss(model: nn.Module, loss_fn: LossFn, X: Tensor, y: Tensor) -> float:
    model.eval()
    with torch.no_grad():
        value = float(loss_fn(model(X), y))
    model.train()
    return value


def sweep(
    make_model: Callable[[], nn.Module],
    X: ArrayLike | Tensor,
    y: ArrayLike | Tensor,
    strengths: Sequence[float] | ArrayLike,
    *,
    regularizer: str | Callable[[float], Regularizer] = "l1",
    loss: str | LossFn = "mse",
    optimizer: str | OptimizerFactory = "adam",
    lr: float = 1e-2,
    epochs: int = 100,
    batch_size: int | None = 32,
    validation_fraction: float = 0.2,
    patience: int = 10,
    proximal: bool = True,
    seed: int = 0,
) -> SweepResult:
    """Train ``make_model()`` once per strength; report losses, sparsity and the best.

    Every strength starts from the same initial weights (the model is built
    under ``torch.manual_seed(seed)``), sees the same split and batch order,
    and keeps the weights of its best validation epoch (early stopping with
    ``patience``). The caller's random state is not disturbed.

    Parameters
    ----------
    make_model : callable
        Returns a fresh ``nn.Module``; its weights (``ndim >= 2`` parameters,
        biases and norm layers skipped) get the penalty.
    X, y : array-like or Tensor
        Inputs and targets (first axis = samples). Floating data is cast to
        the model's dtype; integer targets (class labels) are kept.
    strengths : sequence of float
        Penalty factors, each finite and >= 0.
    regularizer : {"l1", "l2", "l1_l2"} or callable, default="l1"
        ``L1(s)``, ``L2(s)``, ``L1L2(s, s)``, or ``strength -> Regularizer``.
    loss : "mse" or callable, default="mse"
        ``loss(prediction, target)``; ``"mse"`` is Keras' mean squared error.
    optimizer : {"adam", "sgd"} or callable, default="adam"
        Or ``(params, lr) -> torch.optim.Optimizer``.
    lr : float, default=1e-2
    epochs : int, default=100
        Maximum number of epochs.
    batch_size : int or None, default=32
        ``None`` trains full-batch.
    validation_fraction : float, default=0.2
        Share of the samples, drawn at random with ``seed``, held out.
    patience : int, default=10
        Stop after this many epochs without a lower validation loss.
    proximal : bool, default=True
        Apply L1 / L2 / L1L2 as a proximal step
        (:class:`~shrinkage.nn.ProximalOptimizer`): exact zeros. False adds
        the penalty to the loss, as Keras does.
    seed : int, default=0

    Returns
    -------
    SweepResult

    Notes
    -----
    The validation loss that picks the best strength is the data loss alone:
    Keras' ``val_loss`` also adds the penalty, which grows with the strength
    and would bias the choice towards weak penalties. For very small models,
    ``torch.set_num_threads(1)`` is often faster than intra-op threads.
    """
    X_t, y_t = _as_tensor(X, "X"), _as_tensor(y, "y")
    if X_t.shape[0] != y_t.shape[0]:
        raise ValueError(f"X and y differ in samples: {X_t.shape[0]} vs {y_t.shape[0]}.")
    grid = np.asarray(strengths, dtype=np.float64).ravel()
    if grid.size == 0:
        raise ValueError("strengths is empty; give at least one penalty factor.")
    make_reg = _KINDS.get(regularizer) if isinstance(regularizer, str) else regularizer
    if make_reg is None:
        raise ValueError(f"regularizer must be one of {sorted(_KINDS)} or a callable.")
    loss_fn = _mse if loss == "mse" else loss
    if not callable(loss_fn):
        raise ValueError(f'loss must be "mse" or a callable, got {loss!r}.')
    make_opt = _OPTIMIZERS.get(optimizer) if isinstance(optimizer, str) else optimizer
    if make_opt is None:
        raise ValueError(f"optimizer must be one of {sorted(_OPTIMIZERS)} or a callable.")
    if not 0.0 < validation_fraction < 1.0:
        raise ValueError(f"validation_fraction must lie in (0, 1), got {validation_fraction!r}.")
    n = X_t.shape[0]
    n_val = max(1, round(validation_fraction * n))
    if n_val >= n:
        raise ValueError(f"{n} samples leave none for training at that validation_fraction.")
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    val_idx, train_idx = perm[:n_val], perm[n_val:]

    runs = [
        _train_one(
            make_model,
            make_reg(float(s)),
            X_t,
            y_t,
            train_idx,
            val_idx,
            loss_fn=loss_fn,
            make_opt=make_opt,
            lr=lr,
            epochs=epochs,
            batch_size=batch_size,
            patience=patience,
            proximal=proximal,
            seed=seed,
        )
        for s in grid
    ]
    val_loss = np.array([r["val_loss"] for r in runs])
    best = int(np.argmin(val_loss))
    name = (
        regularizer
        if isinstance(regularizer, str)
        else getattr(regularizer, "__name__", type(regularizer).__name__)
    )
    return SweepResult(
        strengths=grid,
        train_loss=np.array([r["train_loss"] for r in runs]),
        val_loss=val_loss,
        sparsity=np.array([r["sparsity"] for r in runs]),
        best_strength=float(grid[best]),
        best_index=best,
        train_history=tuple(np.asarray(r["train_history"]) for r in runs),
        val_history=tuple(np.asarray(r["val_history"]) for r in runs),
        best_epoch=np.array([r["best_epoch"] for r in runs], dtype=np.int64),
        regularizer=name,
        proximal=proximal,
    )


def _train_one(
    make_model: Callable[[], nn.Module],
    reg: Regularizer,
    X: Tensor,
    y: Tensor,
    train_idx: Tensor,
    val_idx: Tensor,
    *,
    loss_fn: LossFn,
    make_opt: OptimizerFactory,
    lr: float,
    epochs: int,
    batch_size: int | None,
    patience: int,
    proximal: bool,
    seed: int,
) -> dict[str, Any]:
    # fork_rng: the seeds below (initial weights, dropout) leave the caller's
    # global random state as it was.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = make_model()
        dtype = next((p.dtype for p in model.parameters() if p.is_floating_point()), None)
        Xm = X.to(dtype) if dtype is not None and X.is_floating_point() else X
        ym = y.to(dtype) if dtype is not None and y.is_floating_point() else y
        X_tr, y_tr, X_va, y_va = Xm[train_idx], ym[train_idx], Xm[val_idx], ym[val_idx]
        handle = regularize(model, weight=reg)
        opt = make_opt(model.parameters(), lr)
        prox = (
            ProximalOptimizer(opt, model=model)
            if proximal and isinstance(reg, SeparableRegularizer)
            else None
        )
        order_rng = torch.Generator().manual_seed(seed + 1)
        n_tr = X_tr.shape[0]
        step = n_tr if batch_size is None else max(1, int(batch_size))
        train_hist: list[float] = []
        val_hist: list[float] = []
        best_val, best_epoch, best_state = np.inf, 0, None
        try:
            model.train()
            for epoch in range(epochs):
                order = torch.randperm(n_tr, generator=order_rng)
                for start in range(0, n_tr, step):
                    batch = order[start : start + step]
                    opt.zero_grad()
                    objective = loss_fn(model(X_tr[batch]), y_tr[batch]) + penalty(model)
                    objective.backward()
                    opt.step()
                train_hist.append(_data_loss(model, loss_fn, X_tr, y_tr))
                val_hist.append(_data_loss(model, loss_fn, X_va, y_va))
                if val_hist[-1] < best_val:
                    best_val, best_epoch = val_hist[-1], epoch
                    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
                elif epoch - best_epoch >= patience:
                    break
            if best_state is not None:
                model.load_state_dict(best_state)
            return {
                "train_loss": _data_loss(model, loss_fn, X_tr, y_tr),
                "val_loss": _data_loss(model, loss_fn, X_va, y_va),
                "sparsity": sparsity(model).fraction_zero,
                "train_history": train_hist,
                "val_history": val_hist,
                "best_epoch": best_epoch,
            }
        finally:
            if prox is not None:
                prox.remove()
            handle.remove()
