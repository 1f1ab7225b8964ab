"""Shared machinery of the identifier modules: compaction, bilingual errors, the pydantic hook.

Each identifier has a plain stdnum-style module (``compact``, ``validate``, ``is_valid``,
``format``) and a thin ``str`` subclass on top of it that pydantic validates with the module's
``validate`` and documents in JSON Schema with a ``pattern`` and ``examples`` (the way
pydantic-extra-types does for its country and phone types).
"""

from __future__ import annotations

import unicodedata
from typing import Any, ClassVar, Self

import attrs
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from foodsafety.errors import IdentifierError

__all__ = ["IdentifierStr", "Label", "clean", "fail"]

_DROP = str.maketrans("", "", " -\t\r\n\u3000")


def clean(value: object, what: str, what_zh: str) -> str:
    """NFKC (full-width to half-width), drop spaces and hyphens, upper-case.

    Raises:
        IdentifierError: ``check="type"`` when ``value`` is not a string.
    """
    if not isinstance(value, str):
        raise fail(
            what,
            "type",
            f"{what} must be a string (got {type(value).__name__} {value!r})",
            f"{what_zh}应为字符串（收到 {value!r}）",
            value,
        )
    return unicodedata.normalize("NFKC", value).translate(_DROP).upper()


def fail(what: str, check: str, message: str, message_zh: str, value: object) -> IdentifierError:
    """An :class:`IdentifierError` with code ``<what>.<check>`` and both messages."""
    prefix = what.lower().replace(" ", "_")
    return IdentifierError(
        message,
        check=check,
        code=f"{prefix}.{check}",
        message_zh=message_zh,
        value=value,
    )


@attrs.frozen(slots=True)
class Label:
    """A decoded code with its Chinese and English labels (``Label("9", "工商", "industry and commerce")``)."""

    code: str
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.code} {self.zh}"


class IdentifierStr(str):
    """Base of the identifier string types: constructing validates, the value is canonical."""

    __slots__ = ()

    #: JSON Schema of the type: a regular expression and a few real-looking examples.
    json_pattern: ClassVar[str] = ""
    json_examples: ClassVar[tuple[str, ...]] = ()
    json_description: ClassVar[str] = ""

    def __new__(cls, value: object) -> Self:
        if isinstance(value, cls):
            return value
        return str.__new__(cls, cls._canonical(value))

    @classmethod
    def _canonical(cls, value: object) -> str:
        """Return the canonical form of ``value`` or raise; each identifier type defines it."""
        raise TypeError(f"{cls.__name__} is a base class; use DivisionCode, USCC or a licence type")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self),))

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls,
            serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="always"),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "title": cls.__name__,
            "description": cls.json_description,
            "pattern": cls.json_pattern,
            "examples": list(cls.json_examples),
        }
