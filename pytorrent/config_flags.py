"""Command-line flags made from a pydantic config's fields (dolma's idea: one model makes both
the flags and the config-file keys), so a setting's default, help and name live in one place.

Each leaf setting becomes `--kebab-case` of its name (a nested model's fields go by their flat
name), its help is the Field's description plus the default, a bool is `--x/--no-x`, a tuple
is comma-separated. A `FlagSpec` covers what the rule cannot: another spelling, a metavar, a
text parser. Every flag defaults to "not given", so a config file's value or the model's
default applies unless the flag is on the command line.
"""

from __future__ import annotations

import argparse
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from pytorrent.errors import ConfigError


@dataclass(frozen=True)
class FlagSpec:
    """How one setting appears on the command line where the default rule does not fit."""

    #: Spelling other than `--` + the name with dashes.
    flag: str | None = None
    metavar: str | None = None
    choices: tuple[str, ...] | None = None
    #: Text -> value after parsing; a ValueError becomes a one-line error naming the flag.
    parse: Callable[[str], object] | None = None
    #: argparse `type` (its errors are argparse's usage errors).
    type: Callable[[str], object] | None = None
    #: One value per use of the flag (`--allow-host A --allow-host B`).
    repeat: bool = False
    #: A positional argument taking any number of values.
    positional: bool = False


@dataclass(frozen=True)
class Setting:
    """One leaf field of a config: its flat name (the flag's dest), path and Field."""

    name: str
    path: tuple[str, ...]
    info: FieldInfo

    @property
    def annotation(self) -> Any:
        return self.info.annotation


def _submodel(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def settings_of(model: type[BaseModel], flat_names: Mapping[str, tuple[str, str]]) -> list[Setting]:
    """Every leaf setting of `model`; a nested model's fields go by their name in `flat_names`
    (else `table_field`)."""
    by_path = {path: flat for flat, path in flat_names.items()}
    found: list[Setting] = []
    for name, info in model.model_fields.items():
        sub = _submodel(info.annotation)
        if sub is None:
            found.append(Setting(name, (name,), info))
            continue
        for key, inner in sub.model_fields.items():
            found.append(Setting(by_path.get((name, key), f"{name}_{key}"), (name, key), inner))
    return found


def flag_of(setting: Setting, specs: Mapping[str, FlagSpec]) -> str:
    """The command-line spelling of a setting, so an error names what to change."""
    spec = specs.get(setting.name, FlagSpec())
    if spec.flag:
        return spec.flag
    if spec.positional:
        return spec.metavar or setting.name.upper()
    return "--" + setting.name.replace("_", "-")


def _scalar(annotation: Any) -> Any:
    """`int | None` -> int; the annotation itself when it is not an optional."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else str
    return annotation


def _items(annotation: Any) -> Any | None:
    """The item type of a tuple setting, None for other settings."""
    scalar = _scalar(annotation)
    if typing.get_origin(scalar) is not tuple:
        return None
    args = [a for a in typing.get_args(scalar) if a is not Ellipsis]
    return args[0] if args else str


def _render(value: object) -> str:
    if isinstance(value, tuple | list):
        return ",".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def help_text(setting: Setting) -> str:
    """The description, plus the default unless the description states it."""
    text = setting.info.description or ""
    default = setting.info.get_default(call_default_factory=False)
    if "default" not in text and default is not None and not isinstance(default, bool):
        text += f" (default: {_render(default) or 'none'})"
    return text.replace("%", "%%")


def add_flags(
    parser: argparse.ArgumentParser, settings: list[Setting], specs: Mapping[str, FlagSpec]
) -> None:
    """One argument per setting, in field order; none has a default (absent = not given)."""
    for setting in settings:
        spec = specs.get(setting.name, FlagSpec())
        options: dict[str, Any] = {"default": argparse.SUPPRESS, "help": help_text(setting)}
        if spec.metavar:
            options["metavar"] = spec.metavar
        if spec.positional:
            parser.add_argument(setting.name, nargs="*", **options)
            continue
        scalar = _scalar(setting.annotation)
        if scalar is bool:
            options["action"] = argparse.BooleanOptionalAction
        elif spec.repeat:
            options["action"] = "append"
        elif spec.type is not None:
            options["type"] = spec.type
        elif spec.parse is None and _items(setting.annotation) is None:
            options["type"] = scalar if scalar in (int, float, Path) else str
        if spec.choices:
            options["choices"] = spec.choices
        parser.add_argument(flag_of(setting, specs), dest=setting.name, **options)


def values_from_args(
    args: argparse.Namespace, settings: list[Setting], specs: Mapping[str, FlagSpec]
) -> dict[str, object]:
    """The settings given on the command line, by flat name, as values the model accepts."""
    given = vars(args)
    values: dict[str, object] = {}
    for setting in settings:
        if setting.name not in given:
            continue
        value = given[setting.name]
        spec = specs.get(setting.name, FlagSpec())
        try:
            if spec.parse is not None:
                value = spec.parse(value)
            elif isinstance(value, list):
                value = tuple(value)
            elif isinstance(value, str) and (item := _items(setting.annotation)) is not None:
                value = tuple(item(part.strip()) for part in value.split(",") if part.strip())
        except ValueError as exc:
            raise ConfigError(_prefixed(flag_of(setting, specs), str(exc))) from None
        values[setting.name] = value
    return values


def _prefixed(name: str, message: str) -> str:
    return message if message.startswith(name) else f"{name}: {message}"


def error_setting(exc: ValidationError, settings: list[Setting]) -> tuple[Setting | None, str]:
    """The setting the first error is about (None: the config as a whole) and its message."""
    first = exc.errors()[0]
    loc = tuple(str(part) for part in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    for setting in settings:
        if loc[: len(setting.path)] == setting.path:
            return setting, message
    return None, message


def flag_error(
    exc: ValidationError, settings: list[Setting], specs: Mapping[str, FlagSpec]
) -> ConfigError:
    """A one-line error naming the flag to change."""
    setting, message = error_setting(exc, settings)
    return ConfigError(message if setting is None else _prefixed(flag_of(setting, specs), message))
