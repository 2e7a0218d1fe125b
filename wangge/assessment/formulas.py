"""Indicator formulas kept as data: arithmetic over the counters defined in ``rollups.timeline``.

A formula is a numerator and a denominator, each an expression of counter names, whole numbers,
``+ - * /`` and parentheses, e.g. ``finished_on_time`` over ``due - deferred``. Nothing else is
evaluated: the expression is parsed with ``ast`` and every node is checked.
"""

import ast
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from wangge.party.counters import PARTY_COUNTERS
from wangge.patrols.counters import PATROL_COUNTERS
from wangge.rollups.timeline import ACTOR_COUNTERS, COUNTERS

CASE_NAMES = frozenset(COUNTERS) | {"open"}
PERSON_NAMES = frozenset(ACTOR_COUNTERS) | {"points"}
PARTY_NAMES = frozenset(PARTY_COUNTERS)  # party work under a region (``party.selectors.work_counters``)
PATROL_NAMES = frozenset(PATROL_COUNTERS)  # patrols and visits under a region (``patrols.selectors.work_counters``)
_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div)


def names_in(expression: str) -> set[str]:
    tree = _parse(expression)
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _parse(expression: str) -> ast.Expression:
    try:
        tree = ast.parse(expression.strip() or "0", mode="eval")
    except SyntaxError as exc:
        raise ValueError(_("The formula is not valid arithmetic.")) from exc
    for node in ast.walk(tree):
        if isinstance(node, ast.Expression | ast.Name | ast.Load):
            continue
        if isinstance(node, ast.BinOp) and isinstance(node.op, _OPERATORS):
            continue
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
            continue
        if isinstance(node, ast.operator | ast.unaryop):
            continue
        raise ValueError(_("Only counter names, whole numbers, + - * / and parentheses are allowed."))
    return tree


def validate(expression: str, allowed: frozenset[str], field: str) -> None:
    try:
        unknown = sorted(names_in(expression) - allowed)
    except ValueError as exc:
        raise ValidationError({field: str(exc)}) from exc
    if unknown:
        raise ValidationError({field: _("Unknown counter: %(names)s.") % {"names": ", ".join(unknown)}})


def evaluate(expression: str, counters: Mapping[str, float]) -> float:
    return _eval(_parse(expression).body, counters)


def _eval(node, counters) -> float:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return counters.get(node.id, 0) or 0
    if isinstance(node, ast.UnaryOp):
        return -_eval(node.operand, counters)
    left, right = _eval(node.left, counters), _eval(node.right, counters)
    if isinstance(node.op, ast.Add):
        return left + right
    if isinstance(node.op, ast.Sub):
        return left - right
    if isinstance(node.op, ast.Mult):
        return left * right
    return left / right if right else 0


def ratio(numerator: str, denominator: str, counters: Mapping[str, float]) -> float | None:
    """numerator ÷ denominator, or None when the denominator is not positive (nothing to assess)."""
    below = evaluate(denominator, counters)
    if below <= 0:
        return None
    return evaluate(numerator, counters) / below
