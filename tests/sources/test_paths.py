"""Member names -> safe relative POSIX paths, or the reason they are refused."""

from __future__ import annotations

import pytest

from pytorrent.sources.paths import (
    UnsafePathError,
    is_archive_path,
    printable,
    safe_relative_path,
)


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("pkg/mod.py", "pkg/mod.py"),
        ("./pkg//mod.py", "pkg/mod.py"),
        ("pkg\\sub\\mod.py", "pkg/sub/mod.py"),
        ("pkg/./a..b.py", "pkg/a..b.py"),
        ("caf\u00e9/mod.py", "caf\u00e9/mod.py"),
    ],
)
def test_safe_names_are_normalised(name: str, path: str) -> None:
    assert safe_relative_path(name) == path


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../evil.py", "path_traversal"),
        ("pkg/../../evil.py", "path_traversal"),
        ("pkg\\..\\..\\evil.py", "path_traversal"),
        ("/etc/passwd", "absolute_path"),
        ("\\\\server\\share\\evil.py", "absolute_path"),
        ("C:\\Windows\\evil.py", "absolute_path"),
        ("c:evil.py", "absolute_path"),
        ("pkg/evil\n.py", "bad_path"),
        ("pkg/evil\x00.py", "bad_path"),
        ("pkg/\udcff.py", "bad_path"),
        ("a/" * 600 + "deep.py", "bad_path"),
        ("./", "bad_path"),
    ],
)
def test_unsafe_names_are_refused_with_a_reason(name: str, reason: str) -> None:
    with pytest.raises(UnsafePathError) as caught:
        safe_relative_path(name)
    assert caught.value.reason == reason


def test_nested_archives_are_recognised_by_suffix() -> None:
    assert is_archive_path("vendor/x-1.0.TAR.GZ") and is_archive_path("w.whl")
    assert not is_archive_path("pkg/tarfile.py")


def test_printable_escapes_and_shortens() -> None:
    assert printable("a\nb") == "a\\nb"
    assert printable("x" * 300).endswith("...") and len(printable("x" * 300)) == 203
