"""DivisionCode: format, canonical forms, parent derivation, pydantic and JSON round trips."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter

from foodsafety.errors import IdentifierError, RegistryError
from foodsafety.ids import DivisionCode, KnownDivisionCode, division
from foodsafety.registry import registry, structural_parent
from foodsafety.vocab import Level

_CODES = [d.code for d in registry()]


@st.composite
def division_codes(draw: st.DrawFn) -> str:
    """Canonical codes: real ones from the table, and villages below real townships."""
    code = draw(st.sampled_from(_CODES))
    if len(code) == 9 and draw(st.booleans()):
        code += draw(st.integers(1, 999).map(lambda n: f"{n:03d}"))
    return code


class Holder(BaseModel):
    code: DivisionCode
    known: KnownDivisionCode | None = None


@given(division_codes())
def test_round_trips(code: str) -> None:
    value = DivisionCode(code)
    assert value == code
    assert DivisionCode(value.to_12()) == value
    assert DivisionCode(value.to_12()).level is value.level
    assert DivisionCode(json.loads(json.dumps(value))) == value
    adapter = TypeAdapter(DivisionCode)
    assert adapter.validate_json(adapter.dump_json(value)) == value
    assert isinstance(adapter.validate_python(value.as_12), DivisionCode)
    holder = Holder(code=value.to_12())
    assert Holder.model_validate_json(holder.model_dump_json()) == holder
    assert holder.model_dump() == {"code": code, "known": None}


@given(division_codes())
def test_parent_derivation(code: str) -> None:
    value = DivisionCode(code)
    parent = value.parent
    if value.level is Level.PROVINCE:
        assert parent is None
        return
    assert parent is not None
    assert parent.level.depth < value.level.depth
    assert parent.is_ancestor_of(value)
    assert not value.is_ancestor_of(parent)
    assert not value.is_ancestor_of(value)
    assert value.ancestors()[-1] == value.province
    assert all(a.is_ancestor_of(value) for a in value.ancestors())
    assert value.startswith(parent.rstrip("0")[:2])
    if value.level is Level.VILLAGE:
        assert value.township == parent
    # The structural parent differs only where GB/T 2260 has a placeholder city part.
    structural = structural_parent(code)
    if structural != parent:
        assert DivisionCode(str(structural)).is_placeholder


def test_decoded_parts_of_an_anyang_village() -> None:
    code = DivisionCode("410522102001")
    assert code.level is Level.VILLAGE
    assert (code.township, code.county, code.city, code.province) == (
        "410522102",
        "410522",
        "410500",
        "410000",
    )
    assert DivisionCode("410500").county is None
    assert DivisionCode("410500").township is None
    assert DivisionCode("410000").city is None
    assert DivisionCode("110101").city is None
    assert DivisionCode("110101").parent == "110000"
    assert DivisionCode("419001").parent == "410000"
    assert DivisionCode("441900003").county is None  # 东莞: townships directly under the city
    assert DivisionCode("441900003").parent == "441900"


@pytest.mark.parametrize(
    ("given_form", "canonical"),
    [
        ("410500", "410500"),
        ("410500000", "410500"),
        ("410500000000", "410500"),
        ("410522102000", "410522102"),
        ("410522102001", "410522102001"),
        ("４１０５２２", "410522"),
        (" 41-05-22 ", "410522"),
        (410500, "410500"),
    ],
)
def test_normalisation(given_form: object, canonical: str) -> None:
    assert DivisionCode(given_form) == canonical
    assert division.validate(given_form) == canonical
    assert division.format(given_form, width=12) == canonical.ljust(12, "0")


@pytest.mark.parametrize(
    ("bad", "check"),
    [
        ("41050", "length"),
        ("4105001", "length"),
        ("4105000000", "length"),
        ("4105221020011", "length"),
        ("41O500", "format"),
        ("000000", "format"),
        ("410022", "format"),  # county part without a city part
        (None, "type"),
        (4.1, "type"),
    ],
)
def test_bad_codes_say_which_check_failed(bad: object, check: str) -> None:
    with pytest.raises(IdentifierError) as info:
        DivisionCode(bad)
    assert info.value.check == check
    assert info.value.message_zh
    assert not division.is_valid(bad)


def test_format_only_by_default_known_on_request() -> None:
    old = DivisionCode("371200")  # 莱芜市, abolished 2019: still a well-formed code
    assert old.level is Level.CITY
    assert not old.is_current()
    with pytest.raises(RegistryError, match="2025-12-31"):
        old.known()
    with pytest.raises(RegistryError):
        division.validate("371200", known=True)
    assert division.is_valid("371200")
    assert not division.is_valid("371200", known=True)
    assert DivisionCode("370116").known() == "370116"
    assert DivisionCode("410500").division().name == "安阳市"


def test_known_division_code_field() -> None:
    assert Holder(code="371200", known="410500").known == "410500"
    with pytest.raises(ValueError, match="371200") as info:
        Holder(code="410500", known="371200")
    assert "371200" in str(info.value)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("419001", True),  # 济源市, 省直辖县级行政区划 of Henan
        ("469001", True),  # 五指山市, Hainan
        ("419000", False),  # the placeholder itself is city-level
        ("410522", False),  # a county under a city
        ("110101", False),  # a district of a municipality (city part 01)
        ("410500", False),
        ("419001001", False),  # a township inside 济源
    ],
)
def test_province_administered_counties(code: str, expected: bool) -> None:
    assert DivisionCode(code).is_province_administered is expected
    assert division.is_province_administered(code) is expected
