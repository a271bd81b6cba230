"""Properties on generated valid Python (hypothesmith): never raises, spans are exact."""

from __future__ import annotations

import hypothesmith
from hypothesis import HealthCheck, given, settings

from pytorrent.drops import Drops
from pytorrent.extract import extract_source
from pytorrent.extract.tokens import split_lines


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_grammar())
def test_extractor_never_raises_and_spans_are_exact(source: str) -> None:
    drops = Drops()
    units = extract_source("gen.py", source, drops)
    lines = split_lines(source.replace("\r\n", "\n").replace("\r", "\n"))
    for unit in units:
        assert unit.original_string == "".join(lines[unit.start_line - 1 : unit.end_line])
        assert 1 <= unit.start_line <= unit.end_line <= len(lines)
    assert ("extract", "structure_mismatch") not in drops.counts
