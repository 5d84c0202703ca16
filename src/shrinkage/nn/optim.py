"""A proximal step after any optimizer step: L1 that gives exact zeros.

Adding ``L1(l1)`` to the loss and running SGD or Adam makes weights
*small*, never zero: the subgradient ``l1 * sign(w)`` overshoots 0 and the
weight oscillates around it. The proximal step solves the penalty exactly
instead. After the wrapped optimizer has taken its step ``w -> z``::

    w = S(z, eta * l1) / (1 + 2 * eta * l2)          (L1L2(l1, l2); L1: l2 = 0)

with ``S`` the soft-threshold and ``eta`` the step the optimizer just took:

================  ==========================================================
optimizer         step ``eta`` per coordinate
================  ==========================================================
SGD               ``lr * g``, ``g = (1 - dampening) / (1 - momentum)`` (and
                  ``1 + momentum * g`` with Nesterov): the factor by which
                  momentum amplifies a constant gradient
Adam, AdamW       ``lr / (sqrt(v / (1 - beta2**t)) + eps)`` with ``v`` the
                  second moment (``max_exp_avg_sq`` under amsgrad): exactly
                  the denominator of Adam's own step
RMSprop           ``lr / (sqrt(v) + eps)`` (centred: ``v - mean**2``),
                  divided by ``1 - momentum``
Adagrad           ``lr_t / (sqrt(sum) + eps)``
================  ==========================================================

Why these steps: at a fixed point the optimizer's update is ``eta * grad``
(momentum and moment estimates have settled), and ``w = prox(w - eta *
grad)`` holds exactly when ``0`` is in ``grad + dR(w)``, the optimality
condition of ``loss + R``, for *any* positive ``eta``. So the fixed points
are the minimisers, and zeros are exact. A full-batch ``nn.Linear`` with
``mean((y - Xw - b)**2) / 2`` and the L1 prox therefore converges to
scikit-learn's ``Lasso(alpha=l1)``; with ``L1L2(alpha * r, alpha * (1 - r) /
2)`` to ``ElasticNet(alpha, l1_ratio=r)``.

Conversions
-----------
* Keras ``L2(l)`` in the loss is torch ``SGD(weight_decay=2 * l)`` (and
  ``Adam(weight_decay=2 * l)``, whose decay is also added to the gradient).
* ``AdamW(weight_decay=d)`` is different: it shrinks ``w *= 1 - lr * d``
  outside Adam's preconditioner, so it matches no penalty in the loss.
* ``Linear`` + ``MSE / 2`` + the L1 prox is :class:`shrinkage.Lasso`.
"""

from __future__ import annotations

import gc
import math
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor, nn

from ._select import default_weights
from .attach import PROX_CLAIMS, _state
from .regularizers import SeparableRegularizer

__all__ = ["LayerSparsity", "ProximalOptimizer", "SparsityReport", "prox_step_size", "sparsity"]

_SUPPORTED = (torch.optim.SGD, torch.optim.Adam, torch.optim.RMSprop, torch.optim.Adagrad)


def prox_step_size(
    optimizer: torch.optim.Optimizer, group: dict[str, Any], param: Tensor
) -> float | Tensor:
    """The step ``eta`` (scalar or per coordinate) ``optimizer`` just took on ``param``.

    See the module notes for the formula of each optimizer. Call it after
    ``optimizer.step()``: Adam-family steps read the optimizer's state.
    """
    lr = float(group["lr"])
    state = optimizer.state.get(param, {})
    if isinstance(optimizer, torch.optim.Adam):  # AdamW is a subclass
        # The exact denominator of Adam's update (torch/optim/adam.py):
        # sqrt(v) / sqrt(1 - beta2**t) + eps; the bias correction of the
        # first moment belongs to the gradient estimate, not to the step.
        second = state["max_exp_avg_sq"] if group["amsgrad"] else state["exp_avg_sq"]
        t = float(state["step"])
        correction = math.sqrt(1.0 - float(group["betas"][1]) ** t)
        return lr / (second.sqrt() / correction + float(group["eps"]))
    if isinstance(optimizer, torch.optim.SGD):
        momentum, dampening = float(group["momentum"]), float(group["dampening"])
        if momentum == 0:
            return lr
        gain = (1.0 - dampening) / (1.0 - momentum)
        return lr * (1.0 + momentum * gain if group["nesterov"] else gain)
    if isinstance(optimizer, torch.optim.RMSprop):
        square = state["square_avg"]
        if group["centered"]:
            square = square - state["grad_avg"].square()
        eta = lr / (square.sqrt() + float(group["eps"]))
        momentum = float(group["momentum"])
        return eta / (1.0 - momentum) if momentum > 0 else eta
    if isinstance(optimizer, torch.optim.Adagrad):
        t = float(state["step"])
        clr = lr / (1.0 + (t - 1.0) * float(group["lr_decay"]))
        return clr / (state["sum"].sqrt() + float(group["eps"]))
    raise _unsupported(optimizer)


def _unsupported(optimizer: torch.optim.Optimizer) -> TypeError:
    return TypeError(
        f"no proximal step is known for {type(optimizer).__name__}; supported: "
        f"{', '.join(c.__name__ for c in _SUPPORTED)} (and AdamW)."
    )


class _ProxHook:
    """The step post-hook: prox of each target's penalty with the step just taken."""

    def __init__(self, targets: dict[int, tuple[Tensor, SeparableRegularizer]]) -> None:
        self.targets = targets

    @torch.no_grad()
    def __call__(self, optimizer: torch.optim.Optimizer, args: Any, kwargs: Any) -> None:
        for group in optimizer.param_groups:
            for param in group["params"]:
                target = self.targets.get(id(param))
                if target is None or param.grad is None:
                    continue
                eta = prox_step_size(optimizer, group, param)
                param.copy_(target[1].prox(param, eta))


def _claim(prox: _ProxHook) -> None:
    """Mark the targets as handled by ``prox``, refusing a second live prox on one."""

    def taken() -> bool:
        for param, _ in prox.targets.values():
            claim = PROX_CLAIMS.get(param)
            if claim is not None and claim[1]() is not None:
                return True
        return False

    if taken():
        # An optimizer that is gone but sits in a reference cycle (Adam does)
        # still holds its claim until the garbage collector runs: run it once
        # before concluding that two optimizers really share a parameter.
        gc.collect()
        if taken():
            raise ValueError(
                "a parameter is already handled by another ProximalOptimizer; call "
                "remove() on that one first."
            )
    owner = weakref.ref(prox)
    for param, reg in prox.targets.values():
        PROX_CLAIMS[param] = (reg, owner)


class ProximalOptimizer:
    """Wrap an optimizer so that every step ends with the prox of L1 / L2 / L1L2.

    Parameters
    ----------
    optimizer : torch.optim.Optimizer
        SGD, Adam, AdamW, RMSprop or Adagrad, built as usual.
    regularizer : L1, L2 or L1L2, optional
        The penalty to apply as a proximal step. It goes to ``params`` if
        given, else to every parameter of ``optimizer`` with ``ndim >= 2``
        (biases are not penalised), or to the default weights of ``model``.
    model : torch.nn.Module, optional
        Without ``regularizer``: take over the L1 / L2 / L1L2 weight and bias
        penalties attached to ``model`` with :func:`~shrinkage.nn.regularize`
        (those on parameters this optimizer updates). Other penalties
        (activity, :class:`~shrinkage.nn.Orthogonal`) stay in
        :func:`~shrinkage.nn.penalty`.
    params : iterable of Parameter, optional
        Explicit parameters for ``regularizer``.

    Notes
    -----
    The prox runs from a step post-hook on ``optimizer``, so it also runs
    when ``optimizer.step()`` is called directly (``GradScaler``, LR
    schedulers, which need the inner ``optimizer``). Parameters without a
    gradient in a step are left alone. Penalties applied here are left out
    of :func:`~shrinkage.nn.penalty` (it raises if a *different* separable
    penalty is attached to a parameter the prox handles: it would count
    twice). The prox stays attached to ``optimizer`` until :meth:`remove`
    (also called on leaving a ``with ProximalOptimizer(...)`` block): call
    it before going on with another optimizer, so that ``penalty()`` counts
    the penalties again.

    Examples
    --------
    >>> import torch
    >>> from shrinkage.nn import L1, ProximalOptimizer
    >>> layer = torch.nn.Linear(3, 1)
    >>> opt = ProximalOptimizer(torch.optim.SGD(layer.parameters(), lr=0.1), L1(100.0))
    >>> layer(torch.ones(4, 3)).sum().backward()
    >>> _ = opt.step()
    >>> int((layer.weight == 0).sum())
    3
    """

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
        regularizer: SeparableRegularizer | None = None,
        *,
        model: nn.Module | None = None,
        params: Iterable[Tensor] | None = None,
    ) -> None:
        if not isinstance(optimizer, torch.optim.Optimizer):
            raise TypeError(f"optimizer must be a torch optimizer, got {type(optimizer).__name__}.")
        if not isinstance(optimizer, _SUPPORTED):
            raise _unsupported(optimizer)
        if regularizer is not None and not isinstance(regularizer, SeparableRegularizer):
            raise TypeError(
                "the proximal step exists for L1, L2 and L1L2; got "
                f"{type(regularizer).__name__}. Put other penalties in the loss with penalty()."
            )
        self.optimizer = optimizer
        self.regularizer = regularizer
        # The hook object, not this wrapper, is what the optimizer keeps: the
        # prox lives exactly as long as the optimizer (or until remove()),
        # and no reference cycle through the wrapper delays its release.
        self._prox = _ProxHook(self._collect(optimizer, regularizer, model, params))
        _claim(self._prox)
        self._hook = optimizer.register_step_post_hook(self._prox)

    @staticmethod
    def _collect(
        optimizer: torch.optim.Optimizer,
        regularizer: SeparableRegularizer | None,
        model: nn.Module | None,
        params: Iterable[Tensor] | None,
    ) -> dict[int, tuple[Tensor, SeparableRegularizer]]:
        updated = {id(p): p for g in optimizer.param_groups for p in g["params"]}
        if regularizer is not None:
            if params is not None:
                chosen = list(params)
            elif model is not None:
                chosen = [p for _, p in default_weights(model)]
            else:
                chosen = [p for p in updated.values() if p.ndim >= 2]
            missing = [p for p in chosen if id(p) not in updated]
            if missing:
                raise ValueError(
                    f"{len(missing)} of the parameters given are not updated by the optimizer; "
                    "a prox without a step would only shrink them."
                )
            targets = {id(p): (p, regularizer) for p in chosen}
        else:
            if model is None:
                raise TypeError("give a regularizer (e.g. L1(0.01)) or model= with penalties.")
            if params is not None:
                raise TypeError("params= goes with an explicit regularizer.")
            targets = {}
            for module in model.modules():
                state = _state(module)
                for local, (_, reg) in state.params.items() if state else ():
                    param = getattr(module, local)
                    if isinstance(reg, SeparableRegularizer) and id(param) in updated:
                        targets[id(param)] = (param, reg)
        if not targets:
            raise ValueError(
                "no parameter to apply the prox to: the optimizer has no parameter with "
                "ndim >= 2, or model= has no L1/L2/L1L2 attached with regularize()."
            )
        return targets

    # -- the proximal step ----------------------------------------------
    def apply_prox(self) -> None:
        """Apply the proximal step for the step just taken (run automatically)."""
        self._prox(self.optimizer, (), {})

    def remove(self) -> None:
        """Detach the prox: steps are plain again and penalty() counts the penalties."""
        self._hook.remove()
        for param, _ in self._prox.targets.values():
            claim = PROX_CLAIMS.get(param)
            if claim is not None and claim[1]() is self._prox:
                del PROX_CLAIMS[param]
        self._prox.targets = {}

    def __enter__(self) -> ProximalOptimizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    # -- the optimizer interface, delegated -----------------------------
    def step(self, closure: Callable[[], float] | None = None) -> Any:
        """``optimizer.step(closure)``; the prox follows through the post-hook."""
        return self.optimizer.step(closure)

    def zero_grad(self, set_to_none: bool = True) -> None:
        self.optimizer.zero_grad(set_to_none=set_to_none)

    @property
    def param_groups(self) -> list[dict[str, Any]]:
        return self.optimizer.param_groups

    @property
    def state(self) -> Any:
        return self.optimizer.state

    def state_dict(self) -> dict[str, Any]:
        return self.optimizer.state_dict()

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.optimizer.load_state_dict(state_dict)

    @property
    def parameters(self) -> list[Tensor]:
        """The parameters the prox applies to."""
        return [p for p, _ in self._prox.targets.values()]

    def __repr__(self) -> str:
        n = len(self._prox.targets)
        return f"ProximalOptimizer({type(self.optimizer).__name__}, {n} parameters)"


# ---------------------------------------------------------------------------
# Sparsity report
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LayerSparsity:
    """Exact zeros of one parameter.

    Attributes
    ----------
    name : str
        Qualified parameter name, as in ``state_dict`` (``"0.weight"``).
    n_weights, n_zero : int
        Number of entries and of entries equal to 0 (``|w| <= tol``).
    fraction_zero : float
        ``n_zero / n_weights``.
    """

    name: str
    n_weights: int
    n_zero: int
    fraction_zero: float


@dataclass(frozen=True)
class SparsityReport:
    """Per-parameter rows and the totals; ``str()`` gives a table."""

    layers: tuple[LayerSparsity, ...]
    n_weights: int
    n_zero: int
    fraction_zero: float

    def __str__(self) -> str:
        width = max([len(row.name) for row in self.layers] + [5])
        lines = [f"{'layer':<{width}}  {'weights':>8}  {'zeros':>8}  {'fraction':>8}"]
        rows = [
            *self.layers,
            LayerSparsity("total", self.n_weights, self.n_zero, self.fraction_zero),
        ]
        for row in rows:
            lines.append(
                f"{row.name:<{width}}  {row.n_weights:>8}  {row.n_zero:>8}  "
                f"{row.fraction_zero:>8.3f}"
            )
        return "\n".join(lines)


def sparsity(model: nn.Module, *, include_bias: bool = False, tol: float = 0.0) -> SparsityReport:
    """How many weights are exactly zero, per parameter and in total.

    Parameters
    ----------
    model : torch.nn.Module
    include_bias : bool, default=False
        Count parameters whose name starts with ``bias`` too (the default
        counts the weights a penalty goes to by default: ``ndim >= 2``
        outside normalisation layers).
    tol : float, default=0.0
        Count ``|w| <= tol`` as zero; 0 counts exact zeros only, which only
        a proximal step produces.
    """
    chosen = default_weights(model)
    if include_bias:
        taken = {id(p) for _, p in chosen}
        chosen += [
            (name, p)
            for name, p in model.named_parameters()
            if name.rsplit(".", 1)[-1].startswith("bias") and id(p) not in taken
        ]
    rows = []
    for name, param in chosen:
        n = param.numel()
        zeros = int((param.detach().abs() <= tol).sum())
        rows.append(LayerSparsity(name, n, zeros, zeros / n if n else 0.0))
    total = sum(r.n_weights for r in rows)
    total_zero = sum(r.n_zero for r in rows)
    return SparsityReport(tuple(rows), total, total_zero, total_zero / total if total else 0.0)
