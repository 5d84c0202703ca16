"""``shrinkage fit --engine dask``: Parquet folders and globs, a given scheduler or a local one,
and the same report.html (path, CV curve, training and held-out loss, tables) as in memory."""

from __future__ import annotations

import re

import dask.dataframe as dd
import distributed
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error, r2_score, roc_auc_score

import shrinkage as sk
from shrinkage import distributed as sd
from shrinkage.cli import main
from test_cli import run


@pytest.fixture(scope="module")
def scheduler():
    """A cluster the command's subprocess reaches over loopback TCP."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
        dashboard_address=None,
    ) as cluster, distributed.Client(cluster) as client:
        yield client, cluster.scheduler_address


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Three Parquet files of one table: five numeric features, a number and a 0/1 label."""
    root = tmp_path_factory.mktemp("parquet")
    rng = np.random.default_rng(0)
    for k in range(3):
        X = rng.standard_normal((700, 5))
        frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(5)])
        frame["price"] = 2 * X[:, 0] - X[:, 1] + rng.standard_normal(700)
        frame["sold"] = (X[:, 0] + rng.logistic(size=700) > 0).astype(int)
        frame.to_parquet(root / f"part-{k}.parquet")
    return root


def _images(page):
    return re.findall(r'alt="(\w+) plot" src="data:image/png;base64,', page)


def test_fit_a_parquet_folder_on_a_given_scheduler(scheduler, folder, tmp_path):
    _, address = scheduler
    done = run("fit", folder, "--target", "price", "--drop", "sold", "--engine", "dask",
               "--scheduler", address, "--model", "lasso", "--cv", "4", "--n-alphas", "20",
               "--test-size", "0", "--out", tmp_path / "run", cwd=tmp_path)
    assert "starting a local Dask cluster" not in done.stderr
    assert "2100 training rows; 5 features" in " ".join(done.stdout.split())  # rich wraps
    # No held-out rows: the report has no loss picture, as in memory with --test-size 0.
    page = (tmp_path / "run" / "report.html").read_text()
    assert 'alt="path plot"' in page and 'alt="loss plot"' not in page
    saved = sk.load(tmp_path / "run" / "model.shrink")
    # The same estimator in this process, on the same data and folds.
    frame = dd.read_parquet(str(folder))
    features = [f"x{j}" for j in range(5)]
    expected = sd.LassoCV(cv=sd.HashFolds(4, seed=0), alphas=20, standardize=True).fit(
        frame[features], frame["price"])
    np.testing.assert_allclose(saved.estimator.coef_, expected.coef_, rtol=1e-10, atol=1e-12)
    assert saved.estimator.alpha_ == expected.alpha_
    # shrinkage predict reads the model like any other.
    new = pd.read_parquet(folder / "part-0.parquet").head(7)
    new.to_csv(tmp_path / "new.csv", index=False)
    predicted = run("predict", tmp_path / "run" / "model.shrink", tmp_path / "new.csv",
                    cwd=tmp_path)
    values = np.array(predicted.stdout.split()[1:], dtype=float)
    np.testing.assert_allclose(values, expected.predict(new[features]), rtol=1e-10)


def test_fit_a_glob_with_its_own_local_cluster(folder, tmp_path):
    done = run("fit", folder / "part-*.parquet", "--target", "sold", "--drop", "price",
               "--engine", "dask", "--cv", "2", "--n-alphas", "3", "--out", tmp_path / "run",
               cwd=tmp_path)
    assert "starting a local Dask cluster" in done.stderr
    assert "engine: dask (LogisticRegressionCV of shrinkage.distributed)" in " ".join(
        done.stdout.split())
    saved = sk.load(tmp_path / "run" / "model.shrink")
    assert list(saved.estimator.classes_) == [0, 1]
    assert saved.estimator.coef_[0, 0] > 0.5  # x0 drives the label
    # The report scores the held-out rows as the in-memory one does.
    from shrinkage.cli._dask_report import split_held_out

    page = (tmp_path / "run" / "report.html").read_text()
    assert _images(page) == ["path", "cv", "loss"] and "classes: 0 (" in page
    metrics = sk.io.read_manifest(tmp_path / "run" / "model.shrink")["metadata"]["metrics"]
    _, test = (p.compute() for p in split_held_out(dd.read_parquet(str(folder)), 0.2, 0))
    proba = saved.estimator.predict_proba(test[[f"x{j}" for j in range(5)]].to_numpy())
    assert metrics["accuracy"] == pytest.approx(
        accuracy_score(test["sold"], proba.argmax(axis=1)), rel=1e-12)
    assert metrics["log-loss"] == pytest.approx(log_loss(test["sold"], proba), rel=1e-8)
    # AUC from log-odds histograms (bins 0.01 wide): ties within a bin only.
    assert metrics["AUC"] == pytest.approx(roc_auc_score(test["sold"], proba[:, 1]), abs=2e-3)


def test_the_report_is_the_in_memory_one_computed_on_the_cluster(scheduler, folder, tmp_path):
    from shrinkage.cli._dask_report import split_held_out
    from shrinkage.plotting._loss_display import path_loss

    _, address = scheduler
    done = run("fit", folder, "--target", "price", "--drop", "sold", "--engine", "dask",
               "--scheduler", address, "--model", "lasso", "--cv", "3", "--n-alphas", "15",
               "--out", tmp_path / "run", cwd=tmp_path)
    page = (tmp_path / "run" / "report.html").read_text()
    assert _images(page) == ["path", "cv", "loss"]
    for part in ('id="coefficients"', 'id="columns"', 'id="command"', "Held-out test metrics",
                 "x0</td><td>numeric", "--engine dask"):
        assert part in page
    # The same split, fit and held-out numbers, computed here in memory.
    train, test = (p.compute() for p in split_held_out(dd.read_parquet(str(folder)), 0.2, 0))
    assert 0.15 < len(test) / 2100 < 0.25
    assert f"{len(train)} training rows, {len(test)} held out" in " ".join(done.stdout.split())
    features = [f"x{j}" for j in range(5)]
    memory = sk.LassoCV(cv=sd.HashFolds(3).split(len(train)), alphas=15, standardize=True).fit(
        train[features].to_numpy(), train["price"].to_numpy())
    saved = sk.load(tmp_path / "run" / "model.shrink")
    np.testing.assert_allclose(saved.estimator.coef_, memory.coef_, rtol=1e-8, atol=1e-10)
    metrics = sk.io.read_manifest(tmp_path / "run" / "model.shrink")["metadata"]["metrics"]
    predicted = memory.predict(test[features].to_numpy())
    assert metrics["MSE"] == pytest.approx(mean_squared_error(test["price"], predicted), rel=1e-8)
    assert metrics["R^2"] == pytest.approx(r2_score(test["price"], predicted), rel=1e-8)
    # The loss picture's validation curve is the in-memory path's loss on the held-out rows.
    from shrinkage.cli._dask_report import _squared_held_out

    along, _, n_test = _squared_held_out(
        sd.LassoCV(cv=sd.HashFolds(3), alphas=15, standardize=True).fit(
            train[features], train["price"]),
        dd.from_pandas(test, npartitions=2), features, "price")
    assert n_test == len(test)
    np.testing.assert_allclose(
        along, path_loss(memory.path_, test[features].to_numpy(), test["price"].to_numpy()),
        rtol=1e-8)


def _fails(args, capsys):
    """Run the command in this process; its exit status and one-line error."""
    with pytest.raises(SystemExit) as exit_info:
        main([str(a) for a in args])
    return exit_info.value.code, capsys.readouterr().err


def test_errors_name_the_problem(scheduler, folder, tmp_path, capsys):
    _, address = scheduler
    text = pd.read_parquet(folder / "part-0.parquet")
    text["city"] = "Oslo"
    text.to_parquet(tmp_path / "text.parquet")
    code, err = _fails(["fit", tmp_path / "text.parquet", "--target", "price", "--engine",
                        "dask", "--scheduler", address, "--out", tmp_path / "a"], capsys)
    assert code == 1 and "non-numeric columns ['city']" in err
    assert not (tmp_path / "a").exists()
    code, err = _fails(["fit", folder, "--target", "prize", "--engine", "dask"], capsys)
    assert code == 1 and "did you mean 'price'" in err
    code, err = _fails(["fit", folder, "--target", "price", "--engine", "dask", "--impute",
                        "mean"], capsys)
    assert code == 2 and "--impute" in err
    code, err = _fails(["fit", tmp_path / "missing", "--target", "price", "--engine", "dask"],
                       capsys)
    assert code == 1 and "no such file or folder" in err
    code, err = _fails(["fit", "--scheduler", address], capsys)
    assert code == 2 and "--scheduler is for --engine dask" in err
