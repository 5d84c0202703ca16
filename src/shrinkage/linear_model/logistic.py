"""L1, L2 and Elastic-Net logistic regression with scikit-learn's objective."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.special import expit, log_expit, log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from .._logistic_problem import (
    GROUPED_EPOCHS_PER_ITER,
    LogisticProblem,
    make_logistic_problem,
    solve_logistic,
)
from .._validation import check_l1_ratio, validate_estimator_data
from ..penalties import ElasticNet as ElasticNetPenalty
from ..solvers._logistic_gap import null_loss
from ._base import (
    SPARSE_FORMATS,
    _check_alpha_param,
    _check_bool,
    _check_choice,
    _check_positive_int,
    _check_tol,
    check_declared_params,
    check_sample_weight,
    store_params,
)

_MULTINOMIAL_PENALTIES = ("ungrouped", "grouped")


def _check_l1_ratio_param(value: Any) -> None:
    check_l1_ratio(value)


def _check_class_weight(value: Any) -> None:
    if value is None or value == "balanced" or isinstance(value, dict):
        return
    raise ValueError(
        "class_weight must be None, 'balanced' or a dict {class_label: weight}; "
        f"got {value!r}."
    )


def _check_label_types(y: Any) -> None:
    """Refuse labels mixing strings and numbers (``[1, 'a']``), which sort ambiguously.

    numpy would silently turn a list ``[1, 'a']`` into the strings
    ``['1', 'a']``; the raw labels are inspected before that happens.
    """
    dtype = getattr(y, "dtype", None)
    if dtype is not None and dtype.kind != "O":
        return
    try:
        values = np.asarray(y, dtype=object).ravel()
    except (TypeError, ValueError):
        return  # malformed y: validate_data reports it
    strings = [v for v in values if isinstance(v, str)]
    others = [v for v in values if not isinstance(v, str)]
    if strings and others:
        raise ValueError(
            "y mixes label types: strings (e.g. "
            f"{strings[0]!r}) and non-strings (e.g. {others[0]!r}). Give every label "
            "the same type, e.g. y.astype(str)."
        )


def _check_class_weight_labels(class_weight: dict[Any, Any], classes: NDArray[Any]) -> None:
    """Every key of a class_weight dict must be a class of y."""
    known = set(classes.tolist())
    unknown = [key for key in class_weight if _plain(key) not in known]
    if unknown:
        raise ValueError(
            f"class_weight names {', '.join(_label(k) for k in unknown)}, which "
            f"{'is not a class' if len(unknown) == 1 else 'are not classes'} of y; the "
            f"classes are {', '.join(_label(c) for c in classes)}."
        )


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _label(value: Any) -> str:
    """A class label as the user wrote it: ``'a'`` or ``2``, not ``np.str_('a')``."""
    return repr(value.item() if isinstance(value, np.generic) else value)


class LogisticRegression(ClassifierMixin, BaseEstimator):
    """Logistic regression with L1, L2 or Elastic-Net penalty, and a certificate.

    Minimises, with sample weights ``s`` (times the class weights) and
    penalty factors ``f`` (default 1)::

        1 / sum(s) * sum_i s_i log-loss_i(x_i'w + b)
            + alpha * sum_j f_j (l1_ratio |w_j| + (1 - l1_ratio) / 2 w_j^2)

    subject to ``lower_bounds <= w <= upper_bounds``. With two classes the
    log-loss is the binary one (one coefficient vector, ``classes_[1]`` the
    positive class); with more it is the multinomial (softmax) loss with one
    coefficient vector per class, every entry penalised (scikit-learn's
    over-parametrised form). The intercept is never penalised.

    This is scikit-learn's :class:`~sklearn.linear_model.LogisticRegression`
    objective divided by ``C * sum(s)``: the same model is obtained with
    ``alpha = 1 / (C * sum(s))``, i.e. ``alpha = 1 / (C * n_samples)``
    without weights. scikit-learn's default ``C=1`` is ``alpha=1/n_samples``,
    a much lighter penalty than this class's default ``alpha=1``.

    The solver is a certified proximal Newton method: the fit stops when the
    duality gap is below ``tol`` times the loss of the intercept-only model,
    and the gap reached is reported in ``dual_gap_``.

    Parameters
    ----------
    alpha : float, default=1.0
        Penalty strength, >= 0. ``alpha=0`` fits the unpenalised model,
        which exists only when the classes are not separable.
    l1_ratio : float, default=0.0
        Mix in [0, 1]: 0 is the ridge (L2) penalty, scikit-learn's default;
        1 is the Lasso (L1) penalty, which sets coefficients exactly to 0.
    fit_intercept : bool, default=True
        Fit an unpenalised intercept (one per class when multinomial).
    tol : float, default=1e-4
        Stop when the duality gap is below ``tol`` times the intercept-only
        model's loss (the entropy of the weighted class shares; ``log 2``,
        or ``log n_classes``, without an intercept).
    max_iter : int, default=100
        Maximum number of proximal Newton iterations (passes over the
        classes when multinomial). With ``multinomial_penalty="grouped"``
        the solver is block coordinate descent, which may run up to
        ``100 * max_iter`` epochs.
    warm_start : bool, default=False
        Start from the previous ``coef_`` and ``intercept_`` when the classes
        and features are the same.
    class_weight : dict, "balanced" or None, default=None
        Weights multiplied into ``sample_weight`` per class, as in
        scikit-learn (``"balanced"``: ``sum(s) / (n_classes * sum of s in the
        class)``, computed with the sample weights).
    penalty_factor : array-like of shape (n_features,), optional
        Per-feature multipliers ``f_j >= 0`` of the penalty (glmnet's
        ``penalty.factor``); 0 leaves a feature unpenalised.
    lower_bounds, upper_bounds : float or array-like, optional
        Bounds on the coefficients (original scale, the same for every
        class); they must contain 0.
    positive : bool, default=False
        Constrain the coefficients to be >= 0.
    standardize : bool, default=False
        Fit on columns scaled to unit weighted variance and report the
        coefficients on the original scale (glmnet's default): the penalty
        then applies to the standardised coefficients.
    multinomial_penalty : {"ungrouped", "grouped"}, default="ungrouped"
        With more than two classes, penalise every coefficient separately
        (scikit-learn's form), or penalise the Euclidean norm of each
        feature's row of coefficients, which selects a feature for all
        classes at once (glmnet's ``type.multinomial="grouped"``; no bounds).
        Ignored for two classes.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Coefficients, in X's dtype.
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Multinomial intercepts sum to 0: a common shift of them leaves the
        probabilities and the objective unchanged, so they are centred.
    n_iter_ : ndarray of shape (1,)
        Proximal Newton iterations run.
    dual_gap_ : float
        The certificate: the duality gap of the objective at the solution
        (on the standardised scale with ``standardize=True``).
    null_loss_ : float
        Loss of the intercept-only model; ``dual_gap_ <= tol * null_loss_``
        when the fit converged (or ``dual_gap_ <= 64 eps``, about 1.4e-14, the
        finest gap floating point resolves, when that is larger).
    certificate_kind_ : str
        ``"duality_gap"``.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X has string column names.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.preprocessing import StandardScaler
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> model = LogisticRegression(alpha=0.05, l1_ratio=1.0).fit(X, y)
    >>> bool(model.dual_gap_ <= model.tol * model.null_loss_)
    True
    >>> int((model.coef_ != 0).sum()) < X.shape[1]
    True
    """

    # name -> check; constraints declared once, checked at the start of fit.
    _parameter_checks: ClassVar[dict[str, Callable[[Any], None]]] = {
        "alpha": _check_alpha_param,
        "l1_ratio": _check_l1_ratio_param,
        "fit_intercept": _check_bool("fit_intercept"),
        "tol": _check_tol,
        "max_iter": _check_positive_int("max_iter"),
        "warm_start": _check_bool("warm_start"),
        "class_weight": _check_class_weight,
        "positive": _check_bool("positive"),
        "standardize": _check_bool("standardize"),
        "multinomial_penalty": _check_choice("multinomial_penalty", _MULTINOMIAL_PENALTIES),
    }

    def __init__(
        self,
        alpha: float = 1.0,
        *,
        l1_ratio: float = 0.0,
        fit_intercept: bool = True,
        tol: float = 1e-4,
        max_iter: int = 100,
        warm_start: bool = False,
        class_weight: Any = None,
        penalty_factor: Any = None,
        lower_bounds: Any = None,
        upper_bounds: Any = None,
        positive: bool = False,
        standardize: bool = False,
        multinomial_penalty: str = "ungrouped",
    ) -> None:
        store_params(self, locals())

    def _validate_params(self) -> None:
        check_declared_params(self)
        bounded = (
            self.lower_bounds is not None or self.upper_bounds is not None or self.positive
        )
        if self.multinomial_penalty == "grouped" and bounded:
            raise ValueError(
                "multinomial_penalty='grouped' does not support lower_bounds, "
                "upper_bounds or positive (a bound on one class's coefficient does not "
                "fit a penalty on the whole row); use multinomial_penalty='ungrouped'."
            )

    # -- fit ---------------------------------------------------------------
    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> LogisticRegression:
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; float32 stays float32, sparse stays sparse.
        y : array-like of shape (n_samples,)
            Class labels (numbers or strings, not a mix); at least two classes.
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights; only their ratios matter.

        Returns
        -------
        self
        """
        self._validate_params()
        _check_label_types(y)
        X, y = validate_estimator_data(
            self, X, y, accept_sparse=SPARSE_FORMATS, dtype=[np.float64, np.float32]
        )
        check_classification_targets(y)
        if sp.issparse(X):
            X = sp.csc_matrix(X)
        classes, labels = np.unique(y, return_inverse=True)
        if classes.shape[0] < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least two classes; y has only one "
                f"class, {_label(classes[0])}. Collect samples of another class."
            )
        sw = self._weights(classes, y, labels, sample_weight, X.shape[0])
        problem = make_logistic_problem(
            X, labels, classes.shape[0], sw,
            fit_intercept=self.fit_intercept, standardize=self.standardize,
        )
        penalty = ElasticNetPenalty(
            self.alpha,
            l1_ratio=self.l1_ratio,
            penalty_factor=self.penalty_factor,
            lower_bounds=self.lower_bounds,
            upper_bounds=self.upper_bounds,
            positive=self.positive,
        )
        pen = problem.scale_bounds(penalty.per_feature(X.shape[1]))
        coef_init, intercept_init = self._warm_start_init(classes, problem)
        options = {"max_iter": self.max_iter, **self._grouped_kwargs(problem)}
        solution = solve_logistic(
            problem, pen, tol=self.tol, coef_init=coef_init, intercept_init=intercept_init,
            warn=False, **options,
        )
        shares: NDArray[np.float64] = np.asarray(
            np.bincount(labels, weights=problem.omega(), minlength=classes.shape[0]),
            dtype=np.float64,
        )
        self.null_loss_ = null_loss(shares, self.fit_intercept)
        if not solution.converged:
            self._warn_not_converged(solution.certificate, solution.tol, options["max_iter"])

        coef = problem.to_original(np.asarray(solution.coef, dtype=np.float64))
        self.classes_ = classes
        self.coef_ = np.asarray(coef[None, :] if problem.binary else coef.T, dtype=X.dtype)
        intercept = np.atleast_1d(np.asarray(solution.intercept, dtype=np.float64))
        if not self.fit_intercept:
            intercept = np.zeros_like(intercept)
        elif not problem.binary:
            # The softmax is unchanged by a common shift of the (unpenalised)
            # intercepts: report the one solution whose intercepts sum to 0.
            intercept = intercept - intercept.mean()
        self.intercept_ = intercept.astype(X.dtype)
        self.n_iter_ = np.array([solution.n_iter], dtype=np.int32)
        self.dual_gap_ = float(solution.certificate)
        self.certificate_kind_ = solution.certificate_kind
        if self.alpha == 0 and np.all(np.isinf(pen.lower)) and np.all(np.isinf(pen.upper)):
            self._warn_if_separated(X, labels, sw)
        return self

    def _warn_if_separated(
        self, X: Any, labels: NDArray[np.intp], sw: NDArray[np.float64] | None
    ) -> None:
        """Without a penalty, a model with every margin positive has no minimiser.

        Scaling such coefficients up lowers the loss forever: the fit is a
        near-zero-loss model whose scale is arbitrary, which the user should
        know about.
        """
        scores = np.asarray(safe_sparse_dot(X, self.coef_.T, dense_output=True)) + self.intercept_
        used = np.ones(labels.shape[0], bool) if sw is None else sw > 0
        if scores.shape[1] == 1:
            margins = np.where(labels == 1, 1.0, -1.0) * scores[:, 0]
        else:
            own = scores[np.arange(labels.shape[0]), labels]
            others = scores.copy()
            others[np.arange(labels.shape[0]), labels] = -np.inf
            margins = own - others.max(axis=1)
        if np.all(margins[used] > 0):
            warnings.warn(
                "alpha=0 and the classes are linearly separable in the training data: "
                "the unpenalised loss has no minimiser, so coef_ is one of many models "
                "with a near-zero loss and its scale is arbitrary. Use alpha > 0.",
                UserWarning,
                stacklevel=3,
            )

    def _weights(
        self, classes: NDArray[Any], y: NDArray[Any], labels: NDArray[np.intp],
        sample_weight: Any, n_samples: int,
    ) -> NDArray[np.float64] | None:
        """Sample weights times class weights, each class with positive total weight."""
        sw = check_sample_weight(sample_weight, n_samples)
        if isinstance(self.class_weight, dict):
            _check_class_weight_labels(self.class_weight, classes)
        if self.class_weight is not None:
            per_class = compute_class_weight(
                self.class_weight, classes=classes, y=y, sample_weight=sw
            )
            per_class = np.asarray(per_class, dtype=np.float64)
            if not np.all(np.isfinite(per_class)) or np.any(per_class < 0):
                raise ValueError(
                    f"class_weight must give every class a finite weight >= 0; got {per_class}."
                )
            base = np.ones(n_samples) if sw is None else sw
            sw = base * per_class[labels]
        if sw is None:
            return None
        totals = np.bincount(labels, weights=sw, minlength=classes.shape[0])
        if np.count_nonzero(totals > 0) < 2:
            kept = classes[totals > 0]
            raise ValueError(
                f"{type(self).__name__} needs at least two classes with positive sample "
                f"weight; only class {_label(kept[0])} has any. Give samples of another "
                "class a positive weight."
            )
        if self.fit_intercept and np.any(totals == 0):
            empty = classes[totals == 0][0]
            raise ValueError(
                f"class {_label(empty)} has zero total sample weight: with fit_intercept=True "
                "its intercept would go to -inf and no minimiser exists. Drop its "
                "samples or give them a positive weight."
            )
        return sw

    def _grouped_kwargs(self, problem: LogisticProblem) -> dict[str, Any]:
        if self.multinomial_penalty != "grouped" or problem.binary:
            return {}
        return {"grouped": True, "max_iter": self.max_iter * GROUPED_EPOCHS_PER_ITER}

    def _warm_start_init(
        self, classes: NDArray[Any], problem: LogisticProblem
    ) -> tuple[NDArray[np.float64] | None, Any]:
        if not self.warm_start or getattr(self, "coef_", None) is None:
            return None, None
        previous = getattr(self, "classes_", None)
        n_rows = 1 if problem.binary else classes.shape[0]
        if (
            previous is None
            or previous.shape != classes.shape
            or not np.array_equal(previous, classes)
            or self.coef_.shape != (n_rows, problem.n_features)
        ):
            return None, None
        coef = np.asarray(self.coef_, dtype=np.float64)
        coef = coef[0] if problem.binary else coef.T
        intercept = np.asarray(self.intercept_, dtype=np.float64)
        return problem.to_fitted(coef), float(intercept[0]) if problem.binary else intercept

    def _warn_not_converged(self, gap: float, tol_abs: float, max_iter: int) -> None:
        steps = ""
        if max_iter != self.max_iter:
            steps = f" ({max_iter} block coordinate-descent epochs)"
        hint = (
            " With alpha=0 the classes may be separable, and then no finite minimiser "
            "exists: use alpha > 0."
            if self.alpha == 0
            else " Increase max_iter, loosen tol, or standardize the features "
            "(standardize=True)."
        )
        warnings.warn(
            f"{type(self).__name__} did not converge in max_iter={self.max_iter} "
            f"iterations{steps}: the duality gap is {gap:.3e}, above the tolerance "
            f"{tol_abs:.3e} (tol={self.tol:g} times the intercept-only loss).{hint}",
            ConvergenceWarning,
            stacklevel=3,
        )

    # -- predict -------------------------------------------------------------
    def decision_function(self, X: Any) -> NDArray[np.floating]:
        """Linear scores ``X @ coef_.T + intercept_``.

        Returns
        -------
        ndarray of shape (n_samples,) for two classes (the score of
        ``classes_[1]``), else (n_samples, n_classes).
        """
        check_is_fitted(self)
        X = validate_estimator_data(
            self, X, accept_sparse=SPARSE_FORMATS, dtype=[np.float64, np.float32], reset=False
        )
        scores = safe_sparse_dot(X, self.coef_.T, dense_output=True) + self.intercept_
        scores = np.asarray(scores)
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict(self, X: Any) -> NDArray[Any]:
        """The most probable class of each sample."""
        scores = self.decision_function(X)
        index = (scores > 0).astype(np.intp) if scores.ndim == 1 else scores.argmax(axis=1)
        return np.asarray(self.classes_[index])

    def predict_proba(self, X: Any) -> NDArray[np.floating]:
        """Class probabilities, shape (n_samples, n_classes), in the order of ``classes_``."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return np.column_stack([expit(-scores), expit(scores)])
        return np.asarray(softmax(scores, axis=1))

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Mean accuracy on ``(X, y)``; labels never seen in fit are an error.

        scikit-learn would count a sample of an unknown label as misclassified
        and return a plausible-looking number (0.0 for labels ``"YES"`` /
        ``"NO"`` against a model of ``"yes"`` / ``"no"``). Such a y is almost
        always a mix-up (other spelling, other encoding), so it is refused
        with the labels named.
        """
        check_is_fitted(self)
        _check_label_types(y)
        labels = np.asarray(y).ravel()
        try:
            unseen = np.setdiff1d(np.unique(labels), self.classes_)
        except TypeError:  # labels of another type than classes_ (numbers vs strings)
            unseen = np.unique(labels)
        if unseen.size:
            shown = ", ".join(_label(v) for v in unseen[:5])
            raise ValueError(
                f"y holds {unseen.size} label(s) the model never saw in fit: {shown}; the "
                f"model's classes are {', '.join(_label(c) for c in self.classes_)}. Map "
                "the labels to the training ones first."
            )
        return float(super().score(X, y, sample_weight=sample_weight))

    def predict_log_proba(self, X: Any) -> NDArray[np.floating]:
        """Logarithms of :meth:`predict_proba`, computed without underflow."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return np.column_stack([log_expit(-scores), log_expit(scores)])
        return np.asarray(log_softmax(scores, axis=1))

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
