"""Text hygiene of docstrings and comments, on code verbatim from installed packages."""

from __future__ import annotations

from tests.extract.helpers import comment_units, functions

# distlib/util.py: the closing quotes on their own line leave "...flags.\n        ".
DISTLIB_COPY_FILE = '''
class FileOperator:
    def copy_file(self, infile, outfile, check=True):
        """Copy a file respecting dry-run and force flags.
        """
        self.ensure_dir(os.path.dirname(outfile))
        logger.info('Copying %s to %s', infile, outfile)
'''
# matplotlib/scale.py: a docstring of whitespace only (it blocks an inherited one).
MATPLOTLIB_LINEAR_INIT = '''
class LinearScale(ScaleBase):
    def __init__(self, axis):
        # This method is present only to prevent inheritance of the base class'
        # constructor docstring, which would otherwise end up interpolated into
        # the docstring of Axis.set_scale.
        """
        """
'''
# matplotlib/_layoutgrid.py: two spaces after a full stop.
MATPLOTLIB_RESET_MARGINS = '''
class LayoutGrid:
    def reset_margins(self):
        """
        Reset all the margins to zero.  Must do this after changing
        figure size, for instance, because the relative size of the
        axes labels etc changes.
        """
        for todo in ['left', 'right', 'bottom', 'top',
                     'leftcb', 'rightcb', 'bottomcb', 'topcb']:
            self.edit_margins(todo, 0.0)
'''
# pyparsing/core.py (Forward.parseImpl, shortened): `# ## Title ##` above the block.
PYPARSING_FORWARD = """
def parseImpl(self, instring, loc, do_actions=True):
    if not ParserElement._left_recursion_enabled:
        return super().parseImpl(instring, loc, do_actions)

    # ## Bounded Recursion algorithm ##
    # Recursion only needs to be processed at ``Forward`` elements, since they are
    # the only ones that can actually refer to themselves.
    with ParserElement.recursion_lock:
        memo = ParserElement.recursion_memos
"""
# scipy/optimize/_optimize.py (Brent.get_bracket_info): frames of unequal length.
SCIPY_BRACKET = """
def get_bracket_info(self):
    #set up
    func = self.func
    ### BEGIN core bracket_info code ###
    ### carefully DOCUMENT any CHANGES in core ##
    if brack is None:
        xa, xb, xc, fa, fb, fc, funcalls = bracket(func, args=args)
"""
# Comment text where a `#` is part of a word, not decoration.
CSHARP = """
def port(self):
    # Same algorithm as the C# reference implementation
    return self.run()
"""


def test_docstring_loses_trailing_whitespace() -> None:
    unit = functions(DISTLIB_COPY_FILE)["FileOperator.copy_file"]
    assert unit.docstring == "Copy a file respecting dry-run and force flags."
    assert unit.docstring_raw.endswith("flags.\n        ")  # the literal itself is kept


def test_whitespace_only_docstring_is_no_docstring() -> None:
    unit = functions(MATPLOTLIB_LINEAR_INIT)["LinearScale.__init__"]
    assert (unit.docstring, unit.docstring_summary, unit.docstring_style) == ("", "", "none")


def test_a_real_docstring_is_kept_whole() -> None:
    unit = functions(MATPLOTLIB_RESET_MARGINS)["LayoutGrid.reset_margins"]
    assert unit.docstring.splitlines() == [
        "Reset all the margins to zero.  Must do this after changing",
        "figure size, for instance, because the relative size of the",
        "axes labels etc changes.",
    ]


def test_summary_whitespace_is_folded() -> None:
    unit = functions(MATPLOTLIB_RESET_MARGINS)["LayoutGrid.reset_margins"]
    assert unit.docstring_summary == (
        "Reset all the margins to zero. Must do this after changing figure size, for "
        "instance, because the relative size of the axes labels etc changes."
    )


def test_framed_title_loses_every_decorative_hash() -> None:
    (block,) = comment_units(PYPARSING_FORWARD)
    assert block.comments[0] == "Bounded Recursion algorithm"
    assert block.comments[1].startswith("Recursion only needs")
    (bracket,) = [u for u in comment_units(SCIPY_BRACKET) if "BEGIN" in u.comments[0]]
    assert bracket.comments == [
        "BEGIN core bracket_info code",
        "carefully DOCUMENT any CHANGES in core",
    ]


def test_a_hash_inside_the_text_stays() -> None:
    (block,) = comment_units(CSHARP)
    assert block.comments == ["Same algorithm as the C# reference implementation"]
