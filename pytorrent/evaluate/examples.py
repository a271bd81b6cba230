"""Generation examples from a corpus split, in the two input formats the paper compares.

`docstring`: the prompt is the docstring as a string literal line, `\"\"\"text\"\"\"\\n`; the
reference is the whole function (`code`). `signature+docstring`: the prompt is the function's
header (decorators and `def ...:` up to the line ending the signature) plus the docstring,
indented like the body; the reference is the body, and `syntax_ok` parses prompt +
prediction. Units whose code does not parse, or whose body starts on the header's line,
cannot be split and are counted as skipped. Comment units are left out unless asked for.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from pytorrent.errors import ConfigError
from pytorrent.train.data import split_shards

INPUTS = ("docstring", "signature+docstring")
_COLUMNS = ["id", "code", "docstring", "kind"]


@dataclass(frozen=True)
class Example:
    id: str
    prompt: str
    reference: str


def _quoted(docstring: str, indent: str) -> str:
    text = docstring.strip().replace('"""', '\\"\\"\\"')
    return f'{indent}"""{text}"""\n'


def split_function(code: str) -> tuple[str, str] | None:
    """(header through the signature's last line, body) of a function's code, or None."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return None
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    if len(functions) != 1:
        return None
    function = functions[0]
    nodes = [function, *ast.walk(function.args)]
    if function.returns is not None:
        nodes.append(function.returns)
    header_end = max(getattr(node, "end_lineno", None) or function.lineno for node in nodes[1:])
    header_end = max(header_end, function.lineno)
    body_start = function.body[0].lineno
    lines = code.splitlines(keepends=True)
    # The closing `):` may sit on a later line than the last argument.
    while header_end < body_start and not _ends_with_colon(lines[header_end - 1]):
        header_end += 1
    if header_end >= body_start:
        return None
    return "".join(lines[:header_end]), "".join(lines[header_end:])


def _ends_with_colon(line: str) -> bool:
    return line.split("#", 1)[0].rstrip().endswith(":")


def make_example(identifier: str, code: str, docstring: str, form: str) -> Example | None:
    if form == "docstring":
        return Example(identifier, _quoted(docstring, ""), code)
    parts = split_function(code)
    if parts is None:
        return None
    header, body = parts
    first = next((line for line in body.splitlines() if line.strip()), "    ")
    indent = first[: len(first) - len(first.lstrip())] or "    "
    return Example(identifier, header + _quoted(docstring, indent), body)


def read_examples(
    corpus: Path,
    *,
    acs: int,
    split: str,
    form: str,
    limit: int | None = None,
    comments: bool = False,
) -> tuple[list[Example], Counter[str]]:
    """Up to `limit` examples of the split in corpus order, and counts of what was skipped."""
    if form not in INPUTS:
        raise ConfigError(f"--input must be one of {', '.join(INPUTS)}")
    skipped: Counter[str] = Counter()
    examples: list[Example] = []
    for row in _rows(split_shards(corpus, f"acs{acs}", split)):
        if limit is not None and len(examples) >= limit:
            break
        if row["kind"] == "comment" and not comments:
            skipped["comment_unit"] += 1
            continue
        if not str(row["docstring"] or "").strip():
            skipped["no_docstring"] += 1
            continue
        example = make_example(str(row["id"]), str(row["code"]), str(row["docstring"]), form)
        if example is None:
            skipped["no_signature_body_split"] += 1
            continue
        examples.append(example)
    if not examples:
        raise ConfigError(f"CORPUS: no usable examples in acs{acs}/{split}")
    return examples, skipped


def _rows(shards: list[Path]) -> Iterator[dict[str, object]]:
    for path in shards:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=512, columns=_COLUMNS):
            yield from batch.to_pylist()
