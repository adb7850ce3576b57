"""The estimator-contract probe and check: scikit-learn's own estimators pass, each broken rule is named."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from autograder.spec.estimator_contract import check_contract, contract_problems, probe_contract
from autograder.wire import exchange

X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [5.0, 5.0]])
Y = np.array([0, 0, 1, 1])


class Nearest:
    """A correct 1-nearest-neighbour estimator with a list hyper-parameter and a private cache."""

    def __init__(self, weights=None, scale=1.0):
        self.weights = weights
        self.scale = scale

    def fit(self, X, y):
        self.X_ = np.asarray(X, dtype=float) * self.scale
        self.y_ = np.asarray(y)
        self.classes_ = np.unique(self.y_)
        self._cache = {}  # private helpers need no trailing underscore
        return self

    def predict(self, X):
        if not hasattr(self, "X_"):
            raise RuntimeError("not fitted: call fit first")
        d = ((np.asarray(X)[:, None, :] * self.scale - self.X_[None]) ** 2).sum(-1)
        return self.y_[d.argmin(axis=1)]


PARAMS = {"weights": [1.0, 2.0], "scale": 2.5}


def verdict(cls: Any, params: dict[str, Any] = PARAMS, **check_options: Any) -> list[str]:
    """Probe, send through the exchange format (as the grader does), then check."""
    got = exchange.decode(*exchange.encode(probe_contract(cls, params, X, Y)))
    return contract_problems(got, list(params), **check_options)


def test_a_correct_estimator_passes_and_its_probe_is_exportable() -> None:
    assert verdict(Nearest, fitted=("X_", "y_", "classes_")) == []
    outcome = check_contract(PARAMS, fitted=("classes_",))(
        exchange.decode(*exchange.encode(probe_contract(Nearest, PARAMS, X, Y))), None, True
    )
    assert outcome.passed


@pytest.mark.parametrize(
    ("estimator", "method", "fitted", "params"),
    [
        ("KNeighborsClassifier", "predict", ("classes_", "n_features_in_"), {"n_neighbors": 3}),
        ("StandardScaler", "transform", ("mean_", "scale_"), {"with_mean": True}),
        ("DecisionTreeClassifier", "predict", ("classes_", "tree_"), {"max_depth": 2}),
    ],
)
def test_scikit_learn_estimators_follow_the_contract(
    estimator: str, method: str, fitted: tuple[str, ...], params: dict[str, Any]
) -> None:
    import sklearn.neighbors
    import sklearn.preprocessing
    import sklearn.tree

    modules = (sklearn.neighbors, sklearn.preprocessing, sklearn.tree)
    cls = next(getattr(m, estimator) for m in modules if hasattr(m, estimator))
    got = exchange.decode(*exchange.encode(probe_contract(cls, params, X, Y, method=method)))
    assert contract_problems(got, list(params), fitted=fitted, method=method) == []


class FitReturnsNone(Nearest):
    def fit(self, X, y):
        super().fit(X, y)


class CopiesItsParameter(Nearest):
    def __init__(self, weights=None, scale=1.0):
        self.weights = list(weights) if weights is not None else None
        self.scale = scale


class LearnsInInit(Nearest):
    def __init__(self, weights=None, scale=1.0):
        super().__init__(weights, scale)
        self.classes_ = None


class PredictsBeforeFit(Nearest):
    def predict(self, X):
        return np.zeros(len(X), dtype=int)


class AccidentalAttributeError(Nearest):
    def predict(self, X):
        return self.y_[
            :1
        ]  # AttributeError: 'AccidentalAttributeError' object has no attribute 'y_'


class VagueError(Nearest):
    def predict(self, X):
        if not hasattr(self, "X_"):
            raise RuntimeError("oops")
        return super().predict(X)


class StateWithoutUnderscore(Nearest):
    def fit(self, X, y):
        super().fit(X, y)
        self.training_data = self.X_
        return self


class FitChangesHyperParameter(Nearest):
    def fit(self, X, y):
        self.scale = self.scale + 0.0  # an equal value, but no longer the object passed in
        return super().fit(X, y)


@pytest.mark.parametrize(
    ("cls", "says"),
    [
        (FitReturnsNone, "fit must return self"),
        (CopiesItsParameter, "self.weights"),
        (LearnsInInit, "found classes_ before fit"),
        (PredictsBeforeFit, "must raise an error, but it returned a value"),
        (AccidentalAttributeError, "got AttributeError"),
        (VagueError, "must say that fit has to be called first"),
        (StateWithoutUnderscore, "rename training_data"),
        (FitChangesHyperParameter, "fit must not change the hyper-parameters; it changed scale"),
    ],
)
def test_each_broken_rule_is_named(cls: type, says: str) -> None:
    problems = verdict(cls)
    assert problems, f"{cls.__name__} passed the contract"
    assert any(says in p for p in problems), problems
    outcome = check_contract(PARAMS)(
        exchange.decode(*exchange.encode(probe_contract(cls, PARAMS, X, Y))), None, False
    )
    assert outcome.fraction == 0.0
    assert outcome.message.startswith(problems[0])


def test_required_fitted_attributes_are_checked() -> None:
    assert verdict(Nearest, fitted=("classes_", "n_leaves_")) == [
        "after fit the estimator must have n_leaves_"
    ]


def test_accepted_error_classes_are_configurable() -> None:
    class ValueErrorBeforeFit(Nearest):
        def predict(self, X):
            if not hasattr(self, "X_"):
                raise ValueError("call fit first")
            return super().predict(X)

    assert verdict(ValueErrorBeforeFit)  # not a RuntimeError or NotFittedError
    assert verdict(ValueErrorBeforeFit, errors=("ValueError",)) == []


def test_a_stub_reads_as_not_implemented() -> None:
    class Stub(Nearest):
        def predict(self, X):
            raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        probe_contract(Stub, PARAMS, X, Y)


@pytest.mark.parametrize("got", [None, [], {"fit_returns_self": True}, {"unfitted_call": "x"}])
def test_malformed_probe_output_scores_zero(got: Any) -> None:
    outcome = check_contract(PARAMS)(got, None, True)
    assert outcome.fraction == 0.0 and outcome.message
