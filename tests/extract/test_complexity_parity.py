"""Our one-walk cyclomatic complexity equals radon's ComplexityVisitor, function by function.

Over the .py files of real installed packages (thousands of functions), over constructs
where radon's rules are particular (asserts, classes inside functions, `match`, `except*`,
decorators and defaults), and on trees deep enough that radon runs out of stack.
"""

from __future__ import annotations

import ast
import sys

import pytest
from radon.visitors import ComplexityVisitor

from pytorrent.extract.metrics import _radon_scores, complexity_by_def_row
from tests.installed_code import parsed_sources

PACKAGES = ("click", "jinja2", "attr", "anyio", "pluggy", "packaging", "radon")


def _radon(tree: ast.Module) -> dict[int, int]:
    return _radon_scores(ComplexityVisitor.from_ast(tree))


def _real_trees() -> list[ast.Module]:
    return [tree for _, _, tree in parsed_sources(PACKAGES)]


def test_same_complexity_as_radon_on_real_code() -> None:
    scored = 0
    for tree in _real_trees():
        expected = _radon(tree)
        assert complexity_by_def_row(tree) == expected
        scored += len(expected)
    assert scored >= 3000, f"only {scored} functions installed to compare"


EDGE_CASES = {
    "branches": (
        "def f(a, b):\n"
        "    if a and b or a:\n        return [x for x in a if x if not x]\n"
        "    elif b:\n        pass\n"
        "    for x in a:\n        pass\n    else:\n        pass\n"
        "    while b:\n        break\n"
        "    try:\n        pass\n    except ValueError:\n        pass\n"
        "    except KeyError:\n        pass\n    else:\n        pass\n"
        "    return a if b else {k: v for k, v in b}\n"
    ),
    "assert stops the walk": "def f(a):\n    assert a and (b if c else d)\n    return a\n",
    "decorators and defaults count for nobody": (
        "@deco(a if b else c)\ndef f(x=a or b, *, y=[i for i in z if i]):\n    return x\n"
    ),
    "closures": (
        "def outer(a):\n    if a:\n        def inner(b):\n            return b or a\n"
        "        return inner\n    lam = lambda q: q if q else 0\n    return lam\n"
    ),
    "class inside a function is dropped": (
        "def f():\n    class C:\n        def m(self):\n            if self:\n                pass\n"
        "    return C\n"
    ),
    "methods and inner classes": (
        "class A:\n    x = 1 if y else 2\n    def m(self):\n        return self and 1\n"
        "    class B:\n        def n(self):\n            for i in self:\n                pass\n"
    ),
    "match": (
        "def f(p):\n    match p:\n        case 1 | 2:\n            pass\n"
        "        case [a, *rest] if a:\n            pass\n        case {'k': v, **kw}:\n"
        "            pass\n        case Point(x=0, y=None):\n            pass\n"
        "        case None:\n            pass\n        case _:\n            pass\n"
        "def g(p):\n    match p:\n        case x:\n            pass\n"
    ),
    "except star is not a Try": (
        "def f():\n    try:\n        pass\n    except* ValueError:\n        if x:\n            pass\n"
    ),
    "async": (
        "async def f(a):\n    async for x in a:\n        pass\n    async with a:\n"
        "        pass\n    return [y async for y in a if y]\n"
    ),
    "global and imports": "def f():\n    global g\n    from m import a as b\n    import c\n",
    "f-strings and starred": "def f(*a, **k):\n    return f'{a if k else 0!r:>{k}}', [*a]\n",
}


@pytest.mark.parametrize("source", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_same_complexity_as_radon_on_edge_cases(source: str) -> None:
    tree = ast.parse(source)
    expected = _radon(tree)
    assert expected, "the case must have functions radon scores"
    assert complexity_by_def_row(tree) == expected


def test_a_tree_too_deep_for_radon_fails_as_radon_does() -> None:
    depth = sys.getrecursionlimit() // 2  # radon stacks about 3 frames per level
    tree = ast.parse("def f(x):\n    return " + "-" * depth + "x\n")
    with pytest.raises(RecursionError):
        _radon(tree)
    with pytest.raises(RecursionError):
        complexity_by_def_row(tree)


def test_a_deep_tree_radon_manages_gets_its_scores() -> None:
    tree = ast.parse("def f(x):\n    return " + "-" * 100 + "(x if x else 1)\n")
    assert complexity_by_def_row(tree) == _radon(tree) == {1: 2}
