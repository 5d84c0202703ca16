"""shrinkage.nn is optional: `import shrinkage` never loads torch; without torch, a clear error."""

from __future__ import annotations

import subprocess
import sys


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_import_shrinkage_does_not_import_torch():
    result = _run("import sys, shrinkage; print('torch' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_missing_torch_names_the_extra():
    # A meta-path finder that refuses torch makes it look uninstalled. (Putting
    # None in sys.modules would also block it, but scipy's array-API helpers
    # then trip over the None entry.)
    code = (
        "import sys\n"
        "class BlockTorch:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'torch' or name.startswith('torch.'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, BlockTorch())\n"
        "try:\n"
        "    import shrinkage.nn\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
        "else:\n"
        "    print('imported')\n"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert "pip install shrinkage[torch]" in result.stdout
