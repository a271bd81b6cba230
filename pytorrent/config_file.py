"""`build --config FILE`: a TOML file whose keys are `BuildConfig`'s fields, with a table for
each nested settings model (`[minhash] threshold = 0.8`). Flags on the command line take
precedence over the file. Relative paths in the file (`out`, `work`, the path in a SOURCE)
are relative to the file's folder, so the file means the same from any working directory."""

from __future__ import annotations

import difflib
import importlib
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from pytorrent.config import FLAT_NAMES, BuildConfig, nest_flat_names
from pytorrent.config_flags import FlagSpec, Setting, error_setting, flag_error
from pytorrent.errors import ConfigError
from pytorrent.sources.resolve import PREFIXES

#: tomllib, or the tomli distribution it came from before Python 3.11 (a dependency there).
tomllib = importlib.import_module("tomllib" if sys.version_info >= (3, 11) else "tomli")

#: Fields holding a path (relative ones are rebased on the file's folder).
PATH_FIELDS = ("out", "work")


def read_config_file(path: Path) -> dict[str, Any]:
    """The file's settings, keys checked and relative paths rebased; ConfigError otherwise."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"--config {path}: cannot read it ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"--config {path}: not valid TOML ({exc})") from None
    check_keys(path, data, BuildConfig)
    return rebased(data, path.parent)


def check_keys(path: Path, data: Mapping[str, Any], model: type[BaseModel]) -> None:
    """Every key is a field of `model` (or of a table's model), else a one-line error."""
    for key, value in data.items():
        if key in FLAT_NAMES:
            table, inner = FLAT_NAMES[key]
            raise ConfigError(
                f"--config {path}: {key!r} is written as {inner!r} in the [{table}] table"
            )
        field = model.model_fields.get(key)
        if field is None:
            raise ConfigError(f"--config {path}: {_unknown(key, model.model_fields)}")
        sub = field.annotation
        if isinstance(sub, type) and issubclass(sub, BaseModel) and isinstance(value, dict):
            for inner in value:
                if inner not in sub.model_fields:
                    unknown = _unknown(inner, sub.model_fields, f"{key}.")
                    raise ConfigError(f"--config {path}: {unknown}")


def _unknown(key: str, known: Mapping[str, object], prefix: str = "") -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    fix = f"did you mean {prefix + close[0]!r}?" if close else "keys are BuildConfig's fields"
    return f"unknown key {prefix + key!r}; {fix} (docs/usage.md, --config)"


def rebased(data: dict[str, Any], base: Path) -> dict[str, Any]:
    """`data` with relative paths made relative to `base` (the config file's folder)."""
    result = dict(data)
    for key in PATH_FIELDS:
        if isinstance(result.get(key), str):
            result[key] = _rebase(result[key], base)
    sources = result.get("sources")
    if isinstance(sources, list) and all(isinstance(s, str) for s in sources):
        result["sources"] = [rebase_source(spec, base) for spec in sources]
    return result


def _rebase(text: str, base: Path) -> str:
    path = Path(text).expanduser()
    return str(path if path.is_absolute() else base / path)


def rebase_source(spec: str, base: Path) -> str:
    """A SOURCE whose path part is relative to `base`; names and URLs are left alone."""
    prefix, sep, rest = spec.partition(":")
    if spec == "installed" or (sep and prefix == "conda"):
        return spec
    if sep and prefix == "installed":
        return "installed:" + ",".join(_rebase(p, base) for p in rest.split(",") if p)
    if sep and prefix in ("dir", "git"):
        return f"{prefix}:{_rebase(rest, base)}"
    if sep and prefix == "pypi":
        return f"pypi:@{_rebase(rest[1:], base)}" if rest.startswith("@") else spec
    if sep and prefix not in PREFIXES and prefix.isalnum() and not (base / spec).exists():
        return spec  # an unknown prefix: left for the one-line error that names the forms
    return _rebase(spec, base)


def merged(file: Mapping[str, Any], flags: Mapping[str, object]) -> dict[str, Any]:
    """The file's settings with the flags' on top (a table merges key by key)."""
    result = dict(file)
    for key, value in nest_flat_names(dict(flags)).items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = {**result[key], **value}
        else:
            result[key] = value
    return result


def build_config(
    flags: Mapping[str, object],
    config_file: Path | None,
    settings: list[Setting],
    specs: Mapping[str, FlagSpec],
) -> BuildConfig:
    """The BuildConfig of the defaults, then the file, then the flags; an error names the flag
    or the file's key to change."""
    file = read_config_file(config_file) if config_file is not None else {}
    try:
        return BuildConfig.model_validate(merged(file, flags))
    except ValidationError as exc:
        setting, message = error_setting(exc, settings)
        if config_file is None or (setting is not None and setting.name in flags):
            raise flag_error(exc, settings, specs) from None
        loc = ".".join(str(part) for part in exc.errors()[0]["loc"])
        key = ".".join(setting.path) if setting is not None else loc or "settings"
        raise ConfigError(f"--config {config_file}: {key}: {message}") from None
