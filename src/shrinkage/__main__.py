"""``python -m shrinkage``: Lasso and L1-logistic paths with cross-validation.

Fits the whole Lasso path on scikit-learn's diabetes data (standardised
columns, 30 alphas from ``alpha_max`` down to ``alpha_max / 1000``), prints
the order in which features enter (and leave) and the held-out R^2 at each
alpha, then chooses alpha by 10-fold cross-validation with both rules
(the minimum and the one-standard-error rule) and prints the selected
features. Then the same for classification: an L1 logistic regression on
the breast-cancer data, alpha chosen by stratified 10-fold CV on the
held-out deviance, with test accuracy and AUC and the features it keeps.
Standalone until the ``shrinkage`` command exists.
"""

from __future__ import annotations

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

from .model_selection import LassoCV, LogisticRegressionCV
from .path import regularization_path


def main(n_alphas: int = 30) -> None:
    # Plain arrays and the Bunch's names: the first command of the README
    # installs shrinkage alone, without pandas.
    data = load_diabetes()
    X, y = data.data, data.target
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)

    path = regularization_path(
        X_train, y_train, n_alphas=n_alphas, standardize=True, tol=1e-8,
        feature_names=data.feature_names,
    )
    names = np.asarray(path.names(np.arange(path.n_features)))
    print(f"Lasso path on diabetes ({X.shape[0]} samples, {X.shape[1]} features), "
          f"{n_alphas} alphas from alpha_max={path.alpha_max:.3g}")
    print(f"{'alpha':>10} {'nonzero':>7} {'test R^2':>9}  change")
    pred = path.predict(X_test)
    r2 = 1 - ((y_test[:, None] - pred) ** 2).sum(0) / ((y_test - y_test.mean()) ** 2).sum()
    previous = np.zeros(path.n_features, dtype=bool)
    for k, alpha in enumerate(path.alphas):
        active = path.coefs[:, k] != 0
        change = [f"+{n}" for n in names[active & ~previous]]
        change += [f"-{n}" for n in names[previous & ~active]]
        previous = active
        print(f"{alpha:10.4g} {int(path.df[k]):7d} {r2[k]:9.3f}  {' '.join(change)}")
    print(f"Entry order: {', '.join(path.names(path.entry_order()))}")

    cv = LassoCV(cv=KFold(10, shuffle=True, random_state=0), standardize=True, rule="1se")
    cv.fit(X_train, y_train)
    print(f"\n10-fold CV: alpha_min = {cv.alpha_min_:.4g}, alpha_1se = {cv.alpha_1se_:.4g} "
          f"(the largest alpha within one standard error of the best CV error).")
    print(f"The 1-SE model: held-out R^2 = {cv.score(X_test, y_test):.3f} with "
          f"{np.count_nonzero(cv.coef_)} of {X.shape[1]} features:")
    for j in np.argsort(-np.abs(cv.coef_)):
        if cv.coef_[j] != 0:
            print(f"  {names[j]:>4} {cv.coef_[j]:+10.2f}")
    dropped = [str(n) for n in names[cv.coef_ == 0]]
    print(f"Set to exactly zero: {', '.join(dropped) if dropped else 'none'}")
    classification()


def classification(n_alphas: int = 30) -> None:
    """L1 logistic regression on breast cancer, alpha chosen by CV (1-SE rule)."""
    data = load_breast_cancer()
    X, y = data.data, data.target
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    folds = StratifiedKFold(10, shuffle=True, random_state=0)
    cv = LogisticRegressionCV(l1_ratio=1.0, alphas=n_alphas, cv=folds, rule="1se",
                              standardize=True).fit(X_train, y_train)
    kept = np.flatnonzero(cv.coef_[0])
    auc = roc_auc_score(y_test, cv.predict_proba(X_test)[:, 1])
    print(f"\nL1 logistic regression on breast cancer ({X.shape[0]} samples, {X.shape[1]} "
          f"features), {n_alphas} alphas, stratified 10-fold CV on the held-out deviance:")
    print(f"alpha_min = {cv.alpha_min_:.4g}, alpha_1se = {cv.alpha_1se_:.4g}; the 1-SE model "
          f"keeps {kept.size} of {X.shape[1]} features: test accuracy "
          f"{cv.score(X_test, y_test):.3f}, AUC {auc:.3f} (certified: duality gap "
          f"{cv.dual_gap_:.1e}).")
    names = np.asarray(data.feature_names)
    for j in kept[np.argsort(-np.abs(cv.coef_[0, kept]))]:
        print(f"  {names[j]:>24} {cv.coef_[0, j]:+10.4f}")


if __name__ == "__main__":
    main()
