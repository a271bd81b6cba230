"""Parsing one file for extraction, with every cost bounded before the expensive step.

Order matters for memory: a cheap byte and line check, then `ast.parse` (C, about 1 KiB of
memory per node), then a node count, and only then `libcst.parse_module` (several KiB per
node). Without the caps a 10 MB file of one-line functions took a worker past 8 GB; with them
no file under the read limits costs more than about 1 GiB (docs/extraction.md, "Caps").
"""

from __future__ import annotations

import ast
import warnings

import libcst as cst

from pytorrent.drops import Drops, Stage

#: Files with a longer line are minified or generated; libcst and radon slow down on them.
MAX_LINE_CHARS = 100_000
#: Bytes of one file that extraction parses; larger files are generated or data (the largest
#: hand-written module among the installed packages measured, torch's op database, is 1.4 MB).
MAX_PARSE_BYTES = 2 * 1024 * 1024
#: Syntax-tree nodes of one file; libcst's memory grows with them (the largest real file
#: measured, sympy's solver benchmark, has 199k; 12.5k three-line functions are 163k).
MAX_AST_NODES = 250_000


#: Syntax-tree nodes one character of source can make, at most (with the ctx and operator
#: nodes `iter_child_nodes` yields): `-` is UnaryOp + USub, `+a` BinOp + Add + Name + Load,
#: so about 2; real code has under 0.3. tests/extract/test_node_bound.py checks both.
NODES_PER_CHAR_BOUND = 4
#: Nodes of a tiny file beyond that (Module, Expr, ...).
NODES_CONSTANT_BOUND = 16


def might_exceed_nodes(source: str, limit: int) -> bool:
    """False when `source` is too short to parse into more than `limit` nodes: counting
    them (a Python loop over every node) is then skipped."""
    return len(source) * NODES_PER_CHAR_BOUND + NODES_CONSTANT_BOUND > limit


def _too_many_nodes(tree: ast.AST, limit: int) -> bool:
    """Count nodes (depth first, with a stack), stopping as soon as `limit` is passed."""
    pending = [tree]
    seen = 0
    while pending:
        node = pending.pop()
        seen += 1
        if seen > limit:
            return True
        pending.extend(ast.iter_child_nodes(node))
    return False


def parse_file(source: str, drops: Drops, example: str) -> tuple[ast.Module, cst.Module] | None:
    """Both trees of `source` (newlines already universal), or None with the reason counted."""
    # More characters than the cap means more bytes; fewer needs the UTF-8 length only when
    # the text is not ASCII (then a character can be up to four bytes).
    if len(source) > MAX_PARSE_BYTES or (
        not source.isascii() and len(source.encode("utf-8")) > MAX_PARSE_BYTES
    ):
        drops.add(Stage.EXTRACT, "file_too_large_to_parse", example)
        return None
    if any(len(line) > MAX_LINE_CHARS for line in source.split("\n")):
        drops.add(Stage.EXTRACT, "line_too_long", example)
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarnings of old code are not our concern
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            drops.add(Stage.EXTRACT, "syntax_error", example)
            return None
        except (RecursionError, MemoryError):
            drops.add(Stage.EXTRACT, "too_deeply_nested", example)
            return None
    if might_exceed_nodes(source, MAX_AST_NODES) and _too_many_nodes(tree, MAX_AST_NODES):
        drops.add(Stage.EXTRACT, "too_many_nodes", example)
        return None
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:
        drops.add(Stage.EXTRACT, "libcst_rejected", example)
        return None
    except (RecursionError, MemoryError):
        drops.add(Stage.EXTRACT, "too_deeply_nested", example)
        return None
    return tree, module
