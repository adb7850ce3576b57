"""Each mutation operator, on the one node it mutates: what it makes, and what it leaves alone."""

from __future__ import annotations

import ast

import pytest

from autograder.instructor import mutation_operators as ops


def node_of(source: str, kind: type[ast.AST]) -> ast.AST:
    """The first node of type ``kind`` in ``source`` (walked in ast order)."""
    return node_of_tree(ast.parse(source), kind)


def mutated(operator: ops.Operator, source: str, kind: type[ast.AST]) -> list[str]:
    """``source`` with each replacement the operator makes for its first ``kind`` node, unparsed."""
    results = []
    for replacement in operator(node_of(source, kind)):
        tree = ast.parse(source)  # a fresh tree per mutant; its first ``kind`` node is swapped
        results.append(ast.unparse(Swap(node_of_tree(tree, kind), replacement).visit(tree)))
    return results


class Swap(ast.NodeTransformer):
    """Replaces one node (by identity) of the tree it visits."""

    def __init__(self, target: ast.AST, replacement: ast.AST) -> None:
        self.target, self.replacement = target, replacement

    def visit(self, node: ast.AST) -> ast.AST:
        return self.replacement if node is self.target else self.generic_visit(node)


def node_of_tree(tree: ast.AST, kind: type[ast.AST]) -> ast.AST:
    return next(n for n in ast.walk(tree) if isinstance(n, kind))


CASES = [
    (ops.arithmetic, "y = a + b", ast.BinOp, ["y = a - b"]),
    (ops.arithmetic, "y = a * b", ast.BinOp, ["y = a / b"]),
    (ops.arithmetic, "y = a @ b", ast.BinOp, ["y = a * b"]),
    (ops.arithmetic, "y = a ** 2", ast.BinOp, ["y = a * 2"]),
    (ops.arithmetic, "y += 1", ast.AugAssign, ["y -= 1"]),
    (ops.arithmetic, "y = -x", ast.UnaryOp, ["y = x"]),
    (ops.arithmetic, "m = '%s' % x", ast.BinOp, []),
    (ops.comparison, "ok = a < b", ast.Compare, ["ok = a <= b"]),
    (ops.comparison, "ok = a >= b", ast.Compare, ["ok = a > b"]),
    (ops.comparison, "ok = a == b", ast.Compare, ["ok = a != b"]),
    (ops.comparison, "ok = a is None", ast.Compare, ["ok = a is not None"]),
    (ops.comparison, "ok = 0 < a <= 1", ast.Compare, ["ok = 0 <= a <= 1", "ok = 0 < a < 1"]),
    (ops.boolean, "ok = a and b", ast.BoolOp, ["ok = a or b"]),
    (ops.boolean, "ok = not a", ast.UnaryOp, ["ok = a"]),
    (ops.boolean, "f(x, stable=True)", ast.Constant, ["f(x, stable=False)"]),
    (ops.negate, "if a:\n    b()", ast.If, ["if not a:\n    b()"]),
    (ops.negate, "y = a if c else b", ast.IfExp, ["y = a if not c else b"]),
    (ops.number, "k = 3", ast.Constant, ["k = 4", "k = 2"]),
    (ops.number, "eps = 0.5", ast.Constant, ["eps = 1.5"]),
    (ops.number, "ok = True", ast.Constant, []),
    (ops.number, "s = 'text'", ast.Constant, []),
    (ops.slice_bound, "y = x[a:k]", ast.Slice, ["y = x[a + 1:k]", "y = x[a:k + 1]"]),
    (ops.slice_bound, "y = x[:3]", ast.Slice, []),  # a constant bound is the number operator's
    (ops.axis, "m = X.mean(axis=0)", ast.Call, ["m = X.mean()"]),
    (ops.axis, "m = t.sum(dim=1)", ast.Call, ["m = t.sum()"]),
    (ops.keepdims, "m = np.max(X, axis=1)", ast.Call, ["m = np.max(X, axis=1, keepdims=True)"]),
    (ops.keepdims, "m = t.sum(dim=1)", ast.Call, ["m = t.sum(dim=1, keepdim=True)"]),
    (ops.keepdims, "m = X.sum()", ast.Call, []),  # over everything: keepdims changes nothing
    (ops.ddof, "s = X.std(axis=0)", ast.Call, ["s = X.std(axis=0, ddof=1)"]),
    (ops.ddof, "s = X.std(ddof=1)", ast.Call, []),
    (ops.sort, "o = sorted(xs)", ast.Call, ["o = sorted(xs, reverse=True)"]),
    (ops.sort, "xs.sort()", ast.Call, ["xs.sort(reverse=True)"]),
    (ops.sort, "o = np.argsort(x)", ast.Call, ["o = np.argsort(x)[::-1]"]),
    (ops.sort, "o = x.argsort()", ast.Call, ["o = x.argsort()[::-1]"]),
    (ops.sort, "o = sorted(xs, reverse=True)", ast.Call, []),  # the boolean operator flips it
    (ops.extreme, "i = np.argmax(p)", ast.Call, ["i = np.argmin(p)"]),
    (ops.extreme, "r = np.maximum(x, 0)", ast.Call, ["r = np.minimum(x, 0)"]),
    (ops.extreme, "m = max(a, b)", ast.Call, ["m = min(a, b)"]),
    (ops.drop, "optimizer.zero_grad()", ast.Expr, ["pass"]),
    (ops.drop, "X = np.asarray(X)", ast.Assign, ["pass"]),
    (ops.drop, "raise ValueError('bad')", ast.Raise, ["pass"]),
    (ops.drop, "if a:\n    b()", ast.If, ["pass"]),
    (ops.drop, "if a:\n    raise ValueError('bad')", ast.If, []),  # dropping the raise is the same
    (ops.drop, "'''a docstring'''", ast.Expr, []),
    (ops.return_value, "def f():\n    return x", ast.Return, ["def f():\n    return None"]),
    (ops.return_value, "def f():\n    return None", ast.Return, []),
    (ops.loop, "for x in y:\n    break", ast.Break, ["for x in y:\n    continue"]),
    (ops.loop, "for x in y:\n    continue", ast.Continue, ["for x in y:\n    break"]),
]


@pytest.mark.parametrize(
    ("operator", "source", "kind", "expected"),
    CASES,
    ids=[f"{c[0].__name__}:{c[1]}" for c in CASES],
)
def test_operator_makes_exactly_the_expected_mutants(
    operator: ops.Operator, source: str, kind: type[ast.AST], expected: list[str]
) -> None:
    assert mutated(operator, source, kind) == expected


def test_an_operator_never_changes_the_node_it_was_given() -> None:
    """Mutants share the original tree's children: the original must stay as written."""
    source = "y = np.max(a + b, axis=1) if a < b else sorted(c)"
    tree = ast.parse(source)
    for node in list(ast.walk(tree)):
        for _ in ops.replacements(node):
            pass
    assert ast.unparse(tree) == source


def test_replacements_name_their_operator() -> None:
    found = list(ops.replacements(node_of("y = X.std(axis=0)", ast.Call)))
    assert [name for name, _ in found] == ["axis", "keepdims", "ddof"]
    assert set(ops.OPERATORS) >= {"arithmetic", "comparison", "number", "drop", "sort", "axis"}
