"""decode_python_source: bytes -> text as the interpreter reads them, or the drop reason."""

from __future__ import annotations

import pytest

from pytorrent.sources import UndecodableFile, decode_python_source


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"x = 1\n", "x = 1\n"),
        (b"\xef\xbb\xbfx = '\xc3\xa9'\n", "x = '\u00e9'\n"),
        (b"# coding: latin-1\nx = '\xe9'\n", "# coding: latin-1\nx = '\u00e9'\n"),
        (b"#!/usr/bin/env python\n# -*- coding: cp1252 -*-\nx = '\x80'\n", None),
        (b"a = 1\r\nb = 2\rc = 3\n", "a = 1\nb = 2\nc = 3\n"),
    ],
)
def test_decodes_like_the_interpreter(data: bytes, text: str | None) -> None:
    expected = text if text is not None else data.decode("cp1252").replace("\r", "")
    assert decode_python_source(data) == expected


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"x = 1\x00\n", "nul_bytes"),
        (b"x = '\xff'\n", "undecodable_bytes"),
        (b"x = 1\ny = '\xff'\n", "undecodable_bytes"),
        (b"# coding: no-such-codec\nx = 1\n", "unknown_encoding"),
        (b"\xef\xbb\xbf# coding: latin-1\nx = 1\n", "bad_encoding_cookie"),
        (b"# coding: utf-8\nx = '\xe9'\n", "undecodable_bytes"),
    ],
)
def test_undecodable_files_name_their_reason(data: bytes, reason: str) -> None:
    with pytest.raises(UndecodableFile) as caught:
        decode_python_source(data)
    assert caught.value.reason == reason
