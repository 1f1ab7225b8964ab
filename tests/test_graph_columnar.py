"""The columnar graph against the networkx engine it replaced (kept in ``tests/reference``).

The reference builds the networkx graph row by row and traces it with dict walks; the
library builds columns with polars and numpy and traces the arrays. On random ledgers both
must give the same graph (``to_networkx``), the same traces, accountability chains and gaps.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.graph_data import DAY0, MiniLedger, county_governance, ledgers
from tests.reference import nx_graph as ref_graph
from tests.reference import nx_tracing as ref_tracing

from foodsafety.engines import tracing
from foodsafety.engines.graph import ResponsibilityGraph
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
