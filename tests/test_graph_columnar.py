"""The columnar graph against the networkx engine it replaced (kept in ``tests/reference``).

The reference builds the networkx graph row by row and traces it with dict walks; the
library builds columns with polars and numpy and traces the arrays. On random ledgers both
must give the same graph (``to_networkx``), the same traces, accountability chains and gaps.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.graph_data import DAY0, MiniLedger, active, county_governance, ledgers, townships
from tests.reference import nx_graph as ref_graph
from tests.reference import nx_tracing as ref_tracing

from foodsafety.engines import tracing
from foodsafety.engines.graph import ResponsibilityGraph
from foodsafety.errors import FoodSafetyError
from foodsafety.vocab import ResponsibilityKind, Severity

days = st.integers(-30, 760).map(lambda n: DAY0 + dt.timedelta(days=n))


def _graph_dump(g: nx.MultiDiGraph[str]) -> tuple[list[Any], dict[Any, Any], dict[str, Any]]:
    nodes = list(g.nodes(data=True))
    edges = {(u, v, k): d for u, v, k, d in g.edges(keys=True, data=True)}
    preds = {v: list(g.pred[v]) for v in g}
    return nodes, edges, preds


@settings(max_examples=60, deadline=None)
@given(ledgers())
def test_to_networkx_is_the_graph_the_networkx_builder_made(led: MiniLedger) -> None:
    reference = ref_graph.build_graph(county_governance(), led)
    columnar = ResponsibilityGraph.build(county_governance(), led).to_networkx()
    assert _graph_dump(columnar) == _graph_dump(reference)
    assert columnar.graph == reference.graph


def _links(links: Any) -> list[tuple[Any, ...]]:
    return [(link.to_dict(), link.explain("zh"), link.explain("en")) for link in links]


kinds_st = st.one_of(
    st.none(), st.sets(st.sampled_from(list(ResponsibilityKind)), min_size=1, max_size=3)
)


@settings(max_examples=60, deadline=None)
@given(ledgers(), days, kinds_st, st.booleans())
def test_traces_accountability_and_gaps_equal_the_networkx_engine(
    led: MiniLedger, day: dt.date, kinds: set[ResponsibilityKind] | None, members: bool
) -> None:
    reference = ref_graph.build_graph(county_governance(), led)
    columnar = ResponsibilityGraph.build(county_governance(), led)
    subjects = [n for n in reference if not n.startswith("person:")]
    for node in subjects:
        old = ref_tracing.trace(reference, node, as_of=day, kinds=kinds, members=members)
        new = tracing.trace(columnar, node, as_of=day, kinds=kinds, members=members)
        assert (new.subject, new.name, new.as_of) == (old.subject, old.name, old.as_of)
        assert _links(new.links) == _links(old.links)
        assert len(new) == len(old)
        assert new.explain("en") == old.explain("en")
    for row in led.rows["businesses"]:
        for severity in Severity:
            incident_old = ref_tracing.Incident(row["uscc"], day, severity)
            incident_new = tracing.Incident(row["uscc"], day, severity)
            old_chain = ref_tracing.accountability(reference, incident_old)
            new_chain = tracing.accountability(columnar, incident_new)
            assert new_chain.to_dict() == old_chain.to_dict()
            assert new_chain.explain("zh") == old_chain.explain("zh")
    for old_reqs, new_reqs in (
        (ref_tracing.DEFAULT_REQUIREMENTS, tracing.DEFAULT_REQUIREMENTS),
        (ref_tracing.STRICT_REQUIREMENTS, tracing.STRICT_REQUIREMENTS),
    ):
        old_gaps = ref_tracing.gaps(reference, as_of=day, requirements=old_reqs)
        new_gaps = tracing.gaps(columnar, as_of=day, requirements=new_reqs)
        assert [g.to_dict() for g in new_gaps] == [g.to_dict() for g in old_gaps]
        assert [g.explain("en") for g in new_gaps] == [g.explain("en") for g in old_gaps]


@settings(max_examples=40, deadline=None)
@given(ledgers(), days, st.data())
def test_to_networkx_of_a_township_on_a_day_keeps_its_part_and_the_edges_valid_then(
    led: MiniLedger, day: dt.date, data: st.DataObject
) -> None:
    town = data.draw(st.sampled_from(townships()))
    whole = ref_graph.build_graph(county_governance(), led)
    part = ResponsibilityGraph.build(county_governance(), led).to_networkx(
        jurisdiction=town, as_of=day
    )
    in_town = {
        b["uscc"]
        for b in led.rows["businesses"]
        if b["jurisdiction"] == town and active(b["opened"], b["closed"], day)
    }
    pairing = {a["cadre_id"] for a in led.rows["assignments"] if a["uscc"] in in_town}
    cadres = {
        c["cadre_id"]
        for c in led.rows["cadres"]
        if (c["jurisdiction"] == town or c["cadre_id"] in pairing)
        and active(c["active_from"], c["active_to"], day)
    }

    def kept(node: str, d: dict[str, Any]) -> bool:
        if d["type"] in ("business", "person"):
            return d["uscc"] in in_town
        if d["type"] == "cadre":
            return node.removeprefix("cadre:") in cadres
        if d["type"] == "official" and not active(d.get("valid_from"), d.get("valid_to"), day):
            return False
        return d["jurisdiction"] == town

    expected = {n for n, d in whole.nodes(data=True) if kept(n, d)}
    assert set(part) == expected
    assert all(part.nodes[n] == whole.nodes[n] for n in part)
    valid = {
        (u, v, k): d
        for u, v, k, d in whole.edges(keys=True, data=True)
        if u in expected and v in expected and active(d.get("valid_from"), d.get("valid_to"), day)
    }
    assert {(u, v, k): d for u, v, k, d in part.edges(keys=True, data=True)} == valid


def test_to_networkx_of_an_unknown_jurisdiction_is_an_error() -> None:
    graph = ResponsibilityGraph.build(county_governance())
    with pytest.raises(FoodSafetyError) as caught:
        graph.to_networkx(jurisdiction="999999")
    assert caught.value.code == "graph.unknown_jurisdiction"


@settings(max_examples=30, deadline=None)
@given(ledgers())
def test_from_networkx_then_to_networkx_gives_the_graph_back(led: MiniLedger) -> None:
    g = ref_graph.build_graph(county_governance(), led)
    back = ResponsibilityGraph.from_networkx(g)
    assert back.number_of_nodes() == g.number_of_nodes()
    assert back.number_of_edges() == g.number_of_edges()
    assert _graph_dump(back.to_networkx()) == _graph_dump(g)
