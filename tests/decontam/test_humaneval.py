"""Decontamination against HumanEval: what a planted solution looks like when it is caught,
and what slips through by design."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pytorrent.decontam import HUMANEVAL, DecontamConfig, DecontamIndex, load_tasks
from pytorrent.decontam.benchmarks import read_rows
from pytorrent.filters import FilterConfig, UnitFilters
from tests.dedup.records import extract, function


@pytest.fixture(scope="module")
def index() -> DecontamIndex:
    return DecontamIndex.from_config(DecontamConfig())


@pytest.fixture(scope="module")
def problems() -> dict[str, dict[str, Any]]:
    return {str(row["task_id"]): row for row in read_rows(HUMANEVAL)}


def _planted(
    problem: dict[str, Any], renames: dict[str, str] | None = None, doc: bool = True
) -> str:
    code = str(problem["prompt"]) + str(problem["canonical_solution"])
    if not doc:
        code = re.sub(r'\n    """.*?"""\n', "\n", code, flags=re.S)
    for old, new in (renames or {}).items():
        code = re.sub(rf"\b{old}\b", new, code)
    return code


# HumanEval/0 (has_close_elements) with every local name changed.
RENAMES = {
    "has_close_elements": "any_pair_within",
    "numbers": "values",
    "threshold": "limit",
    "idx": "i",
    "elem": "a",
    "idx2": "j",
    "elem2": "b",
    "distance": "gap",
}


def test_all_164_problems_load_from_the_installed_package() -> None:
    tasks = load_tasks(HUMANEVAL)
    assert len(tasks) == 164
    assert tasks[0].task_id == "HumanEval/0" and tasks[0].texts and tasks[0].pieces


def test_verbatim_solution_is_caught_by_docstring_and_code(
    index: DecontamIndex, problems: dict[str, dict[str, Any]]
) -> None:
    record = function(_planted(problems["HumanEval/0"]))
    hits = index.check(record)
    assert {(h.task_id, h.via) for h in hits} == {("HumanEval/0", "text"), ("HumanEval/0", "code")}
    assert all(h.overlap == 1.0 for h in hits)


def test_renamed_variables_without_docstring_are_caught_by_code(
    index: DecontamIndex, problems: dict[str, dict[str, Any]]
) -> None:
    record = function(_planted(problems["HumanEval/0"], RENAMES, doc=False))
    assert record["docstring"] == "" and "any_pair_within" in record["code"]
    (hit,) = index.check(record)
    assert (hit.task_id, hit.via, hit.overlap) == ("HumanEval/0", "code", 1.0)


def test_copied_docstring_over_rewritten_code_is_caught_by_text(
    index: DecontamIndex, problems: dict[str, dict[str, Any]]
) -> None:
    prompt = problems["HumanEval/0"]["prompt"]
    rewritten = prompt + (
        "    pairs = itertools.combinations(numbers, 2)\n"
        "    return any(abs(a - b) < threshold for a, b in pairs)\n"
    )
    (hit,) = index.check(function(rewritten))
    assert (hit.task_id, hit.via) == ("HumanEval/0", "text")


def test_prompt_embedded_in_a_string_literal_is_caught(
    index: DecontamIndex, problems: dict[str, dict[str, Any]]
) -> None:
    # An evaluation harness that carries the prompt as data.
    source = f"def build_prompt():\n    return {problems['HumanEval/0']['prompt']!r}\n"
    assert {h.via for h in index.check(function(source))} == {"text"}


def test_what_is_not_caught(index: DecontamIndex, problems: dict[str, dict[str, Any]]) -> None:
    # The same algorithm restructured, without the docstring: nothing left to match.
    restructured = (
        "def any_pair_within(values, limit):\n"
        "    for a, b in itertools.combinations(values, 2):\n"
        "        if abs(a - b) < limit:\n"
        "            return True\n"
        "    return False\n"
    )
    assert index.check(function(restructured)) == []
    # A one-line solution (HumanEval/23 strlen) is every `len` wrapper: too short to tell.
    assert index.check(function(_planted(problems["HumanEval/23"], doc=False))) == []


def test_structurally_similar_real_code_is_not_flagged(index: DecontamIndex) -> None:
    # scipy/special/tests/test_basic.py: a factorial-like loop that covers 52% of the
    # 10-grams of HumanEval/139 (special_factorial), under the 60% threshold.
    scipy = """
    @np.vectorize
    def binom_int(n, k):
        n = int(n)
        k = int(k)
        num = 1
        den = 1
        for i in range(1, k+1):
            num *= i + n - k
            den *= i
        return float(num/den)
    """
    assert index.check(function(scipy)) == []
    loose = DecontamIndex(index.tasks, DecontamConfig(min_code_coverage=0.5))
    assert [h.task_id for h in loose.check(function(scipy))] == ["HumanEval/139"]


def test_the_filter_step_counts_and_lists_contaminated_units(
    problems: dict[str, dict[str, Any]],
) -> None:
    planted = extract(_planted(problems["HumanEval/0"], RENAMES), path="evalpkg/solutions.py")
    clean = extract(
        "def add_all(values):\n    '''Add every value up.'''\n    total = 0\n"
        "    for value in values:\n        total += value\n    return total\n"
    )
    result = UnitFilters(FilterConfig())(planted + clean)
    assert result.kept == clean
    assert result.drops.by_stage() == {"decontam": {"humaneval": 1}}
    assert result.drops.examples_by_key() == {
        "decontam/humaneval": ["pkg:evalpkg/solutions.py:4 (HumanEval/0)"]
    }
    assert {(c.record_id, c.task_id) for c in result.contaminated} == {
        (planted[0]["id"], "HumanEval/0")
    }
