"""Skipping the node count for short files is safe: no source makes more than
NODES_PER_CHAR_BOUND nodes per character (plus a constant), adversarial or real."""

from __future__ import annotations

import ast

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings

from pytorrent.extract.parse import NODES_CONSTANT_BOUND, NODES_PER_CHAR_BOUND, might_exceed_nodes
from tests.installed_code import package_files


def _nodes(source: str) -> int:
    pending: list[ast.AST] = [ast.parse(source)]
    seen = 0
    while pending:
        seen += 1
        pending.extend(ast.iter_child_nodes(pending.pop()))
    return seen


def _bound(source: str) -> int:
    return len(source) * NODES_PER_CHAR_BOUND + NODES_CONSTANT_BOUND


#: The densest constructs: one-character names with their ctx, operators with their op node.
DENSE = [
    "a",
    "-a",
    "-" * 400 + "a",
    "~-" * 200 + "a",
    "a+a+a+a",
    "a@-a@-a",
    "a<a<a<a",
    "*a,*a,*a",
    "a[a][a][a]",
    "a[:,:,:]",
    "[[[[[[]]]]]]",
    "((),(),())",
    "a;a;a;a;a",
    "-a;-a;-a",
    "a=a=a=a",
    "a+=a",
    "f(*a,**a,a=a)",
    'f"{a}{a}{a=}{a!r:{a}}"',
    "(a:=a)",
    "lambda:a",
    "{**a,a:a}",
    "del a,a,a",
    "a.a.a.a",
    "not-a",
    "a if a else a",
    "match a:\n case a|[a,*a]|{1:a,**a}|A(a,a=a):a",
]


@pytest.mark.parametrize("source", DENSE)
def test_dense_constructs_stay_under_the_bound(source: str) -> None:
    for repeated in (source, "\n".join([source] * 20)):
        assert _nodes(repeated) <= _bound(repeated)


def test_real_files_stay_far_under_the_bound() -> None:
    files = package_files("click")
    assert len(files) >= 10
    for path in files:
        source = path.read_text(encoding="utf-8")
        assert _nodes(source) * 4 <= _bound(source)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_grammar())
def test_generated_python_stays_under_the_bound(source: str) -> None:
    try:
        nodes = _nodes(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    assert nodes <= _bound(source)


def test_only_long_sources_are_counted() -> None:
    assert not might_exceed_nodes("x = 1\n", 250_000)
    assert might_exceed_nodes("x" * 62_497, 250_000)
