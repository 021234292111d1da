"""Typer's coercion of option values, without Pydantic where a value needs none.

Typer 0.29 coerces every parameter of a command through a Pydantic ``TypeAdapter`` it builds
on first use, unset options included: importing Pydantic and building two dozen adapters was
~0.13 s of every run, as much as half of what DuckDB and pyarrow take to import. A text value
for a text option, a list of texts, an unset option and a path given as text are coerced here
exactly as Typer would (paths through Typer's own path checks); anything else (numbers,
choices, a value that is not text) goes to Typer's adapter, built when first needed, so its
checks and messages are unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args, get_origin

_UNHANDLED = object()


class QuickCoercion:
    """Stands in for Typer's runtime parameter (``_TyperParameter._runtime_param``)."""

    def __init__(self, descriptor: Any) -> None:
        self.descriptor = descriptor
        self._typer: Any = None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        """The value as Typer's runtime parameter would return it."""
        many = param.multiple or param.nargs == -1
        if value is None:
            return () if many else None
        quick = _UNHANDLED
        annotation = self.descriptor.annotation
        if many and isinstance(value, list | tuple):
            if get_origin(annotation) is list and len(get_args(annotation)) == 1:
                items = [self._leaf(get_args(annotation)[0], v, param, ctx) for v in value]
                if _UNHANDLED not in items:
                    quick = items
        elif not many:
            quick = self._leaf(annotation, value, param, ctx)
        if quick is not _UNHANDLED:
            return quick
        if self._typer is None:
            from typer._coercion import build_runtime_param

            self._typer = build_runtime_param(self.descriptor)
        return self._typer.coerce(value, param=param, ctx=ctx)

    def _leaf(self, annotation: Any, value: Any, param: Any, ctx: Any) -> Any:
        info = self.descriptor.parameter_info
        if not isinstance(value, str) or info.parser is not None:
            return _UNHANDLED
        if self.descriptor.file_annotation is not None:
            return _UNHANDLED
        if annotation is str:
            return value  # Typer: str(value), then Pydantic's str check
        if annotation is Path and info.path_type is None and str(Path(value)) == value:
            from typer._param_types import coerce_cli_path

            # Typer's own checks (exists, file or folder, readable...) on the Path Pydantic
            # would have made of the text
            return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
        return _UNHANDLED


def install(params: list[Any]) -> None:
    """Give each Typer parameter of a command the quick coercion (where Typer has the hook)."""
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", _UNHANDLED) is not None:
            continue
        param._runtime_param = QuickCoercion(descriptor)
