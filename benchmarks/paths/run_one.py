"""One library on one problem, in this (fresh) process; JSON lines on stdout.

::

    python -m benchmarks.paths.run_one --library glmnet --problem diabetes --tol 1e-9 --repeats 5

Modes (``--mode``):

* ``time`` (default): import the library, load the problem, one warm-up path
  on a small problem of the same kind (compilation and first-call costs stay
  out of the timings), then ``--repeats`` timed paths (fewer once their total
  passes ``--budget`` seconds, at least one; more, up to ten times as many,
  while they total less than ``--min-seconds``); reports every time, the
  median and the suboptimality of the last path;
* ``tune``: warm-up, then one path per tol of ``--tols`` (loosest first),
  stopping at the first whose suboptimality is at most the target;
* ``reference``: one path at ``--tol``; stores ``P*`` at the checkpoints and
  the independent duality gaps (:func:`.objective.save_reference`);
* ``first-call``: the cost a user pays once per process: ``import`` of the
  library plus its first path (``--loss squared``: diabetes, 100 alphas;
  ``logistic``: the logistic problem's warm-up, 100 x 200, 10 alphas), at
  tol 1e-6, nothing run before.

Each line is a JSON object with an ``event`` key (``imported``, ``loaded``,
``warmup``, ``run``, ``trial``, ``error``, ``done``); the last is ``done``
or ``error``. Anything the libraries print goes to stderr.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
import traceback
from typing import IO, Any

import numpy as np

from . import objective, problems
from .runners import LIBRARIES, Library

FIRST_CALL_TOL = 1e-6
_OUT: IO[str] = sys.stdout


def emit(event: str, **fields: Any) -> None:
    _OUT.write(json.dumps({"event": event, **fields}) + "\n")
    _OUT.flush()


def _json_info(info: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.item() if isinstance(v, np.generic) else v) for k, v in info.items()}


def timed_path(lib: Library, problem: problems.Problem, tol: float
               ) -> tuple[float, np.ndarray, dict[str, Any]]:
    """Lay the data out for ``lib`` (untimed), then time its path call only."""
    X, y = lib.prepare(problem)
    run = lib.runner(problem.loss)
    start = time.perf_counter()
    coefs, info = run(X, y, problem.alphas, tol)
    return time.perf_counter() - start, coefs, info


def _subopt(problem: problems.Problem, coefs: np.ndarray) -> dict[str, Any]:
    if not objective.reference_file(problem.name).exists():
        return {"subopt": None}
    s = objective.suboptimality(problem, coefs)
    return {"subopt": float(np.max(s)), "subopt_min": float(np.min(s))}


def _import(lib: Library) -> float:
    start = time.perf_counter()
    importlib.import_module(lib.module)
    return time.perf_counter() - start


def _warmup(lib: Library, problem: problems.Problem, tol: float) -> None:
    seconds, _, _ = timed_path(lib, problem.warmup(), tol)
    emit("warmup", seconds=seconds)


def mode_time(lib: Library, problem: problems.Problem, args: argparse.Namespace) -> None:
    if args.warmup:
        _warmup(lib, problem, args.tol)
    times: list[float] = []
    while True:
        seconds, coefs, info = timed_path(lib, problem, args.tol)
        times.append(seconds)
        emit("run", seconds=seconds)
        total, count = sum(times), len(times)
        if total > args.budget:
            break
        if count >= args.repeats and (total >= args.min_seconds or count >= 10 * args.repeats):
            break
    emit("done", tol=args.tol, times=times, median=float(np.median(times)),
         n_returned=int(coefs.shape[1]), info=_json_info(info), **_subopt(problem, coefs))


def mode_tune(lib: Library, problem: problems.Problem, args: argparse.Namespace) -> None:
    tols = [float(t) for t in args.tols.split(",")]
    _warmup(lib, problem, tols[0])
    for tol in tols:
        seconds, coefs, info = timed_path(lib, problem, tol)
        sub = _subopt(problem, coefs)
        emit("trial", tol=tol, seconds=seconds, n_returned=int(coefs.shape[1]),
             info=_json_info(info), **sub)
        if sub["subopt"] is not None and sub["subopt"] <= objective.TARGET:
            emit("done", tol=tol, seconds=seconds, subopt=sub["subopt"])
            return
    emit("done", tol=None)


def mode_reference(lib: Library, problem: problems.Problem, args: argparse.Namespace) -> None:
    seconds, coefs, info = timed_path(lib, problem, args.tol)
    summary = objective.save_reference(problem, coefs, lib.name, args.tol)
    emit("done", seconds=seconds, info=_json_info(info), **summary)


def mode_first_call(lib: Library, args: argparse.Namespace) -> None:
    if args.loss == "squared":
        problem = problems.load("diabetes")
    else:
        problem = problems.load("logistic").warmup()
    import_seconds = _import(lib)
    X, y = lib.prepare(problem)
    run = lib.runner(problem.loss)
    start = time.perf_counter()
    run(X, y, problem.alphas, FIRST_CALL_TOL)
    first = time.perf_counter() - start
    emit("done", loss=args.loss, import_seconds=import_seconds, first_call_seconds=first,
         total_seconds=import_seconds + first)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", required=True, choices=sorted(LIBRARIES))
    parser.add_argument("--problem", help="a problem name (see problems.py)")
    parser.add_argument("--mode", default="time", choices=["time", "tune", "reference",
                                                           "first-call"])
    parser.add_argument("--tol", type=float, help="time / reference: the library's tol")
    parser.add_argument("--tols", help="tune: comma-separated tols, loosest first")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--budget", type=float, default=60.0,
                        help="time: stop repeating once the timed runs total this many seconds")
    parser.add_argument("--min-seconds", type=float, default=1.0,
                        help="time: fast paths repeat (up to 10 x --repeats) until this total")
    parser.add_argument("--no-warmup", dest="warmup", action="store_false")
    parser.add_argument("--loss", default="squared", choices=["squared", "logistic"],
                        help="first-call: which kind of path")
    args = parser.parse_args(argv)
    if args.mode != "first-call" and not args.problem:
        parser.error("--problem is required")
    if args.mode in ("time", "reference") and args.tol is None:
        parser.error("--tol is required")
    if args.mode == "tune" and not args.tols:
        parser.error("--tols is required")
    return args


def main(argv: list[str] | None = None) -> int:
    global _OUT
    # JSON goes to the original stdout; whatever else is printed (Python or C) to stderr.
    _OUT = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    args = parse(argv)
    lib = LIBRARIES[args.library]
    try:
        if args.mode == "first-call":
            mode_first_call(lib, args)
            return 0
        emit("imported", seconds=_import(lib), version=lib.version())
        problem = problems.load(args.problem)
        emit("loaded", n=problem.n, p=problem.p, n_alphas=problem.n_alphas)
        {"time": mode_time, "tune": mode_tune, "reference": mode_reference}[args.mode](
            lib, problem, args
        )
    except Exception as exc:  # reported to the harness, which prints it in the table
        traceback.print_exc()
        emit("error", message=f"{type(exc).__name__}: {exc}"[:500])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
