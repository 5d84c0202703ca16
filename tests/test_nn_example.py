"""The Keras-classic example runs (one epoch, to keep the suite fast)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "nn_keras_classic.py"


def test_keras_classic_example_runs(capsys, monkeypatch):
    spec = importlib.util.spec_from_file_location("nn_keras_classic", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "EPOCHS", 1)
    module.main()
    out = capsys.readouterr().out
    for name in ("L1(0.01)", "L2(0.01)", "L1L2(0.01, 0.01)", "L1(0.01) + prox", "total"):
        assert name in out
