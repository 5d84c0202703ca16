"""shrinkage.nn regularizers: Keras' formulas, defaults, configs and validation."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from shrinkage import penalties as core  # noqa: E402
from shrinkage.nn import (  # noqa: E402
    L1,
    L1L2,
    L2,
    Orthogonal,
    OrthogonalRegularizer,
    deserialize,
    l1,
    l1_l2,
    l2,
    orthogonal_regularizer,
    serialize,
    soft_threshold,
)

X = torch.tensor([[1.0, -2.0, 0.0], [0.5, 3.0, -1.5]], dtype=torch.float64)


# -- values ------------------------------------------------------------------
def test_values_match_keras_formulas_by_hand():
    # sum|x| = 1 + 2 + 0 + 0.5 + 3 + 1.5 = 8; sum x^2 = 1 + 4 + 0 + 0.25 + 9 + 2.25 = 16.5
    assert float(L1(0.1)(X)) == pytest.approx(0.1 * 8.0, abs=1e-15)
    assert float(L2(0.1)(X)) == pytest.approx(0.1 * 16.5, abs=1e-15)  # no 1/2
    assert float(L1L2(0.1, 0.2)(X)) == pytest.approx(0.8 + 0.2 * 16.5, abs=1e-15)


def test_keras_docstring_examples():
    # keras.regularizers.Regularizer: L2(2.)(ones(5, 5)) == 50; L1(0.01) on a
    # ones (5, 5) kernel == 0.25.
    assert float(L2(2.0)(torch.ones(5, 5))) == 50.0
    assert float(L1(0.01)(torch.ones(5, 5))) == pytest.approx(0.25)


def test_dtype_is_kept():
    assert L1(0.1)(X).dtype == torch.float64
    assert L1L2(0.1, 0.1)(X.float()).dtype == torch.float32


def test_orthogonal_by_hand():
    # rows (1, 0), (1, 1), (0, 2): unit rows u1 = (1, 0), u2 = (1, 1)/sqrt2,
    # u3 = (0, 1); |<u1,u2>| = 1/sqrt2, |<u1,u3>| = 0, |<u2,u3>| = 1/sqrt2;
    # mean over the 3 pairs = (2/sqrt2) / 3.
    x = torch.tensor([[1.0, 0.0], [1.0, 1.0], [0.0, 2.0]], dtype=torch.float64)
    rows = Orthogonal(factor=0.3, mode="rows")(x)
    assert float(rows) == pytest.approx(0.3 * (2 / math.sqrt(2)) / 3, abs=1e-15)
    # columns (1, 1, 0) and (0, 1, 2): cosine = 1 / (sqrt2 * sqrt5); one pair.
    cols = Orthogonal(factor=0.3, mode="columns")(x)
    assert float(cols) == pytest.approx(0.3 / math.sqrt(10), abs=1e-15)


def test_orthogonal_matches_keras_expression():
    # Keras: factor * 0.5 * sum|offdiag(U U')| / (n (n - 1) / 2).
    x = torch.randn(6, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    u = x / x.norm(dim=1, keepdim=True)
    off = (u @ u.T) * (1 - torch.eye(6, dtype=x.dtype))
    keras = 0.01 * 0.5 * off.abs().sum() / (6 * 5 / 2)
    assert float(Orthogonal()(x)) == pytest.approx(float(keras), abs=1e-15)
    assert float(Orthogonal()(torch.eye(4))) == 0.0  # orthogonal rows: no penalty


def test_orthogonal_zero_row_is_finite_and_differentiable():
    x = torch.tensor([[0.0, 0.0], [1.0, 2.0], [2.0, -1.0]], requires_grad=True)
    value = Orthogonal(1.0)(x)
    value.backward()
    assert torch.isfinite(value) and torch.isfinite(x.grad).all()


def test_orthogonal_rejects_bad_input():
    with pytest.raises(ValueError, match="2-D"):
        Orthogonal()(torch.ones(2, 2, 2))
    with pytest.raises(ValueError, match="rows"):
        Orthogonal(mode="diagonal")


def test_gradients_flow_through_the_penalty():
    w = X.clone().requires_grad_(True)
    L1L2(0.1, 0.2)(w).backward()
    assert torch.allclose(w.grad, 0.1 * torch.sign(X) + 2 * 0.2 * X)


# -- defaults, aliases, configs -----------------------------------------------
def test_keras_defaults():
    assert L1().l1 == 0.01
    assert L2().l2 == 0.01
    assert (L1L2().l1, L1L2().l2) == (0.0, 0.0)
    assert (Orthogonal().factor, Orthogonal().mode) == (0.01, "rows")


def test_lowercase_aliases():
    assert l1 is L1 and l2 is L2 and l1_l2 is L1L2
    assert OrthogonalRegularizer is Orthogonal and orthogonal_regularizer is Orthogonal


@pytest.mark.parametrize(
    ("reg", "config"),
    [
        (L1(0.01), {"l1": 0.01}),
        (L2(0.5), {"l2": 0.5}),
        (L1L2(l1=0.01, l2=0.02), {"l1": 0.01, "l2": 0.02}),
        (Orthogonal(0.1, "columns"), {"factor": 0.1, "mode": "columns"}),
    ],
)
def test_config_is_keras_and_round_trips(reg, config):
    assert reg.get_config() == config
    assert type(reg).from_config(config) == reg
    payload = json.loads(json.dumps(serialize(reg)))
    assert payload["module"] == "keras.regularizers"
    assert deserialize(payload) == reg
    # Keras 2's shorter form is read too.
    assert deserialize({"class_name": payload["class_name"], "config": config}) == reg


def test_deserialize_rejects_unknown():
    with pytest.raises(ValueError, match="unknown regularizer"):
        deserialize({"class_name": "L3", "config": {}})
    with pytest.raises(ValueError, match="class_name"):
        deserialize({"config": {}})


def test_regularizers_are_frozen_and_hashable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        L1(0.1).l1 = 0.2  # type: ignore[misc]
    assert len({L1(0.1), L1(0.1), L2(0.1)}) == 2


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), -1])
def test_bad_factor_values(bad):
    for make in (L1, L2, lambda v: L1L2(l1=v), lambda v: L1L2(l2=v), Orthogonal):
        with pytest.raises(ValueError, match=r"finite number >= 0"):
            make(bad)


@pytest.mark.parametrize("bad", ["0.1", None, True, [0.1], torch.tensor(0.1)])
def test_non_numeric_factors(bad):
    with pytest.raises(TypeError, match="must be a real number"):
        L1(bad)
    with pytest.raises(TypeError, match="l2 must be a real number"):
        L1L2(0.1, bad)


def test_numpy_and_int_factors_are_floats():
    assert L1(np.float32(0.5)).l1 == 0.5 and isinstance(L2(1).l2, float)


# -- prox ---------------------------------------------------------------------
def test_soft_threshold_gives_exact_zeros():
    z = torch.tensor([-2.0, -0.5, 0.0, 0.3, 1.5])
    assert soft_threshold(z, 0.5).tolist() == [-1.5, 0.0, 0.0, 0.0, 1.0]


def test_prox_matches_the_core_penalties():
    # Keras L1L2(l1, l2) is the core ElasticNet(alpha, r) with l1 = alpha r and
    # l2 = alpha (1 - r) / 2 (the core keeps scikit-learn's 1/2).
    z = np.linspace(-3, 3, 41)
    alpha, r, step = 0.7, 0.4, 0.8
    ours = L1L2(alpha * r, alpha * (1 - r) / 2).prox(torch.tensor(z), step).numpy()
    ref = core.ElasticNet(alpha, l1_ratio=r).prox(z, step)
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-15)
    np.testing.assert_allclose(
        L1(alpha).prox(torch.tensor(z), step).numpy(), core.L1(alpha).prox(z, step), atol=1e-15
    )
    np.testing.assert_allclose(
        L2(alpha).prox(torch.tensor(z), step).numpy(), core.L2(alpha).prox(z, step), atol=1e-15
    )


def test_prox_with_a_step_per_coordinate():
    z = torch.tensor([1.0, 1.0, -1.0])
    step = torch.tensor([0.5, 2.0, 1.0])
    assert L1(1.0).prox(z, step).tolist() == [0.5, 0.0, 0.0]
