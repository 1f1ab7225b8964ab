"""Field types shared by the pairing records (包保台账): non-empty text and licence numbers.

Empty text is not a value: an optional field holds ``None`` rather than ``""``, so that a record,
its ledger row and its CSV cell agree (a CSV cell cannot tell ``""`` from empty). Text holds no
control characters (NUL, the other C0 codes but tab, line feed and carriage return, and DEL)
and at most :data:`MAX_TEXT` characters; a list field at most :data:`MAX_LIST_ITEMS` items.
The ledger loaders apply the same limits (``text.control``, ``text.too_long``,
``list.too_long``), so that a row they keep is a valid record.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
)

from foodsafety.errors import Problem, RecordValidationError, UnlistedLabelWarning
from foodsafety.ids import FoodBusinessLicence, FoodProductionLicence
from foodsafety.vocab import OfficialPost, Term, VisitMode

__all__ = [
    "CONTROL_CHARACTERS",
    "MAX_LIST_ITEMS",
    "MAX_TEXT",
    "Licence",
    "ListCap",
    "OpenPost",
    "OpenVisitMode",
    "Text",
    "open_label_parser",
    "parse_licence",
    "rule_error",
]

T = TypeVar("T", bound=Term)

#: Longest text of one field or cell: 32,767 characters, what one Excel cell holds, so that
#: every valid ledger can also be written as a workbook.
MAX_TEXT = 32_767
#: Most items of one list field or cell (licences, officers, a visit's problems and evidence).
MAX_LIST_ITEMS = 1_000
#: The characters text may not hold, as a regular expression: C0 control characters but tab,
#: line feed and carriage return, and DEL (NUL above all: many systems cut text at it).
CONTROL_CHARACTERS = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_CONTROL = re.compile(CONTROL_CHARACTERS)


def _no_control(value: str) -> str:
    found = _CONTROL.search(value)
    if found is not None:
        code = f"U+{ord(found.group()):04X}"
        raise rule_error(
            "",
            "",
            "text.control",
            f"must not hold control characters such as NUL (found {code} at character "
            f"{found.start() + 1})",
            f"文本中不得含有控制字符（第 {found.start() + 1} 个字符为 {code}）",
            value,
        )
    return value


#: The control characters Python's ``str.strip`` takes for whitespace and polars'
#: ``strip_chars`` (as the loaders) does not: U+001C to U+001F.
_PYTHON_ONLY_SPACE = re.compile("[\x1c-\x1f]")


def _raw_no_control(value: Any) -> Any:
    """:func:`_no_control` for the characters stripping would hide from it (U+001C-U+001F),
    on the raw value: a record and a loaded cell must be judged alike."""
    if isinstance(value, str) and _PYTHON_ONLY_SPACE.search(value):
        return _no_control(value)
    return value


#: Text that must not be empty (surrounding whitespace is stripped first), nor longer than
#: :data:`MAX_TEXT` characters, nor hold control characters.
Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_TEXT, strip_whitespace=True),
    # before stripping too: Python strips U+001C-U+001F as whitespace, polars (as the
    # loaders) does not, and both must judge a cell alike
    BeforeValidator(_raw_no_control),
    AfterValidator(_no_control),
]

#: The cap on a list field's items (``tuple[Text, ...]`` fields are annotated with it).
ListCap = Field(max_length=MAX_LIST_ITEMS)


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
        _raw_no_control(value)  # as any text field: the loaders judge it so (text.control)
        found = term.parse_open(value)
        if not isinstance(found, term):
            _no_control(found)
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
