"""Regularization paths at equal precision: shrinkage against glmnet, scikit-learn, celer, skglm.

::

    python benchmarks/paths/run.py                              # everything
    python benchmarks/paths/run.py --problems table --libraries shrinkage,glmnet
    python benchmarks/paths/run.py --problems diabetes,equi-rho0.95-100x1000 --repeats 9

For each problem (``--problems``: names or groups ``table``, ``rho``, ``all``;
see ``problems.py``): a reference path (shrinkage, tol 1e-12, certified by an
independent duality gap) gives ``P*`` at the checkpoints; each library
(``--libraries``) is tuned to the loosest tol of a 1-3 ladder (1e-2 ... 1e-14,
its own units) whose relative suboptimality ``(P(w) - P*) / P(0)`` is at most
1e-6 at every checkpoint, then timed at that tol in a fresh process (median
of ``--repeats``, fewer once they total ``--budget`` seconds). Prints markdown
tables to stdout (progress to stderr). Data, references and tuned tols are
cached under ``benchmarks/paths/.cache``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
from dataclasses import asdict
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``benchmarks.paths`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.paths import harness, objective, problems, report
from benchmarks.paths.runners import LIBRARIES, shrinkage_commit


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", default="all",
                        help="comma-separated problem names or groups (table, rho, all)")
    parser.add_argument("--libraries", default=",".join(LIBRARIES),
                        help=f"comma-separated, of {', '.join(LIBRARIES)}")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per path (median)")
    parser.add_argument("--budget", type=float, default=30.0,
                        help="seconds: fewer repeats once the timed runs total this much")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds a single path call (or the start-up) may take")
    parser.add_argument("--threads", type=int, default=1,
                        help="OMP/OPENBLAS/MKL/NUMBA_NUM_THREADS of every child process")
    parser.add_argument("--json", type=Path, help="also write every result to this file")
    parser.add_argument("--retune", action="store_true", help="ignore cached tuned tols")
    parser.add_argument("--regenerate", action="store_true",
                        help="regenerate problems and references (implies --retune)")
    parser.add_argument("--no-first-call", dest="first_call", action="store_false",
                        help="skip the first-call costs")
    parser.add_argument("--shrinkage-rev", metavar="REV",
                        help="measure shrinkage as committed at REV (e.g. HEAD: a clean export "
                             "of src/), not the installed working tree")
    args = parser.parse_args(argv)
    try:
        args.names = problems.expand(args.problems)
    except ValueError as exc:
        parser.error(str(exc))
    args.started = datetime.datetime.now().isoformat(timespec="minutes")
    args.libs = [k.strip() for k in args.libraries.split(",") if k.strip()]
    unknown = [k for k in args.libs if k not in LIBRARIES]
    if unknown:
        parser.error(f"unknown library {unknown[0]!r}; choose from {', '.join(LIBRARIES)}")
    return args


def header(args: argparse.Namespace) -> list[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    versions = ", ".join(f"{LIBRARIES[k].distribution} {LIBRARIES[k].version()}"
                         for k in args.libs)
    return [
        f"Run started {args.started} on {os.cpu_count()} cores "
        f"({cpu}), {args.threads} thread(s) per process; shrinkage at commit "
        f"{shrinkage_commit()}.",
        f"Versions: {versions}; Python {platform.python_version()}.",
        f"Command: `python benchmarks/paths/run.py {' '.join(sys.argv[1:])}`".rstrip() + "",
        "",
    ]


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    if args.shrinkage_rev:
        harness.export_shrinkage(args.shrinkage_rev)
    if args.regenerate:
        args.retune = True
        for name in args.names:
            problems.generate(name, force=True)
    results: dict[str, dict[str, harness.Timing]] = {}
    references = {}
    for name in args.names:
        references[name] = harness.ensure_reference(name, threads=args.threads,
                                                    redo=args.regenerate)
        row = results[name] = {}
        for library in args.libs:
            tuning = harness.tune(name, library, timeout=args.timeout, threads=args.threads,
                                  redo=args.retune)
            row[library] = harness.time_path(
                name, library, tuning, repeats=args.repeats, budget=args.budget,
                timeout=args.timeout, threads=args.threads,
            )
    costs = {
        library: {loss: harness.first_call(library, loss, threads=args.threads,
                                           timeout=args.timeout)
                  for loss in ("squared", "logistic")}
        for library in args.libs
    } if args.first_call else {}

    lines = header(args)
    lines += ["### Time of a path at equal precision "
              f"(relative suboptimality <= {objective.TARGET:g})", ""]
    lines += [*report.main_table(results, args.libs, args.timeout), ""]
    lines += ["### Precision reached and runs", ""]
    lines += [*report.precision_table(results, args.libs), ""]
    if costs:
        lines += ["### First-call cost in a fresh process", ""]
        lines += [*report.first_call_table(costs), ""]
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps({
            "header": header(args), "args": {k: str(v) for k, v in vars(args).items()},
            "references": references,
            "results": {n: {k: asdict(t) for k, t in row.items()} for n, row in results.items()},
            "first_call": costs,
        }, indent=1))


if __name__ == "__main__":
    main()
