#!/usr/bin/env bash
# Create the path benchmark's own environment (benchmarks/.venv, gitignored):
# the peers from PyPI and shrinkage from this checkout (editable).
#
#   bash benchmarks/paths/setup_env.sh            # or: VENV=/some/dir bash ...
#   benchmarks/.venv/bin/python benchmarks/paths/run.py
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${VENV:-$repo/benchmarks/.venv}"
python="${PYTHON:-python3}"

"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --upgrade pip
"$venv/bin/python" -m pip install python-glmnet celer skglm scikit-learn py-spy
"$venv/bin/python" -m pip install -e "$repo"
"$venv/bin/python" -m pip list 2>/dev/null | grep -iE '^(shrinkage|python-glmnet|python_glmnet|scikit-learn|celer|skglm|numpy|scipy|numba) '
echo "ready: $venv/bin/python benchmarks/paths/run.py"
