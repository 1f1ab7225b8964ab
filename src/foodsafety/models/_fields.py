"""Field types shared by the pairing records (包保台账): non-empty text and licence numbers.

Empty text is not a value: an optional field holds ``None`` rather than ``""``, so that a record,
its ledger row and its CSV cell agree (a CSV cell cannot tell ``""`` from empty).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, StringConstraints, WithJsonSchema

from foodsafety.errors import Problem, RecordValidationError
from foodsafety.ids import FoodBusinessLicence, FoodProductionLicence

__all__ = ["Licence", "Text", "parse_licence", "rule_error"]

#: Text that must not be empty (surrounding whitespace is stripped first).
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


def parse_licence(value: Any) -> FoodProductionLicence | FoodBusinessLicence:
    """A food licence number: ``SC...`` (production) or ``JY...`` (business), by its prefix.

    Raises:
        IdentifierError: the number fails the checks of its type.
    """
    if isinstance(value, FoodProductionLicence | FoodBusinessLicence):
        return value
    head = value.strip()[:2].upper() if isinstance(value, str) else ""
    if head == "JY":
        return FoodBusinessLicence(value)
    return FoodProductionLicence(value)


#: A food production (SC) or food business (JY) licence number.
Licence = Annotated[
    FoodProductionLicence | FoodBusinessLicence,
    PlainValidator(parse_licence),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {
                    "type": "string",
                    "title": "FoodProductionLicence",
                    "pattern": FoodProductionLicence.json_pattern,
                    "examples": list(FoodProductionLicence.json_examples),
                },
                {
                    "type": "string",
                    "title": "FoodBusinessLicence",
                    "pattern": FoodBusinessLicence.json_pattern,
                    "examples": list(FoodBusinessLicence.json_examples),
                },
            ],
            "description": "食品生产许可证编号 (SC + 14 digits) or 食品经营许可证编号 (JY + 14 digits)",
        }
    ),
]


def rule_error(
    record: str, field: str, code: str, message: str, message_zh: str, value: Any
) -> RecordValidationError:
    """The error a record validator raises when a rule across fields fails.

    It is a ``ValueError``, so pydantic wraps it, and :class:`~foodsafety._record.Record`
    unwraps it again keeping ``code`` and the Chinese message. The problem's field is left
    empty because pydantic's location of the validated field (``field``) fills it in.
    """
    del field  # documented for the reader; the location comes from pydantic
    return RecordValidationError(
        record,
        [
            Problem(
                code=code,
                message=message,
                message_zh=message_zh,
                record=record,
                value=value,
            )
        ],
    )
