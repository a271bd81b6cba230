"""Comment classification of one file: interpreter lines, directives, prose and code runs.

Consecutive full-line comments at one column form a run (a candidate comment block); each
run is split into prose and commented-out code (comments.py decides which), license headers
are marked, and inline comments are kept by row. Units read the result by row range.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from pytorrent.drops import Drops, Stage
from pytorrent.extract import comments as cm
from pytorrent.extract.structure import Block
from pytorrent.extract.tokens import Comment, FileTokens


@dataclass(slots=True)
class CommentRun:
    """Consecutive full-line comments at one column: a candidate comment block."""

    first_row: int
    last_row: int
    col: int
    prose: list[str]
    code: list[str]
    license: bool = False


@dataclass(slots=True)
class FileComments:
    runs: list[CommentRun]
    run_rows: list[int]
    inline: list[tuple[int, str | None, str | None]]  # row, prose, commented-out code
    developer_rows: set[int]  # rows holding a developer (prose) comment


def classify_comments(
    tokens: FileTokens, blocks: list[Block], drops: Drops, example: str
) -> FileComments:
    """Sort every comment into interpreter lines, directives, prose and commented-out code."""
    runs: list[CommentRun] = []
    inline: list[tuple[int, str | None, str | None]] = []
    developer_rows: set[int] = set()
    pending: list[Comment] = []

    def close_run() -> None:
        if not pending:
            return
        texts = [c.text for c in pending if not cm.is_directive(c.text)]
        prose, code = cm.split_commented_code(texts)
        if code:
            drops.add(Stage.COMMENT, "commented_out_code", example, n=len(code))
        run = CommentRun(pending[0].row, pending[-1].row, pending[0].col, prose, code)
        runs.append(run)
        if prose:
            developer_rows.update(c.row for c in pending)
        pending.clear()

    for comment in tokens.comments:
        if cm.is_interpreter_line(comment.text, comment.row):
            continue
        if not comment.full_line:
            if cm.is_directive(comment.text):
                drops.add(Stage.COMMENT, "tool_directive", example)
                continue
            body = cm.comment_body(comment.text)
            if not body:
                continue
            if cm.looks_like_code(body):
                drops.add(Stage.COMMENT, "commented_out_code", example)
                inline.append((comment.row, None, body))
            else:
                inline.append((comment.row, body, None))
                developer_rows.add(comment.row)
            continue
        if cm.is_directive(comment.text):
            drops.add(Stage.COMMENT, "tool_directive", example)
        if pending and (comment.row != pending[-1].row + 1 or comment.col != pending[-1].col):
            close_run()
        pending.append(comment)
    close_run()
    _mark_license_headers(runs, blocks, drops, example)
    return FileComments(runs, [r.first_row for r in runs], inline, developer_rows)


def _mark_license_headers(
    runs: list[CommentRun], blocks: list[Block], drops: Drops, example: str
) -> None:
    module = next((b for b in blocks if b.is_module), None)
    first_code_row = module.items[0].start_row if module and module.items else 1 << 30
    for run in runs:
        if run.first_row < first_code_row and run.prose and cm.is_license_text(" ".join(run.prose)):
            run.license = True
            drops.add(Stage.COMMENT, "license_header", example)


def runs_between(comments: FileComments, first_row: int, last_row: int) -> list[CommentRun]:
    lo = bisect.bisect_left(comments.run_rows, first_row)
    hi = bisect.bisect_right(comments.run_rows, last_row)
    return comments.runs[lo:hi]


def span_comments(
    comments: FileComments, first_row: int, last_row: int
) -> tuple[list[str], list[str]]:
    """Developer comments and commented-out code inside rows first..last, in row order."""
    entries: list[tuple[int, int, str | None, str | None]] = []
    for run in runs_between(comments, first_row, last_row):
        if run.license:
            continue
        for i, text in enumerate(run.prose):
            entries.append((run.first_row, i, text, None))
        for i, text in enumerate(run.code):
            entries.append((run.first_row, 1000 + i, None, text))
    for row, prose, code in comments.inline:
        if first_row <= row <= last_row:
            entries.append((row, 0, prose, code))
    entries.sort(key=lambda e: (e[0], e[1]))
    return [p for _, _, p, _ in entries if p], [c for _, _, _, c in entries if c]
