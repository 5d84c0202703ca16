"""The command under interruption and bad data: no half-written output, inputs untouched.

``shrinkage fit`` is killed (SIGKILL and SIGINT) at several moments of a
real run in a subprocess; the output directory must then hold only
complete files (a report that ends, a model that loads) or none. The
temporary files of ``atomic_write`` are hidden (``.report.html.*.tmp``):
a SIGKILL may leave one, which is the only thing allowed besides complete
outputs; a SIGINT removes them.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import shrinkage as sk
from test_cli_errors import call

SCRIPT = Path(sys.executable).with_name("shrinkage")
OUTPUTS = {"report.html", "model.shrink"}


def one_line_error(code, err, expected, status=1):
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("warning")]
    assert code == status, err
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert expected in lines[0], lines[0]


def _table(n=3000, p=12, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(p)])
    frame["y"] = X[:, :4].sum(axis=1) + rng.normal(size=n)
    return frame


def _check_outputs(directory: Path, allow_temporary: bool) -> set[str]:
    """The complete outputs in ``directory``; fails on anything partial or unexpected."""
    if not directory.exists():
        return set()
    names = {p.name for p in directory.iterdir()}
    temporary = {n for n in names if n.startswith(".") and n.endswith(".tmp")
                 and n[1:].split(".tmp")[0].rsplit(".", 1)[0] in OUTPUTS}
    assert names - OUTPUTS - temporary == set(), names
    if not allow_temporary:
        assert not temporary, temporary
    if "report.html" in names:
        assert (directory / "report.html").read_text().rstrip().endswith("</html>")
    if "model.shrink" in names:
        model = sk.load(directory / "model.shrink")
        assert np.all(np.isfinite(model.predict(_table(5))))
    return names & OUTPUTS


def _start(data, out):
    return subprocess.Popen(
        [str(SCRIPT), "fit", str(data), "-t", "y", "--n-alphas", "20", "--out", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


def test_killed_runs_leave_only_complete_outputs(tmp_path):
    data = tmp_path / "data.csv"
    _table().to_csv(data, index=False)
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    start = time.perf_counter()
    full = _start(data, tmp_path / "full")
    assert full.wait(timeout=300) == 0, full.stderr.read() if full.stderr else ""
    duration = time.perf_counter() - start
    assert _check_outputs(tmp_path / "full", allow_temporary=False) == OUTPUTS
    # Interrupted runs, all at once, each at its own moment of the run.
    plan = [(signal.SIGKILL, f) for f in (0.3, 0.6, 0.8, 0.95)] + [
        (signal.SIGINT, f) for f in (0.5, 0.8, 0.95)]
    procs = [(sig, frac, _start(data, tmp_path / f"run{k}")) for k, (sig, frac) in enumerate(plan)]
    begun = time.perf_counter()
    for sig, frac, proc in sorted(procs, key=lambda t: t[1]):
        time.sleep(max(0.0, begun + frac * duration - time.perf_counter()))
        if proc.poll() is None:
            proc.send_signal(sig)
    for k, (sig, _, proc) in enumerate(procs):
        _, err = proc.communicate(timeout=300)
        if sig == signal.SIGINT and proc.returncode == 130:
            assert "error: interrupted." in err and "Traceback" not in err
        _check_outputs(tmp_path / f"run{k}", allow_temporary=sig == signal.SIGKILL)
    assert hashlib.sha256(data.read_bytes()).hexdigest() == digest


@pytest.fixture
def small_data(tmp_path):
    path = tmp_path / "data.csv"
    _table(200, 4).to_csv(path, index=False)
    return path


def test_an_interrupt_while_writing_the_report_leaves_nothing(tmp_path, capsys, small_data,
                                                              monkeypatch):
    import shrinkage.io._container as container

    def interrupted(source, target):
        raise KeyboardInterrupt  # the page is written and synced, not yet renamed

    monkeypatch.setattr(container.os, "replace", interrupted)
    code, out, err = call(capsys, "fit", small_data, "-t", "y", "--cv", "3", "--n-alphas", "5",
                          "--out", tmp_path / "out")
    assert code == 130 and "error: interrupted." in err, (out, err)
    assert not (tmp_path / "out").exists()  # the run made it, and removed it empty


def test_an_interrupt_while_saving_the_model_keeps_the_complete_report(
        tmp_path, capsys, small_data, monkeypatch):
    import shrinkage.cli._run as run

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(run, "save", interrupted)
    code, _, _ = call(capsys, "fit", small_data, "-t", "y", "--cv", "3", "--n-alphas", "5",
                      "--out", tmp_path / "out")
    assert code == 130
    assert _check_outputs(tmp_path / "out", allow_temporary=False) == {"report.html"}


def test_fit_never_writes_into_its_input(tmp_path, capsys, small_data):
    before = hashlib.sha256(small_data.read_bytes()).hexdigest()
    # Outputs next to the data, in the data's own directory (--force: it is not empty).
    code, _, _ = call(capsys, "fit", small_data, "-t", "y", "--cv", "3", "--n-alphas", "5",
                      "--out", small_data.parent, "--force")
    assert code == 0
    assert hashlib.sha256(small_data.read_bytes()).hexdigest() == before
    # An output name that is a link to the input is refused, and the input kept.
    out = tmp_path / "linked"
    out.mkdir()
    os.symlink(small_data, out / "report.html")
    code, _, err = call(capsys, "fit", small_data, "-t", "y", "--cv", "3", "--out", out,
                        "--force")
    one_line_error(code, err, "refusing to overwrite the input file", status=2)
    assert hashlib.sha256(small_data.read_bytes()).hexdigest() == before
    # predict -o through a link to its input: refused too.
    os.symlink(small_data, tmp_path / "predictions.csv")
    code, _, err = call(capsys, "predict", small_data.parent / "model.shrink", small_data, "-o",
                        tmp_path / "predictions.csv")
    one_line_error(code, err, "refusing to overwrite the input file", status=2)
    assert hashlib.sha256(small_data.read_bytes()).hexdigest() == before


def _frame_with(change):
    frame = _table(60, 3)
    change(frame)
    return frame


def _typo(frame):
    frame["x0"] = frame["x0"].astype(object)
    frame.loc[3, "x0"] = "1+2j"


BAD_TABLES = {
    "an infinite value": (lambda f: f.__setitem__("x1", f["x1"].where(f.index != 3, np.inf)),
                          [], "column 'x1' has 1 infinite value(s)"),
    "a number column with a typo": (_typo, [], "column 'x0' holds numbers except for 1 value"),
    "integers float64 cannot hold": (
        lambda f: f.__setitem__("x2", np.int64(2**62) + np.arange(60)), [],
        "column 'x2' holds integers as large as 4.61e+18, beyond 2**53"),
    "a target float64 cannot hold": (
        lambda f: f.__setitem__("y", np.int64(2**62) + np.arange(60) * 3), ["--model", "lasso"],
        "the target 'y' holds integers as large as"),
    "too few rows for the folds": (lambda f: None, ["--cv", "60"],
                                   "leave 48 for training after the held-out split"),
    "a class with a single row": (
        lambda f: f.__setitem__("y", np.where(np.arange(60) == 0, "c", np.where(
            np.arange(60) % 2 == 0, "a", "b"))), [],
        "class(es) 'c' of the target 'y' have a single row"),
}


@pytest.mark.parametrize("case", sorted(BAD_TABLES))
def test_bad_tables_are_one_line_errors(tmp_path, capsys, case):
    change, args, expected = BAD_TABLES[case]
    path = tmp_path / "data.csv"
    _frame_with(change).to_csv(path, index=False)
    code, _, err = call(capsys, "fit", path, "-t", "y", *args, "--out", tmp_path / "out")
    one_line_error(code, err, expected)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("change", "expected"), [
    (lambda f: f.__setitem__("x1", f["x1"].where(f.index != 2, np.inf)),
     "column 'x1' has 1 infinite value(s) (rows 2)"),
    (lambda f: f.__setitem__("x2", np.int64(2**62) + np.arange(len(f))),
     "column 'x2' holds integers as large as"),
])
def test_predict_refuses_bad_values_by_column(tmp_path, capsys, small_data, change, expected):
    code, _, _ = call(capsys, "fit", small_data, "-t", "y", "--cv", "3", "--n-alphas", "5",
                      "--out", tmp_path / "out")
    assert code == 0
    new = pd.read_csv(small_data).head(10)
    change(new)
    new.to_csv(tmp_path / "new.csv", index=False)
    code, out, err = call(capsys, "predict", tmp_path / "out" / "model.shrink",
                          tmp_path / "new.csv")
    one_line_error(code, err, expected)
    assert out == ""


@pytest.mark.parametrize(("args", "expected"), [
    (["--n-alphas", "1"], "--n-alphas must be at least 2"),
    (["--jobs", "0"], "--jobs must be at least 1"),
    (["--test-size", "-0.1"], "--test-size must lie in [0, 1)"),
    (["--l1-ratio", "abc"], "--l1-ratio takes numbers separated by commas"),
    (["--impute", "mode"], "--impute must be one of mean, median"),
    (["--cv", "0"], "--cv must be at least 2 folds"),
])
def test_more_bad_options_are_usage_errors(tmp_path, capsys, small_data, args, expected):
    code, _, err = call(capsys, "fit", small_data, "-t", "y", *args, "--out", tmp_path / "out")
    one_line_error(code, err, expected, status=2)
    assert not (tmp_path / "out").exists()
