"""`PackageResult`: the small summary a per-package task returns to the driver.

Records stay on disk (`units_path`); the driver only ever holds these summaries. The JSON
form is what the task cache stores as a package's completion marker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pytorrent.drops import Drops, Stage
from pytorrent.models import PackageMetadata


@dataclass
class PackageResult:
    """What one package contributed; `reused` and `peak_rss_bytes` describe the run, not the
    output (they never reach build.json)."""

    index: int
    key: str
    metadata: PackageMetadata | None
    units_path: str | None
    units: int = 0
    files: int = 0
    drops: Drops = field(default_factory=Drops)
    signatures_path: str | None = None
    contaminated: list[str] = field(default_factory=list)
    reused: bool = False
    worker: str = ""
    peak_rss_bytes: int = 0

    def to_json(self) -> dict[str, Any]:
        """The cacheable part (paths are re-derived from the cache key on load)."""
        return {
            "key": self.key,
            "metadata": None if self.metadata is None else self.metadata.model_dump(mode="json"),
            "units": self.units,
            "files": self.files,
            "drops": self.drops.to_json(),
            "has_signatures": self.signatures_path is not None,
            "contaminated": list(self.contaminated),
        }

    @classmethod
    def from_json(
        cls, data: dict[str, Any], index: int, units_path: str, signatures_path: str
    ) -> PackageResult:
        metadata = data["metadata"]
        return cls(
            index=index,
            key=str(data["key"]),
            metadata=None if metadata is None else PackageMetadata.model_validate(metadata),
            units_path=units_path,
            units=int(data["units"]),
            files=int(data["files"]),
            drops=Drops.from_json(data["drops"]),
            signatures_path=signatures_path if data["has_signatures"] else None,
            contaminated=[str(c) for c in data["contaminated"]],
            reused=True,
        )


def failed_result(index: int, key: str, reason: str) -> PackageResult:
    """A package that produced nothing: counted as `package/failed_<reason>`."""
    drops = Drops()
    drops.add(Stage.PACKAGE, f"failed_{reason}", key)
    return PackageResult(index=index, key=key, metadata=None, units_path=None, drops=drops)
