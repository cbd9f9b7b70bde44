"""Every stored record has the types its dataclass says, or it is not let in.

The readers of the store trust its records' types (``start`` is a number, ``themes`` a
list of strings): that holds for what tapelog wrote. An archive file from outside may
hold anything with matching checksums, so ``archive import`` checks each record of
each table against the type hints of the record's dataclass (nested ones included)
before it lands. The hints are the schema: a new field is checked as soon as it is
declared. Fields a newer tapelog added are let through unchecked.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from functools import cache
from typing import Any, Union

from tapelog.archive.models import (
    Case,
    Correction,
    LinkSuggestion,
    MediaRecord,
    Person,
    Selection,
    SpeakerName,
    Tag,
    TranscriptRecord,
)

RECORD_TYPES: dict[str, type] = {
    "media": MediaRecord,
    "transcripts": TranscriptRecord,
    "corrections": Correction,
    "speakers": SpeakerName,
    "cases": Case,
    "people": Person,
    "tags": Tag,
    "links": LinkSuggestion,
    "selections": Selection,
}


@dataclasses.dataclass
class _Theme:
    name: str


@dataclasses.dataclass
class _Meta:
    key: str


RECORD_TYPES["themes"] = _Theme
RECORD_TYPES["meta"] = _Meta


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def record_problem(table: str, doc: dict[str, Any]) -> str | None:
    """Why ``doc`` cannot be a record of ``table`` (``start: expected a number``), or None."""
    cls = RECORD_TYPES.get(table)
    return None if cls is None else _dataclass_problem(cls, doc)


def _dataclass_problem(cls: type, doc: Any) -> str | None:
    if not isinstance(doc, dict):
        return f"expected an object for {cls.__name__.lstrip('_')}"
    hints = _hints(cls)
    for f in dataclasses.fields(cls):
        if f.name not in doc:
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            if required:
                return f"no '{f.name}' field"
            continue
        reason = _value_problem(hints[f.name], doc[f.name])
        if reason:
            return f"{f.name}: {reason}"
    return None


def _value_problem(hint: Any, value: Any) -> str | None:
    origin = typing.get_origin(hint)
    if hint is Any:
        return None
    if origin in (Union, types.UnionType):
        options = typing.get_args(hint)
        if any(_value_problem(h, value) is None for h in options):
            return None
        return f"expected {' or '.join(_name(h) for h in options)}"
    if hint is type(None):
        return None if value is None else "expected null"
    if dataclasses.is_dataclass(hint):
        return _dataclass_problem(hint, value)  # type: ignore[arg-type]
    if origin is list:
        if not isinstance(value, list):
            return "expected a list"
        (item,) = typing.get_args(hint) or (Any,)
        return next((p for p in (_value_problem(item, v) for v in value) if p), None)
    if origin is dict:
        if not isinstance(value, dict):
            return "expected an object"
        _key, item = typing.get_args(hint) or (str, Any)
        return next((p for p in (_value_problem(item, v) for v in value.values()) if p), None)
    if hint is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok and math.isfinite(value) else "expected a finite number"
    if hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok and abs(value) < 2**53 else "expected a whole number"
    if hint is bool:
        return None if isinstance(value, bool) else "expected true or false"
    if hint is str:
        return None if isinstance(value, str) else "expected text"
    return None


def _name(hint: Any) -> str:
    return {str: "text", float: "a number", int: "a whole number", type(None): "null"}.get(
        hint, getattr(hint, "__name__", str(hint))
    )
