"""The CodeSearchNet export under `csn/`, laid out exactly as CodeSearchNet ships its data.

CodeSearchNet's `train.py` globs `python/final/jsonl/train/*.jsonl.gz`, and the Hugging Face
`code_search_net` loader scans one folder per split; both find nothing (or the wrong split)
unless the files are `{root}/python/final/jsonl/{split}/python_{split}_{k}.jsonl.gz`, with
CodeSearchNet's split names (`valid`, not `validation`) and `k` from 0. Every split gets its
folder, because those readers list each of the three; an empty split holds one empty
`python_{split}_0.jsonl.gz`, so its folder survives git, the Hub and the output registry.

Only function units go to `csn/acs{N}/`: no CodeSearchNet reader looks at `kind`, so comment
units would be mixed into function-level training. They get the same layout of their own
under `csn/comments/acs{N}/` (written only for scenarios that hold comment units).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytorrent.split import SPLITS
from pytorrent.write.shards import JsonlGzShards

#: Our split names -> CodeSearchNet's.
CSN_SPLITS: dict[str, str] = {
    "train": "train",
    "valid": "valid",
    "validation": "valid",
    "test": "test",
}


def csn_folder(root: Path, split: str) -> Path:
    """`{root}/python/final/jsonl/{csn split}`: where CodeSearchNet keeps one split."""
    return root / "python" / "final" / "jsonl" / CSN_SPLITS[split]


class CsnShards(JsonlGzShards):
    """`python_{split}_{k}.jsonl.gz` shards of one split, CodeSearchNet's names exactly."""

    def __init__(self, root: Path, split: str, per_shard: int) -> None:
        super().__init__(csn_folder(root, split), CSN_SPLITS[split], per_shard)
        self.folder.mkdir(parents=True, exist_ok=True)

    def write(self, row: dict[str, Any]) -> None:
        super().write({**row, "partition": self.split})

    def finish(self) -> dict[Path, int]:
        if not self.paths:  # an empty split: one empty shard keeps its folder
            self._open(self._temp_path())
            self._close()
        return super().finish()

    def final_name(self, index: int, total: int) -> str:
        return f"python_{self.split}_{index}.jsonl.gz"


class CsnExport:
    """Routes scenario rows to `csn/acs{N}/` (functions) or `csn/comments/acs{N}/`."""

    def __init__(self, root: Path, scenarios: tuple[int, ...] | list[int], per_shard: int):
        self.root = root
        self.per_shard = per_shard
        self.functions: dict[tuple[int, str], CsnShards] = {
            (n, s): CsnShards(root / f"acs{n}", s, per_shard) for n in scenarios for s in SPLITS
        }
        self.comments: dict[tuple[int, str], CsnShards] = {}

    def write(self, acs: int, split: str, row: dict[str, Any]) -> None:
        if row["kind"] == "function":
            self.functions[(acs, split)].write(row)
            return
        if (acs, split) not in self.comments:  # the first comment row opens all three splits
            for s in SPLITS:
                folder = self.root / "comments" / f"acs{acs}"
                self.comments[(acs, s)] = CsnShards(folder, s, self.per_shard)
        self.comments[(acs, split)].write(row)

    def writers(self) -> list[CsnShards]:
        return [*self.functions.values(), *self.comments.values()]
