"""Real Python of the packages installed in the test environment (no downloads), for the
tests that compare a fast path or the extractor with a reference on real code."""

from __future__ import annotations

import ast
import importlib.util
import warnings
from collections.abc import Iterable
from pathlib import Path

from pytorrent.sources.decode import UndecodableFile, decode_python_source


def package_files(name: str) -> list[Path]:
    """Every `.py` file of installed package `name`, sorted; the package must be installed."""
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.submodule_search_locations, f"{name} is not installed"
    return sorted(p for root in spec.submodule_search_locations for p in Path(root).rglob("*.py"))


def parsed_sources(names: Iterable[str]) -> list[tuple[Path, str, ast.Module]]:
    """(path, decoded text, ast) of every file of the installed packages among `names` that
    decodes and parses (warnings silenced), in package then path order."""
    parsed = []
    for name in names:
        if importlib.util.find_spec(name) is None:
            continue
        for path in package_files(name):
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
            parsed.append((path, text, tree))
    return parsed
