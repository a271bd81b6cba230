"""On real third-party code (installed in the test environment, no downloads), every function
`ast` sees is extracted with the same span and the same cleaned docstring (no trailing
whitespace)."""

from __future__ import annotations

import ast
import importlib.util
import warnings
from pathlib import Path

import pytest

from pytorrent.drops import Drops
from pytorrent.extract import extract_source
from pytorrent.sources.decode import UndecodableFile, decode_python_source


def package_files(name: str) -> list[Path]:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.submodule_search_locations
    return sorted(p for root in spec.submodule_search_locations for p in Path(root).rglob("*.py"))


@pytest.mark.parametrize(
    "package", ["scrapy", "radon", "datasketch", "tokenizers", "huggingface_hub"]
)
def test_same_functions_and_docstrings_as_ast(package: str) -> None:
    checked = 0
    for path in package_files(package):
        try:
            text = decode_python_source(path.read_bytes())
        except UndecodableFile:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                tree = ast.parse(text)
            except SyntaxError:
                continue
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
