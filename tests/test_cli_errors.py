"""Bad input: one line ``error: ...``, a non-zero exit, never a traceback; inputs untouched."""

import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from shrinkage.cli import main
from shrinkage.io import FORMAT_VERSION
from shrinkage.io._container import read_container, write_container

SCRIPT = Path(sys.executable).with_name("shrinkage")


def call(capsys, *args):
    """Run the command in this process: (exit status, stdout, stderr)."""
    with pytest.raises(SystemExit) as info:
        main([str(a) for a in args])
    out, err = capsys.readouterr()
    return info.value.code, out, err


def assert_one_line_error(code, err, expected, status=1):
    assert code == status, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert expected in lines[0], lines[0]
    assert "Traceback" not in err


def table(n=60, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "x1": rng.normal(size=n), "x2": rng.normal(size=n),
        "color": rng.choice(["red", "blue"], n), "y": rng.normal(size=n),
    })


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    """A small fitted model (and its training CSV) made by the command."""
    path = tmp_path_factory.mktemp("model")
    table().to_csv(path / "train.csv", index=False)
    with pytest.raises(SystemExit) as info:
        main(["fit", str(path / "train.csv"), "-t", "y", "--cv", "3", "--n-alphas", "5",
              "--model", "lasso", "--out", str(path / "out")])
    assert info.value.code == 0
    return path / "out" / "model.shrink"


@pytest.mark.parametrize("name, content, args, expected", [
    ("missing.csv", None, ["-t", "y"], "missing.csv: no such file."),
    ("data.csv", "x1,y\n1,2\n3,4\n", ["-t", "z"], "target 'z' is not a column of"),
    ("data.csv", "x1,label\n1,a\n3,b\n2,a\n", ["-t", "label", "--model", "ridge"],
     "the target 'label' is not numeric (it holds e.g. 'a'); --model ridge needs numbers"),
    ("empty.csv", "", ["-t", "y"], "empty.csv is empty"),
    ("header.csv", "x1,y\n", ["-t", "y"], "header.csv has a header but no rows."),
    ("blank.csv", "x1,x2,y\n1,,2.5\n3,,4.1\n5,,6.2\n", ["-t", "y"],
     "column(s) with only missing values: 'x2' (3 of 3)"),
    ("gaps.csv", "x1,x2,y\n1,,2.5\n,1,4.1\n5,,6.2\n", ["-t", "y"],
     "missing values in 'x1' (1 of 3), 'x2' (2 of 3)"),
    ("data.xlsx", "x", ["-t", "y"], "unknown file type '.xlsx'"),
    ("bad.parquet", "not parquet", ["-t", "y"], "cannot read"),
    ("data.csv", "x1,y\n1,2\n3,4\n", [], "--target is required with a data file"),
])
def test_bad_data(tmp_path, capsys, name, content, args, expected):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    before = path.read_bytes() if content is not None else None
    code, _, err = call(capsys, "fit", path, *args, "--out", tmp_path / "out")
    status = 2 if expected.startswith("--target") else 1
    assert_one_line_error(code, err, expected, status)
    if before is not None:
        assert path.read_bytes() == before  # the input is never modified
    assert not (tmp_path / "out").exists()  # nothing half-made is left behind


@pytest.mark.parametrize("args, expected", [
    (["--rule", "max"], "--rule must be one of min, 1se; got 'max'."),
    (["--cv", "1"], "--cv must be at least 2 folds"),
    (["--test-size", "1.5"], "--test-size must lie in [0, 1)"),
    (["--l1-ratio", "0.5,2"], "--l1-ratio values must lie in [0, 1]"),
    (["--model", "lasso", "--l1-ratio", "0.5"], "--l1-ratio is for elasticnet and logistic"),
    (["--model", "svm"], "--model must be one of"),
    (["--dataset", "iris"], "--dataset must be one of diabetes, breast_cancer"),
    (["--cv", "five"], "Invalid value for '--cv'"),
    (["--bogus"], "No such option: --bogus"),
])
def test_bad_options_are_usage_errors(tmp_path, capsys, args, expected):
    code, _, err = call(capsys, "fit", *args, "--out", tmp_path / "out")
    assert_one_line_error(code, err, expected, status=2)


def test_out_refuses_a_non_empty_directory_unless_forced(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    args = ["fit", "--cv", "3", "--n-alphas", "5", "--out", out]
    code, _, err = call(capsys, *args)
    assert_one_line_error(code, err, "is not empty; choose a new directory, or pass --force", 2)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    code, _, _ = call(capsys, *args, "--force")
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["model.shrink", "notes.txt", "report.html"]
    assert (out / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("damage, expected", [
    (lambda data: data[: len(data) // 2], "damaged"),
    (lambda data: data[:100] + bytes([data[100] ^ 1]) + data[101:], "damaged"),
    (lambda data: b"", "damaged or truncated"),
])
def test_damaged_model_files(tmp_path, capsys, model_file, damage, expected):
    bad = tmp_path / "model.shrink"
    bad.write_bytes(damage(model_file.read_bytes()))
    table().to_csv(tmp_path / "new.csv", index=False)
    code, out, err = call(capsys, "predict", bad, tmp_path / "new.csv")
    assert_one_line_error(code, err, expected)
    assert out == ""


def test_model_file_from_a_newer_format(tmp_path, capsys, model_file):
    manifest, arrays = read_container(model_file)
    manifest["format_version"] = FORMAT_VERSION + 1
    newer = tmp_path / "newer.shrink"
    write_container(newer, manifest, arrays)
    table().to_csv(tmp_path / "new.csv", index=False)
    code, _, err = call(capsys, "predict", newer, tmp_path / "new.csv")
    assert_one_line_error(code, err, f"format version {FORMAT_VERSION + 1}, newer than version "
                                     f"{FORMAT_VERSION}")
    assert "upgrade shrinkage" in err


def test_predict_checks_columns_and_categories(tmp_path, capsys, model_file):
    new = table(10, seed=3)
    new.drop(columns=["x2", "color"]).to_csv(tmp_path / "lacking.csv", index=False)
    code, _, err = call(capsys, "predict", model_file, tmp_path / "lacking.csv")
    assert_one_line_error(code, err, "lacks 2 column(s) the model needs: 'x2', 'color'")
    new.loc[3, "color"] = "green"
    new.to_csv(tmp_path / "green.csv", index=False)
    code, _, err = call(capsys, "predict", model_file, tmp_path / "green.csv")
    assert_one_line_error(code, err, "'color' has 1 category not seen in training: 'green'")
    code, out, _ = call(capsys, "predict", model_file, tmp_path / "green.csv", "--ignore-unknown")
    assert code == 0 and len(out.splitlines()) == 11
    new["x1"] = "abc"
    new.to_csv(tmp_path / "text.csv", index=False)
    code, _, err = call(capsys, "predict", model_file, tmp_path / "text.csv")
    assert_one_line_error(code, err, "column 'x1' must be numeric")


def test_predict_never_overwrites_its_input(tmp_path, capsys, model_file):
    new = tmp_path / "new.csv"
    table(10).to_csv(new, index=False)
    before = hashlib.sha256(new.read_bytes()).hexdigest()
    for target in (new, model_file):
        code, _, err = call(capsys, "predict", model_file, new, "-o", target)
        assert_one_line_error(code, err, "refusing to overwrite the input file", 2)
    assert hashlib.sha256(new.read_bytes()).hexdigest() == before


def test_impute_fills_and_drops_rows_without_target(tmp_path, capsys):
    frame = table(80)
    frame.loc[:4, "x1"] = np.nan
    frame.loc[5:6, "y"] = np.nan
    frame.to_csv(tmp_path / "gaps.csv", index=False)
    code, _, err = call(capsys, "fit", tmp_path / "gaps.csv", "-t", "y", "--out",
                        tmp_path / "a")
    assert_one_line_error(code, err, "the target column 'y' has 2 missing value(s) of 80")
    code, out, _ = call(capsys, "fit", tmp_path / "gaps.csv", "-t", "y", "--impute", "mean",
                        "--cv", "3", "--n-alphas", "5", "--out", tmp_path / "b")
    assert code == 0 and "78 training rows" not in out  # 78 rows kept, 20% held out
    assert "62 training rows, 16 held out" in out


def test_the_real_script_prints_no_traceback(tmp_path):
    """Through the installed entry point: one line on stderr, status 1, nothing on stdout."""
    (tmp_path / "broken.shrink").write_bytes(b"PK\x03\x04 truncated")
    (tmp_path / "new.csv").write_text("x1\n1\n")
    done = subprocess.run([str(SCRIPT), "predict", "broken.shrink", "new.csv"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("error: broken.shrink is not a readable shrinkage model file")
    assert len(done.stderr.strip().splitlines()) == 1
