"""The error hierarchy and problem reports."""

from __future__ import annotations

import pydantic
import pytest

from foodsafety import (
    BulkValidationError,
    FoodSafetyError,
    IdentifierError,
    Problem,
    ProblemReport,
    RecordValidationError,
    RegistryError,
)
from foodsafety._record import FrozenRecord, Record
from foodsafety.vocab import Level


class _Thing(FrozenRecord):
    name: str
    level: Level
    count: int = 0


def test_every_error_is_a_foodsafety_error_and_a_builtin() -> None:
    assert issubclass(IdentifierError, ValueError)
    assert issubclass(RegistryError, LookupError)
    for cls in (IdentifierError, RegistryError, RecordValidationError, BulkValidationError):
        assert issubclass(cls, FoodSafetyError)


def test_location_is_part_of_the_message() -> None:
    err = IdentifierError("bad check character", record="Business", field="uscc", value="X")
    err.located(source="b.csv", row=3, column="uscc")
    assert str(err) == "b.csv, row 3, column uscc: Business.uscc: bad check character"
    p = err.to_problem()
    assert (p.source, p.row, p.column, p.value) == ("b.csv", 3, "uscc", "X")


def test_record_constructor_raises_our_error_naming_every_field() -> None:
    with pytest.raises(RecordValidationError) as info:
        _Thing(name="x", level="nowhere", count="many")  # type: ignore[arg-type]
    err = info.value
    fields = {p.field for p in err.problems}
    assert fields == {"level", "count"}
    level_problem = next(p for p in err.problems if p.field == "level")
    assert level_problem.code == "vocab.unknown"  # our own code survives pydantic
    assert level_problem.value == "nowhere"
    assert err.record == "_Thing"
    assert len(err.errors()) == 2


def test_record_rejects_unknown_fields_and_is_frozen() -> None:
    with pytest.raises(RecordValidationError):
        _Thing(name="x", level="county", colour="red")  # type: ignore[call-arg]
    t = _Thing(name="x", level="縣")
    with pytest.raises(pydantic.ValidationError):
        t.name = "y"  # type: ignore[misc]
    assert t.level is Level.COUNTY


def test_model_validate_json_raises_our_error() -> None:
    with pytest.raises(RecordValidationError):
        _Thing.model_validate_json('{"name": "x", "level": 5}')
    assert _Thing.model_validate_json('{"name": "x", "level": "乡镇"}').level is Level.TOWNSHIP


def test_record_json_round_trip() -> None:
    t = _Thing(name="安阳", level="市", count=3)
    assert _Thing.model_validate_json(t.model_dump_json()) == t
    assert issubclass(_Thing, Record)


def test_problem_report_collects_and_summarises() -> None:
    report = ProblemReport()
    assert not report
    report.add(Problem(code="a", message="first", row=2))
    report.add(IdentifierError("second", code="b", value="v").located(row=5))
    report.add(Problem(code="a", message="third", row=2))
    assert len(report) == 3
    assert report.counts() == {"a": 2, "b": 1}
    assert report.rows() == [2, 5]
    assert "3 problem(s) in 2 row(s)" in str(report)
    with pytest.raises(BulkValidationError) as info:
        report.raise_if_any("test.csv")
    assert info.value.report is report
    frame = report.to_polars()
    assert frame.height == 3
    assert frame["row"].to_list() == [2, 5, 2]
