"""Other benchmark files plug in through a spec of their fields."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson
import pytest

from pytorrent.decontam import (
    BenchmarkSpec,
    DecontamConfig,
    DecontamIndex,
    load_tasks,
    mbpp,
    split_python,
)
from pytorrent.errors import ConfigError, MissingExtraError
from tests.dedup.records import function

# MBPP task 2 as the MBPP JSONL holds it.
MBPP_ROW = {
    "task_id": 2,
    "text": "Write a function to find the similar elements from the given two tuple lists.",
    "code": (
        "def similar_elements(test_tup1, test_tup2):\r\n"
        "  res = tuple(set(test_tup1) & set(test_tup2))\r\n"
        "  return (res) "
    ),
    "test_list": ["assert similar_elements((3, 4, 5, 6),(5, 7, 4, 10)) == (4, 5)"],
}


def _write(path: Path, rows: list[dict[str, object]], compress: bool = False) -> Path:
    data = b"".join(orjson.dumps(r) + b"\n" for r in rows)
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def test_mbpp_text_field_is_matched(tmp_path: Path) -> None:
    spec = mbpp(_write(tmp_path / "mbpp.jsonl", [MBPP_ROW]))
    index = DecontamIndex.from_config(DecontamConfig(benchmarks=(spec,)))
    record = function(
        '''
        def common(a, b):
            """Write a function to find the similar elements from the given two tuple lists."""
            return tuple(set(a) & set(b))
        '''
    )
    (hit,) = index.check(record)
    assert (hit.benchmark, hit.task_id, hit.via) == ("mbpp", "2", "text")


def test_a_users_own_file_with_its_own_fields(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        {
            "uid": "q-17",
            "question": "Compute the running median of a stream of integers using two heaps",
            "answer": (
                "import heapq\n\ndef running_median(stream):\n    low, high, out = [], [], []\n"
                "    for x in stream:\n        heapq.heappush(low, -x)\n"
                "        heapq.heappush(high, -heapq.heappop(low))\n"
                "        if len(high) > len(low):\n            heapq.heappush(low, -heapq.heappop(high))\n"
                "        out.append(-low[0] if len(low) > len(high) else (high[0] - low[0]) / 2)\n"
                "    return out\n"
            ),
        }
    ]
    spec = BenchmarkSpec(
        name="inhouse",
        path=str(_write(tmp_path / "mine.jsonl.gz", rows, compress=True)),
        id_field="uid",
        code_fields=("answer",),
        text_fields=("question",),
    )
    (task,) = load_tasks(spec)
    assert task.pieces and task.pieces[0][0] == "def"  # the import is no part of the piece
    index = DecontamIndex.from_config(DecontamConfig(benchmarks=(spec,)))
    renamed = str(rows[0]["answer"]).replace("stream", "xs").replace("out", "medians")
    (hit,) = index.check(function(renamed))
    assert (hit.benchmark, hit.task_id, hit.via) == ("inhouse", "q-17", "code")


def test_bad_specs_and_rows_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        BenchmarkSpec(name="x", code_fields=("code",))
    with pytest.raises(ConfigError):
        BenchmarkSpec(name="x", path="a.jsonl")
    path = _write(tmp_path / "b.jsonl", [{"task_id": 1}])
    with pytest.raises(ConfigError, match="lacks fields"):
        load_tasks(mbpp(path))


def test_missing_data_package_names_the_extra() -> None:
    spec = BenchmarkSpec(
        name="ghost",
        resource=("no_such_package_here", "data.jsonl"),
        code_fields=("code",),
        distribution="ghost-bench",
    )
    with pytest.raises(MissingExtraError, match="ghost-bench"):
        load_tasks(spec)


def test_split_python_separates_docstrings_and_functions() -> None:
    docstrings, pieces = split_python(
        'import os\n\ndef f(x):\n    """Doc of f."""\n    return x  # note\n\n\ndef g():\n    pass\n'
    )
    assert docstrings == ["Doc of f."]
    assert pieces == [
        ["def", "f", "(", "x", ")", ":", "return", "x"],
        ["def", "g", "(", ")", ":", "pass"],
    ]
    assert split_python("def broken(:\n") == ([], [["def", "broken", "(", ":"]])
