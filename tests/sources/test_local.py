"""`dir:PATH` and bare paths: every archive kind, project folders, and one release per project."""

from __future__ import annotations

import hashlib
import io
import pickle
import shutil
import tarfile
from pathlib import Path

import pytest

from pytorrent.drops import Drops
from pytorrent.errors import SourceError
from pytorrent.sources import parse_source_spec
from pytorrent.sources.archive import ArchivePackage
from pytorrent.sources.base import PackageContent, PackageHandle, ReadLimits
from pytorrent.sources.folder import FolderPackage
from pytorrent.sources.local import LocalSource, name_version_from_filename

from .builders import (
    core_metadata,
    make_conda_tarbz2,
    make_conda_v2,
    make_sdist,
    make_wheel,
    tar_bytes,
    zip_bytes,
)

FILES = {
    "demo/__init__.py": b'"""Demo."""\n',
    "demo/core.py": b"def add(a, b):\n    return a + b\n",
    "tests/test_core.py": b"def test_add():\n    assert True\n",
    "README.md": b"# demo\n",
    "demo/data.json": b"{}",
}
PY_FILES = {path: data for path, data in FILES.items() if path.endswith(".py")}


def read(
    handle: PackageHandle, drops: Drops | None = None
) -> tuple[PackageContent, dict[str, bytes]]:
    content = handle.read(ReadLimits(), drops if drops is not None else Drops())
    return content, {raw.path: raw.data for raw in content.files}


def handles(
    path: Path, drops: Drops | None = None, all_versions: bool = False
) -> list[PackageHandle]:
    source = LocalSource(path=str(path), spec=f"dir:{path}", all_versions=all_versions)
    return list(source.packages(drops if drops is not None else Drops()))


@pytest.mark.parametrize("fmt", ["tar.gz", "zip", "tgz", "tar.bz2", "tar.xz"])
def test_sdist_files_lose_the_top_folder_and_metadata_comes_from_pkg_info(
    tmp_path: Path, fmt: str
) -> None:
    pkg_info = core_metadata(
        "Demo_Pkg",
        "1.2.0",
        Summary="A demo",
        License="MIT",
        Project_URL="Source, https://example.invalid/demo",
    )
    archive = make_sdist(tmp_path, "Demo_Pkg", "1.2.0", FILES, fmt=fmt, pkg_info=pkg_info)
    (handle,) = handles(archive)
    assert isinstance(handle, ArchivePackage) and handle.kind == "sdist"
    assert handle.key == "demo-pkg==1.2.0"
    content, files = read(handle)
    assert files == PY_FILES
    meta = content.metadata
    assert (meta.name, meta.display_name, meta.version) == ("demo-pkg", "Demo_Pkg", "1.2.0")
    assert (meta.summary, meta.license, meta.source) == ("A demo", "MIT", "archive")
    assert meta.project_urls == {"Source": "https://example.invalid/demo"}
    assert meta.purl == "pkg:pypi/demo-pkg@1.2.0"
    assert meta.source_file == archive.name
    assert meta.archive_sha256 == hashlib.sha256(archive.read_bytes()).hexdigest()


def test_wheel_keeps_its_paths_and_reads_dist_info_metadata(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, "demo", "2.0", PY_FILES, License_Expression="Apache-2.0")
    (handle,) = handles(wheel)
    content, files = read(handle)
    assert files == PY_FILES
    assert content.metadata.license == "Apache-2.0"
    assert content.metadata.purl == "pkg:pypi/demo@2.0"
    assert content.metadata.source_file == "demo-2.0-py3-none-any.whl"


@pytest.mark.parametrize("maker", [make_conda_tarbz2, make_conda_v2], ids=["tar.bz2", "conda"])
def test_conda_packages_read_info_json_and_skip_the_info_folder(
    tmp_path: Path, maker: object
) -> None:
    files = {"site-packages/cpkg/__init__.py": b"x = 1\n", "site-packages/cpkg/lib.so": b"\x7fELF"}
    archive = maker(tmp_path, "c_pkg", "3.1", "pyhd8ed1ab_0", files)  # type: ignore[operator]
    (handle,) = handles(archive)
    assert isinstance(handle, ArchivePackage) and handle.kind == "conda"
    content, found = read(handle)
    assert found == {"site-packages/cpkg/__init__.py": b"x = 1\n"}  # info/recipe/build.py left out
    meta = content.metadata
    assert (meta.name, meta.display_name, meta.version) == ("c-pkg", "c_pkg", "3.1")
    assert meta.summary == "c_pkg for conda" and meta.license == "BSD-3-Clause"
    assert meta.upload_time == "2023-11-14T22:13:20Z"
    assert meta.home_page == "https://example.invalid/c_pkg"
    package_type = "conda" if archive.name.endswith(".conda") else "tar.bz2"
    assert meta.purl == f"pkg:conda/c_pkg@3.1?build=pyhd8ed1ab_0&subdir=noarch&type={package_type}"


def test_latest_version_wins_and_sdist_beats_wheel(tmp_path: Path) -> None:
    make_sdist(tmp_path, "demo", "1.10", FILES)
    make_sdist(tmp_path, "demo", "1.9", FILES)
    (tmp_path / "wheels").mkdir()  # discovery searches subfolders
    make_wheel(tmp_path / "wheels", "demo", "1.10", PY_FILES)
    make_sdist(tmp_path, "demo", "1.10rc1", FILES, fmt="zip")
    make_sdist(tmp_path, "other", "0.1", FILES)
    drops = Drops()
    chosen = handles(tmp_path, drops)
    assert [(h.key, Path(h.path).name) for h in chosen if isinstance(h, ArchivePackage)] == [
        ("demo==1.10", "demo-1.10.tar.gz"),
        ("other==0.1", "other-0.1.tar.gz"),
    ]
    assert drops.by_stage() == {"source": {"duplicate_release_file": 1, "older_version": 2}}
    assert drops.examples_by_key()["source/duplicate_release_file"] == [
        "demo-1.10-py3-none-any.whl"
    ]


def test_all_versions_keeps_one_file_per_release(tmp_path: Path) -> None:
    make_sdist(tmp_path, "demo", "1.0", FILES)
    make_sdist(tmp_path, "demo", "2.0", FILES)
    make_wheel(tmp_path, "demo", "2.0", PY_FILES)
    drops = Drops()
    assert [h.key for h in handles(tmp_path, drops, all_versions=True)] == [
        "demo==2.0",
        "demo==1.0",
    ]
    assert drops.by_stage() == {"source": {"duplicate_release_file": 1}}


def test_handles_are_picklable_and_read_again_in_another_process_shape(tmp_path: Path) -> None:
    (handle,) = handles(make_sdist(tmp_path, "demo", "1.0", FILES))
    clone = pickle.loads(pickle.dumps(handle))
    assert clone == handle
    assert read(clone)[1] == PY_FILES


def test_outputs_do_not_depend_on_where_the_archives_are(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b" / "deeper"
    first.mkdir()
    second.mkdir(parents=True)
    make_sdist(first, "demo", "1.0", FILES)
    shutil.copy(first / "demo-1.0.tar.gz", second)
    one, two = (read(handles(folder)[0]) for folder in (first, second))
    assert one[0].metadata == two[0].metadata and one[1] == two[1]
    assert str(tmp_path) not in one[0].metadata.model_dump_json()


def test_unpacked_project_folder_is_one_package_with_generic_purl(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    for path, data in {**FILES, "dist/proj-0.1.tar.gz": tar_bytes({"x/y.py": b""})}.items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_bytes(data)
    (project / "pyproject.toml").write_text(
        '[project]\nname = "Proj"\nversion = "0.5"\nlicense = "MIT"\ndescription = "P"\n'
    )
    (project / ".git").mkdir()
    (project / ".git" / "hook.py").write_text("x = 1\n")
    (project / "demo" / "__pycache__").mkdir()
    (project / "demo" / "__pycache__" / "c.py").write_text("x = 1\n")
    drops = Drops()
    (handle,) = handles(project, drops)
    assert isinstance(handle, FolderPackage) and handle.key == "proj==0.5"
    content, files = read(handle, drops)
    assert files == PY_FILES
    meta = content.metadata
    assert (meta.purl, meta.license, meta.summary, meta.source) == (
        "pkg:generic/proj@0.5",
        "MIT",
        "P",
        "folder",
    )
    assert meta.source_file == "proj" and meta.archive_sha256 is None
    assert drops.by_stage() == {"source": {"nested_archive": 1}}


def test_folder_of_unpacked_sdists_and_archives(tmp_path: Path) -> None:
    unpacked = tmp_path / "unpacked" / "alpha-0.3"
    unpacked.mkdir(parents=True)
    (unpacked / "PKG-INFO").write_bytes(core_metadata("alpha", "0.3"))
    (unpacked / "alpha.py").write_text("A = 1\n")
    make_wheel(tmp_path, "beta", "1.0", PY_FILES)
    keys = [h.key for h in handles(tmp_path)]
    assert keys == ["alpha==0.3", "beta==1.0"]


def test_plain_folder_of_scripts_is_one_package(tmp_path: Path) -> None:
    scripts = tmp_path / "my_scripts"
    (scripts / "sub").mkdir(parents=True)
    (scripts / "a.py").write_text("A = 1\n")
    (scripts / "sub" / "b.py").write_text("B = 2\n")
    drops = Drops()
    (handle,) = handles(scripts, drops)
    content, files = read(handle, drops)
    assert files == {"a.py": b"A = 1\n", "sub/b.py": b"B = 2\n"}
    assert content.metadata.purl == "pkg:generic/my-scripts@0"
    assert drops.by_stage() == {"source": {"no_metadata": 1}}


def test_archive_without_metadata_is_named_from_its_file_name(tmp_path: Path) -> None:
    archive = tmp_path / "bare-0.4.tar.gz"
    archive.write_bytes(tar_bytes({"bare-0.4/bare.py": b"x = 1\n"}))
    drops = Drops()
    (handle,) = handles(archive, drops)
    content, files = read(handle, drops)
    assert files == {"bare.py": b"x = 1\n"}
    assert (content.metadata.name, content.metadata.version) == ("bare", "0.4")
    assert drops.by_stage() == {"source": {"no_metadata": 1}}


def test_unparsable_file_name_falls_back_to_the_archive_metadata(tmp_path: Path) -> None:
    archive = tmp_path / "download.zip"
    archive.write_bytes(
        zip_bytes({"real-7.0/PKG-INFO": core_metadata("real", "7.0"), "real-7.0/r.py": b""})
    )
    (handle,) = handles(tmp_path)
    assert handle.key == "real==7.0"


def test_misnamed_archive_is_read_by_content_and_counted(tmp_path: Path) -> None:
    archive = tmp_path / "demo-1.0.tar.gz"
    archive.write_bytes(
        zip_bytes({"demo-1.0/PKG-INFO": core_metadata("demo", "1.0"), "demo-1.0/m.py": b"m = 1\n"})
    )
    drops = Drops()
    (handle,) = handles(tmp_path, drops)
    assert read(handle, drops)[1] == {"m.py": b"m = 1\n"}
    assert drops.by_stage() == {"source": {"misnamed_archive": 1}}


def test_sdist_tar_bz2_is_not_taken_for_a_conda_package(tmp_path: Path) -> None:
    (handle,) = handles(make_sdist(tmp_path, "demo", "1.0", FILES, fmt="tar.bz2"))
    assert isinstance(handle, ArchivePackage) and handle.kind == "sdist"


def test_files_are_streamed_in_archive_order_with_pax_and_gnu_long_names(tmp_path: Path) -> None:
    long_dir = "/".join(["deep"] * 40)
    files = {
        f"demo-1.0/{long_dir}/m.py": b"m = 1\n",
        "demo-1.0/PKG-INFO": core_metadata("demo", "1.0"),
    }
    for fmt, name in ((tarfile.PAX_FORMAT, "pax"), (tarfile.GNU_FORMAT, "gnu")):
        folder = tmp_path / name
        folder.mkdir()
        with tarfile.open(folder / "demo-1.0.tar.gz", "w:gz", format=fmt) as tf:
            for path, data in files.items():
                info = tarfile.TarInfo(path)
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
        (handle,) = handles(folder)
        assert read(handle)[1] == {f"{long_dir}/m.py": b"m = 1\n"}


def test_bad_source_paths_are_config_or_source_errors(tmp_path: Path) -> None:
    note = tmp_path / "notes.txt"
    note.write_text("not an archive")
    with pytest.raises(SourceError, match="not an sdist, wheel or conda package"):
        handles(note)
    with pytest.raises(SourceError, match="no such file or folder"):
        handles(tmp_path / "missing")


def test_source_specs_dispatch_to_local_sources(tmp_path: Path) -> None:
    archive = make_sdist(tmp_path, "demo", "1.0", FILES)
    for spec in (str(archive), f"dir:{tmp_path}"):
        source = parse_source_spec(spec)
        assert isinstance(source, LocalSource)
        assert [h.key for h in source.packages(Drops())] == ["demo==1.0"]


@pytest.mark.parametrize(
    ("filename", "kind", "expected"),
    [
        ("Foo_Bar-1.0.tar.gz", "sdist", ("foo-bar", "1.0")),
        ("foo-bar-2.0.post1.zip", "sdist", ("foo-bar", "2.0.post1")),
        ("foo-1.0.tgz", "sdist", ("foo", "1.0")),
        ("foo-1.0-py3-none-any.whl", "wheel", ("foo", "1.0")),
        ("foo-1.0-beta.tar.gz", "sdist", None),
        ("requests-2.31.0-pyhd8ed1ab_0.conda", "conda", ("requests", "2.31.0")),
        ("python_abi-3.11-4_cp311.tar.bz2", "conda", ("python-abi", "3.11")),
        ("noversion.whl", "wheel", None),
    ],
)
def test_file_name_conventions(filename: str, kind: str, expected: tuple[str, str] | None) -> None:
    assert name_version_from_filename(filename, kind) == expected  # type: ignore[arg-type]
