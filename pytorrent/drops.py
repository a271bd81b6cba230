"""Counted drops: every file, unit or package a stage leaves out is counted with a reason.

Stages call `drops.add(stage, reason, example)`; counters from worker processes merge with
`update`. Examples are kept (a few per reason, smallest first) so a report can show what was
dropped without storing everything.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

MAX_EXAMPLES = 5


class Stage(str, Enum):
    """Where an item was dropped: the first key of `build.json`'s `drops`, in pipeline order."""

    CRAWL = "crawl"  # a crawled package the store cannot serve
    SOURCE = "source"  # a file or package a source refused or could not read
    SELECT = "select"  # a file outside the selected script categories
    PACKAGE = "package"  # a package whose task failed (timeout, memory, crash)
    EXTRACT = "extract"  # a file that did not parse or that the extractor could not handle
    COMMENT = "comment"  # a comment that did not become a unit
    FILTER = "filter"  # a unit or file a quality filter dropped
    DECONTAM = "decontam"  # a unit overlapping an evaluation benchmark
    DEDUP = "dedup"  # an exact or near duplicate


@dataclass
class Drops:
    """Counts of dropped items keyed by (stage, reason), with a few examples per key."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    examples: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def add(self, stage: Stage, reason: str, example: str = "", n: int = 1) -> None:
        key = (Stage(stage).value, reason)  # a mistyped stage name fails here, loudly
        self.counts[key] += n
        if example:
            self.add_example(key, example)

    @classmethod
    def from_by_stage(cls, nested: dict[str, dict[str, int]]) -> Drops:
        """The counts of a `build.json` `drops` mapping (examples are not kept there)."""
        drops = cls()
        for stage, reasons in nested.items():
            for reason, n in reasons.items():
                drops.counts[(stage, reason)] += n
        return drops

    def update(self, other: Drops) -> None:
        self.counts.update(other.counts)
        for key, examples in other.examples.items():
            for example in examples:
                self.add_example(key, example)

    def add_example(self, key: tuple[str, str], example: str) -> None:
        kept = self.examples.setdefault(key, [])
        if example not in kept:
            kept.append(example)
            kept.sort()
            del kept[MAX_EXAMPLES:]

    def total(self, stage: str | None = None) -> int:
        return sum(n for (s, _), n in self.counts.items() if stage is None or s == stage)

    def by_stage(self) -> dict[str, dict[str, int]]:
        """Nested, sorted mapping stage -> reason -> count (the shape of build.json)."""
        nested: dict[str, dict[str, int]] = {}
        for (stage, reason), n in sorted(self.counts.items()):
            nested.setdefault(stage, {})[reason] = n
        return nested

    def to_json(self) -> dict[str, list[list[object]]]:
        """A JSON-ready form that `from_json` restores exactly (for cached task results)."""
        return {
            "counts": [[s, r, n] for (s, r), n in sorted(self.counts.items())],
            "examples": [[s, r, list(ex)] for (s, r), ex in sorted(self.examples.items())],
        }

    @classmethod
    def from_json(cls, data: dict[str, list[list[Any]]]) -> Drops:
        drops = cls()
        for stage, reason, n in data["counts"]:
            drops.counts[(str(stage), str(reason))] = int(n)
        for stage, reason, examples in data["examples"]:
            drops.examples[(str(stage), str(reason))] = [str(e) for e in examples]
        return drops

    def examples_by_key(self) -> dict[str, list[str]]:
        return {f"{s}/{r}": list(ex) for (s, r), ex in sorted(self.examples.items()) if ex}
