"""Function units: every def at any depth, exact spans, docstrings and code without them."""

from __future__ import annotations

import ast

import pytest

from tests.extract.helpers import extract, functions


def test_qualified_names_at_every_depth() -> None:
    units = functions(
        """
        def top(): pass
        class A:
            def method(self): pass
            class B:
                async def deep(self): pass
        def outer():
            def inner():
                class C:
                    def m(self): pass
            return lambda: 1
        """
    )
    assert sorted(units) == [
        "A.B.deep",
        "A.method",
        "outer",
        "outer.<locals>.inner",
        "outer.<locals>.inner.<locals>.C.m",
        "top",
    ]
    assert units["A.B.deep"].is_async and not units["top"].is_async


def test_span_includes_decorators_and_original_string_is_the_exact_slice() -> None:
    source = "import x\n\n@a.b(1,\n     2)  # why\n@c\ndef f(\n    y,\n):\n    return y\n\nz = 1\n"
    units, _ = extract(source)
    fn = next(u for u in units if u.kind == "function")
    assert (fn.start_line, fn.end_line) == (3, 9)
    assert fn.original_string == "".join(source.splitlines(keepends=True)[2:9])
    assert fn.decorators == ["a.b(1, 2)", "c"]


@pytest.mark.parametrize(
    ("body", "raw", "cleaned"),
    [
        ('    """Doc."""\n', "Doc.", "Doc."),
        ("    r'''Raw \\d doc.'''\n", "Raw \\d doc.", "Raw \\d doc."),
        ('    "Two " "parts."\n', "Two parts.", "Two parts."),
        (
            '    """\n    Indented.\n\n      More.\n    """\n',
            "\n    Indented.\n\n      More.\n    ",
            "Indented.\n\n  More.",
        ),
    ],
)
def test_docstrings_raw_and_cleaned(body: str, raw: str, cleaned: str) -> None:
    fn = functions(f"def f():\n{body}    return 1\n")["f"]
    assert fn.docstring_raw == raw
    assert fn.docstring == cleaned
    assert fn.code == "def f():\n    return 1\n"


@pytest.mark.parametrize(
    "body",
    ['    f"""Not {a} doc."""\n', '    b"""Bytes are not docstrings."""\n', "    x = 'no'\n"],
)
def test_fstrings_bytes_and_later_strings_are_not_docstrings(body: str) -> None:
    fn = functions(f"def f(a=1):\n{body}    return 1\n")["f"]
    assert fn.docstring == "" and fn.docstring_raw == ""
    assert fn.code == fn.original_string


def test_one_line_function_docstring_removed_from_code() -> None:
    fn = functions('def f(x: dict[str, int] = {1: 2}) -> int: "Doc."; return 1\n')["f"]
    assert fn.docstring == "Doc."
    assert '"Doc."' not in fn.code and "return 1" in fn.code
    assert "'Doc.'" not in fn.code_tokens and '"Doc."' not in fn.code_tokens


def test_code_with_and_without_comments() -> None:
    fn = functions(
        '''
        def f(a):
            """Doc."""
            # first we add
            b = a + 1  # inline note
            return b  # noqa: E501
        '''
    )["f"]
    assert (
        fn.code
        == "def f(a):\n    # first we add\n    b = a + 1  # inline note\n    return b  # noqa: E501\n"
    )
    assert fn.code_without_comments == "def f(a):\n    b = a + 1\n    return b\n"
    assert fn.comments == ["first we add", "inline note"]
    assert fn.code_tokens == [
        "def",
        "f",
        "(",
        "a",
        ")",
        ":",
        "b",
        "=",
        "a",
        "+",
        "1",
        "return",
        "b",
    ]
    assert "# first we add" in fn.code_tokens_with_comments
    assert "# noqa: E501" not in fn.code_tokens_with_comments


def test_string_literals_are_single_tokens_and_fstrings_too() -> None:
    fn = functions('def f(x):\n    return f"a {x!r} b" + """multi\nline"""\n')["f"]
    assert 'f"a {x!r} b"' in fn.code_tokens
    assert '"""multi\nline"""' in fn.code_tokens


def test_overloads_are_units_and_lambdas_are_not() -> None:
    units = functions(
        """
        from typing import overload
        @overload
        def f(x: int) -> int: ...
        @overload
        def f(x: str) -> str: ...
        def f(x):
            g = lambda y: y
            return g(x)
        """
    )
    assert list(units) == ["f"]  # one name; the three defs are three units
    all_units, _ = extract(
        "from typing import overload\n@overload\ndef f(x: int) -> int: ...\ndef f(x):\n    return x\n"
    )
    assert [u.start_line for u in all_units if u.kind == "function"] == [2, 4]


@pytest.mark.parametrize(
    "source",
    [
        "def f():\n\tif 1:\n\t\treturn 1\n\treturn 2\n",  # tabs
        "def f():\n    x = 1\n\x0c\n    return x\n",  # form feed line
        "class A:\n  def f(self):\n        return 1\n",  # mixed depths
        "def f(): return 1\n",
        "def f():\n    return 1",  # no final newline
        "def f():\n    return (1 +\n            2)\n",
        "def f():\n    s = '''\n    # not a comment\n    '''\n    return s\n",
    ],
)
def test_layout_variants_give_exact_spans(source: str) -> None:
    units, drops = extract(source)
    fns = [u for u in units if u.kind == "function"]
    assert fns, drops.by_stage()
    lines = source.split("\n")
    for fn in fns:
        span = lines[fn.start_line - 1 : fn.end_line]
        prefix = span[0][: len(span[0]) - len(span[0].lstrip())]
        expected = "\n".join(x[len(prefix) :] if x.startswith(prefix) else x for x in span)
        assert fn.original_string.rstrip("\n") == expected.rstrip("\n")
        ast.parse(fn.original_string)
    if "# not a comment" in source:
        assert fns[0].comments == []


def test_match_statements_and_try_star_are_walked() -> None:
    units = functions(
        """
        def f(x):
            match x:
                case 1:
                    def g(): pass
                case _:
                    pass
            try:
                pass
            except* ValueError:
                def h(): pass
        """
    )
    assert sorted(units) == ["f", "f.<locals>.g", "f.<locals>.h"]


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("print 'python 2'\n", "syntax_error"),
        ("def f(:\n", "syntax_error"),
        ("x = " + "(" * 300 + ")" * 300 + "\n", "syntax_error"),
        ("x = 1  " + "#" * 200_000 + "\n", "line_too_long"),
    ],
)
def test_bad_files_are_counted_not_raised(source: str, reason: str) -> None:
    units, drops = extract(source)
    assert units == []
    assert drops.counts[("extract", reason)] == 1


def test_metrics_follow_radon() -> None:
    from radon.raw import analyze

    source = '''
    def f(a, b):
        """Doc
        string."""
        # comment
        if a and b:  # both
            return 1

        return 2
    '''
    fn = functions(source)["f"]
    assert fn.metrics is not None
    assert fn.metrics["cyclomatic_complexity"] == 3
    expected = analyze(fn.original_string)._asdict()
    assert {k: v for k, v in fn.metrics.items() if k != "cyclomatic_complexity"} == expected


def test_docstring_flags() -> None:
    fn = functions(
        '''
        def f():
            """Summary line
            continues here.
            Args:
                x: nothing

            >>> f()
            """
        '''
    )["f"]
    assert fn.docstring_summary == "Summary line continues here."
    assert fn.docstring_style == "google"
    assert fn.has_doctest
