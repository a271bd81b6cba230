"""Hostile archives next to one healthy package: reading never crashes, the healthy package is
complete, nothing is written anywhere, every skip is counted, and memory stays bounded.

The archives are real and built here; the bombs inflate to more than 1 GiB but are written as
repeated compressed chunks, so building them takes a fraction of a second.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import random
import resource
import stat
import time
import uuid
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from pytorrent.drops import Drops
from pytorrent.sources import UndecodableFile, decode_python_source
from pytorrent.sources.base import ReadLimits
from pytorrent.sources.local import LocalSource

from .builders import (
    core_metadata,
    gzip_bomb_tar,
    make_sdist,
    stored_entry,
    tar_bytes,
    tar_records,
    ustar_header,
    write_raw_zip,
    zip_bomb,
    zip_bytes,
)

GIB = 1024**3
BOMB = 17 * 64 * 1024**2  # 1.06 GiB inflated
HEALTHY = {
    "healthy/__init__.py": b'"""A healthy package."""\n',
    "healthy/core.py": b"def double(x):\n    return 2 * x\n",
    "healthy/sub/util.py": "def caf\u00e9():\n    return '\u00e9'\n".encode(),
}
ENCODINGS = {
    "py2.py": b'print "hello"\nexec "x = 1"\n',
    "latin1.py": b'# -*- coding: latin-1 -*-\nname = "caf\xe9"\n',
    "invalid.py": b'name = "\xff\xfe\xfa"\n',
    "nul.py": b"x = 1\x00\n",
    "bom.py": b"\xef\xbb\xbfname = '\xc3\xa9'\n",
    "deepcode.py": b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n",
    "longline.py": b"x = '" + b"a" * (5 * 1024 * 1024) + b"'\n",
}
ABSOLUTE_TARGET = f"/tmp/pytorrent-hostile-{uuid.uuid4().hex}/abs.py"


def _gz_tar(path: Path, *records: bytes) -> None:
    path.write_bytes(gzip.compress(b"".join(records) + b"\0" * 1024, compresslevel=1))


def _pkg_info(name: str) -> bytes:
    data = core_metadata(name, "1.0")
    return tar_records({f"{name}-1.0/PKG-INFO": data})


def build_inbox(inbox: Path) -> None:
    """One healthy sdist and one archive (or folder) per attack."""
    make_sdist(inbox, "healthy", "1.0", HEALTHY)
    # Path escapes.
    _gz_tar(
        inbox / "traversal-1.0.tar.gz",
        _pkg_info("traversal"),
        tar_records(
            {
                "traversal-1.0/ok.py": b"ok = 1\n",
                "traversal-1.0/../../escape.py": b"evil = 1\n",
                "../escape.py": b"evil = 1\n",
                "traversal-1.0/a/../../../escape.py": b"evil = 1\n",
                "/etc/pytorrent-evil.py": b"evil = 1\n",
            }
        ),
    )
    (inbox / "absolute-1.0.zip").write_bytes(
        zip_bytes(
            {
                "absolute-1.0/ok.py": b"ok = 1\n",
                ABSOLUTE_TARGET: b"evil = 1\n",
                "C:\\evil\\drive.py": b"evil = 1\n",
                "c:/evil/drive2.py": b"evil = 1\n",
            }
        )
    )
    # Links and device files.
    _gz_tar(
        inbox / "links-1.0.tar.gz",
        _pkg_info("links"),
        ustar_header("links-1.0/passwd.py", typeflag=b"2", linkname="/etc/passwd"),
        ustar_header("links-1.0/escape", typeflag=b"2", linkname="../../.."),
        ustar_header("links-1.0/hard.py", typeflag=b"1", linkname="/etc/passwd"),
        ustar_header("links-1.0/dev.py", typeflag=b"3"),
        ustar_header("links-1.0/fifo.py", typeflag=b"6"),
        tar_records({"links-1.0/ok.py": b"ok = 1\n"}),
    )
    link_info = zipfile.ZipInfo("ziplinks-1.0/link.py")
    link_info.external_attr = (stat.S_IFLNK | 0o777) << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(link_info, "/etc/passwd")
        zf.writestr("ziplinks-1.0/ok.py", "ok = 1\n")
    (inbox / "ziplinks-1.0.zip").write_bytes(buffer.getvalue())
    # Decompression bombs and oversized headers.
    gzip_bomb_tar(
        inbox / "bomb-1.0.tar.gz",
        "bomb-1.0/bomb.py",
        BOMB,
        before={"bomb-1.0/PKG-INFO": core_metadata("bomb", "1.0"), "bomb-1.0/first.py": b"a = 1\n"},
        after={"bomb-1.0/after.py": b"b = 2\n"},
    )
    gzip_bomb_tar(
        inbox / "megabomb-1.0.tar.gz",
        "megabomb-1.0/data.bin",
        5 * GIB // 2,  # over the 2 GiB total cap: refused before it is inflated
        before={"megabomb-1.0/first.py": b"a = 1\n"},
        after={"megabomb-1.0/never.py": b"b = 2\n"},
    )
    zip_bomb(
        inbox / "zipbomb-1.0.zip",
        "zipbomb-1.0/bomb.py",
        BOMB,
        others={"zipbomb-1.0/ok.py": b"ok = 1\n"},
    )
    for name, typeflag in (("paxbomb", b"x"), ("longnamebomb", b"L")):
        gzip_bomb_tar(
            inbox / f"{name}-1.0.tar.gz",
            "././@LongHeader",
            GIB + 1,
            before={},
            after={f"{name}-1.0/never.py": b""},
            typeflag=typeflag,
        )
    # Member-count caps.
    headers = [ustar_header(f"many-1.0/m{i}.py") for i in range(100_001)]
    _gz_tar(inbox / "many-1.0.tar.gz", _pkg_info("many"), *headers)
    write_raw_zip(
        inbox / "manyzip-1.0.zip",
        (stored_entry(f"manyzip-1.0/m{i}.py", b"") for i in range(100_001)),
    )
    # Truncated, corrupt and damaged archives.
    noise = random.Random(0).randbytes(256 * 1024)
    whole = tar_bytes(
        {
            "truncated-1.0/a.py": b"a = 1\n",
            "truncated-1.0/noise.py": noise,
            "truncated-1.0/z.py": b"",
        }
    )
    (inbox / "truncated-1.0.tar.gz").write_bytes(whole[: len(whole) // 2])
    (inbox / "corrupt-1.0-py3-none-any.whl").write_bytes(random.Random(1).randbytes(4096))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("crc-1.0/bad.py", b"payload = 'CRC-PAYLOAD'\n")
        zf.writestr("crc-1.0/ok.py", b"ok = 1\n")
    (inbox / "crc-1.0.zip").write_bytes(buffer.getvalue().replace(b"CRC-PAYLOAD", b"CRC-PAYLOAX"))
    # Files the pipeline must decode or skip later: sources pass their bytes through.
    _gz_tar(
        inbox / "encodings-1.0.tar.gz",
        _pkg_info("encodings"),
        tar_records({f"encodings-1.0/{path}": data for path, data in ENCODINGS.items()}),
        tar_records({"encodings-1.0/huge.py": b"#" * (11 * 1024 * 1024)}),
    )
    # Deep nesting, bad names and nested archives.
    deep = {
        "deep-1.0/" + "d/" * 300 + "x.py": b"x = 1\n",
        "deep-1.0/" + "d/" * 600 + "y.py": b"y = 1\n",
    }
    (inbox / "deep-1.0.tar.gz").write_bytes(tar_bytes(deep))
    _gz_tar(
        inbox / "badname-1.0.tar.gz",
        _pkg_info("badname"),
        ustar_header(b"badname-1.0/\xff\xfe.py"),
        ustar_header("badname-1.0/a\nb.py"),
        tar_records({"badname-1.0/ok.py": b""}),
    )
    inner = tar_bytes({"inner-1.0/inner.py": b"inner = 1\n"})
    _gz_tar(
        inbox / "nested-1.0.tar.gz",
        _pkg_info("nested"),
        tar_records(
            {
                "nested-1.0/vendor/inner-1.0.tar.gz": inner,
                "nested-1.0/wheels/w-1.0-py3-none-any.whl": zip_bytes({"w.py": b""}),
                "nested-1.0/outer.py": b"outer = 1\n",
            }
        ),
    )
    # An unpacked project with links out of it and a FIFO that would block a naive reader.
    project = inbox / "hostile_folder"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "hostile-folder"\nversion = "1"\n')
    (project / "ok.py").write_text("ok = 1\n")
    (project / "link.py").symlink_to("/etc/passwd")
    (project / "linkdir").symlink_to("/")
    os.mkfifo(project / "fifo.py")


@dataclass
class Outcome:
    files: dict[str, dict[str, bytes]]
    drops: Drops
    tree_before: dict[str, tuple[int, int]]
    tree_after: dict[str, tuple[int, int]]
    seconds: float
    peak_rss: int  # bytes reading the inbox added to the resident set at its peak


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(root)): (path.lstat().st_size, path.lstat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
    }


def _status_bytes(field: str) -> int:
    """`VmHWM` (peak RSS) or `VmRSS` of this process, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _reset_high_water_mark() -> None:
    """Start the peak over from the current RSS (Linux `clear_refs` 5), so what earlier tests
    in this process allocated does not count; kept as is where the kernel refuses."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


#: Runs `python -m pytorrent ARGS` in this child and prints its children's (the workers') and its
#: own peak RSS: a child forked from a big test process would inherit that process's peak.
_MEASURED_CLI = """
import resource, runpy, sys
sys.argv = ["pytorrent", *sys.argv[1:]]
try:
    runpy.run_module("pytorrent", run_name="__main__")
finally:
    hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"peak-kib {hwm} {workers}", file=sys.stderr)
"""


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    inbox = tmp_path_factory.mktemp("inbox")
    build_inbox(inbox)
    before = _tree(inbox.parent)
    drops = Drops()
    _reset_high_water_mark()
    resident = _status_bytes("VmRSS")
    started = time.perf_counter()
    files: dict[str, dict[str, bytes]] = {}
    for handle in LocalSource(path=str(inbox), spec="dir:inbox").packages(drops):
        content = handle.read(ReadLimits(), drops)
        files[handle.name] = {raw.path: raw.data for raw in content.files}
    seconds = time.perf_counter() - started
    peak = _status_bytes("VmHWM") - resident  # what reading the inbox added at its peak
    return Outcome(files, drops, before, _tree(inbox.parent), seconds, peak)


def test_the_healthy_package_is_complete(outcome: Outcome) -> None:
    assert outcome.files["healthy"] == HEALTHY


def test_every_package_was_read_and_safe_files_survive(outcome: Outcome) -> None:
    files = outcome.files
    assert files["traversal"] == {"ok.py": b"ok = 1\n"}
    assert files["absolute"] == {"ok.py": b"ok = 1\n"}
    assert files["links"] == {"ok.py": b"ok = 1\n"}
    assert files["ziplinks"] == {"ok.py": b"ok = 1\n"}
    assert files["bomb"] == {"first.py": b"a = 1\n", "after.py": b"b = 2\n"}
    assert files["megabomb"] == {"first.py": b"a = 1\n"}
    assert files["zipbomb"] == {"ok.py": b"ok = 1\n"}
    assert files["paxbomb"] == files["longnamebomb"] == {}
    assert len(files["many"]) == 50_000 - 1  # the cap counts PKG-INFO as a member
    assert files["manyzip"] == {}
    assert files["truncated"] == {"a.py": b"a = 1\n"}
    assert files["corrupt"] == {}
    assert files["crc"] == {"ok.py": b"ok = 1\n"}
    assert files["deep"] == {"d/" * 300 + "x.py": b"x = 1\n"}
    assert files["badname"] == {"ok.py": b""}
    assert files["nested"] == {"outer.py": b"outer = 1\n"}
    assert files["hostile-folder"] == {"ok.py": b"ok = 1\n"}


def test_every_skip_is_counted_with_its_reason(outcome: Outcome) -> None:
    counts = Counter({reason: n for (stage, reason), n in outcome.drops.counts.items()})
    assert {stage for stage, _ in outcome.drops.counts} == {"source"}
    assert counts == {
        "path_traversal": 3,
        "absolute_path": 4,
        "symlink": 5,  # 2 in the tar, 1 in the zip, 2 in the folder
        "hardlink": 1,
        "special_file": 3,  # char device and FIFO members, and the folder's FIFO
        "file_too_large": 3,  # both 1 GiB bombs and the 11 MiB file
        "package_too_large": 1,
        "corrupt_archive": 3,  # pax and long-name bombs, random bytes named .whl
        "too_many_members": 2,
        "truncated_archive": 1,
        "corrupt_member": 1,
        "bad_path": 3,  # a 1,200-character path, undecodable bytes, a newline
        "nested_archive": 2,
        "no_metadata": 11,  # the zips, the tars built without PKG-INFO, and the broken ones
    }
    examples = outcome.drops.examples_by_key()
    assert examples["source/hardlink"] == ["links-1.0.tar.gz:links-1.0/hard.py"]
    assert examples["source/package_too_large"] == ["megabomb-1.0.tar.gz"]


def test_nothing_is_written_anywhere(outcome: Outcome) -> None:
    assert outcome.tree_after == outcome.tree_before
    assert not Path(ABSOLUTE_TARGET).parent.exists()
    assert not Path("/etc/pytorrent-evil.py").exists()
    assert not (Path.cwd() / "escape.py").exists()


def test_memory_stays_bounded(outcome: Outcome) -> None:
    assert outcome.peak_rss < 2 * GIB, f"peak RSS {outcome.peak_rss / 2**20:.0f} MiB"


def test_files_reach_the_decoder_which_decodes_or_names_the_reason(outcome: Outcome) -> None:
    files = outcome.files["encodings"]
    assert files == ENCODINGS  # huge.py (11 MiB) is over the per-file cap
    assert decode_python_source(files["latin1.py"]).endswith('name = "caf\u00e9"\n')
    assert decode_python_source(files["bom.py"]) == "name = '\u00e9'\n"
    assert decode_python_source(files["py2.py"]).startswith('print "hello"')
    for path, reason in (("invalid.py", "undecodable_bytes"), ("nul.py", "nul_bytes")):
        with pytest.raises(UndecodableFile) as caught:
            decode_python_source(files[path])
        assert caught.value.reason == reason


@pytest.mark.slow
def test_a_build_over_the_hostile_inbox_succeeds_and_keeps_the_healthy_units(
    tmp_path: Path,
) -> None:
    import json
    import subprocess
    import sys

    import pyarrow.parquet as pq

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    build_inbox(inbox)
    out = tmp_path / "out"
    before = _tree(inbox)
    result = subprocess.run(
        [sys.executable, "-c", _MEASURED_CLI, "build", f"dir:{inbox}", "--out", str(out),
         "--categories", "all", "--no-filter", "--no-dedup", "--workers", "2", "--quiet"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = [
        row for path in sorted((out / "pairs").glob("*.parquet"))
        for row in pq.read_table(path).to_pylist()
    ]  # fmt: skip
    healthy = {row["func_name"] for row in rows if row["repo"] == "healthy"}
    assert healthy == {"double", "café"}
    manifest = json.loads((out / "build.json").read_text())
    assert manifest["drops"]["source"], manifest["drops"]
    assert manifest["drops"]["extract"]["syntax_error"] >= 1  # the Python 2 package
    assert _tree(inbox) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inbox", "out"]  # no stray folders
    peaks = [line for line in result.stderr.splitlines() if line.startswith("peak-kib ")]
    driver_kib, workers_kib = (int(n) for n in peaks[-1].split()[1:])
    assert driver_kib * 1024 < 2 * GIB
    assert workers_kib * 1024 < 2 * GIB
