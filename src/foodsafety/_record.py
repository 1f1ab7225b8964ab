"""Base classes for records: pydantic models that raise from the one error hierarchy.

A record (an enterprise, an assignment, a rubric) is a pydantic v2 model. Pydantic raises its
own ``ValidationError``; foodsafety promises that every constructor raises a
:class:`~foodsafety.errors.FoodSafetyError`, so :class:`Record` converts the error at the
boundary (``__init__``, ``model_validate``, ``model_validate_json``, ``model_validate_strings``)
into a :class:`~foodsafety.errors.RecordValidationError` that names the record, every bad
field, its value and the reason, keeping the code of our own identifier and vocabulary errors.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

import pydantic

from foodsafety.errors import RecordValidationError

__all__ = ["FrozenRecord", "Record"]


class Record(pydantic.BaseModel):
    """A validated, JSON-round-trippable record. Unknown fields are rejected."""

    model_config = pydantic.ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        validate_default=True,
        use_enum_values=False,
        ser_json_inf_nan="strings",
    )

    #: The Chinese name of the record type, used in docs and messages.
    label_zh: ClassVar[str] = ""

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except pydantic.ValidationError as exc:
            raise RecordValidationError.from_pydantic(type(self).__name__, exc) from None

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate(obj, *args, **kwargs)
        except pydantic.ValidationError as exc:
            raise RecordValidationError.from_pydantic(cls.__name__, exc) from None

    @classmethod
    def model_validate_json(
        cls, json_data: str | bytes | bytearray, *args: Any, **kwargs: Any
    ) -> Self:
        try:
            return super().model_validate_json(json_data, *args, **kwargs)
        except pydantic.ValidationError as exc:
            raise RecordValidationError.from_pydantic(cls.__name__, exc) from None

    @classmethod
    def model_validate_strings(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate_strings(obj, *args, **kwargs)
        except pydantic.ValidationError as exc:
            raise RecordValidationError.from_pydantic(cls.__name__, exc) from None


class FrozenRecord(Record):
    """A record whose identity matters: immutable and hashable."""

    model_config = pydantic.ConfigDict(frozen=True)
