"""Function units start at their def/decorator column and parse on their own."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from pytorrent.drops import Drops
from pytorrent.extract import Unit, extract_source
from pytorrent.filters.empty_body import body_tokens, is_empty_body

SOURCE = '''\
class Reader:
    @property
    def text(self):
        """Doc."""
        return """
    kept as written
        inside the string
"""

    def feed(self, data,
  extra):  # a continuation written further left
        # a comment
        if data:
            return (data +
 extra)
'''


def _units() -> dict[str, Unit]:
    units = extract_source("pkg/reader.py", SOURCE, Drops())
    return {u.func_name: u for u in units if u.kind == "function"}


def test_methods_start_at_their_column_and_parse() -> None:
    units = _units()
    text = units["Reader.text"]
    assert text.original_string.startswith("@property\ndef text(self):\n")
    # rows inside the multi-line string keep their bytes: the string's value is unchanged
    assert '    kept as written\n        inside the string\n"""' in text.original_string
    feed = units["Reader.feed"]
    assert feed.original_string.startswith("def feed(self, data,\n  extra):")
    assert "\n    # a comment\n" in feed.original_string
    assert "\n extra)" in feed.code
    for unit in units.values():
        for field in ("original_string", "code", "code_without_comments"):
            ast.parse(getattr(unit, field))


def test_string_value_is_the_one_in_the_file() -> None:
    units = _units()
    module_value = ast.literal_eval(SOURCE.split("return ")[1].split("\n\n")[0])
    unit_tree = ast.parse(units["Reader.text"].code)
    returned = next(n for n in ast.walk(unit_tree) if isinstance(n, ast.Return))
    assert ast.literal_eval(returned.value) == module_value  # type: ignore[arg-type]


def test_every_function_of_a_real_package_parses() -> None:
    """A real corpus: every parseable file of the running interpreter's `asyncio` package."""
    folder = Path(sys.modules["ast"].__file__).parent / "asyncio"  # type: ignore[arg-type]
    total = failed = 0
    for path in sorted(folder.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        for unit in extract_source(path.name, source, Drops()):
            if unit.kind != "function":
                continue
            total += 1
            ast.parse(unit.original_string)
            body = body_tokens(unit.code_tokens)
            if body is not None and is_empty_body(body):
                continue  # docstring-only: `code` has no body; the empty_body filter drops it
            try:
                ast.parse(unit.code)
            except SyntaxError:
                failed += 1
    assert total > 500
    assert failed == 0
