"""Attach Keras-style penalties to the layers of a PyTorch model.

:func:`regularize` is the counterpart of Keras' ``kernel_regularizer``,
``bias_regularizer`` and ``activity_regularizer`` layer arguments;
:func:`penalty` is the counterpart of ``sum(model.losses)``: the
differentiable sum to add to the data loss.

Where the penalties live
------------------------
Nothing is added to ``state_dict`` and no parameter is renamed (no
parametrizations). Each regularised module carries a plain Python attribute
``_shrinkage_penalties`` that maps *parameter names* to regularizers and
holds the latest activity penalties. The forward hooks find that state
through the module they are called on, so a ``copy.deepcopy`` of a model is
regularised like the original and independent of it (the copy does not
carry the original's last activity values, and a handle only removes the
penalties of the model it was made for).

Activity penalties
------------------
A forward hook computes ``R(output) / batch_size`` after every forward pass,
as Keras does (``batch_size = output.shape[0]``; every tensor of a tuple or
dict output is penalised, as Keras flattens outputs). Only the latest pass
is kept: each forward pass of the module given to :func:`regularize`
replaces the values of the previous one, and a layer called several times
within one such pass (a shared layer) contributes the sum of its calls.
So read :func:`penalty` right after the forward pass it belongs to. The
stored value keeps the autograd graph of that pass alive only until the
next pass (or ``handle.remove()``); ``loss.backward()`` frees the graph's
buffers as usual. Under ``torch.no_grad()`` the stored value simply has no
graph, so an evaluation pass is harmless, but it does replace the training
value: compute the training loss before evaluating.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import torch
from torch import Tensor, nn
from torch.utils.hooks import RemovableHandle
from torch.utils.weak import WeakIdKeyDictionary

from ._select import Where, owned_parameters, select_modules
from .regularizers import Regularizer, SeparableRegularizer

__all__ = ["RegularizationHandle", "penalty", "regularize"]

RegularizerLike: TypeAlias = Regularizer | Callable[[Tensor], Tensor]

_STATE_ATTR = "_shrinkage_penalties"
_handle_ids = itertools.count()

# Parameters whose separable penalty a ProximalOptimizer applies, keyed by
# identity (tensors compare element-wise, so a plain WeakKeyDictionary would
# not do): value = (regularizer, weak reference to the owner). Filled and
# emptied by shrinkage.nn.optim; a claim whose owner is gone counts as none.
PROX_CLAIMS: WeakIdKeyDictionary = WeakIdKeyDictionary()


# ---------------------------------------------------------------------------
# Per-module state
# ---------------------------------------------------------------------------
@dataclass
class _ModuleState:
    """What :func:`regularize` attached to one module (not saved in state_dict)."""

    params: dict[str, tuple[int, RegularizerLike]] = field(default_factory=dict)
    activity: dict[int, RegularizerLike] = field(default_factory=dict)
    latest: dict[int, Tensor] = field(default_factory=dict)
    # handle id -> True while the module given to regularize() is running a
    # forward pass: calls of a shared layer then add up instead of replacing.
    accumulate: dict[int, bool] = field(default_factory=dict)
    # On the module given to regularize(): handle id -> names of the members
    # whose activity values its pre-hook resets.
    members: dict[int, list[str]] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not (self.params or self.activity or self.members)

    def __deepcopy__(self, memo: dict[int, Any]) -> _ModuleState:
        # Stored activity values are non-leaf tensors, which refuse deepcopy;
        # they belong to the original's last pass anyway, so the copy starts
        # empty.
        return _ModuleState(
            params=dict(self.params),
            activity=dict(self.activity),
            members=copy.deepcopy(self.members, memo),
        )

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["latest"] = {}
        state["accumulate"] = {}
        return state


def _state(module: nn.Module, create: bool = False) -> _ModuleState | None:
    state = module.__dict__.get(_STATE_ATTR)
    if state is None and create:
        state = _ModuleState()
        # object.__setattr__ bypasses nn.Module.__setattr__: the state is
        # neither a parameter, a buffer nor a submodule.
        object.__setattr__(module, _STATE_ATTR, state)
    return state


def _drop_if_empty(module: nn.Module) -> None:
    state = _state(module)
    if state is not None and state.is_empty():
        del module.__dict__[_STATE_ATTR]


# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------
def _tensors(output: Any) -> Iterator[Tensor]:
    """Every tensor of a (nested) output, as Keras' ``tree.flatten``."""
    if isinstance(output, Tensor):
        yield output
    elif isinstance(output, Mapping):
        for value in output.values():
            yield from _tensors(value)
    elif isinstance(output, list | tuple):
        for value in output:
            yield from _tensors(value)


def _activity_penalty(reg: RegularizerLike, output: Any) -> Tensor | None:
    total: Tensor | None = None
    for out in _tensors(output):
        value = reg(out)
        if out.ndim > 0:
            # Keras divides by the batch size (divide_no_nan: an empty batch
            # gives 0) so that weight and activity penalties keep their
            # relative weight whatever the batch size.
            batch = out.shape[0]
            value = value / batch if batch else value * 0.0
        total = value if total is None else total + value
    return total


class _ActivityHook:
    """Forward hook recording ``R(output) / batch_size`` on the module's state."""

    def __init__(self, handle_id: int) -> None:
        self.handle_id = handle_id

    def __call__(self, module: nn.Module, args: Any, output: Any) -> None:
        state = _state(module)
        if state is None or self.handle_id not in state.activity:
            return
        value = _activity_penalty(state.activity[self.handle_id], output)
        if value is None:
            return
        previous = state.latest.get(self.handle_id)
        if state.accumulate.get(self.handle_id) and previous is not None:
            value = previous + value
        state.latest[self.handle_id] = value


class _PassStart:
    """Pre-hook on the module given to regularize(): a new pass resets its members."""

    def __init__(self, handle_id: int) -> None:
        self.handle_id = handle_id

    def __call__(self, root: nn.Module, args: Any) -> None:
        self._set(root, True)

    def _set(self, root: nn.Module, running: bool) -> None:
        state = _state(root)
        if state is None:
            return
        for name in state.members.get(self.handle_id, []):
            member_state = _state(root.get_submodule(name))
            if member_state is None:
                continue
            if running:
                member_state.latest.pop(self.handle_id, None)
            member_state.accumulate[self.handle_id] = running


class _PassEnd(_PassStart):
    def __call__(self, root: nn.Module, args: Any, output: Any = None) -> None:
        self._set(root, False)


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------
class RegularizationHandle:
    """What :func:`regularize` attached; :meth:`remove` takes it all off again.

    Also a context manager: ``with regularize(model, weight=L2()): ...``.

    Attributes
    ----------
    weights : list of str
        Qualified names of the parameters with a weight or bias penalty.
    activity : list of str
        Qualified names of the modules with an activity penalty.
    """

    def __init__(self, handle_id: int) -> None:
        self.handle_id = handle_id
        self.weights: list[str] = []
        self.activity: list[str] = []
        self._param_slots: list[tuple[nn.Module, str]] = []
        self._modules: list[nn.Module] = []
        self._hooks: list[RemovableHandle] = []

    def remove(self) -> None:
        """Remove the hooks, the penalties and the stored activity values (idempotent)."""
        for hook in self._hooks:
            hook.remove()
        for module, local in self._param_slots:
            state = _state(module)
            if state is not None and state.params.get(local, (None,))[0] == self.handle_id:
                del state.params[local]
        for module in self._modules:
            state = _state(module)
            if state is not None:
                state.activity.pop(self.handle_id, None)
                state.latest.pop(self.handle_id, None)
                state.accumulate.pop(self.handle_id, None)
                state.members.pop(self.handle_id, None)
        for module in {id(m): m for m, _ in self._param_slots}.values():
            _drop_if_empty(module)
        for module in self._modules:
            _drop_if_empty(module)
        self._hooks, self._param_slots, self._modules = [], [], []
        self.weights, self.activity = [], []

    def __enter__(self) -> RegularizationHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def __repr__(self) -> str:
        return f"RegularizationHandle(weights={self.weights}, activity={self.activity})"


def regularize(
    module: nn.Module,
    weight: RegularizerLike | None = None,
    bias: RegularizerLike | None = None,
    activity: RegularizerLike | None = None,
    where: Where = None,
    *,
    kernel: RegularizerLike | None = None,
) -> RegularizationHandle:
    """Attach Keras-style penalties to layers of ``module``.

    Parameters
    ----------
    module : torch.nn.Module
        A layer or a whole model.
    weight : Regularizer or callable, optional
        Penalty on every parameter with ``ndim >= 2`` (the kernels) of the
        selected modules and their submodules, skipping normalisation layers.
        ``kernel`` is the same argument under Keras' name.
    bias : Regularizer or callable, optional
        Penalty on every parameter whose name starts with ``"bias"`` in the
        selected modules, skipping normalisation layers.
    activity : Regularizer or callable, optional
        Penalty on the output of each selected module, divided by the batch
        size (Keras' ``activity_regularizer``); see the module notes.
    where : None, module, str, sequence or callable, optional
        Which modules: ``None`` is ``module`` itself (so all its weights); a
        submodule or a list of them; a glob pattern on qualified module names
        (``"fc*"``, ``"encoder.*"``, as in ``named_modules()``); or a callable
        ``(name, module) -> bool``.

    Returns
    -------
    RegularizationHandle
        ``handle.remove()`` detaches everything this call attached.

    Raises
    ------
    ValueError
        If a parameter or module already has a penalty of the same kind (one
        regularizer per tensor, as Keras; remove the first handle or attach an
        :class:`~shrinkage.nn.L1L2`), or if nothing matches.

    Examples
    --------
    >>> from torch import nn
    >>> from shrinkage.nn import L1, L2, regularize, penalty
    >>> model = nn.Sequential(nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 1))
    >>> handle = regularize(model, weight=L1(0.01), activity=L2(1e-4), where="0")
    >>> handle.weights, handle.activity
    (['0.weight'], ['0'])
    >>> handle.remove()
    """
    if kernel is not None:
        if weight is not None:
            raise TypeError("pass weight= or its Keras name kernel=, not both.")
        weight = kernel
    for name, reg in (("weight", weight), ("bias", bias), ("activity", activity)):
        if reg is not None and not callable(reg):
            raise TypeError(
                f"{name} must be a regularizer such as L1(0.01) or a callable tensor -> "
                f"scalar, got {type(reg).__name__}."
            )
    if weight is None and bias is None and activity is None:
        raise ValueError("give at least one of weight=, bias=, activity=.")
    selected = select_modules(module, where)
    handle_id = next(_handle_ids)
    handle = RegularizationHandle(handle_id)
    plan = _plan_parameters(module, selected, weight, bias)
    if activity is not None:
        for qual, sub in selected:
            state = _state(sub)
            if state is not None and state.activity:
                raise ValueError(
                    f"module {qual or type(sub).__name__!r} already has an activity penalty; "
                    "remove its handle first (one activity regularizer per layer, as Keras)."
                )
    # Attach only once every check has passed, so a failed call leaves no trace.
    for qual, sub, local, reg in plan:
        _state(sub, create=True).params[local] = (handle_id, reg)  # type: ignore[union-attr]
        handle._param_slots.append((sub, local))
        handle.weights.append(f"{qual}.{local}" if qual else local)
    if activity is not None:
        _attach_activity(module, selected, activity, handle)
    return handle


def _plan_parameters(
    root: nn.Module,
    selected: list[tuple[str, nn.Module]],
    weight: RegularizerLike | None,
    bias: RegularizerLike | None,
) -> list[tuple[str, nn.Module, str, RegularizerLike]]:
    plan = []
    found = {"weight": False, "bias": False}
    for qual, sub, local, param in owned_parameters(root, selected):
        if weight is not None and param.ndim >= 2:
            reg, kind = weight, "weight"
        elif bias is not None and local.startswith("bias"):
            reg, kind = bias, "bias"
        else:
            continue
        found[kind] = True
        state = _state(sub)
        if state is not None and local in state.params:
            name = f"{qual}.{local}" if qual else local
            raise ValueError(
                f"parameter {name!r} already has a penalty ({state.params[local][1]!r}); "
                "remove the first handle, or attach one L1L2 instead of an L1 and an L2."
            )
        plan.append((qual, sub, local, reg))
    for asked, given in (("weight", weight), ("bias", bias)):
        if given is not None and not found[asked]:
            raise ValueError(
                f"{asked}= matched no parameter (weights need ndim >= 2, biases a name "
                "starting with 'bias'; normalisation layers are skipped)."
            )
    return plan


def _attach_activity(
    root: nn.Module,
    selected: list[tuple[str, nn.Module]],
    activity: RegularizerLike,
    handle: RegularizationHandle,
) -> None:
    hid = handle.handle_id
    root_names = {id(m): n for n, m in root.named_modules()}
    members = []
    for qual, sub in selected:
        state = _state(sub, create=True)
        assert state is not None
        state.activity[hid] = activity
        handle._hooks.append(sub.register_forward_hook(_ActivityHook(hid)))
        handle._modules.append(sub)
        handle.activity.append(qual)
        if sub is not root:
            members.append(root_names[id(sub)])
    if members:
        # A pass of the root resets its members, and a shared member called
        # twice within it adds both calls. always_call: the flag is cleared
        # even when the forward pass raises.
        root_state = _state(root, create=True)
        assert root_state is not None
        root_state.members[hid] = members
        handle._modules.append(root)
        handle._hooks.append(root.register_forward_pre_hook(_PassStart(hid)))
        handle._hooks.append(root.register_forward_hook(_PassEnd(hid), always_call=True))


def _is_prox_handled(param: Tensor, reg: RegularizerLike, name: str) -> bool:
    claim = PROX_CLAIMS.get(param)
    if claim is None or claim[1]() is None or not isinstance(reg, SeparableRegularizer):
        return False
    prox_reg = claim[0]
    if prox_reg == reg:
        return True
    raise ValueError(
        f"parameter {name!r} has {reg!r} attached and a ProximalOptimizer applying "
        f"{prox_reg!r}: it would be penalised twice. Build the optimizer with "
        "ProximalOptimizer(opt, model=model) to move the attached penalty into the prox."
    )


def penalty(model: nn.Module) -> Tensor:
    """The sum of the attached penalties, to add to the loss (Keras' ``sum(model.losses)``).

    Weight and bias penalties are computed on the parameters themselves, so
    gradients flow into them; activity penalties are those of the latest
    forward pass. Separable penalties that a live
    :class:`~shrinkage.nn.ProximalOptimizer` applies as a proximal step are
    left out, so nothing counts twice.

    Returns
    -------
    torch.Tensor
        A 0-dim tensor (0 when nothing is attached), on the model's device.
    """
    total: Tensor | None = None
    for qual, module in model.named_modules():
        state = _state(module)
        if state is None:
            continue
        for local, (_, reg) in state.params.items():
            param = getattr(module, local)
            name = f"{qual}.{local}" if qual else local
            if not _is_prox_handled(param, reg, name):
                value = reg(param)
                total = value if total is None else total + value
        for value in state.latest.values():
            total = value if total is None else total + value
    if total is None:
        first = next(itertools.chain(model.parameters(), model.buffers()), None)
        if first is None:
            return torch.zeros(())
        return first.new_zeros(()) if first.is_floating_point() else torch.zeros(())
    return total
