"""The identifier and jurisdiction strategies: valid by construction, invalid on request."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foodsafety.errors import FoodSafetyError, IdentifierError, RegistryError, RuleError
from foodsafety.ids import (
    USCC,
    DivisionCode,
    FoodBusinessLicence,
    FoodProductionLicence,
    business_licence,
    division,
    production_licence,
    uscc,
)
from foodsafety.models.jurisdiction import Jurisdiction, JurisdictionTree
from foodsafety.registry import registry
from foodsafety.testing import (
    DIVISION_MISTAKES,
    USCC_MISTAKES,
    InvalidArgument,
    business_licences,
    division_codes,
    governances,
    invalid_division_codes,
    invalid_usccs,
    jurisdiction_trees,
    jurisdictions,
    production_licences,
    usccs,
    village_codes,
)
from foodsafety.vocab import Level


@given(division_codes())
def test_division_codes_are_in_the_registry(code: DivisionCode) -> None:
    assert division.validate(json.loads(json.dumps(str(code))), known=True) == code
    assert registry().get(code).code == code


@pytest.mark.parametrize("level", ["province", "city", "county", "township"])
@settings(max_examples=20)
@given(data=st.data())
def test_division_codes_respect_level_and_within(level: str, data: st.DataObject) -> None:
    code = data.draw(division_codes(level=level, within="410000"))
    assert code.level is Level.parse(level)
    assert registry().is_within(code, "410000")


@given(village_codes(within="410522"))
def test_village_codes_extend_a_real_township(code: DivisionCode) -> None:
    assert code.level is Level.VILLAGE
    assert registry().get(code.township).parent == "410522"
    assert DivisionCode(str(code)) == code


@given(usccs(authority=None))
def test_usccs_pass_every_check(code: USCC) -> None:
    assert uscc.validate(json.loads(json.dumps(str(code)))) == code
    assert code.check_character == uscc.calc_check_digit(code)


@given(usccs(within="410500"))
def test_usccs_within_carry_its_division(code: USCC) -> None:
    assert code.registration_authority.code == "9"
    assert code.division is not None and code.division.startswith("4105")


@given(production_licences(within="410500"), business_licences(within="410500"))
def test_licences_validate(sc: FoodProductionLicence, jy: FoodBusinessLicence) -> None:
    assert production_licence.validate(str(sc)) == sc
    assert business_licence.validate(str(jy), strict_division=True) == jy
    assert sc.startswith("SC") and jy.startswith("JY")


@pytest.mark.parametrize("check", USCC_MISTAKES)
@settings(max_examples=30)
@given(data=st.data())
def test_invalid_usccs_fail_the_named_check(check: str, data: st.DataObject) -> None:
    bad = data.draw(invalid_usccs(check=check))
    with pytest.raises(IdentifierError) as info:
        uscc.validate(bad)
    assert info.value.check == check
    assert info.value.code == f"uscc.{check}"
    assert not uscc.is_valid(bad)


@pytest.mark.parametrize("check", DIVISION_MISTAKES)
@settings(max_examples=30)
@given(data=st.data())
def test_invalid_division_codes_fail_as_said(check: str, data: st.DataObject) -> None:
    bad = data.draw(invalid_division_codes(check=check))
    if check == "unknown":
        division.validate(bad)  # well formed
        with pytest.raises(RegistryError) as reg:
            division.validate(bad, known=True)
        assert reg.value.code == "registry.unknown"
    else:
        with pytest.raises(IdentifierError) as info:
            division.validate(bad)
        assert info.value.check == check


@settings(max_examples=40)
@given(jurisdiction_trees(min_size=3, max_size=25, zones=True))
def test_trees_are_valid_and_rebuild_from_json(tree: JurisdictionTree) -> None:
    assert 3 <= len(tree) <= 25
    assert len(tree.roots) == 1
    dumped = [json.loads(j.model_dump_json()) for j in tree.to_records()]
    again = JurisdictionTree.from_records(dumped)
    assert {j.code: j for j in again} == {j.code: j for j in tree}
    for j in tree:
        parent = tree.parent(j.code)
        if parent is not None and not j.is_zone:
            assert j.level.depth > parent.level.depth
            assert registry().is_within(
                j.code[:9] if j.level is Level.VILLAGE else j.code, parent.code[:9]
            )


@settings(max_examples=15)
@given(jurisdiction_trees(root="410500", min_size=30, max_size=40, depth="village"))
def test_trees_reach_min_size_below_a_city(tree: JurisdictionTree) -> None:
    assert 30 <= len(tree) <= 40
    assert tree.roots[0].code == "410500"
    assert all(tree.is_within(j.code, "410500") for j in tree)


@settings(max_examples=10)
@given(jurisdiction_trees(root="410522", depth="township", max_size=500, min_size=500))
def test_trees_stop_when_the_registry_is_exhausted(tree: JurisdictionTree) -> None:
    # 安阳县 and its townships: fewer than 500 without villages.
    assert len(tree) == 1 + len(registry().children("410522"))


@given(jurisdictions(level="township", within="410500"))
def test_jurisdictions_round_trip(j: Jurisdiction) -> None:
    assert Jurisdiction.model_validate_json(j.model_dump_json()) == j


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: division_codes(level="planet"), "level"),
        (lambda: division_codes(within="999999"), "within"),
        (lambda: usccs(authority="B"), "authority"),
        (lambda: usccs(authority="9", entity_type="9"), "entity_type"),
        (lambda: invalid_usccs(check="spelling"), "check"),
        (lambda: invalid_division_codes(check="x"), "check"),
        (lambda: jurisdiction_trees(min_size=0), "min_size"),
        (lambda: jurisdiction_trees(min_size=5, max_size=2), "max_size"),
        (lambda: jurisdiction_trees(root="410522", depth="city"), "depth"),
        (lambda: jurisdiction_trees(root="123456"), "root"),
        (lambda: jurisdiction_trees(zones="yes"), "zones"),
    ],
)
def test_bad_arguments_fail_at_once(call: object, field: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        call()  # type: ignore[operator]
    assert isinstance(info.value, RuleError) and isinstance(info.value, FoodSafetyError)
    assert info.value.field == field


@settings(max_examples=20)
@given(governances(max_size=8, max_officials=5))
def test_governances_hold_every_official_in_its_body(g: Any) -> None:
    from foodsafety.models.bodies import Official

    officials = list(g.officials)
    bodies = {b.id: b for b in g.bodies}
    assert len(officials) <= 5
    for o in officials:
        assert bodies[o.body].jurisdiction == o.jurisdiction
        assert Official.model_validate_json(o.model_dump_json()) == o
    assert {b.jurisdiction for b in bodies.values()} == {j.code for j in g.tree}


def test_governances_check_arguments() -> None:
    with pytest.raises(InvalidArgument):
        governances(max_officials=-1)
