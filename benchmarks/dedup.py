"""Dedup benchmark: quality on planted duplicates of real code, throughput, and scaling.

    python benchmarks/dedup.py quality [--bases 4000 --planted 1500 --seed 0]
    python benchmarks/dedup.py scale [--units 1000000]
    python benchmarks/dedup.py all          # both, as the tables of docs/dedup.md

quality: real functions are cut with `ast` from the .py files of the running environment
(site-packages), cleaned so that no two are alike (Jaccard < 0.5), and some get planted
copies: renamed identifiers, reordered and inserted/deleted lines, comments, changed
literals (1-3 edits each), plus a "heavy" set that renames every local name. The rest are
negatives. Reported: pair and document precision/recall/F1 of the clusters found, recall
per edit, agreement with exact Jaccard >= threshold, and a plain datasketch MinHashLSH on
the same signatures for comparison; signature and clustering speed; peak memory.

scale: synthetic shingle sets (with planted exact and near duplicates) go through the
real worker path into signature files, then a fresh process clusters them from disk,
reporting time and peak resident memory.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import io
import keyword
import os
import random
import resource
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import time
import tokenize
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pytorrent.dedup import (
    DedupConfig,
    SignatureBatch,
    TokenHasher,
    compute_signatures,
    find_duplicates,
    jaccard,
)
from pytorrent.dedup.hashing import sequence_key
from pytorrent.dedup.signatures import unit_keys
from pytorrent.dedup.tokens import normalize_code_tokens

_LAYOUT = {
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENDMARKER,
    tokenize.ENCODING,
}
_KEEP_NAMES = set(keyword.kwlist) | set(dir(builtins)) | {"self", "cls"}


# -- real functions -----------------------------------------------------------------------


def code_tokens(source: str) -> list[str] | None:
    """Tokens of a function without comments, layout and docstring (as the extractor does)."""
    try:
        tree = ast.parse(source)
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (SyntaxError, tokenize.TokenError, ValueError):
        return None
    doc = None
    node = tree.body[0] if tree.body else None
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
        first = node.body[0]
        value = first.value if isinstance(first, ast.Expr) else None
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            doc = (first.lineno, first.col_offset)
    return [t.string for t in tokens if t.type not in _LAYOUT and t.start != doc]


def real_functions(rnd: random.Random, wanted: int) -> Iterable[tuple[str, str]]:
    """(origin, dedented source) of functions in site-packages, files in random order."""
    root = Path(sysconfig.get_paths()["purelib"])
    files = sorted(root.rglob("*.py"))
    rnd.shuffle(files)
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
            tree = ast.parse(text)
        except (UnicodeDecodeError, SyntaxError, ValueError, RecursionError):
            continue
        lines = text.splitlines(keepends=True)
        found = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        # A few per file, so that no package dominates the sample.
        for node in rnd.sample(found, min(len(found), wanted)):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            source = textwrap.dedent("".join(lines[start - 1 : node.end_lineno]))
            yield f"{path.relative_to(root)}:{start}", source


# -- edits --------------------------------------------------------------------------------


def _names(source: str) -> list[str]:
    tree = ast.parse(source)
    fn = tree.body[0]
    assert isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
    found = {a.arg for a in ast.walk(fn.args) if isinstance(a, ast.arg)}
    found |= {
        n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    return sorted(found - _KEEP_NAMES)


def _rename(source: str, old: str, new: str) -> str:
    out, previous = [], None
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        string = token.string
        if token.type == tokenize.NAME and string == old and previous != ".":
            string = new
        out.append((token.type, string))
        previous = token.string
    return tokenize.untokenize(out)


def _simple_lines(source: str) -> list[int]:
    """0-based line numbers of single-line simple statements inside the function body."""
    fn = ast.parse(source).body[0]
    simple = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Return, ast.Pass)
    rows = []
    for node in ast.walk(fn):
        docstring_like = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        one_line = isinstance(node, simple) and node.lineno == node.end_lineno
        if node is not fn and one_line and not docstring_like:
            rows.append(node.lineno - 1)
    return sorted(rows)


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def edit(source: str, op: str, rnd: random.Random) -> str | None:
    """One edit of a function's source, or None when it does not apply."""
    lines = source.splitlines(keepends=True)
    if op == "rename_function":
        fn = ast.parse(source).body[0]
        assert isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
        return _rename(source, fn.name, fn.name + "_v2")
    if op == "rename_local":
        names = _names(source)
        return _rename(source, rnd.choice(names), "renamed_value") if names else None
    if op == "rename_all_locals":
        names = _names(source)
        for i, name in enumerate(names):
            source = _rename(source, name, f"v{i}")
        return source if names else None
    if op == "add_comments":
        for _ in range(rnd.randint(1, 3)):
            row = rnd.randrange(1, len(lines))
            lines.insert(
                row, f"{_indent(lines[row])}# note: checked by review {rnd.randint(1, 99)}\n"
            )
        return "".join(lines)
    if op == "reformat":
        for _ in range(2):
            row = rnd.randrange(1, len(lines))
            lines.insert(row, "\n")
        return "".join(line.rstrip() + "  \n" if line.strip() else line for line in lines)
    rows = _simple_lines(source)
    if op == "swap_lines":
        pairs = [r for r in rows if r + 1 in rows and _indent(lines[r]) == _indent(lines[r + 1])]
        if not pairs:
            return None
        row = rnd.choice(pairs)
        lines[row], lines[row + 1] = lines[row + 1], lines[row]
        return "".join(lines)
    if op == "insert_line":
        if not rows:
            return None
        row = rnd.choice(rows)
        lines.insert(row, f'{_indent(lines[row])}logger.debug("reached step %d", {row})\n')
        return "".join(lines)
    if op == "delete_line":
        if len(rows) < 2:
            return None
        del lines[rnd.choice(rows)]
        return "".join(lines)
    if op == "change_literal":
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
        literals = [i for i, t in enumerate(tokens) if t.type == tokenize.NUMBER]
        if not literals:
            return None
        i = rnd.choice(literals)
        out = [(t.type, t.string) for t in tokens]
        out[i] = (tokenize.NUMBER, str(rnd.randint(100, 999)))
        return tokenize.untokenize(out)
    raise ValueError(op)


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except SyntaxError:
        return False
    return True


LIGHT = (
    "rename_function",
    "rename_local",
    "add_comments",
    "reformat",
    "swap_lines",
    "insert_line",
    "delete_line",
    "change_literal",
)


# -- the planted set ----------------------------------------------------------------------


@dataclass
class Unit:
    id: str
    group: int
    ops: tuple[str, ...]
    tokens: list[str]
    origin: str


@dataclass
class Planted:
    """Distinct real functions and three sets of planted copies of some of them."""

    bases: list[Unit] = field(default_factory=list)
    single: list[Unit] = field(default_factory=list)  # one light edit
    multi: list[Unit] = field(default_factory=list)  # two or three light edits
    heavy: list[Unit] = field(default_factory=list)  # every local name renamed
    hard_negatives: int = 0  # distinct bases with Jaccard in [0.7, 0.85) to another


def _record(unit: Unit) -> dict[str, Any]:
    repo = unit.origin.split("/", 1)[0]
    return {
        "id": unit.id,
        "repo": repo,
        "path": unit.origin,
        "start_line": 1,
        "code_tokens": unit.tokens,
    }


def build_planted(bases: int, planted: int, heavy: int, seed: int) -> Planted:
    rnd = random.Random(seed)
    pool = []
    for origin, source in real_functions(rnd, 3):
        tokens = code_tokens(source)
        if tokens and 60 <= len(normalize_code_tokens(tokens)) <= 600:
            pool.append((origin, source, tokens))
            if len(pool) == bases * 2:
                break
    # Ground truth must be clean: natural duplicates (Jaccard >= 0.85) keep one copy. Similar
    # but distinct functions stay: they are the hard negatives of lower thresholds.
    config = DedupConfig()
    records = [_record(Unit(f"b{i}", i, (), t, o)) for i, (o, _, t) in enumerate(pool)]
    similar = find_duplicates([compute_signatures(records, config)], config).drop_ids()
    clean = [p for i, p in enumerate(pool) if f"b{i}" not in similar][:bases]
    out = Planted()
    near = DedupConfig(threshold=0.7)
    records = [_record(Unit(f"b{i}", i, (), t, o)) for i, (o, _, t) in enumerate(clean)]
    out.hard_negatives = len(find_duplicates([compute_signatures(records, near)], near).duplicates)
    for group, (origin, _, tokens) in enumerate(clean):
        out.bases.append(Unit(f"g{group}-base", group, (), tokens, origin))
    for kind, counts, target in (
        ("single", (1,), out.single),
        ("multi", (2, 3), out.multi),
        ("heavy", (0,), out.heavy),
    ):
        for group in rnd.sample(range(len(clean)), heavy if kind == "heavy" else planted):
            origin, source, _ = clean[group]
            for _attempt in range(10):
                count = rnd.choice(counts)
                ops = tuple(rnd.sample(LIGHT, count)) if count else ("rename_all_locals",)
                text: str | None = source
                for op in ops:
                    text = edit(text, op, rnd) if text is not None else None
                    text = text if text is not None and _parses(text) else None
                tokens = code_tokens(text) if text else None
                if tokens:
                    unit = Unit(f"g{group}-{kind}", group, ops, tokens, f"{kind}/{origin}")
                    target.append(unit)
                    break
    return out


# -- metrics ------------------------------------------------------------------------------


def clusters_from_pairs(ids: Iterable[str], pairs: Iterable[tuple[str, str]]) -> dict[str, int]:
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a)] = find(b)
    roots: dict[str, int] = {}
    return {i: roots.setdefault(find(i), len(roots)) for i in parent}


def _pairs(labels: dict[str, int]) -> set[tuple[str, str]]:
    members: dict[int, list[str]] = defaultdict(list)
    for unit, label in labels.items():
        members[label].append(unit)
    return {(a, b) for group in members.values() for a in group for b in group if a < b}


def prf(predicted: set[Any], truth: set[Any]) -> tuple[float, float, float]:
    hit = len(predicted & truth)
    p = hit / len(predicted) if predicted else 1.0
    r = hit / len(truth) if truth else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(units: Sequence[Unit], predicted: dict[str, int]) -> dict[str, Any]:
    truth = {u.id: u.group for u in units}
    true_pairs, found_pairs = _pairs(truth), _pairs(predicted)
    sizes_true = Counter(truth.values())
    sizes_found = Counter(predicted.values())
    doc_truth = {u for u, g in truth.items() if sizes_true[g] > 1}
    doc_found = {u for u, g in predicted.items() if sizes_found[g] > 1}
    recall_by_op: dict[str, list[bool]] = defaultdict(list)
    for unit in units:
        if unit.ops:
            base = f"g{unit.group}-base"
            for op in unit.ops:
                recall_by_op[op].append(predicted[unit.id] == predicted[base])
    return {
        "pairs": prf(found_pairs, true_pairs),
        "documents": prf(doc_found, doc_truth),
        "recall_by_op": {op: (sum(v) / len(v), len(v)) for op, v in sorted(recall_by_op.items())},
    }


def run_ours(
    units: Sequence[Unit], config: DedupConfig, measure: bool
) -> tuple[dict[str, int], dict[str, float]]:
    records = [_record(u) for u in units]
    hasher = TokenHasher()
    start = time.perf_counter()
    batches = [
        compute_signatures(records[i : i + 500], config, hasher=hasher)
        for i in range(0, len(records), 500)
    ]
    signed = time.perf_counter() - start
    start = time.perf_counter()
    result = find_duplicates(batches, config)
    clustered = time.perf_counter() - start
    speed = {"signatures_per_s": len(units) / signed, "cluster_per_s": len(units) / clustered}
    if measure:  # a second run: tracemalloc slows numpy down, so time the first
        tracemalloc.start()
        find_duplicates(batches, config)
        speed["cluster_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    pairs = [(d.id, d.keeper) for d in result.duplicates]
    return clusters_from_pairs([u.id for u in units], pairs), speed


def run_datasketch(units: Sequence[Unit], threshold: float) -> tuple[dict[str, int], float]:
    """Plain datasketch: MinHash.bulk with its default SHA1 hash, MinHashLSH query."""
    from datasketch import MinHash, MinHashLSH

    hasher = TokenHasher()
    shingles = []
    for unit in units:
        tokens = normalize_code_tokens(unit.tokens)
        grams = [" ".join(tokens[i : i + 5]).encode() for i in range(max(1, len(tokens) - 4))]
        shingles.append(grams)
    start = time.perf_counter()
    sketches = MinHash.bulk(shingles, num_perm=256)
    elapsed = time.perf_counter() - start
    lsh = MinHashLSH(threshold=threshold, num_perm=256)
    for unit, sketch in zip(units, sketches, strict=True):
        lsh.insert(unit.id, sketch)
    pairs = [
        (u.id, other)
        for u, s in zip(units, sketches, strict=True)
        for other in lsh.query(s)
        if other != u.id
    ]
    del hasher
    return clusters_from_pairs([u.id for u in units], pairs), len(units) / elapsed


def true_jaccard_agreement(
    units: Sequence[Unit], predicted: dict[str, int], threshold: float
) -> tuple[float, float, float]:
    """Found pairs vs pairs whose exact shingle Jaccard >= threshold (within planted groups;
    the pool is cleaned, so pairs across groups are all far below it)."""
    hasher = TokenHasher()
    computed = {u.id: unit_keys(u.tokens, 5, hasher) for u in units}
    sets = {k: v[1] for k, v in computed.items()}
    keys = {k: v[0] for k, v in computed.items()}
    by_group: dict[int, list[str]] = defaultdict(list)
    for u in units:
        by_group[u.group].append(u.id)
    truth = set()
    for members in by_group.values():
        for a in members:
            for b in members:
                if a < b and (keys[a] == keys[b] or jaccard(sets[a], sets[b]) >= threshold):
                    truth.add((a, b))
    return prf(_pairs(predicted), truth)


def _row(name: str, metrics: dict[str, Any]) -> str:
    values = [*metrics["pairs"], *metrics["documents"]]
    return f"| {name} | " + " | ".join(f"{v:.3f}" for v in values) + " |"


def quality(args: argparse.Namespace) -> None:
    start = time.perf_counter()
    planted = build_planted(args.bases, args.planted, args.heavy, args.seed)
    built = time.perf_counter() - start
    sets = {
        "one edit": planted.bases + planted.single,
        "2-3 edits": planted.bases + planted.multi,
        "all locals renamed": planted.bases + planted.heavy,
    }
    print(f"\n## Quality (planted duplicates of real functions; built in {built:.0f} s)\n")
    print(
        f"{len(planted.bases)} distinct real functions from site-packages (60-600 tokens, no two "
        f"with Jaccard >= 0.85; {planted.hard_negatives} of them have a Jaccard in [0.7, 0.85) "
        f"to another: hard negatives); copies of {args.planted} of them with one light edit, of "
        f"another {args.planted} with 2-3 edits, of {args.heavy} with every local name renamed.\n"
    )
    print("| set | method | pair P | pair R | pair F1 | doc P | doc R | doc F1 |")
    print("|---|---|---|---|---|---|---|---|")
    methods = [
        ("pytorrent 0.85 (default)", DedupConfig()),
        ("pytorrent 0.85, no verify", DedupConfig(verify=False)),
        ("pytorrent 0.8", DedupConfig(threshold=0.8)),
        ("pytorrent 0.7", DedupConfig(threshold=0.7)),
        ("pytorrent 0.85, anonymize", DedupConfig(anonymize=True)),
        ("pytorrent 0.8, anonymize", DedupConfig(threshold=0.8, anonymize=True)),
    ]
    per_op: dict[str, Any] = {}
    fidelity = (0.0, 0.0, 0.0)
    for set_name, units in sets.items():
        for name, config in methods:
            labels, _ = run_ours(units, config, measure=False)
            metrics = evaluate(units, labels)
            print(_row(f"{set_name} | {name}", metrics))
            if config == DedupConfig() and set_name != "all locals renamed":
                per_op[set_name] = metrics["recall_by_op"]
                if set_name == "one edit":
                    fidelity = true_jaccard_agreement(units, labels, config.threshold)
        labels, _ = run_datasketch(units, 0.85)
        print(_row(f"{set_name} | datasketch MinHash + MinHashLSH(0.85)", evaluate(units, labels)))
    print(
        "\nFidelity to the definition (one-edit set, default config; truth = pairs with exact "
        "5-gram Jaccard >= 0.85 or equal tokens): P {:.3f} R {:.3f} F1 {:.3f}".format(*fidelity)
    )
    print("\n| edit | recall, one edit | copies | recall, within 2-3 edits | copies |")
    print("|---|---|---|---|---|")
    for op in LIGHT:
        one = per_op["one edit"].get(op, (float("nan"), 0))
        many = per_op["2-3 edits"].get(op, (float("nan"), 0))
        print(f"| {op} | {one[0]:.3f} | {one[1]} | {many[0]:.3f} | {many[1]} |")
    units = sets["one edit"] + planted.multi
    print(f"\n| speed, one process ({len(units):,} real functions) | value |\n|---|---|")
    for name, config in methods[:2]:
        _, speed = run_ours(units, config, measure=True)
        print(f"| {name}: signatures | {speed['signatures_per_s']:,.0f} functions/s |")
        print(
            f"| {name}: clustering | {speed['cluster_per_s']:,.0f} functions/s, "
            f"peak {speed['cluster_peak_mib']:.1f} MiB allocated (tracemalloc) |"
        )
    _, ds_speed = run_datasketch(units, 0.85)
    print(f"| datasketch MinHash.bulk, SHA1 (signatures only) | {ds_speed:,.0f} functions/s |")


# -- scaling ------------------------------------------------------------------------------


def write_synthetic(
    units: int, work: Path, config: DedupConfig, seed: int, per_batch: int = 1000
) -> dict[str, float]:
    """Signature files of synthetic units: 2% exact copies, 4% near copies (2% of shingles
    replaced: Jaccard ~0.96), the rest distinct. Returns timing of the worker path."""
    rng = np.random.default_rng(seed)
    recent: list[np.ndarray] = []
    planted = Counter()
    spent = 0.0
    for batch in range(0, units, per_batch):
        n = min(per_batch, units - batch)
        sets, keys = [], np.empty(n, dtype=np.uint64)
        for i in range(n):
            roll = rng.random()
            if recent and roll < 0.02:
                base = recent[rng.integers(len(recent))]
                sets.append(base)
                planted["exact"] += 1
            elif recent and roll < 0.06:
                base = recent[rng.integers(len(recent))]
                keep = rng.random(base.size) > 0.02
                fresh = rng.integers(0, 2**32, int((~keep).sum()), dtype=np.uint64).astype(
                    np.uint32
                )
                sets.append(np.unique(np.concatenate([base[keep], fresh])))
                planted["near"] += 1
            else:
                size = int(np.clip(rng.lognormal(4.0, 0.7), 5, 2000))
                sets.append(
                    np.unique(rng.integers(0, 2**32, size, dtype=np.uint64).astype(np.uint32))
                )
            keys[i] = sequence_key(sets[-1].astype(np.uint64))
            if len(recent) < 5000:
                recent.append(sets[-1])
            elif rng.random() < 0.05:
                recent[rng.integers(len(recent))] = sets[-1]
        ids = [f"u{batch + i:08d}" for i in range(n)]
        start = time.perf_counter()
        signed = SignatureBatch.build(
            ids=ids,
            repos=[f"pkg{batch // per_batch:05d}"] * n,
            paths=[f"m{i % 17}.py" for i in range(n)],
            start_lines=[i + 1 for i in range(n)],
            exact_keys=keys,
            sets=sets,
            config=config,
            release_count=int(rng.integers(1, 50)),
        )
        signed.write(work / f"{batch // per_batch:05d}.sig.arrow")
        spent += time.perf_counter() - start
    return {
        "units_per_s": units / spent,
        "planted_exact": planted["exact"],
        "planted_near": planted["near"],
    }


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cluster_child(args: argparse.Namespace) -> None:
    """Run in a fresh process: cluster the signature files, print one result line."""
    from pytorrent.dedup.store import SignatureStore

    config = DedupConfig(verify=not args.no_verify)
    paths = sorted(Path(args.work).glob("*.sig.arrow"))
    baseline = rss_mib()
    start = time.perf_counter()
    store = SignatureStore(paths, config)
    loaded = time.perf_counter() - start
    store_mib = store.nbytes() / 2**20
    loaded_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    del store
    start = time.perf_counter()
    result = find_duplicates(paths, config)
    total = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = result.report
    print(
        f"RESULT units={report.units} total_s={total:.1f} load_s={loaded:.1f} "
        f"peak_rss_mib={peak:.0f} baseline_rss_mib={baseline:.0f} store_mib={store_mib:.0f} "
        f"load_peak_mib={loaded_peak:.0f} "
        f"exact={report.exact_duplicates} near={report.near_duplicates} "
        f"lsh_units={report.lsh_units} rejected={report.verify_rejected}"
    )


def scale(args: argparse.Namespace) -> None:
    config = DedupConfig()
    print(f"\n## Scaling ({args.units:,} synthetic units)\n")
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        work = Path(tmp)
        made = write_synthetic(args.units, work, config, args.seed)
        size = sum(p.stat().st_size for p in work.iterdir()) / 2**20
        print(
            f"worker path (MinHash + Arrow files): {made['units_per_s']:,.0f} units/s; "
            f"{size:,.0f} MiB on disk ({size * 2**20 / args.units:,.0f} B/unit); planted "
            f"{made['planted_exact']:,} exact and {made['planted_near']:,} near copies\n"
        )
        print(
            "| clustering | units/s | total s | peak RSS MiB | RSS after imports "
            "| peak RSS after loading | key arrays MiB | exact dups | near dups |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for verify in (True, False):
            command = [sys.executable, __file__, "cluster", "--work", str(work)]
            if not verify:
                command.append("--no-verify")
            line = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            fields = dict(kv.split("=") for kv in line.split("RESULT ", 1)[1].split())
            total = float(fields["total_s"])
            print(
                f"| {'verify' if verify else 'no verify'} | {int(fields['units']) / total:,.0f} | {total:.0f} | "
                f"{fields['peak_rss_mib']} | {fields['baseline_rss_mib']} | "
                f"{fields['load_peak_mib']} | {fields['store_mib']} | "
                f"{fields['exact']} | {fields['near']} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=["quality", "scale", "all", "cluster"])
    parser.add_argument("--bases", type=int, default=4000)
    parser.add_argument("--planted", type=int, default=1500)
    parser.add_argument("--heavy", type=int, default=300)
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tmp", default=os.environ.get("TMPDIR"))
    parser.add_argument("--work")
    parser.add_argument("--no-verify", action="store_true")
    args = parser.parse_args()
    if args.what == "cluster":
        cluster_child(args)
        return
    if args.what in ("quality", "all"):
        quality(args)
    if args.what in ("scale", "all"):
        scale(args)


if __name__ == "__main__":
    main()
