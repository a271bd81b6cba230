"""Balance and `def`-block measures of generated samples, on hand-made samples."""

from __future__ import annotations

from pytorrent.train.probe_samples import def_blocks, measure_samples, parses, up_to_last_newline

TWO_DEFS = (
    "def add(a, b):\n"
    "    # a comment\n"
    "\n"
    "# a comment at column 0 stays in the block\n"
    "    return (a +\n"
    "b)\n"
    "x = 1\n"
    "class A:\n"
    "    def method(self):\n"
    '        """A docstring\n'
    'def not_a_block():\n"""\n'
    "        def inner():\n"
    "            return 2\n"
    "        return inner\n"
    "    y = 3\n"
    "def cut(x):\n"
    "    return x +"
)


def test_def_blocks_are_cut_at_the_first_line_no_deeper_than_the_def() -> None:
    found = def_blocks(TWO_DEFS)
    assert found.truncated == 1
    assert found.complete[0] == (
        "def add(a, b):\n"
        "    # a comment\n"
        "\n"
        "# a comment at column 0 stays in the block\n"
        "    return (a +\n"
        "b)\n"
    )
    # The method loses its indentation; the `def` inside the docstring and the inner def
    # are part of it.
    assert found.complete[1].startswith("def method(self):\n")
    assert found.complete[1].endswith("    return inner\n")
    assert len(found.complete) == 2
    assert all(parses(block) for block in found.complete)


def test_async_defs_count_and_a_def_word_does_not() -> None:
    found = def_blocks("async def f():\n    await g()\nundefined = 1\ndefault = 2\n")
    assert found.complete == ("async def f():\n    await g()\n",) and found.truncated == 0


def test_parses_rejects_broken_blocks_without_raising() -> None:
    assert not parses("def f(:\n    pass\n")
    assert not parses("def f():\nreturn 1\n")
    assert not parses("def f():\n    return '\x00'\x00\n")
    assert parses("def f():\n    return '\\d'\n")  # invalid escape: a warning, silenced


def test_measure_samples_counts_balance_and_parsing() -> None:
    samples = [
        TWO_DEFS,  # balanced up to its last newline; the cut line is left out
        "def f(x:\n    return x]\n",  # a stray ] and an unclosed (: neither measure holds
        "def g():\n    return [1,\n",  # well nested, but [ still open at the last newline
        "no newline (at all",
    ]
    measures = measure_samples(samples)
    assert measures.samples == 4
    assert measures.balanced == 1 and measures.balanced_fraction == 0.25
    assert measures.well_nested == 3
    # Blocks: TWO_DEFS 2 complete + 1 cut; the next two run to the end of their sample.
    assert (measures.def_blocks, measures.def_truncated) == (2, 3)
    assert measures.def_parsed == 2 and measures.parsed_fraction == 1.0


def test_a_failing_block_lowers_the_parse_fraction() -> None:
    measures = measure_samples(["def f(:\n    pass\ndef g():\n    pass\nz = 0\n"])
    assert (measures.def_blocks, measures.def_parsed) == (2, 1)
    assert measures.parsed_fraction == 0.5


def test_empty_input() -> None:
    measures = measure_samples([])
    assert measures.balanced_fraction is None and measures.parsed_fraction is None
    assert up_to_last_newline("a\nb") == "a\n" and up_to_last_newline("ab") == "ab"
