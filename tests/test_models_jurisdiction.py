"""Jurisdiction records and trees on real codes (Henan, Anyang, Beijing, Dongguan)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsafety import BulkValidationError, RecordValidationError, RegistryError
from foodsafety.models import (
    Body,
    Governance,
    Jurisdiction,
    JurisdictionTree,
    Official,
    body_id,
    standard_bodies,
)
from foodsafety.vocab import BodyKind, DivisionKind, Level, OfficialPost

ANYANG_COUNTIES = {
    "410502": "文峰区",
    "410503": "北关区",
    "410505": "殷都区",
    "410506": "龙安区",
    "410522": "安阳县",
    "410523": "汤阴县",
    "410526": "滑县",
    "410527": "内黄县",
    "410581": "林州市",
}


@pytest.fixture(scope="module")
def anyang() -> JurisdictionTree:
    return JurisdictionTree.from_registry("410500")


def test_anyang_counties_from_registry(anyang: JurisdictionTree) -> None:
    counties = {j.code: j.name for j in anyang.children("410500")}
    assert counties == ANYANG_COUNTIES
    assert anyang["410581"].kind is DivisionKind.COUNTY_CITY
    assert anyang["410502"].kind is DivisionKind.DISTRICT
    assert anyang.roots == (anyang["410500"],)
    levels = anyang.levels()
    assert levels[Level.CITY] == 1
    assert levels[Level.COUNTY] == 9
    assert levels[Level.TOWNSHIP] == len(list(anyang.descendants("410500"))) - 9


def test_township_chain_reaches_the_city(anyang: JurisdictionTree) -> None:
    township = anyang.children("410526")[0]  # a township of 滑县
    chain = anyang.chain(township.code)
    assert [j.level for j in chain] == [Level.TOWNSHIP, Level.COUNTY, Level.CITY]
    assert chain[1].code == "410526"
    assert anyang.at_level(township.code, "县") == anyang["410526"]
    assert anyang.is_within(township.code, "410500")
    assert not anyang.is_within(township.code, "410581")
    # 12-digit form of the township code finds the same jurisdiction
    assert anyang[township.code + "000"] == township


def test_henan_tree_down_to_counties() -> None:
    henan = JurisdictionTree.from_registry("410000", depth=Level.COUNTY)
    assert henan["410000"].name == "河南省"
    assert "410500" in henan
    assert not any(j.level is Level.TOWNSHIP for j in henan)
    # 济源 is administered by the province directly (省直管县): a county under the province.
    jiyuan = henan["419001"]
    assert jiyuan.name == "济源市"
    assert henan.at_level("419001", "province") == henan["410000"]


def test_beijing_districts_sit_directly_under_the_municipality() -> None:
    # The 2025 MCA table has no 110100 市辖区 placeholder: a municipality's districts are
    # county-level units directly under the province-level unit, a skip the tree allows.
    beijing = JurisdictionTree.from_registry("110000", depth="county")
    assert beijing["110000"].kind is DivisionKind.MUNICIPALITY
    assert beijing["110101"].name == "东城区"
    assert [j.code for j in beijing.chain("110101")] == ["110101", "110000"]
    assert "110100" not in beijing


def test_city_without_counties_has_townships_directly() -> None:
    dongguan = JurisdictionTree.from_registry("441900")
    kids = dongguan.children("441900")
    assert kids
    assert all(k.level is Level.TOWNSHIP for k in kids)


def test_unknown_root_names_the_edition() -> None:
    with pytest.raises(RegistryError) as info:
        JurisdictionTree.from_registry("371200")  # 莱芜市, abolished in 2019
    assert "2025-12-31" in str(info.value)


def test_level_must_match_the_code() -> None:
    with pytest.raises(RecordValidationError) as info:
        Jurisdiction(code="410500", name="安阳市", level="county")
    assert info.value.record == "Jurisdiction"
    assert "city" in str(info.value)


def test_villages_and_zones_extend_a_tree(anyang: JurisdictionTree) -> None:
    township = anyang.children("410522")[0]
    village = Jurisdiction(
        code=township.code + "201", name="合成村", level="村", kind="village", parent=township.code
    )
    zone = Jurisdiction(code="410500/GXQ", name="安阳高新区", level="county", kind="开发区")
    assert zone.parent == "410500"
    bigger = anyang.extended([village, zone])
    assert bigger.parent(village.code) == township
    assert bigger.at_level(village.code, Level.CITY) == anyang["410500"]
    assert bigger["410500/GXQ"].is_zone


def test_tree_reports_every_structural_problem_at_once() -> None:
    records = [
        Jurisdiction(code="410000", name="河南省", level="province"),
        Jurisdiction(code="410500", name="安阳市", level="city", parent="410000"),
        Jurisdiction(code="410500", name="安阳市", level="city", parent="410000"),  # duplicate
        Jurisdiction(code="410502", name="文峰区", level="county", parent="410800"),  # orphan
        Jurisdiction(code="410502001", name="某街道", level="township", parent="410000"),  # skip
    ]
    with pytest.raises(BulkValidationError) as info:
        JurisdictionTree(records)
    codes = sorted(p.code for p in info.value.report)
    assert codes == ["tree.duplicate", "tree.level_skip", "tree.orphan"]


def test_cycle_is_reported() -> None:
    a = Jurisdiction(code="410500/A", name="甲区", level="county", kind="functional_zone")
    # zone parents are fixed by their code, so build a cycle through model_copy
    b = Jurisdiction(code="410500", name="安阳市", level="city", parent="410500/A")
    a = a.model_copy(update={"parent": "410500"})
    with pytest.raises(BulkValidationError) as info:
        JurisdictionTree([a, b])
    # levels only grow downwards, so a cycle always breaks a level rule as well
    assert sorted(p.code for p in info.value.report) == ["tree.cycle", "tree.level_skip"]


@given(st.data())
def test_chain_of_any_township_is_consistent(data: st.DataObject) -> None:
    tree = _ANYANG
    township = data.draw(st.sampled_from([j for j in tree if j.level is Level.TOWNSHIP]))
    chain = tree.chain(township.code)
    # each link is the parent of the one before, and the codes nest by prefix
    for child, parent in itertools.pairwise(chain):
        assert child.parent == parent.code
        assert child.code.startswith(parent.code.rstrip("0")[:4])
    assert [j.code for j in tree.ancestors(township.code)] == [j.code for j in chain[1:]]


@given(st.sampled_from(sorted(ANYANG_COUNTIES)))
def test_jurisdiction_json_round_trip(code: str) -> None:
    j = _ANYANG[code]
    assert Jurisdiction.model_validate_json(j.model_dump_json()) == j


_ANYANG = JurisdictionTree.from_registry("410500")


# -- bodies and officials -------------------------------------------------------------------


def test_standard_bodies_of_a_county() -> None:
    county = _ANYANG["410526"]
    bodies = {b.kind: b for b in standard_bodies(county)}
    assert bodies[BodyKind.FOOD_SAFETY_COMMITTEE].name == "滑县食品安全委员会"
    office = bodies[BodyKind.FOOD_SAFETY_OFFICE]
    assert office.hosted_by == body_id("410526", "market_regulation_bureau")
    township = _ANYANG.children("410526")[0]
    kinds = {b.kind for b in standard_bodies(township)}
    assert BodyKind.MARKET_REGULATION_STATION in kinds
    assert BodyKind.MARKET_REGULATION_BUREAU not in kinds


def test_governance_checks_references_and_finds_gaps() -> None:
    tree = JurisdictionTree.from_registry("410500", depth="county")
    gov = Governance.standard(tree)
    committee = body_id("410500", "food_safety_committee")
    chair = Official(
        id="o1",
        name="市长（合成）",
        post="committee_chair",
        body=committee,
        jurisdiction="410500",
        valid_from=dt.date(2021, 1, 1),
        valid_to=dt.date(2023, 1, 1),
    )
    gov = gov.with_officials([chair])
    assert gov.holders("410500", OfficialPost.COMMITTEE_CHAIR, as_of=dt.date(2022, 6, 1)) == [chair]
    assert gov.holders("410500", "食安委主任", as_of=dt.date(2023, 6, 1)) == []
    gaps = gov.gaps(as_of=dt.date(2022, 6, 1))
    no_chair = {p.value for p in gaps if p.code == "gap.no_chair"}
    assert "410500" not in no_chair
    assert set(ANYANG_COUNTIES) <= no_chair
    unit = Body(
        id="410500:agriculture",
        kind="member_unit",
        jurisdiction="410500",
        name="安阳市农业农村局",
        member_of=committee,
    )
    gov2 = Governance(tree, [*gov.bodies, unit])
    assert gov2.members(committee) == [unit]


def test_governance_rejects_dangling_references() -> None:
    tree = JurisdictionTree.from_registry("410500", depth="county")
    bad_unit = Body(
        id="x", kind="member_unit", jurisdiction="410500", name="某局", member_of="nope"
    )
    ghost = Official(id="o", name="某", post="书记", body="missing", jurisdiction="410500")
    with pytest.raises(BulkValidationError) as info:
        Governance(tree, [bad_unit], [ghost])
    assert sorted(p.code for p in info.value.report) == ["body.dangling", "official.unknown_body"]


def test_official_term_must_be_ordered() -> None:
    with pytest.raises(RecordValidationError):
        Official(
            id="o",
            name="某",
            post="书记",
            body="b",
            jurisdiction="410500",
            valid_from=dt.date(2023, 1, 1),
            valid_to=dt.date(2022, 1, 1),
        )
