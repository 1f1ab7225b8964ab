"""The tracer's memo: chains composed from the parent jurisdiction's chain equal a fresh search.

A township's chain is built from its county's memoised chain plus its own bodies and officials.
That is only exact while nothing above the county is reachable from the township another way;
these tests add cross-level edges (a county bureau answering for a township directly, a
township leader sitting on the county committee, a jurisdiction cycle) and check that every
trace still equals a fresh search (the networkx engine's ``naive_trace``, in ``tests/reference``).
"""

from __future__ import annotations

import datetime as dt

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.graph_data import DAY0, county_governance, ledgers, mini_ledger
from tests.reference.nx_tracing import naive_trace

from foodsafety.engines.graph import ResponsibilityGraph, build_graph, business_node
from foodsafety.engines.tracing import Tracer

days = st.integers(0, 760).map(lambda n: DAY0 + dt.timedelta(days=n))
_ROLES = ["jurisdiction", "market_regulation_bureau", "deputy_in_charge", "member_unit"]
_KINDS = {
    "jurisdiction": "territorial",
    "market_regulation_bureau": "regulatory",
    "deputy_in_charge": "portfolio",
    "member_unit": "coordination",
}


def _upper_nodes(g: nx.MultiDiGraph[str]) -> list[str]:
    return sorted(n for n, d in g.nodes(data=True) if d["type"] in ("jurisdiction", "body"))


@st.composite
def extra_edges(draw: st.DrawFn, n_nodes: int) -> list[tuple[int, int, str, int | None]]:
    """Cross-level edges as (source index, target index, role, valid_to offset)."""
    edge = st.tuples(
        st.integers(0, n_nodes - 1),
        st.integers(0, n_nodes - 1),
        st.sampled_from(_ROLES),
        st.none() | st.integers(0, 760),
    )
    return draw(st.lists(edge, max_size=6))


def _dicts(links: object) -> list[dict[str, object]]:
    return [link.to_dict() for link in links]  # type: ignore[attr-defined]


@settings(max_examples=30, deadline=None)
@given(ledgers(max_businesses=5), days, st.data())
def test_composed_chains_equal_a_fresh_search_with_cross_level_edges(
    led: object, day: dt.date, data: st.DataObject
) -> None:
    g = build_graph(county_governance(), led)
    upper = _upper_nodes(g)
    for s, t, role, end in data.draw(extra_edges(len(upper))):
        attrs_ = {"kind": _KINDS[role], "level": "county", "role": role}
        if end is not None:
            attrs_["valid_to"] = DAY0 + dt.timedelta(days=end)
        g.add_edge(upper[s], upper[t], key=f"extra-{s}-{t}", **attrs_)
    tracer = Tracer(ResponsibilityGraph.from_networkx(g))
    members = data.draw(st.booleans())
    kinds = data.draw(st.none() | st.sets(st.sampled_from(sorted(set(_KINDS.values())))))
    for row in led.rows["businesses"]:  # type: ignore[attr-defined]
        node = business_node(row["uscc"])
        fast = tracer.trace(node, as_of=day, kinds=kinds, members=members)
        slow = naive_trace(g, node, as_of=day, kinds=kinds, members=members)
        assert _dicts(fast.links) == _dicts(slow)
        assert len(fast) == len(slow)
    for node in upper:
        fast_links = tracer.trace(node, as_of=day, kinds=kinds, members=members).links
        slow = naive_trace(g, node, as_of=day, kinds=kinds, members=members)
        assert _dicts(fast_links) == _dicts(slow)


@settings(max_examples=30, deadline=None)
@given(ledgers(), days)
def test_the_array_fast_path_equals_a_fresh_search_on_and_around_every_date_it_changes(
    led: object, day: dt.date
) -> None:
    g = build_graph(county_governance(), led)
    columnar = ResponsibilityGraph.build(county_governance(), led)  # type: ignore[arg-type]
    tracer = Tracer(columnar)
    for row in led.rows["businesses"]:  # type: ignore[attr-defined]
        node = business_node(row["uscc"])
        probes = {day, dt.date(1900, 1, 1)}
        for keyed in g.pred[node].values():
            for d in keyed.values():
                for cut in (d.get("valid_from"), d.get("valid_to")):
                    if cut is not None:
                        probes |= {cut, cut - dt.timedelta(days=1)}
        for probe in probes:
            fast = tracer.trace(node, as_of=probe)
            assert _dicts(fast.links) == _dicts(naive_trace(g, node, as_of=probe))
            assert fast.links == Tracer(columnar).trace(node, as_of=probe).links
    # A business whose edges were all removed (networkx, then read back) answers to nobody.
    node = business_node(led.rows["businesses"][0]["uscc"])  # type: ignore[attr-defined]
    for u in list(g.pred[node]):
        g.remove_edges_from([(u, node, k) for k in list(g.pred[node][u])])
    assert not Tracer(ResponsibilityGraph.from_networkx(g)).trace(node, as_of=day).links


def test_townships_reuse_the_county_chain_and_a_cycle_falls_back_to_a_search() -> None:
    g = build_graph(county_governance(), mini_ledger([]))
    columnar = ResponsibilityGraph.from_networkx(g)
    tracer = Tracer(columnar)
    county = "jurisdiction:410522"
    towns = [n for n, d in g.nodes(data=True) if d["type"] == "jurisdiction" and n != county]
    day = DAY0
    for town in towns:
        tracer.chain(town, day)
    county_chain = tracer._entry(columnar.node_id(county), day, None, False)
    composed = [tracer._entry(columnar.node_id(t), day, None, False) for t in towns]
    assert all(c.parent is county_chain for c in composed)
    # Every link above the county reaches each township through the county: same party, path
    # one edge longer.
    town_links = {link.party: link for link in composed[0].links}
    for link in county_chain.links:
        assert town_links[link.party].path[:-1] == link.path
    # A cycle (a township answering for its county) must not recurse forever, and the chains
    # must still be those of a fresh search.
    g.add_edge(
        towns[0], county, key="cycle", kind="territorial", level="township", role="jurisdiction"
    )
    tracer = Tracer(ResponsibilityGraph.from_networkx(g))
    for node in [county, *towns]:
        assert _dicts(tracer.chain(node, day)) == _dicts(naive_trace(g, node, as_of=day))
