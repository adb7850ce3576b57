"""Mutation operators: small, classic changes to one node of a reference solution's syntax tree.

Each operator is a function ``node -> replacements``: every replacement is a
new node for the same place in the tree (a statement for a statement, an
expression for an expression), so applying one never breaks the syntax. The
operators are those of mutmut's and cosmic-ray's tables that mean something
in numerical code, plus the mistakes ML exercises are made of:

==========  ==============================================================
operator    what it does
==========  ==============================================================
arithmetic  ``+``/``-``, ``*``/``/``, ``//``/``%``/``**``/``@`` swapped (also in
            ``x += ...``); a unary minus dropped
comparison  ``<``/``<=``, ``>``/``>=``, ``==``/``!=``, ``is``/``is not``, ``in``/``not in``
boolean     ``and``/``or``; ``not`` dropped; ``True``/``False``
negate      the test of an ``if``, ``while`` or conditional expression negated
number      an integer constant off by one (``+1`` and ``-1``), a float ``+1``
slice       a computed slice bound off by one (``x[:k]`` to ``x[:k + 1]``)
axis        ``axis=``/``dim=`` dropped from a call (reduce over everything)
keepdims    ``keepdims=True`` (``keepdim=True`` with ``dim=``) added to a reduction
ddof        ``ddof=1`` added to a ``std``/``var`` call that has none
sort        a sort reversed: ``reverse=True`` added, ``argsort(...)`` to ``argsort(...)[::-1]``
extreme     ``argmax``/``argmin``, ``max``/``min``, ``maximum``/``minimum`` swapped
drop        a statement (call, assignment, ``raise``, ``if``, ``assert``) replaced by ``pass``
return      ``return value`` to ``return None``
loop        ``break``/``continue`` swapped
==========  ==============================================================

String constants are never mutated: in solutions they are error messages and
option names, whose mutants only test that a call raises on a bad option.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Iterator

Operator = Callable[[ast.AST], Iterator[ast.AST]]

_ARITHMETIC: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv,
    ast.Pow: ast.Mult,
    ast.MatMult: ast.Mult,
    ast.LShift: ast.RShift,
    ast.RShift: ast.LShift,
    ast.BitAnd: ast.BitOr,
    ast.BitOr: ast.BitAnd,
    ast.BitXor: ast.BitAnd,
}
_COMPARISON: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
_EXTREMES = {
    "argmax": "argmin",
    "argmin": "argmax",
    "max": "min",
    "min": "max",
    "amax": "amin",
    "amin": "amax",
    "maximum": "minimum",
    "minimum": "maximum",
    "nanmax": "nanmin",
    "nanmin": "nanmax",
    "nanargmax": "nanargmin",
    "nanargmin": "nanargmax",
}
_REDUCTIONS = {"sum", "mean", "max", "min", "amax", "amin", "std", "var", "prod", "logsumexp"}
_AXIS_KEYWORDS = ("axis", "dim")


def _called_name(call: ast.Call) -> str:
    """``f`` of ``f(...)``, ``np.f(...)`` or ``x.f(...)``; "" for anything else."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _keyword(call: ast.Call, *names: str) -> ast.keyword | None:
    return next((k for k in call.keywords if k.arg in names), None)


def _with_keyword(call: ast.Call, name: str, value: bool | int) -> ast.Call:
    mutated = copy.copy(call)
    mutated.keywords = [*call.keywords, ast.keyword(arg=name, value=ast.Constant(value))]
    return mutated


def _plus_one(expr: ast.expr) -> ast.expr:
    return ast.BinOp(left=expr, op=ast.Add(), right=ast.Constant(1))


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str | bytes)


# ----------------------------------------------------------------------------- operators
def arithmetic(node: ast.AST) -> Iterator[ast.AST]:
    if isinstance(node, ast.BinOp | ast.AugAssign) and type(node.op) in _ARITHMETIC:
        if isinstance(node, ast.BinOp) and _is_text(node.left):
            return  # "%s" % x formats a message
        mutated = copy.copy(node)
        mutated.op = _ARITHMETIC[type(node.op)]()
        yield mutated
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        yield node.operand


def comparison(node: ast.AST) -> Iterator[ast.AST]:
    if not isinstance(node, ast.Compare):
        return
    for index, op in enumerate(node.ops):
        if type(op) in _COMPARISON:
            mutated = copy.copy(node)
            mutated.ops = [*node.ops[:index], _COMPARISON[type(op)](), *node.ops[index + 1 :]]
            yield mutated


def boolean(node: ast.AST) -> Iterator[ast.AST]:
    if isinstance(node, ast.BoolOp):
        mutated = copy.copy(node)
        mutated.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        yield mutated
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield node.operand
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        yield ast.Constant(not node.value)


def negate(node: ast.AST) -> Iterator[ast.AST]:
    if isinstance(node, ast.If | ast.While | ast.IfExp):
        mutated = copy.copy(node)
        mutated.test = ast.UnaryOp(op=ast.Not(), operand=node.test)
        yield mutated


def number(node: ast.AST) -> Iterator[ast.AST]:
    if not isinstance(node, ast.Constant) or isinstance(node.value, bool):
        return
    if isinstance(node.value, int):
        yield ast.Constant(node.value + 1)
        yield ast.Constant(node.value - 1)
    elif isinstance(node.value, float):
        yield ast.Constant(node.value + 1.0)


def slice_bound(node: ast.AST) -> Iterator[ast.AST]:
    if not isinstance(node, ast.Slice):
        return
    for bound in ("lower", "upper"):
        value = getattr(node, bound)
        if value is not None and not isinstance(value, ast.Constant | ast.UnaryOp):
            mutated = copy.copy(node)
            setattr(mutated, bound, _plus_one(value))
            yield mutated


def axis(node: ast.AST) -> Iterator[ast.AST]:
    if isinstance(node, ast.Call) and (kept := _keyword(node, *_AXIS_KEYWORDS)) is not None:
        mutated = copy.copy(node)
        mutated.keywords = [k for k in node.keywords if k is not kept]
        yield mutated


def keepdims(node: ast.AST) -> Iterator[ast.AST]:
    if not isinstance(node, ast.Call) or _called_name(node) not in _REDUCTIONS:
        return
    reduced = _keyword(node, *_AXIS_KEYWORDS)
    if reduced is not None and _keyword(node, "keepdims", "keepdim") is None:
        yield _with_keyword(node, "keepdim" if reduced.arg == "dim" else "keepdims", True)


def ddof(node: ast.AST) -> Iterator[ast.AST]:
    if not isinstance(node, ast.Call) or _called_name(node) not in ("std", "var"):
        return
    if _keyword(node, "ddof", "correction", "unbiased") is None:
        yield _with_keyword(node, "ddof", 1)


def sort(node: ast.AST) -> Iterator[ast.AST]:
    if not isinstance(node, ast.Call):
        return
    name = _called_name(node)
    in_python = name == "sorted" or (name == "sort" and not node.args)  # list.sort()
    if in_python and _keyword(node, "reverse") is None:
        yield _with_keyword(node, "reverse", True)
    elif not in_python and name in ("argsort", "sort") and _keyword(node, "descending") is None:
        reverse = ast.Slice(lower=None, upper=None, step=ast.Constant(-1))
        yield ast.Subscript(value=node, slice=reverse, ctx=ast.Load())


def extreme(node: ast.AST) -> Iterator[ast.AST]:
    if not isinstance(node, ast.Call) or _called_name(node) not in _EXTREMES:
        return
    swapped = _EXTREMES[_called_name(node)]
    mutated = copy.copy(node)
    if isinstance(node.func, ast.Name):
        mutated.func = ast.Name(id=swapped, ctx=ast.Load())
    else:
        assert isinstance(node.func, ast.Attribute)
        mutated.func = ast.Attribute(value=node.func.value, attr=swapped, ctx=ast.Load())
    yield mutated


def drop(node: ast.AST) -> Iterator[ast.AST]:
    if isinstance(node, ast.Expr) and _is_text(node.value):
        return  # a docstring
    if (
        isinstance(node, ast.If)
        and not node.orelse
        and all(isinstance(s, ast.Raise) for s in node.body)
    ):
        return  # `if bad: raise ...`: dropping the raise is the same mutant
    if isinstance(node, ast.AnnAssign) and node.value is None:
        return
    droppable = (ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Raise, ast.If, ast.Assert)
    if isinstance(node, droppable):
        yield ast.Pass()


def return_value(node: ast.AST) -> Iterator[ast.AST]:
    if not isinstance(node, ast.Return) or node.value is None:
        return
    if not (isinstance(node.value, ast.Constant) and node.value.value is None):
        yield ast.Return(value=ast.Constant(None))


def loop(node: ast.AST) -> Iterator[ast.AST]:
    if isinstance(node, ast.Break):
        yield ast.Continue()
    elif isinstance(node, ast.Continue):
        yield ast.Break()


OPERATORS: dict[str, Operator] = {
    "arithmetic": arithmetic,
    "comparison": comparison,
    "boolean": boolean,
    "negate": negate,
    "number": number,
    "slice": slice_bound,
    "axis": axis,
    "keepdims": keepdims,
    "ddof": ddof,
    "sort": sort,
    "extreme": extreme,
    "drop": drop,
    "return": return_value,
    "loop": loop,
}


def replacements(node: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    """(operator name, replacement node) for every mutation of ``node`` itself (not its children)."""
    for name, operator in OPERATORS.items():
        for replacement in operator(node):
            yield name, replacement
