"""Statement structure of a module from libcst, with rows from the tokenizer's logical lines.

One walk over statements only (expressions are never visited: functions cannot hide inside
them, lambdas aside). Each statement, decorator and clause header consumes exactly one
logical line, in source order; the walk checks that every logical line was consumed, so a
mismatch is detected and counted instead of producing wrong spans.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from tokenize import COMMENT

import libcst as cst

from pytorrent.extract.tokens import FileTokens, LogicalLine, indent_width


class StructureMismatchError(Exception):
    """libcst's statements and the tokenizer's logical lines disagree (counted, never raised)."""


@dataclass(slots=True)
class Item:
    """A statement or clause (`else:`, `except:` ...) of a block, with its rows."""

    start_row: int
    end_row: int
    col: int
    is_definition: bool = False
    nested: bool = False  # owns an indented block


@dataclass(slots=True)
class Block:
    """Statements at one indentation: a module, or the indented body of a statement."""

    items: list[Item]
    header_end_row: int  # rows after this (and before the first item) are the first gap
    in_function: bool
    scope: str  # qualified name of the enclosing def/class; "" at module level
    is_module: bool = False


@dataclass(slots=True)
class Docstring:
    raw: str
    start_row: int
    end_row: int
    whole_lines: bool  # the docstring statement has its rows to itself
    in_header: bool  # `def f(): "doc"`: shares the logical line of the header


@dataclass(slots=True)
class FunctionInfo:
    qualname: str
    name: str
    is_async: bool
    is_method: bool
    decorators: list[str]
    start_row: int  # first decorator, else the `def` line
    def_row: int
    header_end_row: int
    end_row: int
    docstring: Docstring | None


@dataclass(slots=True)
class ModuleStructure:
    functions: list[FunctionInfo] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


def analyse_structure(module: cst.Module, tokens: FileTokens) -> ModuleStructure:
    """Walk `module`'s statements and give them rows; raises StructureMismatchError."""
    walker = _Walker(tokens)
    items = walker.block_items(module.body, scope="", in_function=False, class_scope=False)
    walker.structure.blocks.append(
        Block(items=items, header_end_row=0, in_function=False, scope="", is_module=True)
    )
    if walker.next_ll != len(tokens.logical_lines):
        raise StructureMismatchError(
            f"{len(tokens.logical_lines) - walker.next_ll} logical lines left unconsumed"
        )
    return walker.structure


class _Walker:
    def __init__(self, tokens: FileTokens) -> None:
        self.tokens = tokens
        self.lls = tokens.logical_lines
        self.next_ll = 0
        self.structure = ModuleStructure()

    # -- logical lines ----------------------------------------------------------------
    def take(self) -> LogicalLine:
        if self.next_ll >= len(self.lls):
            raise StructureMismatchError("more statements than logical lines")
        ll = self.lls[self.next_ll]
        self.next_ll += 1
        return ll

    def col_of(self, ll: LogicalLine) -> int:
        return indent_width(self.tokens.lines[ll.start_row - 1][: ll.start_col])

    # -- blocks -----------------------------------------------------------------------
    def block_items(
        self,
        body: object,
        *,
        scope: str,
        in_function: bool,
        class_scope: bool,
    ) -> list[Item]:
        items: list[Item] = []
        for stmt in body:  # type: ignore[attr-defined]
            items.extend(self.statement(stmt, scope, in_function, class_scope))
        return items

    def suite(
        self,
        body: cst.BaseSuite,
        header: LogicalLine,
        *,
        scope: str,
        in_function: bool,
        class_scope: bool = False,
    ) -> int:
        """Walk a clause body; returns its last row (the header's when on one line)."""
        if isinstance(body, cst.SimpleStatementSuite):
            return header.end_row
        assert isinstance(body, cst.IndentedBlock)
        items = self.block_items(
            body.body, scope=scope, in_function=in_function, class_scope=class_scope
        )
        if not items:
            raise StructureMismatchError("empty indented block")
        self.structure.blocks.append(
            Block(items=items, header_end_row=header.end_row, in_function=in_function, scope=scope)
        )
        return items[-1].end_row

    def clause(
        self, body: cst.BaseSuite, *, scope: str, in_function: bool, definition: bool = False
    ) -> Item:
        header = self.take()
        end = self.suite(body, header, scope=scope, in_function=in_function)
        return Item(
            header.start_row,
            end,
            self.col_of(header),
            is_definition=definition,
            nested=isinstance(body, cst.IndentedBlock),
        )

    # -- statements -------------------------------------------------------------------
    def statement(
        self, stmt: cst.CSTNode, scope: str, in_function: bool, class_scope: bool
    ) -> list[Item]:
        if isinstance(stmt, cst.SimpleStatementLine):
            ll = self.take()
            return [Item(ll.start_row, ll.end_row, self.col_of(ll))]
        if isinstance(stmt, cst.FunctionDef):
            return [self.function(stmt, scope, class_scope)]
        if isinstance(stmt, cst.ClassDef):
            return [self.class_def(stmt, scope)]
        kw = {"scope": scope, "in_function": in_function}
        if isinstance(stmt, cst.If):
            items = [self.clause(stmt.body, **kw)]  # type: ignore[arg-type]
            orelse = stmt.orelse
            while orelse is not None:
                items.append(self.clause(orelse.body, **kw))  # type: ignore[arg-type]
                orelse = orelse.orelse if isinstance(orelse, cst.If) else None
            return items
        if isinstance(stmt, (cst.For, cst.While)):
            items = [self.clause(stmt.body, **kw)]  # type: ignore[arg-type]
            if stmt.orelse is not None:
                items.append(self.clause(stmt.orelse.body, **kw))  # type: ignore[arg-type]
            return items
        if isinstance(stmt, (cst.Try, cst.TryStar)):
            items = [self.clause(stmt.body, **kw)]  # type: ignore[arg-type]
            for handler in stmt.handlers:
                items.append(self.clause(handler.body, **kw))  # type: ignore[arg-type]
            if stmt.orelse is not None:
                items.append(self.clause(stmt.orelse.body, **kw))  # type: ignore[arg-type]
            if stmt.finalbody is not None:
                items.append(self.clause(stmt.finalbody.body, **kw))  # type: ignore[arg-type]
            return items
        if isinstance(stmt, cst.With):
            return [self.clause(stmt.body, **kw)]  # type: ignore[arg-type]
        if isinstance(stmt, cst.Match):
            header = self.take()
            cases = [self.clause(case.body, **kw) for case in stmt.cases]  # type: ignore[arg-type]
            if not cases:
                raise StructureMismatchError("match without cases")
            self.structure.blocks.append(
                Block(
                    items=cases,
                    header_end_row=header.end_row,
                    in_function=in_function,
                    scope=scope,
                )
            )
            return [Item(header.start_row, cases[-1].end_row, self.col_of(header), nested=True)]
        raise StructureMismatchError(f"unexpected statement {type(stmt).__name__}")

    def decorators(self, node: cst.FunctionDef | cst.ClassDef) -> tuple[list[str], int | None]:
        texts: list[str] = []
        first_row: int | None = None
        for _ in node.decorators:
            ll = self.take()
            if first_row is None:
                first_row = ll.start_row
            texts.append(_decorator_text(self.tokens, ll))
        return texts, first_row

    def function(self, node: cst.FunctionDef, scope: str, class_scope: bool) -> Item:
        decorators, first_row = self.decorators(node)
        header = self.take()
        name = node.name.value
        qualname = f"{scope}.{name}" if scope else name
        body_scope = f"{qualname}.<locals>"
        body_start = self.next_ll
        end = self.suite(node.body, header, scope=body_scope, in_function=True)
        docstring = _docstring(node.body)
        doc: Docstring | None = None
        if docstring is not None:
            raw, whole = docstring
            in_header = isinstance(node.body, cst.SimpleStatementSuite)
            ll = header if in_header else self.lls[body_start]
            doc = Docstring(raw, ll.start_row, ll.end_row, whole, in_header)
        start = first_row if first_row is not None else header.start_row
        self.structure.functions.append(
            FunctionInfo(
                qualname=qualname,
                name=name,
                is_async=node.asynchronous is not None,
                is_method=class_scope,
                decorators=decorators,
                start_row=start,
                def_row=header.start_row,
                header_end_row=header.end_row,
                end_row=end,
                docstring=doc,
            )
        )
        return Item(
            start,
            end,
            self._col_at(start),
            is_definition=True,
            nested=isinstance(node.body, cst.IndentedBlock),
        )

    def class_def(self, node: cst.ClassDef, scope: str) -> Item:
        _, first_row = self.decorators(node)
        header = self.take()
        qualname = f"{scope}.{node.name.value}" if scope else node.name.value
        end = self.suite(node.body, header, scope=qualname, in_function=False, class_scope=True)
        start = first_row if first_row is not None else header.start_row
        return Item(
            start,
            end,
            self._col_at(start),
            is_definition=True,
            nested=isinstance(node.body, cst.IndentedBlock),
        )

    def _col_at(self, row: int) -> int:
        line = self.tokens.lines[row - 1]
        return indent_width(line[: len(line) - len(line.lstrip(" \t\f"))])


def _decorator_text(tokens: FileTokens, ll: LogicalLine) -> str:
    """Source of a decorator without `@`, comments and line breaks (whitespace folded)."""
    toks = [t for t in tokens.tokens_between(ll.start_row, ll.end_row) if t[0] != COMMENT]
    first, last = toks[0], toks[-1]
    text = _slice_rows(tokens.lines, first[2][0], first[2][1], last[3][0], last[3][1])
    return " ".join(text.removeprefix("@").split())


def _slice_rows(lines: list[str], r0: int, c0: int, r1: int, c1: int) -> str:
    if r0 == r1:
        return lines[r0 - 1][c0:c1]
    return lines[r0 - 1][c0:] + "".join(lines[r0 : r1 - 1]) + lines[r1 - 1][:c1]


def _docstring(body: cst.BaseSuite) -> tuple[str, bool] | None:
    """The docstring of a def body as the literal evaluates, and whether it owns its rows."""
    if isinstance(body, cst.IndentedBlock):
        if not body.body or not isinstance(body.body[0], cst.SimpleStatementLine):
            return None
        small = body.body[0].body
        whole = len(small) == 1
    elif isinstance(body, cst.SimpleStatementSuite):
        small = body.body
        whole = False
    else:
        return None
    if not small or not isinstance(small[0], cst.Expr):
        return None
    value = small[0].value
    if not isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes in old docstrings
        try:
            evaluated = value.evaluated_value
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return None
    if not isinstance(evaluated, str):
        return None  # bytes and f-strings are not docstrings
    return evaluated, whole
