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


def _compiled(condition: Q):
    """`condition` as a function of a row's values: True, False or None (SQL's unknown)."""
    parts = [
        _compiled(child) if isinstance(child, Q) else _lookup(*child)
        for child in condition.children
    ]
    decisive = condition.connector == Q.OR  # the answer that settles the rest

    def evaluate(values: dict) -> bool | None:
        unknown = False
        for part in parts:
            answer = part(values)
            if answer is decisive:
                result = decisive
                break
            unknown = unknown or answer is None
        else:
            result = None if unknown else not decisive
        return (None if result is None else not result) if condition.negated else result

    return evaluate


def _lookup(lookup: str, expected):
    name, _, operation = lookup.partition("__")
    operation = operation or "exact"
    if hasattr(expected, "resolve_expression") or operation not in {*_LOOKUPS, "isnull"}:
        raise UnsupportedCondition(lookup)
    if operation == "isnull":
        return lambda values: (values[name] is None) == expected
    compare = _LOOKUPS[operation]
    return lambda values: None if values[name] is None else compare(values[name], expected)


def condition_fields(condition: Q) -> tuple[str, ...]:
    """The fields a condition reads, in the order it names them."""
    names = []
    for child in condition.children:
        found = condition_fields(child) if isinstance(child, Q) else [child[0].split("__")[0]]
        names.extend(name for name in found if name not in names)
    return tuple(names)


@functools.cache
def _checks(model) -> list:
    """The model's check constraints, each with the fields it reads and its test, made
    once a model."""
    return [
        (
            constraint,
            frozenset(condition_fields(constraint.condition)),
            _compiled(constraint.condition),
        )
        for constraint in model._meta.constraints
        if isinstance(constraint, models.CheckConstraint)
    ]


def violated_check_constraints(model, values: dict) -> list[models.CheckConstraint]:
    """The check constraints of `model` that a row of `values` (by field name) would
    break. A constraint that reads a field missing from `values` is not tested."""
    return [
        constraint
        for constraint, fields, holds in _checks(model)
        if values.keys() >= fields and holds(values) is False
    ]
