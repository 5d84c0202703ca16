"""sweep: one architecture over a grid of strengths, deterministic, with exact zeros."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

from shrinkage.nn import L1L2, SweepResult, sweep  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny tensors: intra-op threads only add contention on a busy machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


STRENGTHS = [1e-4, 1e-2, 0.1, 1.0]


@pytest.fixture(scope="module")
def problem():
    """y depends on 3 of 10 inputs; 160 samples."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((160, 10)).astype(np.float32)
    y = (X[:, 0] - 2 * X[:, 1] + 0.5 * X[:, 2] + 0.1 * rng.standard_normal(160)).astype(np.float32)
    return X, y


def _make_model() -> nn.Module:
    return nn.Sequential(nn.Linear(10, 8), nn.ReLU(), nn.Linear(8, 1))


@pytest.fixture(scope="module")
def l1_result(problem):
    X, y = problem
    return sweep(_make_model, X, y, STRENGTHS, epochs=40, patience=8, lr=0.02, seed=3)


def test_sweep_reports_losses_sparsity_and_the_best(l1_result):
    res = l1_result
    assert isinstance(res, SweepResult)
    np.testing.assert_array_equal(res.strengths, STRENGTHS)
    for arr in (res.train_loss, res.val_loss, res.sparsity):
        assert arr.shape == (4,) and np.all(np.isfinite(arr))
    # The prox gives exact zeros, more of them for a stronger L1.
    assert res.sparsity[-1] > res.sparsity[0]
    assert res.sparsity[-1] > 0.5
    assert res.best_index == int(np.argmin(res.val_loss))
    assert res.best_strength == STRENGTHS[res.best_index]
    # The strongest penalty underfits: worse validation loss than the best.
    assert res.val_loss[-1] > res.val_loss[res.best_index]
    assert res.regularizer == "l1" and res.proximal


def test_histories_and_restored_epochs_agree(l1_result):
    res = l1_result
    assert len(res.train_history) == len(res.val_history) == 4
    for k in range(4):
        hist = res.val_history[k]
        assert len(res.train_history[k]) == len(hist) <= 40
        assert 0 <= res.best_epoch[k] < len(hist)
        # The restored weights are those of the best epoch.
        assert hist[res.best_epoch[k]] == pytest.approx(res.val_loss[k], rel=1e-5)
        assert hist.min() == pytest.approx(res.val_loss[k], rel=1e-5)


def test_result_is_frozen(l1_result):
    with pytest.raises(dataclasses.FrozenInstanceError):
        l1_result.best_strength = 0.0  # type: ignore[misc]


def test_deterministic_and_leaves_the_global_rng_alone(problem, l1_result):
    X, y = problem
    torch.manual_seed(123)
    expected_next = torch.rand(1)
    torch.manual_seed(123)
    again = sweep(_make_model, X, y, STRENGTHS, epochs=40, patience=8, lr=0.02, seed=3)
    assert torch.equal(torch.rand(1), expected_next)
    np.testing.assert_array_equal(again.val_loss, l1_result.val_loss)
    np.testing.assert_array_equal(again.sparsity, l1_result.sparsity)


def test_penalty_in_the_loss_and_custom_pieces(problem):
    X, y = problem
    res = sweep(
        _make_model,
        torch.tensor(X),
        torch.tensor(y).unsqueeze(1),
        [0.0, 0.05],
        regularizer=lambda s: L1L2(l1=s, l2=s / 10),
        loss=nn.functional.l1_loss,
        optimizer=lambda params, lr: torch.optim.SGD(params, lr=lr, momentum=0.9),
        lr=0.01,
        epochs=5,
        batch_size=None,
        proximal=False,
    )
    # Gradient steps on |w| never land on 0 exactly.
    assert np.all(res.sparsity == 0) and not res.proximal
    assert res.regularizer == "<lambda>"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"strengths": []}, ValueError, "strengths is empty"),
        ({"strengths": [-1.0]}, ValueError, "finite number >= 0"),
        ({"regularizer": "l3"}, ValueError, "regularizer must be one of"),
        ({"optimizer": "lbfgs"}, ValueError, "optimizer must be one of"),
        ({"validation_fraction": 1.0}, ValueError, "validation_fraction"),
        ({"loss": "hinge"}, ValueError, "loss must be"),
    ],
)
def test_bad_arguments(problem, kwargs, error, match):
    X, y = problem
    args = {"strengths": [0.1], "epochs": 1, **kwargs}
    strengths = args.pop("strengths")
    with pytest.raises(error, match=match):
        sweep(_make_model, X, y, strengths, **args)


def test_bad_data(problem):
    X, y = problem
    with pytest.raises(ValueError, match="differ in samples"):
        sweep(_make_model, X, y[:-1], [0.1], epochs=1)
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        sweep(_make_model, bad, y, [0.1], epochs=1)
