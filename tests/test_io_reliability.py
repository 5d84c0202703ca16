"""Model files: every estimator round-trips; edited, damaged or hostile files are refused.

``test_io.py`` covers truncation, every flipped byte, a hand edit without a
new checksum and a newer format version. Here the files are edited *and
their checksum recomputed* (what a careful forger, or a buggy tool, would
do): the content itself must then be checked, and ``load`` must still
never execute anything from the file.
"""

from __future__ import annotations

import io
import pickle
import warnings
import zipfile

import numpy as np
import pytest
import scipy.sparse as sp

import shrinkage as sk
from conftest import CLASSIFIERS, PUBLIC_ESTIMATORS, bad_input_data
from shrinkage.io import ModelFileError
from shrinkage.io._container import MANIFEST, read_container, write_container, write_entries

NAMES = sorted(PUBLIC_ESTIMATORS)


def _fit(name, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return PUBLIC_ESTIMATORS[name]().fit(X, y)


@pytest.mark.parametrize("storage", ["dense", "csc", "float32"])
@pytest.mark.parametrize("name", NAMES)
def test_every_estimator_round_trips_bit_for_bit(tmp_path, name, storage):
    X, y = bad_input_data(name)
    X = {"dense": X, "csc": sp.csc_matrix(X), "float32": X.astype(np.float32)}[storage]
    model = _fit(name, X, y)
    sk.save(model, tmp_path / "m.shrink")
    loaded = sk.load(tmp_path / "m.shrink")
    assert type(loaded) is type(model)
    assert np.array_equal(loaded.predict(X), model.predict(X))
    assert loaded.coef_.dtype == model.coef_.dtype
    if name in CLASSIFIERS:
        assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
    # Saving the loaded model gives the same file, byte for byte (no drift).
    sk.save(loaded, tmp_path / "again.shrink")
    first, again = read_container(tmp_path / "m.shrink"), read_container(tmp_path / "again.shrink")
    assert {k: v for k, v in first[0].items() if k != "created"} == {
        k: v for k, v in again[0].items() if k != "created"}


def test_multi_target_and_string_labels_round_trip(tmp_path):
    X, y = bad_input_data("Lasso")
    for model, data in [
        (sk.Lasso(alpha=0.1).fit(X, np.c_[y, -y]), X),
        (sk.LogisticRegression().fit(X, np.where(y > 0, "up", "down")), X),
        (sk.LogisticRegression().fit(X, np.digitize(y, [-1, 1])), X),
    ]:
        sk.save(model, tmp_path / "m.shrink")
        loaded = sk.load(tmp_path / "m.shrink")
        assert np.array_equal(loaded.predict(data), model.predict(data))


@pytest.fixture
def model_file(tmp_path):
    X, y = bad_input_data("LogisticRegression")
    path = tmp_path / "model.shrink"
    sk.save(sk.LogisticRegression(alpha=0.05).fit(X, np.where(y == 1, "yes", "no")), path)
    return path


def _edit(path, change):
    """Apply ``change(manifest, arrays)`` and write a correctly checksummed file."""
    manifest, arrays = read_container(path)
    change(manifest, arrays)
    write_container(path, manifest, arrays)


def _fitted(manifest):
    return manifest["state"]["estimator"]["fitted"]


def _set(key, value):
    return lambda m, a: _fitted(m).__setitem__(key, value)


HAND_EDITS = {
    "coef_ shorter than n_features_in_": (
        lambda m, a: a.__setitem__(_fitted(m)["coef_"]["__array__"], np.zeros((1, 3))),
        "coef_ has 3 features but n_features_in_ is 4"),
    "coef_ as text": (_set("coef_", "0.5"), "coef_ must be a 1-D or 2-D float array"),
    "coef_ with NaN": (
        lambda m, a: a.__setitem__(_fitted(m)["coef_"]["__array__"], np.full((1, 4), np.nan)),
        "coef_ has NaN or infinite entries"),
    "coef_ removed": (lambda m, a: _fitted(m).pop("coef_"), "coef_ must be"),
    "intercept_ of two classes": (_set("intercept_", [0.0, 1.0]), "intercept_ must be 1 float"),
    "one class left": (_set("classes_", {"__objects__": ["yes"], "shape": [1]}),
                       "a classifier needs classes_, at least two labels"),
    "three classes for one row of coef_": (
        _set("classes_", {"__objects__": ["a", "b", "c"], "shape": [3]}),
        r"coef_ of shape \(1, 4\) does not fit 3 classes"),
    "array index out of range": (_set("coef_", {"__array__": 99, "scalar": False}),
                                 "IndexError"),
    "a private attribute": (_set("_secret", 1), "'_secret' is not a fitted attribute name"),
    "a dunder attribute": (_set("__class__", "os.system"), "is not a fitted attribute name"),
    "alpha out of range": (lambda m, a: m["state"]["estimator"]["params"].__setitem__(
        "alpha", -1.0), "alpha must be a finite number >= 0"),
    "an unknown parameter": (lambda m, a: m["state"]["estimator"]["params"].__setitem__(
        "callback", "os.system"), "unexpected keyword argument 'callback'"),
    "an unknown class": (lambda m, a: m["state"]["estimator"].__setitem__(
        "class", "Pipeline"), "unknown estimator class 'Pipeline'"),
    "an unknown kind": (lambda m, a: m.__setitem__("kind", "subprocess.Popen"),
                        r"holds a 'subprocess\.Popen', which this shrinkage does not know"),
    "a splitter outside the list": (_set("cv_", {"__splitter__": "PredefinedSplit",
                                                 "params": {}}),
                                    "unknown splitter 'PredefinedSplit'"),
    "state not a dict": (lambda m, a: m.__setitem__("state", []), "inconsistent"),
    "params not a dict": (lambda m, a: m["state"]["estimator"].__setitem__("params", []),
                          "inconsistent"),
    "format version 0": (lambda m, a: m.__setitem__("format_version", 0),
                         r"no valid format_version \(an integer >= 1, got 0\)"),
    "format version as text": (lambda m, a: m.__setitem__("format_version", "1"),
                               "no valid format_version"),
    "format version from the future": (lambda m, a: m.__setitem__("format_version", 10**6),
                                       r"format version 1000000, newer than version 1"),
    "another format": (lambda m, a: m.__setitem__("format", "sklearn-pickle"),
                       "not a shrinkage model file"),
}


@pytest.mark.parametrize("case", sorted(HAND_EDITS))
def test_hand_edited_files_with_a_recomputed_checksum_are_refused(model_file, case):
    change, message = HAND_EDITS[case]
    _edit(model_file, change)
    with pytest.raises(ModelFileError, match=message):
        sk.load(model_file)


def test_a_table_pipeline_whose_parts_disagree_is_refused(tmp_path):
    import pandas as pd

    from shrinkage.io import TablePipeline

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=40), "b": rng.choice(["x", "y"], 40)})
    pipeline = TablePipeline(sk.Lasso(alpha=0.1), target="t").fit(frame, rng.normal(size=40))
    path = tmp_path / "p.shrink"
    sk.save(pipeline, path)
    _edit(path, lambda m, a: m["state"]["pipeline"].__setitem__(
        "feature_names_", {"__objects__": ["a"], "shape": [1]}))
    with pytest.raises(ModelFileError, match="encodes 1 columns but its estimator was fitted on 3"):
        sk.load(path)


class _Trap:
    """Unpickling this creates the file it names: proof that code ran."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


@pytest.mark.parametrize("where", ["object array", "structured dtype with an object field",
                                   "raw pickle stream"])
def test_load_never_runs_a_pickled_payload(model_file, tmp_path, where):
    trap = tmp_path / "code-ran"
    if where == "raw pickle stream":
        payload = pickle.dumps(_Trap(trap))
    else:
        buffer = io.BytesIO()
        if where == "object array":
            array = np.array([_Trap(trap)], dtype=object)
        else:
            array = np.zeros(1, dtype=[("x", "f8"), ("y", "O")])
            array["y"][0] = _Trap(trap)
        np.save(buffer, array, allow_pickle=True)
        payload = buffer.getvalue()
    with zipfile.ZipFile(model_file) as archive:
        entries = {i.filename: archive.read(i) for i in archive.infolist()}
    entries["arrays/0.npy"] = payload
    write_entries(model_file, entries)  # correctly checksummed
    assert not trap.exists()
    with pytest.raises(ModelFileError, match="not a plain NumPy array"):
        sk.load(model_file)
    with pytest.raises(ModelFileError):
        sk.io.read_manifest(model_file)
    assert not trap.exists(), "load executed code from the file"


def test_a_manifest_nested_past_the_recursion_limit_is_refused(tmp_path):
    path = tmp_path / "deep.shrink"
    write_entries(path, {MANIFEST: b"[" * 100_000 + b"]" * 100_000})
    with pytest.raises(ModelFileError, match="nests too deeply"):
        sk.load(path)


def test_a_zip_bomb_is_not_inflated(tmp_path, monkeypatch):
    import shrinkage.io._container as container

    monkeypatch.setattr(container, "MAX_SIZE", 10_000)
    path = tmp_path / "bomb.shrink"
    write_entries(path, {MANIFEST: b"{}", "arrays/0.npy": b"\0" * 1_000_000})
    assert path.stat().st_size < 10_000  # small on disk, a megabyte inflated
    with pytest.raises(ModelFileError, match="declares more than 2 GiB of content"):
        sk.load(path)
