"""The probe's bracket and quote matcher on hand-made strings and on real standard-library code."""

from __future__ import annotations

import io
import tokenize

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytorrent.train.probe_match import Pair, match
from tests.tokenizer.conftest import MODULES, module_source


def pairs(text: str) -> list[tuple[int, int, str]]:
    return [(p.opener, p.closer, p.delimiter) for p in match(text).pairs]


def test_nested_brackets_pair_innermost_first() -> None:
    #       0123456789
    text = "f(a[1], {2: (3)})"
    assert pairs(text) == [
        (3, 5, "]"),
        (12, 14, ")"),
        (8, 15, "}"),
        (1, 16, ")"),
    ]
    assert match(text).balanced
    assert Pair(1, 16, ")").distance == 15


def test_quotes_hide_brackets_and_other_quotes() -> None:
    text = "x = (\"it's (\", ')')"
    assert pairs(text) == [(5, 12, '"'), (15, 17, "'"), (4, 18, ")")]


def test_escaped_quotes_and_backslashes() -> None:
    assert pairs(r"'a\'b'") == [(0, 5, "'")]
    assert pairs(r"'a\\' + 'c'") == [(0, 4, "'"), (8, 10, "'")]
    assert pairs(r'r"\"" + ")"') == [(1, 4, '"'), (8, 10, '"')]


def test_triple_quotes_span_lines_and_hold_single_quotes() -> None:
    text = 'def f():\n    """Doc (with "quotes") and \'\'.\n    """\n    return [1]\n'
    got = pairs(text)
    assert got[0] == (5, 6, ")")
    assert got[1] == (13, text.index('"""', 14), '"""')
    assert got[2][2] == "]"
    assert pairs("'''a''' ''") == [(0, 4, "'''"), (8, 9, "'")]


def test_brackets_in_comments_are_ignored() -> None:
    text = "x = (1,  # (not [this\n     2)  # ]\n"
    assert pairs(text) == [(4, 28, ")")]
    assert match(text).balanced


def test_fstring_fields_are_code_with_nested_strings() -> None:
    text = "f'{d[\"k\"]!r:>{width}} {{x}}'"
    got = pairs(text)
    assert (5, 7, '"') in got and (4, 8, "]") in got
    assert (13, 19, "}") in got and (2, 20, "}") in got
    assert got[-1] == (1, len(text) - 1, "'")
    assert match(text).balanced
    # The same braces in a plain string are text.
    assert pairs("'{d[\"k\"]}'") == [(0, 9, "'")]


def test_string_prefixes() -> None:
    assert pairs("rb'\\'' + fr'{x}'") == [(2, 5, "'"), (12, 14, "}"), (11, 15, "'")]
    assert pairs("bar'x'") == [(3, 5, "'")]  # not a prefix: a plain string after a name


def test_unbalanced_input_is_reported_not_raised() -> None:
    stray = match("a) + (b]")
    assert stray.pairs == () and stray.stray == (1, 7) and stray.open_at_end == (5,)
    assert not stray.well_nested and not stray.balanced
    crossed = match("([)]")
    assert [(p.opener, p.closer) for p in crossed.pairs] == [(0, 2)]
    assert crossed.abandoned == (1,) and crossed.stray == (3,)
    cut = match("f(x, 'abc\n  y)")
    assert cut.abandoned == (5,) and [(p.opener, p.closer) for p in cut.pairs] == [(1, 13)]
    unfinished = match('f("""doc\n(')
    assert unfinished.well_nested and not unfinished.balanced
    assert unfinished.open_at_end == (1, 2)


@pytest.mark.parametrize(
    "text", ["", "\\", "'", '"""', "f'{", "f'{x:", "f'{x:{", "f'}'", "#(", "'\\", "rf'\\{'", ")]}"]
)
def test_fragments_never_crash(text: str) -> None:
    result = match(text)
    assert all(0 <= p.opener < p.closer < len(text) for p in result.pairs)


def _offsets(source: str) -> list[int]:
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def _tokenize_pairs(source: str) -> tuple[set[tuple[int, int, str]], list[tuple[int, int]]]:
    """Pairs by Python's own tokenizer, and the spans of its f-string tokens."""
    starts = _offsets(source)
    found: set[tuple[int, int, str]] = set()
    fstrings: list[tuple[int, int]] = []
    stack: list[int] = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        begin = starts[token.start[0] - 1] + token.start[1]
        end = starts[token.end[0] - 1] + token.end[1]
        if token.type == tokenize.OP and token.string in "([{":
            stack.append(begin)
        elif token.type == tokenize.OP and token.string in ")]}":
            found.add((stack.pop(), begin, token.string))
        elif token.type == tokenize.STRING:
            body = token.string.lstrip("rRbBuUfF")
            quote = body[:3] if body[:3] in ('"""', "'''") else body[0]
            opener = end - len(body)
            found.add((opener, end - len(quote), quote))
            if "f" in token.string[: len(token.string) - len(body)].lower():
                fstrings.append((opener, end))
    return found, fstrings


@pytest.mark.parametrize("module", [*MODULES, "argparse", "dataclasses", "inspect", "tokenize"])
def test_agrees_with_pythons_tokenizer_on_real_code(module: str) -> None:
    source = module_source(module).decode("utf-8")
    expected, fstrings = _tokenize_pairs(source)
    result = match(source)
    got = {(p.opener, p.closer, p.delimiter) for p in result.pairs}
    assert expected <= got
    inside_fstrings = {p for p in got - expected if any(a < p[0] and p[1] < b for a, b in fstrings)}
    assert got - expected == inside_fstrings
    assert result.balanced
    assert len(expected) > 20


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="()[]{}'\"\\#\nfrb:x ", max_size=60))
def test_any_text_gives_consistent_matches(text: str) -> None:
    result = match(text)
    for pair in result.pairs:
        assert 0 <= pair.opener < pair.closer < len(text)
        assert text.startswith(pair.delimiter, pair.closer)
    closers = [p.closer for p in result.pairs]
    assert closers == sorted(closers)
    assert set(result.stray).isdisjoint(closers)
