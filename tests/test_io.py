"""shrinkage.save / shrinkage.load: exact round trips, and every damaged file refused."""

import io
import json
import os
import zipfile

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.model_selection import KFold

import shrinkage as sk
from shrinkage.io import FORMAT_VERSION, ModelFileError, TablePipeline, read_manifest
from shrinkage.io._container import MANIFEST, read_container, write_container, write_entries


@pytest.fixture(scope="module")
def regression():
    return load_diabetes(return_X_y=True, as_frame=True)


@pytest.fixture(scope="module")
def binary():
    return load_breast_cancer(return_X_y=True)


def _models(regression, binary):
    X, y = regression
    Xc, yc = binary
    Xi, yi = load_iris(return_X_y=True)
    labels = np.array(["setosa", "versicolor", "virginica"])[yi]
    return [
        (sk.Lasso(alpha=0.1).fit(X, y), X),
        (sk.ElasticNet(alpha=0.05, l1_ratio=0.3, penalty_factor=[0] + [1] * 9).fit(X, y), X),
        (sk.Ridge(alpha=1.0).fit(X.to_numpy(np.float32), y), X.to_numpy(np.float32)),
        (sk.LassoCV(cv=KFold(3, shuffle=True, random_state=0), alphas=20).fit(X, y), X),
        (sk.ElasticNetCV(l1_ratio=[0.5, 1.0], cv=3, alphas=10, rule="1se").fit(X, y), X),
        (sk.RidgeCV().fit(X, y), X),
        (sk.RidgeCV(cv=3, rule="1se").fit(X, y), X),
        (sk.LogisticRegression(alpha=0.01, l1_ratio=1.0, standardize=True).fit(Xc, yc), Xc),
        (sk.LogisticRegressionCV(cv=3, alphas=10, standardize=True).fit(Xc, yc), Xc),
        (sk.LogisticRegression(alpha=0.01, class_weight={"setosa": 2.0, "versicolor": 1.0,
                                                         "virginica": 1.0}).fit(Xi, labels), Xi),
    ]


def test_every_estimator_predicts_bit_for_bit_after_a_round_trip(tmp_path, regression, binary):
    for k, (model, X) in enumerate(_models(regression, binary)):
        path = tmp_path / f"{k}.shrink"
        sk.save(model, path)
        loaded = sk.load(path)
        assert type(loaded) is type(model)
        assert np.array_equal(loaded.predict(X), model.predict(X)), type(model).__name__
        if hasattr(model, "predict_proba"):
            assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
            assert np.array_equal(loaded.classes_, model.classes_)
        assert loaded.coef_.dtype == model.coef_.dtype
        assert type(loaded.intercept_) is type(model.intercept_)
        # Plain parameters come back equal (splitters by their repr).
        for name, value in model.get_params().items():
            got = loaded.get_params()[name]
            assert repr(got) == repr(value), (type(model).__name__, name)


def test_cv_attributes_and_path_survive(tmp_path, regression):
    X, y = regression
    model = sk.ElasticNetCV(l1_ratio=[0.5, 1.0], cv=3, alphas=10).fit(X, y)
    sk.save(model, tmp_path / "m.shrink")
    loaded = sk.load(tmp_path / "m.shrink")
    assert loaded.alpha_ == model.alpha_ and loaded.alpha_1se_ == model.alpha_1se_
    assert loaded.l1_ratio_ == model.l1_ratio_
    for key, value in model.cv_results_.items():
        assert np.array_equal(loaded.cv_results_[key], value)
    assert isinstance(loaded.path_, sk.Path)
    assert np.array_equal(loaded.path_.coefs, model.path_.coefs)
    assert list(loaded.path_.feature_names) == list(X.columns)
    assert list(loaded.feature_names_in_) == list(X.columns)
    # The loaded model still refuses a frame with other columns, as the original.
    with pytest.raises(ValueError, match="feature names"):
        loaded.predict(X.rename(columns={"bmi": "BMI"}))


def _table(n=120, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "area": rng.uniform(40, 200, n),
        "city": rng.choice(["north", "south", "east"], n),
        "rooms": rng.integers(1, 6, n),
        "style": pd.Categorical(rng.choice(["old", "new"], n)),
    })
    y = 3 * frame["area"] + frame["city"].map({"north": 50, "south": -20, "east": 0}) + rng.normal(
        0, 10, n)
    return frame, y.to_numpy()


def test_table_pipeline_round_trip_encodes_categories_as_saved(tmp_path):
    frame, y = _table()
    pipeline = TablePipeline(sk.LassoCV(cv=3, alphas=20), target="price").fit(frame, y)
    assert list(pipeline.feature_names_) == [
        "area", "rooms", "city=east", "city=north", "city=south", "style=new", "style=old"]
    sk.save(pipeline, tmp_path / "p.shrink", metadata={"command": "shrinkage fit x.csv"})
    loaded = sk.load(tmp_path / "p.shrink")
    new, _ = _table(40, seed=1)
    assert np.array_equal(loaded.predict(new), pipeline.predict(new))
    # The rebuilt encoder is scikit-learn's, with the saved categories.
    assert np.array_equal(loaded.transform(new).to_numpy(), pipeline.transform(new).to_numpy())
    assert [list(c) for c in loaded._encoder.categories_] == pipeline.categories_
    assert read_manifest(tmp_path / "p.shrink")["metadata"] == {"command": "shrinkage fit x.csv"}
    # Column order in new data does not matter; unseen categories are named.
    assert np.array_equal(loaded.predict(new[new.columns[::-1]]), pipeline.predict(new))
    bad = new.copy()
    bad.loc[0, "city"] = "west"
    with pytest.raises(ValueError, match=r"'city' has 1 category not seen in training: 'west'"):
        loaded.predict(bad)
    loaded.unknown = "ignore"
    assert loaded.transform(bad).filter(like="city=").iloc[0].sum() == 0


def test_table_pipeline_imputes_with_training_values(tmp_path):
    frame, y = _table()
    frame.loc[:9, "area"] = np.nan
    frame.loc[:4, "city"] = None
    with pytest.raises(ValueError, match=r"missing values in 'area' \(10 of 120\), 'city' \(5"):
        TablePipeline(sk.Lasso(alpha=1.0), target="price").fit(frame, y)
    pipeline = TablePipeline(sk.Lasso(alpha=1.0), target="price", impute="median").fit(frame, y)
    assert pipeline.fill_["area"] == float(frame["area"].median())
    sk.save(pipeline, tmp_path / "p.shrink")
    loaded = sk.load(tmp_path / "p.shrink")
    assert np.array_equal(loaded.predict(frame), pipeline.predict(frame))


@pytest.fixture
def model_file(tmp_path, regression):
    X, y = regression
    path = tmp_path / "model.shrink"
    sk.save(sk.LassoCV(cv=3, alphas=10).fit(X, y), path)
    return path


def test_truncated_file_is_refused(model_file):
    data = model_file.read_bytes()
    for cut in (10, len(data) // 2, len(data) - 30):
        model_file.write_bytes(data[:cut])
        with pytest.raises(ModelFileError, match="damaged"):
            sk.load(model_file)


def test_every_flipped_byte_is_refused(model_file):
    """The checksum covers the whole file, ZIP headers included: no flip goes unnoticed."""
    data = model_file.read_bytes()
    # Every 7th byte (a stride coprime with the entries' layout) and all of
    # the end (the central directory and the checksum itself): flip each one.
    offsets = sorted(set(range(0, len(data), 7)) | set(range(len(data) - 200, len(data))))
    for offset in offsets:
        damaged = bytearray(data)
        damaged[offset] ^= 0x20
        model_file.write_bytes(bytes(damaged))
        with pytest.raises(ModelFileError):
            sk.load(model_file)


def _entries(path):
    with zipfile.ZipFile(path) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def test_hand_edited_manifest_is_refused(model_file):
    entries = _entries(model_file)
    manifest = json.loads(entries[MANIFEST])
    manifest["state"]["estimator"]["params"]["alphas"] = 11
    entries[MANIFEST] = json.dumps(manifest).encode()
    with zipfile.ZipFile(model_file, "w") as archive:  # rewritten by hand: no valid checksum
        for name, content in entries.items():
            archive.writestr(name, content)
    with pytest.raises(ModelFileError, match="checksum does not match"):
        sk.load(model_file)


def test_newer_format_version_names_both_versions(model_file):
    manifest, arrays = read_container(model_file)
    manifest["format_version"] = FORMAT_VERSION + 1
    write_container(model_file, manifest, arrays)  # a valid file of the next version
    with pytest.raises(ModelFileError) as info:
        sk.load(model_file)
    message = str(info.value)
    assert f"format version {FORMAT_VERSION + 1}" in message
    assert f"version {FORMAT_VERSION} that shrinkage" in message and "upgrade" in message


def test_foreign_and_missing_files_are_refused(tmp_path, model_file):
    with pytest.raises(ModelFileError, match="no such file"):
        sk.load(tmp_path / "nothing.shrink")
    (tmp_path / "text.shrink").write_text("hello")
    with pytest.raises(ModelFileError, match="not a readable shrinkage model file"):
        sk.load(tmp_path / "text.shrink")
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ModelFileError, match="not a shrinkage model file"):
        sk.load(other)
    # An unknown kind, correctly checksummed, is refused by name.
    manifest, arrays = read_container(model_file)
    manifest["kind"] = "os.system"
    write_container(model_file, manifest, arrays)
    with pytest.raises(ModelFileError, match=r"'os\.system'"):
        sk.load(model_file)


def test_loading_never_unpickles(model_file):
    """An object array (what np.save pickles) is refused even with a valid checksum."""
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"x": 1}], dtype=object), allow_pickle=True)
    entries = _entries(model_file)
    entries["arrays/0.npy"] = buffer.getvalue()
    write_entries(model_file, entries)
    with pytest.raises(ModelFileError, match="not a plain NumPy array"):
        sk.load(model_file)


def test_only_known_classes_are_rebuilt(model_file):
    manifest, arrays = read_container(model_file)
    manifest["state"]["estimator"]["class"] = "Pipeline"
    write_container(model_file, manifest, arrays)  # correctly checksummed
    with pytest.raises(ModelFileError, match="unknown estimator class 'Pipeline'"):
        sk.load(model_file)


def test_save_refuses_what_it_cannot_hold(tmp_path, regression):
    X, y = regression
    with pytest.raises(ValueError, match="not fitted"):
        sk.save(sk.Lasso(), tmp_path / "m.shrink")
    from sklearn.linear_model import Lasso as SklearnLasso

    with pytest.raises(TypeError, match="got Lasso"):
        sk.save(SklearnLasso().fit(X, y), tmp_path / "m.shrink")
    assert not (tmp_path / "m.shrink").exists()


def test_writes_are_atomic(tmp_path, regression, monkeypatch):
    X, y = regression
    path = tmp_path / "m.shrink"
    sk.save(sk.Lasso(alpha=1.0).fit(X, y), path)
    before = path.read_bytes()
    # A failure half-way through writing leaves the old file whole and no temporary.
    import shrinkage.io._container as container

    def broken(array):
        raise OSError("disk full")

    monkeypatch.setattr(container, "_npy_bytes", broken)
    with pytest.raises(OSError, match="disk full"):
        sk.save(sk.Lasso(alpha=2.0).fit(X, y), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.shrink"]
    # The file gets the mode of a plain open(), not mkstemp's 0600.
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_save_and_load_are_lazy_attributes():
    assert sk.save is sk.io.save and sk.load is sk.io.load
    assert {"save", "load", "io"} <= set(sk.__all__)
