"""Conditions in rules: a small, closed vocabulary of operators over named evidence.

Assessment rules are full of conditions: a grade is lowered (降级) when "a serious incident was
handled badly", vetoed (一票否决) when "a major accident was covered up", a star (星级食安办) is out of
reach while a mandatory item is missing (docs/domain.md §5-6, seeds 000, 003). A rule author writes
such a condition as data, never as code::

    {op: ge, evidence: sampling_on_time_rate, value: 0.95}      # a comparison
    {all: [{flag: incident_reported}, {op: eq, evidence: cover_ups, value: 0}]}
    {any: [...]}                                                # at least one holds
    {not: {flag: plan_issued}}                                  # negation
    {count: [{flag: a}, {flag: b}, {flag: c}], at_least: 2}     # k of n
    {flag: major_accident_covered_up}                           # a yes/no evidence is true

The library interprets these records itself (:func:`evaluate`); there is no ``eval``, no
``exec`` and no expression language to escape from. Evidence is a mapping from names to
numbers, booleans or strings. A condition that names evidence the caller did not give raises
:class:`EvidenceError` naming the evidence (and the rule that asked for it) instead of quietly
counting it as false.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal

import pydantic
from pydantic import Discriminator, Field, Tag

from foodsafety._record import FrozenRecord
from foodsafety.errors import FoodSafetyError, RuleError

__all__ = [
    "AllOf",
    "AnyOf",
    "Compare",
    "Condition",
    "CountOf",
    "EvidenceError",
    "Flag",
    "Not",
    "condition_from_data",
    "describe",
    "evaluate",
    "evidence_names",
]

Scalar = bool | int | float | str
Evidence = Mapping[str, Any]

#: The comparison operators a rule may use, with their readable forms.
OPERATORS: dict[str, tuple[str, str]] = {
    "eq": ("=", "等于"),
    "ne": ("≠", "不等于"),
    "lt": ("<", "小于"),
    "le": ("≤", "不大于"),
    "gt": (">", "大于"),
    "ge": ("≥", "不小于"),
    "in": ("in", "属于"),
    "not_in": ("not in", "不属于"),
}


class EvidenceError(FoodSafetyError, ValueError):
    """Evidence a rule needs is missing or has the wrong type.

    ``record`` names the rubric (or scheme), ``field`` the indicator or condition that asked,
    ``value`` the offending value; ``evidence`` is the evidence name.
    """

    default_code = "evidence.invalid"

    def __init__(self, message: str, *, evidence: str, **kwargs: Any) -> None:
        self.evidence = evidence
        super().__init__(message, **kwargs)


def _is_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and not (isinstance(value, float) and not math.isfinite(value))
    )


class Compare(FrozenRecord):
    """``{op: ge, evidence: x, value: 3}``: compare one evidence value with a constant.

    ``lt``/``le``/``gt``/``ge`` need numbers on both sides; ``eq``/``ne`` compare numbers,
    booleans or strings of the same kind; ``in``/``not_in`` take a list as ``value``.
    """

    op: Literal["eq", "ne", "lt", "le", "gt", "ge", "in", "not_in"]
    evidence: str = Field(min_length=1)
    value: Scalar | list[Scalar]

    @pydantic.model_validator(mode="after")
    def _check_value(self) -> Compare:
        if self.op in ("in", "not_in"):
            if not isinstance(self.value, list):
                raise ValueError(f"op {self.op!r} needs a list as value, such as [a, b]")
        elif isinstance(self.value, list):
            raise ValueError(f"op {self.op!r} needs a single value, not a list")
        elif self.op in ("lt", "le", "gt", "ge") and not _is_number(self.value):
            raise ValueError(f"op {self.op!r} needs a number as value, such as 3 or 0.95")
        return self


class Flag(FrozenRecord):
    """``{flag: x}``: the yes/no evidence ``x`` is true."""

    flag: str = Field(min_length=1)


class AllOf(FrozenRecord):
    """``{all: [...]}``: every listed condition holds (true for an empty list)."""

    all: list[Condition]


class AnyOf(FrozenRecord):
    """``{any: [...]}``: at least one listed condition holds (false for an empty list)."""

    any: list[Condition]


class Not(FrozenRecord):
    """``{not: ...}``: the condition does not hold."""

    model_config = pydantic.ConfigDict(populate_by_name=True, serialize_by_alias=True)

    not_: Condition = Field(alias="not")


class CountOf(FrozenRecord):
    """``{count: [...], at_least: n}``: at least ``n`` (and at most ``at_most``) conditions hold."""

    count: list[Condition] = Field(min_length=1)
    at_least: int = Field(default=1, ge=0)
    at_most: int | None = Field(default=None, ge=0)


_TAGS = ("op", "flag", "all", "any", "not", "count")


def _tag(data: Any) -> str | None:
    if isinstance(data, Compare):
        return "op"
    if isinstance(data, Flag):
        return "flag"
    if isinstance(data, AllOf):
        return "all"
    if isinstance(data, AnyOf):
        return "any"
    if isinstance(data, Not):
        return "not"
    if isinstance(data, CountOf):
        return "count"
    if isinstance(data, Mapping):
        found = [t for t in _TAGS if t in data]
        if len(found) == 1:
            return found[0]
    return None


#: A condition: one of the six closed forms, told apart by its key (op/flag/all/any/not/count).
Condition = Annotated[
    Annotated[Compare, Tag("op")]
    | Annotated[Flag, Tag("flag")]
    | Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[Not, Tag("not")]
    | Annotated[CountOf, Tag("count")],
    Discriminator(
        _tag,
        custom_error_type="condition_form",
        custom_error_message=(
            "a condition must have exactly one of the keys op, flag, all, any, not, count "
            "(e.g. {op: ge, evidence: rate, value: 0.9} or {flag: plan_issued})"
        ),
    ),
]

for _cls in (AllOf, AnyOf, Not, CountOf):
    _cls.model_rebuild()

_ADAPTER: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(Condition)

CONDITION_EXAMPLE = "{op: ge, evidence: sampling_on_time_rate, value: 0.95}"


def condition_from_data(data: Any, *, where: str = "condition") -> Condition:
    """Build a condition from plain data (as read from YAML/JSON).

    Raises:
        RuleError: the data is not one of the closed forms; the message shows a valid example.
    """
    try:
        result: Condition = _ADAPTER.validate_python(data)
    except pydantic.ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in first.get("loc", ()))
        raise RuleError(
            f"{loc + ': ' if loc else ''}{first.get('msg')} (got {data!r}); "
            f"a valid condition looks like {CONDITION_EXAMPLE}",
            field=where,
            value=data,
        ) from None
    return result


# -- interpreter -------------------------------------------------------------------------------


def _lookup(name: str, evidence: Evidence, where: str) -> Any:
    try:
        return evidence[name]
    except KeyError:
        raise EvidenceError(
            f"{where} needs evidence {name!r}, which was not given",
            code="evidence.missing",
            message_zh=f"{where} 缺少证据项 {name!r}",
            evidence=name,
            field=where,
        ) from None


def _compare(c: Compare, evidence: Evidence, where: str) -> bool:
    got = _lookup(c.evidence, evidence, where)
    if c.op in ("in", "not_in"):
        assert isinstance(c.value, list)
        inside = any(type(got) is type(v) and got == v for v in c.value) or (
            _is_number(got) and any(_is_number(v) and got == v for v in c.value)
        )
        return inside if c.op == "in" else not inside
    want = c.value
    if _is_number(want):
        if not _is_number(got):
            raise EvidenceError(
                f"{where} compares evidence {c.evidence!r} with the number {want!r}, "
                f"so it must be a number (got {got!r})",
                code="evidence.type",
                evidence=c.evidence,
                field=where,
                value=got,
            )
    elif type(got) is not type(want):
        raise EvidenceError(
            f"{where} compares evidence {c.evidence!r} with {want!r}, so it must be a "
            f"{type(want).__name__} (got {got!r})",
            code="evidence.type",
            evidence=c.evidence,
            field=where,
            value=got,
        )
    if c.op == "eq":
        return bool(got == want)
    if c.op == "ne":
        return bool(got != want)
    if c.op == "lt":
        return bool(got < want)
    if c.op == "le":
        return bool(got <= want)
    if c.op == "gt":
        return bool(got > want)
    return bool(got >= want)


def evaluate(condition: Condition, evidence: Evidence, *, where: str = "condition") -> bool:
    """Interpret ``condition`` over ``evidence``.

    Args:
        condition: a condition record (see the module docstring for the forms).
        evidence: evidence values by name.
        where: what asked (a rule or indicator id), used in error messages.

    Raises:
        EvidenceError: the condition needs evidence that is missing or of the wrong type.
    """
    if isinstance(condition, Compare):
        return _compare(condition, evidence, where)
    if isinstance(condition, Flag):
        got = _lookup(condition.flag, evidence, where)
        if not isinstance(got, bool):
            raise EvidenceError(
                f"{where} needs evidence {condition.flag!r} to be true or false (got {got!r})",
                code="evidence.type",
                evidence=condition.flag,
                field=where,
                value=got,
            )
        return got
    if isinstance(condition, AllOf):
        return all(evaluate(c, evidence, where=where) for c in condition.all)
    if isinstance(condition, AnyOf):
        return any(evaluate(c, evidence, where=where) for c in condition.any)
    if isinstance(condition, Not):
        return not evaluate(condition.not_, evidence, where=where)
    # CountOf: evaluate every member so that missing evidence is always reported.
    n = sum(evaluate(c, evidence, where=where) for c in condition.count)
    return n >= condition.at_least and (condition.at_most is None or n <= condition.at_most)


def evidence_names(condition: Condition) -> Iterator[str]:
    """Every evidence name the condition reads, in order of appearance (may repeat)."""
    if isinstance(condition, Compare):
        yield condition.evidence
    elif isinstance(condition, Flag):
        yield condition.flag
    elif isinstance(condition, AllOf):
        for c in condition.all:
            yield from evidence_names(c)
    elif isinstance(condition, AnyOf):
        for c in condition.any:
            yield from evidence_names(c)
    elif isinstance(condition, Not):
        yield from evidence_names(condition.not_)
    else:
        for c in condition.count:
            yield from evidence_names(c)


def describe(condition: Condition, lang: str = "en") -> str:
    """A one-line readable form of the condition, in ``"en"`` or ``"zh"``."""
    zh = lang.startswith("zh")
    if isinstance(condition, Compare):
        sym, word = OPERATORS[condition.op]
        return f"{condition.evidence} {word if zh else sym} {condition.value!r}"
    if isinstance(condition, Flag):
        return f"{condition.flag}{'为是' if zh else ' is true'}"
    if isinstance(condition, AllOf):
        return ("且" if zh else " and ").join(f"({describe(c, lang)})" for c in condition.all)
    if isinstance(condition, AnyOf):
        return ("或" if zh else " or ").join(f"({describe(c, lang)})" for c in condition.any)
    if isinstance(condition, Not):
        return f"{'非' if zh else 'not '}({describe(condition.not_, lang)})"
    inner = ", ".join(describe(c, lang) for c in condition.count)
    most = "" if condition.at_most is None else f"-{condition.at_most}"
    if zh:
        return f"以下{len(condition.count)}项中至少{condition.at_least}{most}项成立: {inner}"
    return f"at least {condition.at_least}{most} of {len(condition.count)}: {inner}"
