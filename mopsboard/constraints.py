"""A model's check constraints tested in Python, for many rows before they are written.

Django checks a CheckConstraint with one query a constraint a row (`Q.check`); an import
of 100,000 rows would spend minutes on that. This reads the same conditions the database
holds and evaluates them as PostgreSQL would, NULL included: a CHECK fails only when its
condition is false, not when it is unknown. A lookup it does not know is left to Django's
own check (one query), so the answer is never a guess.
"""

import functools
import operator

from django.db import models
from django.db.models import Q

# Each lookup as PostgreSQL compares: unknown (None) when the column is NULL.
_LOOKUPS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "in": lambda value, options: value in options,
    "range": lambda value, bounds: bounds[0] <= value <= bounds[1],
}


class UnsupportedCondition(Exception):
    """A lookup or an expression this module does not evaluate: add it to _LOOKUPS."""


def _condition_value(condition: Q, values: dict) -> bool | None:
    """True, False or None (SQL's unknown) for `condition` over `values`."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(_condition_value(child, values))
            continue
        lookup, expected = child
        name, _, operation = lookup.partition("__")
        operation = operation or "exact"
        if hasattr(expected, "resolve_expression") or operation not in {*_LOOKUPS, "isnull"}:
            raise UnsupportedCondition(lookup)
        value = values[name]
        if operation == "isnull":
            results.append((value is None) == expected)
        else:
            results.append(None if value is None else _LOOKUPS[operation](value, expected))
    if condition.connector == Q.AND:
        result = False if False in results else (None if None in results else True)
    else:
        result = True if True in results else (None if None in results else False)
    return (None if result is None else not result) if condition.negated else result


@functools.cache
def condition_fields(condition: Q) -> tuple[str, ...]:
    """The fields a condition reads, in the order it names them."""
    names = []
    for child in condition.children:
        found = condition_fields(child) if isinstance(child, Q) else [child[0].split("__")[0]]
        names.extend(name for name in found if name not in names)
    return tuple(names)


def violated_check_constraints(model, values: dict) -> list[models.CheckConstraint]:
    """The check constraints of `model` that a row of `values` (by field name) would
    break. A constraint that reads a field missing from `values` is not tested."""
    return [
        constraint
        for constraint in model._meta.constraints
        if isinstance(constraint, models.CheckConstraint)
        and values.keys() >= frozenset(condition_fields(constraint.condition))
        and _condition_value(constraint.condition, values) is False
    ]
