"""radon metrics per function: cyclomatic complexity from radon, raw counts from our tokens.

`radon.raw.analyze` re-tokenizes line by line and is superlinear on long multi-line literals
(docs/architecture.md, "Measured facts"); the raw counts below follow its definitions exactly but reuse the file's one
tokenize pass. Complexity comes from radon's own visitor over the `ast` tree the extractor
parses anyway.
"""

from __future__ import annotations

import ast
import bisect
import tokenize

from radon.visitors import ComplexityVisitor

from pytorrent.extract.tokens import FileTokens


def complexity_by_def_row(tree: ast.Module) -> dict[int, int]:
    """Cyclomatic complexity of every function radon scores, keyed by its `def` row."""
    result: dict[int, int] = {}
    visitor = ComplexityVisitor.from_ast(tree)

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
