"""ProximalOptimizer: exact zeros, scikit-learn's Lasso and ElasticNet, weight_decay conversions."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.linear_model as skl

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

import shrinkage  # noqa: E402
from conftest import make_regression  # noqa: E402
from shrinkage.nn import (  # noqa: E402
    L1,
    L1L2,
    L2,
    Orthogonal,
    ProximalOptimizer,
    penalty,
    prox_step_size,
    regularize,
    sparsity,
)


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny tensors: intra-op threads only add contention on a busy machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


ALPHA, L1_RATIO = 0.2, 0.5  # 6 of 10 Lasso coefficients and 4 ElasticNet ones are 0


@pytest.fixture(scope="module")
def data():
    """n=100, p=10, 5 informative; standardised X, y scaled to unit variance around 1."""
    X, y = make_regression(100, 10, n_informative=5, noise=3.0, seed=7)
    X = (X - X.mean(0)) / X.std(0)
    y = (y - y.mean()) / y.std() + 1.0
    return X, y


def _fit_linear(X, y, reg, make_opt, n_steps):
    """Full-batch nn.Linear on mean((y - Xw - b)^2) / 2 with the prox of ``reg``."""
    Xt, yt = torch.tensor(X), torch.tensor(y)
    torch.manual_seed(0)
    layer = nn.Linear(X.shape[1], 1).double()
    opt = ProximalOptimizer(make_opt(layer.parameters()), reg)
    for _ in range(n_steps):
        opt.zero_grad()
        loss = (yt - layer(Xt).squeeze(1)).square().mean() / 2
        loss.backward()
        opt.step()
    return layer.weight.detach().numpy().ravel(), layer.bias.item()


OPTIMIZERS = {
    # lr = 1 / L with L <= 2 here (unit-variance columns; the largest
    # eigenvalue of [X 1]'[X 1]/n is below 2 for this draw).
    "sgd": (lambda p: torch.optim.SGD(p, lr=0.5), 500),
    "sgd_momentum": (lambda p: torch.optim.SGD(p, lr=0.2, momentum=0.9), 1000),
    "sgd_nesterov_dampening": (
        lambda p: torch.optim.SGD(p, lr=0.2, momentum=0.6, nesterov=True, dampening=0.0),
        500,
    ),
    "adam": (lambda p: torch.optim.Adam(p, lr=0.02), 1000),
    "adamw_amsgrad": (lambda p: torch.optim.AdamW(p, lr=0.02, weight_decay=0, amsgrad=True), 1000),
    "adagrad": (lambda p: torch.optim.Adagrad(p, lr=0.5), 1250),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("model", ["lasso", "enet"])
def test_linear_layer_with_prox_is_lasso_and_elastic_net(data, name, model):
    X, y = data
    if model == "lasso":
        reg = L1(ALPHA)  # Keras l1 == scikit-learn alpha for the MSE/2 loss
        ours = shrinkage.Lasso(alpha=ALPHA, tol=1e-12).fit(X, y)
        ref = skl.Lasso(alpha=ALPHA, tol=1e-12, max_iter=100_000).fit(X, y)
    else:
        reg = L1L2(l1=ALPHA * L1_RATIO, l2=ALPHA * (1 - L1_RATIO) / 2)
        ours = shrinkage.ElasticNet(alpha=ALPHA, l1_ratio=L1_RATIO, tol=1e-12).fit(X, y)
        ref = skl.ElasticNet(alpha=ALPHA, l1_ratio=L1_RATIO, tol=1e-12, max_iter=100_000).fit(X, y)
    assert 0 < np.sum(ref.coef_ == 0) < X.shape[1]  # a real zero pattern to match
    make_opt, n_steps = OPTIMIZERS[name]
    coef, intercept = _fit_linear(X, y, reg, make_opt, n_steps)
    for est in (ours, ref):
        np.testing.assert_allclose(coef, est.coef_, rtol=0, atol=1e-6)
        assert abs(intercept - est.intercept_) < 1e-6
        np.testing.assert_array_equal(coef == 0, est.coef_ == 0)


def test_adam_needs_the_per_coordinate_threshold(data):
    """Thresholding by lr * l1 after an Adam step converges, but to the wrong point.

    Adam moves coordinate j by lr / (sqrt(v_hat_j) + eps) times its gradient
    estimate; a threshold on another scale solves a reweighted Lasso.
    """
    X, y = data
    Xt, yt = torch.tensor(X), torch.tensor(y)
    torch.manual_seed(0)
    layer = nn.Linear(10, 1).double()
    opt = torch.optim.Adam(layer.parameters(), lr=0.02)
    for _ in range(1000):
        opt.zero_grad()
        ((yt - layer(Xt).squeeze(1)).square().mean() / 2).backward()
        opt.step()
        with torch.no_grad():
            layer.weight.copy_(L1(ALPHA).prox(layer.weight, 0.02))
    ref = shrinkage.Lasso(alpha=ALPHA, tol=1e-12).fit(X, y)
    assert np.abs(layer.weight.detach().numpy().ravel() - ref.coef_).max() > 1e-2


def test_l1_in_the_loss_gives_no_exact_zeros(data):
    """The subgradient of L1 in the loss only makes weights small: the prox is needed."""
    X, y = data
    Xt, yt = torch.tensor(X), torch.tensor(y)
    torch.manual_seed(0)
    layer = nn.Linear(10, 1).double()
    regularize(layer, weight=L1(ALPHA))
    opt = torch.optim.Adam(layer.parameters(), lr=0.02)
    for _ in range(500):
        opt.zero_grad()
        ((yt - layer(Xt).squeeze(1)).square().mean() / 2 + penalty(layer)).backward()
        opt.step()
    assert sparsity(layer).n_zero == 0


@pytest.mark.parametrize(
    "make_opt",
    [
        lambda p: torch.optim.Adam(p, lr=0.1, betas=(0.8, 0.9)),
        lambda p: torch.optim.AdamW(p, lr=0.1, amsgrad=True, weight_decay=0.0),
        lambda p: torch.optim.RMSprop(p, lr=0.1),
        lambda p: torch.optim.RMSprop(p, lr=0.1, centered=True),
        lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.1),
        lambda p: torch.optim.SGD(p, lr=0.1),
    ],
    ids=["adam", "adamw_amsgrad", "rmsprop", "rmsprop_centered", "adagrad", "sgd"],
)
def test_prox_step_size_is_the_step_the_optimizer_took(make_opt):
    """(w_before - w_after) == eta * direction, where direction is m_hat (Adam) or the gradient."""
    torch.manual_seed(0)
    w = nn.Parameter(torch.randn(3, 4, dtype=torch.float64))
    opt = make_opt([w])
    for _ in range(3):
        before = w.detach().clone()
        opt.zero_grad()
        (w.sin().sum() + w.square().sum()).backward()
        opt.step()
        eta = prox_step_size(opt, opt.param_groups[0], w)
        state = opt.state[w]
        if "exp_avg" in state:  # Adam: the direction is the bias-corrected first moment
            beta1 = opt.param_groups[0]["betas"][0]
            direction = state["exp_avg"] / (1 - beta1 ** float(state["step"]))
        else:
            direction = w.grad
        torch.testing.assert_close(before - w.detach(), eta * direction, rtol=1e-12, atol=1e-14)


# -- weight_decay conversions ----------------------------------------------------
def _train(model, make_opt, with_penalty, steps=50):
    gen = torch.Generator().manual_seed(1)
    X = torch.randn(32, 5, dtype=torch.float64, generator=gen)
    y = torch.randn(32, 1, dtype=torch.float64, generator=gen)
    opt = make_opt(model)
    for _ in range(steps):
        opt.zero_grad()
        loss = (model(X) - y).square().mean()
        if with_penalty:
            loss = loss + penalty(model)
        loss.backward()
        opt.step()
    return torch.cat([p.detach().ravel() for p in model.parameters()])


def _two_models():
    torch.manual_seed(3)
    a = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 1)).double()
    b = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 1)).double()
    b.load_state_dict(a.state_dict())
    return a, b


def _decay_groups(model, decay):
    weights = [p for p in model.parameters() if p.ndim >= 2]
    biases = [p for p in model.parameters() if p.ndim < 2]
    return [{"params": weights, "weight_decay": decay}, {"params": biases, "weight_decay": 0.0}]


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_keras_l2_is_sgd_weight_decay_2l(momentum):
    l2 = 0.03
    keras, torch_wd = _two_models()
    regularize(keras, weight=L2(l2))
    w_keras = _train(
        keras, lambda m: torch.optim.SGD(m.parameters(), lr=0.05, momentum=momentum), True
    )
    w_torch = _train(
        torch_wd,
        lambda m: torch.optim.SGD(_decay_groups(m, 2 * l2), lr=0.05, momentum=momentum),
        False,
    )
    assert (w_keras - w_torch).abs().max().item() < 1e-6


def test_adam_weight_decay_is_coupled_and_adamw_is_not():
    l2 = 0.03
    keras, adam = _two_models()
    regularize(keras, weight=L2(l2))
    w_keras = _train(keras, lambda m: torch.optim.Adam(m.parameters(), lr=0.01), True)
    w_adam = _train(adam, lambda m: torch.optim.Adam(_decay_groups(m, 2 * l2), lr=0.01), False)
    assert (w_keras - w_adam).abs().max().item() < 1e-6
    _, adamw = _two_models()
    w_adamw = _train(adamw, lambda m: torch.optim.AdamW(_decay_groups(m, 2 * l2), lr=0.01), False)
    assert (w_keras - w_adamw).abs().max().item() > 1e-4


# -- bookkeeping -------------------------------------------------------------------
def _mlp():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 1))


def test_model_mode_takes_over_attached_penalties_and_penalty_skips_them():
    model = _mlp().double()
    regularize(model, weight=L1(0.1), where="0")
    regularize(model, weight=Orthogonal(0.5), activity=L2(0.01), where="2")
    model(torch.randn(8, 4, dtype=torch.float64))
    full = penalty(model).item()
    prox = ProximalOptimizer(torch.optim.SGD(model.parameters(), lr=0.1), model=model)
    assert [p is model[0].weight for p in prox.parameters] == [True]
    # The L1 term moved into the prox; the Orthogonal and activity terms stay.
    l1_term = L1(0.1)(model[0].weight).item()
    assert penalty(model).item() == pytest.approx(full - l1_term, rel=1e-12)
    prox.remove()
    assert penalty(model).item() == pytest.approx(full, rel=1e-12)


def test_explicit_regularizer_equal_to_the_attached_one_counts_once():
    model = _mlp()
    regularize(model, weight=L1(0.1))
    opt = ProximalOptimizer(torch.optim.SGD(model.parameters(), lr=0.1), L1(0.1))
    assert penalty(model).item() == 0.0
    del opt  # a dropped optimizer takes its prox along: the penalty is back
    assert penalty(model).item() > 0


def test_different_attached_penalty_would_count_twice():
    model = _mlp()
    regularize(model, weight=L2(0.1))
    opt = ProximalOptimizer(torch.optim.SGD(model.parameters(), lr=0.1), L1(0.1))
    assert opt.parameters
    with pytest.raises(ValueError, match="penalised twice"):
        penalty(model)


def test_prox_gives_exact_zeros_and_skips_biases_and_gradless_params():
    model = _mlp()
    opt = ProximalOptimizer(torch.optim.SGD(model[0].parameters(), lr=0.1), L1(100.0))
    frozen = model[2].weight.detach().clone()
    bias = model[0].bias.detach().clone()
    model[0].weight.grad = torch.zeros_like(model[0].weight)
    model[0].bias.grad = torch.zeros_like(model[0].bias)
    opt.step()
    assert torch.count_nonzero(model[0].weight) == 0
    assert torch.equal(model[0].bias, bias)
    assert torch.equal(model[2].weight, frozen)
    report = sparsity(model)
    assert [(r.name, r.n_weights, r.n_zero) for r in report.layers] == [
        ("0.weight", 24, 24),
        ("2.weight", 6, 0),
    ]
    assert (report.n_weights, report.n_zero) == (30, 24)
    assert report.fraction_zero == pytest.approx(0.8)
    assert "total" in str(report)
    assert sparsity(model, include_bias=True).n_weights == 37


def test_prox_runs_when_the_inner_optimizer_steps_and_stops_after_remove():
    model = _mlp()
    inner = torch.optim.SGD(model.parameters(), lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(inner, step_size=1, gamma=0.5)
    prox = ProximalOptimizer(inner, L1(100.0))
    for p in model.parameters():
        p.grad = torch.zeros_like(p)
    inner.step()
    sched.step()
    assert torch.count_nonzero(model[0].weight) == 0
    prox.remove()
    with torch.no_grad():
        model[0].weight.fill_(1.0)
    inner.step()
    assert torch.count_nonzero(model[0].weight) == 24


def test_prox_errors_are_clear():
    model = _mlp()
    sgd = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match="L1, L2 and L1L2"):
        ProximalOptimizer(sgd, Orthogonal())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="no proximal step is known for LBFGS"):
        ProximalOptimizer(torch.optim.LBFGS(model.parameters()), L1())
    with pytest.raises(TypeError, match="regularizer"):
        ProximalOptimizer(sgd)
    with pytest.raises(ValueError, match="no parameter"):
        ProximalOptimizer(sgd, model=model)  # nothing attached
    with pytest.raises(ValueError, match="not updated by the optimizer"):
        ProximalOptimizer(
            torch.optim.SGD(model[0].parameters(), lr=0.1), L1(), params=[model[2].weight]
        )
    first = ProximalOptimizer(sgd, L1())
    with pytest.raises(ValueError, match="another ProximalOptimizer"):
        ProximalOptimizer(torch.optim.Adam(model.parameters()), L1())
    first.remove()
    ProximalOptimizer(torch.optim.Adam(model.parameters()), L1())


def test_wrapper_delegates_the_optimizer_interface():
    model = _mlp()
    inner = torch.optim.Adam(model.parameters(), lr=0.01)
    opt = ProximalOptimizer(inner, L1(0.01))
    assert opt.param_groups is inner.param_groups
    model(torch.randn(4, 4)).sum().backward()
    opt.step()
    opt.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    state = opt.state_dict()
    opt.load_state_dict(state)
    assert "Adam" in repr(opt)


def test_dropped_optimizer_releases_its_claim():
    model = _mlp()
    ProximalOptimizer(torch.optim.Adam(model.parameters()), L1())  # dropped at once
    # Adam sits in a reference cycle; the new prox must not be refused for it.
    ProximalOptimizer(torch.optim.Adam(model.parameters()), L1())


def test_context_manager_removes_the_prox():
    model = _mlp()
    regularize(model, weight=L1(0.1))
    with ProximalOptimizer(torch.optim.SGD(model.parameters(), lr=0.1), model=model):
        assert penalty(model).item() == 0.0
    assert penalty(model).item() > 0
