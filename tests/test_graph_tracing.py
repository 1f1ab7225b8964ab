"""Tracing, accountability and gaps on the responsibility graph."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.graph_data import (
    COUNTY,
    DAY0,
    MiniLedger,
    active,
    county_governance,
    county_tree,
    ledgers,
    mini_ledger,
    townships,
    uscc,
)
from tests.reference.nx_tracing import naive_trace

from foodsafety.engines.graph import (
    ResponsibilityGraph,
    body_node,
    build_graph,
    business_node,
    cadre_node,
)
from foodsafety.engines.tracing import (
    STRICT_REQUIREMENTS,
    Incident,
    Tracer,
    accountability,
    gaps,
    trace,
)
from foodsafety.errors import FoodSafetyError
from foodsafety.models import Governance
from foodsafety.vocab import BodyKind, Level, ResponsibilityKind, Severity

days = st.integers(0, 760).map(lambda n: DAY0 + dt.timedelta(days=n))


def _governance_parties(town: str, day: dt.date) -> set[str]:
    """Every body and official of the township and the county, from the governance records."""
    gov = county_governance()
    out = set()
    for code in (town, COUNTY):
        for b in gov.bodies_of(code):
            out.add(body_node(b.id))
        for o in gov.officials:
            if o.jurisdiction == code and o.active_on(day):
                out.add(f"official:{o.id}")
    return out


def _implied(led: MiniLedger, row: dict[str, object], day: dt.date) -> set[str]:
    """The parties the records imply for one business on ``day``."""
    if not active(row["opened"], row["closed"], day):  # type: ignore[arg-type]
        return set()
    u = row["uscc"]
    out = _governance_parties(row["jurisdiction"], day)  # type: ignore[arg-type]
    if row["principal"]:
        out.add(f"person:{u}:principal")
    if row["director"]:
        out.add(f"person:{u}:food_safety_director")
    cadres = {c["cadre_id"]: c for c in led.rows["cadres"]}
    for a in led.rows["assignments"]:
        c = cadres[a["cadre_id"]]
        if (
            a["uscc"] == u
            and active(a["valid_from"], a["valid_to"], day)
            and active(c["active_from"], c["active_to"], day)
        ):
            out.add(cadre_node(a["cadre_id"]))
    return out


@settings(max_examples=40)
@given(ledgers(), days)
def test_every_business_traces_to_exactly_the_parties_its_records_imply(
    led: MiniLedger, day: dt.date
) -> None:
    g = ResponsibilityGraph.build(county_governance(), led)
    for row in led.rows["businesses"]:
        t = trace(g, row["uscc"], as_of=day)
        parties = t.parties()
        assert len(parties) == len(set(parties))
        assert set(parties) == _implied(led, row, day)
        assert len(t) == len(parties)


@settings(max_examples=40)
@given(ledgers(), days)
def test_fast_path_equals_a_fresh_networkx_search(led: MiniLedger, day: dt.date) -> None:
    g = build_graph(county_governance(), led)
    tracer = Tracer(ResponsibilityGraph.build(county_governance(), led))
    for row in led.rows["businesses"]:
        node = business_node(row["uscc"])
        fast = [link.to_dict() for link in tracer.trace(node, as_of=day).links]
        assert fast == [link.to_dict() for link in naive_trace(g, node, as_of=day)]


@settings(max_examples=40)
@given(ledgers(), days)
def test_removing_a_pairing_edge_makes_the_business_a_gap(led: MiniLedger, day: dt.date) -> None:
    g = build_graph(county_governance(), led)
    columnar = ResponsibilityGraph.build(county_governance(), led)
    unpaired = {x.key for x in gaps(columnar, as_of=day) if x.code == "unpaired"}
    expected = {
        str(r["uscc"])
        for r in led.rows["businesses"]
        if active(r["opened"], r["closed"], day)  # type: ignore[arg-type]
        and not any(p.startswith("cadre:") for p in _implied(led, r, day))
    }
    assert unpaired == expected
    paired = [
        str(r["uscc"])
        for r in led.rows["businesses"]
        if str(r["uscc"]) not in unpaired and active(r["opened"], r["closed"], day)  # type: ignore[arg-type]
    ]
    if not paired:
        return
    node = business_node(paired[0])
    edges = [
        (u, k)
        for u, keys in g.pred[node].items()
        for k, d in keys.items()
        if d["kind"] == "pairing" and active(d.get("valid_from"), d.get("valid_to"), day)
    ]
    assert edges
    for u, k in edges:
        g.remove_edge(u, node, key=k)
    edited = ResponsibilityGraph.from_networkx(g)
    now = {x.key for x in gaps(edited, as_of=day) if x.code == "unpaired"}
    assert now == unpaired | {paired[0]}
    assert not trace(edited, node, as_of=day).of_kind("pairing")


def test_a_cadre_who_left_no_longer_answers() -> None:
    town = townships()[0]
    led = mini_ledger(
        [{"uscc": uscc(1), "name": "甲", "kind": "catering", "jurisdiction": town}],
        [
            {
                "cadre_id": "OLD",
                "name": "旧干部",
                "level": "township",
                "jurisdiction": town,
                "active_to": dt.date(2022, 10, 1),
            },
            {
                "cadre_id": "NEW",
                "name": "新干部",
                "level": "township",
                "jurisdiction": town,
                "active_from": dt.date(2022, 10, 1),
            },
        ],
        [
            {"assignment_id": "A1", "cadre_id": "OLD", "uscc": uscc(1)},
            {"assignment_id": "A2", "cadre_id": "NEW", "uscc": uscc(1)},
        ],
    )
    g = ResponsibilityGraph.build(county_governance(), led)
    before = trace(g, uscc(1), as_of=dt.date(2022, 9, 30), kinds=["pairing"])
    after = trace(g, uscc(1), as_of=dt.date(2022, 10, 1), kinds=["pairing"])
    assert before.parties() == ["cadre:OLD"]
    assert after.parties() == ["cadre:NEW"]
    assert after.links[0].kind is ResponsibilityKind.PAIRING
    assert after.links[0].level is Level.TOWNSHIP


def _sample_graph() -> tuple[ResponsibilityGraph, str]:
    town = townships()[0]
    led = mini_ledger(
        [
            {
                "uscc": uscc(1),
                "name": "甲餐饮店",
                "kind": "catering",
                "jurisdiction": town,
                "principal": "张三",
                "director": "李四",
            }
        ],
        [{"cadre_id": "C1", "name": "王五", "level": "county", "jurisdiction": COUNTY}],
        [{"assignment_id": "A1", "cadre_id": "C1", "uscc": uscc(1)}],
    )
    return ResponsibilityGraph.build(county_governance(), led), town


def test_order_kinds_levels_and_paths_of_a_business_trace() -> None:
    g, town = _sample_graph()
    nxg = g.to_networkx()
    t = trace(g, uscc(1), as_of=dt.date(2023, 1, 1))
    kinds = [link.kind for link in t]
    # primary, then pairing, then leaders, regulators, coordination: never going back
    rank = {
        ResponsibilityKind.PRIMARY: 0,
        ResponsibilityKind.PAIRING: 1,
        ResponsibilityKind.TERRITORIAL: 2,
        ResponsibilityKind.PARTY_GOVERNMENT: 2,
        ResponsibilityKind.PORTFOLIO: 2,
        ResponsibilityKind.REGULATORY: 3,
        ResponsibilityKind.COORDINATION: 4,
    }
    assert [rank[k] for k in kinds] == sorted(rank[k] for k in kinds)
    assert [link.role for link in t.links[:3]] == ["principal", "food_safety_director", "cadre"]
    leaders = [link for link in t if rank[link.kind] == 2]
    assert [link.level for link in leaders] == sorted(
        (link.level for link in leaders), key=lambda lv: -lv.depth
    )
    for link in t:
        # every path starts at the party, ends at the business, and is connected
        assert link.path[0].source == link.party
        assert link.path[-1].target == business_node(uscc(1))
        for a, b in zip(link.path, link.path[1:], strict=False):
            assert a.target == b.source
        for step in link.path:
            assert nxg.has_edge(step.source, step.target, key=step.key)
    secretary = next(
        link for link in t if link.role == "party_secretary" and link.level is Level.COUNTY
    )
    assert secretary.kind is ResponsibilityKind.PARTY_GOVERNMENT
    assert [s.target for s in secretary.path] == [
        body_node(f"{COUNTY}:party_committee"),
        f"jurisdiction:{COUNTY}",
        f"jurisdiction:{town}",
        business_node(uscc(1)),
    ]


def test_kind_filter_and_explanations_in_both_languages() -> None:
    g, _ = _sample_graph()
    t = trace(g, uscc(1), as_of=dt.date(2023, 1, 1), kinds=["监管"])
    assert {link.kind for link in t} == {ResponsibilityKind.REGULATORY}
    assert {link.role for link in t} == {
        "market_regulation_station",
        "station_head",
        "market_regulation_bureau",
        "bureau_director",
    }
    zh = t.explain("zh")
    en = t.explain("en")
    assert "监管责任" in zh and "市场监管所" in zh and "乡级" in zh
    assert "regulatory supervision" in en and "township level" in en and "station head" in en
    d = t.to_dict()
    assert d["links"][0]["kind"] == "regulatory"
    assert d["links"][0]["path"][-1]["target"] == business_node(uscc(1))


def test_trace_of_a_jurisdiction_a_cadre_and_a_finding() -> None:
    g, town = _sample_graph()
    day = dt.date(2023, 1, 1)
    tj = trace(g, town, as_of=day)
    assert tj.subject == f"jurisdiction:{town}"
    assert {link.level for link in tj} == {Level.TOWNSHIP, Level.COUNTY}
    tc = trace(g, "C1", as_of=day)
    assert tc.links[0].party == "cadre:C1"
    assert all(link.level is Level.COUNTY for link in tc.links[1:])

    @attrs.frozen
    class Finding:
        kind: str
        uscc: str

    tf = trace(g, Finding("director_missing", uscc(1)), as_of=day)
    assert tf.subject == business_node(uscc(1))
    with pytest.raises(FoodSafetyError) as info:
        trace(g, "nobody", as_of=day)
    assert info.value.code == "trace.unknown_subject"


def test_accountability_follows_the_review_and_escalates_with_severity() -> None:
    g, _ = _sample_graph()
    day = dt.date(2023, 1, 1)
    minor = accountability(g, Incident(uscc(1), day, Severity.MINOR))
    major = accountability(g, Incident(uscc(1), day, Severity.MAJOR))
    assert [a.stage for a in minor] == sorted(a.stage for a in minor)
    # a minor incident stops at the township, but the county cadre who paired it still answers
    assert {a.link.level for a in minor if a.stage > 2} == {Level.TOWNSHIP}
    assert any(a.link.party == "cadre:C1" for a in minor)
    assert {a.link.level for a in major if a.stage > 2} == {Level.TOWNSHIP, Level.COUNTY}
    assert all(a.rule.kind is a.link.kind for a in major)
    assert "依据" in major.explain("zh") and "Rule:" in major.explain("en")
    assert major.to_dict()["links"][0]["rule"]["code"] == "primary.principal"


def test_gaps_find_missing_office_chair_and_heads() -> None:
    tree = county_tree()
    full = county_governance()
    town = townships()[0]
    bodies = [b for b in full.bodies if b.id != f"{town}:{BodyKind.FOOD_SAFETY_OFFICE.value}"]
    officials = [
        o
        for o in full.officials
        if o.body != f"{town}:{BodyKind.FOOD_SAFETY_OFFICE.value}"
        and not (o.jurisdiction == COUNTY and o.post.value == "committee_chair")
    ]
    g = ResponsibilityGraph.build(Governance(tree, bodies, officials))
    found = {(x.code, x.key) for x in gaps(g, as_of=dt.date(2023, 1, 1))}
    assert found == {("no_office", town), ("no_chair", f"{COUNTY}:food_safety_committee")}
    # before the synthetic officials took office nobody chairs any committee
    early = gaps(g, as_of=dt.date(2019, 1, 1), requirements=STRICT_REQUIREMENTS)
    chairs = {x.key for x in early if x.code == "no_chair"}
    assert len(chairs) == len(tree)
    assert {x.code for x in early} >= {"no_party_secretary", "no_government_head"}
    office = next(x for x in gaps(g, as_of=dt.date(2023, 1, 1)) if x.code == "no_office")
    assert "食安办" in office.explain("zh") and "food safety office" in office.explain("en")
