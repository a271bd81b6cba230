"""What generated samples get right: balanced brackets and quotes, and `def` blocks that parse.

A sample is cut at a fixed number of characters, mid-line and mid-function, so neither
measure may blame the cut:

- balanced: the sample up to its last newline (all of it when it has none) closes every
  bracket and quote it opens, each by the right closer; well-nested is the weaker "no wrong
  or stray closer anywhere in the whole sample", brackets still open at its end allowed.
- a `def` block starts at a logical line (not inside a string or a bracket that closes) whose code
  begins with `def ` or `async def ` (decorators are not included) and ends before the next
  logical line with code (not blank, not only a comment) indented no deeper than the `def`.
  A block that the end of the sample cuts is counted as truncated and not parsed. Blocks
  inside a block are part of it, not blocks of their own. The block loses the `def`'s
  indentation (lines that do not start with it lose all of theirs: they are continuation
  lines or blank) and is then given to `ast.parse`.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from pytorrent.train.probe_match import QUOTES, match

_DEF = re.compile(r"([ \t]*)(?:async[ \t]+)?def[ \t]")


@dataclass(frozen=True)
class DefBlocks:
    complete: tuple[str, ...]  # dedented source of each block the sample holds whole
    truncated: int


@dataclass(frozen=True)
class SampleMeasures:
    samples: int
    balanced: int
    well_nested: int
    def_blocks: int
    def_parsed: int
    def_truncated: int

    @property
    def balanced_fraction(self) -> float | None:
        return self.balanced / self.samples if self.samples else None

    @property
    def well_nested_fraction(self) -> float | None:
        return self.well_nested / self.samples if self.samples else None

    @property
    def parsed_fraction(self) -> float | None:
        return self.def_parsed / self.def_blocks if self.def_blocks else None


def _logical_line_starts(text: str) -> list[int]:
    """Offsets of the lines that begin outside every string and closed bracket.

    A bracket that never closes does not make the rest of the sample one line: there the
    indentation decides, so a broken `def f(:` ends at the next dedented line and fails.
    """
    result = match(text)
    depth_change = [0] * (len(text) + 2)
    spans = [(p.opener, p.closer + len(p.delimiter)) for p in result.pairs]
    spans += [(at, len(text) + 1) for at in result.open_at_end if text[at] in QUOTES]
    for opener, end in spans:
        depth_change[opener + 1] += 1
        depth_change[end] -= 1
    inside = []
    depth = 0
    for change in depth_change:
        depth += change
        inside.append(depth > 0)
    starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n" and i + 1 < len(text)]
    return [start for start in starts if not inside[start]]


def _line_at(text: str, start: int) -> str:
    end = text.find("\n", start)
    return text[start:] if end < 0 else text[start:end]


def _dedent(block: str, indent: str) -> str:
    lines = block.splitlines(keepends=True)
    return "".join(
        line[len(indent) :] if line.startswith(indent) else line.lstrip(" \t") for line in lines
    )


def def_blocks(sample: str) -> DefBlocks:
    """The outermost `def` blocks of `sample` (see the module docstring for the cut)."""
    starts = _logical_line_starts(sample)
    complete: list[str] = []
    truncated = 0
    index = 0
    while index < len(starts):
        start = starts[index]
        found = _DEF.match(sample, start)
        index += 1
        if found is None:
            continue
        indent = found.group(1)
        end = None
        while index < len(starts):
            line = _line_at(sample, starts[index])
            code = line.lstrip(" \t")
            if code.strip() and not code.startswith("#") and len(line) - len(code) <= len(indent):
                end = starts[index]
                break
            index += 1
        if end is None:
            truncated += 1
        else:
            complete.append(_dedent(sample[start:end], indent))
    return DefBlocks(tuple(complete), truncated)


def parses(source: str) -> bool:
    """Whether `ast.parse` accepts `source` (warnings about escapes silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def up_to_last_newline(sample: str) -> str:
    cut = sample.rfind("\n")
    return sample if cut < 0 else sample[: cut + 1]


def measure_samples(samples: Iterable[str]) -> SampleMeasures:
    count = balanced = well_nested = blocks = parsed = truncated = 0
    for sample in samples:
        count += 1
        balanced += match(up_to_last_newline(sample)).balanced
        well_nested += match(sample).well_nested
        found = def_blocks(sample)
        blocks += len(found.complete)
        parsed += sum(parses(block) for block in found.complete)
        truncated += found.truncated
    return SampleMeasures(count, balanced, well_nested, blocks, parsed, truncated)
