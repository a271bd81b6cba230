"""`schemas/*.json` are generated from the pydantic models; drift fails here."""

from __future__ import annotations

from pathlib import Path

from pytorrent.cli import main
from pytorrent.commands.schemas import render_schemas

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"


def test_checked_in_schemas_match_the_models() -> None:
    expected = render_schemas()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in SCHEMAS.glob("*.json")}
    stale = sorted(name for name in expected if on_disk.get(name) != expected[name])
    extra = sorted(set(on_disk) - set(expected))
    assert not stale and not extra, (
        f"schemas drifted (stale {stale}, extra {extra}): run `python -m pytorrent schemas`"
    )


def test_schemas_command_writes_every_schema(tmp_path: Path) -> None:
    assert main(["schemas", "--out", str(tmp_path)]) == 0
    assert {p.name for p in tmp_path.glob("*.json")} == set(render_schemas())
