"""The low_alphanumeric filter's ASCII fast path counts what the per-character loop counts."""

from __future__ import annotations

from pytorrent.filters.code_shape import visible_and_alphanumeric
from tests.installed_code import package_files


def _loop(code: str) -> tuple[int, int]:
    chars = [c for c in code if not c.isspace()]
    return len(chars), sum(c.isalnum() for c in chars)


def test_every_ascii_character_counts_as_the_loop_counts_it() -> None:
    for code in map(chr, range(128)):
        assert visible_and_alphanumeric(code) == _loop(code), repr(code)
    everything = "".join(map(chr, range(128))) * 3
    assert visible_and_alphanumeric(everything) == _loop(everything)


def test_real_files_count_as_the_loop_counts_them() -> None:
    files = package_files("click")
    assert len(files) >= 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        for block in text.split("\n\n"):
            assert visible_and_alphanumeric(block) == _loop(block)


def test_non_ascii_code_takes_the_loop() -> None:
    code = "x = 'é ü\u00a0中'  # \u2003 wide space\n"
    assert visible_and_alphanumeric(code) == _loop(code) == (17, 13)
