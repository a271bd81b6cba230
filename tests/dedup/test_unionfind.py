"""Vectorised union-find agrees with a plain one and ignores edge order."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pytorrent.dedup.unionfind import UnionFind

graphs = st.integers(1, 40).flatmap(
    lambda n: st.tuples(
        st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=60)
    )
)


def _naive(n: int, edges: list[tuple[int, int]]) -> set[frozenset[int]]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    groups: dict[int, set[int]] = {}
    for x in range(n):
        groups.setdefault(find(x), set()).add(x)
    return {frozenset(g) for g in groups.values() if len(g) > 1}


@settings(max_examples=150, deadline=None)
@given(graphs, st.randoms(use_true_random=False))
def test_components_match_naive_union_find(graph: tuple[int, list[tuple[int, int]]], rnd) -> None:  # type: ignore[no-untyped-def]
    n, edges = graph
    expected = _naive(n, edges)
    shuffled = edges[:]
    rnd.shuffle(shuffled)
    forest = UnionFind(n)
    # Edges arrive in several calls (one per LSH band in practice).
    for start in range(0, len(shuffled), 7):
        part = shuffled[start : start + 7]
        forest.union([a for a, _ in part], [b for _, b in part])
    found = {frozenset(c.tolist()) for c in forest.components()}
    assert found == expected
    roots = forest.roots()
    for component in forest.components():
        assert (roots[component] == component.min()).all()


def test_long_chain_in_one_call() -> None:
    n = 10_000
    forest = UnionFind(n)
    forest.union(np.arange(n - 1)[::-1], np.arange(1, n)[::-1])
    (only,) = forest.components()
    assert only.size == n
