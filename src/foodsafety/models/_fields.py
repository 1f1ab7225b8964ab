"""Field types shared by the pairing records (包保台账): non-empty text and licence numbers.

Empty text is not a value: an optional field holds ``None`` rather than ``""``, so that a record,
its ledger row and its CSV cell agree (a CSV cell cannot tell ``""`` from empty).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from pydantic import PlainSerializer, PlainValidator, StringConstraints, WithJsonSchema

from foodsafety.errors import Problem, RecordValidationError, UnlistedLabelWarning
from foodsafety.ids import FoodBusinessLicence, FoodProductionLicence
from foodsafety.vocab import OfficialPost, Term, VisitMode

__all__ = [
    "Licence",
    "OpenPost",
    "OpenVisitMode",
    "Text",
    "open_label_parser",
    "parse_licence",
    "rule_error",
]

T = TypeVar("T", bound=Term)

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


def open_label_parser(term: type[T], field: str) -> Callable[[Any], T | str]:
    """A validator for a field of the open-world vocabulary ``term``.

    A label the vocabulary knows gives its member; any other non-blank text is kept as
    written (stripped) and an :class:`~foodsafety.errors.UnlistedLabelWarning` is issued, with
    the message the loaders give the ``vocab.unlisted`` warning.

    Raises:
        VocabularyError: the value is not a string, or is blank.
    """

    def parse(value: Any) -> T | str:
        found = term.parse_open(value)
        if not isinstance(found, term):
            message, _ = term.unlisted_message(found, field)
            warnings.warn(UnlistedLabelWarning(message), stacklevel=2)
        return found

    return parse


def _open_schema(term: type[Term]) -> dict[str, Any]:
    return {
        "anyOf": [
            {"type": "string", "enum": [m.value for m in term], "title": term.__name__},
            {"type": "string", "minLength": 1, "title": "as written"},
        ],
        "description": (
            f"{term.__label_zh__} ({term.__label_en__}): a code such as "
            f"{next(iter(term)).value!r}, or a label no code stands for, kept as written"
        ),
    }


def _code(value: Term | str) -> str:
    return str(value)  # a Term's str() is its code


#: An official post (:class:`~foodsafety.vocab.OfficialPost`, open-world): the member for a
#: known label, else the label as written (with an UnlistedLabelWarning).
OpenPost = Annotated[
    OfficialPost | str,
    PlainValidator(open_label_parser(OfficialPost, "post")),
    PlainSerializer(_code, return_type=str),
    WithJsonSchema(_open_schema(OfficialPost)),
]

#: A visit mode (:class:`~foodsafety.vocab.VisitMode`, open-world): the member for a known
#: label, else the label as written (with an UnlistedLabelWarning).
OpenVisitMode = Annotated[
    VisitMode | str,
    PlainValidator(open_label_parser(VisitMode, "mode")),
    PlainSerializer(_code, return_type=str),
    WithJsonSchema(_open_schema(VisitMode)),
]
