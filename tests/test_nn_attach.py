"""regularize / penalty: Keras' numbers, hooks that leave no trace, gradients that flow."""

from __future__ import annotations

import copy
import pickle

import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

from shrinkage.nn import L1, L1L2, L2, Orthogonal, penalty, regularize  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny tensors: intra-op threads only add contention on a busy machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _keras_dense() -> nn.Linear:
    # Keras' example layer: Dense(5, kernel_initializer="ones"), bias zeros.
    layer = nn.Linear(5, 5)
    with torch.no_grad():
        layer.weight.fill_(1.0)
        layer.bias.zero_()
    return layer


def _mlp() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 1))


def test_keras_documented_example_is_5_25():
    # keras.regularizers: Dense(5, kernel L1(0.01), activity L2(0.01)) on
    # ones((5, 5)) * 2. Kernel: 0.01 * sum|1| over 25 entries = 0.25.
    # Each output is 5 inputs * 2 * weight 1 = 10, so activity =
    # 0.01 * (25 outputs * 10^2) / batch 5 = 25 / 5 = 5. Total 5.25.
    layer = _keras_dense()
    regularize(layer, weight=L1(0.01), activity=L2(0.01))
    layer(torch.ones(5, 5) * 2.0)
    assert penalty(layer).item() == pytest.approx(5.25, abs=1e-6)


def test_activity_is_divided_by_the_batch_size():
    layer = _keras_dense()
    regularize(layer, activity=L1L2(0.01, 0.02))
    row = torch.tensor([[0.5, -1.0, 2.0, 0.0, 1.0]])
    values = []
    for batch in (1, 4, 8):
        layer(row.repeat(batch, 1))
        values.append(penalty(layer).item())
    assert values == pytest.approx([values[0]] * 3, rel=1e-6)


def test_nothing_accumulates_across_passes():
    layer = _keras_dense()
    regularize(layer, activity=L2(0.01))
    x = torch.ones(5, 5) * 2.0
    for _ in range(3):
        layer(x)
    assert penalty(layer).item() == pytest.approx(5.0, abs=1e-6)
    layer(torch.zeros(2, 5))  # the latest pass wins
    assert penalty(layer).item() == 0.0


def test_shared_layer_adds_up_within_one_pass_and_resets_between_passes():
    class Twice(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = _keras_dense()

        def forward(self, x):
            return self.inner(self.inner(x) * 0.1)

    model = Twice()
    regularize(model, activity=L2(0.01), where="inner")
    x = torch.ones(5, 5) * 2.0
    # First call: outputs 10 -> 5.0. Second call on 1.0s: outputs 5 -> 0.01 * 25 * 25 / 5 = 1.25.
    for _ in range(2):
        model(x)
        assert penalty(model).item() == pytest.approx(6.25, abs=1e-5)


def test_tuple_outputs_are_all_penalised():
    class Pair(nn.Module):
        def forward(self, x):
            return x, {"twice": 2 * x}

    model = Pair()
    regularize(model, activity=L1(1.0))
    model(torch.ones(4, 3))
    # (12 + 24) / 4
    assert penalty(model).item() == pytest.approx(9.0)


def test_gradients_flow_into_the_weights():
    model = _mlp()
    regularize(model, weight=L1L2(0.1, 0.2))
    model.zero_grad()
    value = penalty(model)
    assert value.requires_grad
    value.backward()
    for layer in (model[0], model[3]):
        w = layer.weight.detach()
        assert torch.allclose(layer.weight.grad, 0.1 * torch.sign(w) + 0.4 * w)
        assert layer.bias.grad is None


def test_activity_gradient_reaches_the_layer():
    layer = _keras_dense()
    regularize(layer, activity=L2(0.01))
    layer(torch.ones(5, 5) * 2.0)
    penalty(layer).backward()
    # d/dW_ij of 0.01 * sum_b (sum_j W_ij x_bj + b_i)^2 / 5 = 0.01 * 2 * 10 * 2 = 0.4
    assert torch.allclose(layer.weight.grad, torch.full((5, 5), 0.4))


def test_no_grad_evaluation_pass_is_harmless():
    model = _mlp()
    regularize(model, weight=L2(0.1), activity=L2(0.01))
    model.eval()
    with torch.no_grad():
        model(torch.randn(8, 4))
        evaluated = penalty(model)
    assert float(evaluated) > 0
    model.train()
    out = model(torch.randn(8, 4))
    loss = out.square().mean() + penalty(model)
    loss.backward()
    assert model[0].weight.grad is not None


def test_default_selection_skips_biases_and_norm_layers():
    model = _mlp()
    handle = regularize(model, weight=L2(), bias=L1())
    assert handle.weights == ["0.weight", "0.bias", "3.weight", "3.bias"]
    assert handle.activity == []


@pytest.mark.parametrize(
    "where",
    ["0", ["0"], "[0]", lambda name, m: name == "0", "__module__"],
    # Stable ids (a lambda's repr holds its address, which differs between
    # pytest-xdist workers).
    ids=["name", "name-list", "pattern", "callable", "module"],
)
def test_where_selects_layers(where):
    model = _mlp()
    if where == "__module__":
        where = model[0]
    handle = regularize(model, weight=L2(), activity=L1(), where=where)
    assert handle.weights == ["0.weight"]
    assert handle.activity == ["0"]


def test_where_errors_are_clear():
    model = _mlp()
    with pytest.raises(ValueError, match="matches no submodule"):
        regularize(model, weight=L2(), where="fc*")
    with pytest.raises(ValueError, match="not a submodule"):
        regularize(model, weight=L2(), where=nn.Linear(2, 2))
    with pytest.raises(ValueError, match="matched no parameter"):
        regularize(model, weight=L2(), where="1")  # BatchNorm only
    with pytest.raises(TypeError, match="regularizer"):
        regularize(model, weight=0.01)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one"):
        regularize(model)


def test_registering_twice_raises_and_leaves_no_trace():
    model = _mlp()
    regularize(model, weight=L1(0.1), where="0")
    hooks_before = len(model[3]._forward_hooks)
    with pytest.raises(ValueError, match="already has a penalty"):
        regularize(model, weight=L2(0.1), activity=L1(), where=["3", "0"])
    assert len(model[3]._forward_hooks) == hooks_before
    assert "_shrinkage_penalties" not in model[3].__dict__
    regularize(model, activity=L1(), where="0")
    with pytest.raises(ValueError, match="already has an activity penalty"):
        regularize(model, activity=L2(), where="0")


def test_remove_detaches_everything():
    model = _mlp()
    keys = list(model.state_dict())
    handle = regularize(model, weight=L1(0.1), bias=L2(0.1), activity=L2(0.1), where=["0", "3"])
    model(torch.randn(8, 4))
    assert penalty(model).item() > 0
    assert list(model.state_dict()) == keys  # nothing added, nothing renamed
    handle.remove()
    handle.remove()  # idempotent
    assert penalty(model).item() == 0.0
    assert all(not m._forward_hooks and not m._forward_pre_hooks for m in model.modules())
    assert all("_shrinkage_penalties" not in m.__dict__ for m in model.modules())
    assert list(model.state_dict()) == keys


def test_handle_is_a_context_manager():
    model = _mlp()
    with regularize(model, weight=L2(1.0)):
        assert penalty(model).item() > 0
    assert penalty(model).item() == 0.0


def test_state_dict_round_trip_between_regularised_and_plain_models():
    model = _mlp()
    regularize(model, weight=L1(0.1), activity=L2(0.1))
    plain = _mlp()
    plain.load_state_dict(model.state_dict())
    model.load_state_dict(plain.state_dict())


def test_deepcopy_and_pickle_after_a_forward_pass():
    model = _mlp()
    regularize(model, weight=L1(0.1), activity=L2(0.1), where="0")
    model(torch.randn(8, 4))
    clone = copy.deepcopy(model)
    # The clone is regularised like the original, starts without activity
    # values and its passes do not touch the original's.
    assert penalty(clone).item() == pytest.approx(L1(0.1)(clone[0].weight).item())
    before = penalty(model).item()
    clone(torch.randn(3, 4) * 100)
    assert penalty(model).item() == before
    restored = pickle.loads(pickle.dumps(model))
    restored(torch.randn(8, 4))
    assert penalty(restored).item() > 0


def test_kernel_is_keras_name_for_weight():
    model = _mlp()
    handle = regularize(model, kernel=Orthogonal(0.1), where="0")
    assert handle.weights == ["0.weight"]
    with pytest.raises(TypeError, match="not both"):
        regularize(model, weight=L1(), kernel=L1())


def test_plain_callables_are_regularizers_too():
    layer = _keras_dense()
    regularize(layer, weight=lambda w: 0.01 * w.abs().sum())
    assert penalty(layer).item() == pytest.approx(0.25)


def test_empty_model_penalty_is_zero():
    assert float(penalty(nn.ReLU())) == 0.0
    assert penalty(nn.Linear(2, 2).double()).dtype == torch.float64


def test_norm_layers_are_recognised_by_type_and_name():
    from shrinkage.nn import is_norm_layer

    class ScaleNorm(nn.Module):
        pass

    class NormalLinear(nn.Linear):
        pass

    assert is_norm_layer(nn.BatchNorm2d(3)) and is_norm_layer(nn.InstanceNorm1d(3))
    assert is_norm_layer(nn.LayerNorm(3)) and is_norm_layer(nn.GroupNorm(1, 3))
    assert is_norm_layer(ScaleNorm())
    assert not is_norm_layer(NormalLinear(2, 2)) and not is_norm_layer(nn.Linear(2, 2))
