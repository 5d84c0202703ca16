"""The ``shrinkage`` command end to end, through the installed script (subprocess)."""

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import shrinkage as sk
from shrinkage.cli import main
from shrinkage.cli._data import load_dataset
from shrinkage.cli._fit import FitOptions, run_fit

SCRIPT = Path(sys.executable).with_name("shrinkage")


def run(*args, cwd, check=True):
    """The installed ``shrinkage`` script, as a user runs it."""
    done = subprocess.run([str(SCRIPT), *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300)
    assert "Traceback" not in done.stderr, done.stderr
    if check:
        assert done.returncode == 0, done.stderr
    return done


def houses(n=300, seed=0):
    """Numeric and categorical columns; price depends on area, rooms and city."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "area": rng.uniform(40, 200, n).round(1),
        "rooms": rng.integers(1, 6, n),
        "city": rng.choice(["north", "south", "east"], n),
        "noise": rng.normal(size=n),
    })
    effect = frame["city"].map({"north": 50.0, "south": -20.0, "east": 0.0})
    frame["price"] = (3 * frame["area"] + 10 * frame["rooms"] + effect
                      + rng.normal(0, 15, n)).round(2)
    return frame


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("data")
    frame = houses()
    frame.to_csv(path / "houses.csv", index=False)
    frame.to_parquet(path / "houses.parquet")
    houses(25, seed=1).drop(columns="price").to_csv(path / "new.csv", index=False)
    return path


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_default_run_twice_in_a_row(tmp_path):
    """The README's first command: built-in diabetes data, outputs in a new directory."""
    first = run("fit", cwd=tmp_path)
    out = first.stdout
    assert "ElasticNetCV on diabetes (built-in)" in out
    run_dir = tmp_path / "shrinkage-runs" / "diabetes-1"
    assert (run_dir / "report.html").stat().st_size > 50_000
    model = sk.load(run_dir / "model.shrink")
    est = model.estimator
    # What it prints is what the saved model holds.
    assert re.search(rf"chosen alpha +{est.alpha_:.4g} \(rule min\)", out), out
    assert re.search(rf"l1_ratio +{est.l1_ratio_:g}\s", out)
    assert f"alpha_min = {est.alpha_min_:.4g}" in out and f"alpha_1se = {est.alpha_1se_:.4g}" in out
    kept = int(np.count_nonzero(est.coef_))
    assert re.search(rf"features kept +{kept} of 10 \({10 - kept} set exactly to zero\)", out)
    assert re.search(r"R\^2 \(89 held-out rows\) +0\.\d+", out)
    assert "Dropped to zero" in out and "target 'target': elasticnet" in out
    # A second run never overwrites the first: it gets the next directory.
    second = run("fit", "--cv", "3", "--n-alphas", "10", cwd=tmp_path)
    assert "shrinkage-runs/diabetes-2/report.html" in second.stdout
    assert digest(run_dir / "model.shrink") == digest(run_dir / "model.shrink")
    assert sk.load(run_dir / "model.shrink").estimator.alpha_ == est.alpha_


def test_categorical_csv_and_predict_round_trip(tmp_path, data_dir, capsys):
    source = data_dir / "houses.csv"
    before = (digest(source), source.stat().st_mtime_ns)
    done = run("fit", source, "--target", "price", "--cv", "3", "--n-alphas", "20",
               "--out", tmp_path / "out", cwd=tmp_path)
    assert (digest(source), source.stat().st_mtime_ns) == before  # the input is only read
    assert "6 features from 4 columns" in done.stdout.replace("\n", " ")
    assert "city=north" in done.stdout
    model_file = tmp_path / "out" / "model.shrink"
    pred = run("predict", model_file, data_dir / "new.csv", "-o", tmp_path / "pred.csv",
               cwd=tmp_path)
    assert "Wrote 25 predictions" in pred.stderr
    written = pd.read_csv(tmp_path / "pred.csv")
    new = pd.read_csv(data_dir / "new.csv")
    assert list(written.columns) == ["prediction"]
    # Bit for bit what the saved model predicts in this process...
    assert np.array_equal(written["prediction"].to_numpy(), sk.load(model_file).predict(new))
    # ... and what the same fit gives when run here (to solver precision: the
    # command is the library, nothing else).
    dataset = load_dataset(source, dataset=None, target="price", drop=[], impute=None)
    here = run_fit(dataset.features, dataset.y, "price",
                   FitOptions(model="elasticnet", cv=3, n_alphas=20))
    np.testing.assert_allclose(written["prediction"].to_numpy(), here.pipeline.predict(new),
                               rtol=1e-10)
    # Standard output by default; extra columns are named and ignored.
    with_target = houses(5, seed=2)
    with_target["id"] = range(5)
    with_target.to_csv(tmp_path / "extra.csv", index=False)
    with pytest.raises(SystemExit) as info:
        main(["predict", str(model_file), str(tmp_path / "extra.csv")])
    assert info.value.code == 0
    shown = capsys.readouterr()
    assert shown.out.splitlines()[0] == "prediction" and len(shown.out.splitlines()) == 6
    assert "ignoring 1 column(s) the model does not use: id" in shown.err


def test_parquet_gives_the_csv_model(tmp_path, data_dir):
    run("fit", data_dir / "houses.parquet", "--target", "price", "--cv", "3", "--n-alphas", "20",
        "--model", "lasso", "--out", tmp_path / "pq", cwd=tmp_path)
    parquet = sk.load(tmp_path / "pq" / "model.shrink")
    dataset = load_dataset(data_dir / "houses.csv", dataset=None, target="price", drop=[],
                           impute=None)
    csv = run_fit(dataset.features, dataset.y, "price",
                  FitOptions(model="lasso", cv=3, n_alphas=20)).pipeline
    assert type(parquet.estimator).__name__ == "LassoCV"
    np.testing.assert_allclose(parquet.estimator.coef_, csv.estimator.coef_, rtol=1e-10)
    assert parquet.estimator.alpha_ == csv.estimator.alpha_
    assert list(parquet.feature_names_) == list(csv.feature_names_)


def test_classification_with_probabilities(tmp_path):
    done = run("fit", "--dataset", "breast_cancer", "--cv", "3", "--n-alphas", "20",
               "--rule", "1se", "--out", tmp_path / "out", cwd=tmp_path)
    model = sk.load(tmp_path / "out" / "model.shrink")
    assert "LogisticRegressionCV on breast_cancer" in done.stdout
    assert model.estimator.alpha_ == model.estimator.alpha_1se_
    from sklearn.datasets import load_breast_cancer

    frame = load_breast_cancer(as_frame=True).data
    frame.to_csv(tmp_path / "cells.csv", index=False)
    run("predict", tmp_path / "out" / "model.shrink", tmp_path / "cells.csv",
        "-o", tmp_path / "pred.csv", cwd=tmp_path)
    written = pd.read_csv(tmp_path / "pred.csv")
    assert list(written.columns) == ["prediction", "proba_benign", "proba_malignant"]
    cells = pd.read_csv(tmp_path / "cells.csv")
    assert np.array_equal(written[["proba_benign", "proba_malignant"]].to_numpy(),
                          model.predict_proba(cells))
    assert set(written["prediction"]) == {"benign", "malignant"}
    accuracy = float(re.search(r"accuracy \(114 held-out rows\) +([\d.]+)", done.stdout)[1])
    assert accuracy > 0.9
    assert re.search(r"AUC \(114 held-out rows\) +0\.9\d", done.stdout)


def test_path_command_prints_the_library_path(tmp_path):
    done = run("path", "--n-alphas", "12", cwd=tmp_path)
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True, as_frame=True)
    # A numeric target: the Lasso path (features enter one by one).
    path = sk.regularization_path(X, y, n_alphas=12, standardize=True, l1_ratio=1.0)
    rows = [line for line in done.stdout.splitlines() if re.match(r"│ +[\d.e-]+ │", line)]
    assert len(rows) == 12
    assert [int(r.split("│")[2]) for r in rows] == path.df.tolist()
    assert "+bmi" in rows[1] and f"Entry order: {', '.join(path.names(path.entry_order()))}" \
        in done.stdout.replace("\n", " ")


def test_help_documents_every_command_and_option(tmp_path, capsys):
    top = run("--help", cwd=tmp_path).stdout
    for command in ("fit", "predict", "path"):
        assert re.search(rf"^  {command} ", top, re.M), command
    assert "shrinkage fit houses.csv --target price" in top  # examples
    for command, options in {
        "fit": ("--target", "--model", "--l1-ratio", "--cv", "--rule", "--standardize",
                "--test-size", "--out", "--force", "--dataset", "--impute", "--drop",
                "--n-alphas", "--seed", "--jobs"),
        "predict": ("MODEL", "DATA", "-o, --output", "--ignore-unknown"),
        "path": ("--target", "--model", "--l1-ratio", "--n-alphas", "--standardize"),
    }.items():
        with pytest.raises(SystemExit) as info:
            main([command, "--help"])
        assert info.value.code == 0
        text = capsys.readouterr().out
        for option in options:
            assert option in text, (command, option)
