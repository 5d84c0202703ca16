"""``python -m shrinkage``: a Lasso path on scikit-learn's diabetes data.

Fits the Lasso with warm starts along 30 alphas from ``alpha_max`` (where
every coefficient is zero) down to ``alpha_max / 1000``, prints the order in
which features enter (and leave) the model, and the features selected by
the sparsest model whose R^2 on a held-out quarter of the data is within
0.01 of the best. Standalone until the
``shrinkage`` command exists.
"""

from __future__ import annotations

import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

from .linear_model import Lasso


def main(n_alphas: int = 30) -> None:
    data = load_diabetes()
    X, y, names = data.data, data.target, np.asarray(data.feature_names)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)

    # alpha_max on standardised columns: the largest |x_j' (y - mean y)| / n.
    Xc = X_train - X_train.mean(axis=0)
    Xs = Xc / Xc.std(axis=0)
    alpha_max = np.max(np.abs(Xs.T @ (y_train - y_train.mean()))) / len(y_train)
    alphas = alpha_max * np.logspace(0, -3, n_alphas)

    model = Lasso(warm_start=True, standardize=True, tol=1e-8, max_iter=100_000)
    print(f"Lasso path on diabetes ({X.shape[0]} samples, {X.shape[1]} features), "
          f"{n_alphas} alphas from alpha_max={alpha_max:.3g}")
    print(f"{'alpha':>10} {'nonzero':>7} {'test R^2':>9}  change")
    previous: set[str] = set()
    fits = []
    for alpha in alphas:
        model.set_params(alpha=alpha).fit(X_train, y_train)
        active = {str(n) for n in names[model.coef_ != 0]}
        change = [f"+{n}" for n in names if n in active - previous]
        change += [f"-{n}" for n in names if n in previous - active]
        previous = active
        r2 = model.score(X_test, y_test)
        fits.append((r2, alpha, model.coef_.copy()))
        print(f"{alpha:10.4g} {len(active):7d} {r2:9.3f}  {' '.join(change)}")

    best_r2 = max(f[0] for f in fits)
    # alphas decrease, so the first fit close to the best is the sparsest.
    r2, alpha, coef = next(f for f in fits if f[0] >= best_r2 - 0.01)
    order = np.argsort(-np.abs(coef))
    print(f"\nBest held-out R^2 = {best_r2:.3f}. Sparsest model within 0.01 of it: "
          f"alpha = {alpha:.4g}, R^2 = {r2:.3f}; selected features:")
    for j in order:
        if coef[j] != 0:
            print(f"  {names[j]:>4} {coef[j]:+10.2f}")
    dropped = [str(n) for n in names[coef == 0]]
    print(f"Set to exactly zero: {', '.join(dropped) if dropped else 'none'}")


if __name__ == "__main__":
    main()
