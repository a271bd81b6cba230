"""On real third-party code (installed in the test environment, no downloads), every function
`ast` sees is extracted with the same span and the same cleaned docstring (no trailing
whitespace)."""

from __future__ import annotations

import ast

import pytest

from pytorrent.drops import Drops
from pytorrent.extract import extract_source
from tests.installed_code import parsed_sources


@pytest.mark.parametrize(
    "package", ["scrapy", "radon", "datasketch", "tokenizers", "huggingface_hub"]
)
def test_same_functions_and_docstrings_as_ast(package: str) -> None:
    checked = 0
    for path, text, tree in parsed_sources([package]):
        drops = Drops()
        units = extract_source(path.name, text, drops)
        by_start = {u.start_line: u for u in units if u.kind == "function"}
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            start = node.decorator_list[0].lineno if node.decorator_list else node.lineno
            unit = by_start.get(start)
            assert unit is not None, f"{path}:{start} missing ({drops.by_stage()})"
            assert unit.end_line == node.end_lineno, f"{path}:{start}"
            # ast's cleaning, then trailing whitespace off every line (issue 17 item 4)
            lines = (ast.get_docstring(node, clean=True) or "").split("\n")
            expected = "\n".join(line.rstrip() for line in lines).strip("\n")
            assert unit.docstring == expected, f"{path}:{start}"
            checked += 1
    assert checked > 50
