"""Extraction of one file: source text -> function and comment units, with counted drops.

Pipeline per file (each step bounded, each failure a counted skip, never a crash): capped
`ast.parse` then `libcst.parse_module` (parse.py) -> one tokenize pass (rows, comments,
tokens: tokens.py, ctokens.py) -> statement walk (structure.py) -> comment runs
(comment_runs.py) -> units. See docs/extraction.md for the rules.
"""

from __future__ import annotations

import gc
import tokenize
from collections.abc import Iterator
from contextlib import contextmanager

from pytorrent.drops import Drops, Stage
from pytorrent.extract.categories import script_category
from pytorrent.extract.comment_runs import (
    CommentRun,
    FileComments,
    classify_comments,
    runs_between,
    span_comments,
)
from pytorrent.extract.dedent import cut_rows, dedent_unit
from pytorrent.extract.docstrings import (
    clean_docstring,
    docstring_style,
    docstring_summary,
    has_doctest,
)
from pytorrent.extract.metrics import complexity_by_def_row, raw_metrics
from pytorrent.extract.parse import parse_file
from pytorrent.extract.structure import (
    Block,
    FunctionInfo,
    StructureMismatchError,
    analyse_structure,
)
from pytorrent.extract.tokens import FileTokens, Token, tokenize_file
from pytorrent.extract.units import Unit

#: Bump when a change alters extracted units: cached extraction results are keyed on it.
EXTRACTOR_VERSION = "2"

_Range = tuple[int, int, int, int]  # (start_row, start_col, end_row, end_col)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector, restoring its state after.

    Parsing allocates millions of short-lived, acyclic objects (freed by reference counts),
    and every collection they trigger also walks what the worker holds (a package's records):
    with the collector on, extraction of a package took ~30% longer. Cycles made meanwhile
    are collected as usual once it resumes.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def extract_source(path: str, source: str, drops: Drops, *, package: str = "") -> list[Unit]:
    """Extract every unit of one decoded file; problems are counted in `drops`, never raised."""
    with collector_paused():
        return _extract(path, source, drops, package)


def _extract(path: str, source: str, drops: Drops, package: str) -> list[Unit]:
    example = f"{package}:{path}" if package else path
    if "\r" in source:  # the interpreter reads source with universal newlines, and so do we
        source = source.replace("\r\n", "\n").replace("\r", "\n")
    parsed = parse_file(source, drops, example)
    if parsed is None:
        return []
    tree, module = parsed
    try:
        tokens = tokenize_file(source)
        structure = analyse_structure(module, tokens)
    except (tokenize.TokenError, SyntaxError):
        drops.add(Stage.EXTRACT, "tokenize_error", example)
        return []
    except StructureMismatchError:
        drops.add(Stage.EXTRACT, "structure_mismatch", example)
        return []
    try:
        complexity = complexity_by_def_row(tree)
    except (RecursionError, MemoryError, AttributeError, TypeError):
        drops.add(Stage.EXTRACT, "radon_failed", example)
        complexity = {}
    category = script_category(path)
    file_comments = classify_comments(tokens, structure.blocks, drops, example)
    units = [
        _function_unit(fn, tokens, file_comments, complexity, path, category)
        for fn in structure.functions
    ]
    units.sort(key=lambda u: (u.start_line, u.end_line))
    for block in structure.blocks:
        units.extend(_comment_units(block, tokens, file_comments, path, category, drops, example))
    units.sort(key=lambda u: (u.start_line, u.kind, u.end_line, u.func_name))
    return units


# -- code text and tokens -----------------------------------------------------------------


def _comment_ranges(tokens: FileTokens, span: list[Token]) -> list[_Range]:
    """Ranges removing every comment: whole rows for full-line ones, `  # ...` for inline."""
    ranges: list[_Range] = []
    for tok in span:
        if tok[0] != tokenize.COMMENT:
            continue
        line = tokens.lines[tok[2][0] - 1]
        before = line[: tok[2][1]]
        if not before.strip():
            ranges.append((tok[2][0], 0, tok[2][0] + 1, 0))
        else:
            ranges.append((tok[2][0], len(before.rstrip()), tok[3][0], tok[3][1]))
    return ranges


def _token_texts(
    span: list[Token], skip: list[_Range], comments: FileComments
) -> tuple[list[str], list[str]]:
    """Token texts of a span without `skip` (the docstring): (code, code with comments).

    Only developer comments become tokens; directives and commented-out code do not.
    """
    lo = hi = (0, 0)
    if skip:
        r0, c0, r1, c1 = skip[0]
        lo, hi = (r0, c0), (r1, c1)
    developer_rows = comments.developer_rows
    plain: list[str] = []
    with_comments: list[str] = []
    comment_kind = tokenize.COMMENT
    for tok in span:
        if skip and lo <= tok[2] and tok[3] <= hi:
            continue
        if tok[0] == comment_kind:
            if tok[2][0] in developer_rows:
                with_comments.append(tok[1])
            continue
        plain.append(tok[1])
        with_comments.append(tok[1])
    return plain, with_comments


def _docstring_range(fn: FunctionInfo, tokens: FileTokens) -> list[_Range]:
    """The rows or characters the docstring statement occupies, to remove from `code`."""
    doc = fn.docstring
    if doc is None:
        return []
    if doc.whole_lines:
        return [(doc.start_row, 0, doc.end_row + 1, 0)]
    span = tokens.tokens_between(doc.start_row, doc.end_row)
    index = _after_header_colon(span) if doc.in_header else 0
    strings = []
    while index < len(span) and span[index][0] in (tokenize.STRING, tokenize.COMMENT):
        if span[index][0] == tokenize.STRING:
            strings.append(span[index])
        index += 1
    if not strings:
        return []
    end = strings[-1]
    end_row, end_col = end[3][0], end[3][1]
    if index < len(span) and span[index][1] == ";":
        end_row, end_col = span[index][3][0], span[index][3][1]
    return [(strings[0][2][0], strings[0][2][1], end_row, end_col)]


def _after_header_colon(span: list[Token]) -> int:
    """Index of the first token after the `:` closing a one-line `def` header."""
    depth = 0
    for i, tok in enumerate(span):
        if tok[0] != tokenize.OP:
            continue
        if tok[1] in "([{":
            depth += 1
        elif tok[1] in ")]}":
            depth -= 1
        elif tok[1] == ":" and depth == 0:
            return i + 1
    return len(span)


# -- units --------------------------------------------------------------------------------


def _function_unit(
    fn: FunctionInfo,
    tokens: FileTokens,
    comments: FileComments,
    complexity: dict[int, int],
    path: str,
    category: str,
) -> Unit:
    first, last = fn.start_row, fn.end_row
    span = tokens.tokens_between(first, last)
    doc_ranges = _docstring_range(fn, tokens)
    comment_ranges = _comment_ranges(tokens, span)
    prose, code_comments = span_comments(comments, first, last)
    code_tokens, code_tokens_with_comments = _token_texts(span, doc_ranges, comments)
    dedent = dedent_unit(tokens, first, last, span)
    raw = fn.docstring.raw if fn.docstring else ""
    cleaned = clean_docstring(raw) if raw else ""
    metrics: dict[str, int | None] = {"cyclomatic_complexity": complexity.get(fn.def_row)}
    metrics.update(raw_metrics(tokens, first, last))
    return Unit(
        kind="function",
        func_name=fn.qualname,
        path=path,
        category=category,  # type: ignore[arg-type]
        start_line=first,
        end_line=last,
        original_string="".join(dedent.lines),
        code=cut_rows(tokens, first, last, doc_ranges, dedent),
        code_without_comments=cut_rows(tokens, first, last, doc_ranges + comment_ranges, dedent),
        code_tokens=code_tokens,
        code_tokens_with_comments=code_tokens_with_comments,
        docstring=cleaned,
        docstring_raw=raw,
        docstring_summary=docstring_summary(cleaned),
        docstring_style=docstring_style(cleaned),
        has_doctest=has_doctest(cleaned),
        comments=prose,
        commented_out_code=code_comments,
        decorators=fn.decorators,
        is_async=fn.is_async,
        metrics=metrics,
    )


def _comment_units(
    block: Block,
    tokens: FileTokens,
    comments: FileComments,
    path: str,
    category: str,
    drops: Drops,
    example: str,
) -> list[Unit]:
    """Apply the association rule (docs/architecture.md, "Units and records") to the gaps of one block."""
    items = block.items
    if not items:  # a module of comments only
        for run in comments.runs:
            if run.prose and not run.license:
                drops.add(Stage.COMMENT, "comment_without_code", f"{example}:{run.first_row}")
        return []
    col = items[0].col
    # attached[k] = the comment block directly before item k (the last level run of its gap)
    attached: dict[int, CommentRun] = {}
    gap_start = block.header_end_row + 1
    gaps = [
        (k, gap_start if k == 0 else items[k - 1].end_row + 1, items[k].start_row - 1)
        for k in range(len(items))
    ]
    if block.is_module:
        gaps.append((len(items), items[-1].end_row + 1, len(tokens.lines)))
    for k, first_row, last_row in gaps:
        level: list[CommentRun] = []
        for run in runs_between(comments, first_row, last_row):
            if not run.prose or run.license:
                continue  # directives, commented-out code and license headers cut nothing
            if run.col > col and k > 0 and items[k - 1].nested:
                drops.add(Stage.COMMENT, "comment_at_block_end", f"{example}:{run.first_row}")
                continue
            level.append(run)
        for run in level[:-1]:
            drops.add(Stage.COMMENT, "comment_without_code", f"{example}:{run.first_row}")
        if level:
            if k < len(items):
                attached[k] = level[-1]
            else:
                drops.add(Stage.COMMENT, "comment_without_code", f"{example}:{level[-1].first_row}")
    units: list[Unit] = []
    scope = block.scope.removesuffix(".<locals>") or "<module>"
    for k, run in sorted(attached.items()):
        end = k
        if not block.in_function and items[k].is_definition:
            end = k + 1
        else:
            end = k + 1
            while end < len(items) and end not in attached:
                if not block.in_function and items[end].is_definition:
                    break
                end += 1
        code_first, code_last = items[k].start_row, items[end - 1].end_row
        span = tokens.tokens_between(code_first, code_last)
        comment_ranges = _comment_ranges(tokens, span)
        code_tokens, code_tokens_with_comments = _token_texts(span, [], comments)
        units.append(
            Unit(
                kind="comment",
                func_name=f"{scope}:L{run.first_row}",
                path=path,
                category=category,  # type: ignore[arg-type]
                start_line=run.first_row,
                end_line=code_last,
                original_string=tokens.text(run.first_row, code_last),
                code=tokens.text(code_first, code_last),
                code_without_comments=cut_rows(tokens, code_first, code_last, comment_ranges),
                code_tokens=code_tokens,
                code_tokens_with_comments=code_tokens_with_comments,
                docstring="",
                docstring_raw="",
                docstring_summary="",
                docstring_style="none",
                has_doctest=False,
                comments=list(run.prose),
                commented_out_code=list(run.code),
                decorators=[],
                is_async=False,
                metrics=None,
            )
        )
    return units
