"""JSON Schema of every identifier type: a snapshot of its keys, pattern and examples."""

from __future__ import annotations

import re

import pytest
from pydantic import TypeAdapter

from foodsafety.ids import USCC, DivisionCode, FoodBusinessLicence, FoodProductionLicence

SNAPSHOT = {
    DivisionCode: r"^[0-9]{6}(?:[0-9]{3}){0,2}$",
    USCC: r"^[0-9ANY][0-9][0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$",
    FoodProductionLicence: r"^SC[12][0-9]{13}$",
    FoodBusinessLicence: r"^JY[123][0-9]{13}$",
}


@pytest.mark.parametrize("kind", list(SNAPSHOT), ids=lambda k: k.__name__)
def test_json_schema_snapshot(kind: type[str]) -> None:
    schema = TypeAdapter(kind).json_schema()
    assert sorted(schema) == ["description", "examples", "pattern", "title", "type"]
    assert schema["type"] == "string"
    assert schema["title"] == kind.__name__
    assert schema["pattern"] == SNAPSHOT[kind]
    assert len(schema["examples"]) >= 2
    for example in schema["examples"]:
        assert re.fullmatch(schema["pattern"], example), example
        assert kind(example) == example  # every example validates and is canonical


def test_pattern_rejects_what_the_validator_rejects() -> None:
    assert not re.fullmatch(SNAPSHOT[USCC], "91110000600037341I")
    assert not re.fullmatch(SNAPSHOT[DivisionCode], "41050")
    assert not re.fullmatch(SNAPSHOT[FoodProductionLicence], "SC30641052200123")
