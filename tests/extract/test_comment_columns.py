"""Comment blocks are runs of full-line comments on consecutive rows at one column: a
comment closing a nested block and the next one at the outer level are two blocks, even
with no blank line between them."""

from __future__ import annotations

from tests.extract.helpers import comment_units, extract

CLOSING_THEN_OUTER = """
def f(x):
    if x:
        y = 1
        # the branch ends here
    # now compute the result
    z = 2
    return z
"""


def test_a_comment_ending_a_nested_block_does_not_swallow_the_next_one() -> None:
    units, drops = extract(CLOSING_THEN_OUTER)
    comments = [u for u in units if u.kind == "comment"]
    assert [(u.comments, u.code, u.func_name) for u in comments] == [
        (["now compute the result"], "    z = 2\n    return z\n", "f:L6")
    ]
    assert drops.counts[("comment", "comment_at_block_end")] == 1
    function = next(u for u in units if u.kind == "function")
    assert function.comments == ["the branch ends here", "now compute the result"]


def test_consecutive_rows_at_one_column_stay_one_block() -> None:
    source = """
    def f(x):
        if x:
            y = 1
        # first line of the note
        # second line of the note
        z = 2
        return z
    """
    assert [(u.comments, u.start_line) for u in comment_units(source)] == [
        (["first line of the note", "second line of the note"], 5)
    ]


def test_an_indented_comment_after_an_outer_one_starts_a_new_block() -> None:
    source = """
    # settings for the run
        # an indented aside
    SIZE = 3
    """
    units, drops = extract(source)
    comments = [u for u in units if u.kind == "comment"]
    # Two blocks in one gap: only the last attaches, the first is counted as without code.
    assert [(u.comments, u.code) for u in comments] == [(["an indented aside"], "SIZE = 3\n")]
    assert drops.counts[("comment", "comment_without_code")] == 1
