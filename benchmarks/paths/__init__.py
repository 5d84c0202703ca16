"""Regularization-path benchmark: shrinkage against glmnet, scikit-learn, celer and skglm.

Run by hand, in the benchmark's own environment (``benchmarks/paths/setup_env.sh``)::

    python benchmarks/paths/run.py

Modules:

* :mod:`.problems`: seeded problem generators, cached to ``.npz``;
* :mod:`.objective`: the one objective, duality gap and suboptimality used
  to judge every library;
* :mod:`.runners`: one function per library calling its own path routine;
* :mod:`.run_one`: a single library on a single problem in a fresh process
  (JSON lines on stdout);
* :mod:`.harness`: subprocesses with timeouts, the tolerance search, caches;
* :mod:`.report`: the markdown tables;
* :mod:`.run`: the entry point;
* :mod:`.check_objectives`: every library's objective against ours on small
  problems (the scaling conversions).
"""
