"""shrinkage.distributed on Parquet larger than the workers' memory (issue 9). Run by hand.

Writes ``--gib`` GiB of seeded Parquet (float64, ``--features`` columns and
a target), starts a LocalCluster of 2 single-threaded worker processes
limited to ``--worker-memory`` each, and measures, in one run:

* a gradient pass ``X'(X w - y)`` (the floor any iterative solver pays per
  iteration) and a pass of shrinkage's centred statistics;
* the Lasso path (100 alphas), 5-fold LassoCV, and a logistic fit (one
  pass per Newton step), each end to end from the Parquet files;
* the peak resident memory of each worker (psutil, sampled every 0.2 s);
* dask-ml's LinearRegression(penalty="l1") at the CV's alpha with its
  proximal-gradient and ADMM solvers, for a few iterations (each iteration
  re-reads the data), and the objective its coefficients reach.

Then prints the ratios and writes ``results.json`` next to this file. The
Parquet folder is deleted at the end. dask-ml is installed apart, without
touching the project's environment::

    pip install --no-deps --target benchmarks/dask/.deps \\
        dask-ml==2025.1.0 dask-glm==0.4.0 multipledispatch sparse
    python benchmarks/dask/bench_dask.py --gib 3
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEPS = HERE / ".deps"


def write_parquet(root: Path, gib: float, p: int, rows_per_file: int, seed: int) -> int:
    """Seeded files of correlated features with offsets; returns the row count."""
    import pandas as pd

    n_files = max(1, int(np.ceil(gib * 2**30 / ((p + 1) * 8 * rows_per_file))))
    rng = np.random.default_rng(seed)
    beta = np.zeros(p)
    beta[:10] = rng.choice([-1.0, 1.0], 10) * rng.uniform(0.5, 2.0, 10)
    offsets = rng.uniform(-100, 100, p)
    for k in range(n_files):
        r = np.random.default_rng([seed, k])
        common = r.standard_normal((rows_per_file, 1))
        X = 0.6 * common + 0.8 * r.standard_normal((rows_per_file, p))
        y = X @ beta + 3.0 + r.standard_normal(rows_per_file)
        frame = pd.DataFrame(X + offsets, columns=[f"x{j}" for j in range(p)])
        frame["y"] = y
        frame.to_parquet(root / f"part-{k:04d}.parquet", index=False)
    return n_files * rows_per_file


def _rss() -> int:
    import psutil

    return int(psutil.Process().memory_info().rss)


class PeakMemory:
    """The largest RSS of each worker while the block runs (sampled)."""

    def __init__(self, client, every: float = 0.2) -> None:
        self.client, self.every, self.peak = client, every, 0

    def _sample(self, stop: threading.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(Exception):  # a worker restarting: sample again
                self.peak = max(self.peak, *self.client.run(_rss).values())
            stop.wait(self.every)

    @contextmanager
    def measure(self, record: dict, name: str):
        self.peak = 0
        stop = threading.Event()
        thread = threading.Thread(target=self._sample, args=(stop,), daemon=True)
        thread.start()
        start = time.perf_counter()
        try:
            yield
        finally:
            record[name] = {"seconds": time.perf_counter() - start}
            stop.set()
            thread.join()
            record[name]["peak_worker_rss_mib"] = self.peak / 2**20
            print(f"  {name:<32} {record[name]['seconds']:8.1f} s   peak worker RSS "
                  f"{record[name]['peak_worker_rss_mib']:6.0f} MiB", flush=True)


def lasso_objective(X, y, coef, intercept, alpha):
    """shrinkage's Lasso objective, one pass over the Dask arrays."""
    import dask

    r = y - X @ coef - intercept
    rss, n = dask.compute((r * r).sum(), r.shape[0])
    return float(rss) / (2 * n) + alpha * float(np.abs(coef).sum())


def run(args: argparse.Namespace) -> dict:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    from shrinkage import distributed as sd
    from shrinkage.distributed._data import row_data
    from shrinkage.distributed._passes import stats_pass

    record: dict = {"gib": args.gib, "features": args.features,
                    "worker_memory": args.worker_memory}
    root = Path(tempfile.mkdtemp(prefix="shrinkage-dask-bench-", dir=args.tmp))
    try:
        start = time.perf_counter()
        n = write_parquet(root, args.gib, args.features, args.rows_per_file, args.seed)
        size = sum(f.stat().st_size for f in root.iterdir())
        record.update(rows=n, parquet_gib=size / 2**30, write_seconds=time.perf_counter() - start)
        print(f"wrote {n} rows x {args.features + 1} columns, {size / 2**30:.2f} GiB of "
              f"Parquet in {record['write_seconds']:.0f} s", flush=True)
        if DEPS.exists():  # dask-ml for this process and the workers it starts
            sys.path.insert(0, str(DEPS))
            os.environ["PYTHONPATH"] = os.pathsep.join(
                [str(DEPS), *filter(None, [os.environ.get("PYTHONPATH")])])
        with LocalCluster(n_workers=2, threads_per_worker=1, memory_limit=args.worker_memory,
                          host="127.0.0.1", dashboard_address=None) as cluster, \
                Client(cluster) as client:
            peak = PeakMemory(client)
            frame = dd.read_parquet(str(root))
            features = [f"x{j}" for j in range(args.features)]
            X, y = frame[features], frame["y"]
            with peak.measure(record, "measure partitions"):
                data = row_data(X, y)
            # Warm-up: the workers import shrinkage and compile nothing, but
            # the first task of a new function pays its import.
            sd.partition_stats(np.zeros((3, 2)), np.zeros(3))
            client.run(lambda: __import__("shrinkage.distributed._stats"))
            with peak.measure(record, "gradient pass X'(Xw - y)"):
                w = np.full(args.features, 0.01)
                (data.X.T @ (data.X @ w - data.y)).compute()
            with peak.measure(record, "statistics pass"):
                stats_pass(data)
            with peak.measure(record, "statistics pass, 5 folds"):
                stats_pass(data, n_folds=5)
            with peak.measure(record, "Lasso path (100 alphas)"):
                path = sd.regularization_path(X, y)
            with peak.measure(record, "LassoCV (5 folds, 100 alphas)"):
                cv = sd.LassoCV(cv=5).fit(X, y)
            label = (frame["y"] > 3.0).astype(int)
            with peak.measure(record, "LogisticRegression (L1)"):
                logistic = sd.LogisticRegression(alpha=1e-3, l1_ratio=1.0).fit(X, label)
            record["logistic_newton_steps"] = int(logistic.n_iter_[0])
            record["path_converged"] = bool(path.converged.all())
            record["cv_alpha"] = float(cv.alpha_)
            ours = lasso_objective(data.X, data.y, cv.coef_, cv.intercept_, cv.alpha_)
            record["objective_ours"] = ours
            record["dask_ml"] = run_dask_ml(data, cv.alpha_, ours, peak, args)
    finally:
        shutil.rmtree(root, ignore_errors=True)
        print(f"deleted {root}")
    return record


def run_dask_ml(data, alpha: float, ours: float, peak: PeakMemory, args) -> dict:
    """dask-ml's Lasso at ``alpha`` (its C is 1 / (2 n alpha)): time and objective."""
    try:
        from dask_ml.linear_model import LinearRegression
    except ImportError as exc:
        print(f"dask-ml not installed ({exc}); see the module docstring")
        return {"error": str(exc)}
    out: dict = {}
    C = 1.0 / (2 * data.n_rows * alpha)
    for solver, iterations in (("proximal_grad", args.dask_ml_iter), ("admm", 2)):
        name = f"dask-ml {solver} ({iterations} iter)"
        try:
            with peak.measure(out, name):
                model = LinearRegression(penalty="l1", C=C, solver=solver,
                                         max_iter=iterations).fit(data.X, data.y)
            value = lasso_objective(data.X, data.y, model.coef_, model.intercept_, alpha)
            out[name].update(objective=value, relative_excess=(value - ours) / ours,
                             nonzero=int(np.count_nonzero(model.coef_)))
        except Exception as exc:  # record why it could not run
            out[name] = {"error": f"{type(exc).__name__}: {exc}"}
            print(f"  {name}: {out[name]['error']}")
    return out


def report(record: dict) -> None:
    grad = record["gradient pass X'(Xw - y)"]["seconds"]
    print("\nratios to one gradient pass (the cost of one iteration of a first-order solver):")
    for name in ("statistics pass", "statistics pass, 5 folds", "Lasso path (100 alphas)",
                 "LassoCV (5 folds, 100 alphas)", "LogisticRegression (L1)"):
        print(f"  {name:<32} {record[name]['seconds'] / grad:6.2f} x")
    for name, result in record.get("dask_ml", {}).items():
        if "seconds" in result and "objective" in result:
            print(f"  {name:<32} {result['seconds'] / grad:6.2f} x, objective "
                  f"{result['relative_excess']:+.2e} relative to shrinkage's, "
                  f"{result['nonzero']} nonzero; LassoCV is "
                  f"{result['seconds'] / record['LassoCV (5 folds, 100 alphas)']['seconds']:.2f}"
                  " x faster than it")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=3.0)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--rows-per-file", type=int, default=100_000)
    parser.add_argument("--worker-memory", default="1GiB")
    parser.add_argument("--dask-ml-iter", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tmp", default=None, help="where the Parquet folder goes")
    args = parser.parse_args()
    record = run(args)
    report(record)
    (HERE / "results.json").write_text(json.dumps(record, indent=2) + "\n")
    print(f"wrote {HERE / 'results.json'}")


if __name__ == "__main__":
    main()
