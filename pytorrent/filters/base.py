"""The two kinds of filter step: per file (sees a path and the file's first lines) and per
unit (sees one record). A step answers "drop?"; the runner counts the drop under the
step's `name`, so every name here is a drop reason in build.json.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

Record = Mapping[str, Any]

FUNCTION = "function"
COMMENT = "comment"


class UnitFilter(ABC):
    """Drops single units; applies only to the unit kinds in `kinds`."""

    name: ClassVar[str]
    kinds: ClassVar[frozenset[str]] = frozenset({FUNCTION, COMMENT})

    @abstractmethod
    def drops(self, record: Record) -> bool:
        """True when `record` should be left out."""


class FileFilter(ABC):
    """Drops every unit of a file, judged from its path and first lines."""

    name: ClassVar[str]

    @abstractmethod
    def marker(self, path: str, head: str | None) -> str | None:
        """What marks the file for dropping (for reports), or None to keep it."""
