"""Offline data sets behind one small API: arrays plus what they mean.

Everything here works without a network: scikit-learn's bundled data sets
and its ``make_*`` generators (plus a two-spirals generator). Each loader
returns a :class:`TabularData` with ``X`` (float64, one row per sample), ``y``
and metadata, so notebooks never depend on a particular library's bunch
object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class TabularData:
    """A data set as arrays plus metadata.

    Attributes
    ----------
    name : str
        Loader name, e.g. ``"digits"``.
    X : numpy.ndarray
        Features, shape ``(n_samples, n_features)``, float64.
    y : numpy.ndarray
        Targets, shape ``(n_samples,)``: integer class labels or float values.
    task : str
        ``"classification"`` or ``"regression"``.
    feature_names : list of str
    target_names : list of str or None
        Class names for classification, None for regression.
    description : str
        One line on where the data come from.
    image_shape : tuple of int or None
        Shape of one sample as an image (digits: ``(8, 8)``), else None.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    task: str
    feature_names: list[str]
    target_names: list[str] | None = None
    description: str = ""
    image_shape: tuple[int, ...] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])

    @property
    def n_classes(self) -> int | None:
        return len(np.unique(self.y)) if self.task == "classification" else None


def _from_sklearn(
    name: str, loader: Callable[..., Any], task: str, image_shape: tuple[int, ...] | None = None
) -> TabularData:
    bunch = loader()
    X = np.asarray(bunch.data, dtype=np.float64)
    y = np.asarray(bunch.target)
    y = y.astype(np.int64) if task == "classification" else y.astype(np.float64)
    names = [str(n) for n in getattr(bunch, "feature_names", [f"x{i}" for i in range(X.shape[1])])]
    if len(names) != X.shape[1]:
        names = [f"x{i}" for i in range(X.shape[1])]
    targets = [str(t) for t in bunch.target_names] if task == "classification" else None
    description = (
        (bunch.DESCR.strip().splitlines() or [name])[0] if hasattr(bunch, "DESCR") else name
    )
    return TabularData(name, X, y, task, names, targets, description, image_shape)


def _digits(**_: Any) -> TabularData:
    from sklearn.datasets import load_digits

    return _from_sklearn("digits", load_digits, "classification", (8, 8))


def _iris(**_: Any) -> TabularData:
    from sklearn.datasets import load_iris

    return _from_sklearn("iris", load_iris, "classification")


def _wine(**_: Any) -> TabularData:
    from sklearn.datasets import load_wine

    return _from_sklearn("wine", load_wine, "classification")


def _breast_cancer(**_: Any) -> TabularData:
    from sklearn.datasets import load_breast_cancer

    return _from_sklearn("breast_cancer", load_breast_cancer, "classification")


def _diabetes(**_: Any) -> TabularData:
    from sklearn.datasets import load_diabetes

    return _from_sklearn("diabetes", load_diabetes, "regression")


def _generated(name: str, X: np.ndarray, y: np.ndarray, task: str, description: str) -> TabularData:
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y).astype(np.int64 if task == "classification" else np.float64)
    classes = [str(c) for c in np.unique(y)] if task == "classification" else None
    return TabularData(name, X, y, task, [f"x{i}" for i in range(X.shape[1])], classes, description)


def _blobs(
    n_samples: int = 300,
    centers: int = 3,
    n_features: int = 2,
    seed: int = 0,
    cluster_std: float = 1.0,
) -> TabularData:
    from sklearn.datasets import make_blobs

    X, y = make_blobs(
        n_samples=n_samples,
        centers=centers,
        n_features=n_features,
        cluster_std=cluster_std,
        random_state=seed,
    )
    return _generated(
        "blobs", X, y, "classification", f"{centers} Gaussian blobs (make_blobs, seed {seed})"
    )


def _moons(n_samples: int = 300, noise: float = 0.2, seed: int = 0) -> TabularData:
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    return _generated(
        "moons", X, y, "classification", f"two interleaving half-moons (noise {noise}, seed {seed})"
    )


def _circles(
    n_samples: int = 300, noise: float = 0.1, factor: float = 0.5, seed: int = 0
) -> TabularData:
    from sklearn.datasets import make_circles

    X, y = make_circles(n_samples=n_samples, noise=noise, factor=factor, random_state=seed)
    return _generated("circles", X, y, "classification", f"two concentric circles (seed {seed})")


def _spirals(
    n_samples: int = 300, n_classes: int = 2, noise: float = 0.2, seed: int = 0
) -> TabularData:
    rng = np.random.default_rng(seed)
    per = n_samples // n_classes
    X, y = [], []
    for k in range(n_classes):
        radius = np.linspace(0.05, 1.0, per)
        angle = np.linspace(k * 2 * np.pi / n_classes, k * 2 * np.pi / n_classes + 3.5 * np.pi, per)
        angle = angle + rng.normal(0.0, noise, per)
        X.append(np.column_stack([radius * np.sin(angle), radius * np.cos(angle)]))
        y.append(np.full(per, k))
    return _generated(
        "spirals",
        np.vstack(X),
        np.concatenate(y),
        "classification",
        f"{n_classes} interleaved spirals (seed {seed})",
    )


def _classification(
    n_samples: int = 500,
    n_features: int = 10,
    n_classes: int = 2,
    weights: list[float] | None = None,
    seed: int = 0,
) -> TabularData:
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=min(n_features, 5),
        n_redundant=0,
        n_classes=n_classes,
        weights=weights,
        random_state=seed,
    )
    return _generated(
        "classification", X, y, "classification", f"make_classification (seed {seed})"
    )


def _regression(
    n_samples: int = 200, n_features: int = 5, noise: float = 10.0, seed: int = 0
) -> TabularData:
    from sklearn.datasets import make_regression

    X, y = make_regression(
        n_samples=n_samples, n_features=n_features, noise=noise, random_state=seed
    )
    return _generated("regression", X, y, "regression", f"make_regression (seed {seed})")


_LOADERS: dict[str, Callable[..., TabularData]] = {
    "digits": _digits,
    "iris": _iris,
    "wine": _wine,
    "breast_cancer": _breast_cancer,
    "diabetes": _diabetes,
    "blobs": _blobs,
    "moons": _moons,
    "circles": _circles,
    "spirals": _spirals,
    "classification": _classification,
    "regression": _regression,
}


def available_datasets() -> list[str]:
    """Names :func:`load_dataset` accepts."""
    return sorted(_LOADERS)


def load_dataset(name: str, **options: Any) -> TabularData:
    """Load a data set by name, offline.

    Parameters
    ----------
    name : str
        One of :func:`available_datasets`: the bundled ``digits``, ``iris``,
        ``wine``, ``breast_cancer``, ``diabetes``, or the generated ``blobs``,
        ``moons``, ``circles``, ``spirals``, ``classification``, ``regression``.
    **options
        Generator options such as ``n_samples``, ``noise``, ``seed``
        (ignored by the bundled data sets).

    Returns
    -------
    TabularData

    Examples
    --------
    >>> data = load_dataset("iris")
    >>> data.X.shape, data.task
    ((150, 4), 'classification')
    """
    try:
        loader = _LOADERS[name]
    except KeyError:
        raise ValueError(
            f"unknown data set {name!r}; choose one of {', '.join(available_datasets())}"
        ) from None
    return loader(**options)
