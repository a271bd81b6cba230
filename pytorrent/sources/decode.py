"""Bytes of a Python file -> text, the way the interpreter reads it, or a counted reason.

PEP 263 cookies and BOMs are honoured (`tokenize.detect_encoding`), then newlines are
translated universally as `importlib` does, so every record uses "\\n" whatever the file used.
"""

from __future__ import annotations

import codecs
import io
import re
import tokenize

# PEP 263: a comment on line 1 or 2 naming the encoding.
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]")


class UndecodableFile(Exception):  # noqa: N818 - public name, read as "raise UndecodableFile"
    """A file that cannot be read as Python text; `reason` is the drop reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def decode_python_source(data: bytes) -> str:
    """Decode `data` as Python source text with universal newlines.

    Raises UndecodableFile with reasons: nul_bytes, bad_encoding_cookie, unknown_encoding,
    undecodable_bytes.
    """
    if b"\x00" in data:
        raise UndecodableFile("nul_bytes")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        # detect_encoding also fails on a first line that is not UTF-8 and has no cookie.
        if "unknown encoding" in str(exc):
            reason = "unknown_encoding"
        elif any(
            _COOKIE.match(line) for line in data.removeprefix(codecs.BOM_UTF8).splitlines()[:2]
        ):
            reason = "bad_encoding_cookie"
        else:
            reason = "undecodable_bytes"
        raise UndecodableFile(reason) from None
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UndecodableFile("unknown_encoding") from None
    if encoding == "utf-8-sig" or data.startswith(codecs.BOM_UTF8):
        data = data.removeprefix(codecs.BOM_UTF8)
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise UndecodableFile("undecodable_bytes") from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text
