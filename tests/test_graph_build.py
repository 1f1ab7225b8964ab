"""The responsibility graph: nodes, edges, attributes and bad ledger rows."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest
from hypothesis import given, settings
from tests.graph_data import (
    COUNTY,
    MiniLedger,
    county_governance,
    county_tree,
    ledgers,
    mini_ledger,
    townships,
    uscc,
)

from foodsafety.engines.graph import (
    NODE_TYPES,
    SCHEMA,
    body_node,
    build_graph,
    business_node,
    cadre_node,
    jurisdiction_node,
    person_node,
)
from foodsafety.errors import BulkValidationError
from foodsafety.models import JurisdictionTree
from foodsafety.vocab import BodyKind, Level, ResponsibilityKind


def _one_business(**extra: object) -> MiniLedger:
    town = townships()[0]
    row = {
        "uscc": uscc(1),
        "name": "甲餐饮店",
        "kind": "catering",
        "jurisdiction": town,
        "tier": "C",
        "principal": "张三",
        "director": "李四",
        "opened": dt.date(2020, 5, 1),
        **extra,
    }
    return mini_ledger(
        [row],
        [
            {
                "cadre_id": "C1",
                "name": "王五",
                "level": "township",
                "jurisdiction": town,
                "active_from": dt.date(2021, 1, 1),
                "active_to": dt.date(2022, 7, 1),
            }
        ],
        [
            {
                "assignment_id": "A1",
                "cadre_id": "C1",
                "uscc": uscc(1),
                "valid_from": dt.date(2020, 1, 1),
            }
        ],
    )


def test_governance_only_graph_has_every_jurisdiction_body_and_official() -> None:
    gov = county_governance()
    g = build_graph(gov)
    assert g.graph["schema"] == SCHEMA
    types = nx.get_node_attributes(g, "type")
    assert sum(t == "jurisdiction" for t in types.values()) == len(county_tree())
    assert sum(t == "body" for t in types.values()) == len(list(gov.bodies))
    assert sum(t == "official" for t in types.values()) == len(list(gov.officials))
    # the county answers territorially for each of its townships
    for town in townships():
        data = g.get_edge_data(jurisdiction_node(COUNTY), jurisdiction_node(town))
        assert data is not None
        assert data["territorial"]["role"] == "jurisdiction"
        assert data["territorial"]["level"] == "county"


def test_bare_tree_gets_standard_bodies_without_officials() -> None:
    tree = JurisdictionTree.from_registry(COUNTY, depth="county")
    g = build_graph(tree)
    assert {d["body_kind"] for _, d in g.nodes(data=True) if d["type"] == "body"} == {
        k.value
        for k in (
            BodyKind.PARTY_COMMITTEE,
            BodyKind.GOVERNMENT,
            BodyKind.FOOD_SAFETY_COMMITTEE,
            BodyKind.FOOD_SAFETY_OFFICE,
            BodyKind.MARKET_REGULATION_BUREAU,
        )
    }
    assert not any(d["type"] == "official" for _, d in g.nodes(data=True))


def test_business_edges_point_from_the_responsible_party() -> None:
    led = _one_business()
    g = build_graph(county_governance(), led)
    b = business_node(uscc(1))
    preds = {u: next(iter(keys.values())) for u, keys in g.pred[b].items()}
    town = townships()[0]
    assert set(preds) == {
        person_node(uscc(1), "principal"),
        person_node(uscc(1), "food_safety_director"),
        cadre_node("C1"),
        jurisdiction_node(town),
    }
    assert preds[person_node(uscc(1), "principal")]["kind"] == "primary"
    assert preds[person_node(uscc(1), "principal")]["level"] == "township"
    pairing = preds[cadre_node("C1")]
    assert pairing["kind"] == "pairing"
    # the assignment began before the cadre took up the duty and is open-ended: the edge's
    # period is cut to the cadre's active period
    assert pairing["valid_from"] == dt.date(2021, 1, 1)
    assert pairing["valid_to"] == dt.date(2022, 7, 1)
    assert pairing["assignment_id"] == "A1"
    assert g.out_degree(b) == 0


def test_officials_answer_through_their_body_with_the_kind_of_their_post() -> None:
    g = build_graph(county_governance())
    kinds = {
        d["post"]: next(iter(g.succ[n].values()))
        for n, d in g.nodes(data=True)
        if d["type"] == "official" and d["jurisdiction"] == COUNTY
    }
    by_post = {post: next(iter(adj.values()))["kind"] for post, adj in kinds.items()}
    assert by_post["party_secretary"] == ResponsibilityKind.PARTY_GOVERNMENT.value
    assert by_post["government_head"] == ResponsibilityKind.PARTY_GOVERNMENT.value
    assert by_post["deputy_in_charge"] == ResponsibilityKind.PORTFOLIO.value
    assert by_post["bureau_director"] == ResponsibilityKind.REGULATORY.value
    assert by_post["committee_chair"] == ResponsibilityKind.COORDINATION.value
    secretary = f"official:SYN-{COUNTY}:party_secretary"
    assert list(g.successors(secretary)) == [body_node(f"{COUNTY}:party_committee")]


def test_a_village_business_hangs_from_its_township_and_keeps_its_own_code() -> None:
    town = townships()[0]
    village = town + "501"
    g = build_graph(county_governance(), _one_business(jurisdiction=village))
    node = g.nodes[business_node(uscc(1))]
    assert node["jurisdiction"] == village
    assert node["anchor"] == town
    assert node["level"] == Level.VILLAGE.value
    assert g.has_edge(jurisdiction_node(town), business_node(uscc(1)))


def test_bad_rows_are_all_reported_with_table_row_and_column() -> None:
    led = mini_ledger(
        [
            {"uscc": uscc(1), "name": "甲", "kind": "catering", "jurisdiction": "110101"},
            {"uscc": uscc(2), "name": "乙", "kind": "catering", "jurisdiction": townships()[0]},
        ],
        [{"cadre_id": "C1", "name": "王", "level": "county", "jurisdiction": COUNTY}],
        [
            {"assignment_id": "A1", "cadre_id": "C9", "uscc": uscc(2)},
            {"assignment_id": "A2", "cadre_id": "C1", "uscc": uscc(7)},
        ],
    )
    with pytest.raises(BulkValidationError) as info:
        build_graph(county_governance(), led)
    problems = list(info.value.report)
    assert [(p.record, p.row, p.column, p.code) for p in problems] == [
        ("businesses", 1, "jurisdiction", "graph.unknown_jurisdiction"),
        ("assignments", 1, "cadre_id", "graph.unknown_cadre"),
        ("assignments", 2, "uscc", "graph.unknown_business"),
    ]


@settings(max_examples=30)
@given(ledgers())
def test_attributes_are_plain_and_never_none(led: MiniLedger) -> None:
    g = build_graph(county_governance(), led)
    plain = (str, int, float, bool, dt.date, tuple)
    for n, d in g.nodes(data=True):
        assert n.split(":", 1)[0] == d["type"]
        assert d["type"] in NODE_TYPES
        assert all(isinstance(v, plain) for v in d.values()), (n, d)
    for _, _, d in g.edges(data=True):
        assert all(isinstance(v, plain) for v in d.values()), d
        assert ResponsibilityKind.parse(d["kind"]).value == d["kind"]


@settings(max_examples=30)
@given(ledgers())
def test_fast_bulk_insertion_builds_the_same_graph_as_networkx_add_edge(led: MiniLedger) -> None:
    g = build_graph(county_governance(), led)
    again: nx.MultiDiGraph[str] = nx.MultiDiGraph(**g.graph)
    again.add_nodes_from(g.nodes(data=True))
    again.add_edges_from(g.edges(keys=True, data=True))
    assert nx.utils.graphs_equal(g, again)
    # one pairing edge per assignment, one business node per row
    assert sum(1 for *_, d in g.edges(data=True) if d["kind"] == "pairing") == len(
        led.rows["assignments"]
    )
    assert sum(1 for _, d in g.nodes(data=True) if d["type"] == "business") == len(
        led.rows["businesses"]
    )
