"""scikit-learn's own estimator checks, run on every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from shrinkage import ElasticNet, Lasso, Ridge


@parametrize_with_checks([Lasso(), ElasticNet(), Ridge(), Lasso(standardize=True)])
def test_sklearn_compatible(estimator, check):
    check(estimator)
