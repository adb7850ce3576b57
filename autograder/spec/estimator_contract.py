"""The scikit-learn estimator contract, as a probe (sandbox) and a check (trusted).

Every model the course asks students to write follows scikit-learn's rules:

* ``__init__`` stores each hyper-parameter untouched, under its own name, and
  learns nothing (no attribute ending in ``_`` exists before ``fit``);
* ``fit`` returns ``self`` and leaves the hyper-parameters as they were;
* what ``fit`` learns lives in public attributes whose names end in ``_``
  (private helpers starting with ``_`` are free);
* calling ``predict`` (or ``transform``) before ``fit`` raises a clear error:
  a ``RuntimeError`` or scikit-learn's ``NotFittedError`` whose message
  mentions ``fit``.

:func:`probe_contract` runs in the sandbox and records raw facts only
(attribute names, identity flags, the exception's class names and message);
:func:`check_contract` decides in the trusted process. A week uses them as::

    Item("KNNClassifier.contract", 1,
         probe=lambda ns: probe_contract(ns["KNNClassifier"], {"k": 3}, X, y),
         check=check_contract({"k": 3}, fitted=("classes_",)),
         requires=("KNNClassifier",))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from autograder.spec import Check, Outcome

DEFAULT_ERRORS = ("RuntimeError", "NotFittedError")
"""Exception classes accepted for "predict before fit" (matched anywhere in the class's MRO)."""


class _Missing:
    """Stands for an attribute that does not exist (never identical to a parameter)."""


_MISSING = _Missing()


def _attribute_names(estimator: Any) -> list[str]:
    try:
        names = vars(estimator)
    except TypeError:  # __slots__ or a hostile __dict__
        return []
    return sorted(str(name) for name in names)


def _unfitted_call(method: Callable[..., Any], *args: Any) -> dict[str, Any]:
    """What calling ``method`` before ``fit`` did: the exception's class names and message, or nothing."""
    try:
        method(*args)
    except NotImplementedError:
        raise
    except Exception as error:
        try:
            message = str(error)
        except Exception:
            message = ""
        return {
            "raised": True,
            "classes": [c.__name__ for c in type(error).__mro__],
            "message": message[:300],
        }
    return {"raised": False, "classes": [], "message": ""}


def probe_contract(
    estimator_class: Callable[..., Any],
    params: Mapping[str, Any],
    X: Any,
    y: Any = None,
    *,
    method: str = "predict",
) -> dict[str, Any]:
    """Exercise the contract on ``estimator_class(**params)``; return raw facts (runs in the sandbox).

    ``NotImplementedError`` propagates, so an untouched stub reads "not implemented".
    Parameter values are compared by identity (``is``), which a submission cannot fake.
    """
    unfitted = estimator_class(**params)
    before = _attribute_names(unfitted)
    stored = {name: getattr(unfitted, name, _MISSING) is value for name, value in params.items()}
    early = _unfitted_call(getattr(unfitted, method), X)

    estimator = estimator_class(**params)
    fit_args = (X,) if y is None else (X, y)
    returned = estimator.fit(*fit_args)
    after = _attribute_names(estimator)
    kept = {name: getattr(estimator, name, _MISSING) is value for name, value in params.items()}
    return {
        "attributes_before_fit": before,
        "params_stored": stored,
        "unfitted_call": early,
        "fit_returns_self": returned is estimator,
        "attributes_after_fit": after,
        "params_kept_by_fit": kept,
    }


def contract_problems(
    got: Any,
    params: Sequence[str],
    *,
    fitted: Sequence[str] = (),
    errors: Sequence[str] = DEFAULT_ERRORS,
    method: str = "predict",
) -> list[str]:
    """Every way ``got`` (a :func:`probe_contract` result) breaks the contract; empty when it holds."""
    if not isinstance(got, dict):
        return ["the contract probe returned something unexpected"]
    problems: list[str] = []
    stored = got.get("params_stored")
    if not isinstance(stored, dict) or any(stored.get(name) is not True for name in params):
        missing = [n for n in params if not isinstance(stored, dict) or stored.get(n) is not True]
        problems.append(
            f"__init__ must store each argument untouched as an attribute of the same name: "
            f"check self.{', self.'.join(missing)}"
        )
    before = got.get("attributes_before_fit")
    before_list = before if isinstance(before, list) else []
    learned_early = [
        a for a in before_list if isinstance(a, str) and a.endswith("_") and not a.startswith("_")
    ]
    if learned_early:
        problems.append(
            f"__init__ must not create fitted attributes (ending in _); found {', '.join(learned_early)} before fit"
        )
    early = got.get("unfitted_call")
    if not isinstance(early, dict) or early.get("raised") is not True:
        problems.append(f"{method} before fit must raise an error, but it returned a value")
    else:
        raw_classes, raw_message = early.get("classes"), early.get("message")
        classes: list[Any] = raw_classes if isinstance(raw_classes, list) else []
        message: str = raw_message if isinstance(raw_message, str) else ""
        shown = classes[0] if classes else "an exception"
        if not any(c in classes for c in errors):
            problems.append(
                f"{method} before fit must raise {' or '.join(errors)} (mentioning fit), got {shown}"
            )
        elif "fit" not in message.lower():
            problems.append(
                f"the {shown} raised by {method} before fit must say that fit has to be called first"
            )
    if got.get("fit_returns_self") is not True:
        problems.append("fit must return self (so that model.fit(X, y).predict(X) works)")
    after = got.get("attributes_after_fit")
    after_list = after if isinstance(after, list) else []
    new = [a for a in after_list if isinstance(a, str) and a not in before_list]
    badly_named = [a for a in new if not a.startswith("_") and not a.endswith("_")]
    if badly_named:
        problems.append(
            f"attributes learned by fit must end in _ (like classes_): rename {', '.join(sorted(badly_named))}"
        )
    absent = [a for a in fitted if a not in after_list]
    if absent:
        problems.append(f"after fit the estimator must have {', '.join(absent)}")
    kept = got.get("params_kept_by_fit")
    changed = [n for n in params if not isinstance(kept, dict) or kept.get(n) is not True]
    if changed and not any(p.startswith("__init__") for p in problems):
        problems.append(
            f"fit must not change the hyper-parameters; it changed {', '.join(changed)}"
        )
    return problems


def check_contract(
    params: Mapping[str, Any] | Sequence[str],
    *,
    fitted: Sequence[str] = (),
    errors: Sequence[str] = DEFAULT_ERRORS,
    method: str = "predict",
) -> Check:
    """A check for :func:`probe_contract` results: all or nothing, naming the first broken rule.

    ``params`` are the hyper-parameter names the probe passed; ``fitted`` the
    fitted attributes the exercise asks for (e.g. ``("classes_",)``).
    """
    names = list(params)

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        problems = contract_problems(got, names, fitted=fitted, errors=errors, method=method)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            return Outcome(0.0, problems[0] + more)
        return Outcome(1.0, "follows the scikit-learn estimator contract")

    return check


__all__ = ["DEFAULT_ERRORS", "check_contract", "contract_problems", "probe_contract"]
