"""The week-author API, pure and loaded on both sides of the sandbox.

A week's ``grading.py`` and ``hidden_grading.py`` build their items from this
package alone:

``items``               :class:`Item`, :class:`Outcome`, :class:`Variant`, :class:`Rule`, :class:`Week`
``loading``             :func:`load_week` (the spec modules beside a notebook)
``checks``              trusted comparisons: ``close``, ``equal``, ``at_least``, ...
``probes``              sandbox-side helpers: record a call's value or its exception
``messages``            describing values, relative error, expected-vs-got with the reveal rule
``estimator_contract``  the scikit-learn estimator contract as a probe and a check
``written``             written questions: nbgrader's manually graded answer cells, ``rubric.toml``

Nothing here runs a notebook or imports the sandbox; see docs/writing-a-week.md.
"""

from autograder.spec.items import Check, Item, Outcome, Probe, Rule, Variant, Week
from autograder.spec.loading import (
    HIDDEN_SPEC,
    PUBLIC_SPEC,
    RULES,
    VARIANTS,
    load_week,
    load_week_spec,
)

__all__ = [
    "HIDDEN_SPEC",
    "PUBLIC_SPEC",
    "RULES",
    "VARIANTS",
    "Check",
    "Item",
    "Outcome",
    "Probe",
    "Rule",
    "Variant",
    "Week",
    "load_week",
    "load_week_spec",
]
