"""What `extract_source` itself decides: drop reasons and examples, newline handling, one-line
docstrings, and every field of a comment unit (the branches the rule tests do not pin)."""

from __future__ import annotations

import tokenize

import pytest

from pytorrent.drops import Drops
from pytorrent.extract import Unit, engine, extract_source
from pytorrent.extract.structure import StructureMismatchError


def run(source: str, package: str = "demo") -> tuple[list[Unit], Drops]:
    drops = Drops()
    return extract_source("pkg/mod.py", source, drops, package=package), drops


def only_function(source: str) -> Unit:
    units, _ = run(source)
    (unit,) = [u for u in units if u.kind == "function"]
    return unit


# -- drop examples --------------------------------------------------------------------------


def test_drop_examples_name_the_package_and_the_path() -> None:
    _, with_package = run("def f(:\n")
    _, without = run("def f(:\n", package="")
    drops = Drops()
    extract_source("pkg/mod.py", "def f(:\n", drops)  # the package is optional
    assert with_package.examples == {("extract", "syntax_error"): ["demo:pkg/mod.py"]}
    assert without.examples == drops.examples == {("extract", "syntax_error"): ["pkg/mod.py"]}


def test_comment_classification_drops_carry_the_example() -> None:
    _, drops = run("x = 1  # noqa\n")
    assert drops.examples == {("comment", "tool_directive"): ["demo:pkg/mod.py"]}


def test_a_module_of_comments_only_drops_its_prose_with_the_row() -> None:
    _, prose = run("\n# just a note\n")
    assert dict(prose.counts) == {("comment", "comment_without_code"): 1}
    assert prose.examples == {("comment", "comment_without_code"): ["demo:pkg/mod.py:2"]}


def test_a_module_of_commented_out_code_or_a_license_only_is_not_prose_without_code() -> None:
    _, code = run("# x = compute(1)\n")
    _, license_only = run("# Copyright 2020 ACME\n# Licensed under the MIT License\n")
    assert dict(code.counts) == {("comment", "commented_out_code"): 1}
    assert dict(license_only.counts) == {("comment", "license_header"): 1}


def test_every_prose_run_without_code_is_dropped_with_its_own_row() -> None:
    units, drops = run("# first note\n\n# second note\nx = 1\n# final words\n")
    assert [(u.func_name, u.comments) for u in units] == [("<module>:L3", ["second note"])]
    assert dict(drops.counts) == {("comment", "comment_without_code"): 2}
    assert drops.examples == {
        ("comment", "comment_without_code"): ["demo:pkg/mod.py:1", "demo:pkg/mod.py:5"]
    }


def test_a_comment_closing_a_nested_block_is_dropped_with_its_row() -> None:
    units, drops = run(
        "def f():\n    if x:\n        y = 1\n        # trailing at end\n    return 2\n"
    )
    assert [u.kind for u in units] == ["function"]
    assert drops.examples == {("comment", "comment_at_block_end"): ["demo:pkg/mod.py:4"]}


def test_a_deeper_comment_before_the_first_statement_is_kept() -> None:
    """Only a gap after a nested statement can hold a block-end comment; the first gap cannot."""
    units, drops = run("def f():\n        # deep comment\n    x = 1\n    if x:\n        y = 2\n")
    assert [(u.kind, u.func_name) for u in units] == [("function", "f"), ("comment", "f:L2")]
    assert not drops.counts


def test_commented_out_code_before_a_prose_run_does_not_hide_it() -> None:
    units, drops = run("# x = compute()\n\n# Real note here.\ny = 1\n")
    assert [(u.func_name, u.comments, u.code) for u in units] == [
        ("<module>:L3", ["Real note here."], "y = 1\n")
    ]
    assert dict(drops.counts) == {("comment", "commented_out_code"): 1}


def test_failures_after_parsing_are_counted_with_the_example(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Fault injection: no known source passes both parsers and then fails these steps."""

    def tokenize_fails(source: str) -> object:
        raise tokenize.TokenError("EOF in multi-line statement", (1, 0))

    def structure_fails(module: object, tokens: object) -> object:
        raise StructureMismatchError("tokens and tree disagree")

    with monkeypatch.context() as patch:
        patch.setattr(engine, "tokenize_file", tokenize_fails)
        units, drops = run("def f():\n    return 1\n")
    assert units == []
    assert drops.examples == {("extract", "tokenize_error"): ["demo:pkg/mod.py"]}
    with monkeypatch.context() as patch:
        patch.setattr(engine, "analyse_structure", structure_fails)
        units, drops = run("def f():\n    return 1\n")
    assert units == []
    assert drops.examples == {("extract", "structure_mismatch"): ["demo:pkg/mod.py"]}


def test_a_complexity_failure_keeps_the_units_without_complexity(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def complexity_fails(tree: object) -> dict[int, int]:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(engine, "complexity_by_def_row", complexity_fails)
    units, drops = run("def f(x):\n    if x:\n        return 1\n    return 2\n")
    (unit,) = units
    assert unit.metrics is not None
    assert unit.metrics["cyclomatic_complexity"] is None
    assert unit.metrics["sloc"] == 4
    assert drops.examples == {("extract", "radon_failed"): ["demo:pkg/mod.py"]}


# -- newlines -------------------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_newlines_extract_as_unix_ones(newline: str) -> None:
    source = "import os\n\n# Join them.\np = os.sep\n\ndef f(x):\n    '''Doc.'''\n    return x\n"
    expected, _ = run(source)
    units, drops = run(source.replace("\n", newline))
    assert [u.to_dict() for u in units] == [u.to_dict() for u in expected]
    assert len(units) == 2
    assert not drops.counts


# -- docstrings sharing rows with code --------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ('def f():"""doc"""; return 1\n', "def f(): return 1\n"),
        ('def f(): """doc"""\n', "def f(): \n"),
        ('def f(): "a" "b"; return 1\n', "def f():  return 1\n"),
        ('def f():\n    """doc"""; return 1\n', "def f():\n     return 1\n"),
        ('def f():\n    "a" "b"; return 1\n', "def f():\n     return 1\n"),
    ],
)
def test_a_docstring_sharing_a_row_is_cut_with_its_semicolon(source: str, code: str) -> None:
    unit = only_function(source)
    assert unit.code == unit.code_without_comments == code
    assert unit.code_tokens[:5] == ["def", "f", "(", ")", ":"]
    assert [t for t in unit.code_tokens if t.startswith(("'", '"')) or t == ";"] == []


def test_a_multi_line_docstring_in_the_header_row_is_cut_from_its_first_row() -> None:
    unit = only_function('def f(): """doc\n    more"""; return 1\n')
    assert unit.code == "def f():  return 1\n"
    assert unit.docstring == "doc\nmore"


def test_brackets_in_a_one_line_header_do_not_end_it_early() -> None:
    unit = only_function('def f(x={1: 2}, X=(3)): "doc"; return x\n')
    assert unit.code == "def f(x={1: 2}, X=(3)):  return x\n"
    assert unit.docstring == "doc"


# -- comment units --------------------------------------------------------------------------


def test_a_comment_unit_has_every_field() -> None:
    source = (
        "import os\n\n# Resolve the path first.\np = os.path.abspath('x')  # absolute\n"
        "# cache = {}\nq = 2\n\ndef g():\n    return 1\n"
    )
    units, _ = run(source)
    (unit,) = [u for u in units if u.kind == "comment"]
    assert unit.to_dict() == {
        "kind": "comment",
        "func_name": "<module>:L3",
        "path": "pkg/mod.py",
        "category": "core",
        "start_line": 3,
        "end_line": 6,
        "original_string": (
            "# Resolve the path first.\np = os.path.abspath('x')  # absolute\n# cache = {}\nq = 2\n"
        ),
        "code": "p = os.path.abspath('x')  # absolute\n# cache = {}\nq = 2\n",
        "code_without_comments": "p = os.path.abspath('x')\nq = 2\n",
        "code_tokens": [
            "p",
            "=",
            "os",
            ".",
            "path",
            ".",
            "abspath",
            "(",
            "'x'",
            ")",
            "q",
            "=",
            "2",
        ],
        "code_tokens_with_comments": [
            *["p", "=", "os", ".", "path", ".", "abspath", "(", "'x'", ")"],
            "# absolute",
            *["q", "=", "2"],
        ],
        "docstring": "",
        "docstring_raw": "",
        "docstring_summary": "",
        "docstring_style": "none",
        "has_doctest": False,
        "comments": ["Resolve the path first."],
        "commented_out_code": [],
        "decorators": [],
        "is_async": False,
        "metrics": None,
    }


def test_a_full_line_comment_inside_a_function_leaves_code_without_comments() -> None:
    unit = only_function("def f(x):\n\n\n    # step one\n    y = x  # double\n    return y\n")
    assert unit.code_without_comments == "def f(x):\n\n\n    y = x\n    return y\n"
    assert unit.code_tokens_with_comments[-7:] == [
        "# step one",
        *["y", "=", "x"],
        "# double",
        "return",
        "y",
    ]
