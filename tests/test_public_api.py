"""The public names of `pytorrent` are exactly the intended ones, and each resolves."""

from __future__ import annotations

import subprocess
import sys

import pytorrent

INTENDED = {
    "BuildConfig",
    "BuildReport",
    "ConfigError",
    "ExecutorError",
    "HubError",
    "MissingExtraError",
    "OutputError",
    "PytorrentError",
    "SourceError",
    "WorkFolderBusyError",
    "__version__",
    "build",
}


def test_all_is_exactly_the_intended_names() -> None:
    assert set(pytorrent.__all__) == INTENDED
    assert len(pytorrent.__all__) == len(INTENDED)


def test_every_public_name_resolves_to_its_definition() -> None:
    from pytorrent.config import BuildConfig
    from pytorrent.pipeline import BuildReport, build

    assert pytorrent.BuildConfig is BuildConfig
    assert pytorrent.BuildReport is BuildReport
    assert pytorrent.build is build
    for name in INTENDED - {"__version__"}:
        assert getattr(pytorrent, name) is not None


def test_errors_share_one_base() -> None:
    for name in INTENDED - {"__version__", "BuildConfig", "BuildReport", "build"}:
        assert issubclass(getattr(pytorrent, name), pytorrent.PytorrentError)


def test_unknown_name_is_an_attribute_error() -> None:
    try:
        pytorrent.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_import_does_not_load_the_build_stack() -> None:
    code = (
        "import sys, pytorrent; print('pytorrent.pipeline' in sys.modules, 'libcst' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
