"""The classic Keras regularization example, in PyTorch with shrinkage.nn.

Keras::

    model = Sequential([
        Dense(10, input_dim=10, activation="relu",
              kernel_regularizer=regularizers.l1(0.01)),   # or l2(0.01), l1_l2(0.01, 0.01)
        Dense(1),
    ])
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, y, epochs=100, batch_size=32, validation_split=0.2)

The same model here, trained with the same penalties (Keras' numbers), plus
what Keras cannot do: the L1 penalty applied as a proximal step after each
Adam step, which sets weights to exactly zero. Only 4 of the 10 inputs
matter, so a sparse first layer is the right answer.

Run: ``python examples/nn_keras_classic.py`` (about ten seconds on a CPU).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from shrinkage.nn import L1, L1L2, L2, ProximalOptimizer, Regularizer, penalty, regularize, sparsity

N_SAMPLES, N_FEATURES, EPOCHS, BATCH = 1000, 10, 100, 32


def make_data(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """y = 2 x0 - 3 x1 + x2 - 1.5 x3 + noise; the other 6 inputs are noise."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N_SAMPLES, N_FEATURES))
    y = 2 * X[:, 0] - 3 * X[:, 1] + X[:, 2] - 1.5 * X[:, 3] + 0.3 * rng.standard_normal(N_SAMPLES)
    return torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)[:, None]


def make_model() -> nn.Sequential:
    """Dense(10, relu) on 10 inputs, then Dense(1)."""
    return nn.Sequential(nn.Linear(N_FEATURES, 10), nn.ReLU(), nn.Linear(10, 1))


def train(
    reg: Regularizer | None, proximal: bool, X: torch.Tensor, y: torch.Tensor
) -> dict[str, Any]:
    torch.manual_seed(0)  # same initial weights and batches for every variant
    model = make_model()
    if reg is not None:
        # Keras' kernel_regularizer on the first Dense layer only.
        regularize(model[0], weight=reg)
    opt: torch.optim.Optimizer | ProximalOptimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    if proximal:
        # The attached L1 moves into a proximal step: exact zeros, and
        # penalty(model) no longer counts it.
        opt = ProximalOptimizer(opt, model=model)
    n_train = int(0.8 * len(X))  # Keras' validation_split takes the last 20%
    X_tr, y_tr, X_val, y_val = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
    mse = nn.MSELoss()
    for _ in range(EPOCHS):
        for idx in torch.randperm(n_train).split(BATCH):
            opt.zero_grad()
            loss = mse(model(X_tr[idx]), y_tr[idx]) + penalty(model)
            loss.backward()
            opt.step()
    with torch.no_grad():
        kernel = model.get_parameter("0.weight")  # the first Dense kernel
        return {
            "train_mse": mse(model(X_tr), y_tr).item(),
            "val_mse": mse(model(X_val), y_val).item(),
            "penalty": 0.0 if reg is None else reg(kernel).item(),
            "exact_zeros": int(kernel.eq(0).sum()),
            "below_1e-3": int((kernel.abs() < 1e-3).sum()),
            "model": model,
        }


def main() -> None:
    X, y = make_data()
    variants = {
        "none": (None, False),
        "L1(0.01)": (L1(0.01), False),
        "L2(0.01)": (L2(0.01), False),
        "L1L2(0.01, 0.01)": (L1L2(0.01, 0.01), False),
        "L1(0.01) + prox": (L1(0.01), True),
    }
    print(
        f"{'kernel regularizer':<18} {'train MSE':>9} {'val MSE':>8} {'penalty':>8} "
        f"{'zeros':>6} {'|w|<1e-3':>9}   (first layer: 100 weights)"
    )
    results = {}
    for name, (reg, proximal) in variants.items():
        r = results[name] = train(reg, proximal, X, y)
        print(
            f"{name:<18} {r['train_mse']:>9.4f} {r['val_mse']:>8.4f} {r['penalty']:>8.4f} "
            f"{r['exact_zeros']:>6d} {r['below_1e-3']:>9d}"
        )
    print(
        "\nL1 in the loss makes weights small; only the proximal step makes them zero."
        "\nWith mini-batches, gradient noise keeps some useless weights hopping around 0;"
        "\nlarger batches or a few full-batch epochs at the end zero more of them."
    )
    print("Sparsity of the proximal model, per layer (biases are never penalised):")
    print(sparsity(results["L1(0.01) + prox"]["model"]))


if __name__ == "__main__":
    main()
