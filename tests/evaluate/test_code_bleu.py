"""CodeBLEU: golden values checked by hand from CodeXGLUE's definition, and toolchain failures
that must end as a note, never as a crash or a quiet 25.00."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest

from pytorrent.evaluate import code_bleu
from pytorrent.evaluate.score import score_texts

REFERENCE = "def add(a, b):\n    total = a + b\n    return total\n"
RENAMED = "def add(x, y):\n    s = x + y\n    return s\n"


@pytest.fixture(autouse=True)
def fresh_check() -> Iterator[None]:
    code_bleu.problem.cache_clear()
    yield
    code_bleu.problem.cache_clear()


@pytest.fixture
def working() -> None:
    pytest.importorskip("codebleu")
    pytest.importorskip("tree_sitter_python")
    found = code_bleu.problem()
    if found is not None:
        pytest.skip(found)


@pytest.mark.usefixtures("working")
def test_identical_code_scores_100_on_every_part() -> None:
    found = code_bleu.codebleu([REFERENCE], [REFERENCE])
    assert found["codebleu"] == 100.0
    assert found["codebleu_parts"] == dict.fromkeys(code_bleu.PARTS, 100.0)


@pytest.mark.usefixtures("working")
def test_code_sharing_nothing_scores_0_not_25() -> None:
    """No token, subtree or data flow in common: the package's own total says 25.00."""
    from codebleu import calc_codebleu  # type: ignore[import-untyped, import-not-found, unused-ignore]

    assert calc_codebleu([REFERENCE], ["pass"], lang="python")["codebleu"] == 0.25
    found = code_bleu.codebleu([REFERENCE], ["pass"])
    assert found["codebleu_parts"] == dict.fromkeys(code_bleu.PARTS, 0.0)
    assert found["codebleu"] == 0.0


@pytest.mark.usefixtures("working")
def test_renamed_variables_keep_the_tree_and_data_flow_only() -> None:
    """Whitespace tokens: 4 of 10 unigrams match (def = + return), no longer n-gram does, so
    method1 smoothing gives 0.1/9, 0.1/8, 0.1/7. The weighted unigram counts keywords 1 and
    other tokens 0.2: matched 1 + 0.2 + 0.2 + 1 = 2.4 of 2 + 8 * 0.2 = 3.6. Same AST shape,
    same normalised data flow."""
    higher = (0.1 / 9) * (0.1 / 8) * (0.1 / 7)
    ngram = 100 * (4 / 10 * higher) ** 0.25
    weighted = 100 * (2.4 / 3.6 * higher) ** 0.25
    found = code_bleu.codebleu([REFERENCE], [RENAMED])
    parts = found["codebleu_parts"]
    assert parts["ngram_match_score"] == pytest.approx(ngram)
    assert parts["weighted_ngram_match_score"] == pytest.approx(weighted)
    assert parts["syntax_match_score"] == 100.0 and parts["dataflow_match_score"] == 100.0
    assert found["codebleu"] == pytest.approx((ngram + weighted + 200) / 4)
    assert math.isclose(found["codebleu"], 51.594, abs_tol=1e-3)


@pytest.mark.usefixtures("working")
def test_bodies_are_dedented_before_parsing() -> None:
    body = "    total = a + b\n    return total\n"
    assert code_bleu.codebleu([body], [body])["codebleu"] == 100.0
    other = code_bleu.codebleu([body], ["    return a\n"])
    assert other["codebleu"] < 50.0


@pytest.mark.usefixtures("working")
def test_references_without_data_flow_say_so() -> None:
    found = code_bleu.codebleu(["return 1\n"], ["return 1\n"])
    assert found["codebleu_parts"]["dataflow_match_score"] == 0.0
    assert any("no reference has a data flow" in note for note in found["notes"])
    assert found["codebleu"] < 75.0


@pytest.mark.usefixtures("working")
def test_score_texts_reports_the_total_and_its_parts() -> None:
    result = score_texts([REFERENCE, REFERENCE], [REFERENCE, "pass"])
    parts = result["codebleu_parts"]
    assert set(parts) == set(code_bleu.PARTS)
    assert result["codebleu"] == pytest.approx(sum(parts.values()) / 4)
    assert 0.0 < result["codebleu"] < 100.0


def test_a_grammar_the_binding_cannot_load_is_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    """tree-sitter 0.22 (the package's pin) with tree-sitter-python 0.23+ fails this way."""
    package = pytest.importorskip("codebleu.codebleu")
    pytest.importorskip("tree_sitter_python")

    def refuse(lang: str) -> object:
        raise TypeError("an integer is required")

    monkeypatch.setattr(package, "get_tree_sitter_language", refuse)
    result = score_texts([REFERENCE], [REFERENCE])
    assert "codebleu" not in result and result["bleu"] == 100.0
    (note,) = [n for n in result["notes"] if n.startswith("codebleu")]
    assert "TypeError: an integer is required" in note and "tree-sitter " in note
    assert code_bleu.INSTALL in note


def test_a_parser_that_finds_no_data_flow_is_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    """The package swallows parser errors into an empty data flow; the self-check catches it."""
    dataflow = pytest.importorskip("codebleu.dataflow_match")
    pytest.importorskip("tree_sitter_python")
    monkeypatch.setattr(dataflow, "get_data_flow", lambda code, parser: [])
    found = code_bleu.problem()
    assert found is not None and found.startswith("codebleu skipped")
    assert "dataflow_match_score 0" in found or "cannot parse" in found


def test_absent_package_is_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(code_bleu, "_installed", lambda module: False)
    result = score_texts(["x = 1"], ["x = 1"])
    assert "codebleu" not in result
    assert code_bleu.ABSENT in result["notes"]
