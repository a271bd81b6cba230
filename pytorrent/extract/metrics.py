"""radon metrics per function: cyclomatic complexity and raw counts, by radon's definitions.

`radon.raw.analyze` re-tokenizes line by line and is superlinear on long multi-line literals
(docs/architecture.md, "Measured facts"); the raw counts below follow its definitions exactly but reuse the file's one
tokenize pass. Complexity follows radon's `ComplexityVisitor` in one walk of the `ast` tree
the extractor parses anyway (radon's visitor made a visitor object per statement: 3x slower);
tests/extract/test_complexity_parity.py compares both on real code.
"""

from __future__ import annotations

import ast
import bisect
import sys
import tokenize

from radon.visitors import ComplexityVisitor

from pytorrent.extract.tokens import FileTokens


def complexity_by_def_row(tree: ast.Module) -> dict[int, int]:
    """Cyclomatic complexity of every function radon scores, keyed by its `def` row.

    One walk with radon's rules (see `_points`); it falls back to radon's own visitor when
    the tree is deep enough that radon would have run out of stack (radon's outcome there,
    a score or a RecursionError, is what the output has always had).
    """
    result: dict[int, int] = {}
    try:
        _score_body(tree.body, result, False, 1, _level_budget())
        return result
    except (_RadonTooDeepError, RecursionError, AttributeError, TypeError):
        pass  # a deep tree, or a node this walk does not know: radon decides
    # called from the same stack depth as before this walk existed, so radon hits the
    # recursion limit exactly where it always did
    return _radon_scores(ComplexityVisitor.from_ast(tree))


def _radon_scores(visitor: ComplexityVisitor) -> dict[int, int]:
    result: dict[int, int] = {}

    def add_function(func: object) -> None:
        result[func.lineno] = func.complexity  # type: ignore[attr-defined]
        for closure in func.closures:  # type: ignore[attr-defined]
            add_function(closure)

    def add_class(cls: object) -> None:
        for method in cls.methods:  # type: ignore[attr-defined]
            add_function(method)
        for inner in cls.inner_classes:  # type: ignore[attr-defined]
            add_class(inner)

    for func in visitor.functions:
        add_function(func)
    for cls in visitor.classes:
        add_class(cls)
    return result


#: Python frames radon's visitor stacks per tree level (visit, generic_visit, super's).
_RADON_FRAMES_PER_LEVEL = 3
_STACK_MARGIN = 50


class _RadonTooDeepError(Exception):
    """The tree is deep enough that radon may have run out of stack here."""


def _level_budget() -> int:
    """Tree levels radon's visitor can surely descend from the current stack depth."""
    depth = 0
    frame = sys._getframe()
    while frame.f_back is not None:
        depth += 1
        frame = frame.f_back
    return (sys.getrecursionlimit() - depth - _STACK_MARGIN) // _RADON_FRAMES_PER_LEVEL


_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
_LOOPS = (ast.For, ast.While, ast.AsyncFor)


def _points(node: ast.AST) -> int:
    """radon's decision points of one node (ComplexityVisitor.generic_visit, radon 6)."""
    if isinstance(node, ast.If | ast.IfExp):
        return 1
    if isinstance(node, ast.BoolOp):
        return len(node.values) - 1
    if isinstance(node, _LOOPS):
        return bool(node.orelse) + 1
    if isinstance(node, ast.comprehension):
        return len(node.ifs) + 1
    if isinstance(node, ast.Try):  # not TryStar (no subclass): radon matches the name "Try"
        return len(node.handlers) + bool(node.orelse)
    if isinstance(node, ast.Match):
        cases = node.cases
        # radon: `case x:` and `case _:` (a bare capture pattern) read as the `else`
        wildcard = any(getattr(case.pattern, "pattern", False) is None for case in cases)
        return max(0, len(cases) - wildcard)
    return 0


def _score_body(
    body: list[ast.stmt], result: dict[int, int], in_function: bool, level: int, budget: int
) -> int:
    return sum(_score(node, result, in_function, level, budget) for node in body)


#: Fields that never hold a node with decision points: names, numbers, operators, contexts.
_NOT_SCORED = frozenset(
    {"ctx", "op", "ops", "id", "name", "names", "arg", "attr", "module", "level", "asname"}
    | {"kind", "conversion", "type_comment", "is_async", "simple", "kwd_attrs", "rest", "tag"}
)
_LEAVES = (ast.Name, ast.Constant, *(getattr(ast, "MatchSingleton", ast.Constant),))
_SCORED_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}


def _scored_fields(kind: type[ast.AST]) -> tuple[str, ...]:
    fields = _SCORED_FIELDS.get(kind)
    if fields is None:
        names: tuple[str, ...] = () if issubclass(kind, _LEAVES) else kind._fields
        fields = tuple(f for f in names if f not in _NOT_SCORED)
        _SCORED_FIELDS[kind] = fields
    return fields


def _score(
    node: ast.AST, result: dict[int, int], in_function: bool, level: int, budget: int
) -> int:
    """Decision points of `node` and below for the enclosing function, recording each def
    radon reports: those reachable without crossing a class inside a function."""
    if level > budget:
        raise _RadonTooDeepError
    kind = type(node)
    level += 1
    if isinstance(node, _DEFS):
        result[node.lineno] = 1 + _score_body(node.body, result, True, level, budget)
        return 0  # a closure's decisions are its own (decorators, defaults: nobody's)
    if isinstance(node, ast.ClassDef):
        if not in_function:  # radon drops classes defined inside functions
            _score_body(node.body, result, False, level, budget)
        return 0
    if kind is ast.Assert:
        return 1  # radon counts an assert and does not look inside it
    points = _points(node)
    for field in _scored_fields(kind):
        value = getattr(node, field)
        if type(value) is list:
            for item in value:
                if item is not None:  # dict keys of `**rest`
                    points += _score(item, result, in_function, level, budget)
        elif value is not None:
            points += _score(value, result, in_function, level, budget)
    return points


def _logical_count(tokens: list[str]) -> int:
    """radon's logical lines of one logical line's tokens (comments excluded)."""
    count = 0
    part: list[str] = []
    for text in [*tokens, ";"]:
        if text != ";":
            part.append(text)
            continue
        if part:
            if ":" in part:
                count += 1 if part[-1] == ":" else 2
            else:
                count += 1
        part = []
    return count


def raw_metrics(file: FileTokens, start_row: int, end_row: int) -> dict[str, int]:
    """radon's raw metrics (loc, lloc, sloc, comments, multi, blank, single_comments)."""
    lines = file.lines
    lloc = sloc = multi = blank = single = 0
    covered: set[int] = set()
    # bisect both ends: slicing `logical_lines[index:]` copied the rest of the file per unit
    lo = bisect.bisect_left(file.logical_starts, start_row)
    hi = bisect.bisect_right(file.logical_starts, end_row, lo)
    for ll in file.logical_lines[lo:hi]:
        line_tokens = file.tokens_between(ll.start_row, ll.end_row)
        toks = [t for t in line_tokens if t[0] != tokenize.COMMENT]
        rows = range(ll.start_row, min(ll.end_row, end_row) + 1)
        covered.update(rows)
        empty = sum(1 for r in rows if not lines[r - 1].strip())
        # radon: a lone string is a docstring unless a comment shares its lines.
        if len(line_tokens) == 1 and toks and toks[0][0] == tokenize.STRING:
            if ll.start_row == ll.end_row:
                single += 1
            else:
                multi += len(rows) - empty
                blank += empty
        else:
            sloc += len(rows) - empty
            blank += empty
        lloc += _logical_count([t[1] if t[0] == tokenize.OP else "\0" + t[1] for t in toks])
    comments = 0
    comment_rows = set()
    for tok in file.tokens_between(start_row, end_row):
        if tok[0] == tokenize.COMMENT:
            comments += 1
            comment_rows.add(tok[2][0])
    for row in range(start_row, end_row + 1):
        if row in covered:
            continue
        if row in comment_rows:
            single += 1
        elif not lines[row - 1].strip():
            blank += 1
        else:
            sloc += 1
    loc = sloc + blank + multi + single
    return {
        "loc": loc,
        "lloc": lloc,
        "sloc": sloc,
        "comments": comments,
        "multi": multi,
        "blank": blank,
        "single_comments": single,
    }
