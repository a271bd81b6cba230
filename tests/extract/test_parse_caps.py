"""Files past the parse caps are counted skips before libcst sees them; files under them are
extracted in full (the caps bound a worker's memory, see docs/extraction.md)."""

from __future__ import annotations

import pytest

from pytorrent.drops import Drops
from pytorrent.extract import extract_source, parse
from pytorrent.extract.parse import MAX_AST_NODES, MAX_PARSE_BYTES


def extracted(source: str) -> tuple[int, dict[str, int]]:
    drops = Drops()
    units = extract_source("big.py", source, drops, package="caps")
    return len(units), drops.by_stage().get("extract", {})


#: Nodes of DOC plus `TABLE = [...]` without its elements (each element is one Constant).
FIXED_NODES = 14
DOC = 'def keep(a):\n    """Return the value it was given."""\n    return a\n'


def test_a_file_over_the_byte_cap_is_skipped_before_parsing() -> None:
    filler = "# " + "x" * 78 + "\n"
    source = DOC + filler * (MAX_PARSE_BYTES // len(filler) + 1)
    assert extracted(source) == (0, {"file_too_large_to_parse": 1})


def test_a_file_just_under_the_byte_cap_is_extracted() -> None:
    filler = "# " + "x" * 78 + "\n"
    source = DOC + filler * ((MAX_PARSE_BYTES - len(DOC)) // len(filler))
    assert len(source) <= MAX_PARSE_BYTES
    units, drops = extracted(source)
    assert units >= 1 and "file_too_large_to_parse" not in drops


def test_a_file_over_the_node_cap_is_skipped_before_libcst() -> None:
    source = DOC + "TABLE = [\n" + "1,\n" * (MAX_AST_NODES - FIXED_NODES + 1) + "]\n"
    assert extracted(source) == (0, {"too_many_nodes": 1})


def test_a_file_at_the_node_cap_is_extracted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse, "MAX_AST_NODES", 5_000)  # the same rule, cheaper to parse
    source = DOC + "TABLE = [\n" + "1,\n" * (5_000 - FIXED_NODES) + "]\n"
    assert extracted(source)[0] >= 1
    source = DOC + "TABLE = [\n" + "1,\n" * (5_000 - FIXED_NODES + 1) + "]\n"
    assert extracted(source) == (0, {"too_many_nodes": 1})


@pytest.mark.slow
def test_a_file_at_the_real_node_cap_is_parsed() -> None:
    source = DOC + "TABLE = [\n" + "1,\n" * (MAX_AST_NODES - FIXED_NODES) + "]\n"
    units, drops = extracted(source)
    assert units >= 1 and "too_many_nodes" not in drops
