"""GraphML, node-link JSON and DOT round trips; trace pictures."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from tests.graph_data import MiniLedger, county_governance, ledgers

from foodsafety.engines.graph import ResponsibilityGraph, build_graph
from foodsafety.engines.graph_export import (
    read_graphml,
    read_node_link,
    render_trace,
    to_dot,
    trace_subgraph,
    write_graphml,
    write_node_link,
)
from foodsafety.engines.tracing import trace
from foodsafety.errors import LoadError

_tmp = settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_tmp
@given(ledgers())
def test_graphml_round_trip_keeps_nodes_edges_keys_dates_and_tuples(
    tmp_path: Path, led: MiniLedger
) -> None:
    g = build_graph(county_governance(), led, name="安阳县")
    path = write_graphml(g, tmp_path / "g.graphml")
    back = read_graphml(path)
    assert nx.utils.graphs_equal(g, back)
    assert back.graph["name"] == "安阳县"
    portfolio = [d["portfolio"] for _, d in back.nodes(data=True) if "portfolio" in d]
    assert portfolio and all(p == ("食品安全",) for p in portfolio)
    # plain networkx reads it too, with dates as ISO strings
    plain = nx.read_graphml(path, force_multigraph=True)
    assert plain.number_of_edges() == g.number_of_edges()
    froms = [d["valid_from"] for *_, d in plain.edges(data=True) if "valid_from" in d]
    assert all(isinstance(v, str) and dt.date.fromisoformat(v) for v in froms)


@_tmp
@given(ledgers())
def test_node_link_round_trip(tmp_path: Path, led: MiniLedger) -> None:
    g = build_graph(county_governance(), led)
    back = read_node_link(write_node_link(g, tmp_path / "g.json"))
    assert nx.utils.graphs_equal(g, back)


def test_unreadable_files_raise_load_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.graphml"
    bad.write_text("not xml", encoding="utf-8")
    with pytest.raises(LoadError):
        read_graphml(bad)
    with pytest.raises(LoadError):
        read_node_link(tmp_path / "missing.json")


def test_dot_has_every_edge_styled_by_kind_and_levels_as_ranks() -> None:
    g = build_graph(county_governance())
    text = to_dot(g, lang="en")
    assert text.startswith('digraph "responsibility" {')
    assert text.count(" -> ") == g.number_of_edges()
    assert 'kind="party_government"' in text and 'style="dotted"' in text
    assert text.count("rank=same") == 2  # county and township
    first = next(j.code for j in county_governance().tree if j.level.value == "township")
    assert f'"jurisdiction:410522" -> "jurisdiction:{first}"' in text


def test_trace_subgraph_and_picture(tmp_path: Path) -> None:
    from tests.graph_data import mini_ledger, townships, uscc

    led = mini_ledger(
        [
            {
                "uscc": uscc(1),
                "name": "甲",
                "kind": "catering",
                "jurisdiction": townships()[0],
                "principal": "张三",
            }
        ],
        [{"cadre_id": "C1", "name": "王五", "level": "township", "jurisdiction": townships()[0]}],
        [{"assignment_id": "A1", "cadre_id": "C1", "uscc": uscc(1)}],
    )
    g = ResponsibilityGraph.build(county_governance(), led)
    t = trace(g, uscc(1), as_of=dt.date(2023, 1, 1))
    sub = trace_subgraph(g, t)
    assert set(sub.nodes) >= {link.party for link in t}
    assert all(sub.has_edge(s.source, s.target, s.key) for link in t for s in link.path)
    # the same subgraph as cut from the networkx form, attributes and all
    whole = g.to_networkx()

    def edges(graph: nx.MultiDiGraph[str]) -> dict[tuple[str, str, str], object]:
        return {(u, v, k): d for u, v, k, d in graph.edges(keys=True, data=True)}

    assert edges(trace_subgraph(whole, t)) == edges(sub)
    assert dict(trace_subgraph(whole, t).nodes(data=True)) == dict(sub.nodes(data=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        png = render_trace(g, t, tmp_path / "t.png")
        svg = render_trace(g, t, tmp_path / "t.svg", lang="en")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in svg.read_bytes()[:500]
