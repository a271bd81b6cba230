"""Union-find over integer nodes, vectorised with numpy for millions of nodes and edges.

Edges arrive as arrays; each round hooks the larger of two differing roots under the
smaller one (`minimum.at`), then halves every path (`parent = parent[parent]`) until the
forest is flat. Because a parent is never larger than its child there are no cycles, and
each component ends up rooted at its smallest node, whatever the order of the edges.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Index = npt.NDArray[np.int64]


class UnionFind:
    """Disjoint sets of `0..n-1`; memory is one int32/int64 per node."""

    def __init__(self, n: int) -> None:
        dtype = np.int32 if n < 2**31 else np.int64
        self.parent: npt.NDArray[np.signedinteger] = np.arange(n, dtype=dtype)

    def union(self, u: npt.ArrayLike, v: npt.ArrayLike) -> None:
        """Merge the sets of each pair (u[i], v[i])."""
        a = np.asarray(u, dtype=self.parent.dtype)
        b = np.asarray(v, dtype=self.parent.dtype)
        while a.size:
            ra, rb = self.parent[a], self.parent[b]  # flat after _compress: parents are roots
            differ = ra != rb
            a, b = ra[differ], rb[differ]
            if not a.size:
                break
            high, low = np.maximum(a, b), np.minimum(a, b)
            np.minimum.at(self.parent, high, low)
            self._compress()
            a, b = high, low

    def _compress(self) -> None:
        parent = self.parent
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
        self.parent = parent

    def roots(self) -> npt.NDArray[np.signedinteger]:
        """Root (smallest member) of every node's set."""
        self._compress()
        return self.parent

    def components(self, min_size: int = 2) -> list[Index]:
        """Members of every set of at least `min_size` nodes, each sorted, ordered by root."""
        roots = self.roots()
        order = np.argsort(roots, kind="stable")
        sorted_roots = roots[order]
        bounds = np.flatnonzero(np.diff(sorted_roots)) + 1
        starts = np.concatenate(([0], bounds))
        ends = np.concatenate((bounds, [roots.size]))
        big = np.flatnonzero(ends - starts >= min_size)
        return [order[starts[k] : ends[k]].astype(np.int64) for k in big]
