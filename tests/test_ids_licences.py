"""Food production (SC) and business (JY) licence numbers: structure, fields, division."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from foodsafety.errors import IdentifierError
from foodsafety.ids import FoodBusinessLicence, FoodProductionLicence
from foodsafety.ids import business_licence as jy
from foodsafety.ids import production_licence as sc
from foodsafety.registry import registry

_COUNTIES = [d.code for d in registry() if len(d.code) == 6 and not d.code.endswith("00")]
_CATEGORIES = [f"1{c}" for c in sc.FOOD_CATEGORIES] + [f"2{c}" for c in sc.ADDITIVE_CATEGORIES]
_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=1)


@st.composite
def production_licences(draw: st.DrawFn) -> str:
    serial = draw(st.text(alphabet="0123456789", min_size=4, max_size=4))
    category = draw(st.sampled_from(_CATEGORIES))
    return "SC" + category + draw(st.sampled_from(_COUNTIES)) + serial + draw(_DIGITS)


@st.composite
def business_licences(draw: st.DrawFn) -> str:
    serial = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    kind = draw(st.sampled_from(sorted(jy.BUSINESS_KINDS)))
    return "JY" + kind + draw(st.sampled_from(_COUNTIES)) + serial + draw(_DIGITS)


@given(production_licences())
def test_production_licence_round_trips(number: str) -> None:
    lic = FoodProductionLicence(number)
    assert lic.category.code == number[2:5]
    assert lic.division == number[5:11]
    assert lic.serial == number[11:15]
    assert lic.check_digit == number[15]
    adapter = TypeAdapter(FoodProductionLicence)
    assert adapter.validate_json(adapter.dump_json(lic)) == lic
    assert FoodProductionLicence(json.loads(json.dumps(lic))) == lic


@given(business_licences())
def test_business_licence_round_trips(number: str) -> None:
    lic = FoodBusinessLicence(number)
    assert lic.business_kind.code == number[2]
    assert lic.division == number[3:9]
    assert lic.serial == number[9:15]
    adapter = TypeAdapter(FoodBusinessLicence)
    assert adapter.validate_json(adapter.dump_json(lic)) == lic


def test_decoded_fields() -> None:
    lic = FoodProductionLicence("sc 106 410522 0012 3")
    assert lic == "SC10641052200123"
    assert (lic.category.zh, lic.is_additive) == ("饮料", False)
    assert FoodProductionLicence("SC20141058100017").category.zh == "一般食品添加剂"
    assert FoodProductionLicence("SC20141058100017").is_additive
    biz = FoodBusinessLicence("JY24105220001234")
    assert (biz.business_kind.zh, biz.division, biz.serial) == (
        "餐饮服务经营者",
        "410522",
        "000123",
    )
    assert FoodBusinessLicence("JY34105810000017").category.zh == "单位食堂"


@pytest.mark.parametrize(
    ("module", "bad", "check"),
    [
        (sc, "SC1064105220012", "length"),
        (sc, "JY10641052200123", "prefix"),
        (sc, "SC1064105220012X", "format"),
        (sc, "SC13241052200123", "category"),
        (sc, "SC30641052200123", "category"),
        (sc, "SC10641990000123", "division"),
        (sc, "SC10600000000123", "division"),
        (jy, "JY4410522000123", "length"),
        (jy, "SC24105220001234", "prefix"),
        (jy, "JY44105220001234", "category"),
        (jy, "JY29905220001234", "division"),
        (jy, None, "type"),
    ],
)
def test_errors_name_the_failed_check(module: object, bad: object, check: str) -> None:
    with pytest.raises(IdentifierError) as info:
        module.validate(bad)  # type: ignore[attr-defined]
    assert info.value.check == check
    assert info.value.message_zh
    assert not module.is_valid(bad)  # type: ignore[attr-defined]


def test_business_licence_division_province_by_default() -> None:
    # Some cities number the last division digits by their own districts (Beijing).
    loose = "JY21199990001234"
    assert jy.validate(loose) == loose
    with pytest.raises(IdentifierError) as info:
        jy.validate(loose, strict_division=True)
    assert info.value.check == "division"
    assert jy.validate(loose, check_division=False) == loose
    assert sc.validate("SC10637120000123") == "SC10637120000123"  # 莱芜市 (historical)
