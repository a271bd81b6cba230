"""Units whose only "natural language" or only body is commented-out code.

The extractor keeps comments that parse as code apart from developer comments
(`commented_out_code` vs `comments`). A comment unit whose block is all commented-out
code pairs code with code, not with language; a function whose body is empty apart from
commented-out code is dead code. Both are dropped under this one name (the function case
is checked before `empty_body`, so it is counted here).
"""

from __future__ import annotations

from typing import ClassVar

from pytorrent.dedup.tokens import normalize_code_tokens
from pytorrent.filters.base import COMMENT, FUNCTION, Record, UnitFilter
from pytorrent.filters.empty_body import body_tokens, is_empty_body


class CommentedOutCode(UnitFilter):
    name: ClassVar[str] = "commented_out_code"

    def drops(self, record: Record) -> bool:
        if not record.get("commented_out_code"):
            return False
        if record["kind"] == COMMENT:
            return not any(str(c).strip() for c in record.get("comments") or ())
        if record["kind"] == FUNCTION:
            body = body_tokens(normalize_code_tokens(record.get("code_tokens") or ()))
            return body is not None and is_empty_body(body)
        return False
