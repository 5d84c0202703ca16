"""Plain values <-> JSON with the arrays kept aside, over a whitelist of types.

``Encoder.encode`` turns a value into JSON (numbers, strings, lists, dicts)
and appends each numeric ndarray to ``arrays``, leaving ``{"__array__": k}``
in its place; :func:`decode` reverses it. Only these kinds exist: None,
bool, int, float (NaN and infinities tagged), str, list, tuple, dict,
NumPy scalars and arrays (object arrays only of plain items), a
:class:`shrinkage.Path`, and scikit-learn's simple splitters. Anything else
is refused when saving, so loading never meets a type it has to trust.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
from typing import Any

import numpy as np

from ..path import Path

_PLAIN_ITEMS = (str, int, float, bool, type(None))


class NotPlainData(TypeError):
    """A value the model format cannot hold as plain data."""


def _splitters() -> dict[str, type]:
    """scikit-learn splitters whose parameters are plain numbers (rebuilt on load)."""
    from sklearn import model_selection as ms

    names = ("KFold", "StratifiedKFold", "RepeatedKFold", "RepeatedStratifiedKFold",
             "ShuffleSplit", "StratifiedShuffleSplit", "GroupKFold", "LeaveOneOut")
    return {name: getattr(ms, name) for name in names if hasattr(ms, name)}


class Encoder:
    """Collects arrays while encoding values (see the module docstring)."""

    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []

    def encode(self, value: Any) -> Any:
        # NumPy first: np.float64 is also a Python float, and its type matters
        # (a loaded model must give bit-identical, same-typed results).
        if isinstance(value, np.generic | np.ndarray):
            return self._array(np.asarray(value), scalar=isinstance(value, np.generic))
        if value is None or isinstance(value, bool | str | int):
            return value
        if isinstance(value, float):
            return value if math.isfinite(value) else {"__float__": repr(value)}
        if isinstance(value, tuple):
            return {"__tuple__": [self.encode(v) for v in value]}
        if isinstance(value, list):
            return [self.encode(v) for v in value]
        if isinstance(value, dict):
            if all(isinstance(k, str) and not k.startswith("__") for k in value):
                return {k: self.encode(v) for k, v in value.items()}
            return {"__dict__": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if isinstance(value, Path):
            fields = dataclasses.fields(value)
            return {"__path__": {f.name: self.encode(getattr(value, f.name)) for f in fields}}
        splitter = type(value).__name__
        if _splitters().get(splitter) is type(value):
            # Splitters keep their __init__ arguments as attributes (that is how
            # scikit-learn prints them).
            names = inspect.signature(type(value).__init__).parameters
            params = {k: getattr(value, k) for k in names if k != "self"}
            return {"__splitter__": splitter, "params": self.encode(params)}
        raise NotPlainData(f"{type(value).__name__} is not plain data")

    def _array(self, array: np.ndarray, *, scalar: bool) -> Any:
        if array.dtype.kind in "biufcUSMm":
            self.arrays.append(array)
            return {"__array__": len(self.arrays) - 1, "scalar": scalar}
        if array.dtype.kind == "O":
            items = array.ravel().tolist()
            items = [v.item() if isinstance(v, np.generic) else v for v in items]
            if all(isinstance(v, _PLAIN_ITEMS) for v in items):
                return {"__objects__": [self.encode(v) for v in items],
                        "shape": list(array.shape)}
        raise NotPlainData(f"an array of dtype {array.dtype} is not plain data")


def decode(value: Any, arrays: list[np.ndarray]) -> Any:
    """The value :meth:`Encoder.encode` encoded (``arrays`` from the same file)."""
    if isinstance(value, list):
        return [decode(v, arrays) for v in value]
    if not isinstance(value, dict):
        return value
    if "__array__" in value:
        array = arrays[int(value["__array__"])]
        return array[()] if value.get("scalar") else array
    if "__float__" in value:
        return float(value["__float__"])
    if "__tuple__" in value:
        return tuple(decode(v, arrays) for v in value["__tuple__"])
    if "__dict__" in value:
        return {_hashable(decode(k, arrays)): decode(v, arrays) for k, v in value["__dict__"]}
    if "__objects__" in value:
        items = [decode(v, arrays) for v in value["__objects__"]]
        out = np.empty(len(items), dtype=object)
        out[:] = items
        return out.reshape(tuple(value["shape"]))
    if "__path__" in value:
        fields = {k: decode(v, arrays) for k, v in value["__path__"].items()}
        known = {f.name for f in dataclasses.fields(Path)}
        return Path(**{k: v for k, v in fields.items() if k in known})
    if "__splitter__" in value:
        cls = _splitters().get(str(value["__splitter__"]))
        if cls is None:
            raise ValueError(f"unknown splitter {value['__splitter__']!r}")
        return cls(**decode(value["params"], arrays))
    return {k: decode(v, arrays) for k, v in value.items()}


def _hashable(key: Any) -> Any:
    return key.item() if isinstance(key, np.generic) else key
