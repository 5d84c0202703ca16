"""Saving and loading fitted models: ``shrinkage.save`` and ``shrinkage.load``.

A ``.shrink`` file is one ZIP container holding ``manifest.json`` (format
name and version, the library version, the estimator's class, parameters
and fitted attributes as plain JSON), the arrays as ``.npy`` entries, and a
SHA-256 checksum of all of it. Loading never unpickles and never executes
anything from the file: arrays are read with ``allow_pickle=False`` and
objects are rebuilt only from a fixed list of classes (shrinkage's
estimators, :class:`TablePipeline`, :class:`shrinkage.Path` and
scikit-learn's simple splitters). A loaded model predicts bit for bit what
the saved one did.

Examples
--------
>>> import shrinkage as sk, tempfile, os
>>> from sklearn.datasets import load_diabetes
>>> X, y = load_diabetes(return_X_y=True)
>>> model = sk.LassoCV(cv=3, alphas=20).fit(X, y)
>>> path = os.path.join(tempfile.mkdtemp(), "model.shrink")
>>> sk.save(model, path)
>>> bool((sk.load(path).predict(X) == model.predict(X)).all())
True
"""

from __future__ import annotations

import datetime
import os
from typing import Any

from ._codec import Encoder, NotPlainData, decode
from ._container import (
    FORMAT_NAME,
    FORMAT_VERSION,
    ModelFileError,
    atomic_write,
    read_container,
    write_container,
)
from ._estimators import estimator_from_state, estimator_state, known_classes
from ._pipeline import DataError, TablePipeline

__all__ = [
    "FORMAT_VERSION",
    "DataError",
    "ModelFileError",
    "TablePipeline",
    "atomic_write",
    "load",
    "read_manifest",
    "save",
]


def save(
    model: Any, path: str | os.PathLike[str], *, metadata: dict[str, Any] | None = None
) -> None:
    """Write a fitted model to ``path`` (a ``.shrink`` file), atomically.

    Parameters
    ----------
    model : fitted estimator or TablePipeline
        shrinkage's ``Lasso``, ``ElasticNet``, ``Ridge``,
        ``LogisticRegression``, ``LassoCV``, ``ElasticNetCV``, ``RidgeCV``,
        ``LogisticRegressionCV``, ``LassoIC``, or the command's :class:`TablePipeline`.
        Its parameters, its fitted attributes (``coef_``, ``intercept_``,
        ``classes_``, the CV results and ``path_``) are written; parameters
        that are not plain data (a custom splitter or scorer) are recorded
        by their ``repr`` and load as None.
    path : str or path-like
        Written through a temporary file in the same directory and renamed,
        so an existing file is replaced whole or not at all.
    metadata : dict, optional
        Plain JSON values kept in the manifest (the command stores the
        command line and data summary); see :func:`read_manifest`.
    """
    encoder = Encoder()
    if isinstance(model, TablePipeline):
        state = {
            "pipeline": encoder.encode(model.state()),
            "estimator": estimator_state(model.estimator, encoder),
        }
        kind = "TablePipeline"
    else:
        state = {"estimator": estimator_state(model, encoder)}
        kind = type(model).__name__
    try:
        meta = encoder.encode(metadata or {})
    except NotPlainData as exc:
        raise TypeError(f"metadata must be plain data: {exc}.") from None
    from .. import __version__

    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "shrinkage_version": __version__,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "kind": kind,
        "state": state,
        "metadata": meta,
    }
    write_container(path, manifest, encoder.arrays)


def read_manifest(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The verified manifest of a model file (kind, versions, metadata), arrays decoded."""
    manifest, arrays = read_container(path)
    return {**manifest, "metadata": decode(manifest.get("metadata", {}), arrays)}


def load(path: str | os.PathLike[str]) -> Any:
    """Read a model written by :func:`save`.

    Raises
    ------
    ModelFileError
        The file is missing, not a model file, damaged or truncated (the
        checksum does not match), written by a newer format version (the
        message names both versions), or holds an unknown kind of model.
    """
    manifest, arrays = read_container(path)
    kind = manifest.get("kind")
    if kind != "TablePipeline" and kind not in known_classes():
        raise ModelFileError(
            f"{os.fspath(path)} holds a {kind!r}, which this shrinkage does not know; "
            "upgrade shrinkage."
        )
    try:
        state = manifest["state"]
        estimator = estimator_from_state(state["estimator"], arrays)
        if kind == "TablePipeline":
            return TablePipeline.from_state(decode(state["pipeline"], arrays), estimator)
        return estimator
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        raise ModelFileError(
            f"{os.fspath(path)}: the model's content is inconsistent ({type(exc).__name__}: "
            f"{exc}); it was not written by shrinkage.save."
        ) from None
