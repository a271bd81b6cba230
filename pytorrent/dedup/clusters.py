"""Global dedup in the driver: exact groups, then LSH near-duplicate clusters.

1. Exact: units with equal exact keys form a group; its keeper (keeper.py) stays.
2. Near, over the exact keepers that have shingles: every LSH band joins units with equal
   band keys (union-find), giving candidate components. Without verification a component
   is a cluster and its keeper stays. With verification, members are visited in keeper
   order and each joins the most similar earlier kept unit (a "center") whose exact
   Jaccard is >= threshold, else becomes a center itself: so every dropped unit has a
   keeper it verifiably resembles, and LSH false positives stay in the corpus.

Nothing depends on the order of the batches or rows: components are sets, and everything
chosen inside one follows the total keeper order.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import numpy as np

from pytorrent.dedup.config import DedupConfig
from pytorrent.dedup.hashing import U32, U64
from pytorrent.dedup.keeper import keeper_key, ref
from pytorrent.dedup.lsh import bucket_edges
from pytorrent.dedup.store import SignatureStore, Source
from pytorrent.dedup.unionfind import Index, UnionFind
from pytorrent.drops import Drops, Stage

Reason = Literal["exact_duplicate", "near_duplicate"]
STAGE = Stage.DEDUP
#: Units whose rows are read back at once while resolving groups (bounds driver memory).
_CHUNK_UNITS = 50_000
_EXAMPLES = 3


class Duplicate(NamedTuple):
    """A dropped unit and the kept unit it duplicates.

    `keeper` is always a unit that stays. `similarity` is 1.0 for exact duplicates, the
    verified shingle Jaccard for near duplicates, or None when verification is off.
    """

    id: str
    reason: Reason
    keeper: str
    similarity: float | None


@dataclass(frozen=True)
class ClusterExample:
    """One cluster for the report: its keeper and (up to 5 of) its dropped members."""

    reason: Reason
    size: int
    keeper: str
    members: list[str]
    min_similarity: float | None


@dataclass
class ClusterReport:
    """What dedup found: counts, cluster size distributions and the largest clusters."""

    units: int = 0
    exact_groups: int = 0
    exact_duplicates: int = 0
    lsh_components: int = 0
    lsh_units: int = 0
    near_clusters: int = 0
    near_duplicates: int = 0
    #: Units LSH put in a component that verification kept (no keeper >= threshold).
    verify_rejected: int = 0
    #: Exact copies whose keeper was then dropped as a near duplicate: they are counted in
    #: `exact_duplicates` here but as `near_duplicate` in the drops (which name the final
    #: keeper), so drops exact = exact_duplicates - exact_then_near and
    #: drops near = near_duplicates + exact_then_near.
    exact_then_near: int = 0
    exact_sizes: dict[int, int] = field(default_factory=dict)
    near_sizes: dict[int, int] = field(default_factory=dict)
    examples: list[ClusterExample] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (size keys as strings)."""
        data = {k: v for k, v in vars(self).items() if k not in {"exact_sizes", "near_sizes"}}
        data["exact_sizes"] = {str(k): v for k, v in sorted(self.exact_sizes.items())}
        data["near_sizes"] = {str(k): v for k, v in sorted(self.near_sizes.items())}
        data["examples"] = [vars(e) for e in self.examples]
        return data


@dataclass
class DedupResult:
    """Dropped units (sorted by id), the cluster report and the counted drops."""

    duplicates: list[Duplicate]
    report: ClusterReport
    drops: Drops

    def drop_ids(self) -> frozenset[str]:
        return frozenset(d.id for d in self.duplicates)


def find_duplicates(sources: Iterable[Source], config: DedupConfig) -> DedupResult:
    """Exact and near duplicates over all signature batches (paths or in-memory batches)."""
    store = SignatureStore(sources, config)
    run = _Run(store, config)
    alive = np.ones(len(store), dtype=bool)
    if config.exact:
        run.exact(alive)
    if config.near:
        run.near(alive)
    return run.result()


class _Run:
    """State of one dedup run: collected duplicates, counts and example candidates."""

    def __init__(self, store: SignatureStore, config: DedupConfig) -> None:
        self.store = store
        self.config = config
        self.report = ClusterReport(units=len(store))
        self.exact_children: dict[str, list[str]] = {}
        self.near_drops: dict[str, tuple[str, float | None]] = {}
        self.refs: dict[str, str] = {}
        self.examples: list[tuple[int, str, ClusterExample]] = []

    def exact(self, alive: np.ndarray) -> None:
        groups = _equal_groups(self.store.exact_keys, np.flatnonzero(alive))
        sizes: Counter[int] = Counter()
        for rows, units, _ in self._resolve(groups, with_sets=False):
            ordered = _keeper_order(rows)
            keeper = rows[ordered[0]]
            members = [rows[i] for i in ordered[1:]]
            self.exact_children[keeper["id"]] = [m["id"] for m in members]
            self._remember(keeper, members)
            alive[units[ordered[1:]]] = False
            sizes[len(rows)] += 1
            self._example("exact_duplicate", keeper, members, 1.0)
        self.report.exact_groups = sum(sizes.values())
        self.report.exact_duplicates = sum((s - 1) * n for s, n in sizes.items())
        self.report.exact_sizes = dict(sizes)

    def near(self, alive: np.ndarray) -> None:
        candidates = np.flatnonzero(alive & (self.store.shingle_counts > 0))
        forest = UnionFind(int(candidates.size))
        for band in range(self.store.band_keys.shape[1]):
            forest.union(*bucket_edges(self.store.band_keys[candidates, band]))
        components = [candidates[c] for c in forest.components(min_size=2)]
        self.report.lsh_components = len(components)
        self.report.lsh_units = sum(int(c.size) for c in components)
        sizes: Counter[int] = Counter()
        for rows, _, sets in self._resolve(components, with_sets=self.config.verify):
            ordered = _keeper_order(rows)
            if sets is not None:
                clusters = _verified_clusters(ordered, sets, self.config.threshold)
            else:
                clusters = [(ordered[0], [(i, None) for i in ordered[1:]])]
            self.report.verify_rejected += len(clusters) - 1
            for center, assigned in clusters:
                if not assigned:
                    continue
                keeper = rows[center]
                members = [rows[i] for i, _ in assigned]
                for (_, similarity), member in zip(assigned, members, strict=True):
                    self.near_drops[member["id"]] = (keeper["id"], similarity)
                self._remember(keeper, members)
                sizes[len(assigned) + 1] += 1
                known = [s for _, s in assigned if s is not None]
                self._example("near_duplicate", keeper, members, min(known) if known else None)
        self.report.near_clusters = sum(sizes.values())
        self.report.near_duplicates = sum((s - 1) * n for s, n in sizes.items())
        self.report.near_sizes = dict(sizes)

    def _resolve(
        self, groups: list[Index], with_sets: bool
    ) -> Iterator[tuple[list[dict[str, Any]], Index, list[U32] | None]]:
        """(rows, units, shingle sets) per group, read back ~_CHUNK_UNITS units at a time,
        so each batch file is opened once per chunk, not once per group."""
        start = 0
        while start < len(groups):
            stop, total = start, 0
            while stop < len(groups) and (total == 0 or total + groups[stop].size <= _CHUNK_UNITS):
                total += int(groups[stop].size)
                stop += 1
            rows, sets = self.store.fetch(np.concatenate(groups[start:stop]), with_sets)
            offset = 0
            for group in groups[start:stop]:
                end = offset + int(group.size)
                yield rows[offset:end], group, sets[offset:end] if sets is not None else None
                offset = end
            start = stop

    def _remember(self, keeper: dict[str, Any], members: list[dict[str, Any]]) -> None:
        del keeper  # kept units need no reference: only dropped ones are reported
        for row in members:
            self.refs[row["id"]] = ref(row)

    def _example(
        self,
        reason: Reason,
        keeper: dict[str, Any],
        members: list[dict[str, Any]],
        sim: float | None,
    ) -> None:
        refs = sorted(ref(m) for m in members)
        example = ClusterExample(reason, len(members) + 1, ref(keeper), refs[:5], sim)
        # Largest clusters first, ties by keeper reference: independent of input order.
        self.examples.append((-example.size, example.keeper, example))
        if len(self.examples) > 64:
            self.examples = heapq.nsmallest(2 * _EXAMPLES, self.examples, key=_example_key)

    def result(self) -> DedupResult:
        duplicates: list[Duplicate] = []
        for member, (keeper, similarity) in self.near_drops.items():
            duplicates.append(Duplicate(member, "near_duplicate", keeper, similarity))
        for keeper, children in self.exact_children.items():
            final = self.near_drops.get(keeper)
            for child in children:
                if final is None:
                    duplicates.append(Duplicate(child, "exact_duplicate", keeper, 1.0))
                else:  # its identical twin was itself dropped as a near duplicate
                    duplicates.append(Duplicate(child, "near_duplicate", final[0], final[1]))
                    self.report.exact_then_near += 1
        duplicates.sort()
        drops = Drops()
        for duplicate in duplicates:
            drops.add(STAGE, duplicate.reason, self.refs[duplicate.id])
        for reason in ("exact_duplicate", "near_duplicate"):
            top = sorted((e for e in self.examples if e[2].reason == reason), key=_example_key)
            self.report.examples.extend(e[2] for e in top[:_EXAMPLES])
        return DedupResult(duplicates, self.report, drops)


def _example_key(item: tuple[int, str, ClusterExample]) -> tuple[int, str, str]:
    return item[0], item[1], item[2].reason


def _keeper_order(rows: list[dict[str, Any]]) -> list[int]:
    keys = [keeper_key(r) for r in rows]
    ordered = sorted(range(len(rows)), key=keys.__getitem__)
    ids = [rows[i]["id"] for i in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError(f"record ids must be unique; repeated among {sorted(ids)[:5]}")
    return ordered


def _equal_groups(keys: U64, units: Index) -> list[Index]:
    """Groups (>= 2 units) of `units` with equal keys."""
    if units.size == 0:
        return []
    order = units[np.argsort(keys[units], kind="stable")]
    ordered = keys[order]
    cuts = np.flatnonzero(ordered[1:] != ordered[:-1]) + 1
    starts = np.concatenate(([0], cuts))
    ends = np.concatenate((cuts, [order.size]))
    # Slice only the groups: a view per unit would be a Python object per unit.
    return [order[starts[k] : ends[k]] for k in np.flatnonzero(ends - starts > 1).tolist()]


def jaccard(x: U32, y: U32) -> float:
    """Jaccard similarity of two sorted sets of unique hashes."""
    if x.size > y.size:
        x, y = y, x
    if x.size == 0:
        return 1.0 if y.size == 0 else 0.0
    found = np.minimum(np.searchsorted(y, x), y.size - 1)
    shared = int(np.count_nonzero(y[found] == x))
    return shared / (x.size + y.size - shared)


def _verified_clusters(
    ordered: list[int], sets: list[U32], threshold: float
) -> list[tuple[int, list[tuple[int, float | None]]]]:
    """Greedy clustering in keeper order: (center, [(member, similarity), ...]) per center."""
    clusters: list[tuple[int, list[tuple[int, float | None]]]] = []
    for i in ordered:
        best, best_sim = -1, -1.0
        for k, (center, _) in enumerate(clusters):
            similarity = jaccard(sets[i], sets[center])
            if similarity > best_sim:
                best, best_sim = k, similarity
        if best >= 0 and best_sim >= threshold:
            clusters[best][1].append((i, best_sim))
        else:
            clusters.append((i, []))
    return clusters
